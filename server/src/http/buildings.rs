//! `GET /api/buildings?grid=&bbox=`: building footprints as a FeatureCollection.

use super::compounds::AreaParams;
use super::features::{building_feature, collection};
use super::{App, AppError};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde_json::Value;

pub async fn list(
    State(state): State<App>,
    params: Result<Query<AreaParams>, QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let q = params?.0.query()?;
    let rows = state.store.buildings(&q).await?;
    Ok(Json(collection(
        rows.iter().map(building_feature).collect(),
    )))
}
