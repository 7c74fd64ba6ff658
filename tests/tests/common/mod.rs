//! Shared test setup: fresh stores of both kinds and the checked-in fixture city.
//!
//! PostGIS tests need `GRIDD_TEST_PG` (set by `make test`, which starts a throwaway
//! cluster). When it is set, every PostGIS test runs and must pass; when it is not set, they
//! print that they were skipped.
#![allow(dead_code)]

use gridd::store::{self, Dataset, Store};

/// Declares each listed `async fn(Arc<dyn Store>)` test twice, as `sqlite::NAME` on a fresh
/// embedded store and `postgis::NAME` on a fresh PostGIS database (`#[macro_use] mod common;`).
#[allow(unused_macros)]
macro_rules! store_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (store, _dir) = super::common::sqlite_store().await;
                super::$name(store).await;
            })+
        }
        mod postgis {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(store) = super::common::postgis_store().await {
                    super::$name(store).await;
                }
            })+
        }
    };
}
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/fixture")
}

pub fn fixture() -> Dataset {
    gridd::import::read_dir(&fixture_dir()).expect("the fixture city reads")
}

/// A new SQLite store in its own temporary directory (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("gridd.db").display());
    (store::open(&url).await.expect("sqlite store opens"), dir)
}

static DB_COUNTER: AtomicU32 = AtomicU32::new(0);

/// The admin URL of the throwaway cluster, if the test run has one.
pub fn pg_admin_url() -> Option<String> {
    match std::env::var("GRIDD_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            eprintln!("GRIDD_TEST_PG is not set: PostGIS test skipped (make test sets it)");
            None
        }
    }
}

/// Replaces the database name at the end of a postgres URL.
pub fn with_database(url: &str, db: &str) -> String {
    let base = url.rsplit_once('/').map_or(url, |(b, _)| b);
    format!("{base}/{db}")
}

/// Runs SQL on the cluster's admin database.
pub async fn admin_sql(url: &str, sql: &str) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect to the test cluster");
    tokio::spawn(conn);
    client.batch_execute(sql).await.expect("admin SQL runs");
}

/// A new, empty database on the test cluster; returns its URL.
pub async fn pg_fresh_database() -> Option<String> {
    let admin = pg_admin_url()?;
    let name = format!(
        "gridd_t_{}_{}",
        std::process::id(),
        DB_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    admin_sql(&admin, &format!("CREATE DATABASE {name}")).await;
    Some(with_database(&admin, &name))
}

/// A new PostGIS store in its own database, or `None` when no cluster was given.
pub async fn postgis_store() -> Option<Arc<dyn Store>> {
    let url = pg_fresh_database().await?;
    Some(store::open(&url).await.expect("postgis store opens"))
}

/// Sends one request through a router; the answer's status and JSON body (or its text).
pub async fn call(
    router: axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = router.oneshot(req).await.expect("the router answers");
    let status = res.status();
    let bytes = res
        .into_body()
        .collect()
        .await
        .expect("the body is readable")
        .to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, body)
}

/// A grid code known to be valid.
pub fn code(s: &str) -> gridd::domain::GridCode {
    gridd::domain::GridCode::parse(s).unwrap()
}

/// 2026-01-01T00:00:00Z in Unix milliseconds: the time store tests count from.
pub const T0: i64 = 1_767_225_600_000;

/// A Unix-millisecond time.
pub fn at(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap()
}

/// A store with the fixture city imported; the city as imported.
pub async fn loaded(store: &Arc<dyn Store>) -> Dataset {
    let data = fixture();
    store.import(&data).await.expect("fixture imports");
    data
}
