//! The working calendar and time limits as the stores keep them: the listed days (once an
//! administrator replaced the shipped calendar) and the limits set per category and urgency,
//! with the conversions both stores share.

use crate::domain::calendar::{DayKind, Limit, LimitRule, SpecialDay, Urgency};
use crate::domain::Category;

/// What the store holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredDeadlines {
    /// The listed days, `None` until the calendar was first replaced (then the shipped files
    /// are the calendar).
    pub days: Option<Vec<SpecialDay>>,
    /// The limits set by an administrator.
    pub limits: Vec<LimitRule>,
}

/// A change, written in one transaction: each part given replaces what is stored of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeadlinesChange {
    pub days: Option<Vec<SpecialDay>>,
    pub limits: Option<Vec<LimitRule>>,
}

/// The row key in `settings` that says the calendar was replaced.
pub const REPLACED: &str = "calendar";

pub fn kind_text(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "holiday",
        DayKind::Workday => "workday",
    }
}

pub fn day_of(date: chrono::NaiveDate, kind: &str, name: String) -> super::Result<SpecialDay> {
    let kind = match kind {
        "holiday" => DayKind::Holiday,
        "workday" => DayKind::Workday,
        other => {
            return Err(super::StoreError::Corrupt(format!(
                "calendar day {date}: kind {other:?}"
            )))
        }
    };
    Ok(SpecialDay { date, kind, name })
}

/// A limit's unit and amount as stored.
pub fn limit_parts(l: Limit) -> (&'static str, i32) {
    let (unit, n) = match l {
        Limit::WorkingHours(n) => ("working_hours", n),
        Limit::WorkingDays(n) => ("working_days", n),
        Limit::ClockHours(n) => ("clock_hours", n),
    };
    (unit, i32::try_from(n).unwrap_or(i32::MAX))
}

/// A stored limit row read back; anything unknown is a corrupt row.
pub fn rule_of(category: &str, urgency: &str, unit: &str, amount: i64) -> super::Result<LimitRule> {
    let bad =
        |why: String| super::StoreError::Corrupt(format!("time limit {category}/{urgency}: {why}"));
    let category: Category = category.parse().map_err(|e| bad(format!("{e}")))?;
    let urgency: Urgency = urgency.parse().map_err(bad)?;
    let n = u32::try_from(amount).map_err(|_| bad(format!("amount {amount}")))?;
    let limit = match unit {
        "working_hours" => Limit::WorkingHours(n),
        "working_days" => Limit::WorkingDays(n),
        "clock_hours" => Limit::ClockHours(n),
        other => return Err(bad(format!("unit {other:?}"))),
    };
    Ok(LimitRule {
        category,
        urgency,
        limit,
    })
}
