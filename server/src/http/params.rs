//! Query and path parameters shared by the resources: each parsed into its type, with an
//! error that names the parameter and says what was wrong.

use super::AppError;
use crate::domain::{Category, Channel, GridCode, StatusSet};
use crate::engine::heat::Filter;
use chrono::{DateTime, Utc};

/// Parses an optional query parameter with `FromStr`, naming it in the error.
pub fn opt_param<T: std::str::FromStr>(
    name: &str,
    v: &Option<String>,
) -> Result<Option<T>, AppError>
where
    T::Err: std::fmt::Display,
{
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<T>().map_err(|e| AppError::param(name, e)))
        .transpose()
}

/// Longest name a person gives something (a draft, a holiday, a department).
pub const MAX_NAME_CHARS: usize = 100;
/// Longest note (a case transition, a publish).
pub const MAX_NOTE_CHARS: usize = 2000;

/// Refuses a free-text body field longer than `max` characters, naming the field and the
/// limit (a name of 15 MB would otherwise be stored and sent back in every listing).
pub fn bounded(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    // Counting stops one past the limit: a huge value costs no more than a short one.
    if value.chars().nth(max).is_some() {
        return Err(AppError::body_field(
            field,
            format!("longer than {max} characters"),
        ));
    }
    Ok(())
}

/// Parses a grid code from a path segment.
pub fn path_code(code: &str) -> Result<GridCode, AppError> {
    GridCode::parse(code).map_err(|e| AppError::bad("invalid_grid_code", e.to_string()))
}

/// A date (`2026-05-01`, UTC midnight) or an RFC 3339 time.
pub fn time(name: &str, v: &Option<String>) -> Result<Option<DateTime<Utc>>, AppError> {
    parse_time(v).map_err(|e| AppError::param(name, e))
}

/// [`time`] for a field of a JSON body (the error names the field, not a query parameter).
pub fn body_time(name: &str, v: &Option<String>) -> Result<Option<DateTime<Utc>>, AppError> {
    parse_time(v).map_err(|e| AppError::body_field(name, e))
}

fn parse_time(v: &Option<String>) -> Result<Option<DateTime<Utc>>, String> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(instant)
        .transpose()
}

/// A date (`2026-05-01`, midnight UTC) or an RFC 3339 time.
pub fn instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| format!("{s:?} is not a date (2026-05-01) or an RFC 3339 time"))
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
        within: None,
        overdue_at: None,
    })
}
