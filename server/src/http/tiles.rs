//! `GET /tiles/density/{z}/{x}/{y}.mvt`: incidents binned on the server into square cells
//! (`bins` × `bins` a tile, 32 by default, so a cell is 8 px on a 256 px tile at any zoom),
//! layer `density`, one polygon per non-empty cell with its `count`. Filters: `category`,
//! `status`, `channel`, `from`, `to`. The ETag is a hash of the tile's counts, so it changes
//! exactly when the tile's data does; clients revalidate (`no-cache`) and get 304 while it
//! has not.

use super::mvt::{encode, square, LayerBuilder, EXTENT};
use super::params::{incident_filter, opt_param};
use super::{App, AppError};
use crate::app::auth::Who;
use crate::domain::RoadClass;
use crate::engine::heat::Tile;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
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
    /// `true`: only open cases past their due time (超期).
    overdue: Option<String>,
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
    State(state): State<App>,
    Extension(who): Extension<Who>,
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
    let mut filter = incident_filter([&p.category, &p.status, &p.channel, &p.from, &p.to])?;
    filter.within = who.within();
    if opt_param::<bool>("overdue", &p.overdue)? == Some(true) {
        filter.overdue_at = Some(chrono::Utc::now().timestamp());
    }
    let binned = state.incidents().read().bin(tile, bins, &filter);
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridTileParams {
    /// Not read: a client's cache key, changed when the grids are redrawn (a new version).
    #[serde(rename = "v")]
    _cache_key: Option<String>,
    level: Option<String>,
    category: Option<String>,
    status: Option<String>,
    channel: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Tile-coordinate margin kept around a clipped grid, so outlines do not end at tile edges.
const BUFFER: f64 = 64.0;

/// A tile's area in Mercator units, with the buffer around it.
struct Window {
    /// Tiles per axis at this zoom.
    n: f64,
    min: [f64; 2],
    max: [f64; 2],
    rect: geo::Rect<f64>,
}

impl Window {
    fn of(tile: Tile) -> Window {
        let n = f64::from(1u32 << tile.z);
        let pad = BUFFER / f64::from(EXTENT) / n;
        let min = [f64::from(tile.x) / n - pad, f64::from(tile.y) / n - pad];
        let max = [
            f64::from(tile.x + 1) / n + pad,
            f64::from(tile.y + 1) / n + pad,
        ];
        let rect = geo::Rect::new(
            geo::Coord {
                x: min[0],
                y: min[1],
            },
            geo::Coord {
                x: max[0],
                y: max[1],
            },
        );
        Window { n, min, max, rect }
    }

    /// Mercator units to this tile's coordinates.
    fn to_tile(&self, tile: Tile) -> impl Fn(geo::Coord) -> geo::Coord + Copy {
        let n = self.n;
        move |c| geo::Coord {
            x: ((c.x * n - f64::from(tile.x)) * f64::from(EXTENT)).round(),
            y: ((c.y * n - f64::from(tile.y)) * f64::from(EXTENT)).round(),
        }
    }
}

/// A metric as a tile property; nulls are left out (MVT has no null).
fn tile_value(v: &serde_json::Value) -> Option<TileValue> {
    match v {
        serde_json::Value::Bool(b) => Some(TileValue::Bool(*b)),
        serde_json::Value::Number(n) if n.is_u64() => n.as_u64().map(TileValue::Uint),
        serde_json::Value::Number(n) => n.as_f64().map(TileValue::Double),
        serde_json::Value::String(s) => Some(TileValue::Str(s.clone())),
        _ => None,
    }
}

/// `GET /tiles/grids/{z}/{x}/{y}.mvt?level=`: grid outlines of one level (3 by default),
/// layer `grids`, each with the metrics of `/api/stats/grids` (same filters) as properties,
/// for choropleths. Outlines are clipped to the tile plus a 64-unit buffer.
pub async fn grids(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
    params: Result<Query<GridTileParams>, QueryRejection>,
) -> Result<Response, AppError> {
    use geo::{BooleanOps, BoundingRect, MapCoords, Orient};
    let tile = tile_from_path(&z, &x, &y)?;
    let Query(p) = params?;
    let level = opt_param::<crate::domain::Level>("level", &p.level)?
        .unwrap_or(crate::domain::Level::Three);
    let filter = incident_filter([&p.category, &p.status, &p.channel, &p.from, &p.to])?;
    let rows = state.grid_metrics(level, &filter);
    let engine = state.engine();
    let win = Window::of(tile);
    let (min, max, window) = (win.min, win.max, win.rect);
    let mut layer = LayerBuilder::new("grids");
    let mut shown = Vec::new();
    let cut = who.cut();
    for (code, shape) in engine.shapes_in(level, min, max) {
        if !cut.keeps(code.as_str()) {
            continue;
        }
        let inside = shape.bounding_rect().is_some_and(|r| {
            r.min().x >= min[0] && r.min().y >= min[1] && r.max().x <= max[0] && r.max().y <= max[1]
        });
        let clipped = if inside {
            shape.clone()
        } else {
            shape.intersection(&window.to_polygon())
        };
        if clipped.0.is_empty() {
            continue;
        }
        let in_tile = clipped
            .map_coords(win.to_tile(tile))
            .orient(geo::orient::Direction::Default);
        let row = rows
            .binary_search_by(|r| r.code.as_str().cmp(code.as_str()))
            .ok()
            .map(|i| &rows[i]);
        let mut props = vec![("level", TileValue::Uint(u64::from(level.number())))];
        if let Some(row) = row {
            let row = serde_json::to_value(row).unwrap_or_default();
            for key in crate::app::metrics::COLUMNS {
                if let Some(v) = tile_value(&row[key]) {
                    props.push((key, v));
                }
            }
        } else {
            props.push(("code", TileValue::Str(code.to_string())));
        }
        layer.polygon(None, &in_tile, props)?;
        shown.push(code.clone());
    }
    let version = state.incidents().version();
    Ok(tile_response(
        &headers,
        encode(vec![layer]),
        (
            shown,
            version,
            state.generation(),
            format!("{filter:?}"),
            tile,
        ),
    ))
}

/// The zoom from which a road class is put in tiles (lanes only close up).
fn road_min_zoom(class: RoadClass) -> u8 {
    match class {
        RoadClass::Arterial => 0,
        RoadClass::Street => 11,
        RoadClass::Lane => 13,
    }
}

/// `GET /tiles/roads/{z}/{x}/{y}.mvt`: the basemap roads, layer `roads`, each with `class`
/// (`arterial`, `street`, `lane`) and `name` when it has one; streets from zoom 11, lanes from
/// zoom 13. Lines are clipped to the tile plus a 64-unit buffer.
pub async fn roads(
    State(state): State<App>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    use geo::{BooleanOps, MapCoords};
    let tile = tile_from_path(&z, &x, &y)?;
    let engine = state.engine();
    let window = Window::of(tile);
    let clip = window.rect.to_polygon();
    let mut layer = LayerBuilder::new("roads");
    for road in engine.roads().in_box(window.min, window.max) {
        if tile.z < road_min_zoom(road.class) {
            continue;
        }
        let clipped = clip.clip(&road.lines, false);
        if clipped.0.iter().all(|l| l.0.len() < 2) {
            continue;
        }
        let mut props = vec![("class", TileValue::Str(road.class.as_str().to_string()))];
        if !road.name.is_empty() {
            props.push(("name", TileValue::Str(road.name.clone())));
        }
        layer.lines(&clipped.map_coords(window.to_tile(tile)), props)?;
    }
    Ok(tile_response(
        &headers,
        encode(vec![layer]),
        (std::sync::Arc::as_ptr(&engine) as usize, tile),
    ))
}
