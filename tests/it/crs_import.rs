//! Cities in the coordinate systems Chinese data arrives in: CGCS2000 Gauss–Krüger zones
//! checked against PROJ's own `cs2cs`, files GDAL reprojected (GeoJSON `crs` member and
//! GeoPackage SRS) read back to the same WGS84 city, GCJ-02 with `--crs`, and files plainly
//! not in the system named refused with nothing written.

use crate::common;
use crate::common::process::{gridd, have_tool as have, run_ok};

use gridd::spatial::file_crs::FileCrs;
use std::path::Path;
use std::process::{Command, Stdio};

/// Points across China, one per tested zone: (longitude, latitude, EPSG code).
const SAMPLES: [(f64, f64, u16); 8] = [
    (110.4405, 35.4731, 4525), // 韩城, zone 37 with its number
    (110.4405, 35.4731, 4546), // the same, central-meridian form
    (75.9890, 39.4704, 4513),  // 喀什, zone 25
    (116.3975, 39.9087, 4527), // 北京, zone 39
    (121.4737, 31.2304, 4550), // 上海, CM 120°E
    (113.2644, 23.1291, 4547), // 广州, CM 114°E
    (126.6424, 45.7567, 4551), // 哈尔滨, CM 126°E
    (134.9, 48.2, 4554),       // 抚远 east, CM 135°E
];

/// PROJ's answer for `lng lat` in `EPSG:code`, as (easting, northing). cs2cs follows the EPSG
/// axis order: latitude first for EPSG:4490, northing first for the Gauss–Krüger systems.
fn cs2cs_forward(lng: f64, lat: f64, code: u16) -> (f64, f64) {
    let out = cs2cs(
        &["EPSG:4490", &format!("EPSG:{code}")],
        &format!("{lat} {lng}"),
    );
    (out[1], out[0])
}

fn cs2cs(systems: &[&str], input: &str) -> Vec<f64> {
    use std::io::Write;
    let mut child = Command::new("cs2cs")
        .args(["-f", "%.6f"])
        .args(systems)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{input}").unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect()
}

#[test]
fn gauss_kruger_zones_agree_with_proj_cs2cs_to_a_millimetre_both_ways() {
    if !have("cs2cs") {
        return;
    }
    for (lng, lat, code) in SAMPLES {
        let crs = FileCrs::GaussKruger(code);
        let (x, y) = crs.from_wgs84(lng, lat).unwrap();
        let (px, py) = cs2cs_forward(lng, lat, code);
        assert!(
            (x - px).abs() <= 1e-3 && (y - py).abs() <= 1e-3,
            "EPSG:{code} forward: ours ({x:.4}, {y:.4}), PROJ ({px:.4}, {py:.4})"
        );
        // Back from PROJ's easting/northing: within a millimetre on the ground.
        let (blng, blat) = crs.to_wgs84(px, py).unwrap();
        let back = cs2cs(
            &[&format!("EPSG:{code}"), "EPSG:4490"],
            &format!("{py} {px}"),
        );
        let (plat, plng) = (back[0], back[1]);
        let metres = gridd::spatial::measure::distance_m((blng, blat), (plng, plat));
        assert!(metres <= 1e-3, "EPSG:{code} inverse differs by {metres} m");
        assert!(gridd::spatial::measure::distance_m((blng, blat), (lng, lat)) <= 1e-3);
    }
}

/// The largest distance in metres between the grids, compounds and buildings of two readings.
fn largest_shift(a: &gridd::store::Dataset, b: &gridd::store::Dataset) -> f64 {
    use geo::CoordsIter;
    let coords = |d: &gridd::store::Dataset| -> Vec<(f64, f64)> {
        let mut d = d.clone();
        d.grids.sort_by(|a, b| a.code.cmp(&b.code));
        d.compounds.sort_by(|a, b| a.id.cmp(&b.id));
        d.buildings.sort_by(|a, b| a.id.cmp(&b.id));
        let mut all: Vec<(f64, f64)> = Vec::new();
        for g in &d.grids {
            all.extend(g.geometry.coords_iter().map(|c| (c.x, c.y)));
        }
        for c in &d.compounds {
            all.extend(c.geometry.coords_iter().map(|c| (c.x, c.y)));
        }
        for b in &d.buildings {
            all.extend(b.footprint.coords_iter().map(|c| (c.x, c.y)));
        }
        all
    };
    let (ca, cb) = (coords(a), coords(b));
    assert_eq!(ca.len(), cb.len(), "the same number of vertices");
    ca.iter()
        .zip(&cb)
        .map(|(p, q)| gridd::spatial::measure::distance_m(*p, *q))
        .fold(0.0, f64::max)
}

fn ogr2ogr(args: &[&str]) {
    run_ok(Command::new("ogr2ogr").args(args));
}

#[test]
fn a_city_gdal_reprojected_to_a_gauss_kruger_zone_reads_back_as_the_same_wgs84_city() {
    if !have("ogr2ogr") {
        return;
    }
    let original = common::fixture();
    let dir = tempfile::tempdir().unwrap();
    let gk = dir.path().join("gk");
    std::fs::create_dir(&gk).unwrap();
    for f in gridd::import::FILES {
        let src = common::fixture_dir().join(f);
        if f.ends_with(".geojson") {
            let to = gk.join(f);
            ogr2ogr(&[
                "-f",
                "GeoJSON",
                "-t_srs",
                "EPSG:4546",
                path(&to),
                path(&src),
            ]);
        } else {
            std::fs::copy(&src, gk.join(f)).unwrap();
        }
    }
    let text = std::fs::read_to_string(gk.join("grids.geojson")).unwrap();
    assert!(text.contains("EPSG::4546"), "GDAL declares the zone");
    let read = gridd::import::read_dir(&gk).expect("the file's own crs is followed");
    let shift = largest_shift(&original, &read);
    assert!(
        shift < 1e-3,
        "every vertex within a millimetre, got {shift} m"
    );
    assert_eq!(read.buildings[5].grid, original.buildings[5].grid);

    // The same city as one GeoPackage in that zone (GDAL's writing, our reading).
    let ours = dir.path().join("ours.gpkg");
    gridd::gpkg::write(&gridd::export::layers(&original), &ours).unwrap();
    let zoned = dir.path().join("zoned.gpkg");
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-t_srs",
        "EPSG:4546",
        path(&zoned),
        path(&ours),
    ]);
    let read = gridd::import::read_path(&zoned).expect("the GeoPackage's SRS is followed");
    let shift = largest_shift(&original, &read);
    assert!(
        shift < 1e-3,
        "GeoPackage: every vertex within a millimetre, got {shift} m"
    );
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The fixture's grids, compounds and buildings written with every position moved by `f`.
fn moved_city(dir: &Path, f: impl Fn(f64, f64) -> (f64, f64)) {
    for name in gridd::import::FILES {
        let src = common::fixture_dir().join(name);
        let text = std::fs::read_to_string(&src).unwrap();
        if !name.ends_with(".geojson") {
            std::fs::write(dir.join(name), text).unwrap();
            continue;
        }
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        fn walk(v: &mut serde_json::Value, f: &dyn Fn(f64, f64) -> (f64, f64)) {
            match v {
                serde_json::Value::Array(a)
                    if a.len() >= 2 && a.iter().all(serde_json::Value::is_number) =>
                {
                    let (x, y) = f(a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
                    a[0] = x.into();
                    a[1] = y.into();
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(|e| walk(e, f)),
                _ => {}
            }
        }
        for feat in v["features"].as_array_mut().unwrap() {
            walk(&mut feat["geometry"]["coordinates"], &f);
        }
        std::fs::write(dir.join(name), v.to_string()).unwrap();
    }
}

#[test]
fn a_gcj02_city_imported_with_crs_gcj02_lands_where_the_wgs84_city_is() {
    let dir = tempfile::tempdir().unwrap();
    moved_city(dir.path(), gridd::spatial::crs::wgs84_to_gcj02);
    let read = gridd::import::read_dir_in(dir.path(), Some(FileCrs::Gcj02)).unwrap();
    let shift = largest_shift(&common::fixture(), &read);
    assert!(shift < 0.02, "within 2 cm of the WGS84 city, got {shift} m");
    // Read as WGS84 it would be some hundreds of metres off.
    let raw = gridd::import::read_dir(dir.path()).unwrap();
    assert!(largest_shift(&common::fixture(), &raw) > 100.0);
}

#[test]
fn files_plainly_not_in_the_crs_given_are_refused_naming_file_feature_and_why_and_nothing_is_written(
) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("g.db").display());
    let city = dir.path().join("metres");
    std::fs::create_dir(&city).unwrap();
    // Gauss–Krüger metres, with no declaration, read as WGS84 degrees.
    moved_city(&city, |x, y| {
        FileCrs::GaussKruger(4546).from_wgs84(x, y).unwrap()
    });
    let out = gridd(&["import", "--db", &db, path(&city)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        err.contains("error bad_coordinate: grids.geojson: feature 0 (610581001): coordinates read as WGS84 (no crs given")
            && err.contains("metres read as degrees? (projected files need --crs EPSG:45xx)"),
        "{err}"
    );
    // The same files as GCJ-02: metres are no degrees either.
    let out = gridd(&["import", "--db", &db, "--crs", "gcj02", path(&city)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error bad_crs: grids.geojson: feature 0 (610581001): coordinates read as GCJ-02 (--crs)")
            && err.contains("metres read as degrees"),
        "{err}"
    );
    // WGS84 points in Paris read as GCJ-02.
    let paris = dir.path().join("paris");
    std::fs::create_dir(&paris).unwrap();
    moved_city(&paris, |x, y| (x - 108.09, y + 13.38));
    let out = gridd(&["import", "--db", &db, "--crs", "gcj02", path(&paris)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("outside China, where GCJ-02 is not used"),
        "{err}"
    );
    // An unknown system is refused before anything is read.
    let out = gridd(&["import", "--db", &db, "--crs", "EPSG:3857", path(&city)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unknown coordinate system \"EPSG:3857\""),
        "{err}"
    );
    // Nothing was written: the right reading of the same files imports in full.
    let out = gridd(&["import", "--db", &db, "--crs", "EPSG:4546", path(&city)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 7 grids"));
}

#[test]
fn a_city_exported_in_a_gauss_kruger_zone_or_gcj02_imports_back_to_the_same_city() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("a.db").display());
    let fixture = common::fixture_dir();
    assert!(gridd(&["import", "--db", &db, path(&fixture)])
        .status
        .success());
    for crs in ["EPSG:4525", "gcj02", "bd09"] {
        let out_dir = dir.path().join(crs.replace(':', "_"));
        let out = gridd(&["export", "--db", &db, "--crs", crs, "--out", path(&out_dir)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let grids = std::fs::read_to_string(out_dir.join("grids.geojson")).unwrap();
        assert!(
            grids.contains("\"crs\""),
            "{crs}: the files say their system"
        );
        let read = gridd::import::read_dir(&out_dir).expect("read by the crs the files declare");
        let shift = largest_shift(&common::fixture(), &read);
        assert!(shift < 0.02, "{crs}: back within 2 cm, got {shift} m");
    }
    // A GeoPackage in a zone: its SRS table says so (GDAL reads it), and it imports back.
    let zoned = dir.path().join("zoned.gpkg");
    let out = gridd(&[
        "export",
        "--db",
        &db,
        "--format",
        "gpkg",
        "--crs",
        "EPSG:4525",
        path(&zoned),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = gridd::import::read_path(&zoned).unwrap();
    let shift = largest_shift(&common::fixture(), &read);
    assert!(
        shift < 1e-3,
        "GeoPackage in EPSG:4525: back within 1 mm, got {shift} m"
    );
    if have("ogrinfo") {
        let info = Command::new("ogrinfo")
            .args(["-so", path(&zoned), "grids_level_3"])
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(
            info.contains("CGCS2000 / 3-degree Gauss-Kruger zone 37"),
            "{info}"
        );
        assert!(
            info.contains("37500000"),
            "GDAL reads the zone's false easting: {info}"
        );
    }
    // GCJ-02 has no EPSG code for a GeoPackage's SRS table: export says to write GeoJSON.
    let out = gridd(&[
        "export",
        "--db",
        &db,
        "--format",
        "gpkg",
        "--crs",
        "gcj02",
        path(&dir.path().join("x.gpkg")),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format geojson --crs gcj02"));
}
