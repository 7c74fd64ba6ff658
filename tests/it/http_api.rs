//! The HTTP API end to end through `gridd::http::app`, on the fixture city, against both
//! stores: statuses, GeoJSON shapes and error messages a client relies on.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridd::app::App;
use gridd::http::HttpOptions;
use gridd::store::Store;
use serde_json::Value;
use std::sync::Arc;

async fn get(store: &Arc<dyn Store>, options: &HttpOptions, uri: &str) -> (StatusCode, Value) {
    let state = App::load(Arc::clone(store)).await.unwrap();
    common::call(
        common::admin_app(state, options).await,
        Request::get(uri).body(Body::empty()).unwrap(),
    )
    .await
}

async fn api(store: &Arc<dyn Store>, uri: &str) -> (StatusCode, Value) {
    get(store, &HttpOptions::default(), uri).await
}

both_stores!(
    setup = crate::common::with_fixture;
    health_names_the_store_and_counts_grids_per_level,
    grids_come_as_a_feature_collection_with_the_documented_properties,
    a_grid_detail_lists_officers_and_incident_counts,
    a_vacant_grid_has_no_households_per_officer,
    a_well_formed_but_unknown_grid_code_is_404,
    a_malformed_grid_code_is_400_naming_the_code,
    a_bad_bbox_is_400_naming_the_parameter,
    an_unknown_query_parameter_is_400_naming_it,
    compounds_and_buildings_filter_by_grid,
    unknown_api_paths_are_json_404s,
);

async fn health_names_the_store_and_counts_grids_per_level(store: Arc<dyn Store>) {
    let (status, body) = api(&store, "/api/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store"], store.kind().as_str());
    assert_eq!(body["grids"], serde_json::json!({"1": 1, "2": 2, "3": 4}));
    assert_eq!(body["compounds"], 3);
    assert_eq!(body["buildings"], 12);
    assert_eq!(body["incidents"], 0);
}

async fn grids_come_as_a_feature_collection_with_the_documented_properties(store: Arc<dyn Store>) {
    let (status, body) = api(&store, "/api/grids?level=3&parent=610581001001").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["type"], "FeatureCollection");
    let features = body["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    let p = &features[0]["properties"];
    for key in [
        "code",
        "name",
        "level",
        "parent",
        "households",
        "population",
        "officers",
    ] {
        assert!(!p[key].is_null(), "property {key} missing in {p}");
    }
    assert_eq!(p["code"], "610581001001001");
    assert_eq!(p["parent"], "610581001001");
    assert_eq!(p["level"], 3);
    assert_eq!(features[0]["geometry"]["type"], "MultiPolygon");
    let ring = &features[0]["geometry"]["coordinates"][0][0];
    assert_eq!(
        ring[0],
        ring[ring.as_array().unwrap().len() - 1],
        "rings are closed"
    );
}

async fn a_grid_detail_lists_officers_and_incident_counts(store: Arc<dyn Store>) {
    let (status, body) = api(&store, "/api/grids/610581001001001").await;
    assert_eq!(status, StatusCode::OK);
    let p = &body["properties"];
    assert_eq!(p["officers"], 1);
    assert_eq!(p["households_per_officer"], 420.0);
    assert_eq!(p["incidents"]["total"], 0);
    let names: Vec<&str> = p["officer_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["张伟", "赵敏", "孙强"]);
    // The admin sees the whole number (see scope.rs for who else does).
    assert_eq!(p["officer_list"][0]["phone"], "13812340002");
}

async fn a_vacant_grid_has_no_households_per_officer(store: Arc<dyn Store>) {
    let (_, body) = api(&store, "/api/grids/610581001002002").await;
    assert_eq!(body["properties"]["officers"], 0);
    assert!(body["properties"]["households_per_officer"].is_null());
}

async fn a_well_formed_but_unknown_grid_code_is_404(store: Arc<dyn Store>) {
    let (status, body) = api(&store, "/api/grids/610581009").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
    assert!(body["message"].as_str().unwrap().contains("610581009"));
}

async fn a_malformed_grid_code_is_400_naming_the_code(store: Arc<dyn Store>) {
    let (status, body) = api(&store, "/api/grids/61058100X").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grid_code");
    assert!(
        body["message"].as_str().unwrap().contains("61058100X"),
        "{body}"
    );
}

async fn a_bad_bbox_is_400_naming_the_parameter(store: Arc<dyn Store>) {
    for bad in [
        "110,35,111",
        "111,35,110,36",
        "110,35,111,NaN",
        "110,35,200,36",
    ] {
        let (status, body) = api(&store, &format!("/api/grids?bbox={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("query parameter bbox"),
            "{body}"
        );
    }
}

async fn an_unknown_query_parameter_is_400_naming_it(store: Arc<dyn Store>) {
    let (status, body) = api(&store, "/api/grids?levle=3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("levle"),
        "{body}"
    );
    let (status, _) = api(&store, "/api/grids?level=4").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn compounds_and_buildings_filter_by_grid(store: Arc<dyn Store>) {
    let (_, body) = api(&store, "/api/compounds?grid=610581001002").await;
    let f = body["features"].as_array().unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["properties"]["name"], "龙门小区");
    assert_eq!(f[0]["properties"]["party_org"], "joint");
    assert_eq!(f[0]["properties"]["party_branch"], "龙门联合支部");
    let (_, body) = api(&store, "/api/buildings?grid=610581001001001").await;
    assert_eq!(body["features"].as_array().unwrap().len(), 4);
    assert_eq!(body["features"][0]["properties"]["floors"], 18);
}

async fn unknown_api_paths_are_json_404s(store: Arc<dyn Store>) {
    let (status, body) = api(&store, "/api/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("/api/nothing-here"),
        "{body}"
    );
}

#[tokio::test]
async fn the_built_frontend_is_served_at_the_root_and_for_unknown_pages() {
    let (store, _dir) = common::sqlite_store().await;
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<title>网格</title>").unwrap();
    let options = HttpOptions {
        web_dir: Some(web.path().to_path_buf()),
        ..Default::default()
    };
    for path in ["/", "/officer/610581001001001"] {
        let (status, body) = get(&store, &options, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body, Value::String("<title>网格</title>".into()));
    }
}

#[tokio::test]
async fn a_configured_basemap_is_offered_with_its_crs_and_how_far_it_sets_our_data_off() {
    let (store, _dir) = common::sqlite_store().await;
    let (_, none) = api(&store, "/api/basemap").await;
    assert_eq!(none["configured"], Value::Null);
    let basemap = gridd::http::basemap::Basemap::new(
        "https://webrd0{1-4}.example.cn/appmaptile?x={x}&y={y}&z={z}",
        gridd::domain::Crs::Gcj02,
        Some("高德".into()),
    )
    .unwrap();
    let options = HttpOptions {
        basemap: gridd::http::basemap::Configured(Some(Arc::new(basemap))),
        ..Default::default()
    };
    let (status, v) = get(&store, &options, "/api/basemap").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let c = &v["configured"];
    assert_eq!(c["tiles"].as_array().unwrap().len(), 4, "{v}");
    assert_eq!(c["crs"], "gcj02");
    assert_eq!(c["misplacement"], "shifted");
    let off = c["offset_m"].as_f64().unwrap();
    assert!((300.0..800.0).contains(&off), "{v}");
}

#[tokio::test]
async fn checking_a_basemap_url_explains_what_cannot_be_drawn() {
    let (store, _dir) = common::sqlite_store().await;
    let ok = "/api/basemap/check?crs=cgcs2000&url=http%3A%2F%2Ft0.tianditu.gov.cn%2Fvec_w%2Fwmts%3FREQUEST%3DGetTile%26TILEMATRIXSET%3Dw%26TILEMATRIX%3D1%26TILEROW%3D0%26TILECOL%3D0";
    let (status, v) = api(&store, ok).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["scheme"], "wmts-kvp");
    assert_eq!(v["misplacement"], "none");
    assert_eq!(v["offset_m"], 0.0);
    for (uri, words) in [
        (
            "/api/basemap/check?url=http%3A%2F%2Ft0.tianditu.gov.cn%2Fvec_c%2Fwmts%3FREQUEST%3DGetTile%26TILEMATRIXSET%3Dc%26TILEMATRIX%3D1%26TILEROW%3D0%26TILECOL%3D0",
            "Web Mercator",
        ),
        ("/api/basemap/check?url=https%3A%2F%2Fexample.cn%2Fa.png", "placeholders"),
        ("/api/basemap/check?url=https%3A%2F%2Fexample.cn%2F%7Bz%7D%2F%7Bx%7D%2F%7By%7D&crs=mars", "crs"),
        ("/api/basemap/check", "url"),
    ] {
        let (status, v) = api(&store, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert!(v["message"].as_str().unwrap().contains(words), "{uri}: {v}");
    }
}
