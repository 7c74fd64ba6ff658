//! Declares `cfg(gridd_pg)` when `GRIDD_TEST_PG` names a PostgreSQL cluster for the tests, so
//! PostGIS tests are reported as ignored (visibly, with the reason) without one, and run —
//! and fail if the cluster cannot be reached — with one.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(gridd_pg)");
    println!("cargo::rerun-if-env-changed=GRIDD_TEST_PG");
    if std::env::var("GRIDD_TEST_PG").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=gridd_pg");
    }
}
