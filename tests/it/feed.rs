//! Two servers on one store, kept in step by the change feed, on both stores: each test opens
//! the store twice (two handles are two servers: each has its own origin, engine and incident
//! columns) and checks that what one does shows in the other's memory — tiles, statistics,
//! KPIs, the engine, the calendar, sessions — within the bound a user would notice, through
//! the background reader alone (no test calls a catch-up by hand unless it says so).

use crate::cases_api::{setup, Loop, MINE};
use crate::common;
use crate::drafts_api;
use axum::http::StatusCode;
use gridd::app::App;
use gridd::http::{app, HttpOptions};
use gridd::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Declares each test for two handles on one SQLite file and on one PostGIS database.
macro_rules! two_servers {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite:{}", dir.path().join("gridd.db").display());
                let a = gridd::store::open(&url).await.expect("first handle");
                let b = gridd::store::open(&url).await.expect("second handle");
                super::$name(a, b).await;
            })+
        }
        mod postgis {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
            async fn $name() {
                let url = crate::common::pg_fresh_database().await;
                let a = gridd::store::open(&url).await.expect("first handle");
                let b = gridd::store::open(&url).await.expect("second handle");
                super::$name(a, b).await;
            })+
        }
    };
}

two_servers!(
    a_report_and_its_transitions_on_one_server_show_in_the_other_within_a_second,
    a_publish_on_one_server_changes_locate_and_statistics_on_the_other,
    a_calendar_change_and_a_disabled_account_reach_the_other_server,
    reports_from_many_writers_at_once_all_reach_the_other_server_in_sequence,
);

/// Waits until `$cond` holds, failing after `$limit`; how long it took.
macro_rules! within {
    ($limit:expr, $what:expr, $cond:expr) => {{
        let start = Instant::now();
        loop {
            if $cond {
                break start.elapsed();
            }
            assert!(
                start.elapsed() < $limit,
                "{} did not happen within {:?}",
                $what,
                $limit
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }};
}

const A_SECOND: Duration = Duration::from_secs(1);

/// The second server, on handle `b`, with the first one's sessions.
async fn second(b: &Arc<dyn Store>, first: &Loop) -> (App, Loop) {
    let state = App::load(Arc::clone(b))
        .await
        .expect("the second server loads");
    let l = Loop {
        r: app(state.clone(), &HttpOptions::default()),
        cookies: first.cookies.clone(),
    };
    (state, l)
}

fn kpi_total(v: &Value, what: &str) -> u64 {
    v["total"]["counts"][what].as_u64().unwrap_or(0)
}

async fn a_report_and_its_transitions_on_one_server_show_in_the_other_within_a_second(
    a: Arc<dyn Store>,
    b: Arc<dyn Store>,
) {
    common::loaded(&a).await;
    let one = setup(&a).await;
    let (b_state, two) = second(&b, &one).await;
    assert_eq!(b_state.incidents().read().len(), 0);

    let id = one.report("officer.a", MINE, "e_street_order").await;
    within!(
        A_SECOND,
        "the report in the second server's tiles and counts",
        b_state.incidents().read().len() == 1
    );
    let (s, stats) = two
        .send("leader", "GET", "/api/stats/grids?level=3", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    let row = stats["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "610581001001001")
        .cloned()
        .unwrap();
    assert_eq!(row["incidents"], 1, "{row}");

    one.ok("dispatch", id, "register", json!({ "urgency": "normal" }))
        .await;
    one.ok("dispatch", id, "dispatch", json!({})).await;
    within!(A_SECOND, "the dispatch in the second server's KPIs", {
        let (_, k) = two
            .send("dispatch", "GET", "/api/stats/kpis?level=3", None)
            .await;
        kpi_total(&k, "dispatched") == 1 && kpi_total(&k, "registered") == 1
    });
    // The second server moves the case on, and the first hears of it.
    two.ok("chengguan", id, "accept", json!({})).await;
    two.ok("chengguan", id, "respond", json!({ "note": "摊位已清理" }))
        .await;
    within!(A_SECOND, "the response in the first server's KPIs", {
        let (_, k) = one
            .send("dispatch", "GET", "/api/stats/kpis?level=3", None)
            .await;
        kpi_total(&k, "responded") == 1
    });
}

async fn a_publish_on_one_server_changes_locate_and_statistics_on_the_other(
    a: Arc<dyn Store>,
    b: Arc<dyn Store>,
) {
    let r = drafts_api::router(Arc::clone(&a)).await;
    let b_state = App::load(Arc::clone(&b)).await.unwrap();
    let r2 = common::admin_app(b_state.clone(), &HttpOptions::default()).await;
    let (code, point) = drafts_api::oversized(&r).await;
    let locate = format!("/api/locate?lng={}&lat={}", point[0], point[1]);
    let (_, before) = drafts_api::get(&r2, &locate).await;
    assert_eq!(before["grids"][2]["code"], code.as_str(), "{before}");

    let (id, _) = drafts_api::draft_with_split(&r, "拆分", &code).await;
    let generation = b_state.generation();
    let (s, p) = drafts_api::post(&r, &format!("/api/drafts/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");

    // Rebuilding the engine of a whole city takes a moment: allow five seconds.
    within!(
        Duration::from_secs(5),
        "the new engine on the second server",
        b_state.generation() > generation
    );
    let (_, after) = drafts_api::get(&r2, &locate).await;
    let now = after["grids"][2]["code"].as_str().unwrap().to_string();
    assert_ne!(
        now, code,
        "the retired grid no longer answers locate: {after}"
    );
    assert!(now.len() == code.len() && now[..12] == code[..12], "{now}");
    let (_, stats) = drafts_api::get(&r2, "/api/stats/grids?level=3").await;
    let codes: Vec<&str> = stats["grids"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["code"].as_str())
        .collect();
    assert!(codes.contains(&now.as_str()) && !codes.contains(&code.as_str()));
}

async fn a_calendar_change_and_a_disabled_account_reach_the_other_server(
    a: Arc<dyn Store>,
    b: Arc<dyn Store>,
) {
    common::loaded(&a).await;
    let one = setup(&a).await;
    let (b_state, two) = second(&b, &one).await;
    let (s, _) = two.send("leader", "GET", "/api/session", None).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "the leader's session works on the second server"
    );

    // As `gridd calendar import` would: a new limit straight into the store.
    use gridd::domain::calendar::{Limit, LimitRule, Urgency};
    let limit = LimitRule {
        category: gridd::domain::Category::StreetOrder,
        urgency: Urgency::Normal,
        limit: Limit::WorkingDays(9),
    };
    a.put_deadlines(&gridd::store::deadlines::DeadlinesChange {
        days: None,
        limits: Some(vec![limit]),
    })
    .await
    .unwrap();
    within!(
        A_SECOND,
        "the new time limit on the second server",
        b_state
            .deadlines()
            .limits
            .get(limit.category, limit.urgency)
            == limit.limit
    );

    // As `gridd user disable` would: the session stops working on the other server at once
    // (not after the 5 s a checked session is otherwise trusted).
    let login = gridd::domain::access::Login::parse("leader").unwrap();
    assert!(a.set_disabled(&login, true).await.unwrap());
    within!(A_SECOND, "the disabled account refused", {
        two.send("leader", "GET", "/api/session", None).await.0 == StatusCode::UNAUTHORIZED
    });
}

async fn reports_from_many_writers_at_once_all_reach_the_other_server_in_sequence(
    a: Arc<dyn Store>,
    b: Arc<dyn Store>,
) {
    common::loaded(&a).await;
    let a_state = App::load(Arc::clone(&a)).await.unwrap();
    let b_state = App::load(Arc::clone(&b)).await.unwrap();
    let (tasks, each) = (16, 40);
    let mut writers = Vec::new();
    for t in 0..tasks {
        let s = a_state.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..each {
                let lng = 110.4301 + f64::from(t) * 0.0005 + f64::from(i) * 0.00001;
                let body = json!({ "lng": lng, "lat": 35.4772, "category": "e_environment" });
                let n = gridd::intake::report::RawReport::from_json(&body)
                    .and_then(|r| r.into_incident(&s.engine(), chrono::Utc::now()))
                    .expect("a valid report");
                s.report(n).await.expect("stored");
            }
        }));
    }
    // The second server reads while the writers commit, so lines arrive out of id order
    // and interleaved; none may be skipped.
    let reader = {
        let b_state = b_state.clone();
        tokio::spawn(async move {
            for _ in 0..50 {
                b_state.catch_up_changes().await.expect("catching up");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    reader.await.unwrap();
    let stored = a.counts().await.unwrap().incidents;
    assert_eq!(stored, (tasks * each) as u64);
    within!(
        A_SECOND,
        "every report on the second server",
        b_state.incidents().read().len() as u64 == stored
    );
    assert_eq!(
        b_state.feed.applied(),
        b.last_change().await.unwrap(),
        "the second server has applied the whole log"
    );
}
