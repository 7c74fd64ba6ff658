//! Hostile and careless clients through the router (the hostile-clients issue): an upload
//! that stops arriving holds nothing and is refused; a report whose client gave up waiting
//! is not stored; free text over its bound is refused, naming the field and the limit.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use gridd::app::App;
use gridd::http::HttpOptions;
use gridd::store::Store;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

both_stores!(
    setup = crate::common::with_fixture;
    an_upload_that_stops_arriving_is_refused_with_408_while_single_reports_are_answered,
    free_text_over_its_bound_is_refused_naming_the_field_and_the_limit_and_nothing_is_stored,
    every_api_and_tile_error_answers_the_json_error_shape_never_the_frontend_page,
    a_bulk_body_declaring_more_than_the_limit_is_refused_before_it_is_read,
    a_bulk_line_one_byte_over_the_line_limit_is_refused_even_inside_one_chunk,
    a_report_is_answered_with_the_report_time_that_was_stored,
    query_parameters_a_route_does_not_read_are_refused_and_reports_must_be_json,
);

async fn router(store: &Arc<dyn Store>, options: HttpOptions) -> Router {
    common::admin_app(App::load(Arc::clone(store)).await.unwrap(), &options).await
}

fn report() -> Request<Body> {
    let body = json!({"lng": 110.4319, "lat": 35.4765, "category": "e_environment",
                      "description": "井盖缺失"});
    Request::post("/api/incidents")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A body that sends one good line and then nothing, never ending.
fn stalled_body() -> Body {
    let first = r#"{"lng":110.4319,"lat":35.4765,"category":"e_environment"}"#.to_string() + "\n";
    let chunks = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) })
        .chain(futures_util::stream::pending());
    Body::from_stream(chunks)
}

use futures_util::StreamExt;

async fn an_upload_that_stops_arriving_is_refused_with_408_while_single_reports_are_answered(
    store: Arc<dyn Store>,
) {
    let options = HttpOptions {
        body_idle: Duration::from_secs(2),
        ..Default::default()
    };
    let r = router(&store, options).await;
    let upload = tokio::spawn(common::call(
        r.clone(),
        Request::post("/api/incidents/bulk")
            .body(stalled_body())
            .unwrap(),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    // While the upload hangs, reports are stored and answered: the writer is not held.
    for _ in 0..3 {
        let (status, v) = common::call(r.clone(), report()).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    assert!(
        !upload.is_finished(),
        "the upload is still waiting for its body"
    );
    let (status, v) = upload.await.unwrap();
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT, "{v}");
    assert_eq!(v["error"], "body_timeout");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("no byte for 2 s") && message.contains("nothing was stored"),
        "{message}"
    );
    assert_eq!(
        store.counts().await.unwrap().incidents,
        3,
        "only the single reports"
    );
}

#[tokio::test]
async fn a_report_whose_client_gave_up_while_the_store_was_locked_is_not_stored() {
    let (store, dir) = common::sqlite_store().await;
    let store = common::with_fixture(store).await;
    let r = router(&store, HttpOptions::default()).await;
    let (status, v) = common::call(r.clone(), report()).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    // Another process (a CLI import, a backup) holds the database's write lock.
    let other = rusqlite::Connection::open(dir.path().join("gridd.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let gave_up = tokio::time::timeout(
        Duration::from_millis(500),
        common::call(r.clone(), report()),
    )
    .await;
    assert!(
        gave_up.is_err(),
        "the report waits for the lock: {gave_up:?}"
    );
    other.execute_batch("COMMIT").unwrap();
    // The next report goes through the same writer after the abandoned one.
    let (status, v) = common::call(r.clone(), report()).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(
        store.counts().await.unwrap().incidents,
        2,
        "the abandoned report was not stored, so a retry makes no duplicate"
    );
}

async fn free_text_over_its_bound_is_refused_naming_the_field_and_the_limit_and_nothing_is_stored(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    let send = |method: &str, uri: &str, body: serde_json::Value| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let huge = "长".repeat(3_000_000); // 9 MB of UTF-8
    let long_name = "名".repeat(101);
    let cases = [
        (
            "POST",
            "/api/drafts",
            json!({"name": huge}),
            "field name: longer than 100 characters",
        ),
        (
            "POST",
            "/api/drafts",
            json!({"name": long_name}),
            "field name: longer than 100 characters",
        ),
        (
            "POST",
            "/api/session",
            json!({"login": "a".repeat(65), "password": "x"}),
            "field login: longer than 64 characters",
        ),
        (
            "POST",
            "/api/session",
            json!({"login": "admin", "password": "p".repeat(1025)}),
            "field password: longer than 1024 characters",
        ),
        (
            "PUT",
            "/api/calendar",
            json!({"days": [{"date": "2027-10-01", "kind": "holiday", "name": long_name}]}),
            "field days[0].name: longer than 100 characters",
        ),
    ];
    for (method, uri, body, want) in cases {
        let (status, v) = common::call(r.clone(), send(method, uri, body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}: {v}");
        assert_eq!(v["error"], "invalid_field", "{v}");
        assert_eq!(v["message"], want, "{method} {uri}");
    }
    assert!(
        store.drafts().await.unwrap().is_empty(),
        "no draft was made"
    );
    let (status, v) = common::call(
        r.clone(),
        send("POST", "/api/drafts", json!({"name": "名".repeat(100)})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a name of exactly 100 characters is taken: {v}"
    );
}

async fn every_api_and_tile_error_answers_the_json_error_shape_never_the_frontend_page(
    store: Arc<dyn Store>,
) {
    let web = tempfile::tempdir().unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>gridd</title>",
    )
    .unwrap();
    let r = router(
        &store,
        HttpOptions {
            web_dir: Some(web.path().to_path_buf()),
            ..Default::default()
        },
    )
    .await;
    let long = "a".repeat(300);
    let cases = [
        (
            "GET",
            "/api/".to_string(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            "/api".to_string(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            "/tiles/".to_string(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            "/tiles/foo/bar".to_string(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            format!("/api/{long}"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            "/api/drafts/abc".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/tiles/density/x/1/2".to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_tile",
        ),
        (
            "DELETE",
            "/api/health".to_string(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (method, uri, want, kind) in cases {
        let req = Request::builder()
            .method(method)
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let res = tower::ServiceExt::oneshot(r.clone(), req).await.unwrap();
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let allow = res
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{method} {uri}: not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(status, want, "{method} {uri}: {v}");
        assert_eq!(
            content_type.as_deref(),
            Some("application/json"),
            "{method} {uri}"
        );
        assert_eq!(v["error"], kind, "{method} {uri}: {v}");
        assert!(!v["message"].as_str().unwrap().is_empty(), "{v}");
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert_eq!(allow.as_deref(), Some("GET"), "{v}");
        }
    }
    // The frontend still answers its own paths.
    let req = Request::get("/planner").body(Body::empty()).unwrap();
    let res = tower::ServiceExt::oneshot(r.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// Incident intake racing a publish.
mod publish {
    use super::*;

    both_stores!(
        setup = crate::common::as_is;
        a_report_located_before_a_publish_and_stored_after_it_counts_under_the_grids_in_force,
        a_version_may_start_neither_before_the_one_in_force_nor_in_the_future,
    );

    /// Incidents over every grid of a level, in the grids in force.
    async fn total(r: &Router, level: u8) -> u64 {
        let (_, rows) = crate::drafts_api::get(r, &format!("/api/stats/grids?level={level}")).await;
        rows["grids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["incidents"].as_u64().unwrap())
            .sum()
    }

    async fn a_report_located_before_a_publish_and_stored_after_it_counts_under_the_grids_in_force(
        store: Arc<dyn Store>,
    ) {
        let city = gridd::generate::generate(42, |_| {}).unwrap();
        store.import(&city.data).await.unwrap();
        let app = App::load(Arc::clone(&store)).await.unwrap();
        let r = common::admin_app(app.clone(), &HttpOptions::default()).await;
        let (code, point) = crate::drafts_api::oversized(&r).await;
        // The report is located with the engine in force when it arrives...
        let body = json!({"lng": point[0], "lat": point[1], "category": "e_environment"});
        let located = gridd::intake::RawReport::from_json(&body)
            .and_then(|raw| raw.into_incident(&app.engine(), chrono::Utc::now()))
            .unwrap();
        assert_eq!(located.grids.level3.as_ref().unwrap().as_str(), code);
        // ...a publish splits its grid and refiles every incident held...
        let (_, draft) = crate::drafts_api::post(&r, "/api/drafts", json!({})).await;
        let id = draft["id"].as_i64().unwrap();
        let split = format!("/api/drafts/{id}/split");
        let (s, _) = crate::drafts_api::post(&r, &split, json!({ "code": code })).await;
        assert_eq!(s, StatusCode::OK);
        let publish = format!("/api/drafts/{id}/publish");
        let (s, v) = crate::drafts_api::post(&r, &publish, json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // ...and only then is it stored and added to the counts.
        app.report(located).await.unwrap();
        let (l1, l2, l3) = (total(&r, 1).await, total(&r, 2).await, total(&r, 3).await);
        assert_eq!(
            (l1, l2, l3),
            (1, 1, 1),
            "the report counts once at every level"
        );
    }

    async fn a_version_may_start_neither_before_the_one_in_force_nor_in_the_future(
        store: Arc<dyn Store>,
    ) {
        let city = gridd::generate::generate(42, |_| {}).unwrap();
        store.import(&city.data).await.unwrap();
        let app = App::load(Arc::clone(&store)).await.unwrap();
        let r = common::admin_app(app, &HttpOptions::default()).await;
        let (code, _) = crate::drafts_api::oversized(&r).await;
        let (_, draft) = crate::drafts_api::post(&r, "/api/drafts", json!({})).await;
        let id = draft["id"].as_i64().unwrap();
        let split = format!("/api/drafts/{id}/split");
        crate::drafts_api::post(&r, &split, json!({ "code": code })).await;
        let publish = format!("/api/drafts/{id}/publish");
        for (valid_from, want) in [
            ("1900-01-01", "field valid_from: 1900-01-01T00:00:00+00:00 is before version 1, in force since"),
            ("2030-01-01", "field valid_from: 2030-01-01T00:00:00+00:00 is in the future; a version takes effect when it is published"),
            ("soon", "field valid_from: \"soon\" is not a date"),
        ] {
            let (s, v) =
                crate::drafts_api::post(&r, &publish, json!({ "valid_from": valid_from })).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{valid_from}: {v}");
            assert!(v["message"].as_str().unwrap().starts_with(want), "{v}");
        }
        assert_eq!(
            store.versions().await.unwrap().len(),
            1,
            "nothing was published"
        );
        let (s, v) = crate::drafts_api::post(&r, &publish, json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(store.versions().await.unwrap().len(), 2);
    }
}

async fn a_bulk_body_declaring_more_than_the_limit_is_refused_before_it_is_read(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    // The body never arrives: only the declared length can answer.
    let req = Request::post("/api/incidents/bulk")
        .header("content-length", "2147483648")
        .body(Body::from_stream(futures_util::stream::pending::<
            Result<Vec<u8>, std::io::Error>,
        >()))
        .unwrap();
    let (status, v) = common::call(r, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("1073741824-byte limit"),
        "{v}"
    );
}

async fn a_bulk_line_one_byte_over_the_line_limit_is_refused_even_inside_one_chunk(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    let good = r#"{"lng":110.4319,"lat":35.4765,"category":"e_environment"}"#;
    let max = gridd::app::bulk::MAX_LINE_BYTES;
    let long = format!(
        r#"{{"lng":110.4319,"lat":35.4765,"category":"e_environment","description":"{}"}}"#,
        " ".repeat(max)
    );
    assert!(long.len() > max);
    let body = format!("{good}\n{long}\n{good}\n");
    let (status, v) = common::call(
        r,
        Request::post("/api/incidents/bulk")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("line 2 is longer than 1048576 bytes"),
        "{v}"
    );
    assert_eq!(store.counts().await.unwrap().incidents, 0);
}

async fn a_report_is_answered_with_the_report_time_that_was_stored(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let body = json!({"lng": 110.4319, "lat": 35.4765, "category": "e_environment",
                      "reported_at": "2026-03-01T08:00:00.123456789Z"});
    let req = Request::post("/api/incidents")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, posted) = common::call(r.clone(), req).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let id = posted["id"].as_i64().unwrap();
    let fresh = router(&store, HttpOptions::default()).await;
    let (_, stored) = common::call(
        fresh,
        Request::get(format!("/api/incidents/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        posted["reported_at"], stored["reported_at"],
        "{posted} {stored}"
    );
    assert!(
        posted["reported_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-01T08:00:00.123"),
        "{posted}"
    );
}

async fn query_parameters_a_route_does_not_read_are_refused_and_reports_must_be_json(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    for (method, uri) in [
        ("GET", "/api/health?x=1"),
        ("GET", "/api/versions?limit=5"),
        ("GET", "/api/drafts?all=1"),
        ("GET", "/api/calendar?format=csv"),
        ("POST", "/api/incidents?x=1"),
        ("POST", "/api/drafts?name=a"),
    ] {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let (status, v) = common::call(r.clone(), req).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}: {v}");
        assert_eq!(v["error"], "invalid_query", "{v}");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("takes no query parameters"),
            "{v}"
        );
    }
    assert_eq!(
        common::call(
            r.clone(),
            Request::get("/api/health").body(Body::empty()).unwrap()
        )
        .await
        .0,
        StatusCode::OK
    );
    // A cross-site form can post text/plain without a preflight; a report must be JSON.
    let body = json!({"lng": 110.4319, "lat": 35.4765, "category": "e_environment"});
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = Request::post("/api/incidents");
        if let Some(t) = content_type {
            req = req.header("content-type", t);
        }
        let (status, v) =
            common::call(r.clone(), req.body(Body::from(body.to_string())).unwrap()).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}: {v}"
        );
        assert_eq!(v["error"], "unsupported_media_type");
    }
    assert_eq!(store.counts().await.unwrap().incidents, 0);
    let req = Request::post("/api/incidents")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(body.to_string()))
        .unwrap();
    assert_eq!(common::call(r, req).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn with_allowed_hosts_a_request_naming_another_host_is_refused_421() {
    let (store, _dir) = common::sqlite_store().await;
    let store = common::with_fixture(store).await;
    let options = HttpOptions {
        allowed_hosts: vec!["grid.example.cn".into(), "[::1]".into()],
        ..Default::default()
    };
    let r = router(&store, options).await;
    let ask = |host: &str| {
        Request::get("/api/health")
            .header("host", host)
            .body(Body::empty())
            .unwrap()
    };
    for host in ["grid.example.cn", "GRID.example.cn:8080", "[::1]:8080"] {
        assert_eq!(
            common::call(r.clone(), ask(host)).await.0,
            StatusCode::OK,
            "{host}"
        );
    }
    for host in [
        "evil.example",
        "grid.example.cn.evil.example",
        "127.0.0.1:8080",
        "",
    ] {
        let (status, v) = common::call(r.clone(), ask(host)).await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{host}: {v}");
        assert_eq!(v["error"], "host_not_allowed");
    }
}
