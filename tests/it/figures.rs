//! A grid's households and population when its file gives none: the sums over its buildings,
//! as `/api/grids`, `/api/stats/grids` and `/api/plan/oversized` all show (both stores); a
//! given figure far from its buildings' is kept and named in a `households_mismatch` warning.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridd::app::App;
use gridd::http::HttpOptions;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

type S = Arc<dyn gridd::store::Store>;

both_stores!(
    grids_delivered_as_plain_polygons_take_their_buildings_households_in_every_answer,
    a_given_figure_far_from_its_buildings_is_kept_and_named_in_a_mismatch_warning,
);

/// The fixture city with every grid's `households` and `population` taken out.
fn plain_polygon_city(dir: &Path) {
    for f in gridd::import::FILES {
        std::fs::copy(common::fixture_dir().join(f), dir.join(f)).unwrap();
    }
    let mut grids: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("grids.geojson")).unwrap()).unwrap();
    for f in grids["features"].as_array_mut().unwrap() {
        let props = f["properties"].as_object_mut().unwrap();
        props.remove("households");
        props.remove("population");
    }
    std::fs::write(dir.join("grids.geojson"), grids.to_string()).unwrap();
}

async fn get(r: &axum::Router, uri: &str) -> Value {
    let (status, v) = common::call(r.clone(), Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {v}");
    v
}

fn by_code<'a>(rows: impl Iterator<Item = &'a Value>, key: &str) -> BTreeMap<String, u64> {
    rows.map(|r| {
        let code = r["code"].as_str().or(r["properties"]["code"].as_str());
        let v = r[key].as_u64().or(r["properties"][key].as_u64());
        (code.unwrap().to_string(), v.unwrap())
    })
    .collect()
}

async fn grids_delivered_as_plain_polygons_take_their_buildings_households_in_every_answer(
    store: S,
) {
    let dir = tempfile::tempdir().unwrap();
    plain_polygon_city(dir.path());
    let data = gridd::import::read_dir(dir.path()).unwrap();

    // What each level-3 grid's buildings hold, counted here from the buildings themselves.
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for b in &data.buildings {
        let code = b
            .grid
            .as_ref()
            .expect("every fixture building lies in a grid");
        *want.entry(code.to_string()).or_default() += u64::from(b.households.get());
    }
    let total: u64 = data
        .buildings
        .iter()
        .map(|b| u64::from(b.households.get()))
        .sum();
    assert_eq!(total, 912, "the fixture's buildings hold 912 households");
    assert!(want.values().all(|h| *h > 0));
    assert!(gridd::import::figure_warnings(&data).is_empty());

    store.import(&data).await.unwrap();
    let state = App::load(Arc::clone(&store)).await.unwrap();
    let r = common::admin_app(state, &HttpOptions::default()).await;

    let grids = get(&r, "/api/grids?level=3").await;
    let got = by_code(grids["features"].as_array().unwrap().iter(), "households");
    assert_eq!(got, want, "/api/grids");
    let l1 = get(&r, "/api/grids?level=1").await;
    assert_eq!(l1["features"][0]["properties"]["households"], total);

    let stats = get(&r, "/api/stats/grids?level=3").await;
    let got = by_code(stats["grids"].as_array().unwrap().iter(), "households");
    assert_eq!(got, want, "/api/stats/grids");
    let rate = stats["grids"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["households"].as_u64() > Some(0));
    assert!(rate, "no grid is left at 0 households: {stats}");

    // A band no grid fits lists every comprehensive grid with its buildings' figure.
    let plan = get(&r, "/api/plan/oversized?min=1&max=2").await;
    let listed = plan["grids"].as_array().expect("grids listed");
    assert!(!listed.is_empty(), "{plan}");
    for g in listed {
        let code = g["code"].as_str().unwrap();
        assert_eq!(g["households"].as_u64(), want.get(code).copied(), "{g}");
        assert_eq!(g["fit"], "over", "{g}");
    }
}

async fn a_given_figure_far_from_its_buildings_is_kept_and_named_in_a_mismatch_warning(store: S) {
    // The fixture as it is: its grids give figures, several far from their buildings'.
    let data = gridd::import::read_dir(&common::fixture_dir()).unwrap();
    let warnings = gridd::import::figure_warnings(&data);
    let level1 = warnings
        .iter()
        .find(|w| w.feature == "610581001")
        .expect("the level-1 grid's 1,480 against its buildings' 912 is named");
    assert_eq!(level1.kind, "households_mismatch");
    assert!(
        level1.message.contains("households 1480 given") && level1.message.contains("hold 912"),
        "{}",
        level1.message
    );
    assert!(level1.at.is_some(), "the warning has a place");
    // Warnings about figures do not stop the import, and the file's figure stands.
    gridd::import::check(&data, false).expect("figures are no geometry defect");
    store.import(&data).await.unwrap();
    let row = store
        .grid(&common::code("610581001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.grid.households.get(), 1480);
}
