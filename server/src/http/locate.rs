//! `GET /api/locate?lng=&lat=&crs=&at=`: which grids (all three levels), compound and building
//! hold a point, answered from the in-memory engine; with `at`, under the grids in force at
//! that date. Outside every grid: `"grids": []`.

use super::features::grids_json;
use super::{App, AppError};
use crate::domain::{FeatureId, RawCoord};
use crate::engine::Engine;
use crate::intake::RawReport;
use crate::spatial::crs;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocateParams {
    lng: Option<String>,
    lat: Option<String>,
    crs: Option<String>,
    /// A date or time: answer with the grids in force then (a published version).
    at: Option<String>,
}

fn compound_json(engine: &Engine, id: &Option<FeatureId>) -> Value {
    id.as_ref()
        .map_or(Value::Null, |id| match engine.compound(id) {
            Some(c) => json!({ "id": id, "name": c.name, "party_org": c.party_org }),
            None => json!({ "id": id }),
        })
}

fn building_json(engine: &Engine, id: &Option<FeatureId>) -> Value {
    id.as_ref().map_or(Value::Null, |id| match engine.building(id) {
        Some(b) => json!({ "id": id, "address": b.address, "households": b.households, "compound": b.compound }),
        None => json!({ "id": id }),
    })
}

/// The `locate` answer for a reported coordinate.
pub fn locate_json(engine: &Engine, raw: RawCoord) -> Result<Value, AppError> {
    let p = crs::to_wgs84(raw).map_err(|e| AppError::param("lng", e))?;
    let a = engine.assign(p);
    Ok(json!({
        "wgs84": [p.lng(), p.lat()],
        "raw": { "lng": raw.lng, "lat": raw.lat, "crs": raw.crs },
        "grids": grids_json(&a.grids),
        "compound": compound_json(engine, &a.compound),
        "building": building_json(engine, &a.building),
    }))
}

pub async fn locate(
    State(state): State<App>,
    params: Result<Query<LocateParams>, QueryRejection>,
) -> Result<Json<Value>, AppError> {
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
    Ok(Json(locate_json(&engine, raw)?))
}
