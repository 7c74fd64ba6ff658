//! The engine's per-grid facts on the fixture city: officers, compounds, neighbours, reach.
use crate::common::fixture;
use gridd::domain::*;
use gridd::engine::stats::*;
use gridd::spatial::M_PER_DEG;

#[test]
fn the_fixture_grids_have_their_officers_compounds_and_edge_neighbours() {
    let s = GridStats::build(&fixture());
    let l3 = s.level(Level::Three);
    let codes: Vec<&str> = l3.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "610581001001001",
            "610581001001002",
            "610581001002001",
            "610581001002002"
        ]
    );
    // 001001001 (north-west) shares edges with 001001002 (south-west) and 001002001
    // (north-east); only a corner with 001002002.
    assert_eq!(l3[0].neighbours, vec![1, 2]);
    assert_eq!(l3[3].neighbours, vec![1, 2]);
    // O003 full-time and O007 building head on 001001001: one serving officer.
    assert_eq!(l3[0].officers, 1);
    assert_eq!(s.level(Level::Two)[0].neighbours, vec![1]);
    let total: u32 = l3.iter().map(|f| f.compounds).sum();
    assert_eq!(total, 3);
    assert_eq!(
        s.level(Level::One)[0].compounds,
        3,
        "compounds count at every level"
    );
    assert_eq!(s.level(Level::One)[0].buildings, 12);
}

#[test]
fn a_building_is_within_reach_when_a_centre_is_at_most_800_m_away() {
    let mut data = fixture();
    let r = Reach::new(&data);
    let s = data.service_centres[0].location;
    let north = |m: f64| s.lat() + m / M_PER_DEG;
    assert!(r.within(s.lng(), north(790.0)));
    assert!(!r.within(s.lng(), north(810.0)));
    data.service_centres.clear();
    assert!(
        !Reach::new(&data).within(s.lng(), s.lat()),
        "no centre, no reach"
    );
}
