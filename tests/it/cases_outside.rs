//! The loop as people outside the office meet it, on both stores: the public problem wall
//! (no login, no point, no person), possible duplicates offered to a reporter, and 12345
//! hotline orders (one order, one case) whose changes reach the hotline's outbox in order.

use crate::cases_api::{setup, MINE};
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use gridd::app::App;
use gridd::http::{app, HttpOptions};
use gridd::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    the_public_wall_shows_registered_problems_by_place_without_point_or_person,
    a_report_near_an_open_case_of_its_category_is_offered_as_a_possible_duplicate,
    a_hotline_order_posted_twice_is_one_case_whose_changes_reach_the_outbox_in_order,
    an_overdue_case_shows_in_the_overdue_heat_until_its_clock_stops,
);

async fn the_public_wall_shows_registered_problems_by_place_without_point_or_person(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    let body = json!({ "lng": MINE.0, "lat": MINE.1, "category": "e_street_order",
                       "reporter_name": "王小明", "reporter_phone": "13812345678",
                       "description": "3号楼门口占道" });
    let (_, v) = l
        .send("officer.a", "POST", "/api/incidents", Some(body))
        .await;
    let shown = v["id"].as_i64().unwrap();
    l.ok("dispatch", shown, "register", json!({})).await;
    l.ok("dispatch", shown, "dispatch", json!({})).await;
    let fresh = l.report("officer.a", MINE, "e_street_order").await;
    let rejected = l.report("officer.a", MINE, "e_street_order").await;
    l.ok("dispatch", rejected, "register", json!({})).await;
    l.ok(
        "dispatch",
        rejected,
        "reject",
        json!({ "note": "不属于受理范围" }),
    )
    .await;

    let anonymous = Request::get("/api/wall").body(Body::empty()).unwrap();
    let (s, wall) = common::call(l.r.clone(), anonymous).await;
    assert_eq!(s, StatusCode::OK, "{wall}");
    let problems = wall["problems"].as_array().unwrap();
    let ids: Vec<i64> = problems.iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(
        ids,
        [shown],
        "not the unregistered {fresh} nor the rejected {rejected}"
    );
    let p = &problems[0];
    assert_eq!(p["place"], "西区北片", "the grid's name, no compound there");
    assert_eq!(
        (p["department"].as_str(), p["status"].as_str()),
        (Some("城管执法局"), Some("dispatched"))
    );
    let text = p.to_string();
    for secret in ["王", "138", "3号楼", "110.43", "35.47", "reporter"] {
        assert!(
            !text.contains(secret),
            "{secret} on the public wall: {text}"
        );
    }
}

async fn a_report_near_an_open_case_of_its_category_is_offered_as_a_possible_duplicate(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    let first = l.report("officer.a", MINE, "e_street_order").await;
    let _other_kind = l.report("officer.a", MINE, "e_environment").await;
    // 100 m north: near; 300 m north is outside 250 m (and outside the officer's grid).
    let near = (MINE.0, MINE.1 + 100.0 / 111_320.0);
    let body = json!({ "lng": near.0, "lat": near.1, "category": "e_street_order" });
    let (s, v) = l
        .send("dispatch", "POST", "/api/incidents", Some(body))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let dups = v["possible_duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{v}");
    assert_eq!(dups[0]["id"].as_i64(), Some(first));
    let d = dups[0]["distance_m"].as_f64().unwrap();
    assert!((d - 100.0).abs() < 0.5, "{d}");
    // Where it is, for a pin on the dispatcher's map: the first report's point.
    let at = &dups[0]["wgs84"];
    assert!(
        (at[0].as_f64().unwrap() - MINE.0).abs() < 1e-6
            && (at[1].as_f64().unwrap() - MINE.1).abs() < 1e-6,
        "{at}"
    );
    let second = v["id"].as_i64().unwrap();
    let (s, v) = l
        .send(
            "dispatch",
            "GET",
            &format!(
                "/api/incidents/nearby?lng={}&lat={}&category=e_street_order",
                MINE.0, MINE.1
            ),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ids: Vec<i64> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [first, second], "nearest first");
    l.ok("dispatch", first, "reject", json!({})).await;
    let (_, v) = l
        .send(
            "dispatch",
            "GET",
            &format!(
                "/api/incidents/nearby?lng={}&lat={}&category=e_street_order",
                MINE.0, MINE.1
            ),
            None,
        )
        .await;
    assert_eq!(
        v["cases"].as_array().unwrap().len(),
        1,
        "a closed case is no duplicate: {v}"
    );
    // From 400 m north of the first report, the second (100 m north) is 300 m away: too far.
    let far = (MINE.0, MINE.1 + 400.0 / 111_320.0);
    let (_, v) = l
        .send(
            "dispatch",
            "GET",
            &format!(
                "/api/incidents/nearby?lng={}&lat={}&category=e_street_order",
                far.0, far.1
            ),
            None,
        )
        .await;
    assert!(v["cases"].as_array().unwrap().is_empty(), "{v}");
}

async fn a_hotline_order_posted_twice_is_one_case_whose_changes_reach_the_outbox_in_order(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    let state = App::load(Arc::clone(&store)).await.unwrap();
    let hotline = common::token(&state, "reporter", "").await;
    let other = common::token(&state, "reporter", "").await;
    let r = app(state, &HttpOptions::default());
    let post = |token: String, body: Value| {
        let r = r.clone();
        async move {
            let req = Request::post("/api/incidents")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            common::call(r, req).await
        }
    };
    let order = json!({ "lng": MINE.0, "lat": MINE.1, "category": "e_street_order",
                        "channel": "hotline_12345", "order_no": "GD20261203-0001" });
    let (s, first) = post(hotline.clone(), order.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let (s, again) = post(hotline.clone(), order.clone()).await;
    assert_eq!(
        (s, again["id"].clone()),
        (StatusCode::OK, first["id"].clone()),
        "{again}"
    );
    assert_eq!(
        store.counts().await.unwrap().incidents,
        1,
        "one order, one case"
    );
    let (s, v) = post(other.clone(), order.clone()).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "another system's order number: {v}"
    );
    let (s, v) = post(
        hotline.clone(),
        json!({ "lng": MINE.0, "lat": MINE.1, "category": "e_street_order", "order_no": "X1" }),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "an order number only on a hotline report: {v}"
    );

    let id = first["id"].as_i64().unwrap();
    l.ok("dispatch", id, "register", json!({})).await;
    l.ok("dispatch", id, "dispatch", json!({ "note": "派城管" }))
        .await;
    let read = |token: String, after: i64| {
        let r = r.clone();
        async move {
            let req = Request::get(format!("/api/outbox?after={after}"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            common::call(r, req).await.1
        }
    };
    let v = read(hotline.clone(), 0).await;
    let lines = v["lines"].as_array().unwrap();
    let steps: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["action"].as_str().unwrap(), l["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [("register", "registered"), ("dispatch", "dispatched")]
    );
    assert_eq!(lines[1]["order_no"], "GD20261203-0001");
    assert_eq!(lines[1]["note"], "派城管");
    let last = lines[0]["seq"].as_i64().unwrap();
    let v = read(hotline.clone(), last).await;
    assert_eq!(
        v["lines"].as_array().unwrap().len(),
        1,
        "after a seq, only what came later"
    );
    let v = read(other, 0).await;
    assert!(
        v["lines"].as_array().unwrap().is_empty(),
        "another system reads none of it"
    );
}

/// A density tile's total count, fetched as `token`.
async fn tile_count(r: &axum::Router, token: &str, query: &str) -> u64 {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let (x, y) = gridd::engine::heat::mercator(MINE.0, MINE.1);
    let n = f64::from(1u32 << 12);
    let uri = format!(
        "/tiles/density/12/{}/{}.mvt?{query}",
        (x * n) as u32,
        (y * n) as u32
    );
    let req = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    crate::tiles_api::total_count(&res.into_body().collect().await.unwrap().to_bytes())
}

async fn an_overdue_case_shows_in_the_overdue_heat_until_its_clock_stops(store: Arc<dyn Store>) {
    use gridd::app::auth::Principal;
    use gridd::app::cases::TransitionRequest;
    use gridd::domain::access::{Role, Scope};
    use gridd::domain::case::Action;
    let state = App::load(Arc::clone(&store)).await.unwrap();
    let admin = common::token(&state, "admin", "*").await;
    let r = app(state.clone(), &HttpOptions::default());
    let report = json!({ "lng": MINE.0, "lat": MINE.1, "category": "e_street_order" });
    let req = Request::post("/api/incidents")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(report.to_string()))
        .unwrap();
    let (s, v) = common::call(r.clone(), req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let dispatcher = Principal {
        actor: "dispatch".into(),
        role: Role::Dispatcher,
        scope: Scope::Counties(vec!["610581".into()]),
        display_name: "值班员".into(),
        officer: None,
        department: None,
    };
    gridd::app::accounts::put_department(&*store, "test", "城管执法局", "e_street_order")
        .await
        .unwrap();
    let week_ago = chrono::Utc::now() - chrono::Duration::days(7);
    let step = |action, version| TransitionRequest {
        action,
        version,
        note: String::new(),
        department: None,
        urgency: None,
        days: None,
        duplicate_of: None,
        satisfaction: None,
    };
    for (version, action) in [(1, Action::Register), (2, Action::Dispatch)] {
        state
            .transition(id, step(action, version), &dispatcher, "test", week_ago)
            .await
            .unwrap();
    }
    assert_eq!(tile_count(&r, &admin, "").await, 1);
    assert_eq!(
        tile_count(&r, &admin, "overdue=true").await,
        1,
        "dispatched a week ago with one working day"
    );
    let case = state.case(id, &dispatcher).await.unwrap();
    assert!(case.facts.due_at.unwrap() < chrono::Utc::now());
    let (_, v) = common::call(
        r.clone(),
        Request::get("/api/incidents?overdue=true")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(v["features"].as_array().unwrap().len(), 1, "{v}");
    let admin_p = Principal {
        role: Role::Admin,
        scope: Scope::Everything,
        ..dispatcher.clone()
    };
    state
        .transition(
            id,
            step(Action::Return, 3),
            &admin_p,
            "test",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        tile_count(&r, &admin, "overdue=true").await,
        0,
        "returned to the dispatcher: the clock stopped"
    );
}
