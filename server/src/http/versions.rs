//! `GET /api/versions`: the published versions of the grid set, and the engine of the
//! version in force at a date (for `locate?at=`), rebuilt from live and retired grids once.

use super::{AppError, AppState};
use crate::domain::{Grid, GridCode};
use crate::engine::Engine;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub async fn versions(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let list: Vec<Value> = state
        .store
        .versions()
        .await?
        .iter()
        .map(|v| {
            json!({ "version": v.version, "valid_from": v.valid_from.to_rfc3339(),
                    "published_at": v.published_at.to_rfc3339(), "draft": v.draft, "note": v.note,
                    "retired": v.retired, "created": v.created })
        })
        .collect();
    Ok(Json(json!({ "versions": list })))
}

/// The engine for the grids in force at `at`: the newest version whose `valid_from` is not
/// after it. Earlier versions are rebuilt from live and retired grids once, then kept.
pub async fn engine_at(
    state: &AppState,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<std::sync::Arc<Engine>, AppError> {
    use std::sync::Arc;
    let versions = state.store.versions().await?;
    let v = versions
        .iter()
        .filter(|v| v.valid_from <= at)
        .map(|v| v.version)
        .max()
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no grid version is in force at {}",
                at.to_rfc3339()
            ))
        })?;
    if versions.iter().all(|x| x.version <= v) {
        return Ok(state.engine.get());
    }
    if let Some(e) = state
        .history
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&v)
    {
        return Ok(Arc::clone(e));
    }
    let since: std::collections::HashMap<GridCode, i64> = versions
        .iter()
        .flat_map(|x| x.created.iter().map(move |c| (c.clone(), x.version)))
        .collect();
    let current = state.engine.get();
    let city = current.city();
    let mut grids: Vec<Grid> = city
        .grids
        .iter()
        .filter(|g| since.get(&g.code).copied().unwrap_or(1) <= v)
        .cloned()
        .collect();
    grids.extend(
        state
            .store
            .retired_grids()
            .await?
            .into_iter()
            .filter(|r| r.since <= v && v < r.retired)
            .map(|r| r.grid),
    );
    let data = crate::store::Dataset {
        grids,
        compounds: city.compounds.clone(),
        buildings: city.buildings.clone(),
        ..Default::default()
    };
    let engine = tokio::task::spawn_blocking(move || Arc::new(Engine::build(&data)))
        .await
        .map_err(|e| AppError::Internal(format!("building the engine of version {v}: {e}")))?;
    state
        .history
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(v, Arc::clone(&engine));
    Ok(engine)
}
