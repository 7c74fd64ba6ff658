//! Benchmark P4 of `make bench`: density vector tiles at zooms 12–16, the in-memory heat
//! index against PostGIS `ST_AsMVT` with the same binning, on the same incidents, in the
//! same run.
//!
//! ```text
//! cargo run --release --example bench_p4 -- POSTGRES_URL
//! ```
//!
//! `POSTGRES_URL` names a PostGIS database whose `incidents` table was filled by `gridd
//! import-incidents` (`geometry(Point,4326)` with its GiST index). Our side is built from
//! that very store the way `gridd serve` builds it at start (`Store::incidents` with
//! `everything`, then `Heat::from_stored`), so both sides count the same points.
//!
//! The tiles: at each zoom 12..=16, the 3×3 block of tiles around the one holding the city
//! centre (110.44°E, 35.47°N), 45 tiles in all, dense in the middle and sparser at the edges.
//!
//! Our side does what `GET /tiles/density/{z}/{x}/{y}.mvt` does once the path is parsed: a
//! read lock on the index, `Heat::bin(tile, 32, no filter)`, one square per non-empty cell
//! with its `count` through `http::mvt::{LayerBuilder, square, encode}`, and
//! `http::tiles::tile_response` (the ETag over the counts). There is no tile cache, so
//! "cold" is the first time each tile is made after the index was built (a pass right after
//! the build; the index is built three times afresh and each tile's median of its three
//! cold times counts, so one preemption on a shared machine does not decide it) and "warm"
//! is every later time.
//!
//! PostGIS answers each tile with one prepared statement that returns the `ST_AsMVT` bytes,
//! written two ways: `snap` (each point snapped with `ST_SnapToGrid` to the centre of its
//! cell, grouped, the centre expanded back to the cell's square) and `cells` (each point's
//! integer column and row, grouped, the square made with `ST_MakeEnvelope`). Both transform
//! a point to EPSG:3857 once, keep the half-open tile our Morton range holds (west and top
//! edges in, east and bottom edges out), give each square its feature id `row * 32 + col`
//! as ours do, and leave clipping off (a cell never leaves its tile). The faster way counts.
//!
//! Same binning: our cell of a point is `floor(x · 2^(z+5)) mod 32` of its Web Mercator
//! position in [0, 1) (quantising to 2³² steps keeps the top bits, so this is exact up to
//! zoom 27); PostGIS computes `floor((X − xmin) / size)` in metres after `ST_Transform`.
//! The two can only differ for a point within floating-point noise (nanometres) of a cell
//! edge. Every tile of both formulations is decoded and compared cell by cell with ours;
//! any disagreement is printed.
//!
//! Timing: wall time per tile. Ours in-process (no HTTP); PostGIS from this client, so its
//! figure includes one local round trip (tens of µs, small against its times). PostGIS's
//! first pass (the one compared cell by cell) is reported apart; then `BENCH_P4_ROUNDS`
//! rounds (default 3) each run `OUR_PASSES` passes of ours and one pass of each PostGIS
//! query over all 45 tiles, so a passing burst of other load hits both sides. Per zoom and
//! overall the median of all samples of the warm passes is reported.
//!
//! Human-readable lines go to stderr; `BENCH key value` lines go to stdout for
//! `tests/bench/run.sh` to collect.

use axum::http::HeaderMap;
use axum::response::Response;
use geozero::mvt::TileValue;
use gridd::engine::heat::{mercator, Binned, Filter, Heat, Tile};
use gridd::http::mvt::{encode, square, LayerBuilder, EXTENT};
use gridd::http::tiles::tile_response;
use gridd::store::IncidentQuery;
use std::sync::RwLock;
use std::time::Instant;
use tokio_postgres::{Client, NoTls, Statement};

mod decode;
use decode::{decode_cells, differences};

/// Where the tile blocks are centred: the sample city's centre.
const CENTRE: (f64, f64) = (110.44, 35.47);
const ZOOMS: [u8; 5] = [12, 13, 14, 15, 16];
/// Cells per tile side, the handler's default.
const BINS: u32 = 32;
/// Passes of our side per round (it is fast, so it gets more samples).
const OUR_PASSES: usize = 10;
/// Fresh builds of the index, each followed by one cold pass.
const COLD_BUILDS: usize = 3;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn fail(message: impl Into<String>) -> Failure {
    message.into().into()
}

/// The bounds of a tile in EPSG:3857 metres and the side of one cell, as SQL expressions
/// over `e = ST_TileEnvelope($1, $2, $3)`; shared by both queries.
const BOUNDS: &str = "SELECT e AS env, ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, \
     ST_XMax(e) AS xmax, ST_YMax(e) AS ymax, (ST_XMax(e) - ST_XMin(e)) / 32 AS size \
     FROM ST_TileEnvelope($1, $2, $3) AS e";

/// The tile's points in EPSG:3857, found through the GiST index on the WGS84 column and
/// transformed once each (the CTE is materialised so later references do not repeat it).
const POINTS: &str = "SELECT ST_Transform(i.geom, 3857) AS g FROM incidents i, b \
     WHERE i.geom && ST_Transform(b.env, 4326)";

/// Cells by snapping each point to its cell's centre; the centre grown by half a cell is
/// the cell's square.
fn snap_query() -> String {
    format!(
        "WITH b AS ({BOUNDS}), \
         pts AS MATERIALIZED ({POINTS}), \
         cells AS (\
           SELECT ST_SnapToGrid(g, b.xmin + b.size / 2, b.ymin + b.size / 2, b.size, b.size) AS c, \
                  count(*) AS count \
           FROM pts, b \
           WHERE ST_X(g) >= b.xmin AND ST_X(g) < b.xmax AND ST_Y(g) > b.ymin AND ST_Y(g) <= b.ymax \
           GROUP BY 1) \
         SELECT ST_AsMVT(q, 'density', 4096, 'geom', 'id') FROM (\
           SELECT floor((b.ymax - ST_Y(c)) / b.size)::int * 32 + floor((ST_X(c) - b.xmin) / b.size)::int AS id, \
                  count, \
                  ST_AsMVTGeom(ST_Expand(c, b.size / 2), b.env, 4096, 0, false) AS geom \
           FROM cells, b) q"
    )
}

/// Cells as integer column and row counted from the tile's top-left corner, as ours are.
fn cells_query() -> String {
    format!(
        "WITH b AS ({BOUNDS}), \
         pts AS MATERIALIZED ({POINTS}), \
         cells AS (\
           SELECT floor((ST_X(g) - b.xmin) / b.size)::int AS col, \
                  floor((b.ymax - ST_Y(g)) / b.size)::int AS row, \
                  count(*) AS count \
           FROM pts, b GROUP BY 1, 2) \
         SELECT ST_AsMVT(q, 'density', 4096, 'geom', 'id') FROM (\
           SELECT row * 32 + col AS id, count, \
                  ST_AsMVTGeom(ST_MakeEnvelope(b.xmin + col * b.size, b.ymax - (row + 1) * b.size, \
                                               b.xmin + (col + 1) * b.size, b.ymax - row * b.size, 3857), \
                               b.env, 4096, 0, false) AS geom \
           FROM cells, b \
           WHERE col BETWEEN 0 AND 31 AND row BETWEEN 0 AND 31) q"
    )
}

/// The tile bytes of one binned tile, built as the density handler builds them.
fn density_mvt(binned: &Binned) -> Result<Vec<u8>, Failure> {
    let cell = f64::from(EXTENT) / f64::from(binned.bins);
    let mut layer = LayerBuilder::new("density");
    for &(col, row, count) in &binned.cells {
        let (x0, y0) = (f64::from(col) * cell, f64::from(row) * cell);
        layer
            .polygon(
                Some(u64::from(row * binned.bins + col)),
                &square(x0, y0, x0 + cell, y0 + cell),
                vec![("count", TileValue::Uint(u64::from(count)))],
            )
            .map_err(|e| fail(format!("encoding a density cell: {e}")))?;
    }
    Ok(encode(vec![layer]))
}

/// What the handler answers for a tile with no filter and no `If-None-Match`.
/// The incident columns for reading (a poisoned lock still holds whole columns).
fn read(heat: &RwLock<Heat>) -> std::sync::RwLockReadGuard<'_, Heat> {
    heat.read().unwrap_or_else(|p| p.into_inner())
}

fn density_response(heat: &RwLock<Heat>, tile: Tile) -> Result<Response, Failure> {
    let binned = read(heat).bin(tile, BINS, &Filter::default());
    let bytes = density_mvt(&binned)?;
    Ok(tile_response(
        &HeaderMap::new(),
        bytes,
        (&binned.cells, binned.bins, tile),
    ))
}

/// The tile holding the city centre at zoom `z`.
fn centre_tile(z: u8) -> Tile {
    let (mx, my) = mercator(CENTRE.0, CENTRE.1);
    let n = f64::from(1u32 << z);
    Tile {
        z,
        x: (mx * n).floor() as u32,
        y: (my * n).floor() as u32,
    }
}

/// The 3×3 block around the centre's tile at every zoom, row by row.
fn bench_tiles() -> Vec<Tile> {
    let mut tiles = Vec::new();
    for z in ZOOMS {
        let c = centre_tile(z);
        for dy in -1..=1i64 {
            for dx in -1..=1i64 {
                let (x, y) = (i64::from(c.x) + dx, i64::from(c.y) + dy);
                if let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) {
                    tiles.extend(Tile::new(z, x, y));
                }
            }
        }
    }
    tiles
}

fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn max(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::NAN, f64::max)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn load_1min(avg: &str) -> f64 {
    avg.split(' ')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

async fn connect(url: &str) -> Result<Client, Failure> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("bench_p4: connection error: {e}");
        }
    });
    Ok(client)
}

/// One PostGIS tile: its bytes (empty when no cell) and the wall time in µs.
async fn pg_tile(db: &Client, stmt: &Statement, tile: Tile) -> Result<(Vec<u8>, f64), Failure> {
    let (z, x, y) = (i32::from(tile.z), tile.x as i32, tile.y as i32);
    let t = Instant::now();
    let row = db.query_one(stmt, &[&z, &x, &y]).await?;
    let bytes: Option<Vec<u8>> = row.get(0);
    let us = t.elapsed().as_secs_f64() * 1e6;
    Ok((bytes.unwrap_or_default(), us))
}

/// Timings of one tile.
struct Samples {
    tile: Tile,
    incidents: u64,
    cells: usize,
    /// One per fresh build.
    cold_us: Vec<f64>,
    warm_us: Vec<f64>,
    /// Per PostGIS query: its first pass (the one checked cell by cell).
    pg_first_us: Vec<f64>,
    /// Per PostGIS query: its timed passes.
    pg_us: Vec<Vec<f64>>,
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url] = args.as_slice() else {
        return Err(fail(
            "usage: bench_p4 POSTGRES_URL (the database holds incidents from gridd import-incidents)",
        ));
    };
    let rounds: usize = std::env::var("BENCH_P4_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(3);
    let load_start = load_average();
    eprintln!("P4: load average at start {load_start}");

    // Our side, built the way `gridd serve` builds it at start (not timed for the verdict).
    let store = gridd::store::open(url).await?;
    let t = Instant::now();
    let stored = store
        .incidents(&IncidentQuery {
            everything: true,
            ..Default::default()
        })
        .await?;
    let read_s = t.elapsed().as_secs_f64();
    let n = stored.len();
    let tiles = bench_tiles();
    let mut samples: Vec<Samples> = tiles
        .iter()
        .map(|&tile| Samples {
            tile,
            incidents: 0,
            cells: 0,
            cold_us: Vec::new(),
            warm_us: Vec::new(),
            pg_first_us: Vec::new(),
            pg_us: Vec::new(),
        })
        .collect();

    // Cold: the first time each tile is made after a build. One pass is one sample per tile,
    // which a single preemption on a shared machine can spoil, so the index is built
    // COLD_BUILDS times afresh, each followed by one cold pass, and each tile's median counts.
    let heat = RwLock::new(Heat::default());
    let mut build_s = Vec::new();
    for build in 1..=COLD_BUILDS {
        let t = Instant::now();
        *heat.write().unwrap_or_else(|p| p.into_inner()) = Heat::from_stored(&stored);
        build_s.push(t.elapsed().as_secs_f64());
        for s in samples.iter_mut() {
            let t = Instant::now();
            let res = density_response(&heat, s.tile)?;
            std::hint::black_box(&res);
            drop(res);
            s.cold_us.push(t.elapsed().as_secs_f64() * 1e6);
        }
        eprintln!(
            "P4: build {build}/{COLD_BUILDS} in {:.3} s, then the cold pass, ms per tile: {}",
            build_s[build - 1],
            samples
                .iter()
                .map(|s| format!(
                    "{}/{}/{} {:.3}",
                    s.tile.z,
                    s.tile.x,
                    s.tile.y,
                    s.cold_us[build - 1] / 1e3
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let build_s = median(&build_s);
    // Freeing a million rows leaves glibc's allocator millions of small free chunks, which
    // it merges at the next large allocation (80-200 ms here). `gridd serve` frees the same
    // rows at start, so whatever allocates next after a start pays it once, not a tile in
    // particular; here it is paid after the cold passes and timed apart.
    let t = Instant::now();
    drop(stored);
    std::hint::black_box(vec![1u8; 1 << 16]);
    let settle_s = t.elapsed().as_secs_f64();
    eprintln!(
        "P4: {n} incidents read from the store in {read_s:.2} s; heat index built in {build_s:.3} s (median); \
         rows freed and the allocator settled in {:.1} ms (none of these is counted)",
        settle_s * 1e3
    );

    let filter = Filter::default();
    for s in samples.iter_mut() {
        let binned = read(&heat).bin(s.tile, BINS, &filter);
        s.incidents = binned.cells.iter().map(|c| u64::from(c.2)).sum();
        s.cells = binned.cells.len();
    }

    // PostGIS: statistics, both statements, their plans, and a first pass (reported apart).
    let db = connect(url).await?;
    let pg_n: i64 = db
        .query_one("SELECT count(*) FROM incidents", &[])
        .await?
        .get(0);
    if pg_n as usize != n {
        return Err(fail(format!(
            "the store gave {n} incidents but the incidents table holds {pg_n}"
        )));
    }
    db.batch_execute("ANALYZE incidents").await?;
    let settings: String = db
        .query_one(
            "SELECT 'PostGIS ' || postgis_lib_version() || ', work_mem ' || current_setting('work_mem') \
             || ', shared_buffers ' || current_setting('shared_buffers') \
             || ', max_parallel_workers_per_gather ' || current_setting('max_parallel_workers_per_gather')",
            &[],
        )
        .await?
        .get(0);
    eprintln!("P4: {settings}; {pg_n} rows in incidents (ANALYZE run, not counted)");
    let queries = [("snap", snap_query()), ("cells", cells_query())];
    let mut statements = Vec::new();
    for (name, sql) in &queries {
        statements.push(db.prepare(sql).await?);
        let centre = centre_tile(ZOOMS[0]);
        let literal = sql
            .replace("$1", &centre.z.to_string())
            .replace("$2", &centre.x.to_string())
            .replace("$3", &centre.y.to_string());
        let plan = db
            .query(&format!("EXPLAIN (COSTS OFF) {literal}"), &[])
            .await?;
        eprintln!(
            "P4: PostGIS plan of `{name}` for tile {}/{}/{}:",
            centre.z, centre.x, centre.y
        );
        for row in plan {
            eprintln!("      {}", row.get::<_, String>(0));
        }
    }

    let mut mismatch_cells = 0usize;
    let mut mismatch_tiles = 0usize;
    for s in samples.iter_mut() {
        let ours = decode_cells(&density_mvt(&read(&heat).bin(s.tile, BINS, &filter))?)
            .map_err(|e| fail(format!("our tile {:?}: {e}", s.tile)))?;
        for ((name, _), stmt) in queries.iter().zip(&statements) {
            let (bytes, us) = pg_tile(&db, stmt, s.tile).await?;
            s.pg_first_us.push(us);
            s.pg_us.push(Vec::new());
            let theirs = decode_cells(&bytes).map_err(|e| {
                fail(format!(
                    "PostGIS `{name}` tile {}/{}/{}: {e}",
                    s.tile.z, s.tile.x, s.tile.y
                ))
            })?;
            let diff = differences(&ours, &theirs);
            if !diff.is_empty() {
                mismatch_tiles += 1;
                mismatch_cells += diff.len();
                eprintln!(
                    "P4: tile {}/{}/{} `{name}`: {} cells differ (column, row, ours, PostGIS): {:?}",
                    s.tile.z,
                    s.tile.x,
                    s.tile.y,
                    diff.len(),
                    &diff[..diff.len().min(10)]
                );
            }
        }
    }
    eprintln!(
        "P4: {} tiles x {} PostGIS queries decoded and compared with ours cell by cell: {mismatch_cells} cells differ in {mismatch_tiles} tile-queries",
        samples.len(),
        queries.len()
    );

    // Warm: rounds of our passes then one pass of each PostGIS query.
    for round in 1..=rounds {
        let t = Instant::now();
        for _ in 0..OUR_PASSES {
            for s in samples.iter_mut() {
                let t = Instant::now();
                let res = density_response(&heat, s.tile)?;
                std::hint::black_box(&res);
                drop(res);
                s.warm_us.push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
        let ours_s = t.elapsed().as_secs_f64();
        let mut pg_s = Vec::new();
        for (q, stmt) in statements.iter().enumerate() {
            let t = Instant::now();
            for s in samples.iter_mut() {
                let (bytes, us) = pg_tile(&db, stmt, s.tile).await?;
                std::hint::black_box(&bytes);
                s.pg_us[q].push(us);
            }
            pg_s.push(t.elapsed().as_secs_f64());
        }
        eprintln!(
            "P4: round {round}/{rounds}: ours {OUR_PASSES} passes {:.1} ms; PostGIS one pass {} (load average {})",
            ours_s * 1e3,
            queries
                .iter()
                .zip(&pg_s)
                .map(|((name, _), s)| format!("`{name}` {s:.2} s"))
                .collect::<Vec<_>>()
                .join(", "),
            load_average()
        );
    }

    // Figures: per zoom, overall; the faster PostGIS query counts.
    let all = |f: &dyn Fn(&Samples) -> Vec<f64>, z: Option<u8>| -> Vec<f64> {
        samples
            .iter()
            .filter(|s| z.is_none_or(|z| s.tile.z == z))
            .flat_map(f)
            .collect()
    };
    let pg_p50: Vec<f64> = (0..queries.len())
        .map(|q| median(&all(&|s| s.pg_us[q].clone(), None)))
        .collect();
    let best = (0..queries.len())
        .min_by(|a, b| pg_p50[*a].total_cmp(&pg_p50[*b]))
        .unwrap_or(0);
    let mut bench: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: f64| bench.push((k.to_string(), format!("{v}")));
    eprintln!(
        "P4: {:>4} {:>5} {:>9} {:>6} | {:>19} | {:>10} | {:>10} {:>10} | {:>8}",
        "zoom",
        "tiles",
        "incidents",
        "cells",
        "ours cold p50/max",
        "ours warm",
        "PG snap",
        "PG cells",
        "ratio"
    );
    for z in ZOOMS.iter().copied().map(Some).chain([None]) {
        let of_zoom: Vec<&Samples> = samples
            .iter()
            .filter(|s| z.is_none_or(|z| s.tile.z == z))
            .collect();
        let incidents: u64 = of_zoom.iter().map(|s| s.incidents).sum();
        let cells: usize = of_zoom.iter().map(|s| s.cells).sum();
        let cold = all(&|s| vec![median(&s.cold_us)], z);
        let warm = median(&all(&|s| s.warm_us.clone(), z));
        let pg: Vec<f64> = (0..queries.len())
            .map(|q| median(&all(&|s| s.pg_us[q].clone(), z)))
            .collect();
        let first = median(&all(&|s| vec![s.pg_first_us[best]], z));
        let prefix = match z {
            Some(z) => format!("p4_z{z}"),
            None => "p4".to_string(),
        };
        put(&format!("{prefix}_tiles"), of_zoom.len() as f64);
        put(&format!("{prefix}_incidents"), incidents as f64);
        put(&format!("{prefix}_cells"), cells as f64);
        put(&format!("{prefix}_cold_p50_us"), median(&cold));
        put(&format!("{prefix}_cold_max_us"), max(&cold));
        put(&format!("{prefix}_warm_p50_us"), warm);
        put(&format!("{prefix}_pg_p50_us"), pg[best]);
        put(&format!("{prefix}_pg_first_p50_us"), first);
        put(&format!("{prefix}_ratio"), pg[best] / warm);
        eprintln!(
            "P4: {:>4} {:>5} {incidents:>9} {cells:>6} | {:>8.3}/{:>7.3} ms | {:>7.3} ms | {:>7.1} ms {:>7.1} ms | {:>7.0}x",
            z.map_or("all".to_string(), |z| z.to_string()),
            of_zoom.len(),
            median(&cold) / 1e3,
            max(&cold) / 1e3,
            warm / 1e3,
            pg[0] / 1e3,
            pg[1] / 1e3,
            pg[best] / warm
        );
    }
    for s in &samples {
        eprintln!(
            "P4: tile {:>2}/{:>5}/{:>5}: {:>7} incidents {:>4} cells; ours cold {:>7.3} ms warm {:>7.3} ms; PostGIS {:>8.1} ms",
            s.tile.z,
            s.tile.x,
            s.tile.y,
            s.incidents,
            s.cells,
            median(&s.cold_us) / 1e3,
            median(&s.warm_us) / 1e3,
            median(&s.pg_us[best]) / 1e3
        );
    }
    // The whole set once: the sum over tiles of each tile's median.
    let ours_set: f64 = samples.iter().map(|s| median(&s.warm_us)).sum();
    let pg_set: f64 = samples.iter().map(|s| median(&s.pg_us[best])).sum();
    let worst_warm = samples
        .iter()
        .map(|s| (median(&s.warm_us), s.tile))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((us, t)) = worst_warm {
        eprintln!(
            "P4: slowest tile warm (ours): {}/{}/{} {:.3} ms",
            t.z,
            t.x,
            t.y,
            us / 1e3
        );
        put("p4_warm_worst_us", us);
    }
    eprintln!(
        "P4: whole set of {} tiles once (sum of per-tile medians): ours {:.2} ms, PostGIS `{}` {:.0} ms = {:.0}x",
        samples.len(),
        ours_set / 1e3,
        queries[best].0,
        pg_set / 1e3,
        pg_set / ours_set
    );
    let load_end = load_average();
    eprintln!("P4: load average at end {load_end}");
    put("p4_set_ours_us", ours_set);
    put("p4_set_pg_us", pg_set);
    put("p4_set_ratio", pg_set / ours_set);
    put("p4_pg_snap_p50_us", pg_p50[0]);
    put("p4_pg_cells_p50_us", pg_p50[1]);
    put("p4_mismatch_cells", mismatch_cells as f64);
    put("p4_mismatch_tiles", mismatch_tiles as f64);
    put("p4_rounds", rounds as f64);
    put("p4_our_passes", OUR_PASSES as f64);
    put("p4_cold_builds", COLD_BUILDS as f64);
    put("p4_store_incidents", n as f64);
    put("p4_read_s", read_s);
    put("p4_build_s", build_s);
    put("p4_settle_s", settle_s);
    put("p4_load_start", load_1min(&load_start));
    put("p4_load_end", load_1min(&load_end));
    bench.push(("p4_pg_query".into(), queries[best].0.into()));
    for (k, v) in bench {
        println!("BENCH {k} {v}");
    }
    Ok(())
}
