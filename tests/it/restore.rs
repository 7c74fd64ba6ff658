//! Undoing a published version, on both stores: a draft restores the grids a version
//! retired (same shapes and names, new codes) in place of the grids it made; publishing it
//! is a new version and the history keeps all three. A version whose grids were changed
//! since, version 1 and an unknown version are refused and change nothing.

use crate::drafts_api::{draft_with_split, get, oversized, post, router};
use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};

both_stores!(
    setup = super::router;
    a_published_split_is_undone_by_publishing_the_grid_it_retired_again,
);

async fn publish(r: &Router, id: i64) -> Value {
    let (s, p) = post(r, &format!("/api/drafts/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p
}

async fn a_published_split_is_undone_by_publishing_the_grid_it_retired_again(r: Router) {
    let (code, _) = oversized(&r).await;
    let (_, before) = get(&r, &format!("/api/grids/{code}")).await;
    let (id, _) = draft_with_split(&r, "拆分", &code).await;
    let split = publish(&r, id).await;
    let made: Vec<String> = serde_json::from_value(split["created"].clone()).unwrap();
    assert_eq!(split["version"], 2);

    let (_, d) = post(&r, "/api/drafts", json!({ "name": "撤回版本 2" })).await;
    let id = d["id"].as_i64().unwrap();
    // Version 1 and unknown versions are refused in words.
    for (undo, status) in [(1, StatusCode::BAD_REQUEST), (99, StatusCode::NOT_FOUND)] {
        let (s, v) = post(
            &r,
            &format!("/api/drafts/{id}/restore"),
            json!({ "undo_version": undo }),
        )
        .await;
        assert_eq!(s, status, "{undo}: {v}");
    }
    let (s, v) = post(
        &r,
        &format!("/api/drafts/{id}/restore"),
        json!({ "undo_version": 2 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut retired: Vec<String> = serde_json::from_value(v["retired"].clone()).unwrap();
    retired.sort();
    let mut want = made.clone();
    want.sort();
    assert_eq!(retired, want, "the grids version 2 made go");
    let back = &v["grids"]["features"].as_array().unwrap().clone();
    assert_eq!(back.len(), 1);
    let back = &back[0]["properties"];
    assert_eq!(back["name"], before["properties"]["name"]);
    assert_eq!(back["households"], before["properties"]["households"]);
    let new_code = back["code"].as_str().unwrap().to_string();
    assert_ne!(new_code, code, "a code is never given out twice");
    assert!(
        new_code.starts_with(&code[..12]),
        "under the same level-2 grid"
    );

    let undo = publish(&r, id).await;
    assert_eq!(undo["version"], 3);
    let (s, now) = get(&r, &format!("/api/grids/{new_code}")).await;
    assert_eq!(s, StatusCode::OK, "{now}");
    assert_eq!(
        now["geometry"], before["geometry"],
        "the very shape of before"
    );
    for gone in &made {
        let (s, _) = get(&r, &format!("/api/grids/{gone}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{gone} is retired");
    }
    let (_, versions) = get(&r, "/api/versions").await;
    assert_eq!(
        versions["versions"].as_array().unwrap().len(),
        3,
        "history kept"
    );

    // Version 2's grids are gone now: undoing it again is a conflict, and changes nothing.
    let (_, d) = post(&r, "/api/drafts", json!({})).await;
    let again = d["id"].as_i64().unwrap();
    let (s, v) = post(
        &r,
        &format!("/api/drafts/{again}/restore"),
        json!({ "undo_version": 2 }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("no longer in force"),
        "{v}"
    );
    let (_, d) = get(&r, &format!("/api/drafts/{again}")).await;
    assert_eq!(d["retired"], json!([]));
}
