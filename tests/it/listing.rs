//! `GET /api/incidents` in pages (the hostile-clients issue, expensive lists): at most
//! 10,000 incidents a page, a `next` link that walks every incident exactly once newest first
//! (ties in time included), cursors the server did not give refused, and a bound on the rows
//! all listings hold at once. On both stores.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use gridd::app::App;
use gridd::http::HttpOptions;
use gridd::store::Store;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn router(store: &Arc<dyn Store>, options: HttpOptions) -> Router {
    common::admin_app(App::load(Arc::clone(store)).await.unwrap(), &options).await
}

async fn get(r: &Router, uri: &str) -> (StatusCode, Value) {
    common::call(r.clone(), Request::get(uri).body(Body::empty()).unwrap()).await
}

/// Loads `lines` NDJSON reports in one bulk request.
async fn bulk(r: &Router, lines: &[String]) {
    let req = Request::post("/api/incidents/bulk")
        .header("content-type", "application/x-ndjson")
        .body(Body::from(lines.join("\n")))
        .unwrap();
    let (s, v) = common::call(r.clone(), req).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["accepted"].as_u64(), Some(lines.len() as u64), "{v}");
}

/// A report at (lng, lat) made `minute` minutes into 2026-03-02.
fn report(lng: f64, lat: f64, minute: u32) -> String {
    format!(
        r#"{{"lng":{lng},"lat":{lat},"category":"e_street_order","description":"report","reported_at":"2026-03-02T{:02}:{:02}:00+08:00"}}"#,
        8 + minute / 60,
        minute % 60
    )
}

/// Follows `next` from `first` to the last page: every page's features in order, and the
/// number of pages.
async fn walk(r: &Router, first: &str) -> (Vec<Value>, usize) {
    let mut uri = first.to_string();
    let mut all = Vec::new();
    let mut pages = 0;
    loop {
        let (s, v) = get(r, &uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {v}");
        let features = v["features"].as_array().expect("features").clone();
        assert_eq!(v["numberReturned"].as_u64(), Some(features.len() as u64));
        all.extend(features);
        pages += 1;
        assert!(pages < 1000, "next never ends");
        match v["next"].as_str() {
            Some(next) => uri = next.to_string(),
            None => return (all, pages),
        }
    }
}

fn ids(features: &[Value]) -> Vec<i64> {
    features
        .iter()
        .map(|f| f["properties"]["id"].as_i64().expect("an id"))
        .collect()
}

both_stores!(
    setup = crate::common::with_fixture;
    following_next_lists_every_incident_once_newest_first_even_when_many_share_a_time,
    a_limit_over_ten_thousand_is_cut_to_a_page_of_ten_thousand_with_a_next_link,
    a_cursor_the_server_did_not_give_is_400_naming_cursor,
    listing_a_grid_as_drawn_now_pages_through_its_incidents_only,
    when_the_rows_in_flight_are_spent_a_listing_waits_then_gets_503_and_is_served_once_they_return,
);

async fn following_next_lists_every_incident_once_newest_first_even_when_many_share_a_time(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    // 2,345 reports over 100 distinct minutes: pages end in the middle of equal times.
    let lines: Vec<String> = (0..2345u32)
        .map(|i| report(110.431 + f64::from(i % 90) * 0.0001, 35.471, i % 100))
        .collect();
    bulk(&r, &lines).await;
    let (features, pages) = walk(&r, "/api/incidents?limit=500").await;
    assert_eq!(pages, 5);
    let listed = ids(&features);
    let unique: BTreeSet<i64> = listed.iter().copied().collect();
    assert_eq!(listed.len(), 2345, "every incident is listed");
    assert_eq!(unique.len(), 2345, "no incident is listed twice");
    let keys: Vec<(String, i64)> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let t = chrono::DateTime::parse_from_rfc3339(p["reported_at"].as_str().unwrap())
                .unwrap()
                .with_timezone(&chrono::Utc);
            (t.to_rfc3339(), p["id"].as_i64().unwrap())
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted, "newest first, then the larger id first");
    // Filters carry over to the next page.
    let (some, _) = walk(&r, "/api/incidents?limit=7&from=2026-03-02T01:30:00Z").await;
    // Minutes 90..99 of every hundred: 01:30Z (09:30 in Beijing) and later.
    assert_eq!(some.len(), 230);
    for f in &some {
        assert!(f["properties"]["reported_at"].as_str().unwrap() >= "2026-03-02T01:30");
    }
}

async fn a_limit_over_ten_thousand_is_cut_to_a_page_of_ten_thousand_with_a_next_link(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    let lines: Vec<String> = (0..10_050u32)
        .map(|i| report(110.431 + f64::from(i % 90) * 0.0001, 35.472, i % 600))
        .collect();
    bulk(&r, &lines).await;
    let (s, v) = get(&r, "/api/incidents?limit=50000").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["numberReturned"], 10_000);
    assert_eq!(v["features"].as_array().unwrap().len(), 10_000);
    let next = v["next"].as_str().expect("a next link");
    assert!(next.starts_with("/api/incidents?"), "{next}");
    assert!(next.contains("limit=10000"), "{next}");
    let (_, rest) = get(&r, next).await;
    assert_eq!(rest["numberReturned"], 50);
    assert!(
        rest.get("next").is_none(),
        "the last page has no next: {rest}"
    );
    // Without a limit a page holds 1,000, as before.
    let (_, v) = get(&r, "/api/incidents").await;
    assert_eq!(v["numberReturned"], 1000);
}

async fn a_cursor_the_server_did_not_give_is_400_naming_cursor(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    for bad in ["abc", "1_", "_5", "12345", "99999999999999999999_1"] {
        let (s, v) = get(&r, &format!("/api/incidents?cursor={bad}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert!(v["message"].as_str().unwrap().contains("cursor"), "{v}");
    }
    let (s, v) = get(&r, "/api/incidents?limit=0").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

async fn listing_a_grid_as_drawn_now_pages_through_its_incidents_only(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    // 610581001001002 spans lat 35.47..35.475; its top edge belongs to 610581001001001 (the
    // lower code takes a shared edge), so half these reports are in its box but not in it.
    let lines: Vec<String> = (0..600u32)
        .map(|i| {
            let lat = if i % 2 == 0 { 35.472 } else { 35.475 };
            report(110.431 + f64::from(i % 90) * 0.0001, lat, i % 300)
        })
        .collect();
    bulk(&r, &lines).await;
    let (features, pages) = walk(
        &r,
        "/api/incidents?grid=610581001001002&boundaries=current&limit=40",
    )
    .await;
    let listed = ids(&features);
    assert_eq!(listed.len(), 300, "the grid's own incidents");
    assert_eq!(listed.iter().collect::<BTreeSet<_>>().len(), 300);
    assert!(pages >= 8, "{pages} pages");
    for f in &features {
        assert_eq!(f["geometry"]["coordinates"][1], 35.472);
    }
}

async fn when_the_rows_in_flight_are_spent_a_listing_waits_then_gets_503_and_is_served_once_they_return(
    store: Arc<dyn Store>,
) {
    use tower::ServiceExt;
    let options = HttpOptions {
        listing_rows: 10_001,
        listing_wait: Duration::from_millis(300),
        ..HttpOptions::default()
    };
    let r = router(&store, options).await;
    // A page whose client has not read it yet holds its rows.
    let held = r
        .clone()
        .oneshot(
            Request::get("/api/incidents?limit=10000")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(held.status(), StatusCode::OK);
    let started = Instant::now();
    let (s, v) = get(&r, "/api/incidents?limit=10").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert!(v["message"].as_str().unwrap().contains("busy"), "{v}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    // Everything that is not a listing is answered meanwhile.
    let (s, _) = get(&r, "/api/grids?level=3").await;
    assert_eq!(s, StatusCode::OK);
    // The client goes away: its rows come back, and the next listing is served.
    drop(held);
    let (s, v) = get(&r, "/api/incidents?limit=10000").await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
