//! The planning API on the sample city (embedded store): the out-of-band list and the
//! auto-split preview, with their errors.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use gridd::app::App;
use gridd::http::HttpOptions;
use serde_json::{json, Value};
use std::sync::Arc;

async fn router() -> (Router, tempfile::TempDir) {
    let (store, dir) = common::sqlite_store().await;
    let city = gridd::generate::generate(42, |_| {}).unwrap();
    store.import(&city.data).await.unwrap();
    let state = App::load(Arc::clone(&store)).await.unwrap();
    (common::admin_app(state, &HttpOptions::default()).await, dir)
}

async fn get(r: &Router, uri: &str) -> (StatusCode, Value) {
    common::call(r.clone(), Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(r: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    common::call(r.clone(), req).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_out_of_band_list_names_grids_over_and_under_with_their_figures_and_follows_the_band() {
    let (r, _dir) = router().await;
    let (status, v) = get(&r, "/api/plan/oversized").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["band"], json!({ "min": 300, "max": 500 }));
    assert_eq!(v["over"], 67);
    let grids = v["grids"].as_array().unwrap();
    assert_eq!(grids.len(), v["count"].as_u64().unwrap() as usize);
    let first = &grids[0];
    assert_eq!(first["fit"], "over", "the most out of band first: {first}");
    assert!(first["households"].as_u64().unwrap() > 500);
    assert!(first["officers"].is_u64());
    assert!(grids
        .iter()
        .all(|g| g["code"].as_str().unwrap().len() == 15));
    assert!(grids.iter().any(|g| g["fit"] == "under"));

    let (_, wide) = get(&r, "/api/plan/oversized?min=50&max=900").await;
    assert!(wide["count"].as_u64().unwrap() < v["count"].as_u64().unwrap());
    let (_, people) = get(&r, "/api/plan/oversized?by=population&min=700&max=1200").await;
    assert_eq!(people["by"], "population");

    for (uri, words) in [
        ("/api/plan/oversized?min=600&max=300", "band"),
        ("/api/plan/oversized?by=floors", "by"),
        ("/api/plan/oversized?min=lots", "min"),
    ] {
        let (status, v) = get(&r, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert!(v["message"].as_str().unwrap().contains(words), "{uri}: {v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_preview_gives_parts_in_the_band_with_fresh_codes_and_every_unit_once() {
    let (r, _dir) = router().await;
    let (_, list) = get(&r, "/api/plan/oversized").await;
    // An oversized grid two parts of the band can hold.
    let grid = list["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["fit"] == "over" && (700..=900).contains(&g["households"].as_u64().unwrap()))
        .expect("an oversized grid of 700–900 households")
        .clone();
    let code = grid["code"].as_str().unwrap();
    let (status, v) = post(&r, "/api/plan/split", json!({ "code": code })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["k"], 2);
    let parts = v["parts"]["features"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    let mut seen = std::collections::HashSet::new();
    let mut households = 0;
    for p in parts {
        let props = &p["properties"];
        assert_eq!(props["fit"], "within", "{props}");
        assert!(props["polsby_popper"].as_f64().unwrap() > 0.2);
        let new = props["code"].as_str().unwrap();
        assert_eq!(&new[..12], &code[..12], "a part keeps the level-2 parent");
        assert!(new > code, "fresh codes come after every code in use");
        households += props["households"].as_u64().unwrap();
        for u in props["units"].as_array().unwrap() {
            assert!(
                seen.insert(u["id"].as_str().unwrap().to_string()),
                "unit {u} twice"
            );
        }
        assert_eq!(p["geometry"]["type"], "MultiPolygon");
    }
    assert_eq!(households, grid["households"].as_u64().unwrap());

    let (_, three) = post(&r, "/api/plan/split", json!({ "code": code, "k": 3 })).await;
    assert_eq!(three["k"], 3);
    assert!(
        three["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().contains("3 parts")),
        "three parts of 300 need more households than the grid has: {}",
        three["problems"]
    );

    for (body, status, words) in [
        (
            json!({ "code": "610581001001" }),
            StatusCode::BAD_REQUEST,
            "level 2",
        ),
        (
            json!({ "code": "610581001001999" }),
            StatusCode::NOT_FOUND,
            "610581001001999",
        ),
        (
            json!({ "code": code, "k": 40 }),
            StatusCode::BAD_REQUEST,
            "k = 40",
        ),
        (
            json!({ "code": code, "colour": "red" }),
            StatusCode::BAD_REQUEST,
            "colour",
        ),
    ] {
        let (s, v) = post(&r, "/api/plan/split", body.clone()).await;
        assert_eq!(s, status, "{body}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains(words),
            "{body}: {v}"
        );
    }
}
