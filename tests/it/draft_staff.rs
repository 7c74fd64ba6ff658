//! A planner staffs the grids a draft creates, on both stores: the part of a split left
//! vacant by default is given an officer of the community, who serves it once published and
//! keeps their own grid; the old grid's officer can be placed on the smaller part instead;
//! undo takes a choice back; an unknown officer, one from another community and a grid the
//! draft does not create are refused in words, and nothing is saved.

use crate::drafts_api::{draft_with_split, get, oversized, post, router};
use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};

both_stores!(
    setup = super::router;
    an_officer_of_the_community_placed_on_a_vacant_new_grid_serves_it_once_published,
    the_old_grids_officer_placed_on_the_smaller_part_leaves_the_bigger_one_vacant_and_undo_restores_it,
    placing_an_unknown_or_foreign_officer_or_staffing_a_grid_in_force_is_refused_and_nothing_is_saved,
);

/// A draft splitting an oversized grid in two: (draft id, old grid, the parts' properties).
async fn split_draft(r: &Router) -> (i64, String, Vec<Value>) {
    let (code, _) = oversized(r).await;
    let (id, d) = draft_with_split(r, "配网格员", &code).await;
    (id, code, properties(&d))
}

fn properties(d: &Value) -> Vec<Value> {
    d["grids"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].clone())
        .collect()
}

fn part<'a>(parts: &'a [Value], code: &str) -> &'a Value {
    parts.iter().find(|p| p["code"] == code).unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

/// The part left vacant by default and the one the old grid's officers go to.
fn vacant_and_heir(parts: &[Value]) -> (String, String) {
    let vacant = parts
        .iter()
        .find(|p| p["officers"] == 0)
        .expect("a vacant part");
    let heir = parts
        .iter()
        .find(|p| p["officers"] != 0)
        .expect("a staffed part");
    (
        vacant["code"].as_str().unwrap().into(),
        heir["code"].as_str().unwrap().into(),
    )
}

async fn an_officer_of_the_community_placed_on_a_vacant_new_grid_serves_it_once_published(
    r: Router,
) {
    let (id, old, parts) = split_draft(&r).await;
    let (vacant, heir) = vacant_and_heir(&parts);
    let (s, staff) = get(&r, &format!("/api/drafts/{id}/officers?grid={vacant}")).await;
    assert_eq!(s, StatusCode::OK, "{staff}");
    assert_eq!(staff["staffed"], false);
    assert_eq!(staff["staff"], json!([]));
    // A neighbour's officer: serves another grid of the same community, not the old one.
    let neighbour = staff["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            let grids = o["grids"].as_array().unwrap();
            !grids.iter().any(|g| g == old.as_str()) && o["role"] != "grid_head"
        })
        .expect("another officer of the community")
        .clone();
    let who = neighbour["id"].as_str().unwrap();
    let own = neighbour["grids"][0].as_str().unwrap().to_string();
    let (s, d) = post(
        &r,
        &format!("/api/drafts/{id}/officers"),
        json!({ "grid": vacant, "officers": [who], "version": 2 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let after = properties(&d);
    assert_eq!(part(&after, &vacant)["officers"], 1);
    assert_eq!(part(&after, &vacant)["staffed"], true);
    assert_eq!(ids(&part(&after, &vacant)["staff"]), vec![who.to_string()]);
    assert_eq!(
        part(&after, &heir)["officers"],
        part(&parts, &heir)["officers"],
        "the default part keeps the old grid's officers"
    );
    assert_eq!(d["unplaced"], json!([]));

    let (s, p) = post(&r, &format!("/api/drafts/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (_, g) = get(&r, &format!("/api/grids/{vacant}")).await;
    assert_eq!(ids(&g["properties"]["officer_list"]), vec![who.to_string()]);
    let (_, mine) = get(&r, &format!("/api/grids/{own}")).await;
    assert!(
        ids(&mine["properties"]["officer_list"]).contains(&who.to_string()),
        "the officer still serves their own grid"
    );
}

async fn the_old_grids_officer_placed_on_the_smaller_part_leaves_the_bigger_one_vacant_and_undo_restores_it(
    r: Router,
) {
    let (id, _, parts) = split_draft(&r).await;
    let (vacant, heir) = vacant_and_heir(&parts);
    let officer = part(&parts, &heir)["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["role"] != "instructor")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, d) = post(
        &r,
        &format!("/api/drafts/{id}/officers"),
        json!({ "grid": vacant, "officers": [officer] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let after = properties(&d);
    assert_eq!(ids(&part(&after, &vacant)["staff"]), vec![officer.clone()]);
    assert!(!ids(&part(&after, &heir)["staff"]).contains(&officer));
    // Undo: back to the default.
    let (_, d) = post(&r, &format!("/api/drafts/{id}/undo"), json!({})).await;
    let undone = properties(&d);
    assert_eq!(part(&undone, &vacant)["officers"], 0);
    assert_eq!(part(&undone, &vacant)["staffed"], false);
    assert!(ids(&part(&undone, &heir)["staff"]).contains(&officer));
}

async fn placing_an_unknown_or_foreign_officer_or_staffing_a_grid_in_force_is_refused_and_nothing_is_saved(
    r: Router,
) {
    let (id, old, parts) = split_draft(&r).await;
    let (vacant, _) = vacant_and_heir(&parts);
    let uri = format!("/api/drafts/{id}/officers");
    let (s, e) = post(&r, &uri, json!({ "grid": vacant, "officers": ["NO-SUCH"] })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("NO-SUCH does not exist"),
        "{e}"
    );
    // An officer of another community.
    let community = &old[..12];
    let (_, grids) = get(&r, "/api/grids?level=3").await;
    let elsewhere = grids["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap().to_string())
        .find(|c| !c.starts_with(community))
        .unwrap();
    let (_, g) = get(&r, &format!("/api/grids/{elsewhere}")).await;
    let foreign = g["properties"]["officer_list"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, e) = post(&r, &uri, json!({ "grid": vacant, "officers": [foreign] })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("serves no grid of community"),
        "{e}"
    );
    // A grid in force is not the draft's to staff.
    let (s, e) = post(&r, &uri, json!({ "grid": old, "officers": [] })).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not a grid this draft creates"),
        "{e}"
    );
    let (s, e) = get(&r, &format!("/api/drafts/{id}/officers")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    // Nothing was saved: still one operation, the split.
    let (_, d) = get(&r, &format!("/api/drafts/{id}")).await;
    assert_eq!(d["operations"], 1);
    assert_eq!(part(&properties(&d), &vacant)["staffed"], false);
}
