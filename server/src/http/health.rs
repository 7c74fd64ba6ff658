//! `GET /api/health`: the store in use and how much it holds.

use super::contract::HealthAnswer;
use super::{App, AppError};
use axum::extract::State;
use axum::Json;
use serde_json::json;

pub async fn health(State(state): State<App>) -> Result<Json<HealthAnswer>, AppError> {
    let c = state.store.counts().await?;
    let grids = (1..=3)
        .map(|l| (l.to_string(), json!(c.grids_by_level[l - 1])))
        .collect();
    Ok(Json(HealthAnswer {
        status: "ok".into(),
        store: state.store.kind().as_str().into(),
        grids,
        compounds: c.compounds,
        buildings: c.buildings,
        officers: c.officers,
        service_centres: c.service_centres,
        incidents: c.incidents,
    }))
}
