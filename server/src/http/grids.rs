//! `GET /api/grids` (a FeatureCollection filtered by level, parent and bbox) and
//! `GET /api/grids/{code}` (one grid with its officers and incident counts by status).

use super::features::{collection, grid_feature, grid_properties};
use super::params::{opt_param, path_code};
use super::{App, AppError};
use crate::domain::{Bbox, GridCode, Level};
use crate::store::GridQuery;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    level: Option<String>,
    parent: Option<String>,
    bbox: Option<String>,
}

pub async fn list(
    State(state): State<App>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let Query(p) = params?;
    let q = GridQuery {
        level: opt_param::<Level>("level", &p.level)?,
        parent: opt_param::<GridCode>("parent", &p.parent)?,
        bbox: opt_param::<Bbox>("bbox", &p.bbox)?,
    };
    let rows = state.store.grids(&q).await?;
    Ok(Json(collection(rows.iter().map(grid_feature).collect())))
}

pub async fn detail(
    State(state): State<App>,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    let code = path_code(&code)?;
    let row = state
        .store
        .grid(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("grid {code} does not exist")))?;
    let statuses = state.store.incident_status_counts(&code).await?;
    let officers = state.store.officers(Some(&code)).await?;
    let total: u64 = statuses.values().sum();
    let open: u64 = statuses
        .iter()
        .filter(|(s, _)| s.is_open())
        .map(|(_, n)| n)
        .sum();
    let mut props = grid_properties(&row);
    props.insert(
        "incidents".into(),
        json!({
            "total": total,
            "open": open,
            "by_status": statuses.iter().map(|(s, n)| (s.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        }),
    );
    props.insert(
        "officer_list".into(),
        json!(officers
            .iter()
            .map(|o| json!({ "id": o.id, "name": o.name, "role": o.role, "role_zh": o.role.zh(), "phone": o.phone, "grids": o.grids }))
            .collect::<Vec<_>>()),
    );
    Ok(Json(json!({
        "type": "Feature",
        "id": code,
        "properties": props,
        "geometry": super::features::geometry(&row.grid.geometry),
    })))
}
