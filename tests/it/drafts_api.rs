//! Drafts and publishing through the HTTP API on the sample city, on both stores: a draft
//! leaves the live grids alone, undo and redo, validation, publish makes a new version in
//! force (old incidents keep their report-time grid and gain their current one, `locate?at=`
//! answers for either version), and the second of two drafts over the same grid gets 409.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use gridd::app::App;
use gridd::http::HttpOptions;
use gridd::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

pub(crate) async fn router(store: Arc<dyn Store>) -> Router {
    let city = gridd::generate::generate(42, |_| {}).unwrap();
    store.import(&city.data).await.unwrap();
    common::admin_app(App::load(store).await.unwrap(), &HttpOptions::default()).await
}

pub(crate) async fn get(r: &Router, uri: &str) -> (StatusCode, Value) {
    common::call(r.clone(), Request::get(uri).body(Body::empty()).unwrap()).await
}

pub(crate) async fn post(r: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    common::call(r.clone(), req).await
}

both_stores!(
    setup = super::router;
    a_draft_changes_nothing_live_until_published_and_then_a_new_version_is_in_force,
    of_two_drafts_over_the_same_grid_the_second_to_publish_gets_409,
    neighbouring_grids_merge_or_balance_in_a_draft_and_a_draft_without_changes_does_not_publish,
    fixing_every_oversized_grid_in_one_step_leaves_none_over_the_band_once_published,
    a_grid_is_cut_along_a_drawn_line_moved_to_the_gap_between_its_buildings,
    a_building_brushed_along_the_shared_edge_moves_to_the_neighbouring_grid,
);

/// An oversized grid that two parts of the band can hold, and a point inside one of its buildings.
pub(crate) async fn oversized(r: &Router) -> (String, [f64; 2]) {
    let (_, list) = get(r, "/api/plan/oversized").await;
    let code = list["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["fit"] == "over" && (700..=900).contains(&g["households"].as_u64().unwrap()))
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, b) = get(r, &format!("/api/buildings?grid={code}")).await;
    let ring = &b["features"][0]["geometry"]["coordinates"][0][0];
    let (x, y) = (ring[0][0].as_f64().unwrap(), ring[0][1].as_f64().unwrap());
    let (x2, y2) = (ring[2][0].as_f64().unwrap(), ring[2][1].as_f64().unwrap());
    (code, [(x + x2) / 2.0, (y + y2) / 2.0])
}

/// A new draft named `name` with grid `code` auto-split in it (both answers checked): the
/// draft's id and its view after the split.
pub(crate) async fn draft_with_split(r: &Router, name: &str, code: &str) -> (i64, Value) {
    let (s, draft) = post(r, "/api/drafts", json!({ "name": name })).await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (s, d) = post(
        r,
        &format!("/api/drafts/{id}/split"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    (id, d)
}

async fn a_draft_changes_nothing_live_until_published_and_then_a_new_version_is_in_force(
    r: Router,
) {
    let (code, point) = oversized(&r).await;
    // An incident reported before the change.
    let (s, reported) = post(
        &r,
        "/api/incidents",
        json!({ "lng": point[0], "lat": point[1], "category": "e_environment", "reported_at": "2026-01-05T08:00:00Z" }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{reported}");
    assert_eq!(reported["grids"][2]["code"], code.as_str());

    let (id, d) = draft_with_split(&r, "拆分超大网格", &code).await;
    assert_eq!(d["retired"], json!([code]));
    let parts = d["grids"]["features"].as_array().unwrap().clone();
    assert_eq!(parts.len(), 2);
    assert!(parts
        .iter()
        .all(|p| p["properties"]["fit"] == "within" && p["properties"]["contiguous"] == true));
    assert!(parts
        .iter()
        .all(|p| p["properties"]["replaces"] == json!([code])));
    // The old grid's officers go with the part holding more households; the other starts vacant.
    let (_, old) = get(&r, &format!("/api/grids/{code}")).await;
    let officers: Vec<u64> = parts
        .iter()
        .map(|p| p["properties"]["officers"].as_u64().unwrap())
        .collect();
    assert_eq!(
        officers.iter().sum::<u64>(),
        old["properties"]["officers"].as_u64().unwrap()
    );
    // Live grids are untouched by a draft.
    assert_eq!(
        get(&r, &format!("/api/grids/{code}")).await.0,
        StatusCode::OK
    );
    let new_code = parts[0]["properties"]["code"].as_str().unwrap().to_string();
    assert_eq!(
        get(&r, &format!("/api/grids/{new_code}")).await.0,
        StatusCode::NOT_FOUND
    );

    let (_, undone) = post(&r, &format!("/api/drafts/{id}/undo"), json!({})).await;
    assert_eq!(undone["retired"], json!([]));
    assert_eq!(undone["can_redo"], true);
    let (_, redone) = post(&r, &format!("/api/drafts/{id}/redo"), json!({})).await;
    assert_eq!(redone["retired"], json!([code]));
    assert_eq!(
        post(&r, &format!("/api/drafts/{id}/redo"), json!({}))
            .await
            .0,
        StatusCode::CONFLICT
    );

    let (_, check) = get(&r, &format!("/api/drafts/{id}/validate")).await;
    assert_eq!(check["valid"], true, "{check}");

    let (s, published) = post(
        &r,
        &format!("/api/drafts/{id}/publish"),
        json!({ "valid_from": "2026-06-01T00:00:00Z" }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{published}");
    assert_eq!(published["version"], 2);
    assert_eq!(
        get(&r, &format!("/api/grids/{code}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, new_grid) = get(&r, &format!("/api/grids/{new_code}")).await;
    assert_eq!(s, StatusCode::OK, "{new_grid}");
    let (_, versions) = get(&r, "/api/versions").await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
    assert_eq!(
        get(&r, &format!("/api/drafts/{id}")).await.0,
        StatusCode::NOT_FOUND,
        "a published draft is gone"
    );

    // The old incident keeps its report-time grid and gains its current one.
    let (_, list) = get(&r, &format!("/api/incidents?grid={code}")).await;
    let old = list["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == reported["id"])
        .expect("listed under its report-time grid");
    assert_eq!(old["properties"]["grids"][2]["code"], code.as_str());
    let current = old["properties"]["current_grids"][2]["code"]
        .as_str()
        .unwrap();
    assert_ne!(current, code);
    assert!(parts.iter().any(|p| p["properties"]["code"] == current));

    // The officer of the new grid lists it by the boundaries in force now; by report-time
    // boundaries the new grid holds nothing yet, and the retired grid is no grid now.
    let ids = |v: &Value| -> Vec<Value> {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["id"].clone())
            .collect()
    };
    let (s, now_list) = get(
        &r,
        &format!("/api/incidents?grid={current}&boundaries=current&status=open"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{now_list}");
    assert!(ids(&now_list).contains(&reported["id"]), "{now_list}");
    let (_, then_list) = get(&r, &format!("/api/incidents?grid={current}")).await;
    assert!(!ids(&then_list).contains(&reported["id"]));
    for (uri, status) in [
        (
            format!("/api/incidents?grid={code}&boundaries=current"),
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/incidents?boundaries=current".to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/incidents?grid={current}&boundaries=later"),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        assert_eq!(get(&r, &uri).await.0, status, "{uri}");
    }

    // Statistics count it under the grid in force now, or under its report-time grid.
    let (_, now_rows) = get(&r, "/api/stats/grids?level=3").await;
    let row = |rows: &Value, c: &str| {
        rows["grids"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == c)
            .cloned()
    };
    assert!(
        row(&now_rows, current).unwrap()["incidents"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert!(
        row(&now_rows, &code).is_none(),
        "a retired grid has no row of its own"
    );
    let (_, then_rows) = get(&r, "/api/stats/grids?level=3&boundaries=report").await;
    assert_eq!(row(&then_rows, current).unwrap()["incidents"], 0);
    assert_eq!(
        get(&r, "/api/stats/grids?boundaries=later").await.0,
        StatusCode::BAD_REQUEST
    );

    // locate answers for either version.
    let at = |when: &str| format!("/api/locate?lng={}&lat={}&at={when}", point[0], point[1]);
    let (_, before) = get(&r, &at("2026-05-31")).await;
    assert_eq!(before["grids"][2]["code"], code.as_str(), "{before}");
    let (_, after) = get(&r, &at("2026-06-02")).await;
    assert_eq!(after["grids"][2]["code"], current);
    let (_, now) = get(
        &r,
        &format!("/api/locate?lng={}&lat={}", point[0], point[1]),
    )
    .await;
    assert_eq!(now["grids"][2]["code"], current);
    assert_eq!(get(&r, &at("1969-01-01")).await.0, StatusCode::NOT_FOUND);
}

async fn of_two_drafts_over_the_same_grid_the_second_to_publish_gets_409(r: Router) {
    let (code, _) = oversized(&r).await;
    let mut ids = vec![];
    for name in ["方案甲", "方案乙"] {
        ids.push(draft_with_split(&r, name, &code).await.0);
    }
    let (first, v) = post(&r, &format!("/api/drafts/{}/publish", ids[0]), json!({})).await;
    assert_eq!(first, StatusCode::CREATED, "{v}");
    let (second, v) = post(&r, &format!("/api/drafts/{}/publish", ids[1]), json!({})).await;
    assert_eq!(second, StatusCode::CONFLICT, "{v}");
    let m = v["message"].as_str().unwrap();
    assert!(m.contains(&code) && m.contains("no longer in force"), "{v}");
    let (_, versions) = get(&r, "/api/versions").await;
    assert_eq!(
        versions["versions"].as_array().unwrap().len(),
        2,
        "the refused draft wrote nothing"
    );
    let (_, stale) = get(&r, &format!("/api/drafts/{}", ids[1])).await;
    assert!(stale["stale"].as_str().unwrap().contains(&code), "{stale}");
}

async fn neighbouring_grids_merge_or_balance_in_a_draft_and_a_draft_without_changes_does_not_publish(
    r: Router,
) {
    let (_, d) = post(&r, "/api/drafts", json!({})).await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(
        post(&r, &format!("/api/drafts/{id}/publish"), json!({}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    // The first two level-3 grids of a level-2 grid that merge into one piece.
    let (_, level3) = get(&r, "/api/grids?level=3&parent=610581001001").await;
    let codes: Vec<&str> = level3["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap())
        .collect();
    let mut merged = None;
    'pairs: for (i, a) in codes.iter().enumerate() {
        for b in &codes[i + 1..] {
            let (s, v) = post(
                &r,
                &format!("/api/drafts/{id}/merge"),
                json!({ "codes": [a, b] }),
            )
            .await;
            if s == StatusCode::OK {
                merged = Some((a.to_string(), b.to_string(), v));
                break 'pairs;
            }
            assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
            assert!(
                v["message"].as_str().unwrap().contains("share an edge"),
                "{v}"
            );
        }
    }
    let (a, b, v) = merged.expect("two neighbouring grids");
    let grid = &v["grids"]["features"][0]["properties"];
    assert_eq!(grid["replaces"], json!([a, b]));
    let sum = |c: &str| {
        let f = level3["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["code"] == c)
            .unwrap();
        f["properties"]["households"].as_u64().unwrap()
    };
    assert_eq!(grid["households"].as_u64().unwrap(), sum(&a) + sum(&b));
    assert_eq!(grid["households_before"], grid["households"]);
    let (s, v) = post(
        &r,
        &format!("/api/drafts/{id}/merge"),
        json!({ "codes": ["610581001001", a] }),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

    // The same neighbours balanced instead: two grids sharing their households more evenly.
    post(&r, &format!("/api/drafts/{id}/undo"), json!({})).await;
    let (s, v) = post(
        &r,
        &format!("/api/drafts/{id}/balance"),
        json!({ "codes": [a, b] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let loads: Vec<u64> = v["grids"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["households"].as_u64().unwrap())
        .collect();
    assert_eq!(loads.len(), 2);
    assert_eq!(loads.iter().sum::<u64>(), sum(&a) + sum(&b));
    assert!(
        loads[0].abs_diff(loads[1]) <= sum(&a).abs_diff(sum(&b)),
        "balanced {loads:?} from {} and {}",
        sum(&a),
        sum(&b)
    );
    assert_eq!(v["retired"].as_array().unwrap().len(), 2);
}

async fn fixing_every_oversized_grid_in_one_step_leaves_none_over_the_band_once_published(
    r: Router,
) {
    let (_, before) = get(&r, "/api/plan/oversized").await;
    let over = before["over"].as_u64().unwrap();
    assert!(over > 50);
    let (_, d) = post(&r, "/api/drafts", json!({ "name": "全部超大网格" })).await;
    let id = d["id"].as_i64().unwrap();
    let (s, fixed) = post(&r, &format!("/api/drafts/{id}/fix"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{fixed}");
    let f = &fixed["fixed"];
    println!("fix: {f}");
    assert_eq!(
        f["unfixed"],
        json!([]),
        "every oversized grid is fixed: {f}"
    );
    assert_eq!(
        f["split"].as_u64().unwrap() + f["paired"].as_u64().unwrap(),
        over
    );
    assert!(
        f["paired"].as_u64().unwrap() > 0,
        "some grids needed a neighbour"
    );
    assert_eq!(fixed["operations"], 1, "one step to undo");
    let parts = fixed["grids"]["features"].as_array().unwrap();
    assert!(parts
        .iter()
        .all(|p| p["properties"]["fit"] == "within" && p["properties"]["contiguous"] == true));
    let (_, check) = get(&r, &format!("/api/drafts/{id}/validate")).await;
    assert_eq!(check["valid"], true, "{}", check["errors"]);
    let (s, published) = post(&r, &format!("/api/drafts/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{published}");
    let (_, after) = get(&r, "/api/plan/oversized").await;
    assert_eq!(after["over"], 0, "{}", after["grids"][0]);
    let (_, health) = get(&r, "/api/health").await;
    assert_eq!(
        health["grids"]["3"].as_u64().unwrap(),
        1243 + parts.len() as u64 - published["retired"].as_array().unwrap().len() as u64
    );
}

async fn a_grid_is_cut_along_a_drawn_line_moved_to_the_gap_between_its_buildings(r: Router) {
    let (code, _) = oversized(&r).await;
    let (_, grid) = get(&r, &format!("/api/grids/{code}")).await;
    let ring = grid["geometry"]["coordinates"][0][0]
        .as_array()
        .unwrap()
        .clone();
    let xs: Vec<f64> = ring.iter().map(|p| p[0].as_f64().unwrap()).collect();
    let ys: Vec<f64> = ring.iter().map(|p| p[1].as_f64().unwrap()).collect();
    let (x0, x1) = (
        xs.iter().cloned().fold(f64::MAX, f64::min),
        xs.iter().cloned().fold(f64::MIN, f64::max),
    );
    let (y0, y1) = (
        ys.iter().cloned().fold(f64::MAX, f64::min),
        ys.iter().cloned().fold(f64::MIN, f64::max),
    );
    let (mx, mid) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    // A planner draws across the middle of the grid along its rows of buildings (the way
    // its first building's first wall runs), a little past the grid on both sides.
    let (_, b) = get(&r, &format!("/api/buildings?grid={code}")).await;
    let wall = &b["features"][0]["geometry"]["coordinates"][0][0];
    let (dx, dy) = (
        wall[1][0].as_f64().unwrap() - wall[0][0].as_f64().unwrap(),
        wall[1][1].as_f64().unwrap() - wall[0][1].as_f64().unwrap(),
    );
    let reach = (x1 - x0).max(y1 - y0) / dx.hypot(dy);
    let (ex, ey) = (dx * reach, dy * reach);
    let (_, d) = post(&r, "/api/drafts", json!({})).await;
    let id = d["id"].as_i64().unwrap();
    let line = json!([[mx - ex, mid - ey], [mx + ex, mid + ey]]);
    let (s, v) = post(
        &r,
        &format!("/api/drafts/{id}/cut"),
        json!({ "code": code, "line": line }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["retired"], json!([code]));
    let parts = v["grids"]["features"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    let total: u64 = parts
        .iter()
        .map(|p| p["properties"]["households"].as_u64().unwrap())
        .sum();
    assert_eq!(total, grid["properties"]["households"].as_u64().unwrap());
    assert!(parts.iter().all(|p| p["properties"]["contiguous"] == true));
    let (_, check) = get(&r, &format!("/api/drafts/{id}/validate")).await;
    assert!(
        check["errors"].as_array().unwrap().is_empty(),
        "no building is cut: {}",
        check["errors"]
    );
    for (body, words) in [
        (json!({ "code": code, "line": [[x0, mid]] }), "two"),
        (
            json!({ "code": code, "line": [[x0, mid], [x1, 95.0]] }),
            "line",
        ),
    ] {
        let (s, v) = post(&r, &format!("/api/drafts/{id}/cut"), body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains(words),
            "{body}: {v}"
        );
    }
}

async fn a_building_brushed_along_the_shared_edge_moves_to_the_neighbouring_grid(r: Router) {
    let (_, d) = post(&r, "/api/drafts", json!({})).await;
    let id = d["id"].as_i64().unwrap();
    // Two neighbouring level-3 grids: the first pair that merges (then undone).
    // In town (the middle of the city), where buildings stand in rows along the streets.
    let (_, level3) = get(&r, "/api/grids?level=3&parent=610581020002").await;
    let grids: Vec<Value> = level3["features"].as_array().unwrap().clone();
    let mut pair = None;
    'pairs: for (i, a) in grids.iter().enumerate() {
        for b in &grids[i + 1..] {
            let codes = json!([a["properties"]["code"], b["properties"]["code"]]);
            if post(
                &r,
                &format!("/api/drafts/{id}/merge"),
                json!({ "codes": codes }),
            )
            .await
            .0 == StatusCode::OK
            {
                post(&r, &format!("/api/drafts/{id}/undo"), json!({})).await;
                pair = Some((a.clone(), b.clone()));
                break 'pairs;
            }
        }
    }
    let (a, b) = pair.expect("two neighbours");
    let (ca, cb) = (
        a["properties"]["code"].as_str().unwrap(),
        b["properties"]["code"].as_str().unwrap(),
    );
    let centre = |g: &Value| {
        let ring = g["geometry"]["coordinates"][0][0].as_array().unwrap();
        let n = ring.len() as f64;
        (
            ring.iter().map(|p| p[0].as_f64().unwrap()).sum::<f64>() / n,
            ring.iter().map(|p| p[1].as_f64().unwrap()).sum::<f64>() / n,
        )
    };
    let (bx, by) = centre(&b);
    // A's buildings nearest B first: one of them lies along the shared edge.
    let (_, inside) = get(&r, &format!("/api/buildings?grid={ca}")).await;
    let mut near: Vec<(f64, String, u64)> = inside["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["geometry"]["coordinates"][0][0][0];
            let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
            (
                (x - bx).powi(2) + (y - by).powi(2),
                f["properties"]["id"].as_str().unwrap().to_string(),
                f["properties"]["households"].as_u64().unwrap(),
            )
        })
        .collect();
    near.sort_by(|x, y| x.0.total_cmp(&y.0));
    // A grid is not its own neighbour: the answer says so, not "along the edge G shares with G".
    let (s, v) = post(
        &r,
        &format!("/api/drafts/{id}/move"),
        json!({ "from": ca, "to": ca, "units": [near[0].1] }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("given as both grids"), "{v}");
    assert!(!message.contains("shares with"), "{v}");
    let mut moved = None;
    for (_, building, households) in near.iter().take(8) {
        let (s, v) = post(
            &r,
            &format!("/api/drafts/{id}/move"),
            json!({ "from": ca, "to": cb, "units": [building] }),
        )
        .await;
        if s == StatusCode::OK {
            moved = Some((households, v));
            break;
        }
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(
            v["message"].as_str().unwrap().contains("along the edge")
                || v["message"].as_str().unwrap().contains("compound"),
            "{v}"
        );
    }
    let (households, v) = moved.expect("a building along the shared edge moves");
    assert_eq!(v["retired"].as_array().unwrap().len(), 2);
    let parts = v["grids"]["features"].as_array().unwrap();
    let total = |g: &Value| g["properties"]["households"].as_u64().unwrap();
    let after: u64 = parts.iter().map(total).sum();
    assert_eq!(
        after,
        total(&a) + total(&b),
        "no household lost or counted twice"
    );
    let b_after = parts
        .iter()
        .find(|p| p["properties"]["name"] == b["properties"]["name"])
        .unwrap();
    assert!(
        total(b_after) >= total(&b) + households,
        "{} gained at least the building's {households}",
        cb
    );
    let (_, check) = get(&r, &format!("/api/drafts/{id}/validate")).await;
    assert!(
        check["errors"].as_array().unwrap().is_empty(),
        "{}",
        check["errors"]
    );
    let (s, v) = post(
        &r,
        &format!("/api/drafts/{id}/move"),
        json!({ "from": ca, "to": cb, "units": [] }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}
