//! `GET /api/locate?lng=&lat=&crs=&at=`: which grids (all three levels), compound and building
//! hold a point, answered from the in-memory engine; with `at`, under the grids in force at
//! that date. Outside every grid: `"grids": []`.

use super::contract::{grid_refs, BuildingRef, CompoundRef, LocateAnswer};
use super::{App, AppError};
use crate::app::auth::Who;
use crate::domain::{FeatureId, RawCoord};
use crate::engine::Engine;
use crate::intake::RawReport;
use crate::spatial::crs;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocateParams {
    lng: Option<String>,
    lat: Option<String>,
    crs: Option<String>,
    /// A date or time: answer with the grids in force then (a published version).
    at: Option<String>,
}

fn compound_ref(engine: &Engine, id: FeatureId) -> CompoundRef {
    let known = engine.compound(&id);
    CompoundRef {
        name: known.map(|c| c.name.clone()),
        party_org: known.map(|c| c.party_org),
        id,
    }
}

fn building_ref(engine: &Engine, id: FeatureId) -> BuildingRef {
    let known = engine.building(&id);
    BuildingRef {
        address: known.map(|b| b.address.clone()),
        households: known.map(|b| b.households),
        compound: known.map(|b| b.compound.clone()),
        id,
    }
}

/// The `locate` answer for a reported coordinate.
pub fn locate_answer(engine: &Engine, raw: RawCoord) -> Result<LocateAnswer, AppError> {
    let p = crs::to_wgs84(raw).map_err(|e| AppError::param("lng", e))?;
    let a = engine.assign(p);
    Ok(LocateAnswer {
        wgs84: [p.lng(), p.lat()],
        raw: raw.into(),
        grids: grid_refs(&a.grids),
        compound: a.compound.map(|id| compound_ref(engine, id)),
        building: a.building.map(|id| building_ref(engine, id)),
    })
}

pub async fn locate(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<LocateParams>, QueryRejection>,
) -> Result<Json<LocateAnswer>, AppError> {
    let Query(p) = params?;
    let cells = [p.lng.as_deref(), p.lat.as_deref(), p.crs.as_deref()];
    let present: Vec<usize> = (0..3).filter(|&i| cells[i].is_some()).collect();
    let report = RawReport::from_cells(&present, present.iter().filter_map(|&i| cells[i]));
    let raw = report
        .coordinate()
        .map_err(|e| AppError::param(&e.field, &e.message))?;
    let engine = match super::params::time("at", &p.at)? {
        Some(at) => state.engine_at(at).await?,
        None => state.engine(),
    };
    let answer = locate_answer(&engine, raw)?;
    let cut = who.cut();
    if !answer.grids.is_empty() && !answer.grids.iter().any(|g| cut.keeps(g.code.as_str())) {
        return Err(AppError::NotFound(format!(
            "no grid of yours holds ({}, {})",
            answer.wgs84[0], answer.wgs84[1]
        )));
    }
    Ok(Json(answer))
}
