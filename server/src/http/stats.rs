//! `GET /api/stats/grids` (per-grid metrics for choropleths and tables, JSON or CSV) and
//! `GET /api/coverage` (how well a level is covered: vacancies, load per officer, party
//! organisation, service-centre reach).
//!
//! Per grid: `incidents`, `open`, `per_1000_households`, `households`, `population`,
//! `officers`, `households_per_officer` (null when vacant), `vacant`, `compounds`,
//! `compounds_without_party_org`, `reach_share` (share of building households within 800 m
//! of a service centre), and `gi_star`: the Getis-Ord Gi* z-score of the grid's incident
//! count over its edge neighbours (above 1.96: a hotspot at 95%).

use super::features::opt_param;
use super::incidents::time;
use super::{read, AppError, AppState};
use crate::domain::metrics::{getis_ord_gi_star, households_per_officer, per_1000_households};
use crate::domain::{Category, Channel, Level, StatusSet};
use crate::engine::heat::Filter;
use crate::engine::stats::REACH_M;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

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

/// The CSV columns, in order (also the JSON keys).
pub const COLUMNS: [&str; 15] = [
    "code",
    "name",
    "incidents",
    "open",
    "per_1000_households",
    "households",
    "population",
    "officers",
    "households_per_officer",
    "vacant",
    "compounds",
    "compounds_without_party_org",
    "reach_share",
    "gi_star",
    "neighbours",
];

fn round(v: Option<f64>, places: i32) -> Value {
    let f = 10f64.powi(places);
    v.map_or(Value::Null, |x| json!((x * f).round() / f))
}

/// One grid's metrics, keyed as in [`COLUMNS`].
pub type Row = serde_json::Map<String, Value>;

/// Every grid of a level with its metrics, in code order; recomputed only when incidents or
/// the city changed since the last call with the same level and filter.
pub fn grid_rows(state: &AppState, level: Level, filter: &Filter) -> std::sync::Arc<Vec<Row>> {
    let engine = state.engine.get();
    let key = format!(
        "{}|{:?}|{:p}",
        level.number(),
        filter,
        std::sync::Arc::as_ptr(&engine)
    );
    let version = read(&state.heat).version();
    let mut cache = state.stats_cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((v, rows)) = cache.get(&key) {
        if *v == version {
            return rows.clone();
        }
    }
    let rows = std::sync::Arc::new(compute_rows(state, &engine, level, filter));
    if cache.len() > 64 {
        cache.clear();
    }
    cache.insert(key, (version, rows.clone()));
    rows
}

fn compute_rows(
    state: &AppState,
    engine: &crate::engine::Engine,
    level: Level,
    filter: &Filter,
) -> Vec<Row> {
    let facts = engine.stats().level(level);
    let counts = read(&state.heat).per_grid(level.number() as usize, filter);
    let totals: Vec<(u64, u64)> = facts
        .iter()
        .map(|f| counts.get(&f.code).copied().unwrap_or((0, 0)))
        .collect();
    let values: Vec<f64> = totals.iter().map(|t| t.0 as f64).collect();
    let neighbours: Vec<Vec<usize>> = facts.iter().map(|f| f.neighbours.clone()).collect();
    let gi = getis_ord_gi_star(&values, &neighbours);
    facts
        .iter()
        .zip(totals)
        .zip(gi)
        .map(|((f, (incidents, open)), gi)| {
            let row = json!({
                "code": f.code,
                "name": f.name,
                "incidents": incidents,
                "open": open,
                "per_1000_households": round(per_1000_households(incidents, f.households), 2),
                "households": f.households,
                "population": f.population,
                "officers": f.officers,
                "households_per_officer": round(households_per_officer(f.households, f.officers), 1),
                "vacant": f.officers == 0,
                "compounds": f.compounds,
                "compounds_without_party_org": f.compounds_without_party_org,
                "reach_share": round(f.reach_share(), 3),
                "gi_star": round(gi, 3),
                "neighbours": f.neighbours.len(),
            });
            match row {
                Value::Object(m) => m,
                _ => serde_json::Map::new(),
            }
        })
        .collect()
}

/// The incident filter the tile and statistics endpoints share, from their `category`,
/// `status`, `channel`, `from` and `to` parameters (in that order).
pub fn incident_filter(v: [&Option<String>; 5]) -> Result<Filter, AppError> {
    Ok(Filter {
        category: opt_param::<Category>("category", v[0])?,
        status: opt_param::<StatusSet>("status", v[1])?,
        channel: opt_param::<Channel>("channel", v[2])?,
        from: time("from", v[3])?.map(|t| t.timestamp()),
        to: time("to", v[4])?.map(|t| t.timestamp()),
        report_time: false,
    })
}

fn level_param(v: &Option<String>) -> Result<Level, AppError> {
    Ok(opt_param::<Level>("level", v)?.unwrap_or(Level::Three))
}

fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => crate::intake::bulk::csv_field(s).into_owned(),
        other => other.to_string(),
    }
}

pub async fn grids(
    State(state): State<AppState>,
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
    let rows = grid_rows(&state, level, &filter);
    if wants_csv {
        let mut out = COLUMNS.join(",");
        out.push('\n');
        for r in rows.iter() {
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
    Ok(Json(json!({ "level": level.number(), "grids": *rows })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageParams {
    level: Option<String>,
}

/// Quantiles of a sorted list (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> Value {
    if sorted.is_empty() {
        return Value::Null;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    json!((sorted[i] * 10.0).round() / 10.0)
}

pub async fn coverage(
    State(state): State<AppState>,
    params: Result<Query<CoverageParams>, QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let Query(p) = params?;
    let level = level_param(&p.level)?;
    let engine = state.engine.get();
    let facts = engine.stats().level(level);
    let vacant: Vec<&str> = facts
        .iter()
        .filter(|f| f.officers == 0)
        .map(|f| f.code.as_str())
        .collect();
    let mut load: Vec<f64> = facts
        .iter()
        .filter_map(|f| households_per_officer(f.households, f.officers))
        .collect();
    load.sort_by(f64::total_cmp);
    let sum =
        |g: &dyn Fn(&crate::engine::stats::GridFacts) -> u64| facts.iter().map(g).sum::<u64>();
    let households = sum(&|f| f.building_households);
    let reached = sum(&|f| f.households_within_reach);
    Ok(Json(json!({
        "level": level.number(),
        "grids": facts.len(),
        "vacant_grids": vacant.len(),
        "vacant": vacant,
        "households_per_officer": {
            "min": quantile(&load, 0.0),
            "p25": quantile(&load, 0.25),
            "median": quantile(&load, 0.5),
            "p75": quantile(&load, 0.75),
            "max": quantile(&load, 1.0),
            "over_500": load.iter().filter(|l| **l > 500.0).count(),
        },
        "compounds": sum(&|f| u64::from(f.compounds)),
        "compounds_without_party_org": sum(&|f| u64::from(f.compounds_without_party_org)),
        "reach_m": REACH_M,
        "buildings": sum(&|f| u64::from(f.buildings)),
        "buildings_outside_reach": sum(&|f| u64::from(f.buildings_outside_reach)),
        "households_within_reach_share": (households > 0).then(|| ((reached as f64 / households as f64) * 1000.0).round() / 1000.0),
    })))
}
