//! `GET /api/stats/grids` (per-grid metrics for choropleths and tables, JSON or CSV) and
//! `GET /api/coverage` (how well a level is covered: vacancies, load per officer, party
//! organisation, service-centre reach).
//!
//! Per grid: `incidents`, `open`, `per_1000_households`, `households`, `population`,
//! `officers`, `households_per_officer` (null when vacant), `vacant`, `compounds`,
//! `compounds_without_party_org`, `reach_share` (share of building households within 800 m
//! of a service centre), and `gi_star`: the Getis-Ord Gi* z-score of the grid's incident
//! count over its edge neighbours (above 1.96: a hotspot at 95%).

use super::contract::{CoverageAnswer, LoadQuantiles};
use super::params::{incident_filter, opt_param};
use super::{App, AppError};
use crate::app::auth::Who;
use crate::app::metrics::{StatsAnswer, COLUMNS};
use crate::domain::metrics::households_per_officer;
use crate::domain::Level;
use crate::engine::stats::REACH_M;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsParams {
    level: Option<String>,
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
    status: Option<String>,
    channel: Option<String>,
    format: Option<String>,
    /// `current` (default): count incidents by the grids in force now; `report`: by the
    /// grids they were reported in (their original boundaries).
    boundaries: Option<String>,
}

/// Reads `boundaries` into the filter: true for report-time grids.
pub fn report_time(v: &Option<String>) -> Result<bool, AppError> {
    match v.as_deref() {
        None | Some("") | Some("current") => Ok(false),
        Some("report") | Some("original") => Ok(true),
        Some(other) => Err(AppError::param(
            "boundaries",
            format!("{other:?} is not current or report"),
        )),
    }
}

fn level_param(v: &Option<String>) -> Result<Level, AppError> {
    Ok(opt_param::<Level>("level", v)?.unwrap_or(Level::Three))
}

fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => crate::csv::csv_field(s).into_owned(),
        other => other.to_string(),
    }
}

pub async fn grids(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    headers: HeaderMap,
    params: Result<Query<StatsParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(p) = params?;
    let level = level_param(&p.level)?;
    let mut filter = incident_filter([&p.category, &p.status, &p.channel, &p.from, &p.to])?;
    filter.report_time = report_time(&p.boundaries)?;
    let wants_csv = match p.format.as_deref() {
        Some("csv") => true,
        Some("json") | None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/csv")),
        Some(other) => {
            return Err(AppError::param(
                "format",
                format!("{other:?} is not csv or json"),
            ))
        }
    };
    let rows = who
        .cut()
        .rows(state.grid_metrics(level, &filter), |r| r.code.as_str());
    if wants_csv {
        let mut out = COLUMNS.join(",");
        out.push('\n');
        for r in rows.iter() {
            let r = serde_json::to_value(r).unwrap_or_default();
            let cells: Vec<String> = COLUMNS.iter().map(|c| csv_cell(&r[*c])).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        let disposition = format!(
            "attachment; filename=\"grid-stats-level{}.csv\"",
            level.number()
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            out,
        )
            .into_response());
    }
    let span = state.incidents().read().time_span();
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    Ok(Json(StatsAnswer {
        level: level.number(),
        grids: rows,
        data_from: span.and_then(|(lo, _)| at(lo)),
        data_until: span.and_then(|(_, hi)| at(hi)),
    })
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageParams {
    level: Option<String>,
}

/// Quantiles of a sorted list (nearest rank), to one decimal.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let i = ((sorted.len().checked_sub(1)?) as f64 * q).round() as usize;
    Some((sorted[i] * 10.0).round() / 10.0)
}

pub async fn coverage(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<CoverageParams>, QueryRejection>,
) -> Result<Json<CoverageAnswer>, AppError> {
    let Query(p) = params?;
    let level = level_param(&p.level)?;
    let engine = state.engine();
    let cut = who.cut();
    let facts: Vec<&crate::engine::stats::GridFacts> = engine
        .stats()
        .level(level)
        .iter()
        .filter(|f| cut.keeps(f.code.as_str()))
        .collect();
    let vacant: Vec<String> = facts
        .iter()
        .filter(|f| f.officers == 0)
        .map(|f| f.code.to_string())
        .collect();
    let mut load: Vec<f64> = facts
        .iter()
        .filter_map(|f| households_per_officer(f.households, f.officers))
        .collect();
    load.sort_by(f64::total_cmp);
    let sum = |g: &dyn Fn(&crate::engine::stats::GridFacts) -> u64| {
        facts.iter().map(|f| g(f)).sum::<u64>()
    };
    let households = sum(&|f| f.building_households);
    let reached = sum(&|f| f.households_within_reach);
    Ok(Json(CoverageAnswer {
        level: level.number(),
        grids: facts.len(),
        vacant_grids: vacant.len(),
        vacant,
        households_per_officer: LoadQuantiles {
            min: quantile(&load, 0.0),
            p25: quantile(&load, 0.25),
            median: quantile(&load, 0.5),
            p75: quantile(&load, 0.75),
            max: quantile(&load, 1.0),
            over_500: load.iter().filter(|l| **l > 500.0).count(),
        },
        compounds: sum(&|f| u64::from(f.compounds)),
        compounds_without_party_org: sum(&|f| u64::from(f.compounds_without_party_org)),
        reach_m: REACH_M,
        buildings: sum(&|f| u64::from(f.buildings)),
        buildings_outside_reach: sum(&|f| u64::from(f.buildings_outside_reach)),
        households_within_reach_share: (households > 0)
            .then(|| ((reached as f64 / households as f64) * 1000.0).round() / 1000.0),
    }))
}
