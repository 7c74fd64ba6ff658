use super::*;
use crate::domain::model::{Floors, Households, Population};
use crate::domain::GridCode;
use geo::{BooleanOps, Intersects, Rect};

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon {
    MultiPolygon::new(vec![Rect::new((x0, y0), (x1, y1)).to_polygon()])
}

fn id(s: &str) -> FeatureId {
    FeatureId::parse(s).unwrap()
}

fn code() -> GridCode {
    GridCode::parse("610581001001001").unwrap()
}

/// A building of `households` at column `i`, row `j` of a 20 m lattice inside the grid.
fn building(name: &str, i: u32, j: u32, households: u32, compound: Option<&str>) -> Building {
    let (x, y) = (
        110.44 + f64::from(i) * 0.0004,
        35.47 + f64::from(j) * 0.0004,
    );
    Building {
        id: id(name),
        address: format!("{name}号楼"),
        footprint: rect(x + 0.0001, y + 0.0001, x + 0.0003, y + 0.0003),
        floors: Floors::try_from(6i64).unwrap(),
        households: Households::new(households),
        population: Population::new(households * 2),
        compound: compound.map(id),
        grid: Some(code()),
    }
}

/// The grid: 10 × 10 lattice cells (about 360 m × 440 m).
fn grid_shape() -> MultiPolygon {
    rect(110.44, 35.47, 110.444, 35.474)
}

fn area(mp: &MultiPolygon) -> f64 {
    area_m2(mp)
}

/// Every unit lies wholly inside exactly one part, and the parts tile the grid.
fn assert_tiles_and_keeps_units_whole(grid: &MultiPolygon, units: &[Unit], s: &Split) {
    let sum: f64 = s.parts.iter().map(|p| area(&p.geometry)).sum();
    assert!(
        (sum - area(grid)).abs() < 1.0,
        "parts cover {sum} m² of {}",
        area(grid)
    );
    for (i, a) in s.parts.iter().enumerate() {
        for b in &s.parts[i + 1..] {
            let shared = area(&a.geometry.intersection(&b.geometry));
            assert!(shared < 0.01, "two parts share {shared} m²");
        }
    }
    let union = s
        .parts
        .iter()
        .fold(MultiPolygon::new(vec![]), |acc, p| acc.union(&p.geometry));
    assert!(area(&grid.difference(&union)) < 0.01, "a gap is left");
    for (u, unit) in units.iter().enumerate() {
        let holders: Vec<usize> = s
            .parts
            .iter()
            .enumerate()
            .filter(|(_, p)| unit.parts.iter().any(|q| p.geometry.intersects(q)))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            holders.len(),
            1,
            "unit {} touches parts {holders:?}",
            unit.name
        );
        let part = &s.parts[holders[0]];
        // Inside up to the boolean operations' rounding (nanodegrees).
        for q in &unit.parts {
            let outside = area(&MultiPolygon::new(vec![q.clone()]).difference(&part.geometry));
            assert!(
                outside < 0.01,
                "{} has {outside} m² outside its part",
                unit.name
            );
        }
        assert!(part.units.contains(&u));
    }
}

#[test]
fn a_band_refuses_min_above_max_and_zero() {
    assert!(Band::new(300, 500).is_ok());
    assert_eq!(
        Band::new(500, 300),
        Err(PlanError::BadBand { min: 500, max: 300 })
    );
    assert!(Band::new(0, 10).is_err());
    assert_eq!("population".parse::<Measure>(), Ok(Measure::Population));
    assert!("people".parse::<Measure>().is_err());
}

#[test]
fn the_number_of_parts_is_the_fewest_under_the_band_unless_one_fewer_lands_nearer() {
    let band = Band::default();
    assert_eq!(band.parts_for(450), 1);
    assert_eq!(band.parts_for(900), 2);
    assert_eq!(band.parts_for(1600), 4);
    assert_eq!(band.parts_for(520), 1, "4% over beats two parts 13% under");
    assert_eq!(band.parts_for(0), 1);
}

#[test]
fn out_of_band_grids_are_listed_over_first_then_under_level_three_residential_only() {
    let g = |c: &str, h: u32| Grid {
        code: GridCode::parse(c).unwrap(),
        name: c.into(),
        kind: crate::domain::GridKind::Comprehensive,
        geometry: grid_shape(),
        households: Households::new(h),
        population: Population::new(h * 2),
        domains: vec![],
    };
    let mut school = g("610581001001005", 0);
    school.kind = crate::domain::GridKind::Dedicated;
    let grids = [
        g("610581001", 9000),
        g("610581001001001", 400),
        g("610581001001002", 1000),
        g("610581001001003", 120),
        g("610581001001004", 600),
        school,
    ];
    let out = out_of_band(&grids, Band::default(), Measure::Households);
    let listed: Vec<(&str, u32, Fit)> = out
        .iter()
        .map(|o| (o.grid.code.as_str(), o.value, o.fit))
        .collect();
    assert_eq!(
        listed,
        [
            ("610581001001002", 1000, Fit::Over),
            ("610581001001004", 600, Fit::Over),
            ("610581001001003", 120, Fit::Under),
        ],
        "over the band first, and a school's dedicated grid is not a residential grid"
    );
    let by_people = out_of_band(&grids, Band::new(300, 1000).unwrap(), Measure::Population);
    assert_eq!(
        by_people.len(),
        3,
        "400→800 people is within, 120→240 under, 600→1200 and 1000→2000 over"
    );
}

#[test]
fn units_are_compounds_with_their_buildings_and_buildings_outside_compounds() {
    let compounds = [Compound {
        id: id("C1"),
        name: "金城花园".into(),
        address: String::new(),
        geometry: rect(110.44, 35.47, 110.4408, 35.4708),
        households: Households::new(999),
        population: Population::new(0),
        party_org: crate::domain::PartyOrg::None,
        service_centre: None,
        grid: Some(code()),
    }];
    let buildings = [
        building("B1", 0, 0, 30, Some("C1")),
        building("B2", 1, 0, 40, Some("C1")),
        building("B3", 5, 5, 25, None),
        building("B4", 6, 6, 10, Some("C9")),
    ];
    let units = units_of(&compounds, &buildings, &Default::default());
    let summary: Vec<(&str, UnitKind, u32, usize)> = units
        .iter()
        .map(|u| (u.id.as_str(), u.kind, u.households, u.parts.len()))
        .collect();
    assert_eq!(
        summary,
        [
            ("B3", UnitKind::Building, 25, 1),
            ("B4", UnitKind::Building, 10, 1),
            ("C1", UnitKind::Compound, 70, 3),
        ],
        "a compound counts its buildings' households; a building of a compound elsewhere stands alone"
    );
}

/// 100 buildings of `h` households on the 10 × 10 lattice, no compounds.
fn lattice(h: u32) -> Vec<Unit> {
    let buildings: Vec<Building> = (0..100)
        .map(|n| building(&format!("B{n:03}"), n % 10, n / 10, h, None))
        .collect();
    units_of(&[], &buildings, &Default::default())
}

#[test]
fn an_oversized_grid_splits_into_parts_within_the_band_that_tile_it_and_keep_buildings_whole() {
    let units = lattice(16); // 1,600 households → 4 parts of 400
    let grid = grid_shape();
    let s = split(
        "test",
        &grid,
        &units,
        Band::default(),
        Measure::Households,
        None,
    )
    .unwrap();
    assert_eq!(s.parts.len(), 4);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    for p in &s.parts {
        assert_eq!(p.fit, Fit::Within, "{} households", p.households);
        assert!(p.polsby_popper > 0.5, "compact: {}", p.polsby_popper);
        assert_eq!(p.geometry.0.len(), 1, "contiguous");
    }
    assert_tiles_and_keeps_units_whole(&grid, &units, &s);
}

#[test]
fn an_odd_number_of_parts_shares_the_load_evenly() {
    let units = lattice(12); // 1,200 households, k = 3 asked
    let grid = grid_shape();
    let s = split(
        "test",
        &grid,
        &units,
        Band::default(),
        Measure::Households,
        Some(3),
    )
    .unwrap();
    let loads: Vec<u32> = s.parts.iter().map(|p| p.households).collect();
    assert_eq!(loads.iter().sum::<u32>(), 1200);
    let (lo, hi) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
    assert!(
        hi - lo <= 60,
        "no part more than one row of buildings off: {loads:?}"
    );
    assert!(s.parts.iter().all(|p| p.fit == Fit::Within));
    assert_tiles_and_keeps_units_whole(&grid, &units, &s);
}

#[test]
fn a_compound_too_big_for_the_band_is_kept_whole_and_named_in_the_explanation() {
    let compounds = [Compound {
        id: id("C1"),
        name: "金城花园".into(),
        address: String::new(),
        geometry: rect(110.44, 35.47, 110.442, 35.474),
        households: Households::new(812),
        population: Population::new(1900),
        party_org: crate::domain::PartyOrg::None,
        service_centre: None,
        grid: Some(code()),
    }];
    // The compound fills the west half; 8 buildings of 40 in the east half.
    let mut buildings: Vec<Building> = (0..8)
        .map(|n| building(&format!("E{n}"), 6 + n % 4, 2 + n / 4 * 4, 40, None))
        .collect();
    buildings.extend((0..4).map(|n| building(&format!("W{n}"), n, 3, 203, Some("C1"))));
    let units = units_of(&compounds, &buildings, &Default::default());
    let grid = grid_shape();
    let s = split(
        "test",
        &grid,
        &units,
        Band::default(),
        Measure::Households,
        None,
    )
    .unwrap();
    assert_tiles_and_keeps_units_whole(&grid, &units, &s);
    assert!(
        s.problems.iter().any(|p| p.code == "plan.unit_over_band"
            && p.params["unit"] == "金城花园"
            && p.params["load"] == 812
            && p.message.contains("金城花园")),
        "{:?}",
        s.problems
    );
    let big = s.parts.iter().find(|p| p.households >= 812).unwrap();
    assert_eq!(big.fit, Fit::Over);
    assert_eq!(big.units.len(), 1, "the compound's part holds nothing else");
}

#[test]
fn a_grid_that_is_a_square_scores_about_pi_over_four() {
    let pp = polsby_popper(&rect(110.44, 35.47, 110.44 + 0.001 / 0.8141, 35.471));
    assert!((pp - std::f64::consts::FRAC_PI_4).abs() < 0.01, "{pp}");
}

#[test]
fn k_outside_two_to_sixteen_is_refused() {
    let units = lattice(5);
    let e = split(
        "test",
        &grid_shape(),
        &units,
        Band::default(),
        Measure::Households,
        Some(40),
    );
    assert_eq!(e, Err(PlanError::BadK { k: 40, max: 16 }));
}

#[test]
fn fresh_codes_continue_after_the_highest_ever_used_under_the_parent() {
    let parent = GridCode::parse("610581001001").unwrap();
    let taken: Vec<GridCode> = ["610581001001001", "610581001001007", "610581001002009"]
        .iter()
        .map(|c| GridCode::parse(c).unwrap())
        .collect();
    let codes = fresh_codes(&parent, &taken, 2).unwrap();
    let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, ["610581001001008", "610581001001009"]);
    let full = [GridCode::parse("610581001001998").unwrap()];
    assert_eq!(
        fresh_codes(&parent, &full, 2),
        Err(PlanError::CodesExhausted("610581001001".into()))
    );
}

#[test]
fn a_drawn_line_through_a_row_of_buildings_is_moved_to_the_gap_beside_it() {
    let units = lattice(10);
    let grid = grid_shape();
    // Drawn slightly across row 5 (35.4721–35.4723): the cut snaps to the gap below it.
    let s = cut_along(
        "test",
        &grid,
        &units,
        Band::default(),
        Measure::Households,
        (110.4401, 35.47215),
        (110.4439, 35.47222),
    )
    .unwrap();
    let mut loads: Vec<u32> = s.parts.iter().map(|p| p.households).collect();
    loads.sort_unstable();
    assert_eq!(loads, [500, 500]);
    assert_tiles_and_keeps_units_whole(&grid, &units, &s);
    // One building alone leaves no gap to cut through.
    let one = units_of(&[], &[building("B1", 4, 4, 30, None)], &Default::default());
    let e = cut_along(
        "test",
        &grid,
        &one,
        Band::default(),
        Measure::Households,
        (110.44, 35.472),
        (110.444, 35.472),
    );
    assert!(matches!(e, Err(PlanError::CannotCut(_))), "{e:?}");
}

#[test]
fn a_line_drawn_askew_across_rows_is_turned_to_the_nearest_gap_between_them() {
    let units = lattice(10);
    let grid = grid_shape();
    // 14° off the rows: no line at that angle passes between a 10 × 10 block of buildings.
    let (a, b) = ((110.4401, 35.4718), (110.4439, 35.4726));
    let s = cut_along(
        "test",
        &grid,
        &units,
        Band::default(),
        Measure::Households,
        a,
        b,
    )
    .unwrap();
    let mut loads: Vec<u32> = s.parts.iter().map(|p| p.households).collect();
    loads.sort_unstable();
    assert_eq!(loads.iter().sum::<u32>(), 1_000);
    assert!(
        loads[0] >= 300,
        "a row gap near the line's middle: {loads:?}"
    );
    assert_tiles_and_keeps_units_whole(&grid, &units, &s);
}

#[test]
fn units_along_the_shared_edge_move_to_the_neighbour_and_a_far_corner_does_not() {
    use super::draft::{DraftGrid, Op};
    use super::fix::move_units;
    let a = GridCode::parse("610581001001001").unwrap();
    let b = GridCode::parse("610581001001002").unwrap();
    let grid = |c: &GridCode, x0: f64| Grid {
        code: c.clone(),
        name: format!("网格{c}"),
        kind: crate::domain::GridKind::Comprehensive,
        geometry: rect(x0, 35.47, x0 + 0.004, 35.474),
        households: Households::new(0),
        population: Population::new(0),
        domains: vec![],
    };
    let now: std::collections::BTreeMap<GridCode, Grid> = [
        (a.clone(), grid(&a, 110.44)),
        (b.clone(), grid(&b, 110.444)),
    ]
    .into();
    // A: the 10 × 10 lattice; B: one column of buildings further east.
    let mut buildings: Vec<Building> = (0..100)
        .map(|n| building(&format!("A{n:03}"), n % 10, n / 10, 10, None))
        .collect();
    buildings.extend((0..10).map(|n| building(&format!("B{n:03}"), 12, n, 10, None)));
    let column: Vec<String> = (0..10).map(|j| format!("A{:03}", j * 10 + 9)).collect();
    let mut taken: Vec<GridCode> = now.keys().cloned().collect();
    let (op, split) = move_units(
        &now,
        &a,
        &b,
        &column,
        &[],
        &buildings,
        Band::default(),
        Measure::Households,
        &mut taken,
    )
    .unwrap();
    let loads: Vec<u32> = split.parts.iter().map(|p| p.households).collect();
    assert_eq!(
        loads,
        [900, 200],
        "what is left of A, then B with the column"
    );
    let Op::Redraw { codes, parts } = op else {
        panic!("a redraw")
    };
    assert_eq!(codes, [a.clone(), b.clone()]);
    assert_eq!(
        parts
            .iter()
            .map(|p: &DraftGrid| p.name.as_str())
            .collect::<Vec<_>>(),
        [now[&a].name.as_str(), now[&b].name.as_str()]
    );
    let corner = vec!["A000".to_string()];
    let e = move_units(
        &now,
        &a,
        &b,
        &corner,
        &[],
        &buildings,
        Band::default(),
        Measure::Households,
        &mut taken,
    );
    assert!(
        matches!(e, Err(PlanError::CannotCut(ref m)) if m.contains("along the edge")),
        "{e:?}"
    );
}
