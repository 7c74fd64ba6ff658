//! Open311 GeoReport v2 under `/open311/v2` on the fixture city, both stores, with the
//! standard's own examples (wiki.open311.org/GeoReport_v2): discovery and services in JSON
//! and XML, the example POST (refused for its San Francisco coordinates, filed with ours),
//! the example GET with its dates and status, one request by id, a reporter's own requests,
//! statuses mapped from the loop, and the errors the standard lists (403 without api_key,
//! 400 for an unknown service_code, 404 for an unknown request), in both formats.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use gridd::app::App;
use gridd::http::HttpOptions;
use gridd::store::Store;
use serde_json::Value;
use std::sync::Arc;

struct Open311 {
    r: Router,
    state: App,
}

async fn send(r: &Router, req: Request<Body>) -> (StatusCode, String, String) {
    common::call_text(r, req).await
}

impl Open311 {
    async fn new(store: Arc<dyn Store>) -> Open311 {
        let state = App::load(store).await.unwrap();
        let r = gridd::http::app(state.clone(), &HttpOptions::default());
        Open311 { r, state }
    }

    async fn get(&self, uri: &str) -> (StatusCode, String, String) {
        send(&self.r, Request::get(uri).body(Body::empty()).unwrap()).await
    }

    async fn json(&self, uri: &str) -> (StatusCode, Value) {
        let (s, _, body) = self.get(uri).await;
        (s, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    async fn post(&self, uri: &str, form: &str) -> (StatusCode, String, String) {
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_string()))
            .unwrap();
        send(&self.r, req).await
    }
}

/// The standard's example POST body (its San Francisco place and service code 001).
const SPEC_POST: &str = "service_code=001&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street&email=smit222%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street&media_url=http%3A%2F%2Fexample.com%2Fimage.jpg";

both_stores!(
    setup = crate::common::with_fixture;
    discovery_and_services_answer_in_json_and_xml,
    the_example_post_files_a_request_where_it_is_in_china_and_it_is_listed_open,
    requests_are_listed_by_dates_status_and_code_and_closed_cases_say_closed,
    errors_come_as_the_standard_lists_them_in_either_format,
    a_reporter_key_sees_only_its_own_requests,
);

async fn discovery_and_services_answer_in_json_and_xml(store: Arc<dyn Store>) {
    let o = Open311::new(store).await;
    let (s, d) = o.json("/open311/v2/discovery.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let (s, media, xml) = o.get("/open311/v2/discovery.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert!(media.starts_with("text/xml"), "{media}");
    assert!(xml.contains("<specification>http://wiki.open311.org/GeoReport_v2</specification>"));
    let (_, services) = o.json("/open311/v2/services.json").await;
    let list = services.as_array().unwrap();
    assert_eq!(list.len(), 12, "one service per category");
    let drain = list
        .iter()
        .find(|s| s["service_code"] == "c_public_facilities")
        .unwrap();
    assert_eq!(drain["service_name"], "公用设施");
    assert_eq!(drain["group"], "部件 components");
    assert_eq!(drain["metadata"], false);
    assert_eq!(drain["type"], "realtime");
    let (_, _, xml) = o.get("/open311/v2/services.xml").await;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert_eq!(xml.matches("<service>").count(), 12);
    assert_eq!(xml.matches("</service>").count(), 12);
    let (s, def) = o.json("/open311/v2/services/e_street_order.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(def["service_code"], "e_street_order");
}

async fn the_example_post_files_a_request_where_it_is_in_china_and_it_is_listed_open(
    store: Arc<dyn Store>,
) {
    let o = Open311::new(store).await;
    let key = common::token(&o.state, "reporter", "").await;
    // As the standard writes it: San Francisco, service 001 — neither is ours.
    let (s, _, e) = o
        .post(
            "/open311/v2/requests.json",
            &format!("api_key={key}&{SPEC_POST}"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        e.contains("001") && e.contains("is not a service here"),
        "{e}"
    );
    let ours = SPEC_POST.replace("service_code=001", "service_code=c_public_facilities");
    let (s, _, e) = o
        .post(
            "/open311/v2/requests.json",
            &format!("api_key={key}&{ours}"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.contains("outside China"), "{e}");
    // The same request in our city.
    let here = ours
        .replace("lat=37.76524078", "lat=35.4775")
        .replace("long=-122.4212043", "long=110.435");
    let (s, media, body) = o
        .post(
            "/open311/v2/requests.json",
            &format!("api_key={key}&{here}"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert!(media.starts_with("application/json"));
    let made: Value = serde_json::from_str(&body).unwrap();
    let id = made[0]["service_request_id"].as_str().unwrap().to_string();
    let (s, one) = o
        .json(&format!("/open311/v2/requests/{id}.json?api_key={key}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{one}");
    let r = &one[0];
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "c_public_facilities");
    assert_eq!(
        r["description"],
        "A large sinkhole is destroying the street"
    );
    assert_eq!(r["lat"], 35.4775);
    assert_eq!(r["long"], 110.435);
    assert_eq!(r["address"], "610581001001001", "placed in its grid");
    // In XML too, and the incident is ours like any other: the API lists it.
    let (_, _, xml) = o
        .get(&format!("/open311/v2/requests/{id}.xml?api_key={key}"))
        .await;
    assert!(xml.contains(&format!("<service_request_id>{id}</service_request_id>")));
    assert!(xml.contains("<status>open</status>"));
    let counts = o.state.store.counts().await.unwrap();
    assert_eq!(counts.incidents, 1, "the refused posts stored nothing");
}

/// Loads reports through the bulk endpoint as an admin.
async fn bulk(o: &Open311, lines: &[&str]) {
    let admin = common::token(&o.state, "admin", "*").await;
    let req = Request::post("/api/incidents/bulk")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from(lines.join("\n")))
        .unwrap();
    let (s, _, body) = send(&o.r, req).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

async fn requests_are_listed_by_dates_status_and_code_and_closed_cases_say_closed(
    store: Arc<dyn Store>,
) {
    let o = Open311::new(store).await;
    bulk(
        &o,
        &[
            r#"{"lng":110.435,"lat":35.4775,"category":"e_street_order","reported_at":"2010-05-30T08:00:00Z"}"#,
            r#"{"lng":110.435,"lat":35.4775,"category":"e_street_order","reported_at":"2010-06-01T08:00:00Z","status":"closed"}"#,
            r#"{"lng":110.445,"lat":35.4725,"category":"c_public_facilities","reported_at":"2010-06-10T08:00:00Z"}"#,
            r#"{"lng":110.445,"lat":35.4725,"category":"c_public_facilities","reported_at":"2010-08-10T08:00:00Z"}"#,
        ],
    )
    .await;
    let key = common::token(&o.state, "admin", "*").await;
    // The standard's example query: a month of open requests.
    let (s, v) = o
        .json(&format!("/open311/v2/requests.json?api_key={key}&start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    let (_, v) = o
        .json(&format!("/open311/v2/requests.json?api_key={key}&start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=closed"))
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["status"], "closed");
    let (_, v) = o
        .json(&format!("/open311/v2/requests.json?api_key={key}&start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&service_code=c_public_facilities"))
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    // Without dates: the last 90 days, which hold none of these.
    let (_, v) = o
        .json(&format!("/open311/v2/requests.json?api_key={key}"))
        .await;
    assert_eq!(v.as_array().unwrap().len(), 0);
    // By id, whatever the dates; several at once.
    let (_, all) = o
        .json(&format!(
            "/open311/v2/requests.json?api_key={key}&start_date=2010-05-24T00:00:00Z"
        ))
        .await;
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    let (_, v) = o
        .json(&format!(
            "/open311/v2/requests.json?api_key={key}&service_request_id={}",
            ids.join(",")
        ))
        .await;
    assert_eq!(v.as_array().unwrap().len(), ids.len());
    // More than 90 days at once is refused.
    let (s, e) = o
        .json(&format!("/open311/v2/requests.json?api_key={key}&start_date=2010-01-01T00:00:00Z&end_date=2010-12-31T00:00:00Z"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        e[0]["description"].as_str().unwrap().contains("90 days"),
        "{e}"
    );
}

async fn errors_come_as_the_standard_lists_them_in_either_format(store: Arc<dyn Store>) {
    let o = Open311::new(store).await;
    let key = common::token(&o.state, "reporter", "").await;
    // Without api_key: 403.
    let (s, _, e) = o
        .post(
            "/open311/v2/requests.json",
            "service_code=e_street_order&lat=35.4775&long=110.435",
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let e: Value = serde_json::from_str(&e).unwrap();
    assert_eq!(e[0]["code"], 403);
    assert!(e[0]["description"].as_str().unwrap().contains("api_key"));
    let (s, _, xml) = o.get("/open311/v2/requests.xml").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        xml.contains("<errors><error><code>403</code><description>"),
        "{xml}"
    );
    let (s, _, _) = o
        .post(
            "/open311/v2/requests.json",
            "api_key=not-a-key&service_code=e_street_order&lat=35.4775&long=110.435",
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Unknown service_code: 400.
    let (s, _, e) = o
        .post(
            "/open311/v2/requests.xml",
            &format!("api_key={key}&service_code=potholes&lat=35.4775&long=110.435"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        e.contains("<code>400</code>") && e.contains("potholes"),
        "{e}"
    );
    // A place given only as an address: we need coordinates.
    let (s, _, e) = o
        .post(
            "/open311/v2/requests.json",
            &format!("api_key={key}&service_code=e_street_order&address_string=1234+5th+street"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e.contains("lat and long"), "{e}");
    // A description over the standard's 4,000 characters.
    let long = "井".repeat(4001);
    let (s, _, _) = o
        .post("/open311/v2/requests.json", &format!("api_key={key}&service_code=e_street_order&lat=35.4775&long=110.435&description={long}"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Unknown request or service: 404.
    let (s, e) = o
        .json(&format!("/open311/v2/requests/424242.json?api_key={key}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(e[0]["code"], 404);
    let (s, _) = o.json("/open311/v2/services/potholes.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = o.get("/open311/v2/services.pdf").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        o.state.store.counts().await.unwrap().incidents,
        0,
        "nothing was stored"
    );
}

async fn a_reporter_key_sees_only_its_own_requests(store: Arc<dyn Store>) {
    let o = Open311::new(store).await;
    let mine = common::token(&o.state, "reporter", "").await;
    let theirs = common::token(&o.state, "reporter", "").await;
    let form =
        |k: &str| format!("api_key={k}&service_code=e_street_order&lat=35.4775&long=110.435");
    let (s, _, made) = o.post("/open311/v2/requests.json", &form(&mine)).await;
    assert_eq!(s, StatusCode::CREATED);
    let id = serde_json::from_str::<Value>(&made).unwrap()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        o.post("/open311/v2/requests.json", &form(&theirs)).await.0,
        StatusCode::CREATED
    );
    let (_, v) = o
        .json(&format!("/open311/v2/requests.json?api_key={mine}"))
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["service_request_id"], id.as_str());
    let (s, _) = o
        .json(&format!("/open311/v2/requests/{id}.json?api_key={theirs}"))
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another reporter's request is none of theirs"
    );
}
