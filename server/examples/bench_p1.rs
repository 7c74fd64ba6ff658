//! Benchmark P1 of `make bench`: bulk assignment of many points to all three grid levels,
//! the in-memory engine against a PostGIS spatial join, on the same points and the same
//! grids, in the same run.
//!
//! ```text
//! cargo run --release --example bench_p1 -- POSTGRES_URL data/incidents/incidents.ndjson
//! ```
//!
//! `POSTGRES_URL` names a PostGIS database that already holds the sample city (`gridd
//! import`); the engine is built from that same store, so both sides see identical polygons.
//! The points are the incidents file's reported coordinates converted to WGS84 with
//! `spatial::crs::to_wgs84` (64% of them are GCJ-02), so they cluster where incidents do.
//!
//! Only the assignment is timed: for the engine `assign_levels(&points, threads)`; for
//! PostGIS the three `JOIN … ST_Intersects … GROUP BY` queries, after the points were
//! loaded into a table and given a GiST index (load and index are timed separately). The
//! PostGIS side is run twice, the levels one after another on one session and the levels
//! concurrently on three sessions (so it can use both cores), and the faster counts. The
//! answers are then compared point by point.
//!
//! Human-readable lines go to stderr; `BENCH key value` lines go to stdout for
//! `tests/bench/run.sh` to collect.

use gridd::domain::{Crs, RawCoord};
use gridd::engine::Engine;
use gridd::spatial::crs;
use serde::Deserialize;
use std::io::BufRead;
use std::time::{Duration, Instant};
use tokio_postgres::{Client, NoTls};

/// Engine runs after the warm-up; the median is reported.
const ENGINE_RUNS: usize = 5;
/// Points sent to PostgreSQL per INSERT.
const LOAD_CHUNK: usize = 100_000;

/// The part of an incident line P1 needs.
#[derive(Deserialize)]
struct Reported {
    lng: f64,
    lat: f64,
    crs: Crs,
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn fail(message: impl Into<String>) -> Failure {
    message.into().into()
}

/// The WGS84 points of every line of the NDJSON incidents file.
fn read_points(path: &str) -> Result<Vec<(f64, f64)>, Failure> {
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot open {path}: {e}")))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut points = Vec::with_capacity(1_000_000);
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let r: Reported =
            serde_json::from_str(&line).map_err(|e| fail(format!("{path} line {}: {e}", n + 1)))?;
        let raw = RawCoord::new(r.lng, r.lat, r.crs)
            .map_err(|e| fail(format!("{path} line {}: {e}", n + 1)))?;
        let p = crs::to_wgs84(raw).map_err(|e| fail(format!("{path} line {}: {e}", n + 1)))?;
        points.push((p.lng(), p.lat()));
    }
    Ok(points)
}

async fn connect(url: &str) -> Result<Client, Failure> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("bench_p1: connection error: {e}");
        }
    });
    Ok(client)
}

/// The spatial join of one level, counted in the server so no rows cross the wire.
fn counted_join(level: u8) -> String {
    format!(
        "SELECT count(*)::int8, count(code)::int8 FROM (\
           SELECT p.id, min(g.code) AS code FROM bench_points p \
           JOIN grids g ON g.level = {level} AND ST_Intersects(g.geom, p.geom) \
           GROUP BY p.id) s"
    )
}

/// The same join, returning each point's code (for the agreement check, not timed).
fn listed_join(level: u8) -> String {
    format!(
        "SELECT p.id, min(g.code) FROM bench_points p \
         JOIN grids g ON g.level = {level} AND ST_Intersects(g.geom, p.geom) \
         GROUP BY p.id"
    )
}

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

async fn load_points(db: &Client, points: &[(f64, f64)]) -> Result<(), Failure> {
    db.batch_execute(
        "DROP TABLE IF EXISTS bench_points;
         CREATE UNLOGGED TABLE bench_points (id int4 NOT NULL, geom geometry(Point, 4326) NOT NULL);",
    )
    .await?;
    let insert = db
        .prepare(
            "INSERT INTO bench_points (id, geom) \
             SELECT id, ST_SetSRID(ST_MakePoint(x, y), 4326) \
             FROM unnest($1::int4[], $2::float8[], $3::float8[]) AS t(id, x, y)",
        )
        .await?;
    for (k, chunk) in points.chunks(LOAD_CHUNK).enumerate() {
        let first = k * LOAD_CHUNK;
        let ids: Vec<i32> = (0..chunk.len()).map(|i| (first + i) as i32).collect();
        let xs: Vec<f64> = chunk.iter().map(|p| p.0).collect();
        let ys: Vec<f64> = chunk.iter().map(|p| p.1).collect();
        db.execute(&insert, &[&ids, &xs, &ys]).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, incidents] = args.as_slice() else {
        return Err(fail(
            "usage: bench_p1 POSTGRES_URL INCIDENTS.ndjson (the database holds the imported city)",
        ));
    };
    let threads: usize = std::env::var("BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);

    let started = Instant::now();
    let points = read_points(incidents)?;
    let n = points.len();
    eprintln!(
        "P1: {n} incident points read and converted to WGS84 in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // The engine, built from the very store PostGIS answers from.
    let store = gridd::store::open(url).await?;
    let data = gridd::store::export_dataset(&*store).await?;
    let t = Instant::now();
    let engine = Engine::build(&data);
    let build = seconds(t.elapsed());
    let sizes = engine.sizes();
    eprintln!(
        "P1: engine built in {build:.2} s ({} / {} / {} grids, {} compounds, {} buildings)",
        sizes[0], sizes[1], sizes[2], sizes[3], sizes[4]
    );

    let _warm = engine.assign_levels(&points, threads);
    let mut runs = Vec::with_capacity(ENGINE_RUNS);
    for _ in 0..ENGINE_RUNS {
        let t = Instant::now();
        let out = engine.assign_levels(&points, threads);
        runs.push(seconds(t.elapsed()));
        std::hint::black_box(&out);
    }
    let engine_s = median(runs.clone());
    let engine_best = runs.iter().copied().fold(f64::INFINITY, f64::min);
    let assigned = engine.assign_levels(&points, threads);
    let engine_in: Vec<usize> = (0..3)
        .map(|l| assigned.iter().filter(|a| a[l].is_some()).count())
        .collect();
    eprintln!(
        "P1: engine assign_levels on {threads} threads: median {:.1} ms of {ENGINE_RUNS} runs (best {:.1} ms) = {:.2} M points/s; points in a grid per level {:?}",
        engine_s * 1e3,
        engine_best * 1e3,
        n as f64 / engine_s / 1e6,
        engine_in
    );

    // PostGIS: load (timed apart), index, then the joins.
    let db = connect(url).await?;
    let t = Instant::now();
    load_points(&db, &points).await?;
    let load = seconds(t.elapsed());
    let t = Instant::now();
    db.batch_execute(
        "CREATE INDEX bench_points_geom ON bench_points USING gist (geom); ANALYZE bench_points;",
    )
    .await?;
    let index = seconds(t.elapsed());
    eprintln!("P1: PostGIS load of {n} points {load:.2} s, GiST index + ANALYZE {index:.2} s (neither is counted)");
    let plan = db
        .query(&format!("EXPLAIN (COSTS OFF) {}", counted_join(3)), &[])
        .await?;
    eprintln!("P1: PostGIS plan of the level-3 join:");
    for row in plan {
        eprintln!("      {}", row.get::<_, String>(0));
    }

    let mut per_level = [0.0f64; 3];
    let mut pg_in = [0i64; 3];
    let t = Instant::now();
    for level in 1..=3u8 {
        let lt = Instant::now();
        let row = db.query_one(&counted_join(level), &[]).await?;
        per_level[level as usize - 1] = seconds(lt.elapsed());
        pg_in[level as usize - 1] = row.get(1);
    }
    let sequential = seconds(t.elapsed());
    eprintln!(
        "P1: PostGIS joins one after another on one session: {sequential:.2} s (levels {:.2} / {:.2} / {:.2} s); points in a grid per level {pg_in:?}",
        per_level[0], per_level[1], per_level[2]
    );

    let sessions = [
        connect(url).await?,
        connect(url).await?,
        connect(url).await?,
    ];
    let joins = [counted_join(1), counted_join(2), counted_join(3)];
    let t = Instant::now();
    let (a, b, c) = tokio::join!(
        sessions[0].query_one(&joins[0], &[]),
        sessions[1].query_one(&joins[1], &[]),
        sessions[2].query_one(&joins[2], &[]),
    );
    let concurrent = seconds(t.elapsed());
    let (a, b, c) = (a?, b?, c?);
    eprintln!(
        "P1: PostGIS joins concurrently on three sessions: {concurrent:.2} s ({} / {} / {} points in a grid)",
        a.get::<_, i64>(1),
        b.get::<_, i64>(1),
        c.get::<_, i64>(1)
    );
    let pg_s = sequential.min(concurrent);

    // Agreement, point by point, level by level (not timed).
    let mut mismatches = 0usize;
    for level in 1..=3u8 {
        let l = level as usize - 1;
        let mut pg: Vec<Option<String>> = vec![None; n];
        for row in db.query(&listed_join(level), &[]).await? {
            let id: i32 = row.get(0);
            pg[id as usize] = row.get(1);
        }
        let differ = assigned
            .iter()
            .zip(&pg)
            .filter(|(a, p)| a[l].map(|c| c.as_str()) != p.as_deref())
            .count();
        eprintln!("P1: level {level}: engine and PostGIS differ on {differ} of {n} points");
        mismatches += differ;
    }
    db.batch_execute("DROP TABLE bench_points").await?;

    let engine_pps = n as f64 / engine_s;
    let pg_pps = n as f64 / pg_s;
    for (key, value) in [
        ("p1_points", n as f64),
        ("p1_threads", threads as f64),
        ("p1_engine_build_s", build),
        ("p1_engine_s", engine_s),
        ("p1_engine_best_s", engine_best),
        ("p1_engine_pps", engine_pps),
        ("p1_pg_load_s", load),
        ("p1_pg_index_s", index),
        ("p1_pg_seq_s", sequential),
        ("p1_pg_conc_s", concurrent),
        ("p1_pg_s", pg_s),
        ("p1_pg_pps", pg_pps),
        ("p1_ratio", engine_pps / pg_pps),
        ("p1_mismatches", mismatches as f64),
    ] {
        println!("BENCH {key} {value}");
    }
    if mismatches > 0 {
        return Err(fail(format!(
            "the engine and PostGIS disagree on {mismatches} point-levels"
        )));
    }
    Ok(())
}
