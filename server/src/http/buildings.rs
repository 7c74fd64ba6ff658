//! `GET /api/buildings?grid=&bbox=`: building footprints as a FeatureCollection.

use super::compounds::AreaParams;
use super::contract::{BuildingProperties, GeoFeatureCollection};
use super::features::building_feature;
use super::{App, AppError};
use crate::app::auth::Who;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::{Extension, Json};

pub async fn list(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<AreaParams>, QueryRejection>,
) -> Result<Json<GeoFeatureCollection<BuildingProperties>>, AppError> {
    let q = params?.0.query(&who)?;
    let rows = state.store.buildings(&q).await?;
    Ok(Json(GeoFeatureCollection::new(
        rows.iter().map(building_feature).collect(),
    )))
}
