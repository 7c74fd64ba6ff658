//! A planner's drafts by name, on both stores: a draft is renamed and listed under its new
//! name with its edits kept, so several drafts can be told apart and resumed; a blank or
//! too long name is refused naming the field, and nothing changes.

use crate::drafts_api::{get, oversized, post, router};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};

async fn patch(r: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::patch(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    crate::common::call(r.clone(), req).await
}

both_stores!(
    setup = super::router;
    a_renamed_draft_is_listed_under_its_new_name_with_its_edits_kept,
    a_blank_or_overlong_name_is_refused_and_the_draft_keeps_its_name,
);

async fn a_renamed_draft_is_listed_under_its_new_name_with_its_edits_kept(r: Router) {
    let (code, _) = oversized(&r).await;
    let (_, a) = post(&r, "/api/drafts", json!({})).await;
    let (_, b) = post(&r, "/api/drafts", json!({})).await;
    // Unnamed drafts get the same default name: the planner tells them apart by renaming.
    assert_eq!(a["name"], b["name"]);
    let id = a["id"].as_i64().unwrap();
    let (s, split) = post(
        &r,
        &format!("/api/drafts/{id}/split"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{split}");
    let (s, renamed) = patch(
        &r,
        &format!("/api/drafts/{id}"),
        json!({ "name": "  北片超大网格调整  " }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "北片超大网格调整");
    assert_eq!(renamed["retired"], json!([code]), "the edit is kept");
    assert_eq!(
        renamed["version"], split["version"],
        "a rename is not an edit: an edit made on the draft as it was still applies"
    );
    let (_, list) = get(&r, "/api/drafts").await;
    let names: Vec<(i64, String)> = list["drafts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_i64().unwrap(),
                d["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        names.contains(&(id, "北片超大网格调整".into())),
        "{names:?}"
    );
    assert!(names.contains(&(
        b["id"].as_i64().unwrap(),
        b["name"].as_str().unwrap().into()
    )));
    let (s, v) = patch(&r, "/api/drafts/999999", json!({ "name": "x" })).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
}

async fn a_blank_or_overlong_name_is_refused_and_the_draft_keeps_its_name(r: Router) {
    let (_, d) = post(&r, "/api/drafts", json!({ "name": "南片" })).await;
    let id = d["id"].as_i64().unwrap();
    for (body, field) in [
        (json!({ "name": "   " }), "blank"),
        (json!({ "name": "名".repeat(101) }), "longer than 100"),
        (json!({}), "name"),
        (json!({ "name": "南片", "colour": "red" }), "colour"),
    ] {
        let (s, v) = patch(&r, &format!("/api/drafts/{id}"), body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains(field),
            "{body}: {v}"
        );
    }
    let (_, after) = get(&r, &format!("/api/drafts/{id}")).await;
    assert_eq!(after["name"], "南片");
}
