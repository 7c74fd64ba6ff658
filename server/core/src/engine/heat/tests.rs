use super::*;
use crate::domain::{Crs, GridPath, RawCoord, Wgs84Point};
use crate::generate::rng::Rng;
use chrono::{TimeZone, Utc};

fn incident(
    lng: f64,
    lat: f64,
    day: i64,
    category: Category,
    status: IncidentStatus,
) -> NewIncident {
    NewIncident {
        raw: RawCoord::new(lng, lat, Crs::Wgs84).unwrap(),
        location: Wgs84Point::new(lng, lat).unwrap(),
        category,
        description: String::new(),
        channel: Channel::Patrol,
        reported_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
            + chrono::Duration::days(day),
        status,
        grids: GridPath::from_code(&GridCode::parse("610581001002003").unwrap()),
        compound: None,
        building: None,
        reporter: Default::default(),
    }
}

fn random_incidents(n: usize, seed: u64) -> Vec<NewIncident> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            incident(
                rng.range(110.35, 110.55),
                rng.range(35.40, 35.55),
                i64::from(rng.int(0, 364)),
                *rng.pick(Category::ALL),
                *rng.pick(IncidentStatus::ALL),
            )
        })
        .collect()
}

/// The tile holding a point at zoom z, from lng/lat alone.
fn tile_of(lng: f64, lat: f64, z: u8) -> Tile {
    let (x, y) = mercator(lng, lat);
    let n = f64::from(1u32 << z);
    Tile::new(z, (x * n) as u32, (y * n) as u32).unwrap()
}

#[test]
fn a_tile_counts_exactly_the_incidents_inside_its_bounds_at_every_zoom_under_any_filter() {
    let incidents = random_incidents(20_000, 1);
    let heat = Heat::build(&incidents);
    let mut rng = Rng::new(2);
    for _ in 0..300 {
        let z = rng.int(0, 18) as u8;
        let p = rng.pick(&incidents);
        let tile = tile_of(p.location.lng(), p.location.lat(), z);
        let (w, s, e, n) = tile.bounds();
        let expected = incidents
            .iter()
            .filter(|i| {
                let (x, y) = (i.location.lng(), i.location.lat());
                x >= w && x < e && y > s && y <= n
            })
            .count() as u64;
        let binned = heat.bin(tile, 32, &Filter::default());
        let sum: u64 = binned.cells.iter().map(|c| u64::from(c.2)).sum();
        assert_eq!(sum, expected, "tile {tile:?}");
        assert_eq!(heat.count_in_tile(tile, &Filter::default()), expected);
        assert!(expected >= 1, "the tile holds the point it was made from");

        // The same tile under a random filter: category and/or a time window.
        let day0 = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .unwrap()
            .timestamp();
        let (a, b) = (i64::from(rng.int(0, 364)), i64::from(rng.int(0, 364)));
        let f = Filter {
            category: (rng.unit() < 0.5).then(|| *rng.pick(Category::ALL)),
            from: Some(day0 + a.min(b) * 86_400),
            to: Some(day0 + (a.max(b) + 1) * 86_400),
            ..Filter::default()
        };
        let expected = incidents
            .iter()
            .filter(|i| {
                let (x, y) = (i.location.lng(), i.location.lat());
                let t = i.reported_at.timestamp();
                x >= w
                    && x < e
                    && y > s
                    && y <= n
                    && f.category.is_none_or(|c| c == i.category)
                    && t >= f.from.unwrap()
                    && t < f.to.unwrap()
            })
            .count() as u64;
        let binned = heat.bin(tile, 16, &f);
        let sum: u64 = binned.cells.iter().map(|c| u64::from(c.2)).sum();
        assert_eq!(sum, expected, "tile {tile:?} with {f:?}");
    }
}

#[test]
fn filters_keep_only_matching_incidents() {
    let incidents = random_incidents(5_000, 3);
    let heat = Heat::build(&incidents);
    let world = Tile::new(0, 0, 0).unwrap();
    let f = Filter {
        category: Some(Category::StreetOrder),
        status: Some(IncidentStatus::Closed.into()),
        from: Some(
            Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
                .unwrap()
                .timestamp(),
        ),
        to: Some(
            Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
                .unwrap()
                .timestamp(),
        ),
        channel: None,
        report_time: false,
        within: None,
        overdue_at: None,
    };
    let expected = incidents
        .iter()
        .filter(|i| {
            i.category == Category::StreetOrder
                && i.status == IncidentStatus::Closed
                && i.reported_at.timestamp() >= f.from.unwrap()
                && i.reported_at.timestamp() < f.to.unwrap()
        })
        .count() as u64;
    assert!(expected > 0);
    assert_eq!(heat.count_in_tile(world, &f), expected);
    let other = Filter {
        channel: Some(Channel::Hotline),
        ..Filter::default()
    };
    assert_eq!(heat.count_in_tile(world, &other), 0);
}

#[test]
fn an_added_incident_shows_at_once_and_merging_the_tail_loses_nothing() {
    let mut heat = Heat::build(&random_incidents(1_000, 4));
    let p = incident(
        110.44,
        35.47,
        10,
        Category::Emergency,
        IncidentStatus::Reported,
    );
    let tile = tile_of(110.44, 35.47, 16);
    let before = heat.count_in_tile(tile, &Filter::default());
    heat.add(&p);
    assert_eq!(heat.count_in_tile(tile, &Filter::default()), before + 1);
    let more = random_incidents(TAIL_LIMIT + 10, 5);
    let in_tile = more
        .iter()
        .filter(|i| tile_of(i.location.lng(), i.location.lat(), 16) == tile)
        .count() as u64;
    for i in &more {
        heat.add(i);
    }
    assert!(heat.tail.len() < TAIL_LIMIT, "the tail was merged");
    assert_eq!(heat.len(), 1_000 + 1 + TAIL_LIMIT + 10);
    assert!(heat.sorted.windows(2).all(|w| w[0].morton <= w[1].morton));
    assert_eq!(
        heat.count_in_tile(tile, &Filter::default()),
        before + 1 + in_tile
    );
}

#[test]
fn cells_are_counted_where_the_incidents_are() {
    let tile = tile_of(110.44, 35.47, 14);
    let (w, s, e, n) = tile.bounds();
    // One incident near the north-west corner, two near the south-east corner.
    let nw = incident(
        w + (e - w) * 0.01,
        n - (n - s) * 0.01,
        0,
        Category::Emergency,
        IncidentStatus::Reported,
    );
    let se = incident(
        e - (e - w) * 0.01,
        s + (n - s) * 0.01,
        0,
        Category::Emergency,
        IncidentStatus::Reported,
    );
    let heat = Heat::build([&nw, &se, &se]);
    let b = heat.bin(tile, 8, &Filter::default());
    assert_eq!(b.cells, vec![(0, 0, 1), (7, 7, 2)]);
}

#[test]
fn per_grid_counts_cover_each_level_and_count_open_incidents() {
    let incidents = vec![
        incident(
            110.44,
            35.47,
            0,
            Category::Emergency,
            IncidentStatus::Reported,
        ),
        incident(
            110.44,
            35.47,
            0,
            Category::Emergency,
            IncidentStatus::Closed,
        ),
    ];
    let heat = Heat::build(&incidents);
    let l2 = heat.per_grid(2, &Filter::default());
    assert_eq!(l2[&GridCode::parse("610581001002").unwrap()], (2, 1));
    let l3 = heat.per_grid(3, &Filter::default());
    assert_eq!(l3[&GridCode::parse("610581001002003").unwrap()], (2, 1));
}

#[test]
fn tiles_outside_their_zoom_do_not_exist() {
    assert!(Tile::new(2, 4, 0).is_none());
    assert!(Tile::new(25, 0, 0).is_none());
    assert!(Tile::new(2, 3, 3).is_some());
}

#[test]
fn after_refiling_counts_follow_the_new_grids_and_report_time_counts_stay() {
    let incidents = vec![
        incident(
            110.44,
            35.47,
            0,
            Category::Emergency,
            IncidentStatus::Reported,
        ),
        incident(
            110.45,
            35.47,
            0,
            Category::Emergency,
            IncidentStatus::Closed,
        ),
    ];
    let mut heat = Heat::build(&incidents);
    let v = heat.version();
    // A new version: the west incident now lies in grid …004, the east one in …005.
    heat.refile(|lng, _| {
        crate::domain::GridPath::from_code(
            &GridCode::parse(if lng < 110.445 {
                "610581001002004"
            } else {
                "610581001002005"
            })
            .unwrap(),
        )
    });
    assert!(heat.version() > v, "derived figures recompute");
    let now = heat.per_grid(3, &Filter::default());
    assert_eq!(now[&GridCode::parse("610581001002004").unwrap()], (1, 1));
    assert_eq!(now[&GridCode::parse("610581001002005").unwrap()], (1, 0));
    assert!(!now.contains_key(&GridCode::parse("610581001002003").unwrap()));
    let then = heat.per_grid(
        3,
        &Filter {
            report_time: true,
            ..Filter::default()
        },
    );
    assert_eq!(then[&GridCode::parse("610581001002003").unwrap()], (2, 1));
}

#[test]
fn a_scoped_filter_counts_only_the_incidents_of_grids_under_the_scope() {
    let mut other = incident(
        110.44,
        35.47,
        0,
        Category::Emergency,
        IncidentStatus::Reported,
    );
    other.grids = GridPath::from_code(&GridCode::parse("610581002001001").unwrap());
    let mine = incident(
        110.44,
        35.47,
        0,
        Category::Emergency,
        IncidentStatus::Reported,
    );
    let heat = Heat::build([&mine, &other]);
    let tile = tile_of(110.44, 35.47, 12);
    let scoped = |prefixes: &[&str]| Filter {
        within: Some(prefixes.iter().map(|p| p.to_string()).collect()),
        ..Filter::default()
    };
    assert_eq!(heat.count_in_tile(tile, &Filter::default()), 2);
    assert_eq!(heat.count_in_tile(tile, &scoped(&["610581001"])), 1);
    assert_eq!(heat.count_in_tile(tile, &scoped(&["610581"])), 2);
    assert_eq!(
        heat.count_in_tile(tile, &scoped(&[])),
        0,
        "no scope, no incidents"
    );
    let l1 = heat.per_grid(1, &scoped(&["610581002001001"]));
    assert_eq!(l1.len(), 1);
    assert_eq!(l1[&GridCode::parse("610581002").unwrap()], (1, 1));
}

#[test]
fn a_status_change_shows_in_filtered_counts_before_and_after_the_tail_is_merged() {
    let stored: Vec<crate::domain::Incident> = random_incidents(TAIL_LIMIT + 10, 11)
        .into_iter()
        .enumerate()
        .map(|(i, mut n)| {
            n.status = IncidentStatus::Reported;
            crate::domain::Incident {
                id: i as i64 + 1,
                incident: n,
            }
        })
        .collect();
    let world = Tile::new(0, 0, 0).unwrap();
    let closed = Filter {
        status: Some(IncidentStatus::Closed.into()),
        ..Filter::default()
    };
    let mut heat = Heat::from_stored(&stored[..5]);
    assert!(
        heat.set_status(3, IncidentStatus::Closed),
        "in the sorted part"
    );
    for i in &stored[5..] {
        heat.add_stored(i);
    }
    assert!(
        heat.set_status(TAIL_LIMIT as i64 + 9, IncidentStatus::Closed),
        "in the tail"
    );
    assert!(
        heat.set_status(7, IncidentStatus::Closed),
        "moved by the merge"
    );
    assert_eq!(heat.count_in_tile(world, &closed), 3);
    assert!(
        !heat.set_status(999_999, IncidentStatus::Closed),
        "not indexed"
    );
    assert_eq!(heat.max_id(), TAIL_LIMIT as i64 + 10);
}

#[test]
fn only_open_cases_past_their_due_time_count_as_overdue() {
    let stored: Vec<crate::domain::Incident> = random_incidents(4, 5)
        .into_iter()
        .enumerate()
        .map(|(i, mut n)| {
            n.status = IncidentStatus::Handling;
            crate::domain::Incident {
                id: i as i64 + 1,
                incident: n,
            }
        })
        .collect();
    let mut heat = Heat::from_stored(&stored);
    let now = 1_000_000;
    heat.set_due(1, Some(now - 10));
    heat.set_due(2, Some(now + 10));
    heat.set_due(3, Some(now - 10));
    heat.set_status(3, IncidentStatus::Closed);
    let overdue = Filter {
        overdue_at: Some(now),
        ..Filter::default()
    };
    let world = Tile::new(0, 0, 0).unwrap();
    assert_eq!(
        heat.count_in_tile(world, &overdue),
        1,
        "only case 1: 2 is not due yet, 3 is closed, 4 has no due time"
    );
}

#[test]
fn near_finds_the_kept_incidents_within_the_radius_nearest_first() {
    let at = (110.44, 35.47);
    let north = |m: f64| (at.0, at.1 + m / 111_320.0);
    let mk = |id: i64, p: (f64, f64), category: Category, status: IncidentStatus| {
        crate::domain::Incident {
            id,
            incident: incident(p.0, p.1, 0, category, status),
        }
    };
    let stored = vec![
        mk(
            1,
            north(200.0),
            Category::StreetOrder,
            IncidentStatus::Handling,
        ),
        mk(
            2,
            north(50.0),
            Category::StreetOrder,
            IncidentStatus::Reported,
        ),
        mk(
            3,
            north(300.0),
            Category::StreetOrder,
            IncidentStatus::Reported,
        ),
        mk(
            4,
            north(10.0),
            Category::Environment,
            IncidentStatus::Reported,
        ),
        mk(
            5,
            north(20.0),
            Category::StreetOrder,
            IncidentStatus::Closed,
        ),
    ];
    let heat = Heat::from_stored(&stored);
    let f = Filter {
        category: Some(Category::StreetOrder),
        status: Some(crate::domain::StatusSet::open()),
        ..Filter::default()
    };
    let near: Vec<(i64, i64)> = heat
        .near(at.0, at.1, 250.0, &f)
        .iter()
        .map(|n| (n.id, n.distance_m.round() as i64))
        .collect();
    assert_eq!(
        near,
        [(2, 50), (1, 200)],
        "not 3 (300 m), 4 (another category), 5 (closed)"
    ); // The same when the incidents arrived one by one (the unsorted tail, by tile).
    let mut fresh = Heat::from_stored(&stored[..1]);
    for i in &stored[1..] {
        fresh.add_stored(i);
    }
    let again: Vec<(i64, i64)> = fresh
        .near(at.0, at.1, 250.0, &f)
        .iter()
        .map(|n| (n.id, n.distance_m.round() as i64))
        .collect();
    assert_eq!(again, near);
}
