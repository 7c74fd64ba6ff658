//! Operations on a draft: `POST /api/drafts/{id}/split` (auto-split one grid), `/cut` (along
//! a line the planner drew, snapped between units), `/move` (brushed units to a neighbour),
//! `/merge` (neighbours into one), `/balance` (two neighbours redrawn evenly) and `/fix`
//! (every oversized grid at once), `/restore` (a published version undone: its grids
//! retired, the grids it retired back under new codes). Each
//! is recorded with its result, so undo and redo replay exactly what the planner saw.

use super::contract::{server_messages, DraftView, FixReport, Unfixed};
use super::drafts::{save, Reported};
use super::{App, AppError};
use crate::app::auth::Who;
use crate::app::drafts::{contents_of, live_level3, plan_error};
use crate::domain::message::joined;
use crate::domain::plan::draft::{merge, DraftGrid, DraftState, Op};
use crate::domain::plan::fix::{fix_oversized, move_units as move_between, parts, redraw_pair};
use crate::domain::plan::rebalance::plan_grid;
use crate::domain::plan::{cut_along, fresh_codes, units_of, Band, Measure, PlanError};
use crate::domain::{Grid, GridCode, Wgs84Point};
use crate::engine::Engine;
use crate::store::DraftRow;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    #[schema(value_type = String)]
    code: GridCode,
    k: Option<usize>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// What every operation starts from: the stored draft, the engine in service, the band
/// asked for, and the draft's level-3 grids.
struct Ctx {
    who: Who,
    row: DraftRow,
    s: DraftState,
    engine: Arc<Engine>,
    band: Band,
    by: Measure,
    now: BTreeMap<GridCode, Grid>,
}

impl Ctx {
    async fn begin(
        state: &App,
        who: &Who,
        id: i64,
        version: Option<i64>,
        min: Option<u32>,
        max: Option<u32>,
        by: Option<&str>,
    ) -> Result<Ctx, AppError> {
        let (row, s) = state.draft_for_edit(id, version, who).await?;
        let engine = state.engine();
        let now = s.grids(&live_level3(&engine)).map_err(plan_error)?;
        Ok(Ctx {
            who: who.clone(),
            row,
            s,
            engine,
            band: super::plan::band_of(min, max)?,
            by: super::plan::measure_of(by)?,
            now,
        })
    }

    /// A level-3 grid of the draft, by code.
    fn grid(&self, code: &GridCode) -> Result<(GridCode, &Grid), AppError> {
        let grid = self.now.get(code).ok_or_else(|| {
            AppError::NotFound(format!("grid {code} is not a level-3 grid of this draft"))
        })?;
        Ok((code.clone(), grid))
    }

    /// Codes that may not be given out now.
    async fn taken(&self, state: &App) -> Result<Vec<GridCode>, AppError> {
        state.taken_codes(&self.engine, &self.s).await
    }

    /// Records `op` and answers with the draft, and what the operation reported.
    async fn done(
        mut self,
        state: &App,
        op: Op,
        reported: Reported,
    ) -> Result<Json<DraftView>, AppError> {
        self.s.push(op);
        save(state, &self.who, &self.row, &self.s, reported).await
    }
}

pub async fn split(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<SplitOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    let c = Ctx::begin(&state, &who, id, b.version, b.min, b.max, b.by.as_deref()).await?;
    let (code, grid) = c.grid(&b.code)?;
    let (_, split, divided) =
        plan_grid(grid, &contents_of(grid, &c.engine), c.band, c.by, b.k).map_err(plan_error)?;
    if split.parts.len() < 2 {
        return Err(AppError::bad(
            "cannot_plan",
            format!("grid {code} stays one grid: {}", joined(&split.problems)),
        ));
    }
    let parts = parts(grid, &split, &mut c.taken(&state).await?).map_err(plan_error)?;
    let op = Op::Split {
        code: code.clone(),
        parts,
    };
    c.done(
        &state,
        op,
        Reported {
            divided: Some(divided),
            ..Reported::reasons(&split.problems)
        },
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    #[schema(value_type = Vec<String>)]
    codes: Vec<GridCode>,
}

pub async fn merge_grids(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<MergeOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    let c = Ctx::begin(&state, &who, id, b.version, None, None, None).await?;
    let grids: Vec<Grid> = b
        .codes
        .iter()
        .map(|code| c.grid(code).map(|(_, g)| g.clone()))
        .collect::<Result<_, _>>()?;
    let parent = grids
        .first()
        .and_then(Grid::parent)
        .ok_or_else(|| AppError::bad("cannot_plan", "a merge needs at least two grids"))?;
    let code = fresh_codes(&parent, &c.taken(&state).await?, 1)
        .map_err(plan_error)?
        .remove(0);
    let merged = merge(&grids, code).map_err(plan_error)?;
    let op = Op::Merge {
        codes: grids.iter().map(|g| g.code.clone()).collect(),
        into: DraftGrid::from_grid(&merged),
    };
    c.done(&state, op, Reported::default()).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BalanceOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    #[schema(value_type = Vec<String>)]
    codes: [GridCode; 2],
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/balance`: two neighbouring grids redrawn so their load is shared
/// as evenly as the units allow (units move from the fuller grid to the other).
pub async fn balance(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<BalanceOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    let c = Ctx::begin(&state, &who, id, b.version, b.min, b.max, b.by.as_deref()).await?;
    let (x, _) = c.grid(&b.codes[0])?;
    let (y, _) = c.grid(&b.codes[1])?;
    let city = c.engine.city();
    let mut codes = c.taken(&state).await?;
    let (op, split) = redraw_pair(
        &c.now,
        &x,
        &y,
        &city.compounds,
        &city.buildings,
        c.band,
        c.by,
        &mut codes,
    )
    .map_err(plan_error)?;
    c.done(&state, op, Reported::reasons(&split.problems)).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/fix`: every grid of the draft over the band split (or redrawn with
/// a small neighbour when it cannot be split on its own), as one operation to undo.
pub async fn fix(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<FixOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    let mut c = Ctx::begin(&state, &who, id, b.version, b.min, b.max, b.by.as_deref()).await?;
    let mut codes = c.taken(&state).await?;
    let city = c.engine.city();
    let (compounds, buildings) = (city.compounds.clone(), city.buildings.clone());
    // Only the grids in the planner's scope are fixed (neighbours outside it are not paired).
    let cut = who.cut();
    let now: BTreeMap<GridCode, Grid> = c
        .now
        .iter()
        .filter(|(code, _)| cut.keeps(code.as_str()))
        .map(|(code, g)| (code.clone(), g.clone()))
        .collect();
    let (band, by) = (c.band, c.by);
    let started = std::time::Instant::now();
    let fixed = tokio::task::spawn_blocking(move || {
        fix_oversized(&now, &compounds, &buildings, band, by, &mut codes)
    })
    .await
    .map_err(|e| AppError::Internal(format!("fixing the draft: {e}")))?
    .map_err(plan_error)?;
    let seconds = started.elapsed().as_secs_f64();
    let (split, paired) = (fixed.ops.len() - fixed.paired.len(), fixed.paired.len());
    tracing::info!(
        draft = id,
        split,
        paired,
        unfixed = fixed.unfixed.len(),
        seconds,
        "fixed oversized grids"
    );
    let unfixed = fixed
        .unfixed
        .iter()
        .map(|(code, why)| Unfixed {
            code: code.to_string(),
            reason: joined(why),
            reasons: server_messages(why),
        })
        .collect();
    let report = Reported {
        fixed: Some(FixReport {
            split,
            paired,
            unfixed,
            seconds,
        }),
        ..Reported::default()
    };
    if !fixed.ops.is_empty() {
        c.s.push(Op::Batch { ops: fixed.ops });
    }
    save(&state, &who, &c.row, &c.s, report).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CutOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    #[schema(value_type = String)]
    code: GridCode,
    /// The line drawn, `[[lng, lat], [lng, lat]]` (WGS84); its ends set the direction.
    #[schema(value_type = Vec<Vec<f64>>)]
    line: Vec<[f64; 2]>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/cut`: a grid cut in two along the line drawn, moved sideways to the
/// nearest place where it passes between units.
pub async fn cut(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<CutOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    let c = Ctx::begin(&state, &who, id, b.version, b.min, b.max, b.by.as_deref()).await?;
    let (first, last) = match b.line.as_slice() {
        [first, .., last] => (*first, *last),
        _ => {
            return Err(AppError::bad(
                "invalid_line",
                "line needs at least two [lng, lat] positions",
            ))
        }
    };
    for p in [first, last] {
        Wgs84Point::new(p[0], p[1])
            .map_err(|e| AppError::bad("invalid_line", format!("line: {e}")))?;
    }
    let (code, grid) = c.grid(&b.code)?;
    let inside = contents_of(grid, &c.engine);
    let compounds: Vec<_> = inside.compounds.iter().map(|x| (*x).clone()).collect();
    let buildings: Vec<_> = inside.buildings.iter().map(|x| (*x).clone()).collect();
    // Compounds whole if the line can pass between them, else divided by building (a line
    // drawn through a large compound follows the gaps between its buildings).
    let every: HashSet<_> = compounds.iter().map(|x| x.id.clone()).collect();
    let mut tried = Err(PlanError::NoArea(code.to_string()));
    for divide in [HashSet::new(), every] {
        let units = units_of(&compounds, &buildings, &divide);
        let ends = ((first[0], first[1]), (last[0], last[1]));
        tried = cut_along(
            code.as_str(),
            &grid.geometry,
            &units,
            c.band,
            c.by,
            ends.0,
            ends.1,
        );
        if tried.is_ok() {
            break;
        }
    }
    let split = tried.map_err(plan_error)?;
    let parts = parts(grid, &split, &mut c.taken(&state).await?).map_err(plan_error)?;
    let op = Op::Split {
        code: code.clone(),
        parts,
    };
    c.done(&state, op, Reported::default()).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    #[schema(value_type = String)]
    from: GridCode,
    #[schema(value_type = String)]
    to: GridCode,
    /// Compound or building ids of `from` (a building of a compound moves its compound).
    units: Vec<String>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/move`: units brushed in one grid moved to its neighbour; both are
/// redrawn along a boundary between units.
pub async fn move_units(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<MoveOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    if b.units.is_empty() {
        return Err(AppError::bad(
            "invalid_units",
            "units: choose at least one compound or building to move",
        ));
    }
    let c = Ctx::begin(&state, &who, id, b.version, b.min, b.max, b.by.as_deref()).await?;
    let (from, _) = c.grid(&b.from)?;
    let (to, _) = c.grid(&b.to)?;
    let city = c.engine.city();
    let mut codes = c.taken(&state).await?;
    let (op, split) = move_between(
        &c.now,
        &from,
        &to,
        &b.units,
        &city.compounds,
        &city.buildings,
        c.band,
        c.by,
        &mut codes,
    )
    .map_err(plan_error)?;
    c.done(&state, op, Reported::reasons(&split.problems)).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreOp {
    /// The draft version this edit was made on (optional; a stale one gets 409).
    version: Option<i64>,
    /// The published version to undo: the grids it made are retired and the grids it retired
    /// come back (under new codes, as codes are never given out twice).
    undo_version: i64,
}

/// `POST /api/drafts/{id}/restore`: a published version undone in a draft, so that
/// publishing the draft brings back the grids in force before it (a new version; the
/// history keeps both). Only a version whose grids are all still in force can be undone.
pub async fn restore(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<i64>,
    body: Result<Json<RestoreOp>, JsonRejection>,
) -> Result<Json<DraftView>, AppError> {
    let Json(b) = body?;
    let c = Ctx::begin(&state, &who, id, b.version, None, None, None).await?;
    let versions = state.store.versions().await?;
    let undone = versions
        .iter()
        .find(|v| v.version == b.undo_version)
        .ok_or_else(|| AppError::NotFound(format!("no published version {}", b.undo_version)))?;
    if undone.version == 1 || undone.created.is_empty() {
        return Err(AppError::bad(
            "cannot_plan",
            format!(
                "version {} changed no grids (version 1 is the imported city): there is nothing to undo",
                undone.version
            ),
        ));
    }
    if let Some(gone) = undone
        .created
        .iter()
        .find(|code| !c.now.contains_key(*code))
    {
        return Err(AppError::Conflict(format!(
            "grid {gone}, made by version {}, is no longer in force in this draft (a later version or this draft changed it): undo the newer change first",
            undone.version
        )));
    }
    let mut back: Vec<Grid> = state
        .store
        .retired_grids()
        .await?
        .into_iter()
        .filter(|r| r.retired == undone.version && r.grid.level() == crate::domain::Level::Three)
        .map(|r| r.grid)
        .collect();
    back.sort_by(|a, b| a.code.cmp(&b.code));
    let mut taken = c.taken(&state).await?;
    let mut parts = Vec::with_capacity(back.len());
    for g in back {
        let parent = g.parent().ok_or_else(|| {
            AppError::bad("cannot_plan", format!("grid {} has no parent grid", g.code))
        })?;
        let code = fresh_codes(&parent, &taken, 1)
            .map_err(plan_error)?
            .remove(0);
        taken.push(code.clone());
        parts.push(DraftGrid {
            code,
            ..DraftGrid::from_grid(&g)
        });
    }
    let op = Op::Redraw {
        codes: undone.created.clone(),
        parts,
    };
    c.done(&state, op, Reported::default()).await
}
