//! The loop's KPIs (考核指标) from cases and their histories, per grid or per department.
//!
//! Duplicates are counted once (with the case they repeat), so a case closed as a duplicate
//! counts nowhere. With `now` for what is overdue:
//! - 上报数 `reported`: cases; 立案数 `registered`: cases registered; 立案率 = 立案 / 上报.
//! - 派遣数 `dispatched`: dispatches (to a department, or to the grid officer 自行处置);
//!   准确派遣率 = (派遣 − 退回) / 派遣.
//! - 按期处置率 = responses made by their due time / responses (处理反馈).
//! - 应结案数 `due`: cases closed after handling, and open cases past their due time;
//!   结案数 `closed`; 结案率 = 结案 / 应结案; 按期结案率 = closed by their due time / 应结案.
//! - 返工率 = failed on-site checks / responses; 超期数 `overdue`: open cases past due.
//! - 平均处置时长: working hours from the dispatch to the response, averaged over responses.
//! - 满意率 = (满意 + 基本满意) / evaluations.

use super::calendar::WorkCalendar;
use super::case::{Action, Outcome, Satisfaction};
use super::{GridPath, IncidentStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One transition as the KPIs need it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub at: DateTime<Utc>,
    pub action: Action,
    /// The due time once the transition was made.
    pub due_at: Option<DateTime<Utc>>,
}

/// One case as the KPIs need it.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRecord {
    pub grids: GridPath,
    pub department: Option<String>,
    pub status: IncidentStatus,
    pub outcome: Option<Outcome>,
    pub due_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
    /// Oldest first.
    pub events: Vec<EventRecord>,
}

/// The counts behind the KPIs of one grid, department or total.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Counts {
    pub reported: u64,
    pub registered: u64,
    pub dispatched: u64,
    pub returned: u64,
    pub responded: u64,
    pub responded_on_time: u64,
    pub due: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    pub reworked: u64,
    pub overdue: u64,
    /// Working hours from dispatch to response, summed over responses.
    pub handling_hours: f64,
    pub evaluated: u64,
    pub satisfied: u64,
}

/// The counts' names in reading order (the CSV columns).
pub const COUNT_COLUMNS: [&str; 14] = [
    "reported",
    "registered",
    "dispatched",
    "returned",
    "responded",
    "responded_on_time",
    "due",
    "closed",
    "closed_on_time",
    "reworked",
    "overdue",
    "handling_hours",
    "evaluated",
    "satisfied",
];

/// The rates' names in reading order (the CSV columns).
pub const RATE_COLUMNS: [&str; 8] = [
    "registration_rate",
    "accurate_dispatch_rate",
    "on_time_handling_rate",
    "closing_rate",
    "on_time_closing_rate",
    "rework_rate",
    "mean_handling_hours",
    "satisfaction_rate",
];

/// The KPIs as ratios (`None` where the denominator is zero), rounded to 0.1%.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rates {
    pub registration_rate: Option<f64>,
    pub accurate_dispatch_rate: Option<f64>,
    pub on_time_handling_rate: Option<f64>,
    pub closing_rate: Option<f64>,
    pub on_time_closing_rate: Option<f64>,
    pub rework_rate: Option<f64>,
    /// Working hours, rounded to 0.1.
    pub mean_handling_hours: Option<f64>,
    pub satisfaction_rate: Option<f64>,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| (n as f64 / d as f64 * 1000.0).round() / 1000.0)
}

impl Counts {
    /// Adds one case.
    pub fn add(&mut self, c: &CaseRecord, now: DateTime<Utc>, calendar: &WorkCalendar) {
        if c.outcome == Some(Outcome::Duplicate) {
            return;
        }
        self.reported += 1;
        let mut dispatched_at = None;
        for e in &c.events {
            let on_time = e.due_at.is_none_or(|d| e.at <= d);
            match e.action {
                Action::Register => self.registered += 1,
                Action::Dispatch | Action::SelfHandle => {
                    self.dispatched += 1;
                    dispatched_at = Some(e.at);
                }
                Action::Return => self.returned += 1,
                Action::Respond => {
                    self.responded += 1;
                    self.responded_on_time += u64::from(on_time);
                    if let Some(from) = dispatched_at {
                        self.handling_hours +=
                            calendar.working_time(from, e.at).num_minutes() as f64 / 60.0;
                    }
                }
                Action::VerifyFail => self.reworked += 1,
                Action::VerifyPass => {
                    self.closed += 1;
                    self.closed_on_time += u64::from(on_time);
                }
                _ => {}
            }
        }
        let late = super::case::is_overdue(c.status, c.due_at, now);
        self.overdue += u64::from(late);
        self.due += u64::from(late || c.outcome == Some(Outcome::Resolved));
        if let Some(s) = c.satisfaction {
            self.evaluated += 1;
            self.satisfied += u64::from(s != Satisfaction::Dissatisfied);
        }
    }

    pub fn rates(&self) -> Rates {
        Rates {
            registration_rate: ratio(self.registered, self.reported),
            accurate_dispatch_rate: ratio(
                self.dispatched.saturating_sub(self.returned),
                self.dispatched,
            ),
            on_time_handling_rate: ratio(self.responded_on_time, self.responded),
            closing_rate: ratio(self.closed, self.due),
            on_time_closing_rate: ratio(self.closed_on_time, self.due),
            rework_rate: ratio(self.reworked, self.responded),
            mean_handling_hours: (self.responded > 0)
                .then(|| (self.handling_hours / self.responded as f64 * 10.0).round() / 10.0),
            satisfaction_rate: ratio(self.satisfied, self.evaluated),
        }
    }
}

#[cfg(test)]
mod tests;
