//! Planning: `GET /api/plan/oversized?min=&max=&by=` lists the level-3 grids outside the
//! band (300–500 households by default) with their figures, most out of band first;
//! `POST /api/plan/split` previews the auto-split of one grid (`{"code", "k"?, "min"?,
//! "max"?, "by"?}`): its parts as GeoJSON with load, Polsby-Popper and units, the codes the
//! parts would get, and why any part misses the band. Nothing is written.

use super::contract::{
    server_messages, BandView, GeoFeature, GeoFeatureCollection, OutOfBandAnswer, OutOfBandGrid,
    PartProperties, PlanUnit, SplitPreview,
};
use super::features::geometry;
use super::params::opt_param;
use super::{App, AppError};
use crate::app::auth::Who;
use crate::domain::message::texts;
use crate::domain::plan::rebalance::{contents_by_grid, plan_grid, GridContents};
use crate::domain::plan::{fresh_codes, out_of_band, Band, Fit, Measure};
use crate::domain::{GridCode, Level};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandParams {
    min: Option<String>,
    max: Option<String>,
    by: Option<String>,
}

/// The band asked for (300–500 when not given).
pub(super) fn band_of(min: Option<u32>, max: Option<u32>) -> Result<Band, AppError> {
    let d = Band::default();
    Band::new(min.unwrap_or(d.min()), max.unwrap_or(d.max()))
        .map_err(|e| AppError::bad("invalid_band", e.to_string()))
}

fn band_view(band: Band) -> BandView {
    BandView {
        min: band.min(),
        max: band.max(),
    }
}

/// What the band counts (households when not given).
pub(super) fn measure_of(by: Option<&str>) -> Result<Measure, AppError> {
    by.map_or(Ok(Measure::Households), str::parse)
        .map_err(|e| AppError::param("by", e))
}

pub async fn oversized(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<BandParams>, QueryRejection>,
) -> Result<Json<OutOfBandAnswer>, AppError> {
    let Query(p) = params?;
    let band = band_of(opt_param("min", &p.min)?, opt_param("max", &p.max)?)?;
    let by = measure_of(p.by.as_deref())?;
    let engine = state.engine();
    let facts = engine.stats().level(Level::Three);
    let officers = |code: &GridCode| {
        facts
            .binary_search_by(|f| f.code.cmp(code))
            .map_or(0, |i| facts[i].officers)
    };
    let cut = who.cut();
    let grids: Vec<OutOfBandGrid> = out_of_band(&engine.city().grids, band, by)
        .iter()
        .filter(|o| cut.keeps(o.grid.code.as_str()))
        .map(|o| OutOfBandGrid {
            code: o.grid.code.to_string(),
            name: o.grid.name.clone(),
            value: o.value,
            fit: o.fit.as_str(),
            households: o.grid.households.get(),
            population: o.grid.population.get(),
            officers: officers(&o.grid.code),
        })
        .collect();
    Ok(Json(OutOfBandAnswer {
        band: band_view(band),
        by: by.as_str(),
        count: grids.len(),
        over: grids.iter().filter(|r| r.fit == Fit::Over.as_str()).count(),
        grids,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRequest {
    code: String,
    k: Option<usize>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

pub async fn split(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    body: Result<Json<SplitRequest>, JsonRejection>,
) -> Result<Json<SplitPreview>, AppError> {
    let Json(r) = body?;
    let code =
        GridCode::parse(&r.code).map_err(|e| AppError::bad("invalid_grid_code", e.to_string()))?;
    if code.level() != Level::Three {
        return Err(AppError::bad(
            "invalid_grid_code",
            format!(
                "grid {code} is level {}: only level-3 grids are split",
                code.level().number()
            ),
        ));
    }
    who.must_see(&code, &format!("no grid {code}"))?;
    let band = band_of(r.min, r.max)?;
    let by = measure_of(r.by.as_deref())?;
    let engine = state.engine();
    let city = engine.city();
    let grid = city
        .grids
        .iter()
        .find(|g| g.code == code)
        .ok_or_else(|| AppError::NotFound(format!("no grid {code}")))?;
    let contents = contents_by_grid(&city.compounds, &city.buildings);
    let empty = GridContents {
        compounds: vec![],
        buildings: vec![],
    };
    let (units, split, divided) =
        plan_grid(grid, contents.get(&code).unwrap_or(&empty), band, by, r.k)
            .map_err(|e| AppError::bad("cannot_split", e.to_string()))?;
    let parent = code
        .parent()
        .ok_or_else(|| AppError::Internal(format!("{code} has no parent")))?;
    let codes = fresh_codes(
        &parent,
        city.grids.iter().map(|g| &g.code),
        split.parts.len(),
    )
    .map_err(|e| AppError::Conflict(e.to_string()))?;
    let features = split
        .parts
        .iter()
        .zip(&codes)
        .enumerate()
        .map(|(i, (p, new_code))| {
            let units = p
                .units
                .iter()
                .map(|&u| {
                    let u = &units[u];
                    PlanUnit {
                        id: u.id.to_string(),
                        kind: u.kind.as_str(),
                        name: u.name.clone(),
                        households: u.households,
                        population: u.population,
                    }
                })
                .collect();
            let properties = PartProperties {
                part: i + 1,
                code: new_code.to_string(),
                households: p.households,
                population: p.population,
                value: by.of(p.households, p.population),
                fit: p.fit.as_str(),
                polsby_popper: (p.polsby_popper * 1000.0).round() / 1000.0,
                units,
            };
            GeoFeature::new(properties, geometry(&p.geometry))
        })
        .collect();
    Ok(Json(SplitPreview {
        code: code.to_string(),
        band: band_view(band),
        by: by.as_str(),
        k: split.parts.len(),
        parts: GeoFeatureCollection::new(features),
        problems: texts(&split.problems)
            .into_iter()
            .map(String::from)
            .collect(),
        reasons: server_messages(&split.problems),
        divided,
    }))
}
