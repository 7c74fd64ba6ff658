//! Planning one grid ([`plan_grid`]: which units, which split) and rebalancing a city: every
//! level-3 grid over the band auto-split, the parts given fresh codes under the same level-2
//! parent (codes are never reused: numbering continues after the highest ever used there),
//! and the city's grid list with the splits applied.

use super::{out_of_band, split, units_of, Band, Fit, Measure, PlanError, Split, Unit};
use crate::domain::message::Message;
use crate::domain::model::{Building, Compound, FeatureId, Grid, Households, Population};
use crate::domain::GridCode;
use std::collections::{HashMap, HashSet};

/// `n` new level-3 codes under `parent`, numbered after the highest in `taken`.
pub fn fresh_codes<'a>(
    parent: &GridCode,
    taken: impl IntoIterator<Item = &'a GridCode>,
    n: usize,
) -> Result<Vec<GridCode>, PlanError> {
    let highest = taken
        .into_iter()
        .filter(|c| c.parent().as_ref() == Some(parent))
        .filter_map(|c| c.as_str()[c.as_str().len() - 3..].parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    (1..=n as u32)
        .map(|i| {
            let number = highest + i;
            if number > 999 {
                return Err(PlanError::CodesExhausted(parent.to_string()));
            }
            GridCode::parse(&format!("{parent}{number:03}"))
                .map_err(|_| PlanError::CodesExhausted(parent.to_string()))
        })
        .collect()
}

/// One grid's split, with the units it was made from and the codes its parts would get.
#[derive(Clone, Debug)]
pub struct Planned {
    pub code: GridCode,
    pub units: Vec<Unit>,
    pub split: Split,
    /// Compounds taken apart into their buildings to meet the band.
    pub divided: Vec<String>,
    pub new_codes: Vec<GridCode>,
}

/// How far a split's parts are from the band, summed (0 when every part is within).
fn miss(s: &Split, band: Band, by: Measure) -> f64 {
    s.parts
        .iter()
        .map(|p| {
            let v = f64::from(by.of(p.households, p.population));
            (v - f64::from(band.max())).max(0.0) / f64::from(band.max())
                + (f64::from(band.min()) - v).max(0.0) / f64::from(band.min())
        })
        .sum()
}

/// The compounds and buildings of one grid.
pub struct GridContents<'a> {
    pub compounds: Vec<&'a Compound>,
    pub buildings: Vec<&'a Building>,
}

/// Compounds and buildings grouped by their level-3 grid, in one pass.
pub fn contents_by_grid<'a>(
    compounds: &'a [Compound],
    buildings: &'a [Building],
) -> HashMap<GridCode, GridContents<'a>> {
    let mut out: HashMap<GridCode, GridContents> = HashMap::new();
    let new = || GridContents {
        compounds: vec![],
        buildings: vec![],
    };
    for c in compounds {
        if let Some(g) = &c.grid {
            out.entry(g.clone()).or_insert_with(new).compounds.push(c);
        }
    }
    for b in buildings {
        if let Some(g) = &b.grid {
            out.entry(g.clone()).or_insert_with(new).buildings.push(b);
        }
    }
    out
}

/// Plans one grid's split into `k` parts (or as many as the band asks). Compounds are kept
/// whole when that meets the band; otherwise compounds too big to share a part are divided
/// by building (then every compound larger than the band's minimum, if that is still needed),
/// and the plan nearest the band is kept. Buildings are never cut.
pub fn plan_grid(
    grid: &Grid,
    contents: &GridContents,
    band: Band,
    by: Measure,
    k: Option<usize>,
) -> Result<(Vec<Unit>, Split, Vec<String>), PlanError> {
    let compounds: Vec<Compound> = contents.compounds.iter().map(|c| (*c).clone()).collect();
    let buildings: Vec<Building> = contents.buildings.iter().map(|b| (*b).clone()).collect();
    let whole = units_of(&compounds, &buildings, &HashSet::new());
    let loads: HashMap<&FeatureId, u32> = whole
        .iter()
        .map(|u| (&u.id, by.of(u.households, u.population)))
        .collect();
    let over = |limit: u32| -> HashSet<FeatureId> {
        compounds
            .iter()
            .filter(|c| loads.get(&c.id).is_some_and(|l| *l > limit))
            .map(|c| c.id.clone())
            .collect()
    };
    let mut best: Option<(Vec<Unit>, Split, HashSet<FeatureId>)> = None;
    for divide in [HashSet::new(), over(band.max()), over(band.min())] {
        if best.as_ref().is_some_and(|b| b.2 == divide) {
            continue;
        }
        let units = if divide.is_empty() {
            whole.clone()
        } else {
            units_of(&compounds, &buildings, &divide)
        };
        let s = split(grid.code.as_str(), &grid.geometry, &units, band, by, k)?;
        let better = best
            .as_ref()
            .is_none_or(|b| miss(&s, band, by) < miss(&b.1, band, by) - 1e-9);
        if better {
            best = Some((units, s, divide));
        }
        if best.as_ref().is_some_and(|b| miss(&b.1, band, by) == 0.0) {
            break;
        }
    }
    let (units, mut s, divide) = best.ok_or_else(|| PlanError::NoArea(grid.code.to_string()))?;
    let mut divided: Vec<String> = compounds
        .iter()
        .filter(|c| divide.contains(&c.id))
        .map(|c| c.name.clone())
        .collect();
    divided.sort();
    if !divided.is_empty() {
        s.problems.insert(
            0,
            Message::new(
                "plan.divided_by_building",
                format!(
                    "divided by building to meet the band: {} (a compound then spans several grids)",
                    divided.join(", ")
                ),
            )
            .with("compounds", divided.join(", ")),
        );
    }
    Ok((units, s, divided))
}

/// Splits every level-3 grid over the band, in code order.
pub fn rebalance(
    grids: &[Grid],
    compounds: &[Compound],
    buildings: &[Building],
    band: Band,
    by: Measure,
) -> Result<Vec<Planned>, PlanError> {
    let contents = contents_by_grid(compounds, buildings);
    let empty = GridContents {
        compounds: vec![],
        buildings: vec![],
    };
    let mut over: Vec<&Grid> = out_of_band(grids, band, by)
        .into_iter()
        .filter(|o| o.fit == Fit::Over)
        .map(|o| o.grid)
        .collect();
    over.sort_by(|a, b| a.code.cmp(&b.code));
    let mut taken: Vec<GridCode> = grids.iter().map(|g| g.code.clone()).collect();
    let mut out = Vec::with_capacity(over.len());
    for g in over {
        let (units, split, divided) =
            plan_grid(g, contents.get(&g.code).unwrap_or(&empty), band, by, None)?;
        let parent = g
            .parent()
            .ok_or_else(|| PlanError::NoArea(g.code.to_string()))?;
        let new_codes = if split.parts.len() > 1 {
            fresh_codes(&parent, &taken, split.parts.len())?
        } else {
            vec![]
        };
        taken.extend(new_codes.iter().cloned());
        out.push(Planned {
            code: g.code.clone(),
            units,
            split,
            divided,
            new_codes,
        });
    }
    Ok(out)
}

/// The grid list with each planned split applied: the old grid gone, its parts in with their
/// new codes, names ("<old name>-1", …), households and population from their units.
pub fn apply(grids: &[Grid], plans: &[Planned]) -> Vec<Grid> {
    let by_code: HashMap<&GridCode, &Planned> = plans
        .iter()
        .filter(|p| !p.new_codes.is_empty())
        .map(|p| (&p.code, p))
        .collect();
    let mut out = Vec::with_capacity(grids.len() + plans.len() * 2);
    for g in grids {
        match by_code.get(&g.code) {
            None => out.push(g.clone()),
            Some(p) => {
                for (i, (part, code)) in p.split.parts.iter().zip(&p.new_codes).enumerate() {
                    out.push(Grid {
                        code: code.clone(),
                        name: format!("{}-{}", g.name, i + 1),
                        kind: g.kind,
                        geometry: part.geometry.clone(),
                        households: Households::new(part.households),
                        population: Population::new(part.population),
                        domains: g.domains.clone(),
                    });
                }
            }
        }
    }
    out
}
