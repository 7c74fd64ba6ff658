//! The `gridd` binary as `make demo` runs it: `serve --load-if-empty` on an empty embedded
//! store loads the fixture, answers `/api/health`, and stops cleanly on SIGTERM.

use crate::common::process::{first_admin, free_port, serve, wait_for_health};
use std::process::{Child, Command};

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn serve_loads_the_fixture_into_an_empty_store_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("demo.db").display());
    first_admin(&db);
    let port = free_port();
    let mut child = serve(&db, port);
    let resp = wait_for_health(&mut child, port);
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains(r#""grids":{"1":1,"2":2,"3":4}"#), "{resp}");
    assert!(resp.contains(r#""store":"sqlite""#), "{resp}");
    sigterm(&child);
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");

    // A second start finds grids already there and does not import again (no duplicate error).
    let port = free_port();
    let mut child = serve(&db, port);
    let resp = wait_for_health(&mut child, port);
    assert!(resp.contains(r#""buildings":12"#), "{resp}");
    sigterm(&child);
    assert!(child.wait().unwrap().success());
}

#[test]
fn import_of_a_broken_file_exits_non_zero_and_names_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("grids.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"610581001","name":"x"},
            "geometry":{"type":"Polygon","coordinates":[[[110.1,35.1],[110.2,35.1],[110.2,35.2],[110.1,35.2]]]}}]}"#,
    )
    .unwrap();
    let db = format!("sqlite:{}", dir.path().join("x.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_gridd"))
        .args(["import", "--db", &db])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "grids.geojson: feature 0 (610581001): geometry: polygon 0 ring 0 is not closed"
        ),
        "{err}"
    );
    assert!(err.contains("(110.1, 35.1)"), "{err}");
}

#[test]
fn serve_on_a_store_without_accounts_refuses_and_says_how_to_make_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("empty.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_gridd"))
        .args(["serve", "--db", &db, "--bind", "127.0.0.1", "--port", "0"])
        .env("GRIDD_WEB", "/nonexistent")
        .output()
        .unwrap();
    assert!(!out.status.success(), "gridd serve must not start");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has no account")
            && err.contains("gridd user add --db")
            && err.contains("--role admin"),
        "{err}"
    );
}
