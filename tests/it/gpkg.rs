//! GeoPackage out and in: the fixture city written as a GeoPackage reads back as the same
//! city; GDAL reads what `gridd export --format gpkg` writes and `gridd import` takes what
//! `ogr2ogr` writes from our GeoJSON; a file that is no GeoPackage, one without
//! `gpkg_contents`, a table in another SRS and an invalid feature are refused naming the file
//! (and table), with nothing written, on both stores.

use crate::common;
use crate::common::process::{gridd, have_tool};

use gridd::import::ImportError;
use gridd::store::Store;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

#[test]
fn the_city_written_as_a_geopackage_reads_back_as_the_same_city() {
    let dir = tempfile::tempdir().unwrap();
    let city = common::fixture();
    let path = dir.path().join("city.gpkg");
    gridd::gpkg::write(&gridd::export::layers(&city), &path).unwrap();
    let back = gridd::import::read_path(&path).unwrap();
    gridd::export::write_dir(&city, &dir.path().join("a")).unwrap();
    gridd::export::write_dir(&back, &dir.path().join("b")).unwrap();
    assert_eq!(
        crate::common::dir_files(&dir.path().join("a")),
        crate::common::dir_files(&dir.path().join("b"))
    );
    assert_eq!(back.summary(), city.summary());
}

#[test]
fn gdal_reads_our_geopackage_and_we_import_the_geopackage_gdal_writes() {
    if !have_tool("ogr2ogr") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).display().to_string();
    let db = format!("sqlite:{}", d("a.db"));
    let fixture = common::fixture_dir().display().to_string();
    assert!(gridd(&["import", "--db", &db, &fixture]).status.success());
    let out = gridd(&["export", "--db", &db, "--format", "gpkg", &d("ours.gpkg")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // GDAL opens it without a warning and counts what we wrote.
    let info = Command::new("ogrinfo")
        .args(["-so", "-al", &d("ours.gpkg")])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    let warnings = String::from_utf8_lossy(&info.stderr);
    assert!(
        info.status.success() && warnings.trim().is_empty(),
        "{warnings}"
    );
    for (layer, count) in [
        ("grids_level_1", 1),
        ("grids_level_2", 2),
        ("grids_level_3", 4),
        ("buildings", 12),
    ] {
        let at = text
            .find(&format!("Layer name: {layer}\n"))
            .unwrap_or_else(|| panic!("{layer}: {text}"));
        assert!(
            text[at..].contains(&format!("Feature Count: {count}\n")),
            "{layer} should hold {count}: {}",
            &text[at..at + 300]
        );
    }

    // ogr2ogr makes a GeoPackage of our GeoJSON files; we import it and export the same files.
    let files_dir = d("files");
    assert!(gridd(&["export", "--db", &db, "--out", &files_dir])
        .status
        .success());
    let theirs = d("theirs.gpkg");
    for name in [
        "grids",
        "service_centres",
        "compounds",
        "buildings",
        "roads",
    ] {
        let src = format!("{files_dir}/{name}.geojson");
        if !Path::new(&src).exists() {
            continue;
        }
        let mut cmd = Command::new("ogr2ogr");
        cmd.args(["-f", "GPKG"]);
        if Path::new(&theirs).exists() {
            cmd.arg("-update");
        }
        let o = cmd.args([&theirs, &src, "-nln", name]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let csv = format!("{files_dir}/officers.csv");
    let o = Command::new("ogr2ogr")
        .args(["-f", "GPKG", "-update", &theirs, &csv, "-nln", "officers"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let db2 = format!("sqlite:{}", d("b.db"));
    let o = gridd(&["import", "--db", &db2, &theirs]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = d("again");
    assert!(gridd(&["export", "--db", &db2, "--out", &again])
        .status
        .success());
    assert_eq!(
        crate::common::dir_files(Path::new(&files_dir)),
        crate::common::dir_files(Path::new(&again))
    );
}

both_stores!(a_file_that_is_no_geopackage_or_a_bad_one_is_refused_naming_it_and_nothing_is_written,);

async fn import(store: &Arc<dyn Store>, path: &Path) -> Result<(), ImportError> {
    gridd::import::load(&**store, path, &Default::default(), &mut |_| {})
        .await
        .map(|_| ())
}

async fn a_file_that_is_no_geopackage_or_a_bad_one_is_refused_naming_it_and_nothing_is_written(
    store: Arc<dyn Store>,
) {
    let dir = tempfile::tempdir().unwrap();
    let refused = |e: ImportError, path: &Path, says: &str| {
        let m = e.to_string();
        assert!(
            m.contains(&path.display().to_string()),
            "names the file: {m}"
        );
        assert!(m.contains(says), "says {says:?}: {m}");
    };
    // Text, not a database.
    let text = dir.path().join("notes.gpkg");
    std::fs::write(&text, "grid 1: 310 households\n".repeat(100)).unwrap();
    refused(
        import(&store, &text).await.unwrap_err(),
        &text,
        "not a GeoPackage",
    );
    // An SQLite database without the GeoPackage's tables.
    let bare = dir.path().join("bare.gpkg");
    rusqlite::Connection::open(&bare)
        .unwrap()
        .execute_batch("CREATE TABLE grids (code TEXT);")
        .unwrap();
    refused(
        import(&store, &bare).await.unwrap_err(),
        &bare,
        "gpkg_contents",
    );
    // A table in Web Mercator metres.
    let city = common::fixture();
    let mercator = dir.path().join("mercator.gpkg");
    gridd::gpkg::write(&gridd::export::layers(&city), &mercator).unwrap();
    rusqlite::Connection::open(&mercator)
        .unwrap()
        .execute_batch(
            "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', 3857, 'undefined', NULL);
             UPDATE gpkg_contents SET srs_id = 3857 WHERE table_name = 'buildings';",
        )
        .unwrap();
    refused(
        import(&store, &mercator).await.unwrap_err(),
        &mercator,
        "declares \"EPSG:3857\": unknown coordinate system",
    );
    // A grid drawn as a bow tie: the importer's own check, naming the file and tables.
    let mut broken = city.clone();
    let g = broken
        .grids
        .iter_mut()
        .find(|g| g.code.as_str() == "610581001001001")
        .unwrap();
    let bow_tie = geo::LineString::from(vec![
        (110.43, 35.475),
        (110.44, 35.48),
        (110.44, 35.475),
        (110.43, 35.48),
        (110.43, 35.475),
    ]);
    g.geometry = geo::MultiPolygon::new(vec![geo::Polygon::new(bow_tie, vec![])]);
    let bad = dir.path().join("broken.gpkg");
    gridd::gpkg::write(&gridd::export::layers(&broken), &bad).unwrap();
    let e = import(&store, &bad).await.unwrap_err().to_string();
    assert!(
        e.contains("broken.gpkg (grids_level_1, grids_level_2, grids_level_3)"),
        "{e}"
    );
    assert!(e.contains("610581001001001"), "{e}");
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.buildings, 0, "nothing was written");
    assert!(counts.grids_by_level == [0, 0, 0], "nothing was written");
}
