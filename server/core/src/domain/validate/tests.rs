use super::*;
use crate::domain::{
    Building, Compound, FeatureId, Floors, Grid, GridCode, GridKind, Households, PartyOrg,
    Population,
};
use geo::{Coord, GeodesicArea, LineString, MultiPolygon, Polygon, Rect, Validation};

/// South-west corner of the test territory (韩城) and the side of a level-3 cell in degrees
/// (0.0005° ≈ 45 m east-west, 56 m north-south).
const X0: f64 = 110.44;
const Y0: f64 = 35.47;
const S: f64 = 0.0005;
/// 0.0001°: a gap or overlap this wide and as long as a cell edge is 450-560 m².
const D: f64 = 0.0001;

const L1: &str = "610581001";
const W: &str = "610581001001";
const E: &str = "610581001002";
const WS: &str = "610581001001001";
const WN: &str = "610581001001002";
const ES: &str = "610581001002001";
const EN: &str = "610581001002002";

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon {
    Rect::new((x0, y0), (x1, y1)).to_polygon()
}

fn mp(p: Polygon) -> MultiPolygon {
    MultiPolygon::new(vec![p])
}

fn grid(code: &str, geometry: MultiPolygon) -> Grid {
    Grid {
        code: GridCode::parse(code).unwrap(),
        name: format!("网格 {code}"),
        kind: GridKind::Comprehensive,
        geometry,
        households: Households::new(0),
        population: Population::new(0),
        domains: vec![],
    }
}

fn building(id: &str, footprint: Polygon) -> Building {
    Building {
        id: FeatureId::parse(id).unwrap(),
        address: String::new(),
        footprint: mp(footprint),
        floors: Floors::try_from(3i64).unwrap(),
        households: Households::new(12),
        population: Population::new(30),
        compound: None,
        grid: None,
    }
}

fn compound(id: &str, geometry: Polygon) -> Compound {
    Compound {
        id: FeatureId::parse(id).unwrap(),
        name: format!("小区 {id}"),
        address: String::new(),
        geometry: mp(geometry),
        households: Households::new(100),
        population: Population::new(250),
        party_org: PartyOrg::None,
        service_centre: None,
        grid: None,
    }
}

/// Level-1 grid [X0, X0+2S]×[Y0, Y0+2S]; level 2: W the west half, E the east half; level 3:
/// each half's south cell (…001) and north cell (…002).
fn tiling() -> Vec<Grid> {
    let cell = |col: f64, row: f64| {
        mp(rect(
            X0 + col * S,
            Y0 + row * S,
            X0 + (col + 1.0) * S,
            Y0 + (row + 1.0) * S,
        ))
    };
    vec![
        grid(L1, mp(rect(X0, Y0, X0 + 2.0 * S, Y0 + 2.0 * S))),
        grid(W, mp(rect(X0, Y0, X0 + S, Y0 + 2.0 * S))),
        grid(E, mp(rect(X0 + S, Y0, X0 + 2.0 * S, Y0 + 2.0 * S))),
        grid(WS, cell(0.0, 0.0)),
        grid(WN, cell(0.0, 1.0)),
        grid(ES, cell(1.0, 0.0)),
        grid(EN, cell(1.0, 1.0)),
    ]
}

/// The tiling with households in every grid, so that no grid is empty.
fn populated() -> Vec<Grid> {
    let mut grids = tiling();
    for g in &mut grids {
        g.households = Households::new(300);
    }
    grids
}

fn set(grids: &mut [Grid], code: &str, geometry: MultiPolygon) {
    let g = grids.iter_mut().find(|g| g.code.as_str() == code).unwrap();
    g.geometry = geometry;
}

fn check(grids: &[Grid], compounds: &[Compound], buildings: &[Building]) -> Vec<Defect> {
    let t = Territory {
        grids,
        compounds,
        buildings,
    };
    validate(&t, &Tolerance::default())
}

fn kinds(defects: &[Defect]) -> Vec<DefectKind> {
    defects.iter().map(|d| d.kind).collect()
}

/// Whether the defect's location lies strictly inside the box.
fn at_in(d: &Defect, x0: f64, y0: f64, x1: f64, y1: f64) -> bool {
    d.at.is_some_and(|(x, y)| x0 < x && x < x1 && y0 < y && y < y1)
}

#[test]
fn a_clean_one_two_four_tiling_gives_no_defects() {
    assert_eq!(check(&tiling(), &[], &[]), vec![]);
    let buildings: Vec<Building> = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
        .iter()
        .enumerate()
        .map(|(i, (c, r))| {
            let (x, y) = (X0 + (c + 0.4) * S, Y0 + (r + 0.4) * S);
            building(&format!("B{i}"), rect(x, y, x + D, y + D))
        })
        .collect();
    let c = compound("C1", rect(X0 + D, Y0 + D, X0 + S - D, Y0 + S - D));
    assert_eq!(check(&tiling(), &[c], &buildings), vec![]);
}

#[test]
fn a_gap_of_a_hundred_square_metres_is_found_with_its_location_inside_the_gap() {
    let mut grids = tiling();
    // WS loses a D×D notch at its north-east corner, which no sibling covers.
    let (x1, y1) = (X0 + S, Y0 + S);
    let notched = Polygon::new(
        LineString::from(vec![
            (X0, Y0),
            (x1, Y0),
            (x1, y1 - D),
            (x1 - D, y1 - D),
            (x1 - D, y1),
            (X0, y1),
            (X0, Y0),
        ]),
        vec![],
    );
    set(&mut grids, WS, mp(notched));
    let defects = check(&grids, &[], &[]);
    assert_eq!(kinds(&defects), vec![DefectKind::Gap], "{defects:?}");
    assert_eq!(defects[0].feature, W);
    assert_eq!(defects[0].severity, Severity::Error);
    assert!(at_in(&defects[0], x1 - D, y1 - D, x1, y1), "{defects:?}");
    assert!(defects[0].message.starts_with("100."), "{defects:?}");
}

#[test]
fn a_sliver_gap_a_ten_millionth_of_a_degree_wide_is_not_reported_but_a_wider_one_is() {
    let shifted = |by: f64| {
        let mut grids = tiling();
        set(
            &mut grids,
            WN,
            mp(rect(X0, Y0 + S + by, X0 + S, Y0 + 2.0 * S)),
        );
        check(&grids, &[], &[])
    };
    // 1e-7° × 0.0005° ≈ 0.5 m², under the 1 m² tolerance.
    assert_eq!(shifted(1e-7), vec![]);
    // 1e-5° × 0.0005° ≈ 50 m².
    assert_eq!(kinds(&shifted(1e-5)), vec![DefectKind::Gap]);
}

#[test]
fn overlapping_siblings_are_reported_with_a_point_inside_the_overlap() {
    let mut grids = tiling();
    set(&mut grids, WS, mp(rect(X0, Y0, X0 + S, Y0 + S + D)));
    let defects = check(&grids, &[], &[]);
    assert_eq!(kinds(&defects), vec![DefectKind::Overlap], "{defects:?}");
    assert_eq!(defects[0].feature, WS);
    assert!(defects[0].message.contains(WN), "{defects:?}");
    assert!(at_in(&defects[0], X0, Y0 + S, X0 + S, Y0 + S + D));
    // What the frontend translates: the kind as the template and the figures as params.
    let sent = serde_json::to_value(&defects[0]).unwrap();
    assert_eq!(sent["kind"], "overlap");
    assert_eq!(sent["params"]["sibling"], WN);
    let area = sent["params"]["area_m2"].as_f64().unwrap();
    assert!(
        area > 0.0 && defects[0].message.contains(&format!("{area:.1}")),
        "{sent}"
    );
}

#[test]
fn a_child_sticking_out_of_its_parent_is_reported_where_it_sticks_out() {
    let mut grids = tiling();
    set(&mut grids, WS, mp(rect(X0, Y0 - D, X0 + S, Y0 + S)));
    let defects = check(&grids, &[], &[]);
    assert_eq!(
        kinds(&defects),
        vec![DefectKind::OutsideParent],
        "{defects:?}"
    );
    assert_eq!(defects[0].feature, WS);
    assert!(defects[0].message.contains(W), "{defects:?}");
    assert!(at_in(&defects[0], X0, Y0 - D, X0 + S, Y0));
}

#[test]
fn a_grid_code_used_twice_is_reported_once() {
    let mut grids = tiling();
    grids.push(grids[6].clone());
    let defects = check(&grids, &[], &[]);
    assert_eq!(
        kinds(&defects),
        vec![DefectKind::DuplicateCode],
        "{defects:?}"
    );
    assert_eq!(defects[0].feature, EN);
    assert!(defects[0].message.contains("positions 6, 7"), "{defects:?}");
}

#[test]
fn grids_whose_parent_is_absent_are_reported_and_the_parent_leaves_a_gap() {
    let mut grids = tiling();
    grids.retain(|g| g.code.as_str() != E);
    let defects = check(&grids, &[], &[]);
    let found: Vec<(DefectKind, &str)> = defects
        .iter()
        .map(|d| (d.kind, d.feature.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (DefectKind::MissingParent, ES),
            (DefectKind::MissingParent, EN),
            (DefectKind::Gap, L1),
        ]
    );
    assert!(defects[0].message.contains(E));
}

#[test]
fn a_building_across_the_edge_between_two_level_three_grids_is_cut() {
    let (x, y) = (X0 + D, Y0 + S - D / 2.0);
    let b = building("B1", rect(x, y, x + D, y + D));
    let defects = check(&populated(), &[], &[b]);
    assert_eq!(
        kinds(&defects),
        vec![DefectKind::BuildingCut],
        "{defects:?}"
    );
    assert_eq!(defects[0].feature, "building B1");
    assert!(defects[0].message.contains(WS) && defects[0].message.contains(WN));
    let (px, py) = defects[0].at.unwrap();
    assert!(
        x < px && px < x + D && y <= py && py <= y + D,
        "{defects:?}"
    );
}

#[test]
fn a_building_sitting_against_a_shared_edge_is_not_cut() {
    let mut grids = populated();
    // WS bulges D into WN between X0+2D and X0+3D; B2 wraps around the bulge in WN,
    // touching it on three sides, and B1 stands on the straight part of the edge.
    let y1 = Y0 + S;
    let bulge = |dir: f64| {
        let (a, b) = (X0 + 2.0 * D, X0 + 3.0 * D);
        let mut ring = vec![(X0, y1), (a, y1), (a, y1 + D), (b, y1 + D), (b, y1)];
        ring.push((X0 + S, y1));
        ring.push((X0 + S, y1 + dir * S));
        ring.push((X0, y1 + dir * S));
        ring.push((X0, y1));
        Polygon::new(LineString::from(ring), vec![])
    };
    set(&mut grids, WS, mp(bulge(-1.0)));
    set(&mut grids, WN, mp(bulge(1.0)));
    let u = Polygon::new(
        LineString::from(vec![
            (X0 + D, y1),
            (X0 + 2.0 * D, y1),
            (X0 + 2.0 * D, y1 + D),
            (X0 + 3.0 * D, y1 + D),
            (X0 + 3.0 * D, y1),
            (X0 + 4.0 * D, y1),
            (X0 + 4.0 * D, y1 + 2.0 * D),
            (X0 + D, y1 + 2.0 * D),
            (X0 + D, y1),
        ]),
        vec![],
    );
    let straight = building("B1", rect(X0 + D / 2.0, y1, X0 + D, y1 + D));
    assert_eq!(check(&grids, &[], &[straight, building("B2", u)]), vec![]);
}

#[test]
fn a_building_outside_every_grid_is_reported_where_it_stands() {
    let (x, y) = (X0 + 3.0 * S, Y0 + S);
    let b = building("B9", rect(x, y, x + D, y + D));
    let defects = check(&populated(), &[], &[b]);
    assert_eq!(kinds(&defects), vec![DefectKind::BuildingOutsideGrids]);
    assert_eq!(defects[0].feature, "building B9");
    assert!(at_in(&defects[0], x, y, x + D, y + D), "{defects:?}");
}

#[test]
fn a_compound_spread_over_two_grids_is_only_a_warning() {
    let c = compound("C1", rect(X0 + S - D, Y0 + D, X0 + S + D, Y0 + 2.0 * D));
    let defects = check(&populated(), &[c], &[]);
    assert_eq!(kinds(&defects), vec![DefectKind::CompoundStraddles]);
    assert_eq!(defects[0].severity, Severity::Warning);
    assert_eq!(defects[0].feature, "compound C1");
    assert!(defects[0].message.contains(WS) && defects[0].message.contains(ES));
}

#[test]
fn a_level_three_grid_without_buildings_or_households_is_an_empty_grid_warning() {
    let mut grids = tiling();
    grids[5].households = Households::new(120); // ES: no building, but households
    let buildings = vec![
        building("B1", rect(X0 + D, Y0 + D, X0 + 2.0 * D, Y0 + 2.0 * D)),
        building(
            "B2",
            rect(X0 + D, Y0 + S + D, X0 + 2.0 * D, Y0 + S + 2.0 * D),
        ),
    ];
    let defects = check(&grids, &[], &buildings);
    assert_eq!(kinds(&defects), vec![DefectKind::EmptyGrid], "{defects:?}");
    assert_eq!(
        (defects[0].feature.as_str(), &defects[0].severity),
        (EN, &Severity::Warning)
    );
    // Without any building in the data, emptiness is not judged.
    assert_eq!(check(&grids, &[], &[]), vec![]);
}

/// W's south cell has a hole that its north cell fills; E's cells are two checkerboard
/// multipolygons of half-width squares. Every level-3 grid holds one building.
fn holes_and_multipolygons() -> (Vec<Grid>, Vec<Building>) {
    let mut grids = tiling();
    let hole = rect(X0 + D, Y0 + D, X0 + 4.0 * D, Y0 + 8.0 * D);
    let w = rect(X0, Y0, X0 + S, Y0 + 2.0 * S);
    set(
        &mut grids,
        WS,
        mp(Polygon::new(
            w.exterior().clone(),
            vec![hole.exterior().clone()],
        )),
    );
    set(&mut grids, WN, mp(hole));
    let q = |c: f64, r: f64| {
        let x = X0 + S + c * S / 2.0;
        rect(x, Y0 + r * S, x + S / 2.0, Y0 + (r + 1.0) * S)
    };
    set(
        &mut grids,
        ES,
        MultiPolygon::new(vec![q(0.0, 0.0), q(1.0, 1.0)]),
    );
    set(
        &mut grids,
        EN,
        MultiPolygon::new(vec![q(1.0, 0.0), q(0.0, 1.0)]),
    );
    let at = |id: &str, x: f64, y: f64| building(id, rect(x, y, x + D / 2.0, y + D / 2.0));
    let buildings = vec![
        at("B1", X0 + 3.5 * D, Y0 + 9.0 * D),
        at("B2", X0 + 2.0 * D, Y0 + 4.0 * D),
        at("B3", X0 + S + D / 2.0, Y0 + D),
        at("B4", X0 + S + D / 2.0, Y0 + S + D),
    ];
    (grids, buildings)
}

#[test]
fn a_hole_filled_by_a_sibling_and_multipolygon_grids_tile_cleanly() {
    let (grids, buildings) = holes_and_multipolygons();
    assert_eq!(check(&grids, &[], &buildings), vec![]);
    // Without the grid that fills it, the hole is a gap and its building is outside.
    let unfilled: Vec<Grid> = grids
        .into_iter()
        .filter(|g| g.code.as_str() != WN)
        .collect();
    let defects = check(&unfilled, &[], &buildings);
    assert_eq!(
        kinds(&defects),
        vec![DefectKind::Gap, DefectKind::BuildingOutsideGrids],
        "{defects:?}"
    );
    for d in &defects {
        assert!(at_in(d, X0 + D, Y0 + D, X0 + 4.0 * D, Y0 + 8.0 * D), "{d}");
    }
}

#[test]
fn clockwise_shells_and_counter_clockwise_holes_do_not_fool_the_checks() {
    let (mut grids, buildings) = holes_and_multipolygons();
    let reversed = |p: &Polygon| {
        let flip = |r: &LineString| LineString::from(r.0.iter().rev().copied().collect::<Vec<_>>());
        Polygon::new(flip(p.exterior()), p.interiors().iter().map(flip).collect())
    };
    for g in grids.iter_mut().skip(1).step_by(2) {
        g.geometry = MultiPolygon::new(g.geometry.iter().map(reversed).collect());
    }
    assert_eq!(check(&grids, &[], &buildings), vec![]);
}

#[test]
fn areas_are_square_metres_with_holes_subtracted_whatever_their_winding() {
    let shell = rect(X0, Y0, X0 + 0.01, Y0 + 0.01);
    let geodesic = shell.geodesic_area_unsigned();
    assert!((area_m2(&mp(shell.clone())) / geodesic - 1.0).abs() < 0.005);
    let hole = rect(X0 + 0.001, Y0 + 0.001, X0 + 0.002, Y0 + 0.002);
    let hole_area = area_m2(&mp(hole.clone()));
    for ring in [
        hole.exterior().clone(),
        LineString::from(
            hole.exterior()
                .0
                .iter()
                .rev()
                .copied()
                .collect::<Vec<Coord>>(),
        ),
    ] {
        let holed = Polygon::new(shell.exterior().clone(), vec![ring]);
        assert!((area_m2(&mp(holed)) - (area_m2(&mp(shell.clone())) - hole_area)).abs() < 1.0);
    }
}

#[test]
fn only_what_is_present_is_checked() {
    let b = building("B1", rect(0.0, 0.0, 0.001, 0.001));
    let c = compound("C1", rect(0.0, 0.0, 0.01, 0.01));
    assert_eq!(
        check(&[], std::slice::from_ref(&c), std::slice::from_ref(&b)),
        vec![]
    );
    let level1 = &tiling()[..1];
    assert_eq!(check(level1, &[c], &[b]), vec![]);
}

#[test]
fn defects_print_kind_feature_place_and_message() {
    let d = Defect::new(
        DefectKind::BuildingOutsideGrids,
        "building B9".into(),
        Some(geo::Point::new(110.5, 35.25)),
        "its interior point lies in no level-3 grid".into(),
    );
    assert_eq!(
        d.to_string(),
        "building_outside_grids: building B9 at (110.5, 35.25): its interior point lies in no level-3 grid"
    );
    let names: std::collections::HashSet<&str> =
        DefectKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(names.len(), DefectKind::ALL.len());
    assert!(names
        .iter()
        .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    assert_eq!(DefectKind::EmptyGrid.severity(), Severity::Warning);
}

/// A lattice of cells with wiggly edges: every edge is drawn from the same points by both
/// grids that share it, as exported city data is.
fn lattice(blocks: [usize; 2], per2: usize, per3: usize, s: f64) -> Vec<Grid> {
    let node = |i: usize, j: usize| (X0 + i as f64 * s, Y0 + j as f64 * s);
    // Points from node a to its neighbour b, a excluded, b included.
    let edge = |a: (usize, usize), b: (usize, usize)| -> Vec<(f64, f64)> {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let (p, q) = (node(lo.0, lo.1), node(hi.0, hi.1));
        let sign = if (lo.0 + lo.1) % 2 == 0 { 1.0 } else { -1.0 };
        let mut pts: Vec<(f64, f64)> = (1..8)
            .map(|k| {
                let t = k as f64 / 8.0;
                let off = sign
                    * s
                    * (0.2 * (std::f64::consts::PI * t).sin()
                        + 0.05 * (3.0 * std::f64::consts::PI * t).sin());
                (
                    p.0 + t * (q.0 - p.0) - off * (q.1 - p.1) / s,
                    p.1 + t * (q.1 - p.1) + off * (q.0 - p.0) / s,
                )
            })
            .collect();
        if a > b {
            pts.reverse();
        }
        pts.push(node(b.0, b.1));
        pts
    };
    let block = |i0: usize, j0: usize, n: usize| {
        let mut walk = vec![(i0, j0)];
        walk.extend((1..=n).map(|k| (i0 + k, j0)));
        walk.extend((1..=n).map(|k| (i0 + n, j0 + k)));
        walk.extend((1..=n).map(|k| (i0 + n - k, j0 + n)));
        walk.extend((1..=n).map(|k| (i0, j0 + n - k)));
        let mut ring = vec![node(i0, j0)];
        for w in walk.windows(2) {
            ring.extend(edge(w[0], w[1]));
        }
        mp(Polygon::new(LineString::from(ring), vec![]))
    };
    let n1 = per2 * per3;
    let mut grids = Vec::new();
    for (b1, (bi, bj)) in (0..blocks[0])
        .flat_map(|i| (0..blocks[1]).map(move |j| (i, j)))
        .enumerate()
    {
        let c1 = format!("610581{:03}", b1 + 1);
        grids.push(grid(&c1, block(bi * n1, bj * n1, n1)));
        for (b2, (i2, j2)) in (0..per2)
            .flat_map(|i| (0..per2).map(move |j| (i, j)))
            .enumerate()
        {
            let c2 = format!("{c1}{:03}", b2 + 1);
            let (x2, y2) = (bi * n1 + i2 * per3, bj * n1 + j2 * per3);
            grids.push(grid(&c2, block(x2, y2, per3)));
            for (b3, (i3, j3)) in (0..per3)
                .flat_map(|i| (0..per3).map(move |j| (i, j)))
                .enumerate()
            {
                let mut g = grid(&format!("{c2}{:03}", b3 + 1), block(x2 + i3, y2 + j3, 1));
                g.households = Households::new(400);
                grids.push(g);
            }
        }
    }
    grids
}

#[test]
fn a_lattice_of_wiggly_grids_sharing_their_edge_vertices_tiles_cleanly() {
    let grids = lattice([2, 2], 2, 3, S);
    assert_eq!(grids.len(), 4 + 16 + 144);
    assert!(grids.iter().all(|g| g.geometry.is_valid()));
    assert_eq!(check(&grids, &[], &[]), vec![]);
}

#[test]
fn buildings_sharing_ground_are_an_error_naming_both_but_buildings_wall_to_wall_are_not() {
    let (x, y) = (X0 + D / 2.0, Y0 + D);
    let buildings = [
        building("B1", rect(x, y, x + D, y + D)),
        // Half of B1's ground, about 45 m².
        building("B2", rect(x + D / 2.0, y, x + 1.5 * D, y + D)),
        // A stacked copy of B1.
        building("B3", rect(x, y, x + D, y + D)),
        // Wall to wall with B2.
        building("B4", rect(x + 1.5 * D, y, x + 2.5 * D, y + D)),
    ];
    let defects = check(&populated(), &[], &buildings);
    let pairs: Vec<(String, String)> = defects
        .iter()
        .map(|d| {
            assert_eq!(d.kind, DefectKind::BuildingsOverlap, "{d:?}");
            assert_eq!(d.severity, Severity::Error);
            (d.feature.clone(), d.message.clone())
        })
        .collect();
    assert_eq!(pairs.len(), 3, "B1–B2, B1–B3, B2–B3: {pairs:?}");
    assert!(
        pairs[0].0 == "building B1" && pairs[0].1.ends_with("also building B2's"),
        "{pairs:?}"
    );
    assert!(
        pairs[1].0 == "building B1" && pairs[1].1.ends_with("also building B3's"),
        "{pairs:?}"
    );
    assert!(
        pairs[2].0 == "building B2" && pairs[2].1.ends_with("also building B3's"),
        "{pairs:?}"
    );
}
