//! Drafts and publishing: `POST /api/drafts` copies the live grid set (as a list of
//! operations on it, none yet); `GET /api/drafts[/{id}]`; `/undo`, `/redo` (the operations
//! themselves are in [`super::draft_ops`]); `GET /api/drafts/{id}/validate`
//! (the import validator over the whole city with the draft applied); `POST
//! /api/drafts/{id}/publish` (a new version: 201, 409 when another version changed the same
//! grids first, 422 when invalid); `DELETE /api/drafts/{id}`.

use super::contract::{
    defect_views, server_messages, DraftGridProperties, DraftSummary, DraftView, DraftsAnswer,
    FixReport, GeoFeature, GeoFeatureCollection, OfficerView, Published, Validation,
};
use super::features::geometry;
use super::{App, AppError};
use crate::app::auth::{Principal, Who};
use crate::app::drafts::{live_level3, plan_error};
use crate::domain::message::{texts, Message};
use crate::domain::plan::draft::{Changes, DraftState};
use crate::domain::plan::staff::{left_without_grid, officer_moves, staff_by_grid};
use crate::domain::plan::{polsby_popper, Band, PlanError};
use crate::domain::GridCode;
use crate::engine::Engine;
use crate::store::{DraftRow, NewDraft as NewDraftRow};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What an edit reports besides the draft itself.
#[derive(Default)]
pub struct Reported {
    pub reasons: Option<Vec<Message>>,
    pub divided: Option<Vec<String>>,
    pub fixed: Option<FixReport>,
}

impl Reported {
    /// Why a split misses the band (as `problems` in English and `reasons` with codes).
    pub fn reasons(reasons: &[Message]) -> Reported {
        Reported {
            reasons: Some(reasons.to_vec()),
            ..Reported::default()
        }
    }
}

fn detail(row: &DraftRow, s: &DraftState, engine: &Engine) -> Result<DraftView, AppError> {
    let live = live_level3(engine);
    let (changes, stale) = match s.changes(&live) {
        Ok(c) => (c, None),
        Err(e @ PlanError::NotInDraft(_)) => (Changes::default(), Some(e.to_string())),
        Err(e) => return Err(plan_error(e)),
    };
    let before: BTreeMap<&GridCode, u32> =
        live.iter().map(|g| (&g.code, g.households.get())).collect();
    let band = Band::default();
    // Who a new grid would have once published: the default, or the planner's choice.
    let city = engine.city();
    let staffing = s.staffing();
    let moves = officer_moves(&changes, &staffing, &city.officers);
    let staff = staff_by_grid(&moves, &city.officers);
    let features = changes
        .created
        .iter()
        .map(|g| {
            let origins = changes.origins.get(&g.code).cloned().unwrap_or_default();
            let properties = DraftGridProperties {
                code: g.code.to_string(),
                name: g.name.clone(),
                households: g.households.get(),
                population: g.population.get(),
                fit: band.fit(g.households.get()).as_str(),
                polsby_popper: (polsby_popper(&g.geometry) * 1000.0).round() / 1000.0,
                contiguous: g.geometry.0.len() == 1,
                households_before: origins.iter().filter_map(|c| before.get(c)).sum(),
                replaces: origins,
                officers: staff.get(&g.code).map_or(0, |v| {
                    v.iter().filter(|o| o.role.serves_grid()).count() as u32
                }),
                staff: staff.get(&g.code).map_or_else(Vec::new, |v| {
                    v.iter().map(|o| OfficerView::from(*o)).collect()
                }),
                staffed: staffing.contains_key(&g.code),
            };
            GeoFeature::new(properties, geometry(&g.geometry))
        })
        .collect();
    Ok(DraftView {
        id: row.id,
        name: row.name.clone(),
        base_version: row.base_version,
        version: row.version,
        created_at: row.created_at.to_rfc3339(),
        updated_at: row.updated_at.to_rfc3339(),
        operations: s.ops.len(),
        cursor: s.cursor,
        can_undo: s.can_undo(),
        can_redo: s.can_redo(),
        retired: changes.retired.clone(),
        grids: GeoFeatureCollection::new(features),
        unplaced: left_without_grid(&changes, &moves, &city.officers)
            .into_iter()
            .map(OfficerView::from)
            .collect(),
        stale,
        problems: None,
        reasons: None,
        divided: None,
        fixed: None,
    })
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    name: Option<String>,
}

pub async fn create(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    body: Result<Json<NewDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<DraftView>), AppError> {
    let Json(b) = body?;
    if let Some(name) = &b.name {
        super::params::bounded("name", name.trim(), super::params::MAX_NAME_CHARS)?;
    }
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
        .create_draft(&NewDraftRow {
            name: name.trim().to_string(),
            base_version: base,
            state: s.to_json(),
            owner: who.actor.clone(),
            scope: who.scope.to_string(),
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(detail(&row, &s, &state.engine())?),
    ))
}

pub async fn list(
    State(state): State<App>,
    Extension(who): Extension<Who>,
) -> Result<Json<DraftsAnswer>, AppError> {
    let drafts = state
        .store
        .drafts()
        .await?
        .iter()
        .filter(|r| who.sees_draft(&r.scope))
        .map(|r| DraftSummary {
            id: r.id,
            name: r.name.clone(),
            base_version: r.base_version,
            version: r.version,
            operations: DraftState::parse(&r.state).unwrap_or_default().cursor,
            updated_at: r.updated_at.to_rfc3339(),
        })
        .collect();
    Ok(Json(DraftsAnswer { drafts }))
}

pub async fn show(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
) -> Result<Json<DraftView>, AppError> {
    let (row, s) = state.draft(id, &who).await?;
    Ok(Json(detail(&row, &s, &state.engine())?))
}

pub async fn remove(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    state.draft(id, &who).await?;
    if state.store.delete_draft(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("no draft {id}")))
    }
}

/// A draft's new name.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRename {
    name: String,
}

/// Renames a draft (its edits and version stay as they are).
pub async fn rename(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<DraftRename>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    let name = b.name.trim();
    if name.is_empty() {
        return Err(AppError::body_field("name", "blank: a draft needs a name"));
    }
    super::params::bounded("name", name, super::params::MAX_NAME_CHARS)?;
    state.draft(id, &who).await?;
    if !state.store.rename_draft(id, name).await? {
        return Err(AppError::NotFound(format!("no draft {id}")));
    }
    let (row, s) = state.draft(id, &who).await?;
    Ok(Json(detail(&row, &s, &state.engine())?))
}

/// Saves an edit made on `row` and answers with the draft as saved, and what the edit
/// reported.
pub(super) async fn save(
    state: &App,
    who: &Principal,
    row: &DraftRow,
    s: &DraftState,
    reported: Reported,
) -> Result<Json<DraftView>, AppError> {
    let saved = state.save_draft(row, s, who).await?;
    let mut v = detail(&saved, s, &state.engine())?;
    if let Some(reasons) = reported.reasons {
        v.problems = Some(texts(&reasons).into_iter().map(String::from).collect());
        v.reasons = Some(server_messages(&reasons));
    }
    v.divided = reported.divided;
    v.fixed = reported.fixed;
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
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<DraftView>, AppError> {
    let edit: Edit = optional_body(&body)?;
    let (row, mut s) = state.draft_for_edit(id, edit.version, &who).await?;
    if !s.undo() {
        return Err(AppError::Conflict(format!(
            "draft {id} has nothing to undo"
        )));
    }
    save(&state, &who, &row, &s, Reported::default()).await
}

pub async fn redo(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<DraftView>, AppError> {
    let edit: Edit = optional_body(&body)?;
    let (row, mut s) = state.draft_for_edit(id, edit.version, &who).await?;
    if !s.redo() {
        return Err(AppError::Conflict(format!(
            "draft {id} has nothing to redo"
        )));
    }
    save(&state, &who, &row, &s, Reported::default()).await
}

pub async fn validate_draft(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
) -> Result<Json<Validation>, AppError> {
    let (_, s) = state.draft(id, &who).await?;
    let checked = state.check_draft(&s).await?;
    Ok(Json(Validation {
        valid: checked.errors.is_empty(),
        errors: defect_views(&checked.errors),
        warnings: defect_views(&checked.warnings),
    }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    valid_from: Option<String>,
    note: Option<String>,
    /// The draft version the planner saw (optional; a stale one is refused with 409).
    version: Option<i64>,
}

pub async fn publish(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<PublishRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Published>), AppError> {
    let Json(b) = body?;
    if let Some(note) = &b.note {
        super::params::bounded("note", note, super::params::MAX_NOTE_CHARS)?;
    }
    let valid_from = super::params::body_time("valid_from", &b.valid_from)?;
    let p = state
        .publish(id, b.version, valid_from, b.note, &who)
        .await?;
    let v = p.version;
    Ok((
        StatusCode::CREATED,
        Json(Published {
            version: v.version,
            valid_from: v.valid_from.to_rfc3339(),
            retired: v.retired,
            created: v.created,
            warnings: defect_views(&p.warnings),
        }),
    ))
}
