//! OGC API – Features, Part 1: Core 1.0, under `/ogc`: the landing page, conformance, the
//! collections (grids of each level, compounds, buildings, service centres, incidents) and
//! their items with `bbox`, `limit`, `offset`/`cursor` paging and `datetime` (incidents), as
//! GeoJSON in CRS84, so QGIS and GDAL's OAPIF driver read the city directly. Every collection
//! needs a session or token like the rest of the API, and is cut to the caller's scope.
//! Errors answer in the OGC exception shape `{"code", "description"}`.

mod collections;

use super::incident_list::HeavyReads;
use super::App;
use crate::app::auth::Who;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use collections::{Collection, Page};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The conformance classes served.
const CONFORMS_TO: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];
/// The CRS every geometry is given in (WGS84 longitude, latitude).
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// Items per page when the client names no limit, and the most it may ask for (a larger
/// limit is cut to this, as the standard allows).
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 10_000;

/// An OGC API error: its status, code and description.
#[derive(Debug)]
pub struct OgcError {
    status: StatusCode,
    code: &'static str,
    description: String,
}

impl OgcError {
    fn bad(description: impl Into<String>) -> OgcError {
        OgcError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameterValue",
            description: description.into(),
        }
    }

    fn not_found(description: impl Into<String>) -> OgcError {
        OgcError {
            status: StatusCode::NOT_FOUND,
            code: "NotFound",
            description: description.into(),
        }
    }
}

impl From<crate::app::AppError> for OgcError {
    fn from(e: crate::app::AppError) -> OgcError {
        let (status, _) = e.status_and_kind();
        let description = e.public_message();
        OgcError {
            status,
            code: match status {
                StatusCode::FORBIDDEN => "Forbidden",
                StatusCode::NOT_FOUND => "NotFound",
                StatusCode::SERVICE_UNAVAILABLE => "ServiceUnavailable",
                s if s.is_client_error() => "InvalidParameterValue",
                _ => "ServerError",
            },
            description,
        }
    }
}

impl From<crate::store::StoreError> for OgcError {
    fn from(e: crate::store::StoreError) -> OgcError {
        crate::app::AppError::from(e).into()
    }
}

impl IntoResponse for OgcError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "description": self.description });
        (self.status, axum::Json(body)).into_response()
    }
}

/// The URL this server is reached at, from the request (`X-Forwarded-Proto` and `Host`), so
/// links work through a proxy and for GDAL, which wants them absolute.
fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}/ogc")
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

/// A JSON answer with the media type given.
fn answer(body: &Value, media: &'static str) -> Response {
    let mut res = axum::Json(body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    res
}

/// `f=json` is the only format; any other query parameter of these pages is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatOnly {
    f: Option<String>,
}

fn format_only(
    q: Result<Query<FormatOnly>, axum::extract::rejection::QueryRejection>,
) -> Result<(), OgcError> {
    let Query(q) = q.map_err(|e| OgcError::bad(e.body_text()))?;
    match q.f.as_deref() {
        None | Some("json") | Some("geojson") => Ok(()),
        Some(other) => Err(OgcError::bad(format!(
            "f={other}: this server answers f=json only"
        ))),
    }
}

type FormatQuery = Result<Query<FormatOnly>, axum::extract::rejection::QueryRejection>;

pub async fn landing(headers: HeaderMap, q: FormatQuery) -> Result<Response, OgcError> {
    format_only(q)?;
    let b = base(&headers);
    let root = b.strip_suffix("/ogc").unwrap_or(&b).to_string();
    let body = json!({
        "title": "网格 grid management service",
        "description": "Grids of three levels, residential compounds, buildings, service centres and incidents of the city, as OGC API – Features",
        "links": [
            link(b.clone(), "self", "application/json", "this document"),
            link(format!("{b}/conformance"), "conformance", "application/json", "the conformance classes served"),
            link(format!("{b}/collections"), "data", "application/json", "the collections"),
            link(
                format!("{root}/api/openapi.json"),
                "service-desc",
                "application/vnd.oai.openapi+json;version=3.1",
                "the OpenAPI document of the whole service",
            ),
            link(format!("{root}/api-docs"), "service-doc", "text/html", "the API reference"),
        ],
    });
    Ok(answer(&body, "application/json"))
}

pub async fn conformance(q: FormatQuery) -> Result<Response, OgcError> {
    format_only(q)?;
    Ok(answer(
        &json!({ "conformsTo": CONFORMS_TO }),
        "application/json",
    ))
}

/// One collection as `/collections` lists it.
fn describe(c: Collection, b: &str, extent: Option<[f64; 4]>) -> Value {
    let items = format!("{b}/collections/{}/items", c.id());
    let mut v = json!({
        "id": c.id(),
        "title": c.title(),
        "description": c.description(),
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            link(format!("{b}/collections/{}", c.id()), "self", "application/json", "this collection"),
            link(items, "items", "application/geo+json", "its features"),
        ],
    });
    if let Some([a, b2, c2, d]) = extent {
        v["extent"] = json!({ "spatial": { "bbox": [[a, b2, c2, d]], "crs": CRS84 } });
    }
    v
}

pub async fn collections(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    headers: HeaderMap,
    q: FormatQuery,
) -> Result<Response, OgcError> {
    format_only(q)?;
    let b = base(&headers);
    let extent = collections::city_extent(&state);
    let list: Vec<Value> = Collection::ALL
        .iter()
        .filter(|c| c.readable_by(&who))
        .map(|c| describe(*c, &b, extent))
        .collect();
    let body = json!({
        "links": [link(format!("{b}/collections"), "self", "application/json", "the collections")],
        "collections": list,
    });
    Ok(answer(&body, "application/json"))
}

pub async fn collection(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<String>,
    headers: HeaderMap,
    q: FormatQuery,
) -> Result<Response, OgcError> {
    format_only(q)?;
    let c = Collection::named(&id, &who)?;
    let body = describe(c, &base(&headers), collections::city_extent(&state));
    Ok(answer(&body, "application/json"))
}

pub async fn items(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Extension(heavy): Extension<HeavyReads>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(params): Query<BTreeMap<String, String>>,
) -> Result<Response, OgcError> {
    let c = Collection::named(&id, &who)?;
    let page = Page::parse(c, &params)?;
    let found = collections::items(&state, &who, &heavy, c, &page).await?;
    let b = base(&headers);
    let here = format!("{b}/collections/{}/items", c.id());
    let mut links = vec![link(
        format!("{here}{}", page.query(None)),
        "self",
        "application/geo+json",
        "this page",
    )];
    if let Some(next) = &found.next {
        links.push(link(
            format!("{here}{}", page.query(Some(next))),
            "next",
            "application/geo+json",
            "the next page",
        ));
    }
    let mut body = json!({
        "type": "FeatureCollection",
        "features": found.features,
        "numberReturned": found.returned,
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "links": links,
    });
    if let Some(n) = found.matched {
        body["numberMatched"] = json!(n);
    }
    Ok(answer(&body, "application/geo+json"))
}

pub async fn item(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path((id, feature)): Path<(String, String)>,
    headers: HeaderMap,
    q: FormatQuery,
) -> Result<Response, OgcError> {
    format_only(q)?;
    let c = Collection::named(&id, &who)?;
    let mut f = collections::one(&state, &who, c, &feature).await?;
    let b = base(&headers);
    f["links"] = json!([
        link(
            format!("{b}/collections/{}/items/{feature}", c.id()),
            "self",
            "application/geo+json",
            "this feature"
        ),
        link(
            format!("{b}/collections/{}", c.id()),
            "collection",
            "application/json",
            "its collection"
        ),
    ]);
    Ok(answer(&f, "application/geo+json"))
}
