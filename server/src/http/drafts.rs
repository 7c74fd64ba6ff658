//! Drafts and publishing: `POST /api/drafts` copies the live grid set (as a list of
//! operations on it, none yet); `GET /api/drafts[/{id}]`; `/undo`, `/redo` (the operations
//! themselves are in [`super::draft_ops`]); `GET /api/drafts/{id}/validate`
//! (the import validator over the whole city with the draft applied); `POST
//! /api/drafts/{id}/publish` (a new version: 201, 409 when another version changed the same
//! grids first, 422 when invalid); `DELETE /api/drafts/{id}`.

use super::features::{collection, geometry};
use super::{AppError, AppState};
use crate::domain::plan::draft::{moves, officer_moves, Changes, DraftState};
use crate::domain::plan::rebalance::GridContents;
use crate::domain::plan::{polsby_popper, Band, PlanError};
use crate::domain::validate::{validate, Severity, Territory, Tolerance};
use crate::domain::{Grid, GridCode, Level};
use crate::engine::Engine;
use crate::store::{DraftRow, Publish};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use geo::{BoundingRect, Contains, InteriorPoint};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub(super) fn plan_error(e: PlanError) -> AppError {
    match e {
        PlanError::NotInDraft(_) => AppError::Conflict(e.to_string()),
        PlanError::BadDraft(_) => AppError::Internal(e.to_string()),
        _ => AppError::bad("cannot_plan", e.to_string()),
    }
}

pub(super) fn live_level3(engine: &Engine) -> Vec<Grid> {
    engine
        .city()
        .grids
        .iter()
        .filter(|g| g.level() == Level::Three)
        .cloned()
        .collect()
}

pub(super) async fn load(state: &AppState, id: i64) -> Result<(DraftRow, DraftState), AppError> {
    let row = state
        .store
        .draft(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no draft {id}")))?;
    let s = DraftState::parse(&row.state).map_err(plan_error)?;
    Ok((row, s))
}

/// What a draft grid holds, found by location among the live city's compounds and buildings.
pub(super) fn contents_of<'a>(grid: &Grid, engine: &'a Engine) -> GridContents<'a> {
    let city = engine.city();
    let Some(bbox) = grid.geometry.bounding_rect() else {
        return GridContents {
            compounds: vec![],
            buildings: vec![],
        };
    };
    let inside = |mp: &geo::MultiPolygon| {
        mp.interior_point()
            .is_some_and(|p| bbox.contains(&p) && grid.geometry.contains(&p))
    };
    GridContents {
        compounds: city
            .compounds
            .iter()
            .filter(|c| inside(&c.geometry))
            .collect(),
        buildings: city
            .buildings
            .iter()
            .filter(|b| inside(&b.footprint))
            .collect(),
    }
}

/// Every code that may not be given out: live at any level, retired, or used by this draft.
pub(super) async fn taken(
    state: &AppState,
    engine: &Engine,
    s: &DraftState,
) -> Result<Vec<GridCode>, AppError> {
    let mut codes: Vec<GridCode> = engine.city().grids.iter().map(|g| g.code.clone()).collect();
    codes.extend(
        state
            .store
            .retired_grids()
            .await?
            .into_iter()
            .map(|r| r.grid.code),
    );
    codes.extend(s.codes());
    Ok(codes)
}

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
        "id": row.id, "name": row.name, "base_version": row.base_version,
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
    State(state): State<AppState>,
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
        Json(detail(&row, &s, &state.engine.get())?),
    ))
}

pub async fn list(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let rows = state.store.drafts().await?;
    let out: Vec<Value> = rows
        .iter()
        .map(|r| {
            let s = DraftState::parse(&r.state).unwrap_or_default();
            json!({ "id": r.id, "name": r.name, "base_version": r.base_version, "operations": s.cursor,
                    "updated_at": r.updated_at.to_rfc3339() })
        })
        .collect();
    Ok(Json(json!({ "drafts": out })))
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (row, s) = load(&state, id).await?;
    Ok(Json(detail(&row, &s, &state.engine.get())?))
}

pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    if state.store.delete_draft(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("no draft {id}")))
    }
}

pub(super) async fn save(
    state: &AppState,
    row: &DraftRow,
    s: &DraftState,
    extra: Value,
) -> Result<Json<Value>, AppError> {
    if !state.store.update_draft(row.id, &s.to_json()).await? {
        return Err(AppError::NotFound(format!("no draft {}", row.id)));
    }
    let mut v = detail(row, s, &state.engine.get())?;
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    Ok(Json(v))
}

pub async fn undo(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (row, mut s) = load(&state, id).await?;
    if !s.undo() {
        return Err(AppError::Conflict(format!(
            "draft {id} has nothing to undo"
        )));
    }
    save(&state, &row, &s, json!({})).await
}

pub async fn redo(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (row, mut s) = load(&state, id).await?;
    if !s.redo() {
        return Err(AppError::Conflict(format!(
            "draft {id} has nothing to redo"
        )));
    }
    save(&state, &row, &s, json!({})).await
}

/// The city with the draft applied, and the problems the import validator finds in it.
fn check(s: &DraftState, engine: &Engine) -> Result<(Changes, Vec<Value>, Vec<Value>), AppError> {
    let city = engine.city();
    // A grid the draft changes that is no longer live was changed by a version published
    // after the draft was made.
    let changes = s.changes(&live_level3(engine)).map_err(|e| match e {
        PlanError::NotInDraft(code) => AppError::Conflict(format!(
            "grid {code} is no longer in force: another version changed it after this draft was made; start a new draft"
        )),
        other => plan_error(other),
    })?;
    let retired: std::collections::HashSet<&GridCode> = changes.retired.iter().collect();
    let mut grids: Vec<Grid> = city
        .grids
        .iter()
        .filter(|g| !retired.contains(&g.code))
        .cloned()
        .collect();
    grids.extend(changes.created.iter().cloned());
    let defects = validate(
        &Territory {
            grids: &grids,
            compounds: &city.compounds,
            buildings: &city.buildings,
        },
        &Tolerance::default(),
    );
    let as_json = |d: &crate::domain::validate::Defect| json!({ "kind": d.kind.as_str(), "feature": d.feature, "message": d.message, "at": d.at.map(|a| [a.0, a.1]) });
    let errors = defects
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(as_json)
        .collect();
    let warnings = defects
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(as_json)
        .collect();
    Ok((changes, errors, warnings))
}

pub async fn validate_draft(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (_, s) = load(&state, id).await?;
    let (_, errors, warnings): (_, Vec<Value>, Vec<Value>) = check(&s, &state.engine.get())?;
    Ok(Json(
        json!({ "valid": errors.is_empty(), "errors": errors, "warnings": warnings }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    valid_from: Option<String>,
    note: Option<String>,
}

pub async fn publish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<PublishRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let Json(b) = body?;
    let _one_at_a_time = state.publishing.lock().await;
    let (row, s) = load(&state, id).await?;
    let engine = state.engine.get();
    let (changes, errors, warnings) = check(&s, &engine)?;
    if changes.retired.is_empty() {
        return Err(AppError::bad(
            "nothing_to_publish",
            format!("draft {id} changes no grid"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid {
            message: format!(
                "draft {id} fails validation with {} error(s); nothing was published",
                errors.len()
            ),
            problems: Value::Array(errors),
        });
    }
    let valid_from =
        super::incidents::time("valid_from", &b.valid_from)?.unwrap_or_else(chrono::Utc::now);
    let city = engine.city();
    let m = moves(&changes, &city.compounds, &city.buildings, &city.officers);
    let written = state
        .store
        .publish(&Publish {
            draft: Some(id),
            valid_from,
            note: b.note.unwrap_or_else(|| row.name.clone()),
            retire: changes.retired.clone(),
            create: changes.created.clone(),
            compounds: m.compounds,
            buildings: m.buildings,
            officers: m.officers,
        })
        .await?;
    // The engine in service is swapped whole: lookups in flight finish on the old one.
    let data = crate::store::export_dataset(&*state.store).await?;
    state.engine.replace(Engine::build(&data));
    super::refile(&state.heat, &state.engine.get());
    state.store.delete_draft(id).await?;
    tracing::info!(
        version = written.version,
        retired = written.retired.len(),
        created = written.created.len(),
        "published"
    );
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "version": written.version, "valid_from": written.valid_from.to_rfc3339(),
            "retired": written.retired, "created": written.created, "warnings": warnings,
        })),
    ))
}
