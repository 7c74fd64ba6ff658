//! Where what the retired grids held goes when a draft is published (pure): each compound and
//! building to the new grid holding its interior point, and each officer to a new grid — by
//! default the part made from their old grid with the most households, or where the planner
//! placed them ([`super::draft::Op::Staff`]). Also the officers a planner may place on a new
//! grid and those a publish would leave with no grid at all.

use super::draft::Changes;
use crate::domain::model::{Building, Compound, FeatureId, Grid, Officer};
use crate::domain::GridCode;
use std::collections::{BTreeMap, HashSet};

/// The planner's choices: for a new grid, exactly the officers who will serve it.
pub type Staffing = BTreeMap<GridCode, Vec<FeatureId>>;

/// What a publish moves: compounds and buildings to their new grid, and the officers who will
/// serve each new grid (officer, new grid).
pub struct Moves {
    pub compounds: Vec<(FeatureId, GridCode)>,
    pub buildings: Vec<(FeatureId, GridCode)>,
    pub officers: Vec<(FeatureId, GridCode)>,
}

pub fn moves(
    changes: &Changes,
    staffing: &Staffing,
    compounds: &[Compound],
    buildings: &[Building],
    officers: &[Officer],
) -> Moves {
    use geo::InteriorPoint;
    let retired: HashSet<&GridCode> = changes.retired.iter().collect();
    let index = crate::spatial::PolygonIndex::new(
        changes
            .created
            .iter()
            .map(|g| (g.code.clone(), g.geometry.clone())),
    );
    let home = |mp: &geo::MultiPolygon| mp.interior_point().and_then(|p| index.locate(p).cloned());
    let compounds = compounds
        .iter()
        .filter(|c| c.grid.as_ref().is_some_and(|g| retired.contains(g)))
        .filter_map(|c| Some((c.id.clone(), home(&c.geometry)?)))
        .collect();
    let buildings = buildings
        .iter()
        .filter(|b| b.grid.as_ref().is_some_and(|g| retired.contains(g)))
        .filter_map(|b| Some((b.id.clone(), home(&b.footprint)?)))
        .collect();
    Moves {
        compounds,
        buildings,
        officers: officer_moves(changes, staffing, officers),
    }
}

/// The planner's choices that still apply: those for grids the draft creates.
fn chosen<'a>(
    changes: &Changes,
    staffing: &'a Staffing,
) -> BTreeMap<&'a GridCode, &'a [FeatureId]> {
    let created: HashSet<&GridCode> = changes.created.iter().map(|g| &g.code).collect();
    staffing
        .iter()
        .filter(|(g, _)| created.contains(g))
        .map(|(g, ids)| (g, ids.as_slice()))
        .collect()
}

/// Who will serve each new grid, as (officer, new grid). A grid the planner staffed gets
/// exactly the officers chosen. Otherwise each officer of a retired grid goes to the new grid
/// made from it with the most households among those the planner did not staff — unless the
/// planner placed that officer on a grid made from it already.
pub fn officer_moves(
    changes: &Changes,
    staffing: &Staffing,
    officers: &[Officer],
) -> Vec<(FeatureId, GridCode)> {
    let retired: HashSet<&GridCode> = changes.retired.iter().collect();
    let chosen = chosen(changes, staffing);
    let from = |new: &GridCode| changes.origins.get(new).map_or(&[][..], Vec::as_slice);
    let heir = |old: &GridCode| {
        changes
            .created
            .iter()
            .filter(|g| !chosen.contains_key(&g.code) && from(&g.code).contains(old))
            .max_by_key(|g| (g.households.get(), std::cmp::Reverse(g.code.clone())))
            .map(|g| g.code.clone())
    };
    let mut out: Vec<(FeatureId, GridCode)> = chosen
        .iter()
        .flat_map(|(g, ids)| ids.iter().map(|id| (id.clone(), (*g).clone())))
        .collect();
    for o in officers {
        // The retired grids whose parts the planner placed this officer on.
        let placed_from: HashSet<&GridCode> = chosen
            .iter()
            .filter(|(_, ids)| ids.contains(&o.id))
            .flat_map(|(g, _)| from(g))
            .collect();
        for old in o.grids.iter().filter(|g| retired.contains(g)) {
            if placed_from.contains(old) {
                continue;
            }
            if let Some(new) = heir(old) {
                out.push((o.id.clone(), new));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The officers each new grid would have once published, grouped from `moves` (in its order,
/// by officer id); moves naming no officer of `officers` are left out.
pub fn staff_by_grid<'a>(
    moves: &'a [(FeatureId, GridCode)],
    officers: &'a [Officer],
) -> BTreeMap<&'a GridCode, Vec<&'a Officer>> {
    let by_id: BTreeMap<&FeatureId, &Officer> = officers.iter().map(|o| (&o.id, o)).collect();
    let mut out: BTreeMap<&GridCode, Vec<&Officer>> = BTreeMap::new();
    for (officer, to) in moves {
        if let Some(o) = by_id.get(officer) {
            out.entry(to).or_default().push(o);
        }
    }
    out
}

/// Officers who serve only grids the draft retires and would serve no grid once it is
/// published (every part of their grid staffed by the planner with others).
pub fn left_without_grid<'a>(
    changes: &Changes,
    moves: &[(FeatureId, GridCode)],
    officers: &'a [Officer],
) -> Vec<&'a Officer> {
    let retired: HashSet<&GridCode> = changes.retired.iter().collect();
    let moved: HashSet<&FeatureId> = moves.iter().map(|(o, _)| o).collect();
    officers
        .iter()
        .filter(|o| !o.grids.is_empty() && o.grids.iter().all(|g| retired.contains(g)))
        .filter(|o| !moved.contains(&o.id))
        .collect()
}

/// The officers a planner may place on `grid`: those serving a grid's households
/// ([`crate::domain::model::OfficerRole::serves_grid`]) in the same level-2 grid (社区), by name.
pub fn candidates<'a>(grid: &Grid, officers: &'a [Officer]) -> Vec<&'a Officer> {
    let Some(community) = grid.code.parent() else {
        return vec![];
    };
    let mut out: Vec<&Officer> = officers
        .iter()
        .filter(|o| o.role.serves_grid())
        .filter(|o| {
            o.grids
                .iter()
                .any(|g| g.parent().as_ref() == Some(&community))
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::OfficerRole;
    use crate::domain::testkit::{code, square_grid};

    fn grid(c: &str, households: u32) -> Grid {
        square_grid(c, 110.0, households)
    }

    fn officer(id: &str, role: OfficerRole, grids: &[&str]) -> Officer {
        Officer {
            id: FeatureId::parse(id).unwrap(),
            name: id.to_string(),
            role,
            phone: None,
            grids: grids.iter().map(|g| code(g)).collect(),
        }
    }

    const OLD: &str = "610581001001001";
    const BIG: &str = "610581001001011";
    const SMALL: &str = "610581001001012";

    /// Grid OLD split into BIG (400 households) and SMALL (200).
    fn split() -> Changes {
        Changes {
            retired: vec![code(OLD)],
            created: vec![grid(BIG, 400), grid(SMALL, 200)],
            origins: [(code(BIG), vec![code(OLD)]), (code(SMALL), vec![code(OLD)])]
                .into_iter()
                .collect(),
        }
    }

    fn id(s: &str) -> FeatureId {
        FeatureId::parse(s).unwrap()
    }

    #[test]
    fn by_default_the_officer_of_a_split_grid_goes_to_its_biggest_part_and_the_other_is_vacant() {
        let officers = [officer("o1", OfficerRole::FullTime, &[OLD])];
        let m = officer_moves(&split(), &Staffing::new(), &officers);
        assert_eq!(m, vec![(id("o1"), code(BIG))]);
    }

    #[test]
    fn an_officer_placed_on_the_small_part_moves_there_and_the_big_part_is_left_vacant() {
        let officers = [officer("o1", OfficerRole::FullTime, &[OLD])];
        let staffing: Staffing = [(code(SMALL), vec![id("o1")])].into_iter().collect();
        let m = officer_moves(&split(), &staffing, &officers);
        assert_eq!(m, vec![(id("o1"), code(SMALL))]);
    }

    #[test]
    fn a_neighbours_officer_placed_on_the_vacant_part_serves_it_too_and_keeps_their_own_grid() {
        let officers = [
            officer("o1", OfficerRole::FullTime, &[OLD]),
            officer("o2", OfficerRole::PartTime, &["610581001001002"]),
        ];
        let staffing: Staffing = [(code(SMALL), vec![id("o2")])].into_iter().collect();
        let m = officer_moves(&split(), &staffing, &officers);
        assert_eq!(m, vec![(id("o1"), code(BIG)), (id("o2"), code(SMALL))]);
        assert!(left_without_grid(&split(), &m, &officers).is_empty());
    }

    #[test]
    fn a_part_staffed_with_others_takes_no_default_officer_who_is_then_reported_without_a_grid() {
        let officers = [
            officer("o1", OfficerRole::FullTime, &[OLD]),
            officer("o2", OfficerRole::FullTime, &["610581001001002"]),
        ];
        // Both parts staffed with o2: o1's default part is taken, so o1 serves nothing.
        let staffing: Staffing = [(code(BIG), vec![id("o2")]), (code(SMALL), vec![id("o2")])]
            .into_iter()
            .collect();
        let m = officer_moves(&split(), &staffing, &officers);
        assert_eq!(m, vec![(id("o2"), code(BIG)), (id("o2"), code(SMALL))]);
        let left: Vec<&str> = left_without_grid(&split(), &m, &officers)
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(left, vec!["o1"]);
    }

    #[test]
    fn a_choice_for_a_grid_the_draft_no_longer_creates_is_ignored() {
        let officers = [officer("o1", OfficerRole::FullTime, &[OLD])];
        let staffing: Staffing = [(code("610581001001099"), vec![id("o1")])]
            .into_iter()
            .collect();
        let m = officer_moves(&split(), &staffing, &officers);
        assert_eq!(m, vec![(id("o1"), code(BIG))]);
    }

    #[test]
    fn the_staff_of_each_new_grid_is_grouped_from_the_moves_and_unknown_officers_are_left_out() {
        let officers = [
            officer("o1", OfficerRole::FullTime, &[OLD]),
            officer("o2", OfficerRole::Instructor, &[OLD]),
        ];
        let moves = vec![
            (id("o1"), code(BIG)),
            (id("o2"), code(BIG)),
            (id("gone"), code(SMALL)),
        ];
        let staff = staff_by_grid(&moves, &officers);
        let names: Vec<&str> = staff[&code(BIG)].iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, vec!["o1", "o2"]);
        assert!(!staff.contains_key(&code(SMALL)));
    }

    #[test]
    fn candidates_are_the_serving_officers_of_the_same_community_by_name() {
        let officers = [
            officer("b", OfficerRole::FullTime, &["610581001001002"]),
            officer("a", OfficerRole::GridHead, &[OLD]),
            officer("i", OfficerRole::Instructor, &[OLD]),
            officer("x", OfficerRole::FullTime, &["610581001002001"]),
        ];
        let names: Vec<&str> = candidates(&grid(SMALL, 200), &officers)
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(names, vec!["a", "b"]);
    }
}
