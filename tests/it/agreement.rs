//! The engine against PostGIS, point by point: the sample city in a real PostGIS, 100,000
//! random points over its box and 10,000 points placed exactly on shared edges and vertices,
//! each assigned to its level-1, 2 and 3 grid by the engine and by `ST_Intersects` with the
//! tie rule (lowest code). Zero mismatches allowed.

use crate::common::pg_fresh_database;
use gridd::domain::Level;
use gridd::engine::Engine;
use gridd::generate::rng::Rng;
use gridd::store;
use std::collections::HashMap;

const RANDOM: usize = 100_000;
const ON_EDGES: usize = 10_000;

/// Random points over the city's box (with a margin outside it), then points on grid edges:
/// a third exactly on vertices, the rest interpolated along a ring segment.
fn points(data: &store::Dataset) -> Vec<(f64, f64)> {
    let mut rng = Rng::new(2026);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for g in &data.grids {
        for c in g.geometry.iter().flat_map(|p| p.exterior().0.iter()) {
            (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
        }
    }
    let mut out: Vec<(f64, f64)> = (0..RANDOM)
        .map(|_| {
            (
                rng.range(x0 - 0.01, x1 + 0.01),
                rng.range(y0 - 0.01, y1 + 0.01),
            )
        })
        .collect();
    let level3: Vec<_> = data
        .grids
        .iter()
        .filter(|g| g.level() == Level::Three)
        .collect();
    while out.len() < RANDOM + ON_EDGES {
        let g = rng.pick(&level3);
        let ring = &g.geometry.0[0].exterior().0;
        let k = (rng.next_u64() % (ring.len() as u64 - 1)) as usize;
        let (a, b) = (ring[k], ring[k + 1]);
        if rng.unit() < 1.0 / 3.0 {
            out.push((a.x, a.y));
        } else {
            let t = rng.unit();
            out.push((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn the_engine_assigns_every_point_to_the_same_grids_as_postgis_st_intersects() {
    let url = pg_fresh_database().await;
    let store = store::open(&url).await.unwrap();
    let city = gridd::generate::generate(42, |_| {}).unwrap();
    store.import(&city.data).await.unwrap();
    // The engine is built from what the store gives back, as `gridd serve` does.
    let data = store::export_dataset(&*store).await.unwrap();
    let engine = Engine::build(&data);
    let pts = points(&data);

    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute("CREATE TEMP TABLE pts (id integer PRIMARY KEY, geom geometry(Point, 4326))")
        .await
        .unwrap();
    let ids: Vec<i32> = (0..pts.len() as i32).collect();
    let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
    client
        .execute(
            "INSERT INTO pts SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326)
             FROM unnest($1::integer[], $2::float8[], $3::float8[]) AS t(i, x, y)",
            &[&ids, &xs, &ys],
        )
        .await
        .unwrap();
    // The coordinates went over the wire in binary: PostGIS holds exactly our doubles.
    let back = client
        .query_one(
            "SELECT ST_X(geom), ST_Y(geom) FROM pts WHERE id = 100123",
            &[],
        )
        .await
        .unwrap();
    assert_eq!((back.get::<_, f64>(0), back.get::<_, f64>(1)), pts[100_123]);

    let mut report = Vec::new();
    for level in [Level::One, Level::Two, Level::Three] {
        let rows = client
            .query(
                "SELECT p.id, (SELECT min(g.code) FROM grids g
                               WHERE g.level = $1 AND ST_Intersects(g.geom, p.geom))
                 FROM pts p",
                &[&i16::from(level.number())],
            )
            .await
            .unwrap();
        let postgis: HashMap<i32, Option<String>> =
            rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        let mut mismatches = Vec::new();
        let mut inside = 0;
        for (i, &(x, y)) in pts.iter().enumerate() {
            let ours = engine.grid_at(level, x, y).map(|c| c.as_str().to_string());
            inside += usize::from(ours.is_some());
            if ours != postgis[&(i as i32)] {
                mismatches.push((i, x, y, ours, postgis[&(i as i32)].clone()));
            }
        }
        assert!(
            mismatches.is_empty(),
            "level {}: {} mismatches of {}, first: {:?}",
            level.number(),
            mismatches.len(),
            pts.len(),
            &mismatches[..mismatches.len().min(5)]
        );
        report.push((level.number(), inside));
    }
    // The test is only meaningful if most points fell in grids, many on edges.
    for (level, inside) in report {
        assert!(
            inside > RANDOM / 2,
            "level {level}: only {inside} points inside"
        );
    }
}
