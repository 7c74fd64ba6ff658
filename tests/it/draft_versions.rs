//! Draft edits with optimistic concurrency, on both stores: every edit may name the draft
//! version it was made on; of two edits made on the same version one is kept and the other
//! refused with 409 (`stale_version`, naming the current version), and none is lost silently.

use crate::drafts_api::{get, post};
use axum::http::StatusCode;
use axum::Router;
use serde_json::json;

both_stores!(
    setup = crate::drafts_api::router;
    of_two_edits_made_on_the_same_draft_version_one_is_kept_and_the_other_refused_with_409,
);

/// Codes of the oversized grids, over first.
async fn over_codes(r: &Router) -> Vec<String> {
    let (_, list) = get(r, "/api/plan/oversized").await;
    list["grids"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["fit"] == "over")
        .map(|g| g["code"].as_str().unwrap().to_string())
        .collect()
}

async fn of_two_edits_made_on_the_same_draft_version_one_is_kept_and_the_other_refused_with_409(
    r: Router,
) {
    let codes = over_codes(&r).await;
    assert!(codes.len() >= 4, "the sample city has oversized grids");
    let (_, d) = post(&r, "/api/drafts", json!({})).await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(d["version"], 1, "{d}");
    let uri = format!("/api/drafts/{id}/split");
    let split = |code: &str, version: Option<i64>| {
        let mut body = json!({ "code": code });
        if let Some(v) = version {
            body["version"] = json!(v);
        }
        post(&r, &uri, body)
    };
    // Two planners edit version 1 at the same time.
    let ((sa, a), (sb, b)) = tokio::join!(split(&codes[0], Some(1)), split(&codes[1], Some(1)));
    let mut statuses = [sa, sb];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a} {b}");
    let (refused, kept) = if sa == StatusCode::CONFLICT {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(refused["error"], "stale_version", "{refused}");
    assert_eq!(refused["current_version"], 2, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("version 2"),
        "{refused}"
    );
    assert_eq!(kept["version"], 2);
    let (_, now) = get(&r, &format!("/api/drafts/{id}")).await;
    assert_eq!(
        (now["version"].clone(), now["operations"].clone()),
        (json!(2), json!(1))
    );
    // The refused planner reloads and tries again on version 2: both edits are in.
    let refused_code = if sa == StatusCode::CONFLICT {
        &codes[0]
    } else {
        &codes[1]
    };
    let (s, again) = split(refused_code, Some(2)).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(
        (again["version"].clone(), again["operations"].clone()),
        (json!(3), json!(2))
    );
    // An undo made on version 2 is refused too, and changes nothing.
    let (s, undo) = post(
        &r,
        &format!("/api/drafts/{id}/undo"),
        json!({ "version": 2 }),
    )
    .await;
    assert_eq!(
        (s, undo["current_version"].clone()),
        (StatusCode::CONFLICT, json!(3))
    );
    // Clients that name no version still lose nothing: every edit that was answered 200 is
    // in the draft, and one that overlapped another is refused rather than overwritten.
    let ((s1, _), (s2, _)) = tokio::join!(split(&codes[2], None), split(&codes[3], None));
    let kept = [s1, s2].iter().filter(|s| **s == StatusCode::OK).count() as i64;
    assert!(kept >= 1, "{s1} {s2}");
    for s in [s1, s2] {
        assert!(s == StatusCode::OK || s == StatusCode::CONFLICT, "{s}");
    }
    let (_, end) = get(&r, &format!("/api/drafts/{id}")).await;
    assert_eq!(end["version"], json!(3 + kept), "{end}");
    assert_eq!(end["operations"], json!(2 + kept), "{end}");
}
