//! Shared test setup: fresh stores of both kinds and the checked-in fixture city.
//!
//! PostGIS tests need `GRIDD_TEST_PG` (set by `make test`, which starts a throwaway
//! cluster). When it is set, every PostGIS test runs and must pass (an unreachable cluster
//! fails them); when it is not set, they are reported as ignored with that reason.
#![allow(dead_code)]

use gridd::store::{self, Dataset, Store};

pub mod process;

/// Declares each listed async test twice, as `sqlite::NAME` on a fresh embedded store and
/// `postgis::NAME` on a fresh PostGIS database. Each test takes what `setup` makes of the
/// store (by default the store itself): `both_stores!(setup = fixture_router; a, b)`.
/// PostGIS tests are ignored, with the reason shown, when `GRIDD_TEST_PG` is not set.
macro_rules! both_stores {
    (setup = $setup:path; $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (store, _dir) = crate::common::sqlite_store().await;
                super::$name($setup(store).await).await;
            })+
        }
        mod postgis {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
            async fn $name() {
                let store = crate::common::postgis_store().await;
                super::$name($setup(store).await).await;
            })+
        }
    };
    ($($name:ident),+ $(,)?) => {
        both_stores!(setup = crate::common::as_is; $($name),+);
    };
}

/// The store as it is (the default `setup` of [`both_stores!`]).
pub async fn as_is(store: Arc<dyn Store>) -> Arc<dyn Store> {
    store
}

/// The store with the fixture city imported.
pub async fn with_fixture(store: Arc<dyn Store>) -> Arc<dyn Store> {
    store.import(&fixture()).await.expect("fixture imports");
    store
}

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
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

/// The admin URL of the throwaway cluster. PostGIS tests are ignored without one (see
/// `build.rs`), so reaching here without it is a mistake in the test.
pub fn pg_admin_url() -> String {
    match std::env::var("GRIDD_TEST_PG") {
        Ok(u) if !u.is_empty() => u,
        _ => panic!("a PostGIS test ran without GRIDD_TEST_PG; it should have been ignored"),
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
pub async fn pg_fresh_database() -> String {
    let admin = pg_admin_url();
    let name = format!(
        "gridd_t_{}_{}",
        std::process::id(),
        DB_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    admin_sql(&admin, &format!("CREATE DATABASE {name}")).await;
    with_database(&admin, &name)
}

/// A new PostGIS store in its own database (fails the test when the cluster is unreachable).
pub async fn postgis_store() -> Arc<dyn Store> {
    let url = pg_fresh_database().await;
    store::open(&url).await.expect("postgis store opens")
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

/// Every request without credentials of its own carries `Authorization: Bearer token`.
pub fn with_bearer(router: axum::Router, token: String) -> axum::Router {
    use axum::http::{header, HeaderValue};
    let value = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    router.layer(tower::util::MapRequestLayer::new(
        move |mut req: axum::http::Request<axum::body::Body>| {
            let h = req.headers_mut();
            if !h.contains_key(header::AUTHORIZATION) && !h.contains_key(header::COOKIE) {
                h.insert(header::AUTHORIZATION, value.clone());
            }
            req
        },
    ))
}

/// A machine token of `role` over `scope` on the app's store; the token.
pub async fn token(state: &gridd::app::App, role: &str, scope: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("test-{role}-{}", N.fetch_add(1, Ordering::Relaxed));
    gridd::app::accounts::create_token(&*state.store, "test", &name, role, scope)
        .await
        .expect("a test token is made")
        .0
}

/// The API as an admin sees it (every request carries an admin token unless it brings its
/// own credentials): for the tests of what the API does, not of who may call it.
pub async fn admin_app(state: gridd::app::App, options: &gridd::http::HttpOptions) -> axum::Router {
    let token = token(&state, "admin", "*").await;
    with_bearer(gridd::http::app(state, options), token)
}

/// Every file of a directory, by name, with its bytes (to compare two exports).
pub fn dir_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Sends one request; the status, the media type and the body as text.
pub async fn call_text(
    router: &axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, String, String) {
    use tower::ServiceExt;
    let res = router
        .clone()
        .oneshot(req)
        .await
        .expect("the router answers");
    let status = res.status();
    let media = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .expect("the body is readable")
        .to_bytes();
    (status, media, String::from_utf8_lossy(&bytes).into_owned())
}
