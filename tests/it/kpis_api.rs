//! The loop's KPIs through the HTTP API on both stores: cases worked through the loop show
//! up per level-3 grid, per level-1 grid and per department, as JSON and CSV, cut to the
//! caller's scope. (Every formula is checked against a hand-worked fixture in
//! `domain::kpi`; here the figures come from real transitions in a real store.)

use crate::cases_api::{setup, MINE};
use axum::http::StatusCode;
use gridd::store::Store;
use serde_json::json;
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    kpis_count_worked_cases_per_grid_and_department_and_cut_to_the_scope,
    a_generated_year_of_worked_cases_gives_the_same_kpis_from_memory_as_from_the_stored_histories,
);

async fn a_generated_year_of_worked_cases_gives_the_same_kpis_from_memory_as_from_the_stored_histories(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    for i in 0..60 {
        let category = ["e_street_order", "c_public_facilities", "e_environment"][i % 3];
        l.report("officer.a", MINE, category).await;
    }
    let now = chrono::Utc::now();
    let w = gridd::app::worked::work_cases(
        &*store,
        7,
        now + chrono::Duration::days(20),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(w.cases, 60);
    assert!(w.events > 60 * 4, "{w:?}");

    // Every stored history is a legal walk ending in the stored state.
    let records = store.case_records(&Default::default()).await.unwrap();
    assert_eq!(records.len(), 60);
    let mut expected = gridd::domain::kpi::Counts::default();
    let calendar = gridd::domain::calendar::shipped();
    for (id, r) in &records {
        let (_, case) = l.case("dispatch", *id).await;
        let history = case["history"].as_array().unwrap();
        assert_eq!(history.len(), r.events.len());
        assert_eq!(case["version"], history.len() + 1);
        assert_eq!(case["status"], r.status.as_str(), "{case}");
        expected.add(r, now, &calendar);
    }

    // Read by report time or by id range, each case comes with its own history only.
    let mut times: Vec<_> = records.iter().map(|(_, r)| r.reported_at).collect();
    times.sort();
    let (from, to) = (times[10], times[40]);
    let ids = (records[5].0, records[50].0);
    let some = store
        .case_records(&gridd::store::RecordQuery {
            from: Some(from),
            to: Some(to),
            ids: Some(ids),
        })
        .await
        .unwrap();
    let want: Vec<_> = records
        .iter()
        .filter(|(id, r)| {
            r.reported_at >= from && r.reported_at < to && (ids.0..=ids.1).contains(id)
        })
        .collect();
    assert!(!want.is_empty() && want.len() < 45, "{}", want.len());
    assert_eq!(
        format!("{:?}", some.iter().collect::<Vec<_>>()),
        format!("{want:?}")
    );

    let fresh = gridd::app::App::load(Arc::clone(&store)).await.unwrap();
    let who = gridd::app::auth::Principal {
        actor: "admin".into(),
        role: gridd::domain::access::Role::Admin,
        scope: gridd::domain::access::Scope::Everything,
        display_name: "admin".into(),
        officer: None,
        department: None,
    };
    let q = gridd::app::kpis::KpiQuery {
        by: gridd::app::kpis::KpiBy::Grid(gridd::domain::Level::Three),
        parent: None,
        department: None,
        from: None,
        to: None,
    };
    let (_, total) = fresh.kpis(&q, &who, now);
    assert_eq!(total, expected);
    assert!(total.closed > 0 && total.evaluated > 0, "{total:?}");

    // A server reading the store seven incidents at a time (as a large store is read, a
    // chunk at a time) holds the same cases, KPIs and open cases' due times.
    let chunked = gridd::app::App::load_by(Arc::clone(&store), 7)
        .await
        .unwrap();
    assert_eq!(chunked.incidents().read().len(), 60);
    let same = |q: &gridd::app::kpis::KpiQuery| {
        assert_eq!(
            format!("{:?}", chunked.kpis(q, &who, now)),
            format!("{:?}", fresh.kpis(q, &who, now))
        )
    };
    same(&q);
    let per_department = gridd::app::kpis::KpiQuery {
        by: gridd::app::kpis::KpiBy::Department,
        ..q
    };
    same(&per_department);
}

async fn kpis_count_worked_cases_per_grid_and_department_and_cut_to_the_scope(
    store: Arc<dyn Store>,
) {
    let l = setup(&store).await;
    let done = l.report("officer.a", MINE, "e_street_order").await;
    l.ok("dispatch", done, "register", json!({})).await;
    l.ok("dispatch", done, "dispatch", json!({})).await;
    l.ok("chengguan", done, "accept", json!({})).await;
    l.ok("chengguan", done, "respond", json!({})).await;
    l.ok("officer.a", done, "verify_fail", json!({})).await;
    l.ok("chengguan", done, "respond", json!({})).await;
    l.ok("officer.a", done, "verify_pass", json!({})).await;
    l.ok(
        "dispatch",
        done,
        "evaluate",
        json!({ "satisfaction": "basic" }),
    )
    .await;
    let rejected = l.report("officer.a", MINE, "e_street_order").await;
    l.ok("dispatch", rejected, "register", json!({})).await;
    l.ok("dispatch", rejected, "reject", json!({})).await;
    l.report("officer.a", MINE, "e_street_order").await;

    let (s, v) = l
        .send("dispatch", "GET", "/api/stats/kpis?level=3", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    let r = &rows[0];
    assert_eq!(
        (r["key"].as_str(), r["name"].as_str()),
        (Some("610581001001001"), Some("西区北片"))
    );
    let c = &r["counts"];
    assert_eq!(
        [
            c["reported"].as_u64(),
            c["registered"].as_u64(),
            c["dispatched"].as_u64(),
            c["responded"].as_u64(),
            c["reworked"].as_u64(),
            c["closed"].as_u64(),
            c["due"].as_u64(),
            c["evaluated"].as_u64(),
            c["satisfied"].as_u64()
        ],
        [
            Some(3),
            Some(2),
            Some(1),
            Some(2),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1)
        ],
        "{c}"
    );
    assert_eq!(r["rates"]["registration_rate"], 0.667);
    assert_eq!(r["rates"]["rework_rate"], 0.5);
    assert_eq!(r["rates"]["closing_rate"], 1.0);
    assert_eq!(v["total"]["counts"], r["counts"]);

    let (_, v) = l
        .send("dispatch", "GET", "/api/stats/kpis?level=1", None)
        .await;
    assert_eq!(v["rows"][0]["key"], "610581001");
    let (_, v) = l
        .send("dispatch", "GET", "/api/stats/kpis?by=department", None)
        .await;
    let names: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["城管执法局"]);
    let (_, v) = l
        .send(
            "dispatch",
            "GET",
            "/api/stats/kpis?level=3&department=住建局",
            None,
        )
        .await;
    assert!(
        v["rows"].as_array().unwrap().is_empty(),
        "no case went to 住建局: {v}"
    );
    let (_, v) = l
        .send("officer.b", "GET", "/api/stats/kpis?level=3", None)
        .await;
    assert!(
        v["rows"].as_array().unwrap().is_empty(),
        "another grid's officer sees none: {v}"
    );
    let (s, csv) = l
        .send(
            "dispatch",
            "GET",
            "/api/stats/kpis?level=3&format=csv",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.as_str().unwrap();
    assert!(
        csv.starts_with("key,name,reported,registered,dispatched,returned,"),
        "{csv}"
    );
    assert!(csv.contains("\n610581001001001,西区北片,3,2,"), "{csv}");
    assert!(
        csv.trim_end()
            .ends_with(|c: char| c.is_ascii_digit() || c == ','),
        "{csv}"
    );

    // Trend rows: per month and per week of report (China time), oldest first.
    let (_, v) = l
        .send("dispatch", "GET", "/api/stats/kpis?by=month", None)
        .await;
    let month = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m")
        .to_string();
    assert_eq!(v["by"], "month");
    assert_eq!(v["rows"][0]["key"], month.as_str(), "{v}");
    assert_eq!(v["rows"][0]["counts"]["reported"], 3);
    let (_, v) = l
        .send("dispatch", "GET", "/api/stats/kpis?by=week", None)
        .await;
    let monday =
        chrono::NaiveDate::parse_from_str(v["rows"][0]["key"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    assert_eq!(chrono::Datelike::weekday(&monday), chrono::Weekday::Mon);
    let (s, v) = l
        .send("dispatch", "GET", "/api/stats/kpis?by=year", None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // A server started afresh on the same store builds its KPI index from the histories
    // and answers exactly what the live one (kept up by each transition) answers.
    let fresh = setup_again(&store, &l).await;
    for q in ["level=3", "level=1", "by=department"] {
        let uri = format!("/api/stats/kpis?{q}");
        let (_, live) = l.send("dispatch", "GET", &uri, None).await;
        let (_, loaded) = fresh.send("dispatch", "GET", &uri, None).await;
        assert_eq!(live["rows"], loaded["rows"], "{q}");
    }
}

async fn setup_again(store: &Arc<dyn Store>, l: &crate::cases_api::Loop) -> crate::cases_api::Loop {
    let state = gridd::app::App::load(Arc::clone(store)).await.unwrap();
    crate::cases_api::Loop {
        r: gridd::http::app(state, &gridd::http::HttpOptions::default()),
        cookies: l.cookies.clone(),
    }
}
