//! The generated sample city (`gridd generate --seed 42`): the seed's figures exactly, a
//! clean topology, byte-identical output for the same seed, and an export → import →
//! export round trip that gives the same files on both stores.

use crate::common::{postgis_store, sqlite_store};
use gridd::domain::{Level, OfficerRole, PartyOrg};
use gridd::generate::{generate, City};
use gridd::import;
use gridd::store::{self, Dataset, Store};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

fn city() -> &'static City {
    static CITY: OnceLock<City> = OnceLock::new();
    CITY.get_or_init(|| generate(42, |_| {}).expect("the sample city generates"))
}

fn level_counts(data: &Dataset) -> [usize; 3] {
    let mut n = [0; 3];
    for g in &data.grids {
        n[g.level().number() as usize - 1] += 1;
    }
    n
}

#[test]
fn the_sample_city_has_39_164_and_1243_grids_under_county_610581() {
    let data = &city().data;
    assert_eq!(level_counts(data), [39, 164, 1243]);
    assert!(data
        .grids
        .iter()
        .all(|g| g.code.as_str().starts_with("610581")));
}

#[test]
fn the_sample_city_has_207_compounds_organised_as_in_seed_000() {
    let compounds = &city().data.compounds;
    assert_eq!(compounds.len(), 207);
    let mut standalone = 0;
    let mut functional = 0;
    let mut joint: HashMap<String, usize> = HashMap::new();
    for c in compounds {
        match &c.party_org {
            PartyOrg::Standalone => standalone += 1,
            PartyOrg::Functional => functional += 1,
            PartyOrg::Joint { branch } => *joint.entry(branch.clone()).or_default() += 1,
            PartyOrg::None => panic!("compound {} has no party organisation", c.id),
        }
    }
    assert_eq!(standalone, 50, "standalone branches");
    assert_eq!(functional, 28, "functional branches");
    assert_eq!(joint.len(), 37, "joint branches");
    assert_eq!(
        joint.values().sum::<usize>(),
        129,
        "compounds under joint branches"
    );
    assert!(
        joint.values().all(|n| *n >= 2),
        "a joint branch joins compounds"
    );
    let names: HashSet<&str> = compounds.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 207, "compound names are all different");
}

#[test]
fn every_grid_has_a_head_and_the_officer_counts_follow_one_grid_three_officers() {
    let data = &city().data;
    let level: HashMap<&str, Level> = data
        .grids
        .iter()
        .map(|g| (g.code.as_str(), g.level()))
        .collect();
    let mut by_role_level: HashMap<(OfficerRole, Level), usize> = HashMap::new();
    let mut headed = HashSet::new();
    for o in &data.officers {
        let first = o.grids.first().expect("every officer serves a grid");
        *by_role_level
            .entry((o.role, level[first.as_str()]))
            .or_default() += 1;
        if o.role == OfficerRole::GridHead {
            headed.extend(o.grids.iter().map(|g| g.as_str()));
        }
    }
    let n = |r, l| by_role_level.get(&(r, l)).copied().unwrap_or(0);
    assert_eq!(n(OfficerRole::GridHead, Level::One), 39);
    assert_eq!(n(OfficerRole::FullTime, Level::One), 39);
    assert_eq!(n(OfficerRole::GridHead, Level::Two), 164);
    assert_eq!(n(OfficerRole::FullTime, Level::Two), 494);
    assert_eq!(
        n(OfficerRole::PartTime, Level::Three),
        1268,
        "三级网格员(楼栋长)"
    );
    let level12 = data.grids.iter().filter(|g| g.level() != Level::Three);
    assert!(level12.clone().all(|g| headed.contains(g.code.as_str())));
    // A few level-3 grids are vacant (no officer), so the coverage maps have something to show.
    let served: HashSet<&str> = data
        .officers
        .iter()
        .filter(|o| o.role == OfficerRole::PartTime)
        .flat_map(|o| o.grids.iter().map(|g| g.as_str()))
        .collect();
    let vacant = data
        .grids
        .iter()
        .filter(|g| g.level() == Level::Three && !served.contains(g.code.as_str()))
        .count();
    assert!((1..=40).contains(&vacant), "{vacant} vacant level-3 grids");
}

#[test]
fn households_per_level_three_grid_leave_planners_about_five_percent_oversized_grids() {
    let data = &city().data;
    let mut households: HashMap<&str, u64> = HashMap::new();
    for b in &data.buildings {
        let g = b.grid.as_ref().expect("every building has its grid");
        *households.entry(g.as_str()).or_default() += u64::from(b.households.get());
    }
    let level3: Vec<u64> = data
        .grids
        .iter()
        .filter(|g| g.level() == Level::Three)
        .map(|g| {
            let from_buildings = households.get(g.code.as_str()).copied().unwrap_or(0);
            assert_eq!(
                u64::from(g.households.get()),
                from_buildings,
                "grid {}",
                g.code
            );
            from_buildings
        })
        .collect();
    let share = |f: &dyn Fn(u64) -> bool| {
        level3.iter().filter(|h| f(**h)).count() as f64 / level3.len() as f64
    };
    let over = share(&|h| h > 500);
    let under = share(&|h| h < 100);
    let band = share(&|h| (100..=500).contains(&h));
    assert!((0.03..=0.08).contains(&over), "oversized share {over}");
    assert!((0.02..=0.2).contains(&under), "undersized share {under}");
    assert!(band >= 0.75, "in-band share {band}");
    let buildings = data.buildings.len();
    assert!(
        (15_000..=25_000).contains(&buildings),
        "{buildings} buildings"
    );
    let people: u64 = data
        .buildings
        .iter()
        .map(|b| u64::from(b.population.get()))
        .sum();
    assert!((350_000..=500_000).contains(&people), "{people} people");
}

#[test]
fn the_sample_city_passes_validation_with_no_errors_and_no_warnings() {
    let problems = import::topology(&city().data);
    assert!(
        problems.is_empty(),
        "{} problems, first: {:?}",
        problems.len(),
        problems.first()
    );
}

#[test]
fn the_same_seed_writes_byte_identical_files_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    gridd::export::write_dir(&city().data, a.path()).unwrap();
    let again = generate(42, |_| {}).unwrap();
    gridd::export::write_dir(&again.data, b.path()).unwrap();
    let other = generate(43, |_| {}).unwrap();
    gridd::export::write_dir(&other.data, c.path()).unwrap();
    let (fa, fb, fc) = (
        crate::common::dir_files(a.path()),
        crate::common::dir_files(b.path()),
        crate::common::dir_files(c.path()),
    );
    let names: Vec<&str> = fa.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "buildings.geojson",
            "compounds.geojson",
            "grids.geojson",
            "officers.csv",
            "roads.geojson",
            "service_centres.geojson"
        ]
    );
    assert!(fa == fb, "seed 42 wrote different bytes the second time");
    assert!(fa != fc, "seed 43 wrote the same city as seed 42");
}

/// Writes the sample city to files, imports them, exports the store, and compares.
async fn round_trip(store: &dyn Store) {
    let written = tempfile::tempdir().unwrap();
    gridd::export::write_dir(&city().data, written.path()).unwrap();
    let summary = import::load(store, written.path(), &Default::default(), &mut |_| {})
        .await
        .expect("the sample city imports");
    assert_eq!(summary.grids, 1446);
    assert_eq!(summary.roads, city().data.roads.len());
    assert!(summary.roads > 1000, "{summary:?}");
    let exported = tempfile::tempdir().unwrap();
    let data = store::export_dataset(store).await.unwrap();
    gridd::export::write_dir(&data, exported.path()).unwrap();
    let (before, after) = (
        crate::common::dir_files(written.path()),
        crate::common::dir_files(exported.path()),
    );
    assert_eq!(
        before.len(),
        6,
        "roads.geojson is written and read back too"
    );
    assert_eq!(before.len(), after.len());
    for ((name, a), (_, b)) in before.iter().zip(after) {
        assert!(*a == b, "{name} differs after the round trip");
    }
}

#[tokio::test]
async fn export_import_export_of_the_sample_city_is_byte_identical_on_sqlite() {
    let (store, _dir) = sqlite_store().await;
    round_trip(&*store).await;
}

#[tokio::test]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn export_import_export_of_the_sample_city_is_byte_identical_on_postgis() {
    let store = postgis_store().await;
    round_trip(&*store).await;
}

#[test]
fn the_whole_city_lies_inside_the_real_county_of_hancheng() {
    use geo::{Contains, CoordsIter, Point, Polygon};
    let outline = Polygon::new(gridd::generate::warp::county_outline().into(), vec![]);
    let data = &city().data;
    let mut checked = 0;
    for g in data.grids.iter().filter(|g| g.level() == Level::One) {
        for c in g.geometry.coords_iter() {
            assert!(outline.contains(&Point::from(c)), "{} at {c:?}", g.code);
            checked += 1;
        }
    }
    for s in &data.service_centres {
        assert!(outline.contains(&Point::new(s.location.lng(), s.location.lat())));
    }
    assert!(
        checked > 1_000,
        "the level-1 rings are densified: {checked}"
    );
}

#[test]
fn buildings_come_in_several_shapes_and_compounds_are_drawn_around_their_buildings() {
    use geo::CoordsIter;
    let data = &city().data;
    let courtyards = data
        .buildings
        .iter()
        .filter(|b| b.footprint.0[0].interiors().len() == 1)
        .count();
    // An L has six corners (seven positions with the closing one).
    let ells = data
        .buildings
        .iter()
        .filter(|b| b.footprint.0[0].interiors().is_empty() && b.footprint.coords_count() == 7)
        .count();
    let four = data
        .buildings
        .iter()
        .filter(|b| b.footprint.coords_count() == 5)
        .count();
    assert!(courtyards > 2_000, "courtyard houses: {courtyards}");
    assert!(ells > 2_000, "L-shaped buildings: {ells}");
    assert!(four > 4_000, "slabs and towers: {four}");
    // No compound is a plain rectangle any more: each is drawn around its buildings.
    assert!(data.compounds.iter().all(|c| c.geometry.coords_count() > 5));
}

/// The direction of a building's first wall, in degrees 0–90 (walls repeat every 90°): the
/// generator draws every footprint from its block's frame, first wall along the frame.
fn wall_bearing(b: &gridd::domain::Building) -> f64 {
    let ring = &b.footprint.0[0].exterior().0;
    let (a, c) = (ring[0], ring[1]);
    let lat_scale = a.y.to_radians().cos();
    (c.y - a.y)
        .atan2((c.x - a.x) * lat_scale)
        .to_degrees()
        .rem_euclid(90.0)
}

#[test]
fn buildings_stand_at_many_angles_turned_with_their_blocks_not_in_one_grid_of_rows() {
    let data = &city().data;
    let mut bins = [0usize; 9];
    for b in &data.buildings {
        bins[((wall_bearing(b) / 10.0) as usize).min(8)] += 1;
    }
    let share: Vec<f64> = bins
        .iter()
        .map(|n| *n as f64 / data.buildings.len() as f64)
        .collect();
    // One street grid would put nearly every building within a few degrees of one angle.
    assert!(share.iter().all(|s| *s < 0.25), "{share:?}");
    assert!(
        share.iter().filter(|s| **s >= 0.03).count() >= 6,
        "{share:?}"
    );
}

#[test]
fn the_old_town_in_the_middle_is_more_irregular_than_the_districts_around_it() {
    let data = &city().data;
    // Each level-3 grid's block angle (its first building's) and where it is, in metres.
    let mut seen = HashSet::new();
    let blocks: Vec<(f64, f64, f64)> = data
        .buildings
        .iter()
        .filter(|b| b.grid.as_ref().is_some_and(|g| seen.insert(g.clone())))
        .map(|b| {
            let c = b.footprint.0[0].exterior().0[0];
            let m = 111_320.0;
            (
                wall_bearing(b),
                c.x * m * 35.47f64.to_radians().cos(),
                c.y * m,
            )
        })
        .collect();
    assert!(
        blocks.len() > 1_100,
        "{} blocks with buildings",
        blocks.len()
    );
    let n = blocks.len() as f64;
    let centre = blocks
        .iter()
        .fold((0.0, 0.0), |a, b| (a.0 + b.1 / n, a.1 + b.2 / n));
    // How much each block is turned against its nearest neighbour.
    let (mut old, mut new) = (vec![], vec![]);
    for (i, a) in blocks.iter().enumerate() {
        let near = blocks
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .min_by(|(_, p), (_, q)| {
                let d = |b: &&(f64, f64, f64)| (b.1 - a.1).hypot(b.2 - a.2);
                d(p).total_cmp(&d(q))
            })
            .map(|(_, b)| b)
            .expect("more than one block");
        let turn = (a.0 - near.0).abs();
        let turn = turn.min(90.0 - turn);
        if (a.1 - centre.0).hypot(a.2 - centre.1) < 2_000.0 {
            old.push(turn);
        } else {
            new.push(turn);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (old_turn, new_turn) = (median(&mut old), median(&mut new));
    assert!(old.len() > 40, "{} blocks in the old town", old.len());
    assert!(
        old_turn >= 10.0 && old_turn >= 2.0 * new_turn,
        "neighbouring blocks turn by {old_turn:.1}° in the old town, {new_turn:.1}° around it"
    );
}
