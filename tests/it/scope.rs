//! Objects outside a caller's scope, on both stores (BOLA): an officer of one grid reading
//! and changing another's incidents, grids, compounds, buildings and drafts; a community
//! secretary asking for another community; a department reading cases of other categories;
//! a planner of another county or street publishing. Lists leave such rows out, single
//! objects are 404, writes 403 naming the scope, and a refused request changes nothing.
//! Also: reporters' contacts are masked for most roles, and writes leave audit lines.

use crate::common;
use crate::policy::{send, MINE};

use axum::http::StatusCode;
use axum::Router;
use gridd::app::App;
use gridd::http::{app, HttpOptions};
use gridd::store::{AuditQuery, Store};
use serde_json::{json, Value};
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    an_officer_of_one_grid_reads_and_changes_nothing_of_another,
    a_community_secretary_sees_only_her_own_community_in_lists_statistics_and_heat,
    a_department_sees_only_cases_of_its_categories,
    a_planner_of_another_county_or_street_can_neither_see_nor_publish_a_draft,
    reporters_contacts_are_whole_for_the_dispatcher_and_masked_for_the_street_leader,
    officers_phones_are_whole_for_the_leaders_of_their_grid_and_masked_for_officers_and_planners,
    an_outside_system_reads_back_only_the_reports_it_posted,
    every_write_leaves_a_line_in_the_audit_log,
);

/// A point in 610581001002002 (the east-south grid, another community's).
const THEIRS: (f64, f64) = (110.445, 35.4725);
const THEIR_GRID: &str = "610581001002002";

struct World {
    r: Router,
    state: App,
    admin: String,
}

async fn world(store: &Arc<dyn Store>) -> World {
    let state = App::load(Arc::clone(store)).await.unwrap();
    let admin = common::token(&state, "admin", "*").await;
    World {
        r: app(state.clone(), &HttpOptions::default()),
        state,
        admin,
    }
}

impl World {
    async fn token(&self, role: &str, scope: &str) -> String {
        common::token(&self.state, role, scope).await
    }

    /// Posts a report as the admin; its id.
    async fn report(&self, at: (f64, f64), category: &str) -> i64 {
        let body = json!({ "lng": at.0, "lat": at.1, "category": category,
                           "reporter_name": "王小明", "reporter_phone": "138-1234-5678" });
        let (s, v) = send(
            &self.r,
            Some(&self.admin),
            "POST",
            "/api/incidents",
            Some(&body),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    async fn get(&self, token: &str, uri: &str) -> (StatusCode, Value) {
        send(&self.r, Some(token), "GET", uri, None).await
    }
}

/// The `code` (or `grid`) property of every feature of a collection.
fn codes(v: &Value, key: &str) -> Vec<String> {
    v["features"]
        .as_array()
        .unwrap_or_else(|| panic!("a feature collection: {v}"))
        .iter()
        .map(|f| {
            f["properties"][key]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// The level-3 grid codes the listed incidents were reported in.
fn incident_grids(v: &Value) -> Vec<String> {
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["properties"]["grids"]
                .as_array()
                .and_then(|g| g.last())
                .and_then(|g| g["code"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

async fn an_officer_of_one_grid_reads_and_changes_nothing_of_another(store: Arc<dyn Store>) {
    let w = world(&store).await;
    let mine = "610581001001001";
    w.report(MINE, "e_street_order").await;
    w.report(THEIRS, "e_street_order").await;
    let officer = w.token("officer", mine).await;

    let (s, _) = w.get(&officer, &format!("/api/grids/{THEIR_GRID}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another grid's detail is 404");
    let (s, v) = w.get(&officer, &format!("/api/grids/{mine}")).await;
    assert_eq!(
        (s, v["properties"]["code"].as_str()),
        (StatusCode::OK, Some(mine))
    );
    let (_, v) = w.get(&officer, "/api/grids").await;
    assert_eq!(
        codes(&v, "code"),
        [mine],
        "only the officer's own grid is listed"
    );
    for list in ["compounds", "buildings"] {
        let (_, v) = w
            .get(&officer, &format!("/api/{list}?grid={THEIR_GRID}"))
            .await;
        assert!(codes(&v, "grid").is_empty(), "{list} of another grid: {v}");
        let (_, all) = w.get(&officer, &format!("/api/{list}")).await;
        let (_, admin_all) = w.get(&w.admin, &format!("/api/{list}")).await;
        let grids = codes(&all, "grid");
        assert!(
            !grids.is_empty() && grids.iter().all(|g| g.starts_with(mine)),
            "{list}: {grids:?}"
        );
        assert!(
            codes(&admin_all, "grid").len() > grids.len(),
            "{list} are cut, not all shown"
        );
    }
    let (_, v) = w
        .get(&officer, &format!("/api/incidents?grid={THEIR_GRID}"))
        .await;
    assert!(incident_grids(&v).is_empty(), "{v}");
    let (_, v) = w.get(&officer, "/api/incidents").await;
    assert_eq!(incident_grids(&v), [mine]);
    let (s, _) = w
        .get(
            &officer,
            &format!("/api/locate?lng={}&lat={}", THEIRS.0, THEIRS.1),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "locating in another grid is 404");

    let before = store.counts().await.unwrap().incidents;
    let body = json!({ "lng": THEIRS.0, "lat": THEIRS.1, "category": "e_street_order" });
    let (s, v) = send(&w.r, Some(&officer), "POST", "/api/incidents", Some(&body)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.contains(THEIR_GRID) && msg.contains(mine),
        "names grid and scope: {msg}"
    );
    assert_eq!(
        store.counts().await.unwrap().incidents,
        before,
        "nothing was stored"
    );
    let body = json!({ "lng": MINE.0, "lat": MINE.1, "category": "e_street_order" });
    let (s, _) = send(&w.r, Some(&officer), "POST", "/api/incidents", Some(&body)).await;
    assert_eq!(
        s,
        StatusCode::CREATED,
        "a report in the officer's own grid is taken"
    );

    let (s, _) = send(
        &w.r,
        Some(&officer),
        "POST",
        "/api/drafts",
        Some(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "officers do not plan");
    assert!(store.drafts().await.unwrap().is_empty());
}

async fn a_community_secretary_sees_only_her_own_community_in_lists_statistics_and_heat(
    store: Arc<dyn Store>,
) {
    let w = world(&store).await;
    let own = "610581001001";
    w.report(THEIRS, "e_street_order").await;
    w.report(THEIRS, "e_street_order").await;
    let secretary = w.token("community", own).await;

    let (_, v) = w.get(&secretary, "/api/incidents?grid=610581001002").await;
    assert!(
        incident_grids(&v).is_empty(),
        "another community's cases: {v}"
    );
    let (_, v) = w.get(&secretary, "/api/stats/grids?level=3").await;
    let rows: Vec<&str> = v["grids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["610581001001001", "610581001001002"]);
    let (_, v) = w.get(&secretary, "/api/coverage?level=3").await;
    assert_eq!(v["grids"], 2);
    let (_, v) = w.get(&w.admin, "/api/coverage?level=3").await;
    assert_eq!(v["grids"], 4);

    let tile = {
        let (x, y) = gridd::engine::heat::mercator(THEIRS.0, THEIRS.1);
        let n = f64::from(1u32 << 12);
        format!(
            "/tiles/density/12/{}/{}.mvt",
            (x * n) as u32,
            (y * n) as u32
        )
    };
    let count = |token: &str| {
        let (r, uri, token) = (w.r.clone(), tile.clone(), token.to_string());
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let req = axum::http::Request::get(uri)
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
            let res = r.oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            crate::tiles_api::total_count(&bytes)
        }
    };
    assert_eq!(count(&w.admin).await, 2);
    assert_eq!(
        count(&secretary).await,
        0,
        "another community's heat is not shown"
    );
    let leader = w.token("street_leader", "610581001").await;
    assert_eq!(
        count(&leader).await,
        2,
        "the street leader sees the whole street"
    );
}

async fn a_department_sees_only_cases_of_its_categories(store: Arc<dyn Store>) {
    let w = world(&store).await;
    w.report(MINE, "e_street_order").await;
    w.report(MINE, "e_environment").await;
    let department = w.token("department", "e_street_order").await;
    let (s, v) = w.get(&department, "/api/incidents").await;
    assert_eq!(s, StatusCode::OK);
    let cats: Vec<&str> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["category"].as_str().unwrap())
        .collect();
    assert_eq!(cats, ["e_street_order"]);
    let (s, grids) = w.get(&department, "/api/grids").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        grids["features"].as_array().unwrap().is_empty(),
        "a department has no map data of its own: {grids}"
    );
}

async fn a_planner_of_another_county_or_street_can_neither_see_nor_publish_a_draft(
    store: Arc<dyn Store>,
) {
    let w = world(&store).await;
    let planner = w.token("planner", "610581").await;
    let (s, d) = send(
        &w.r,
        Some(&planner),
        "POST",
        "/api/drafts",
        Some(&json!({ "name": "北片" })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    let merge = json!({ "codes": ["610581001001001", "610581001001002"] });
    let (s, v) = send(
        &w.r,
        Some(&planner),
        "POST",
        &format!("/api/drafts/{id}/merge"),
        Some(&merge),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let versions = store.versions().await.unwrap().len();

    for scope in ["610582", "610581002"] {
        let other = w.token("planner", scope).await;
        let (_, list) = w.get(&other, "/api/drafts").await;
        assert!(
            list["drafts"].as_array().unwrap().is_empty(),
            "{scope}: {list}"
        );
        let (s, _) = w.get(&other, &format!("/api/drafts/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{scope}");
        let (s, _) = send(
            &w.r,
            Some(&other),
            "POST",
            &format!("/api/drafts/{id}/publish"),
            Some(&json!({})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{scope}");
        let (s, _) = send(
            &w.r,
            Some(&other),
            "DELETE",
            &format!("/api/drafts/{id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{scope}");
    }
    assert_eq!(
        store.versions().await.unwrap().len(),
        versions,
        "nothing was published"
    );
    assert!(store.draft(id).await.unwrap().is_some(), "nor deleted");

    // A planner of another street, in a draft of their own, may not touch this street.
    let street2 = w.token("planner", "610581002").await;
    let (_, d2) = send(
        &w.r,
        Some(&street2),
        "POST",
        "/api/drafts",
        Some(&json!({})),
    )
    .await;
    let id2 = d2["id"].as_i64().unwrap();
    let (s, v) = send(
        &w.r,
        Some(&street2),
        "POST",
        &format!("/api/drafts/{id2}/merge"),
        Some(&merge),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("610581002"),
        "names the scope: {v}"
    );
    let saved = store.draft(id2).await.unwrap().unwrap();
    assert_eq!(saved.version, 1, "the refused edit was not saved");

    // The county planner who made the draft publishes it.
    let (s, v) = send(
        &w.r,
        Some(&planner),
        "POST",
        &format!("/api/drafts/{id}/publish"),
        Some(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

async fn reporters_contacts_are_whole_for_the_dispatcher_and_masked_for_the_street_leader(
    store: Arc<dyn Store>,
) {
    let w = world(&store).await;
    w.report(MINE, "e_street_order").await;
    let contact = |v: &Value| {
        let p = &v["features"][0]["properties"];
        (p["reporter_name"].clone(), p["reporter_phone"].clone())
    };
    let dispatcher = w.token("dispatcher", "610581").await;
    let (_, v) = w.get(&dispatcher, "/api/incidents").await;
    assert_eq!(contact(&v), (json!("王小明"), json!("13812345678")));
    let leader = w.token("street_leader", "610581001").await;
    let (_, v) = w.get(&leader, "/api/incidents").await;
    assert_eq!(contact(&v), (json!("王**"), json!("138****5678")));
    let officer = w.token("officer", "610581001001001").await;
    let (_, v) = w.get(&officer, "/api/incidents").await;
    assert_eq!(contact(&v), (json!("王**"), json!("138****5678")));
    let stored = store.incidents(&Default::default()).await.unwrap();
    assert_eq!(
        stored[0].incident.reporter.phone.as_deref(),
        Some("13812345678")
    );
}

async fn officers_phones_are_whole_for_the_leaders_of_their_grid_and_masked_for_officers_and_planners(
    store: Arc<dyn Store>,
) {
    let w = world(&store).await;
    let phone = |v: &Value| v["properties"]["officer_list"][0]["phone"].clone();
    let uri = "/api/grids/610581001001001";
    for (role, scope, seen) in [
        ("street_leader", "610581001", "13812340002"),
        ("community", "610581001001", "13812340002"),
        ("dispatcher", "610581", "13812340002"),
        ("officer", "610581001001001", "138****0002"),
        ("planner", "610581", "138****0002"),
    ] {
        let token = w.token(role, scope).await;
        let (s, v) = w.get(&token, uri).await;
        assert_eq!(s, StatusCode::OK, "{role}: {v}");
        assert_eq!(phone(&v), json!(seen), "{role}");
    }
    // The leader of another street does not get the grid at all.
    let elsewhere = w.token("street_leader", "610581002").await;
    assert_eq!(w.get(&elsewhere, uri).await.0, StatusCode::NOT_FOUND);
}

async fn an_outside_system_reads_back_only_the_reports_it_posted(store: Arc<dyn Store>) {
    let w = world(&store).await;
    w.report(MINE, "e_street_order").await;
    let gateway = w.token("reporter", "").await;
    let body = json!({ "lng": THEIRS.0, "lat": THEIRS.1, "category": "e_environment", "channel": "hotline_12345" });
    let (s, mine) = send(&w.r, Some(&gateway), "POST", "/api/incidents", Some(&body)).await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    assert!(mine["reported_by"]
        .as_str()
        .unwrap()
        .starts_with("token:test-reporter"));
    let (_, v) = w.get(&gateway, "/api/incidents").await;
    let ids: Vec<i64> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [mine["id"].as_i64().unwrap()]);
    let (s, _) = w.get(&gateway, "/api/grids").await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "no map data for an outside system"
    );
}

async fn every_write_leaves_a_line_in_the_audit_log(store: Arc<dyn Store>) {
    let w = world(&store).await;
    let id = w.report(MINE, "e_street_order").await;
    let planner = w.token("planner", "610581").await;
    let (_, d) = send(
        &w.r,
        Some(&planner),
        "POST",
        "/api/drafts",
        Some(&json!({})),
    )
    .await;
    let draft = d["id"].as_i64().unwrap();
    send(
        &w.r,
        Some(&planner),
        "DELETE",
        &format!("/api/drafts/{draft}"),
        None,
    )
    .await;
    let officer = w.token("officer", "610581001001001").await;
    let refused = json!({ "lng": THEIRS.0, "lat": THEIRS.1, "category": "e_street_order" });
    send(
        &w.r,
        Some(&officer),
        "POST",
        "/api/incidents",
        Some(&refused),
    )
    .await;

    let lines = store.audit(&AuditQuery::default()).await.unwrap();
    let find = |kind: &str, object: &str| {
        lines
            .iter()
            .find(|l| l.kind == kind && l.object == object)
            .unwrap_or_else(|| panic!("no {kind} {object} line in {lines:#?}"))
    };
    let report = find("incident.create", &format!("incident {id}"));
    assert!(report.actor.starts_with("token:test-admin"), "{report:?}");
    assert!(
        report
            .summary
            .contains("e_street_order in grid 610581001001001"),
        "{report:?}"
    );
    let made = find("POST /api/drafts", "/api/drafts");
    assert!(
        made.actor.starts_with("token:test-planner") && made.summary.contains("201"),
        "{made:?}"
    );
    find("DELETE /api/drafts/{id}", &format!("/api/drafts/{draft}"));
    let creates = lines.iter().filter(|l| l.kind == "incident.create").count();
    assert_eq!(creates, 1, "a refused report leaves no incident line");
}
