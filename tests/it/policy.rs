//! Who may call what, on both stores: every route the router serves has a rule in the policy
//! table, and every caller — anonymous and each of the eight roles — gets, on every route,
//! 401 (no credentials), 403 (a role the rule does not admit) or the route's own answer.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use gridd::app::policy::{rule_for, Callers, POLICY};
use gridd::app::App;
use gridd::domain::access::Role;
use gridd::http::{app, routes, HttpOptions};
use gridd::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

#[test]
fn every_route_the_router_serves_has_a_rule_and_every_rule_a_route() {
    let served = routes();
    for (method, path) in &served {
        assert!(
            rule_for(method, path).is_some(),
            "{method} {path} is served but has no rule in the policy table"
        );
    }
    for r in POLICY {
        assert!(
            served.iter().any(|(m, p)| *m == r.method && p == r.path),
            "the policy names {} {}, which the router does not serve",
            r.method,
            r.path
        );
    }
    assert_eq!(served.len(), POLICY.len());
}

both_stores!(
    setup = crate::common::with_fixture;
    every_caller_gets_401_403_or_the_routes_own_answer_on_every_route,
);

/// Each role's scope over the fixture city (one level-1 grid 610581001, two level-2, four
/// level-3): wide enough that every admitted role sees the objects the matrix asks for.
pub const SCOPES: [(Role, &str); 8] = [
    (Role::Admin, "*"),
    (Role::Planner, "610581"),
    (Role::Dispatcher, "610581"),
    (Role::StreetLeader, "610581001"),
    (Role::Community, "610581001001"),
    (Role::Officer, "610581001001001"),
    (Role::Department, "e_street_order"),
    (Role::Reporter, ""),
];

/// A point in 610581001001001 (the officer's grid).
pub const MINE: (f64, f64) = (110.435, 35.4775);

/// One request per route, and the status a caller the route admits gets for it. Writes are
/// aimed at a draft that does not exist (404 once past the guard) or are harmless (a report).
fn requests() -> Vec<(&'static str, String, Option<Value>, StatusCode)> {
    use StatusCode as S;
    let (lng, lat) = MINE;
    let tile = {
        let (x, y) = gridd::engine::heat::mercator(lng, lat);
        let n = f64::from(1u32 << 14);
        format!("14/{}/{}.mvt", (x * n) as u32, (y * n) as u32)
    };
    let l3 = "610581001001001";
    let none = "/api/drafts/999999";
    vec![
        ("GET", "/api/health".into(), None, S::OK),
        (
            "POST",
            "/api/session".into(),
            Some(json!({})),
            S::BAD_REQUEST,
        ),
        ("GET", "/api/session".into(), None, S::OK),
        ("DELETE", "/api/session".into(), None, S::NO_CONTENT),
        ("GET", "/api/audit".into(), None, S::OK),
        ("GET", "/api/basemap".into(), None, S::OK),
        ("GET", "/api/basemap/check".into(), None, S::BAD_REQUEST),
        ("GET", "/api/grids".into(), None, S::OK),
        ("GET", format!("/api/grids/{l3}"), None, S::OK),
        ("GET", "/api/compounds".into(), None, S::OK),
        ("GET", "/api/buildings".into(), None, S::OK),
        (
            "GET",
            format!("/api/locate?lng={lng}&lat={lat}"),
            None,
            S::OK,
        ),
        ("GET", "/api/stats/grids".into(), None, S::OK),
        ("GET", "/api/coverage".into(), None, S::OK),
        ("GET", "/api/stats/kpis".into(), None, S::OK),
        ("GET", "/api/versions".into(), None, S::OK),
        ("GET", "/api/plan/oversized".into(), None, S::OK),
        (
            "POST",
            "/api/plan/split".into(),
            Some(json!({ "code": l3, "k": 2 })),
            S::OK,
        ),
        ("GET", "/api/drafts".into(), None, S::OK),
        (
            "POST",
            "/api/drafts".into(),
            Some(json!({ "name": "矩阵" })),
            S::CREATED,
        ),
        ("GET", none.into(), None, S::NOT_FOUND),
        ("DELETE", none.into(), None, S::NOT_FOUND),
        (
            "PATCH",
            none.into(),
            Some(json!({ "name": "改名" })),
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/split"),
            Some(json!({ "code": l3 })),
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/merge"),
            Some(json!({ "codes": [l3, "610581001001002"] })),
            S::NOT_FOUND,
        ),
        ("POST", format!("{none}/fix"), Some(json!({})), S::NOT_FOUND),
        (
            "POST",
            format!("{none}/balance"),
            Some(json!({ "codes": [l3, "610581001001002"] })),
            S::NOT_FOUND,
        ),
        (
            "GET",
            format!("{none}/officers?grid={l3}"),
            None,
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/officers"),
            Some(json!({ "grid": l3, "officers": [] })),
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/restore"),
            Some(json!({ "undo_version": 2 })),
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/cut"),
            Some(json!({ "code": l3, "line": [[110.43, 35.4775], [110.44, 35.4775]] })),
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/move"),
            Some(json!({ "from": l3, "to": "610581001001002", "units": ["B001"] })),
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/undo"),
            Some(json!({})),
            S::NOT_FOUND,
        ),
        (
            "POST",
            format!("{none}/redo"),
            Some(json!({})),
            S::NOT_FOUND,
        ),
        ("GET", format!("{none}/validate"), None, S::NOT_FOUND),
        (
            "POST",
            format!("{none}/publish"),
            Some(json!({})),
            S::NOT_FOUND,
        ),
        ("GET", "/api/incidents".into(), None, S::OK),
        (
            "POST",
            "/api/incidents".into(),
            Some(json!({ "lng": lng, "lat": lat, "category": "e_street_order" })),
            S::CREATED,
        ),
        (
            "POST",
            "/api/incidents/bulk".into(),
            Some(json!("")),
            S::BAD_REQUEST,
        ),
        (
            "GET",
            format!("/api/incidents/nearby?lng={lng}&lat={lat}&category=e_street_order"),
            None,
            S::OK,
        ),
        ("GET", "/api/incidents/999999".into(), None, S::NOT_FOUND),
        (
            "POST",
            "/api/incidents/999999/transitions".into(),
            Some(json!({ "action": "register", "version": 1 })),
            S::NOT_FOUND,
        ),
        ("GET", "/api/departments".into(), None, S::OK),
        ("GET", "/api/wall".into(), None, S::OK),
        ("GET", "/api/outbox".into(), None, S::OK),
        ("GET", "/api/calendar".into(), None, S::OK),
        // An empty change: the caller gets past the guard and is told there is nothing in it.
        (
            "PUT",
            "/api/calendar".into(),
            Some(json!({})),
            S::BAD_REQUEST,
        ),
        ("GET", "/api/openapi.json".into(), None, S::OK),
        ("GET", "/ogc".into(), None, S::OK),
        ("GET", "/ogc/conformance".into(), None, S::OK),
        ("GET", "/ogc/collections".into(), None, S::OK),
        ("GET", "/ogc/collections/rivers".into(), None, S::NOT_FOUND),
        (
            "GET",
            "/ogc/collections/rivers/items".into(),
            None,
            S::NOT_FOUND,
        ),
        (
            "GET",
            "/ogc/collections/rivers/items/1".into(),
            None,
            S::NOT_FOUND,
        ),
        ("GET", "/open311/v2/services.json".into(), None, S::OK),
        // The route's own answer: a body that is not a form, a format not served.
        (
            "POST",
            "/open311/v2/requests.json".into(),
            Some(json!("")),
            S::BAD_REQUEST,
        ),
        (
            "GET",
            "/open311/v2/services/e_street_order.json".into(),
            None,
            S::OK,
        ),
        (
            "GET",
            "/open311/v2/requests/1.txt".into(),
            None,
            S::NOT_FOUND,
        ),
        ("GET", format!("/tiles/density/{tile}"), None, S::OK),
        ("GET", format!("/tiles/grids/{tile}"), None, S::OK),
        ("GET", format!("/tiles/roads/{tile}"), None, S::OK),
    ]
}

/// Sends one request, as `token`'s holder when given one.
pub async fn send(
    r: &Router,
    token: Option<&str>,
    method: &str,
    uri: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(Value::String(s)) => Body::from(s.clone()),
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    common::call(r.clone(), req.body(body).unwrap()).await
}

/// A token for each role over [`SCOPES`], and the router.
pub async fn callers(store: &Arc<dyn Store>) -> (Router, Vec<(Role, String)>) {
    let state = App::load(Arc::clone(store)).await.unwrap();
    let mut tokens = Vec::new();
    for (role, scope) in SCOPES {
        tokens.push((role, common::token(&state, role.as_str(), scope).await));
    }
    (app(state, &HttpOptions::default()), tokens)
}

async fn every_caller_gets_401_403_or_the_routes_own_answer_on_every_route(store: Arc<dyn Store>) {
    let (r, tokens) = callers(&store).await;
    let requests = requests();
    assert_eq!(requests.len(), POLICY.len(), "one request per route");
    let mut wrong = Vec::new();
    for (method, uri, body, admitted) in &requests {
        let pattern = routes()
            .into_iter()
            .map(|(_, p)| p)
            .find(|p| matches_pattern(p, uri.split('?').next().unwrap()))
            .unwrap_or_default();
        let rule = rule_for(method, &pattern).unwrap_or_else(|| panic!("{method} {uri}"));
        let anonymous = if rule.callers == Callers::Public {
            *admitted
        } else {
            StatusCode::UNAUTHORIZED
        };
        let (s, v) = send(&r, None, method, uri, body.as_ref()).await;
        if s != anonymous {
            wrong.push(format!(
                "anonymous {method} {uri}: {s} not {anonymous} ({v})"
            ));
        }
        for (role, token) in &tokens {
            let expected = if rule.admits(*role) {
                *admitted
            } else {
                StatusCode::FORBIDDEN
            };
            let (s, v) = send(&r, Some(token), method, uri, body.as_ref()).await;
            if s != expected {
                wrong.push(format!("{role} {method} {uri}: {s} not {expected} ({v})"));
            }
            if s == StatusCode::FORBIDDEN && expected == StatusCode::FORBIDDEN {
                let msg = v["message"].as_str().unwrap_or_default();
                assert!(msg.contains("needs the role"), "{role} {uri}: {v}");
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Whether a concrete path fits a route pattern with `{…}` segments.
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, s)| (p.starts_with('{') && p.ends_with('}')) || p == s)
}
