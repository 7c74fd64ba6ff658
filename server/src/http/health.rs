//! `GET /api/health`: the store in use and how much it holds.

use super::{App, AppError};
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub async fn health(State(state): State<App>) -> Result<Json<Value>, AppError> {
    let c = state.store.counts().await?;
    Ok(Json(json!({
        "status": "ok",
        "store": state.store.kind().as_str(),
        "grids": { "1": c.grids_by_level[0], "2": c.grids_by_level[1], "3": c.grids_by_level[2] },
        "compounds": c.compounds,
        "buildings": c.buildings,
        "officers": c.officers,
        "service_centres": c.service_centres,
        "incidents": c.incidents,
    })))
}
