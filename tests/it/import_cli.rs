//! `gridd import` as a user runs it: a defective city exits non-zero with the problem on
//! stderr and writes nothing, so the corrected city then imports into the same database.

use crate::common::process::gridd;
use std::path::{Path, PathBuf};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(p)
}

#[test]
fn a_city_with_a_gap_exits_non_zero_names_the_gap_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("city");
    std::fs::create_dir(&city).unwrap();
    for f in ["grids.geojson", "compounds.geojson", "buildings.geojson"] {
        std::fs::copy(repo("data/fixture").join(f), city.join(f)).unwrap();
    }
    std::fs::copy(
        repo("tests/fixtures/defects/gap/grids.geojson"),
        city.join("grids.geojson"),
    )
    .unwrap();
    let db = format!("sqlite:{}", dir.path().join("g.db").display());

    let out = gridd(&["import", "--db", &db, city.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(
        stderr.contains("error gap: grids.geojson: 610581001001:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("import: reading"),
        "progress is shown: {stderr}"
    );

    // Nothing was written: the fixed city imports cleanly into the same database.
    let fixed = gridd(&[
        "import",
        "--db",
        &db,
        repo("data/fixture").to_str().unwrap(),
    ]);
    assert!(
        fixed.status.success(),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    let stdout = String::from_utf8_lossy(&fixed.stdout);
    assert!(stdout.contains("imported 7 grids"), "{stdout}");
}

#[test]
fn importing_a_path_that_does_not_exist_says_there_is_no_such_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    let out = gridd(&["import", "--db", &db, "/nonexistent/city"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read /nonexistent/city: no such file or directory"),
        "{stderr}"
    );
}
