//! `GET /api/stats/kpis?by=grid|department|week|month&level=&parent=&department=&from=&to=&format=csv`:
//! the loop's KPIs (上报数 … 满意率) per grid of a level (3 by default, under `parent` if
//! given), per department, or per week or month of report (trend charts), over the cases reported in `[from, to)` (only those dispatched
//! to `department` when given), cut to the caller's scope; as JSON, or CSV.

use super::contract::{KpiAnswer, KpiRow};
use super::params::{opt_param, time};
use super::{App, AppError};
use crate::app::auth::Who;
use crate::app::kpis::{KpiBy, KpiGroup, KpiQuery};
use crate::domain::{GridCode, Level};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    by: Option<String>,
    level: Option<String>,
    parent: Option<String>,
    department: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

fn row(g: KpiGroup) -> KpiRow {
    KpiRow {
        rates: g.counts.rates(),
        key: g.key,
        name: g.name,
        counts: g.counts,
    }
}

/// The CSV of the rows: key, name, then the counts and the rates in reading order.
fn csv(rows: &[KpiRow]) -> Result<String, AppError> {
    use crate::domain::kpi::{COUNT_COLUMNS, RATE_COLUMNS};
    let mut out = ["key", "name"]
        .iter()
        .chain(&COUNT_COLUMNS)
        .chain(&RATE_COLUMNS)
        .copied()
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for r in rows {
        let json = |v: serde_json::Result<serde_json::Value>| {
            v.map_err(|e| AppError::Internal(format!("KPI row: {e}")))
        };
        let (counts, rates) = (
            json(serde_json::to_value(&r.counts))?,
            json(serde_json::to_value(&r.rates))?,
        );
        let mut cells = vec![r.key.clone(), crate::csv::csv_field(&r.name).into_owned()];
        for (obj, names) in [(&counts, &COUNT_COLUMNS[..]), (&rates, &RATE_COLUMNS[..])] {
            cells.extend(names.iter().map(|n| match &obj[*n] {
                serde_json::Value::Null => String::new(),
                v => v.to_string(),
            }));
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    Ok(out)
}

pub async fn kpis(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<KpiParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(p) = params?;
    let level = opt_param::<Level>("level", &p.level)?.unwrap_or(Level::Three);
    let by = match p.by.as_deref() {
        None | Some("") | Some("grid") => KpiBy::Grid(level),
        Some("department") => KpiBy::Department,
        Some("week") => KpiBy::Week,
        Some("month") => KpiBy::Month,
        Some(other) => {
            return Err(AppError::param(
                "by",
                format!("{other:?} is not grid, department, week or month"),
            ))
        }
    };
    let q = KpiQuery {
        by,
        parent: opt_param::<GridCode>("parent", &p.parent)?,
        department: p.department.clone().filter(|d| !d.trim().is_empty()),
        from: time("from", &p.from)?,
        to: time("to", &p.to)?,
    };
    let (groups, total) = state.kpis(&q, &who, Utc::now());
    let rows: Vec<KpiRow> = groups.into_iter().map(row).collect();
    let total = row(KpiGroup {
        key: "total".into(),
        name: "合计".into(),
        counts: total,
    });
    match p.format.as_deref() {
        Some("csv") => {
            let mut all = rows;
            all.push(total);
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"kpis.csv\"",
                    ),
                ],
                csv(&all)?,
            )
                .into_response())
        }
        None | Some("json") => Ok(Json(KpiAnswer {
            by: match by {
                KpiBy::Grid(_) => "grid".into(),
                KpiBy::Department => "department".into(),
                KpiBy::Week => "week".into(),
                KpiBy::Month => "month".into(),
            },
            level: matches!(by, KpiBy::Grid(_)).then(|| level.number()),
            rows,
            total,
        })
        .into_response()),
        Some(other) => Err(AppError::param(
            "format",
            format!("{other:?} is not csv or json"),
        )),
    }
}
