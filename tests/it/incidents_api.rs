//! Locate and incident intake through the HTTP API, on the fixture city, against both
//! stores: where points land (edges, vertices, GCJ-02), what a report gets back, bulk loads
//! that are all or nothing, and the errors bad input gets.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use gridd::app::App;
use gridd::domain::{Crs, Wgs84Point};
use gridd::http::HttpOptions;
use gridd::spatial::crs;
use gridd::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

async fn router(store: &Arc<dyn Store>, options: HttpOptions) -> Router {
    common::admin_app(App::load(Arc::clone(store)).await.unwrap(), &options).await
}

async fn get(r: &Router, uri: &str) -> (StatusCode, Value) {
    common::call(r.clone(), Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(r: &Router, uri: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let req = Request::post(uri).header("content-type", "application/json");
    common::call(r.clone(), req.body(body.into()).unwrap()).await
}

async fn incident_count(store: &Arc<dyn Store>) -> u64 {
    store.counts().await.unwrap().incidents
}

fn codes(v: &Value) -> Vec<&str> {
    v["grids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect()
}

both_stores!(
    setup = crate::common::with_fixture;
    locate_names_three_grids_the_compound_and_the_building_of_a_point,
    a_point_on_a_shared_edge_or_vertex_goes_to_the_lowest_code,
    a_point_outside_every_grid_has_no_grids_and_is_not_an_error,
    a_gcj02_or_bd09_coordinate_lands_where_its_wgs84_point_does,
    bad_locate_parameters_are_400_naming_the_parameter,
    a_posted_incident_is_201_with_its_grids_and_is_then_listed,
    bad_reports_are_400_naming_the_field_and_store_nothing,
    a_body_over_the_limit_is_413_and_stores_nothing,
    concurrent_reports_all_get_their_own_id,
    a_bulk_ndjson_or_csv_load_accepts_every_line,
    a_bulk_load_with_bad_lines_lists_each_by_number_and_stores_nothing,
    a_bulk_body_over_its_limit_is_413_and_stores_nothing,
    a_bulk_load_larger_than_one_read_chunk_is_indexed_whole,
    incident_listing_filters_by_open_status_lists_and_channel_and_refuses_bad_filters,
    grid_statistics_say_the_first_and_last_report_time_held_whatever_the_filter,
);

async fn locate_names_three_grids_the_compound_and_the_building_of_a_point(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let (status, v) = get(&r, "/api/locate?lng=110.4319&lat=35.4765").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(codes(&v), ["610581001", "610581001001", "610581001001001"]);
    assert_eq!(v["grids"][2]["level"], 3);
    assert_eq!(v["compound"]["id"], "C001");
    assert_eq!(v["compound"]["party_org"], "standalone");
    assert_eq!(v["building"]["id"], "B001");
    assert_eq!(v["wgs84"], json!([110.4319, 35.4765]));
}

async fn a_point_on_a_shared_edge_or_vertex_goes_to_the_lowest_code(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    // The edge x = 110.44 between the west and east level-2 (and level-3) grids.
    let (_, v) = get(&r, "/api/locate?lng=110.44&lat=35.4775").await;
    assert_eq!(codes(&v), ["610581001", "610581001001", "610581001001001"]);
    // The vertex shared by all four level-3 grids.
    let (_, v) = get(&r, "/api/locate?lng=110.44&lat=35.475").await;
    assert_eq!(codes(&v)[2], "610581001001001");
    // The east grids' shared edge y = 35.475: the lower code is the northern 001.
    let (_, v) = get(&r, "/api/locate?lng=110.447&lat=35.475").await;
    assert_eq!(codes(&v)[1..], ["610581001002", "610581001002001"]);
    // The outer boundary of the city is inside.
    let (_, v) = get(&r, "/api/locate?lng=110.45&lat=35.48").await;
    assert_eq!(codes(&v)[2], "610581001002001");
}

async fn a_point_outside_every_grid_has_no_grids_and_is_not_an_error(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let (status, v) = get(&r, "/api/locate?lng=116.4&lat=39.9").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["grids"], json!([]));
    assert_eq!(v["compound"], Value::Null);
    assert_eq!(v["building"], Value::Null);
}

async fn a_gcj02_or_bd09_coordinate_lands_where_its_wgs84_point_does(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let p = Wgs84Point::new(110.4466, 35.4717).unwrap();
    for system in [Crs::Gcj02, Crs::Bd09] {
        let (x, y) = crs::from_wgs84(p, system);
        assert!(
            (x - p.lng()).abs() > 1e-3,
            "the phone's coordinate is offset"
        );
        let (status, v) = get(&r, &format!("/api/locate?lng={x}&lat={y}&crs={system}")).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["building"]["id"], "B007", "{system}: {v}");
        assert_eq!(codes(&v)[2], "610581001002002");
        let back = v["wgs84"].as_array().unwrap();
        assert!((back[0].as_f64().unwrap() - p.lng()).abs() < 1e-6);
        assert!((back[1].as_f64().unwrap() - p.lat()).abs() < 1e-6);
        assert_eq!(v["raw"]["crs"], system.as_str());
    }
}

async fn bad_locate_parameters_are_400_naming_the_parameter(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    for (uri, names) in [
        ("/api/locate?lng=abc&lat=35.4", "lng"),
        ("/api/locate?lng=NaN&lat=35.4", "lng"),
        ("/api/locate?lng=110.4", "lat"),
        ("/api/locate?lng=110.4&lat=35.4&crs=utm", "crs"),
        ("/api/locate?lng=35.47&lat=110.44", "swapped"),
        ("/api/locate?lng=110.4&lat=35.4&srs=wgs84", "srs"),
    ] {
        let (status, v) = get(&r, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert!(v["message"].as_str().unwrap().contains(names), "{uri}: {v}");
    }
}

async fn a_posted_incident_is_201_with_its_grids_and_is_then_listed(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let report = json!({"lng": 110.4319, "lat": 35.4765, "category": "c_public_facilities",
        "description": "井盖破损", "channel": "resident_app"});
    let (status, v) = post(&r, "/api/incidents", report.to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert!(v["id"].as_i64().unwrap() > 0);
    assert_eq!(codes(&v), ["610581001", "610581001001", "610581001001001"]);
    assert_eq!(v["building"], "B001");
    assert_eq!(v["status"], "reported");
    let (_, list) = get(&r, "/api/incidents?grid=610581001001001").await;
    let features = list["features"].as_array().unwrap();
    assert_eq!(features.len(), 1);
    assert_eq!(features[0]["properties"]["id"], v["id"]);
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        json!([110.4319, 35.4765])
    );
    let (_, grid) = get(&r, "/api/grids/610581001001").await;
    assert_eq!(grid["properties"]["incidents"]["open"], 1);
}

async fn bad_reports_are_400_naming_the_field_and_store_nothing(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    for (body, names) in [
        (r#"{"lng":110.44,"lat":35.47}"#, "category"),
        (
            r#"{"lng":"NaN","lat":35.47,"category":"e_emergency"}"#,
            "lng",
        ),
        (r#"{"lng":110.44,"lat":95,"category":"e_emergency"}"#, "lat"),
        (
            r#"{"lng":110.44,"lat":35.47,"crs":"epsg:3857","category":"e_emergency"}"#,
            "crs",
        ),
        (
            r#"{"lng":110.44,"lat":35.47,"category":"e_emergency","when":"now"}"#,
            "when",
        ),
        (r#"{"lng":110.44,"lat":35.47,"#, "JSON"),
        (r#"[1,2]"#, "object"),
    ] {
        let (status, v) = post(&r, "/api/incidents", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains(names),
            "{body}: {v}"
        );
    }
    // What the report form translates: the field, a message code and its figures.
    for (body, field, code) in [
        (
            r#"{"lng":110.44,"lat":35.47}"#,
            "category",
            "intake.required",
        ),
        (
            r#"{"lng":35.47,"lat":110.44,"category":"e_emergency"}"#,
            "lat",
            "intake.swapped",
        ),
        (
            r#"{"lng":"east","lat":35.47,"category":"e_emergency"}"#,
            "lng",
            "intake.not_a_number",
        ),
    ] {
        let (status, v) = post(&r, "/api/incidents", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(
            (v["field"].as_str(), v["code"].as_str()),
            (Some(field), Some(code)),
            "{v}"
        );
        assert!(v["params"].is_object(), "{v}");
    }
    let (_, v) = post(
        &r,
        "/api/incidents",
        r#"{"lng":35.47,"lat":110.44,"category":"e_emergency"}"#,
    )
    .await;
    assert_eq!(
        (v["params"]["lng"].as_f64(), v["params"]["lat"].as_f64()),
        (Some(35.47), Some(110.44))
    );
    assert_eq!(incident_count(&store).await, 0);
}

async fn a_body_over_the_limit_is_413_and_stores_nothing(store: Arc<dyn Store>) {
    let options = HttpOptions {
        max_body_bytes: 256,
        ..Default::default()
    };
    let r = router(&store, options).await;
    let body = json!({"lng": 110.44, "lat": 35.47, "category": "e_emergency",
        "description": "长".repeat(200)});
    let (status, v) = post(&r, "/api/incidents", body.to_string()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"], "payload_too_large");
    assert_eq!(incident_count(&store).await, 0);
}

async fn concurrent_reports_all_get_their_own_id(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let posts = (0..200).map(|i| {
        let r = r.clone();
        tokio::spawn(async move {
            let lng = 110.431 + f64::from(i) * 0.00009;
            let body = json!({"lng": lng, "lat": 35.472, "category": "e_street_order"});
            post(&r, "/api/incidents", body.to_string()).await
        })
    });
    let mut ids = std::collections::BTreeSet::new();
    for p in posts {
        let (status, v) = p.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{v}");
        ids.insert(v["id"].as_i64().unwrap());
    }
    assert_eq!(ids.len(), 200);
    assert_eq!(incident_count(&store).await, 200);
}

async fn a_bulk_ndjson_or_csv_load_accepts_every_line(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let ndjson = [
        r#"{"lng":110.4319,"lat":35.4765,"category":"e_environment","reported_at":"2026-03-01T09:00:00+08:00","status":"closed"}"#,
        "",
        r#"{"lng":110.4466,"lat":35.4717,"crs":"wgs84","category":"c_greenery","channel":"patrol"}"#,
    ]
    .join("\n");
    let (status, v) = post(&r, "/api/incidents/bulk", ndjson).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["accepted"], 2);
    let csv = "lng,lat,crs,category,description\r\n110.4319,35.4765,wgs84,e_street_order,\"占道, 经营\"\r\n110.60,35.90,,e_other_events,outside the city\r\n";
    let (status, v) = post(&r, "/api/incidents/bulk", csv).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["accepted"], 2);
    assert_eq!(incident_count(&store).await, 4);
    let (_, list) = get(&r, "/api/incidents?category=e_street_order").await;
    assert_eq!(
        list["features"][0]["properties"]["description"],
        "占道, 经营"
    );
    assert_eq!(
        list["features"][0]["properties"]["grids"][2]["code"],
        "610581001001001"
    );
}

async fn a_bulk_load_with_bad_lines_lists_each_by_number_and_stores_nothing(store: Arc<dyn Store>) {
    let r = router(&store, HttpOptions::default()).await;
    let good = r#"{"lng":110.4319,"lat":35.4765,"category":"e_environment"}"#;
    let mut lines = vec![good.to_string(); 9000];
    lines[1] = r#"{"lng":110.4319,"lat":35.4765}"#.into();
    lines[3] = "not json".into();
    lines[8999] = r#"{"lng":110.4319,"lat":"x","category":"e_environment"}"#.into();
    let (status, v) = post(&r, "/api/incidents/bulk", lines.join("\n")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.starts_with("3 bad line(s) of 9000"), "{message}");
    for needle in ["line 2: category", "line 4: line", "line 9000: lat"] {
        assert!(message.contains(needle), "{needle} in {message}");
    }
    assert_eq!(incident_count(&store).await, 0, "all or nothing");
    let (status, v) = post(&r, "/api/incidents/bulk", "lng,lat,colour\n1,2,red\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("line 1: header"),
        "{v}"
    );
    let (status, _) = post(&r, "/api/incidents/bulk", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn a_bulk_body_over_its_limit_is_413_and_stores_nothing(store: Arc<dyn Store>) {
    let options = HttpOptions {
        max_bulk_bytes: 10_000,
        ..Default::default()
    };
    let r = router(&store, options).await;
    let line = r#"{"lng":110.4319,"lat":35.4765,"category":"e_environment"}"#;
    let (status, v) = post(&r, "/api/incidents/bulk", vec![line; 1000].join("\n")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(incident_count(&store).await, 0);
}

async fn incident_listing_filters_by_open_status_lists_and_channel_and_refuses_bad_filters(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    let ndjson = [
        r#"{"lng":110.4319,"lat":35.4765,"category":"e_environment","reported_at":"2026-01-10T09:00:00Z","status":"closed"}"#,
        r#"{"lng":110.4466,"lat":35.4717,"category":"e_environment","reported_at":"2026-02-10T09:00:00Z"}"#,
        r#"{"lng":110.4466,"lat":35.4717,"category":"c_greenery","reported_at":"2026-03-10T09:00:00Z","channel":"hotline_12345"}"#,
    ]
    .join("\n");
    assert_eq!(
        post(&r, "/api/incidents/bulk", ndjson).await.0,
        StatusCode::OK
    );
    let n = |v: &Value| v["features"].as_array().unwrap().len();
    assert_eq!(
        n(&get(&r, "/api/incidents?category=e_environment").await.1),
        2
    );
    assert_eq!(n(&get(&r, "/api/incidents?status=closed").await.1), 1);
    assert_eq!(n(&get(&r, "/api/incidents?status=open").await.1), 2);
    assert_eq!(
        n(&get(&r, "/api/incidents?status=closed,reported").await.1),
        3
    );
    assert_eq!(
        n(&get(&r, "/api/incidents?channel=hotline_12345").await.1),
        1
    );
    assert_eq!(
        n(&get(&r, "/api/incidents?from=2026-02-01&to=2026-03-01")
            .await
            .1),
        1
    );
    assert_eq!(n(&get(&r, "/api/incidents?grid=610581001002").await.1), 2);
    assert_eq!(
        n(&get(&r, "/api/incidents?bbox=110.43,35.47,110.44,35.48")
            .await
            .1),
        1
    );
    assert_eq!(n(&get(&r, "/api/incidents?limit=1").await.1), 1);
    for (uri, names) in [
        ("/api/incidents?status=lost", "status"),
        ("/api/incidents?limit=0", "limit"),
        ("/api/incidents?channel=fax", "channel"),
        ("/api/incidents?from=last-week", "from"),
        ("/api/incidents?grid=61X", "grid"),
    ] {
        let (status, v) = get(&r, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert!(v["message"].as_str().unwrap().contains(names), "{uri}: {v}");
    }
}

async fn a_bulk_load_larger_than_one_read_chunk_is_indexed_whole(store: Arc<dyn Store>) {
    // A server that reads the store seven incidents at a time indexes a 50-line load in
    // eight reads, not one list of every new row.
    let app = App::load_by(Arc::clone(&store), 7).await.unwrap();
    let r = common::admin_app(app.clone(), &HttpOptions::default()).await;
    let lines: Vec<String> = (0..50)
        .map(|i| {
            format!(
                r#"{{"lng":{},"lat":35.472,"category":"e_street_order"}}"#,
                110.431 + f64::from(i) * 0.0001
            )
        })
        .collect();
    let (s, v) = post(&r, "/api/incidents/bulk", lines.join("\n")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(app.incidents().read().len(), 50);
    let (_, rows) = get(&r, "/api/stats/grids?level=3").await;
    let row = rows["grids"]
        .as_array()
        .or(rows.as_array())
        .unwrap()
        .iter()
        .find(|g| g["code"] == "610581001001002")
        .cloned()
        .unwrap();
    assert_eq!(row["incidents"], 50, "{row}");
}

async fn grid_statistics_say_the_first_and_last_report_time_held_whatever_the_filter(
    store: Arc<dyn Store>,
) {
    let r = router(&store, HttpOptions::default()).await;
    let (_, empty) = get(&r, "/api/stats/grids?level=1").await;
    assert_eq!(
        (&empty["data_from"], &empty["data_until"]),
        (&json!(null), &json!(null))
    );
    for at in [
        "2026-03-02T08:00:00Z",
        "2026-01-15T23:30:00Z",
        "2026-02-01T12:00:00Z",
    ] {
        let (s, v) = post(
            &r,
            "/api/incidents",
            json!({ "lng": 110.4319, "lat": 35.4765, "category": "e_environment", "reported_at": at })
                .to_string(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    // A range after the last report finds nothing; the answer still says where the data ends.
    let (_, v) = get(&r, "/api/stats/grids?level=1&from=2026-06-01").await;
    assert_eq!(v["grids"][0]["incidents"], 0);
    assert_eq!(v["data_from"], "2026-01-15T23:30:00Z");
    assert_eq!(v["data_until"], "2026-03-02T08:00:00Z");
}
