//! OGC API – Features under `/ogc` on the fixture city, both stores: the landing page and
//! conformance, collections cut to the caller's role, items paged with `next` links, bbox,
//! datetime and cursor paging of incidents, one feature by id, scope (an officer sees their
//! own grid), and bad input answered in the OGC error shape. Then the real client: GDAL's
//! OAPIF driver (`ogrinfo`, `ogr2ogr` into a GeoPackage) against `gridd serve`.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use gridd::app::App;
use gridd::http::HttpOptions;
use gridd::store::Store;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use tower::ServiceExt;

struct Ogc {
    r: Router,
    state: App,
}

impl Ogc {
    async fn new(store: Arc<dyn Store>) -> Ogc {
        let state = App::load(store).await.unwrap();
        let r = gridd::http::app(state.clone(), &HttpOptions::default());
        Ogc { r, state }
    }

    async fn token(&self, role: &str, scope: &str) -> String {
        common::token(&self.state, role, scope).await
    }

    /// Status, media type and JSON body of a GET as `token`'s holder.
    async fn get(&self, token: &str, uri: &str) -> (StatusCode, String, Value) {
        let req = Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::HOST, "grid.example")
            .body(Body::empty())
            .unwrap();
        let (status, media, text) = common::call_text(&self.r, req).await;
        (
            status,
            media,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }
}

fn link<'a>(v: &'a Value, rel: &str) -> Option<&'a str> {
    v["links"]
        .as_array()?
        .iter()
        .find(|l| l["rel"] == rel)?
        .get("href")?
        .as_str()
}

/// The path and query of an absolute link.
fn local(href: &str) -> &str {
    href.strip_prefix("http://grid.example")
        .expect("a link to this server")
}

both_stores!(
    setup = crate::common::with_fixture;
    the_landing_page_links_conformance_and_collections_and_needs_a_caller,
    each_role_sees_the_collections_its_api_routes_admit,
    items_page_through_a_collection_with_next_links_and_say_how_many_matched,
    bbox_cuts_items_and_a_bad_bbox_limit_or_parameter_is_400_in_the_ogc_shape,
    unknown_collections_and_features_are_404_in_the_ogc_shape,
    an_officer_reads_only_their_own_grid_through_ogc,
    incidents_filter_by_datetime_and_page_by_cursor,
);

async fn the_landing_page_links_conformance_and_collections_and_needs_a_caller(
    store: Arc<dyn Store>,
) {
    let o = Ogc::new(store).await;
    let admin = o.token("admin", "*").await;
    let (s, media, v) = o.get(&admin, "/ogc").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(media, "application/json");
    assert_eq!(
        link(&v, "conformance"),
        Some("http://grid.example/ogc/conformance")
    );
    assert_eq!(
        link(&v, "data"),
        Some("http://grid.example/ogc/collections")
    );
    let (_, _, c) = o.get(&admin, "/ogc/conformance").await;
    let classes: Vec<&str> = c["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"));
    // Like the rest of the API: nobody reads the city without a session or token.
    let res =
        o.r.clone()
            .oneshot(
                Request::get("/ogc/collections")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

async fn each_role_sees_the_collections_its_api_routes_admit(store: Arc<dyn Store>) {
    let o = Ogc::new(store).await;
    let ids = |v: &Value| -> Vec<String> {
        v["collections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let admin = o.token("admin", "*").await;
    let (_, _, v) = o.get(&admin, "/ogc/collections").await;
    assert_eq!(
        ids(&v),
        [
            "grids-level-1",
            "grids-level-2",
            "grids-level-3",
            "compounds",
            "buildings",
            "service-centres",
            "incidents"
        ]
    );
    let g3 = &v["collections"][2];
    assert_eq!(g3["extent"]["spatial"]["bbox"][0][0], 110.43);
    assert_eq!(
        link(g3, "items"),
        Some("http://grid.example/ogc/collections/grids-level-3/items")
    );
    // A reporter reads incidents (its own), no map data; a planner the map, no incidents.
    let reporter = o.token("reporter", "").await;
    assert_eq!(
        ids(&o.get(&reporter, "/ogc/collections").await.2),
        ["incidents"]
    );
    let (s, _, e) = o.get(&reporter, "/ogc/collections/buildings/items").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["code"], "Forbidden");
    let planner = o.token("planner", "610581").await;
    let seen = ids(&o.get(&planner, "/ogc/collections").await.2);
    assert!(seen.contains(&"buildings".to_string()));
    assert!(!seen.contains(&"incidents".to_string()));
}

async fn items_page_through_a_collection_with_next_links_and_say_how_many_matched(
    store: Arc<dyn Store>,
) {
    let o = Ogc::new(store).await;
    let admin = o.token("admin", "*").await;
    let mut uri = "/ogc/collections/grids-level-3/items?limit=1".to_string();
    let mut codes = Vec::new();
    let mut pages = 0;
    loop {
        let (s, media, v) = o.get(&admin, &uri).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(media, "application/geo+json");
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(v["numberMatched"], 4);
        assert_eq!(v["numberReturned"], 1);
        codes.push(v["features"][0]["id"].as_str().unwrap().to_string());
        pages += 1;
        match link(&v, "next") {
            Some(next) => uri = local(next).to_string(),
            None => break,
        }
        assert!(pages < 10);
    }
    assert_eq!(
        codes,
        [
            "610581001001001",
            "610581001001002",
            "610581001002001",
            "610581001002002"
        ]
    );
    // The default page is 10; a limit over 10,000 is cut, not refused.
    let (_, _, v) = o.get(&admin, "/ogc/collections/buildings/items").await;
    assert_eq!(v["numberReturned"], 10);
    assert_eq!(v["numberMatched"], 12);
    let (s, _, v) = o
        .get(&admin, "/ogc/collections/buildings/items?limit=50000")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["numberReturned"], 12);
    assert!(link(&v, "self").unwrap().contains("limit=10000"));
    // One feature by its id, with its links.
    let (s, media, f) = o
        .get(
            &admin,
            "/ogc/collections/grids-level-3/items/610581001002001",
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(media, "application/geo+json");
    assert_eq!(f["properties"]["code"], "610581001002001");
    assert_eq!(f["geometry"]["type"], "MultiPolygon");
    assert!(link(&f, "collection").is_some());
}

async fn bbox_cuts_items_and_a_bad_bbox_limit_or_parameter_is_400_in_the_ogc_shape(
    store: Arc<dyn Store>,
) {
    let o = Ogc::new(store).await;
    let admin = o.token("admin", "*").await;
    let (_, _, v) = o
        .get(
            &admin,
            "/ogc/collections/grids-level-3/items?bbox=110.431,35.471,110.439,35.474",
        )
        .await;
    assert_eq!(v["numberMatched"], 1, "{v}");
    assert_eq!(v["features"][0]["id"], "610581001001002");
    assert!(link(&v, "self")
        .unwrap()
        .contains("bbox=110.431,35.471,110.439,35.474"));
    for (query, names) in [
        ("bbox=110.43,35.47,110.44,35.48,1", "5 numbers"),
        ("bbox=110.44,35.47,110.43,35.48", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("limit=0", "limit"),
        ("limit=-3", "limit"),
        ("offset=x", "offset"),
        ("colour=red", "colour"),
        ("bbox-crs=EPSG:3857&bbox=1,2,3,4", "bbox-crs"),
        ("cursor=1_1", "cursor"),
    ] {
        let (s, _, e) = o
            .get(
                &admin,
                &format!("/ogc/collections/grids-level-3/items?{query}"),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {e}");
        assert_eq!(e["code"], "InvalidParameterValue", "{e}");
        assert!(
            e["description"].as_str().unwrap().contains(names),
            "{query}: {e}"
        );
    }
}

async fn unknown_collections_and_features_are_404_in_the_ogc_shape(store: Arc<dyn Store>) {
    let o = Ogc::new(store).await;
    let admin = o.token("admin", "*").await;
    for uri in [
        "/ogc/collections/rivers",
        "/ogc/collections/rivers/items",
        "/ogc/collections/rivers/items/1",
        "/ogc/collections/grids-level-3/items/610581999999999",
        "/ogc/collections/grids-level-3/items/610581001001",
        "/ogc/collections/incidents/items/999999",
        "/ogc/collections/incidents/items/abc",
    ] {
        let (s, _, e) = o.get(&admin, uri).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}: {e}");
        assert_eq!(e["code"], "NotFound", "{e}");
        assert!(e["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

async fn an_officer_reads_only_their_own_grid_through_ogc(store: Arc<dyn Store>) {
    let o = Ogc::new(store).await;
    let officer = o.token("officer", "610581001001001").await;
    let (_, _, v) = o
        .get(&officer, "/ogc/collections/grids-level-3/items?limit=100")
        .await;
    assert_eq!(v["numberMatched"], 1, "{v}");
    assert_eq!(v["features"][0]["id"], "610581001001001");
    let (s, _, _) = o
        .get(
            &officer,
            "/ogc/collections/grids-level-3/items/610581001002002",
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another grid is none of theirs");
    let (_, _, b) = o
        .get(&officer, "/ogc/collections/buildings/items?limit=100")
        .await;
    let (_, _, all) = o
        .get(
            &o.token("admin", "*").await,
            "/ogc/collections/buildings/items?limit=100",
        )
        .await;
    assert!(b["numberMatched"].as_u64().unwrap() < all["numberMatched"].as_u64().unwrap());
}

async fn incidents_filter_by_datetime_and_page_by_cursor(store: Arc<dyn Store>) {
    let o = Ogc::new(store).await;
    let admin = o.token("admin", "*").await;
    let lines: Vec<String> = (0..25)
        .map(|i| {
            format!(
                r#"{{"lng":{},"lat":35.472,"category":"e_street_order","reported_at":"2026-03-{:02}T08:00:00Z"}}"#,
                110.431 + f64::from(i) * 0.0001,
                1 + i % 20
            )
        })
        .collect();
    let req = Request::post("/api/incidents/bulk")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from(lines.join("\n")))
        .unwrap();
    assert_eq!(
        o.r.clone().oneshot(req).await.unwrap().status(),
        StatusCode::OK
    );
    let mut uri = "/ogc/collections/incidents/items?limit=4".to_string();
    let mut ids = Vec::new();
    while let Some(next) = {
        let (s, _, v) = o.get(&admin, &uri).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        ids.extend(
            v["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_i64().unwrap()),
        );
        link(&v, "next").map(|n| local(n).to_string())
    } {
        uri = next;
    }
    assert_eq!(ids.len(), 25);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 25);
    // The 1st to the 5th of March, both ends included: days 1–5 hold 2 reports each.
    let (_, _, v) = o
        .get(
            &admin,
            "/ogc/collections/incidents/items?limit=100&datetime=2026-03-01T00:00:00Z/2026-03-05T08:00:00Z",
        )
        .await;
    assert_eq!(v["numberReturned"], 10, "{v}");
    let (_, _, v) = o
        .get(
            &admin,
            "/ogc/collections/incidents/items?limit=100&datetime=2026-03-20T08:00:00Z",
        )
        .await;
    assert_eq!(v["numberReturned"], 1, "an instant: {v}");
    let (_, _, v) = o
        .get(
            &admin,
            "/ogc/collections/incidents/items?limit=100&datetime=2026-03-19T00:00:00Z/..",
        )
        .await;
    assert_eq!(v["numberReturned"], 2, "open end: {v}");
    let (s, _, e) = o
        .get(
            &admin,
            "/ogc/collections/incidents/items?datetime=2026-03-05/2026-03-01",
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
}

/// GDAL's OAPIF driver, as a GIS user runs it, against `gridd serve` on the fixture city.
#[test]
fn gdal_lists_the_collections_and_copies_level_3_grids_into_a_geopackage() {
    use crate::common::process::{
        first_admin, free_port, http_as, json_body, serve, wait_for_health,
    };
    if !crate::common::process::have_tool("ogr2ogr") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    let token = first_admin(&db);
    let port = free_port();
    let mut child = serve(&db, port);
    wait_for_health(&mut child, port);
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _server = Kill(child);
    let source = format!("OAPIF:http://127.0.0.1:{port}/ogc");
    let auth = format!("Authorization: Bearer {token}");
    let info = std::process::Command::new("ogrinfo")
        .args(["-so", "--config", "GDAL_HTTP_HEADERS", &auth, &source])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.status.success(),
        "{listed}{}",
        String::from_utf8_lossy(&info.stderr)
    );
    for c in [
        "grids-level-1",
        "grids-level-2",
        "grids-level-3",
        "compounds",
        "buildings",
        "service-centres",
        "incidents",
    ] {
        assert!(
            listed.contains(&format!(": {c} (")),
            "{c} missing from:\n{listed}"
        );
    }
    // One grid a page, so GDAL follows `next` links to the end.
    let gpkg = dir.path().join("grids.gpkg");
    crate::common::process::run_ok(
        std::process::Command::new("ogr2ogr")
            .args(["-f", "GPKG"])
            .arg(&gpkg)
            .args([
                "--config",
                "GDAL_HTTP_HEADERS",
                &auth,
                "-oo",
                "PAGE_SIZE=1",
                &source,
                "grids-level-3",
            ]),
    );
    let read = std::process::Command::new("ogrinfo")
        .args(["-q", "-al", "-geom=NO"])
        .arg(&gpkg)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&read.stdout);
    let copied: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("code (String) = "))
        .map(str::to_string)
        .collect();
    let api = json_body(&http_as(&token, port, "GET", "/api/grids?level=3", "").unwrap());
    let served: BTreeSet<String> = api["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(served.len(), 4);
    assert_eq!(
        copied, served,
        "the GeoPackage holds the grids the API lists"
    );
}
