//! `GET /api/compounds?grid=&bbox=`: residential compounds as a FeatureCollection.

use super::contract::{CompoundProperties, GeoFeatureCollection};
use super::features::compound_feature;
use super::params::opt_param;
use super::{App, AppError};
use crate::app::auth::{Principal, Who};
use crate::domain::{Bbox, GridCode};
use crate::store::AreaQuery;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Deserialize;

/// `grid` (any level: features under it) and `bbox`, shared with buildings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaParams {
    grid: Option<String>,
    bbox: Option<String>,
}

impl AreaParams {
    /// The store query, cut to `who`'s scope.
    pub fn query(&self, who: &Principal) -> Result<AreaQuery, AppError> {
        Ok(AreaQuery {
            grid: opt_param::<GridCode>("grid", &self.grid)?,
            bbox: opt_param::<Bbox>("bbox", &self.bbox)?,
            within: who.within(),
        })
    }
}

pub async fn list(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<AreaParams>, QueryRejection>,
) -> Result<Json<GeoFeatureCollection<CompoundProperties>>, AppError> {
    let q = params?.0.query(&who)?;
    let rows = state.store.compounds(&q).await?;
    Ok(Json(GeoFeatureCollection::new(
        rows.iter().map(compound_feature).collect(),
    )))
}
