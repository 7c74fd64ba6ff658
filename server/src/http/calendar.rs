//! `GET /api/calendar` (the working calendar and time limits in force) and `PUT
//! /api/calendar` (an administrator replaces the listed days, the limits, or both: JSON
//! `{"days": [...], "limits": [...]}`, or a `date,kind,name` CSV file as `text/csv` for the
//! days alone).

use super::contract::{CalendarAnswer, CalendarDayView, LimitView};
use super::{App, AppError};
use crate::domain::calendar::{
    office_hours, parse_csv, Deadlines, Limit, LimitRule, SpecialDay, Urgency,
};
use crate::domain::Category;
use crate::store::deadlines::{kind_text, limit_parts};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use serde::Deserialize;

fn answer(d: &Deadlines) -> CalendarAnswer {
    let set = d.limits.overrides();
    CalendarAnswer {
        shipped: d.calendar == crate::domain::calendar::shipped(),
        timezone: "+08:00".to_string(),
        office_hours: office_hours(),
        days: d
            .calendar
            .days()
            .into_iter()
            .map(|day| CalendarDayView {
                date: day.date.format("%Y-%m-%d").to_string(),
                kind: kind_text(day.kind).to_string(),
                name: day.name,
            })
            .collect(),
        limits: d
            .limits
            .all()
            .into_iter()
            .map(|r| {
                let (unit, amount) = limit_parts(r.limit);
                LimitView {
                    category: r.category,
                    urgency: r.urgency.as_str().to_string(),
                    unit: unit.to_string(),
                    amount: u32::try_from(amount).unwrap_or(0),
                    is_default: !set
                        .iter()
                        .any(|s| s.category == r.category && s.urgency == r.urgency),
                }
            })
            .collect(),
    }
}

pub async fn show(State(state): State<App>) -> Json<CalendarAnswer> {
    Json(answer(&state.deadlines()))
}

/// What `PUT` takes: either part may be left out (it stays as it is).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarBody {
    days: Option<Vec<SpecialDay>>,
    limits: Option<Vec<LimitInput>>,
}

/// One limit as `GET` shows it (`is_default` is ignored).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitInput {
    category: Category,
    urgency: Urgency,
    unit: String,
    amount: u32,
    #[serde(default)]
    #[allow(dead_code)]
    is_default: Option<bool>,
}

fn rule(i: usize, l: LimitInput) -> Result<LimitRule, AppError> {
    let limit = match l.unit.as_str() {
        "working_hours" => Limit::WorkingHours(l.amount),
        "working_days" => Limit::WorkingDays(l.amount),
        "clock_hours" => Limit::ClockHours(l.amount),
        other => {
            return Err(AppError::body_field(
                &format!("limits[{i}].unit"),
                format!("{other:?} is not working_hours, working_days or clock_hours"),
            ))
        }
    };
    Ok(LimitRule {
        category: l.category,
        urgency: l.urgency,
        limit,
    })
}

pub async fn replace(
    State(state): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CalendarAnswer>, AppError> {
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv"));
    let (days, limits) = if csv {
        let text = std::str::from_utf8(&body)
            .map_err(|_| AppError::bad("invalid_body", "the calendar file is not UTF-8"))?;
        let days = parse_csv(text)
            .map_err(|e| AppError::bad("invalid_body", format!("the calendar file: {e}")))?;
        (Some(days), None)
    } else {
        let b: CalendarBody = serde_json::from_slice(&body).map_err(|e| {
            AppError::bad(
                "invalid_body",
                format!(
                    "the calendar body (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let limits = b
            .limits
            .map(|l| {
                l.into_iter()
                    .enumerate()
                    .map(|(i, l)| rule(i, l))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        (b.days, limits)
    };
    for (i, day) in days.iter().flatten().enumerate() {
        super::params::bounded(
            &format!("days[{i}].name"),
            &day.name,
            super::params::MAX_NAME_CHARS,
        )?;
    }
    if days.is_none() && limits.is_none() {
        return Err(AppError::bad(
            "invalid_body",
            "the body names neither days nor limits: nothing to change",
        ));
    }
    let d = state.set_deadlines(days, limits).await?;
    Ok(Json(answer(&d)))
}
