//! `GET /api/wall?limit=`: the public problem wall (问题墙 / 回音壁), open to anyone: recent
//! registered cases with their category, place (the compound, else the grid's name), owner
//! department, due time, status and result. Rejected and duplicate cases are left out; the
//! exact point, the description and the reporter never appear.

use super::contract::{WallAnswer, WallItem};
use super::params::opt_param;
use super::{App, AppError};
use crate::domain::case::Outcome;
use crate::domain::StatusSet;
use crate::store::IncidentQuery;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use chrono::{FixedOffset, Utc};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WallParams {
    limit: Option<String>,
}

/// Most problems on one page of the wall.
const MAX_WALL: u32 = 200;

pub async fn wall(
    State(state): State<App>,
    params: Result<Query<WallParams>, QueryRejection>,
) -> Result<Json<WallAnswer>, AppError> {
    let Query(p) = params?;
    let limit = opt_param::<u32>("limit", &p.limit)?.unwrap_or(50);
    if !(1..=MAX_WALL).contains(&limit) {
        return Err(AppError::param(
            "limit",
            format!("{limit} is outside 1..={MAX_WALL}"),
        ));
    }
    let status = "registered,dispatched,handling,responded,closed,evaluated"
        .parse::<StatusSet>()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let rows = state
        .store
        .incidents(&IncidentQuery {
            status: Some(status),
            limit: Some(limit),
            ..Default::default()
        })
        .await?;
    let engine = state.engine();
    let cst = FixedOffset::east_opt(8 * 3600).ok_or_else(|| AppError::Internal("UTC+8".into()))?;
    let now = Utc::now();
    let mut problems = Vec::with_capacity(rows.len());
    for i in rows {
        let Some(f) = state.store.case_facts(i.id).await? else {
            continue;
        };
        if matches!(
            f.state.outcome,
            Some(Outcome::Rejected | Outcome::Duplicate)
        ) {
            continue;
        }
        let n = &i.incident;
        let compound = n
            .compound
            .as_ref()
            .and_then(|c| engine.compound(c))
            .map(|c| c.name.clone());
        let grid = || {
            n.grids
                .level3
                .as_ref()
                .and_then(|code| engine.grid_name(code.as_str()))
                .map(String::from)
        };
        problems.push(WallItem {
            id: i.id,
            category: n.category,
            category_zh: n.category.zh().to_string(),
            place: compound.or_else(grid).unwrap_or_default(),
            department: f.department.clone(),
            status: f.state.status,
            status_zh: f.state.status.zh().to_string(),
            reported_on: n
                .reported_at
                .with_timezone(&cst)
                .format("%Y-%m-%d")
                .to_string(),
            due_at: f.due_at.map(|t| t.to_rfc3339()),
            overdue: crate::domain::case::is_overdue(f.state.status, f.due_at, now),
            outcome: f.state.outcome_str().map(String::from),
            satisfaction: f.satisfaction.map(|s| s.as_str().to_string()),
        });
    }
    Ok(Json(WallAnswer { problems }))
}
