//! `GET /tiles/density/{z}/{x}/{y}.mvt`: incidents binned on the server into square cells
//! (`bins` × `bins` a tile, 32 by default, so a cell is 8 px on a 256 px tile at any zoom),
//! layer `density`, one polygon per non-empty cell with its `count`. Filters: `category`,
//! `status`, `channel`, `from`, `to`. The ETag is a hash of the tile's counts, so it changes
//! exactly when the tile's data does; clients revalidate (`no-cache`) and get 304 while it
//! has not.

use super::features::opt_param;
use super::incidents::time;
use super::mvt::{encode, square, LayerBuilder, EXTENT};
use super::{read, AppError, AppState};
use crate::domain::{Category, Channel, IncidentStatus};
use crate::engine::heat::{Filter, Tile};
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use geozero::mvt::TileValue;
use serde::Deserialize;
use std::hash::{Hash, Hasher};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DensityParams {
    category: Option<String>,
    status: Option<String>,
    channel: Option<String>,
    from: Option<String>,
    to: Option<String>,
    bins: Option<String>,
}

/// The media type of Mapbox Vector Tiles.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// `z`, `x` and `y.mvt` from the path, checked.
pub fn tile_from_path(z: &str, x: &str, y_mvt: &str) -> Result<Tile, AppError> {
    let bad = |what: &str| AppError::bad("invalid_tile", format!("tile {z}/{x}/{y_mvt}: {what}"));
    let y = y_mvt
        .strip_suffix(".mvt")
        .ok_or_else(|| bad("the path must end in .mvt"))?;
    let z: u8 = z.parse().map_err(|_| bad("z is not a zoom 0..=24"))?;
    let x: u32 = x.parse().map_err(|_| bad("x is not a number"))?;
    let y: u32 = y.parse().map_err(|_| bad("y is not a number"))?;
    Tile::new(z, x, y)
        .ok_or_else(|| bad("no such tile at this zoom (x and y must be below 2^z, z ≤ 24)"))
}

/// A tile response, or 304 when the client already has this ETag.
pub fn tile_response(headers: &HeaderMap, bytes: Vec<u8>, etag_source: impl Hash) -> Response {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    etag_source.hash(&mut h);
    let etag = format!("\"{:016x}\"", h.finish());
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, Body::from(bytes)).into_response()
    };
    let hs = res.headers_mut();
    hs.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    hs.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        hs.insert(header::ETAG, v);
    }
    res
}

pub async fn density(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
    params: Result<Query<DensityParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let tile = tile_from_path(&z, &x, &y)?;
    let Query(p) = params?;
    let bins = opt_param::<u32>("bins", &p.bins)?.unwrap_or(32);
    if !(bins.is_power_of_two() && (1..=256).contains(&bins)) {
        return Err(AppError::param(
            "bins",
            format!("{bins} is not a power of two from 1 to 256"),
        ));
    }
    let filter = Filter {
        category: opt_param::<Category>("category", &p.category)?,
        status: opt_param::<IncidentStatus>("status", &p.status)?,
        channel: opt_param::<Channel>("channel", &p.channel)?,
        from: time("from", &p.from)?.map(|t| t.timestamp()),
        to: time("to", &p.to)?.map(|t| t.timestamp()),
    };
    let binned = read(&state.heat).bin(tile, bins, &filter);
    let cell = f64::from(EXTENT) / f64::from(binned.bins);
    let mut layer = LayerBuilder::new("density");
    for &(col, row, count) in &binned.cells {
        let (x0, y0) = (f64::from(col) * cell, f64::from(row) * cell);
        layer.polygon(
            Some(u64::from(row * binned.bins + col)),
            &square(x0, y0, x0 + cell, y0 + cell),
            vec![("count", TileValue::Uint(u64::from(count)))],
        )?;
    }
    Ok(tile_response(
        &headers,
        encode(vec![layer]),
        (&binned.cells, binned.bins, tile),
    ))
}
