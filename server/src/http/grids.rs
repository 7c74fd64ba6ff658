//! `GET /api/grids` (a FeatureCollection filtered by level, parent and bbox) and
//! `GET /api/grids/{code}` (one grid with its officers and incident counts by status).

use super::contract::{
    GeoFeature, GeoFeatureCollection, GridDetailProperties, GridProperties, IncidentCounts,
    OfficerView,
};
use super::features::grid_feature;
use super::params::{opt_param, path_code};
use super::{App, AppError};
use crate::app::auth::Who;
use crate::domain::{Bbox, GridCode, Level};
use crate::store::GridQuery;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    level: Option<String>,
    parent: Option<String>,
    bbox: Option<String>,
}

pub async fn list(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<GeoFeatureCollection<GridProperties>>, AppError> {
    let Query(p) = params?;
    let q = GridQuery {
        level: opt_param::<Level>("level", &p.level)?,
        parent: opt_param::<GridCode>("parent", &p.parent)?,
        bbox: opt_param::<Bbox>("bbox", &p.bbox)?,
        within: who.within(),
    };
    let rows = state.store.grids(&q).await?;
    Ok(Json(GeoFeatureCollection::new(
        rows.iter().map(grid_feature).collect(),
    )))
}

pub async fn detail(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(code): Path<String>,
) -> Result<Json<GeoFeature<GridDetailProperties>>, AppError> {
    let code = path_code(&code)?;
    who.must_see(&code, &format!("grid {code}"))?;
    let row = state
        .store
        .grid(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("grid {code} does not exist")))?;
    let statuses = state.store.incident_status_counts(&code).await?;
    let officers = state.store.officers(Some(&code)).await?;
    let open = statuses
        .iter()
        .filter(|(s, _)| s.is_open())
        .map(|(_, n)| n)
        .sum();
    let f = grid_feature(&row);
    Ok(Json(GeoFeature {
        id: f.id,
        kind: f.kind,
        geometry: f.geometry,
        properties: GridDetailProperties {
            grid: f.properties,
            incidents: IncidentCounts {
                total: statuses.values().sum(),
                open,
                by_status: statuses
                    .iter()
                    .map(|(s, n)| (s.as_str().to_string(), *n))
                    .collect(),
            },
            officer_list: officers
                .iter()
                .map(|o| OfficerView::shown(o, who.sees_officer_phones()))
                .collect(),
        },
    }))
}
