//! Where a grid's households and population come from — one rule for every statistic, the
//! planner and the coverage view, which all read the grid's stored figures:
//!
//! - the figure the grid's file gives, when it gives one;
//! - else the sum over the buildings placed in the grid (a building's `grid` property, or the
//!   level-3 grid holding its interior point), rolled up the levels: a level-1 grid holds
//!   what every building under it holds.
//!
//! A given figure that differs from its buildings' sum by more than [`MISMATCH_SHARE`] is
//! kept, and reported as a [`Mismatch`] naming both figures.

use super::model::{Building, Grid, Households, Population};
use super::GridCode;
use std::collections::{HashMap, HashSet};

/// How far (as a share of the buildings' sum) a given figure may stray before it is reported.
pub const MISMATCH_SHARE: f64 = 0.10;

/// What the buildings in one grid add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub households: u32,
    pub population: u32,
    pub buildings: u32,
}

/// The buildings' sums for every grid that holds at least one building, at every level.
pub fn building_sums(buildings: &[Building]) -> HashMap<GridCode, Sums> {
    let mut out: HashMap<GridCode, Sums> = HashMap::new();
    for b in buildings {
        let mut at = b.grid.clone();
        while let Some(code) = at {
            let s = out.entry(code.clone()).or_default();
            s.households = s.households.saturating_add(b.households.get());
            s.population = s.population.saturating_add(b.population.get());
            s.buildings += 1;
            at = code.parent();
        }
    }
    out
}

/// Which figures a grid's file left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Missing {
    pub households: HashSet<GridCode>,
    pub population: HashSet<GridCode>,
}

impl Missing {
    pub fn is_empty(&self) -> bool {
        self.households.is_empty() && self.population.is_empty()
    }
}

/// Gives every figure a file left out its buildings' sum (0 where the grid holds no
/// building). Returns how many grids took at least one figure from their buildings.
pub fn fill(grids: &mut [Grid], missing: &Missing, sums: &HashMap<GridCode, Sums>) -> usize {
    let mut filled = 0;
    for g in grids.iter_mut() {
        let s = sums.get(&g.code).copied().unwrap_or_default();
        let (h, p) = (
            missing.households.contains(&g.code),
            missing.population.contains(&g.code),
        );
        if h {
            g.households = Households::new(s.households);
        }
        if p {
            g.population = Population::new(s.population);
        }
        filled += usize::from(h || p);
    }
    filled
}

/// A grid whose given households stray from its buildings' sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub code: GridCode,
    pub given: u32,
    pub buildings_sum: u32,
    pub buildings: u32,
}

impl Mismatch {
    /// `households 1480 given, its 12 buildings hold 812 (+82%)`.
    pub fn describe(&self) -> String {
        let off = (f64::from(self.given) - f64::from(self.buildings_sum))
            / f64::from(self.buildings_sum)
            * 100.0;
        format!(
            "households {} given, its {} building(s) hold {} ({off:+.0}%)",
            self.given, self.buildings, self.buildings_sum
        )
    }
}

/// Grids whose households differ from their buildings' sum by more than [`MISMATCH_SHARE`]
/// of that sum. Grids without buildings, or whose buildings hold no households, say nothing.
pub fn mismatches(grids: &[Grid], sums: &HashMap<GridCode, Sums>) -> Vec<Mismatch> {
    let mut out: Vec<Mismatch> = grids
        .iter()
        .filter_map(|g| {
            let s = sums.get(&g.code)?;
            let given = g.households.get();
            let diff = f64::from(given.abs_diff(s.households));
            (s.households > 0 && diff > MISMATCH_SHARE * f64::from(s.households)).then(|| {
                Mismatch {
                    code: g.code.clone(),
                    given,
                    buildings_sum: s.households,
                    buildings: s.buildings,
                }
            })
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{FeatureId, Floors, GridKind};
    use geo::{polygon, MultiPolygon};

    fn code(s: &str) -> GridCode {
        GridCode::parse(s).unwrap()
    }

    fn grid(c: &str, households: u32) -> Grid {
        Grid {
            code: code(c),
            name: c.into(),
            kind: GridKind::Comprehensive,
            geometry: MultiPolygon::new(vec![polygon![
                (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)
            ]]),
            households: Households::new(households),
            population: Population::new(0),
            domains: vec![],
        }
    }

    fn building(id: &str, grid: Option<&str>, households: u32) -> Building {
        Building {
            id: FeatureId::parse(id).unwrap(),
            address: String::new(),
            footprint: MultiPolygon::new(vec![]),
            floors: Floors::try_from(1).unwrap(),
            households: Households::new(households),
            population: Population::new(households * 3),
            compound: None,
            grid: grid.map(code),
        }
    }

    #[test]
    fn sums_roll_up_from_level_three_to_levels_two_and_one_and_skip_buildings_without_a_grid() {
        let b = [
            building("B1", Some("610581001001001"), 100),
            building("B2", Some("610581001001002"), 50),
            building("B3", Some("610581001002001"), 7),
            building("B4", None, 1000),
        ];
        let s = building_sums(&b);
        assert_eq!(s[&code("610581001001001")].households, 100);
        assert_eq!(s[&code("610581001001")].households, 150);
        assert_eq!(s[&code("610581001")].households, 157);
        assert_eq!(s[&code("610581001")].population, 471);
        assert_eq!(s[&code("610581001")].buildings, 3);
        assert_eq!(s.len(), 6);
    }

    #[test]
    fn a_figure_left_out_takes_its_buildings_sum_and_a_given_one_is_kept() {
        let mut g = [grid("610581001001001", 0), grid("610581001001002", 400)];
        let b = [
            building("B1", Some("610581001001001"), 120),
            building("B2", Some("610581001001002"), 90),
        ];
        let missing = Missing {
            households: [code("610581001001001")].into(),
            population: [code("610581001001001"), code("610581001001002")].into(),
        };
        assert_eq!(fill(&mut g, &missing, &building_sums(&b)), 2);
        assert_eq!(g[0].households.get(), 120);
        assert_eq!(g[0].population.get(), 360);
        assert_eq!(g[1].households.get(), 400, "the file's figure stands");
        assert_eq!(g[1].population.get(), 270);
    }

    #[test]
    fn a_figure_more_than_ten_percent_off_its_buildings_is_a_mismatch_naming_both() {
        let g = [
            grid("610581001001001", 110), // exactly 10% over 100: fine
            grid("610581001001002", 89),  // 11% under 100
            grid("610581001002001", 0),   // no buildings: nothing to compare
        ];
        let b = [
            building("B1", Some("610581001001001"), 100),
            building("B2", Some("610581001001002"), 60),
            building("B3", Some("610581001001002"), 40),
        ];
        let m = mismatches(&g, &building_sums(&b));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].code, code("610581001001002"));
        assert_eq!(
            m[0].describe(),
            "households 89 given, its 2 building(s) hold 100 (-11%)"
        );
    }
}
