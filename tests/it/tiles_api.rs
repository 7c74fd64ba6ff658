//! Density tiles through the HTTP API on the fixture city: what a map client gets (a Mapbox
//! Vector Tile that GDAL reads, with layer `density` and `count`), that counts add up to the
//! incidents in the tile, that a new incident shows at once with a new ETag, and that bad
//! tile addresses and filters are refused.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use geozero::mvt::{Message, Tile as MvtTile};
use gridd::app::App;
use gridd::engine::heat::{mercator, Tile};
use gridd::http::HttpOptions;
use gridd::store::Store;
use http_body_util::BodyExt;
use serde_json::json;
use std::sync::Arc;
use tower::ServiceExt;

async fn router(store: &Arc<dyn Store>) -> Router {
    crate::common::admin_app(
        App::load(Arc::clone(store)).await.unwrap(),
        &HttpOptions::default(),
    )
    .await
}

/// Status, ETag and body bytes of a GET.
async fn fetch(
    r: &Router,
    uri: &str,
    if_none_match: Option<&str>,
) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::get(uri);
    if let Some(tag) = if_none_match {
        req = req.header(header::IF_NONE_MATCH, tag);
    }
    let res = r
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let etag = res
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, etag, bytes)
}

/// The z/x/y tile holding a point.
fn tile_of(lng: f64, lat: f64, z: u8) -> Tile {
    let (x, y) = mercator(lng, lat);
    let n = f64::from(1u32 << z);
    Tile::new(z, (x * n) as u32, (y * n) as u32).unwrap()
}

fn uri(t: Tile, query: &str) -> String {
    format!("/tiles/density/{}/{}/{}.mvt{query}", t.z, t.x, t.y)
}

/// Sum of `count` over the `density` layer's features.
pub(crate) fn total_count(bytes: &[u8]) -> u64 {
    let tile = MvtTile::decode(bytes).expect("a protobuf vector tile");
    let Some(layer) = tile.layers.iter().find(|l| l.name == "density") else {
        return 0;
    };
    let key = layer
        .keys
        .iter()
        .position(|k| k == "count")
        .map(|k| k as u32);
    layer
        .features
        .iter()
        .map(|f| {
            f.tags
                .chunks(2)
                .find(|kv| Some(kv[0]) == key)
                .and_then(|kv| layer.values[kv[1] as usize].uint_value)
                .unwrap_or(0)
        })
        .sum()
}

async fn seed(r: &Router, lines: &[serde_json::Value]) {
    let body = lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let res = r
        .clone()
        .oneshot(
            Request::post("/api/incidents/bulk")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_density_tile_is_a_vector_tile_gdal_reads_with_layer_density_and_counts() {
    let (store, _dir) = common::sqlite_store().await;
    store.import(&common::fixture()).await.unwrap();
    let r = router(&store).await;
    let t = tile_of(110.436, 35.4765, 14);
    let (w, s, e, n) = t.bounds();
    let mut lines = Vec::new();
    for i in 0..50 {
        let category = if i % 5 == 0 {
            "e_emergency"
        } else {
            "e_street_order"
        };
        let lng = w + (e - w) * (0.1 + 0.8 * f64::from(i) / 50.0);
        lines.push(json!({"lng": lng, "lat": (s + n) / 2.0, "category": category}));
    }
    // One just outside the tile, east of it.
    lines.push(json!({"lng": e + (e - w) * 0.01, "lat": (s + n) / 2.0, "category": "e_emergency"}));
    seed(&r, &lines).await;
    let (status, _, bytes) = fetch(&r, &uri(t, ""), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total_count(&bytes), 50);
    let (_, _, only) = fetch(&r, &uri(t, "?category=e_emergency"), None).await;
    assert_eq!(total_count(&only), 10, "the filter changes the tile");
    let (_, _, none) = fetch(&r, &uri(t, "?from=2099-01-01"), None).await;
    assert_eq!(total_count(&none), 0);

    // GDAL's MVT driver reads the saved tile: one layer, polygons with an integer count.
    let Ok(out) = std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
    else {
        assert!(
            std::env::var("GRIDD_TEST_PG").is_err(),
            "make test installs gdal-bin"
        );
        eprintln!("ogrinfo is not installed: the GDAL check is skipped (make test installs it)");
        return;
    };
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.mvt", t.y));
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Layer name: density"), "{text}");
    assert!(text.contains("Geometry: Polygon"), "{text}");
    assert!(text.contains("count: Integer"), "{text}");
    let features = text
        .lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap();
    let ours = MvtTile::decode(bytes.as_slice()).unwrap().layers[0]
        .features
        .len();
    assert_eq!(features, ours);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_incident_shows_in_its_tile_at_once_with_a_new_etag() {
    let (store, _dir) = common::sqlite_store().await;
    store.import(&common::fixture()).await.unwrap();
    let r = router(&store).await;
    let t = tile_of(110.4466, 35.4717, 16);
    let (status, etag, bytes) = fetch(&r, &uri(t, ""), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total_count(&bytes), 0);
    let (status, same, _) = fetch(&r, &uri(t, ""), Some(&etag)).await;
    assert_eq!(
        (status, same.as_str()),
        (StatusCode::NOT_MODIFIED, etag.as_str())
    );

    let report = json!({"lng": 110.4466, "lat": 35.4717, "category": "c_greenery"});
    let res = r
        .clone()
        .oneshot(
            Request::post("/api/incidents")
                .header("content-type", "application/json")
                .body(Body::from(report.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, fresh, bytes) = fetch(&r, &uri(t, ""), Some(&etag)).await;
    assert_eq!(status, StatusCode::OK, "the old ETag no longer matches");
    assert_ne!(fresh, etag);
    assert_eq!(total_count(&bytes), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tile_addresses_and_filters_are_400_naming_what_is_wrong() {
    let (store, _dir) = common::sqlite_store().await;
    let r = router(&store).await;
    for (uri, names) in [
        ("/tiles/density/25/0/0.mvt", "z"),
        ("/tiles/density/3/8/0.mvt", "no such tile"),
        ("/tiles/density/3/1/1.png", ".mvt"),
        ("/tiles/density/3/1/1.mvt?category=pothole", "category"),
        ("/tiles/density/3/1/1.mvt?bins=3", "bins"),
        ("/tiles/density/3/1/1.mvt?colour=red", "colour"),
    ] {
        let (status, body) =
            common::call(r.clone(), Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(names),
            "{uri}: {body}"
        );
    }
}

/// Three incidents in the north-west level-3 grid and one in the south-east one.
async fn four_incidents(r: &Router) {
    let at = |lng: f64, lat: f64, category: &str, status: &str| {
        json!({"lng": lng, "lat": lat, "category": category, "status": status,
               "reported_at": "2026-05-01T10:00:00+08:00"})
    };
    seed(
        r,
        &[
            at(110.4319, 35.4765, "e_environment", "reported"),
            at(110.4330, 35.4770, "e_environment", "closed"),
            at(110.4340, 35.4790, "c_greenery", "handling"),
            at(110.4466, 35.4717, "e_environment", "reported"),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grid_stats_give_the_hand_computed_metrics_and_gi_star_per_grid() {
    let (store, _dir) = common::sqlite_store().await;
    store.import(&common::fixture()).await.unwrap();
    let r = router(&store).await;
    four_incidents(&r).await;
    let (status, v) = common::call(
        r.clone(),
        Request::get("/api/stats/grids?level=3")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let rows = v["grids"].as_array().unwrap();
    let codes: Vec<&str> = rows.iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "610581001001001",
            "610581001001002",
            "610581001002001",
            "610581001002002"
        ]
    );
    let nw = &rows[0];
    assert_eq!(
        (nw["incidents"].as_u64(), nw["open"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(nw["per_1000_households"], json!(7.14), "3 × 1000 / 420");
    assert_eq!(nw["households"], 420);
    assert_eq!(
        nw["officers"], 1,
        "O003 full-time; the building head does not count"
    );
    assert_eq!(nw["households_per_officer"], json!(420.0));
    assert_eq!(nw["neighbours"], 2);
    let sw = &rows[1];
    assert_eq!(sw["officers"], 1, "O004 part-time");
    assert_eq!(
        rows[2]["households_per_officer"],
        json!(510.0),
        "O005 full-time"
    );
    let se = &rows[3];
    assert_eq!(
        (se["vacant"].as_bool(), &se["households_per_officer"]),
        (Some(true), &json!(null))
    );
    // Gi* of counts [3, 0, 0, 1] on the 2×2 rook graph: mean 1, S = √1.5; by hand
    // (3 − 3)/S = 0, (4 − 3)/S = 0.816, (4 − 3)/S = 0.816, (1 − 3)/S = −1.633.
    let gi: Vec<f64> = rows
        .iter()
        .map(|g| g["gi_star"].as_f64().unwrap())
        .collect();
    assert_eq!(gi, [0.0, 0.816, 0.816, -1.633]);
    // Filters apply to the counts.
    let (_, v) = common::call(
        r.clone(),
        Request::get("/api/stats/grids?level=1&category=c_greenery")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(v["grids"][0]["incidents"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grid_stats_download_as_csv_and_coverage_lists_vacancies_and_reach() {
    let (store, _dir) = common::sqlite_store().await;
    store.import(&common::fixture()).await.unwrap();
    let r = router(&store).await;
    four_incidents(&r).await;
    for req in [
        Request::get("/api/stats/grids?level=3&format=csv")
            .body(Body::empty())
            .unwrap(),
        Request::get("/api/stats/grids?level=3")
            .header(header::ACCEPT, "text/csv")
            .body(Body::empty())
            .unwrap(),
    ] {
        let res = r.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec())
            .unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("code,name,incidents,open,per_1000_households"));
        assert!(
            lines[1].starts_with("610581001001001,西区北片,3,2,7.14,420,"),
            "{}",
            lines[1]
        );
    }
    let (status, v) = common::call(
        r.clone(),
        Request::get("/api/coverage?level=3")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["grids"], 4);
    assert_eq!(v["vacant"], json!(["610581001002002"]));
    assert_eq!(v["buildings"], 12);
    assert_eq!(
        v["compounds_without_party_org"], 1,
        "C003 has no party organisation"
    );
    assert_eq!(v["reach_m"], 800.0);
    let (status, v) = common::call(
        r.clone(),
        Request::get("/api/stats/grids?level=4")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["message"].as_str().unwrap().contains("level"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grid_tile_carries_each_grid_with_its_metrics_for_choropleths() {
    let (store, _dir) = common::sqlite_store().await;
    store.import(&common::fixture()).await.unwrap();
    let r = router(&store).await;
    four_incidents(&r).await;
    let t = tile_of(110.44, 35.475, 13);
    let (status, _, bytes) = fetch(
        &r,
        &format!("/tiles/grids/{}/{}/{}.mvt?level=3", t.z, t.x, t.y),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let tile = MvtTile::decode(bytes.as_slice()).unwrap();
    let layer = &tile.layers[0];
    assert_eq!(layer.name, "grids");
    assert_eq!(layer.features.len(), 4, "the four level-3 grids");
    // Read each feature's code and incident count back from the tag tables.
    let prop = |f: &geozero::mvt::tile::Feature, name: &str| {
        let k = layer.keys.iter().position(|k| k == name).unwrap() as u32;
        let kv = f.tags.chunks(2).find(|kv| kv[0] == k).unwrap();
        layer.values[kv[1] as usize].clone()
    };
    let mut seen: Vec<(String, u64)> = layer
        .features
        .iter()
        .map(|f| {
            (
                prop(f, "code").string_value.unwrap(),
                prop(f, "incidents").uint_value.unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("610581001001001".to_string(), 3),
            ("610581001001002".to_string(), 0),
            ("610581001002001".to_string(), 0),
            ("610581001002002".to_string(), 1)
        ]
    );
    let (_, _, l1) = fetch(
        &r,
        &format!("/tiles/grids/{}/{}/{}.mvt?level=1", t.z, t.x, t.y),
        None,
    )
    .await;
    assert_eq!(
        MvtTile::decode(l1.as_slice()).unwrap().layers[0]
            .features
            .len(),
        1
    );
    let far = tile_of(116.4, 39.9, 13);
    let (_, _, empty) = fetch(
        &r,
        &format!("/tiles/grids/13/{}/{}.mvt", far.x, far.y),
        None,
    )
    .await;
    assert!(MvtTile::decode(empty.as_slice()).unwrap().layers[0]
        .features
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roads_tile_carries_named_roads_by_class_and_lanes_only_close_up() {
    let (store, _dir) = common::sqlite_store().await;
    store.import(&common::fixture()).await.unwrap();
    let r = router(&store).await;
    // Class and name of each road in a tile, read back from the tag tables.
    let roads_at = |z: u8| {
        let r = r.clone();
        async move {
            let t = tile_of(110.44, 35.475, z);
            let (status, _, bytes) = fetch(
                &r,
                &format!("/tiles/roads/{}/{}/{}.mvt", t.z, t.x, t.y),
                None,
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            let tile = MvtTile::decode(bytes.as_slice()).unwrap();
            let layer = &tile.layers[0];
            assert_eq!(layer.name, "roads");
            let prop = |f: &geozero::mvt::tile::Feature, name: &str| {
                let k = layer.keys.iter().position(|k| k == name)? as u32;
                let kv = f.tags.chunks(2).find(|kv| kv[0] == k)?;
                layer.values[kv[1] as usize].string_value.clone()
            };
            let mut seen: Vec<(String, Option<String>)> = layer
                .features
                .iter()
                .map(|f| {
                    assert_eq!(f.r#type, Some(2), "a LineString feature");
                    (prop(f, "class").unwrap(), prop(f, "name"))
                })
                .collect();
            seen.sort();
            seen
        }
    };
    let arterial = ("arterial".to_string(), Some("金城大街".to_string()));
    let street = ("street".to_string(), Some("盘河路".to_string()));
    assert_eq!(roads_at(10).await, std::slice::from_ref(&arterial));
    assert_eq!(roads_at(12).await, [arterial.clone(), street.clone()]);
    assert_eq!(
        roads_at(15).await,
        [arterial, ("lane".to_string(), None), street]
    );
}
