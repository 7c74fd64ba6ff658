//! The closed loop through the HTTP API on the fixture city, on both stores: a case walked
//! from report to evaluation across officer, dispatcher and department, with its history,
//! due time and audit lines; rework, returns, extensions and duplicates; every refusal —
//! wrong role (403), another department (403), another grid (404), wrong state (409), stale
//! version (409) — changing nothing; and the case filters. The shared setup (`setup`, `Loop`)
//! serves `cases_outside.rs` and `kpis_api.rs` too.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::Utc;
use gridd::app::App;
use gridd::domain::access::{Login, Role, Scope};
use gridd::http::{app, HttpOptions};
use gridd::store::{NewAccount, Store};
use serde_json::{json, Value};
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    a_case_goes_from_report_to_evaluation_across_officer_dispatcher_and_department,
    a_failed_check_is_rework_and_a_returned_case_is_dispatched_again_with_a_new_clock,
    an_approved_extension_moves_the_due_time_by_working_days,
    a_duplicate_closes_against_an_open_case_and_never_changes_again,
    refused_actions_answer_403_404_or_409_and_change_nothing,
    case_lists_filter_by_department_due_time_supervision_whose_turn_it_is_and_who_reported,
);

/// A point in 610581001001001.
pub(crate) const MINE: (f64, f64) = (110.435, 35.4775);

pub(crate) struct Loop {
    pub(crate) r: Router,
    /// Session cookies by login.
    pub(crate) cookies: std::collections::HashMap<&'static str, String>,
}

/// An account with a live session, made in the store directly (no password hashing).
pub(crate) async fn signed_in(
    store: &Arc<dyn Store>,
    login: &str,
    role: Role,
    scope: &str,
    department: Option<&str>,
) -> String {
    let a = store
        .create_account(&NewAccount {
            login: Login::parse(login).unwrap(),
            display_name: login.into(),
            role,
            scope: Scope::parse(role, scope).unwrap(),
            officer: None,
            department: department.map(String::from),
            password_hash: "not a hash: these accounts only use sessions".into(),
        })
        .await
        .unwrap();
    let id = format!("session-of-{login}");
    store
        .create_session(&gridd::app::accounts::token_hash(&id), a.id, Utc::now())
        .await
        .unwrap();
    format!("gridd_session={id}")
}

pub(crate) async fn setup(store: &Arc<dyn Store>) -> Loop {
    for (name, cats) in [
        ("城管执法局", "e_street_order,e_environment"),
        ("住建局", "c_public_facilities"),
    ] {
        gridd::app::accounts::put_department(&**store, "test", name, cats)
            .await
            .unwrap();
    }
    let mut cookies = std::collections::HashMap::new();
    for (login, role, scope, dept) in [
        ("officer.a", Role::Officer, "610581001001001", None),
        ("officer.b", Role::Officer, "610581001002002", None),
        ("dispatch", Role::Dispatcher, "610581", None),
        (
            "chengguan",
            Role::Department,
            "e_street_order,e_environment",
            Some("城管执法局"),
        ),
        (
            "zhujian",
            Role::Department,
            "c_public_facilities",
            Some("住建局"),
        ),
        ("leader", Role::StreetLeader, "610581001", None),
    ] {
        cookies.insert(login, signed_in(store, login, role, scope, dept).await);
    }
    let state = App::load(Arc::clone(store)).await.unwrap();
    Loop {
        r: app(state, &HttpOptions::default()),
        cookies,
    }
}

impl Loop {
    pub(crate) async fn send(
        &self,
        who: &str,
        method: &str,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &self.cookies[who])
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost");
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        common::call(self.r.clone(), req.body(body).unwrap()).await
    }

    /// Reports a street-order case at `at` as `who`; its id.
    pub(crate) async fn report(&self, who: &str, at: (f64, f64), category: &str) -> i64 {
        let body =
            json!({ "lng": at.0, "lat": at.1, "category": category, "description": "占道经营" });
        let (s, v) = self.send(who, "POST", "/api/incidents", Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    pub(crate) async fn case(&self, who: &str, id: i64) -> (StatusCode, Value) {
        self.send(who, "GET", &format!("/api/incidents/{id}"), None)
            .await
    }

    /// Takes `action` as `who` on the version the case is at; the answer.
    async fn act(&self, who: &str, id: i64, action: &str, extra: Value) -> (StatusCode, Value) {
        let (_, c) = self.case("dispatch", id).await;
        let mut body = json!({ "action": action, "version": c["version"] });
        if let (Some(b), Some(x)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(x.clone());
        }
        self.send(
            who,
            "POST",
            &format!("/api/incidents/{id}/transitions"),
            Some(body),
        )
        .await
    }

    pub(crate) async fn ok(&self, who: &str, id: i64, action: &str, extra: Value) -> Value {
        let (s, v) = self.act(who, id, action, extra).await;
        assert_eq!(s, StatusCode::OK, "{who} {action}: {v}");
        v
    }
}

async fn a_case_goes_from_report_to_evaluation_across_officer_dispatcher_and_department(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    let id = l.report("officer.a", MINE, "e_street_order").await;
    let (_, c) = l.case("dispatch", id).await;
    assert_eq!(
        (c["status"].as_str(), c["version"].as_i64()),
        (Some("reported"), Some(1))
    );
    assert!(c["actions"]
        .as_array()
        .unwrap()
        .contains(&json!("register")));

    l.ok("dispatch", id, "register", json!({ "urgency": "normal" }))
        .await;
    let c = l.ok("dispatch", id, "dispatch", json!({})).await;
    assert_eq!(
        c["department"], "城管执法局",
        "the department that takes street order"
    );
    assert!(
        c["due_at"].is_string() && c["dispatched_at"].is_string(),
        "{c}"
    );
    assert_eq!(c["overdue"], false);

    let (_, mine) = l.send("chengguan", "GET", "/api/incidents", None).await;
    let ids: Vec<i64> = mine["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id], "the department lists the case dispatched to it");
    let (_, other) = l.send("zhujian", "GET", "/api/incidents", None).await;
    assert!(other["features"].as_array().unwrap().is_empty());

    l.ok("chengguan", id, "accept", json!({})).await;
    l.ok("chengguan", id, "respond", json!({ "note": "摊位已清理" }))
        .await;
    l.ok(
        "officer.a",
        id,
        "verify_pass",
        json!({ "note": "现场核查通过" }),
    )
    .await;
    let (s, v) = l.act("dispatch", id, "evaluate", json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a rating is needed: {v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("field satisfaction"),
        "{v}"
    );
    let c = l
        .ok(
            "dispatch",
            id,
            "evaluate",
            json!({ "satisfaction": "满意", "note": "回访" }),
        )
        .await;
    assert_eq!(c["satisfaction"], "satisfied");
    assert_eq!(
        (c["status"].as_str(), c["outcome"].as_str()),
        (Some("evaluated"), Some("resolved"))
    );
    assert!(
        c["actions"].as_array().unwrap().is_empty(),
        "nothing left to do"
    );

    let steps: Vec<(&str, &str, &str)> = c["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["from_status"].as_str().unwrap(),
                e["to_status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("register", "reported", "registered"),
            ("dispatch", "registered", "dispatched"),
            ("accept", "dispatched", "handling"),
            ("respond", "handling", "responded"),
            ("verify_pass", "responded", "closed"),
            ("evaluate", "closed", "evaluated"),
        ]
    );
    assert_eq!(c["history"][3]["note"], "摊位已清理");
    assert_eq!(c["history"][2]["actor"], "chengguan");
    let audit = store.audit(&Default::default()).await.unwrap();
    let lines = audit
        .iter()
        .filter(|a| a.object == format!("incident {id}") && a.kind.starts_with("incident."))
        .count();
    assert_eq!(lines, 7, "the report and six transitions");
}

async fn a_failed_check_is_rework_and_a_returned_case_is_dispatched_again_with_a_new_clock(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    let id = l.report("officer.a", MINE, "e_street_order").await;
    l.ok("dispatch", id, "register", json!({})).await;
    l.ok(
        "dispatch",
        id,
        "dispatch",
        json!({ "department": "住建局" }),
    )
    .await;
    let c = l
        .ok("zhujian", id, "return", json!({ "note": "不属于本部门" }))
        .await;
    assert_eq!(
        (c["status"].as_str(), c["returns"].as_u64()),
        (Some("registered"), Some(1))
    );
    assert!(
        c["due_at"].is_null() && c["department"].is_null(),
        "the clock stops: {c}"
    );
    let c = l.ok("dispatch", id, "dispatch", json!({})).await;
    assert_eq!(c["department"], "城管执法局");
    l.ok("chengguan", id, "accept", json!({})).await;
    l.ok("chengguan", id, "respond", json!({})).await;
    let c = l
        .ok(
            "officer.a",
            id,
            "verify_fail",
            json!({ "note": "仍有摊位" }),
        )
        .await;
    assert_eq!(
        (c["status"].as_str(), c["reworks"].as_u64()),
        (Some("handling"), Some(1))
    );
}

async fn an_approved_extension_moves_the_due_time_by_working_days(store: Arc<dyn Store>) {
    let l = setup(&store).await;
    let id = l.report("officer.a", MINE, "e_street_order").await;
    l.ok("dispatch", id, "register", json!({})).await;
    let c = l.ok("dispatch", id, "dispatch", json!({})).await;
    let due = chrono::DateTime::parse_from_rfc3339(c["due_at"].as_str().unwrap()).unwrap();
    l.ok("chengguan", id, "accept", json!({})).await;
    l.ok(
        "chengguan",
        id,
        "request_extension",
        json!({ "note": "需协调业主" }),
    )
    .await;
    let (s, v) = l.act("chengguan", id, "respond", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let c = l
        .ok("dispatch", id, "approve_extension", json!({ "days": 3 }))
        .await;
    let later = chrono::DateTime::parse_from_rfc3339(c["due_at"].as_str().unwrap()).unwrap();
    let cal = gridd::domain::calendar::shipped();
    let expected = cal.due(
        due.with_timezone(&Utc),
        gridd::domain::calendar::Limit::WorkingDays(3),
    );
    assert_eq!(later.with_timezone(&Utc), expected);
    assert!(later > due);
}

async fn a_duplicate_closes_against_an_open_case_and_never_changes_again(store: Arc<dyn Store>) {
    let l = setup(&store).await;
    let first = l.report("officer.a", MINE, "e_street_order").await;
    let second = l.report("officer.a", MINE, "e_street_order").await;
    let (s, v) = l
        .act(
            "dispatch",
            second,
            "duplicate",
            json!({ "duplicate_of": second }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let c = l
        .ok(
            "dispatch",
            second,
            "duplicate",
            json!({ "duplicate_of": first }),
        )
        .await;
    assert_eq!(
        (c["outcome"].as_str(), c["duplicate_of"].as_i64()),
        (Some("duplicate"), Some(first))
    );
    let (s, _) = l.act("dispatch", second, "evaluate", json!({})).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "a duplicate is never changed again"
    );
}

async fn refused_actions_answer_403_404_or_409_and_change_nothing(store: Arc<dyn Store>) {
    let l = setup(&store).await;
    let id = l.report("officer.a", MINE, "e_street_order").await;
    let history = || async { store.case_history(id).await.unwrap().len() };

    let (s, v) = l.act("officer.a", id, "register", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("needs the role admin or dispatcher"),
        "{v}"
    );
    let (s, _) = l.act("officer.b", id, "verify_pass", json!({})).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a case of another grid is not there for officer.b"
    );
    let (s, _) = l.case("officer.b", id).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = l.act("dispatch", id, "dispatch", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("while the case is reported"),
        "{v}"
    );
    let (s, v) = l
        .send(
            "dispatch",
            "POST",
            &format!("/api/incidents/{id}/transitions"),
            Some(json!({ "action": "register", "version": 7 })),
        )
        .await;
    assert_eq!(
        (s, v["current_version"].as_i64()),
        (StatusCode::CONFLICT, Some(1)),
        "{v}"
    );
    let (s, v) = l
        .send(
            "dispatch",
            "POST",
            &format!("/api/incidents/{id}/transitions"),
            Some(json!({ "action": "escalate", "version": 1 })),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(history().await, 0, "nothing was written");

    l.ok("dispatch", id, "register", json!({})).await;
    let (s, v) = l
        .act(
            "dispatch",
            id,
            "dispatch",
            json!({ "department": "不存在局" }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    l.ok("dispatch", id, "dispatch", json!({})).await;
    let (s, v) = l.act("zhujian", id, "accept", json!({})).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another department does not see the case: {v}"
    );
    let (s, _) = l.act("officer.a", id, "accept", json!({})).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "the department handles it, not the officer"
    );
    let c = l.ok("leader", id, "supervise", json!({})).await;
    assert_eq!(c["supervised"], true);
    assert_eq!(history().await, 3);
    let (_, far) = l.case("dispatch", id).await;
    assert_eq!(far["version"], 4);
}

/// The ids of a listing.
fn ids(v: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = v["features"]
        .as_array()
        .unwrap_or_else(|| panic!("a feature collection: {v}"))
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

async fn case_lists_filter_by_department_due_time_supervision_whose_turn_it_is_and_who_reported(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    let waiting = l.report("officer.a", MINE, "e_street_order").await;
    let handled = l.report("officer.a", MINE, "e_street_order").await;
    let checked = l.report("officer.a", MINE, "c_public_facilities").await;
    l.ok("dispatch", handled, "register", json!({})).await;
    l.ok("dispatch", handled, "dispatch", json!({})).await;
    l.ok("dispatch", checked, "register", json!({})).await;
    l.ok("dispatch", checked, "dispatch", json!({})).await;
    l.ok("zhujian", checked, "accept", json!({})).await;
    l.ok("zhujian", checked, "respond", json!({})).await;
    l.ok("leader", handled, "supervise", json!({})).await;
    let list = |who: &'static str, q: &'static str| {
        let l = &l;
        async move {
            let (s, v) = l
                .send(who, "GET", &format!("/api/incidents?{q}"), None)
                .await;
            assert_eq!(s, StatusCode::OK, "{who} {q}: {v}");
            ids(&v)
        }
    };
    assert_eq!(list("dispatch", "assignee=me").await, [waiting]);
    assert_eq!(list("chengguan", "assignee=me").await, [handled]);
    assert_eq!(
        list("officer.a", "assignee=me").await,
        [checked],
        "to check on site"
    );
    assert_eq!(list("dispatch", "department=住建局").await, [checked]);
    assert_eq!(list("dispatch", "supervised=true").await, [handled]);
    assert!(
        list("dispatch", "overdue=true").await.is_empty(),
        "nothing is late yet"
    );
    assert_eq!(
        list("dispatch", "due_before=2099-01-01").await,
        [handled, checked]
    );
    let (s, v) = l
        .send("dispatch", "GET", "/api/incidents?assignee=you", None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // 即将超期: an environment case (4 working hours) is due soon once dispatched; a street
    // order case (1 working day) is not yet.
    let soon = l.report("officer.a", MINE, "e_environment").await;
    l.ok("dispatch", soon, "register", json!({})).await;
    let c = l.ok("dispatch", soon, "dispatch", json!({})).await;
    assert_eq!(
        (c["due_soon"].as_bool(), c["overdue"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(list("dispatch", "due_soon=true").await, [soon]);
    let (_, c) = l.case("dispatch", handled).await;
    assert_eq!(c["due_soon"], false, "{c}");
    let (s, v) = l
        .send(
            "dispatch",
            "GET",
            "/api/incidents?due_soon=true&overdue=true",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // By the boundaries in force now: the officer's own grid lists its cases; another
    // officer's grid is none of theirs (404), whichever boundaries are asked for.
    assert_eq!(
        list("officer.a", "grid=610581001001001&boundaries=current").await,
        [waiting, handled, checked, soon]
    );
    let (s, v) = l
        .send(
            "officer.a",
            "GET",
            "/api/incidents?grid=610581001002002&boundaries=current",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    // 我的上报: what the caller reported, whatever its state; nobody else's.
    assert_eq!(
        list("officer.a", "reporter=me").await,
        [waiting, handled, checked, soon]
    );
    assert!(list("dispatch", "reporter=me").await.is_empty());
    let (s, v) = l
        .send("officer.a", "GET", "/api/incidents?reporter=them", None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}
