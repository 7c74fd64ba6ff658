//! Officers for the grids a draft creates: `GET /api/drafts/{id}/officers?grid=` (who would
//! serve the grid once published, and whom the planner may place there: the officers of its
//! community) and `POST /api/drafts/{id}/officers` (the planner's choice, recorded as an
//! operation of the draft, so undo and redo take it back and forth like any other edit).

use super::contract::{DraftStaff, DraftView, OfficerView};
use super::drafts::{save, Reported};
use super::params::opt_param;
use super::{App, AppError};
use crate::app::auth::Who;
use crate::app::drafts::{live_level3, plan_error};
use crate::domain::model::{FeatureId, Grid, Officer};
use crate::domain::plan::draft::{Changes, DraftState, Op};
use crate::domain::plan::staff::{candidates, officer_moves, staff_by_grid};
use crate::domain::GridCode;
use crate::engine::Engine;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use serde::Deserialize;

/// At most this many officers are placed on one grid at a time.
const MAX_STAFF: usize = 20;

/// What the draft changes, and the grid `code` it creates (and still holds), or 404 saying
/// why not.
fn new_grid(s: &DraftState, engine: &Engine, code: &GridCode) -> Result<(Changes, Grid), AppError> {
    let changes = s.changes(&live_level3(engine)).map_err(plan_error)?;
    let grid = changes
        .created
        .iter()
        .find(|g| &g.code == code)
        .cloned()
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "grid {code} is not a grid this draft creates: officers are placed only on new grids (those in force keep theirs)"
            ))
        })?;
    Ok((changes, grid))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffParams {
    grid: Option<String>,
}

pub async fn show(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    params: Result<Query<StaffParams>, QueryRejection>,
) -> Result<Json<DraftStaff>, AppError> {
    let Query(p) = params?;
    let code = opt_param::<GridCode>("grid", &p.grid)?.ok_or_else(|| {
        AppError::bad(
            "invalid_query",
            "grid is required: the code of a grid this draft creates",
        )
    })?;
    let (_, s) = state.draft(id, &who).await?;
    let engine = state.engine();
    let (changes, grid) = new_grid(&s, &engine, &code)?;
    let staffing = s.staffing();
    let city = engine.city();
    let moves = officer_moves(&changes, &staffing, &city.officers);
    let view = |o: &Officer| OfficerView::from(o);
    Ok(Json(DraftStaff {
        grid: code.to_string(),
        staffed: staffing.contains_key(&code),
        staff: staff_by_grid(&moves, &city.officers)
            .remove(&code)
            .unwrap_or_default()
            .into_iter()
            .map(view)
            .collect(),
        candidates: candidates(&grid, &city.officers)
            .into_iter()
            .map(view)
            .collect(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    /// A grid this draft creates.
    #[schema(value_type = String)]
    grid: GridCode,
    /// Exactly the officers who will serve it once published; empty to go back to the
    /// default (the officers of the grid it came from, on its part with the most households).
    #[schema(value_type = Vec<String>)]
    officers: Vec<FeatureId>,
}

pub async fn assign(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<StaffOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    if b.officers.len() > MAX_STAFF {
        return Err(AppError::body_field(
            "officers",
            format!(
                "{} officers: at most {MAX_STAFF} may be placed on one grid",
                b.officers.len()
            ),
        ));
    }
    let (row, mut s) = state.draft_for_edit(id, b.version, &who).await?;
    who.may_change(&b.grid, &format!("grid {}", b.grid))?;
    let engine = state.engine();
    let (_, grid) = new_grid(&s, &engine, &b.grid)?;
    let city = engine.city();
    let allowed = candidates(&grid, &city.officers);
    let mut officers = Vec::new();
    for id in b.officers {
        if !allowed.iter().any(|o| o.id == id) {
            let why = if city.officers.iter().any(|o| o.id == id) {
                format!(
                    "officer {id} serves no grid of community {}: only the community's own officers (网格长, 专职 or 兼职网格员) may be placed on its grids",
                    grid.code.parent().map_or_else(String::new, |c| c.to_string())
                )
            } else {
                format!("officer {id} does not exist")
            };
            return Err(AppError::body_field("officers", why));
        }
        if !officers.contains(&id) {
            officers.push(id);
        }
    }
    s.push(Op::Staff {
        grid: b.grid,
        officers,
    });
    save(&state, &who, &row, &s, Reported::default()).await
}
