//! Operations on a draft: `POST /api/drafts/{id}/split` (auto-split one grid), `/cut` (along
//! a line the planner drew, snapped between units), `/merge` (neighbours into one),
//! `/balance` (two neighbours redrawn evenly) and `/fix` (every oversized grid at once). Each
//! is recorded with its result, so undo and redo replay exactly what the planner saw.

use super::drafts::{contents_of, live_level3, load, plan_error, save, taken};
use super::{AppError, AppState};
use crate::domain::plan::draft::{merge, DraftGrid, Op};
use crate::domain::plan::fix::{fix_oversized, parts, redraw_pair};
use crate::domain::plan::fresh_codes;
use crate::domain::plan::rebalance::plan_grid;
use crate::domain::{Grid, GridCode};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitOp {
    code: String,
    k: Option<usize>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

fn code_of(s: &str) -> Result<GridCode, AppError> {
    GridCode::parse(s).map_err(|e| AppError::bad("invalid_grid_code", e.to_string()))
}

pub async fn split(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<SplitOp>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let Json(b) = body?;
    let (row, mut s) = load(&state, id).await?;
    let engine = state.engine.get();
    let code = code_of(&b.code)?;
    let now = s.grids(&live_level3(&engine)).map_err(plan_error)?;
    let grid = now.get(&code).ok_or_else(|| {
        AppError::NotFound(format!("grid {code} is not a level-3 grid of this draft"))
    })?;
    let band = super::plan::band_of(b.min, b.max)?;
    let by = super::plan::measure_of(b.by.as_deref())?;
    let (_, split, divided) =
        plan_grid(grid, &contents_of(grid, &engine), band, by, b.k).map_err(plan_error)?;
    if split.parts.len() < 2 {
        return Err(AppError::bad(
            "cannot_plan",
            format!("grid {code} stays one grid: {}", split.problems.join("; ")),
        ));
    }
    let mut codes = taken(&state, &engine, &s).await?;
    let parts = parts(grid, &split, &mut codes).map_err(plan_error)?;
    s.push(Op::Split {
        code: code.to_string(),
        parts,
    });
    save(
        &state,
        &row,
        &s,
        json!({ "problems": split.problems, "divided": divided }),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeOp {
    codes: Vec<String>,
}

pub async fn merge_grids(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<MergeOp>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let Json(b) = body?;
    let (row, mut s) = load(&state, id).await?;
    let engine = state.engine.get();
    let now = s.grids(&live_level3(&engine)).map_err(plan_error)?;
    let grids: Vec<Grid> = b
        .codes
        .iter()
        .map(|c| {
            let c = code_of(c)?;
            now.get(&c).cloned().ok_or_else(|| {
                AppError::NotFound(format!("grid {c} is not a level-3 grid of this draft"))
            })
        })
        .collect::<Result<_, _>>()?;
    let parent = grids
        .first()
        .and_then(Grid::parent)
        .ok_or_else(|| AppError::bad("cannot_plan", "a merge needs at least two grids"))?;
    let code = fresh_codes(&parent, &taken(&state, &engine, &s).await?, 1)
        .map_err(plan_error)?
        .remove(0);
    let merged = merge(&grids, code).map_err(plan_error)?;
    s.push(Op::Merge {
        codes: grids.iter().map(|g| g.code.to_string()).collect(),
        into: DraftGrid::from_grid(&merged),
    });
    save(&state, &row, &s, json!({})).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceOp {
    codes: [String; 2],
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/balance`: two neighbouring grids redrawn so their load is shared
/// as evenly as the units allow (units move from the fuller grid to the other).
pub async fn balance(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<BalanceOp>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let Json(b) = body?;
    let (row, mut s) = load(&state, id).await?;
    let engine = state.engine.get();
    let band = super::plan::band_of(b.min, b.max)?;
    let by = super::plan::measure_of(b.by.as_deref())?;
    let (x, y) = (code_of(&b.codes[0])?, code_of(&b.codes[1])?);
    let now = s.grids(&live_level3(&engine)).map_err(plan_error)?;
    for c in [&x, &y] {
        if !now.contains_key(c) {
            return Err(AppError::NotFound(format!(
                "grid {c} is not a level-3 grid of this draft"
            )));
        }
    }
    let mut codes = taken(&state, &engine, &s).await?;
    let city = engine.city();
    let (op, split) = redraw_pair(
        &now,
        &x,
        &y,
        &city.compounds,
        &city.buildings,
        band,
        by,
        &mut codes,
    )
    .map_err(plan_error)?;
    s.push(op);
    save(&state, &row, &s, json!({ "problems": split.problems })).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FixOp {
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/fix`: every grid of the draft over the band split (or redrawn with
/// a small neighbour when it cannot be split on its own), as one operation to undo.
pub async fn fix(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<FixOp>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let Json(b) = body?;
    let (row, mut s) = load(&state, id).await?;
    let engine = state.engine.get();
    let band = super::plan::band_of(b.min, b.max)?;
    let by = super::plan::measure_of(b.by.as_deref())?;
    let now = s.grids(&live_level3(&engine)).map_err(plan_error)?;
    let mut codes = taken(&state, &engine, &s).await?;
    let city = engine.city();
    let (compounds, buildings) = (city.compounds.clone(), city.buildings.clone());
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
    if !fixed.ops.is_empty() {
        s.push(Op::Batch { ops: fixed.ops });
    }
    let unfixed: Vec<Value> = fixed
        .unfixed
        .iter()
        .map(|(c, why)| json!({ "code": c, "reason": why }))
        .collect();
    save(
        &state,
        &row,
        &s,
        json!({ "fixed": { "split": split, "paired": paired, "unfixed": unfixed, "seconds": seconds } }),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CutOp {
    code: String,
    /// The line drawn, `[[lng, lat], [lng, lat]]` (WGS84); its ends set the direction.
    line: Vec<[f64; 2]>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/cut`: a grid cut in two along the line drawn, moved sideways to the
/// nearest place where it passes between units.
pub async fn cut(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<CutOp>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let Json(b) = body?;
    let (row, mut s) = load(&state, id).await?;
    let engine = state.engine.get();
    let band = super::plan::band_of(b.min, b.max)?;
    let by = super::plan::measure_of(b.by.as_deref())?;
    let code = code_of(&b.code)?;
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
        crate::domain::Wgs84Point::new(p[0], p[1])
            .map_err(|e| AppError::bad("invalid_line", format!("line: {e}")))?;
    }
    let now = s.grids(&live_level3(&engine)).map_err(plan_error)?;
    let grid = now.get(&code).ok_or_else(|| {
        AppError::NotFound(format!("grid {code} is not a level-3 grid of this draft"))
    })?;
    let inside = contents_of(grid, &engine);
    let compounds: Vec<_> = inside.compounds.iter().map(|c| (*c).clone()).collect();
    let buildings: Vec<_> = inside.buildings.iter().map(|x| (*x).clone()).collect();
    // Compounds whole if the line can pass between them, else divided by building (a line
    // drawn through a large compound follows the gaps between its buildings).
    let all: std::collections::HashSet<_> = compounds.iter().map(|c| c.id.clone()).collect();
    let mut tried = Err(crate::domain::plan::PlanError::NoArea(code.to_string()));
    for divide in [Default::default(), all] {
        let units = crate::domain::plan::units_of(&compounds, &buildings, &divide);
        let ends = ((first[0], first[1]), (last[0], last[1]));
        tried = crate::domain::plan::cut_along(
            code.as_str(),
            &grid.geometry,
            &units,
            band,
            by,
            ends.0,
            ends.1,
        );
        if tried.is_ok() {
            break;
        }
    }
    let split = tried.map_err(plan_error)?;
    let mut codes = taken(&state, &engine, &s).await?;
    let parts = parts(grid, &split, &mut codes).map_err(plan_error)?;
    s.push(Op::Split {
        code: code.to_string(),
        parts,
    });
    save(&state, &row, &s, json!({})).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveOp {
    from: String,
    to: String,
    /// Compound or building ids of `from` (a building of a compound moves its compound).
    units: Vec<String>,
    min: Option<u32>,
    max: Option<u32>,
    by: Option<String>,
}

/// `POST /api/drafts/{id}/move`: units brushed in one grid moved to its neighbour; both are
/// redrawn along a boundary between units.
pub async fn move_units(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<MoveOp>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let Json(b) = body?;
    if b.units.is_empty() {
        return Err(AppError::bad(
            "invalid_units",
            "units: choose at least one compound or building to move",
        ));
    }
    let (row, mut s) = load(&state, id).await?;
    let engine = state.engine.get();
    let band = super::plan::band_of(b.min, b.max)?;
    let by = super::plan::measure_of(b.by.as_deref())?;
    let (from, to) = (code_of(&b.from)?, code_of(&b.to)?);
    let now = s.grids(&live_level3(&engine)).map_err(plan_error)?;
    for c in [&from, &to] {
        if !now.contains_key(c) {
            return Err(AppError::NotFound(format!(
                "grid {c} is not a level-3 grid of this draft"
            )));
        }
    }
    let mut codes = taken(&state, &engine, &s).await?;
    let city = engine.city();
    let (op, split) = crate::domain::plan::fix::move_units(
        &now,
        &from,
        &to,
        &b.units,
        &city.compounds,
        &city.buildings,
        band,
        by,
        &mut codes,
    )
    .map_err(plan_error)?;
    s.push(op);
    save(&state, &row, &s, json!({ "problems": split.problems })).await
}
