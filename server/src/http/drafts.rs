//! Drafts and publishing: `POST /api/drafts` copies the live grid set (as a list of
//! operations on it, none yet); `GET /api/drafts[/{id}]`; `/undo`, `/redo` (the operations
//! themselves are in [`super::draft_ops`]); `GET /api/drafts/{id}/validate`
//! (the import validator over the whole city with the draft applied); `POST
//! /api/drafts/{id}/publish` (a new version: 201, 409 when another version changed the same
//! grids first, 422 when invalid); `DELETE /api/drafts/{id}`.

use super::features::{collection, geometry};
use super::{App, AppError};
use crate::app::drafts::{check, live_level3, plan_error};
use crate::domain::plan::draft::{officer_moves, Changes, DraftState};
use crate::domain::plan::{polsby_popper, Band, PlanError};
use crate::domain::{Grid, GridCode};
use crate::engine::Engine;
use crate::store::DraftRow;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn grid_feature(g: &Grid, origins: &[GridCode], band: Band) -> Value {
    json!({
        "type": "Feature",
        "properties": {
            "code": g.code, "name": g.name, "households": g.households, "population": g.population,
            "fit": band.fit(g.households.get()).as_str(),
            "polsby_popper": (polsby_popper(&g.geometry) * 1000.0).round() / 1000.0,
            "contiguous": g.geometry.0.len() == 1,
            "replaces": origins,
            "households_before": Value::Null,
        },
        "geometry": geometry(&g.geometry),
    })
}

fn detail(row: &DraftRow, s: &DraftState, engine: &Engine) -> Result<Value, AppError> {
    let live = live_level3(engine);
    let changes = s.changes(&live);
    let (changes, stale) = match changes {
        Ok(c) => (c, Value::Null),
        Err(e @ PlanError::NotInDraft(_)) => (Changes::default(), json!(e.to_string())),
        Err(e) => return Err(plan_error(e)),
    };
    let before: BTreeMap<&GridCode, u32> =
        live.iter().map(|g| (&g.code, g.households.get())).collect();
    let band = Band::default();
    // Officers a new grid would have once published (those of the grid it inherits from).
    let city = engine.city();
    let serving: std::collections::HashSet<&str> = city
        .officers
        .iter()
        .filter(|o| o.role.serves_grid())
        .map(|o| o.id.as_str())
        .collect();
    let mut officers: BTreeMap<GridCode, u32> = BTreeMap::new();
    for (officer, _, to) in officer_moves(&changes, &city.officers) {
        *officers.entry(to).or_default() += u32::from(serving.contains(officer.as_str()));
    }
    let features: Vec<Value> = changes
        .created
        .iter()
        .map(|g| {
            let origins = changes.origins.get(&g.code).cloned().unwrap_or_default();
            let mut f = grid_feature(g, &origins, band);
            f["properties"]["households_before"] =
                json!(origins.iter().filter_map(|c| before.get(c)).sum::<u32>());
            f["properties"]["officers"] = json!(officers.get(&g.code).copied().unwrap_or(0));
            f
        })
        .collect();
    Ok(json!({
        "id": row.id, "name": row.name, "base_version": row.base_version, "version": row.version,
        "created_at": row.created_at.to_rfc3339(), "updated_at": row.updated_at.to_rfc3339(),
        "operations": s.ops.len(), "cursor": s.cursor,
        "can_undo": s.can_undo(), "can_redo": s.can_redo(),
        "retired": changes.retired,
        "grids": collection(features),
        "stale": stale,
    }))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    name: Option<String>,
}

pub async fn create(
    State(state): State<App>,
    body: Result<Json<NewDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let Json(b) = body?;
    let base = state
        .store
        .versions()
        .await?
        .last()
        .map_or(1, |v| v.version);
    let name = b
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("草稿 (版本 {base})"));
    let s = DraftState::default();
    let row = state
        .store
        .create_draft(name.trim(), base, &s.to_json())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(detail(&row, &s, &state.engine())?),
    ))
}

pub async fn list(State(state): State<App>) -> Result<Json<Value>, AppError> {
    let rows = state.store.drafts().await?;
    let out: Vec<Value> = rows
        .iter()
        .map(|r| {
            let s = DraftState::parse(&r.state).unwrap_or_default();
            json!({ "id": r.id, "name": r.name, "base_version": r.base_version, "version": r.version, "operations": s.cursor,
                    "updated_at": r.updated_at.to_rfc3339() })
        })
        .collect();
    Ok(Json(json!({ "drafts": out })))
}

pub async fn show(State(state): State<App>, Path(id): Path<i64>) -> Result<Json<Value>, AppError> {
    let (row, s) = state.draft(id).await?;
    Ok(Json(detail(&row, &s, &state.engine())?))
}

pub async fn remove(State(state): State<App>, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    if state.store.delete_draft(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("no draft {id}")))
    }
}

/// Saves an edit made on `row` and answers with the draft as saved, plus `extra`.
pub(super) async fn save(
    state: &App,
    row: &DraftRow,
    s: &DraftState,
    extra: Value,
) -> Result<Json<Value>, AppError> {
    let saved = state.save_draft(row, s).await?;
    let mut v = detail(&saved, s, &state.engine())?;
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    Ok(Json(v))
}

/// The body of an edit without other fields (undo, redo): the draft version it was made on.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    version: Option<i64>,
}

/// An optional JSON body: none (or empty) is the default.
fn optional_body<T: serde::de::DeserializeOwned + Default>(body: &Bytes) -> Result<T, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|e| AppError::bad("invalid_json", format!("request body: {e}")))
}

pub async fn undo(
    State(state): State<App>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let edit: Edit = optional_body(&body)?;
    let (row, mut s) = state.draft_for_edit(id, edit.version).await?;
    if !s.undo() {
        return Err(AppError::Conflict(format!(
            "draft {id} has nothing to undo"
        )));
    }
    save(&state, &row, &s, json!({})).await
}

pub async fn redo(
    State(state): State<App>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let edit: Edit = optional_body(&body)?;
    let (row, mut s) = state.draft_for_edit(id, edit.version).await?;
    if !s.redo() {
        return Err(AppError::Conflict(format!(
            "draft {id} has nothing to redo"
        )));
    }
    save(&state, &row, &s, json!({})).await
}

pub async fn validate_draft(
    State(state): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (_, s) = state.draft(id).await?;
    let checked = check(&s, &state.engine())?;
    Ok(Json(json!({
        "valid": checked.errors.is_empty(),
        "errors": checked.errors,
        "warnings": checked.warnings,
    })))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    valid_from: Option<String>,
    note: Option<String>,
    /// The draft version the planner saw (optional; a stale one is refused with 409).
    version: Option<i64>,
}

pub async fn publish(
    State(state): State<App>,
    Path(id): Path<i64>,
    body: Result<Json<PublishRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let Json(b) = body?;
    let valid_from = super::params::time("valid_from", &b.valid_from)?;
    let p = state.publish(id, b.version, valid_from, b.note).await?;
    let v = p.version;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "version": v.version, "valid_from": v.valid_from.to_rfc3339(),
            "retired": v.retired, "created": v.created, "warnings": p.warnings,
        })),
    ))
}
