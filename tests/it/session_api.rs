//! Logging in and out, on both stores: a session cookie (HttpOnly, SameSite=Strict) for the
//! right password, one answer for a wrong password and an unknown login, 429 after five
//! failures, machine tokens by `Authorization: Bearer`, sessions ended by logout and by the
//! idle timeout, and every attempt in the audit log.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{Duration, Utc};
use gridd::app::accounts::{self, AccountRequest};
use gridd::app::App;
use gridd::http::{app, HttpOptions};
use gridd::store::{AuditQuery, Store};
use serde_json::{json, Value};
use std::sync::Arc;

both_stores!(
    a_right_password_opens_a_session_that_logout_ends,
    a_wrong_password_and_an_unknown_login_get_the_same_answer_and_the_sixth_try_waits,
    a_machine_token_is_accepted_until_revoked_and_a_forged_one_is_not,
    a_session_ends_after_thirty_idle_minutes,
    only_an_admin_reads_the_audit_log,
);

const PASSWORD: &str = "correct horse battery";

async fn setup(store: &Arc<dyn Store>) -> (App, Router) {
    accounts::create_account(
        &**store,
        "cli",
        &AccountRequest {
            login: "lead.zhang",
            role: "street_leader",
            scope: "610581001",
            display_name: Some("张主任"),
            officer: None,
            department: None,
            password: PASSWORD,
        },
    )
    .await
    .unwrap();
    let state = App::load(store.clone()).await.unwrap();
    (state.clone(), app(state, &HttpOptions::default()))
}

async fn send(r: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = r.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn login(body: Value) -> Request<Body> {
    Request::post("/api/session")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn with_cookie(method: &str, cookie: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri("/api/session")
        .header(header::COOKIE, cookie)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::empty())
        .unwrap()
}

async fn a_right_password_opens_a_session_that_logout_ends(store: Arc<dyn Store>) {
    let (_, r) = setup(&store).await;
    let (s, h, v) = send(
        &r,
        login(json!({ "login": "Lead.Zhang", "password": PASSWORD })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["login"].as_str(), v["role"].as_str(), v["scope"].as_str()),
        (Some("lead.zhang"), Some("street_leader"), Some("610581001"))
    );
    assert_eq!(v["display_name"], "张主任");
    let set = h
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && !set.contains("Secure"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let (s, _, me) = send(&r, with_cookie("GET", &cookie)).await;
    assert_eq!(
        (s, me["login"].as_str()),
        (StatusCode::OK, Some("lead.zhang"))
    );
    let (s, h, _) = send(&r, with_cookie("DELETE", &cookie)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(h
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (s, _, e) = send(&r, with_cookie("GET", &cookie)).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (s, _, _) = send(
        &r,
        Request::get("/api/session").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, e) = send(&r, login(json!({ "login": "lead.zhang" }))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let kinds: Vec<String> = store
        .audit(&AuditQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(kinds, ["account.create", "login.success", "logout"]);
}

async fn a_wrong_password_and_an_unknown_login_get_the_same_answer_and_the_sixth_try_waits(
    store: Arc<dyn Store>,
) {
    let (_, r) = setup(&store).await;
    let (s1, _, wrong) = send(
        &r,
        login(json!({ "login": "lead.zhang", "password": "not the password" })),
    )
    .await;
    let (s2, _, unknown) = send(
        &r,
        login(json!({ "login": "nobody.here", "password": "not the password" })),
    )
    .await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong, unknown, "the answer does not tell which was wrong");
    for _ in 0..3 {
        let (s, _, _) = send(
            &r,
            login(json!({ "login": "lead.zhang", "password": "still wrong" })),
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // Five failures from this client: even the right password now waits.
    let (s, h, e) = send(
        &r,
        login(json!({ "login": "lead.zhang", "password": PASSWORD })),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{e}");
    let wait: i64 = h
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    let fails = store
        .audit(&AuditQuery {
            kind: Some("login.fail".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(fails.len(), 5);
    let limited = store
        .audit(&AuditQuery {
            kind: Some("login.limited".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
    assert!(
        fails
            .iter()
            .all(|f| !f.summary.contains("still wrong") && !f.summary.contains("not the password")),
        "no password logged"
    );
}

async fn a_machine_token_is_accepted_until_revoked_and_a_forged_one_is_not(store: Arc<dyn Store>) {
    let (state, r) = setup(&store).await;
    let (token, row) = accounts::create_token(&*store, "cli", "12345-gateway", "reporter", "")
        .await
        .unwrap();
    let bearer = |t: &str| {
        Request::get("/api/session")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap()
    };
    let (s, _, me) = send(&r, bearer(&token)).await;
    assert_eq!(
        (s, me["login"].as_str(), me["role"].as_str()),
        (
            StatusCode::OK,
            Some("token:12345-gateway"),
            Some("reporter")
        )
    );
    let (s, _, _) = send(&r, bearer(&"0".repeat(64))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    store.revoke_token(row.id).await.unwrap();
    // A token checked a moment ago is trusted for up to RECHECK (5 s) more, on every server;
    // after that it is refused.
    let later = Utc::now() + gridd::app::auth::RECHECK + Duration::seconds(1);
    assert!(state.token(&token, later).await.unwrap().is_none());
    let (s, _, _) = send(&r, bearer(&token)).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "and from then on over HTTP too"
    );
}

async fn a_session_ends_after_thirty_idle_minutes(store: Arc<dyn Store>) {
    let (state, _) = setup(&store).await;
    let t0 = Utc::now();
    let (id, _) = state
        .login("lead.zhang", PASSWORD, "test", t0)
        .await
        .unwrap();
    assert!(state
        .session(&id, t0 + Duration::minutes(29))
        .await
        .unwrap()
        .is_some());
    // 29 minutes later it was used; 31 idle minutes after that it has ended, for good.
    assert!(state
        .session(&id, t0 + Duration::minutes(60))
        .await
        .unwrap()
        .is_none());
    assert!(state
        .session(&id, t0 + Duration::minutes(61))
        .await
        .unwrap()
        .is_none());
    // However busy, a session ends 12 hours after its login.
    let (id, _) = state
        .login("lead.zhang", PASSWORD, "test", t0)
        .await
        .unwrap();
    let mut t = t0;
    while t < t0 + Duration::minutes(11 * 60 + 40) {
        t += Duration::minutes(20);
        assert!(
            state.session(&id, t).await.unwrap().is_some(),
            "alive at {}",
            t - t0
        );
    }
    let t = t0 + Duration::minutes(12 * 60 + 10);
    assert!(
        state.session(&id, t).await.unwrap().is_none(),
        "ended after 12 h"
    );
}

async fn only_an_admin_reads_the_audit_log(store: Arc<dyn Store>) {
    let (_, r) = setup(&store).await;
    let (admin, _) = accounts::create_token(&*store, "cli", "ops", "admin", "")
        .await
        .unwrap();
    let get = |auth: Option<String>| {
        let mut b = Request::get("/api/audit?kind=account.create");
        if let Some(a) = auth {
            b = b.header(header::AUTHORIZATION, a);
        }
        b.body(Body::empty()).unwrap()
    };
    let (s, _, v) = send(&r, get(Some(format!("Bearer {admin}")))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0]["actor"].as_str(), entries[0]["object"].as_str()),
        (Some("cli"), Some("lead.zhang"))
    );
    let (_, h, _) = send(
        &r,
        login(json!({ "login": "lead.zhang", "password": PASSWORD })),
    )
    .await;
    let cookie = h
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let req = Request::get("/api/audit")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let (s, _, e) = send(&r, req).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(e["message"].as_str().unwrap().contains("role admin"), "{e}");
    let (s, _, _) = send(&r, get(None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
