//! `GET /api/basemap`: the third-party basemap configured for this server (`--basemap-url`,
//! `--basemap-crs`), if any; `GET /api/basemap/check?url=&crs=&lng=&lat=`: what the map would
//! draw for a URL a user pastes, and how far the provider's CRS would set our data off its
//! pictures at that point (GCJ-02 and BD-09 providers: hundreds of metres).

use super::contract::{BasemapAnswer, BasemapConfig, ConfiguredBasemap};
use super::params::opt_param;
use super::AppError;
use crate::domain::basemap::{Misplacement, TileUrl};
use crate::domain::{Crs, Wgs84Point};
use crate::spatial::crs;
use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::{Extension, Json};
use geo::{Distance, Haversine};
use serde::Deserialize;
use std::sync::Arc;

/// A basemap as configured: the URL as given, its parsed templates, its CRS and credit.
#[derive(Clone, Debug)]
pub struct Basemap {
    pub url: String,
    pub tiles: TileUrl,
    pub crs: Crs,
    pub attribution: Option<String>,
}

impl Basemap {
    /// Checks a configured basemap once, at start.
    pub fn new(url: &str, crs: Crs, attribution: Option<String>) -> Result<Basemap, String> {
        let tiles = TileUrl::parse(url).map_err(|e| e.to_string())?;
        Ok(Basemap {
            url: url.to_string(),
            tiles,
            crs,
            attribution,
        })
    }
}

/// The configured basemap, shared by the handlers.
#[derive(Clone, Debug, Default)]
pub struct Configured(pub Option<Arc<Basemap>>);

/// Where the offset is measured when the caller names no point: the sample city (韩城).
const DEFAULT_AT: (f64, f64) = (110.44, 35.47);

/// Metres between where our data is and where a provider in `crs` draws the same place.
pub fn offset_m(at: Wgs84Point, crs: Crs) -> f64 {
    let (lng, lat) = crs::from_wgs84(at, crs);
    Haversine.distance(at.to_geo(), geo::Point::new(lng, lat))
}

fn describe(tiles: &TileUrl, crs: Crs, at: Wgs84Point) -> BasemapAnswer {
    BasemapAnswer {
        scheme: tiles.scheme.as_str(),
        tiles: tiles.templates.clone(),
        crs,
        misplacement: Misplacement::of(crs).to_string(),
        offset_m: (offset_m(at, crs) * 10.0).round() / 10.0,
        at: [at.lng(), at.lat()],
    }
}

pub async fn configured(Extension(c): Extension<Configured>) -> Json<BasemapConfig> {
    let at = Wgs84Point::new(DEFAULT_AT.0, DEFAULT_AT.1).ok();
    Json(BasemapConfig {
        configured: match (&c.0, at) {
            (Some(b), Some(at)) => Some(ConfiguredBasemap {
                answer: describe(&b.tiles, b.crs, at),
                url: b.url.clone(),
                attribution: b.attribution.clone(),
            }),
            _ => None,
        },
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckParams {
    url: Option<String>,
    crs: Option<String>,
    lng: Option<String>,
    lat: Option<String>,
}

pub async fn check(
    params: Result<Query<CheckParams>, QueryRejection>,
) -> Result<Json<BasemapAnswer>, AppError> {
    let Query(p) = params?;
    let url = p
        .url
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| AppError::param("url", "is required"))?;
    let tiles = TileUrl::parse(&url).map_err(|e| AppError::param("url", e))?;
    let crs = opt_param::<Crs>("crs", &p.crs)?.unwrap_or(Crs::Wgs84);
    let lng = opt_param::<f64>("lng", &p.lng)?.unwrap_or(DEFAULT_AT.0);
    let lat = opt_param::<f64>("lat", &p.lat)?.unwrap_or(DEFAULT_AT.1);
    let at = Wgs84Point::new(lng, lat).map_err(|e| AppError::param("lng/lat", e))?;
    Ok(Json(describe(&tiles, crs, at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gcj02_provider_sets_hancheng_off_by_hundreds_of_metres_and_cgcs2000_not_at_all() {
        let at = Wgs84Point::new(110.44, 35.47).unwrap();
        let gcj = offset_m(at, Crs::Gcj02);
        assert!((300.0..800.0).contains(&gcj), "{gcj}");
        assert!(offset_m(at, Crs::Bd09) > gcj);
        assert_eq!(offset_m(at, Crs::Cgcs2000), 0.0);
    }
}
