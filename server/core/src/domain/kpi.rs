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
    pub reported_at: DateTime<Utc>,
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
    /// The same in whole minutes, summed exactly (so any grouping adds up to the same).
    #[serde(skip)]
    pub handling_minutes: u64,
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

/// One case's part in the counts, folded from its history one transition at a time (so the
/// KPI index keeps it up to date as cases move), with the case's state now for what depends
/// on the time of asking (overdue). Small: a million of them are a few tens of megabytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tally {
    pub registered: u8,
    pub dispatched: u8,
    pub returned: u8,
    pub responded: u8,
    pub responded_on_time: u8,
    pub closed: u8,
    pub closed_on_time: u8,
    pub reworked: u8,
    /// Working minutes from dispatch to response, summed over responses.
    pub handling_minutes: u32,
    /// The last dispatch (Unix seconds), where handling time is counted from.
    pub dispatched_at: Option<i64>,
    pub status: IncidentStatus,
    pub outcome: Option<Outcome>,
    /// Unix seconds.
    pub due_at: Option<i64>,
    pub satisfaction: Option<Satisfaction>,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            registered: 0,
            dispatched: 0,
            returned: 0,
            responded: 0,
            responded_on_time: 0,
            closed: 0,
            closed_on_time: 0,
            reworked: 0,
            handling_minutes: 0,
            dispatched_at: None,
            status: IncidentStatus::Reported,
            outcome: None,
            due_at: None,
            satisfaction: None,
        }
    }
}

impl Tally {
    /// Counts one transition (in history order).
    pub fn apply(&mut self, e: &EventRecord, calendar: &WorkCalendar) {
        let on_time = u8::from(e.due_at.is_none_or(|d| e.at <= d));
        let bump = |n: &mut u8| *n = n.saturating_add(1);
        match e.action {
            Action::Register => bump(&mut self.registered),
            Action::Dispatch | Action::SelfHandle => {
                bump(&mut self.dispatched);
                self.dispatched_at = Some(e.at.timestamp());
            }
            Action::Return => bump(&mut self.returned),
            Action::Respond => {
                bump(&mut self.responded);
                self.responded_on_time = self.responded_on_time.saturating_add(on_time);
                if let Some(from) = self
                    .dispatched_at
                    .and_then(|s| DateTime::from_timestamp(s, 0))
                {
                    let minutes = calendar.working_time(from, e.at).num_minutes();
                    self.handling_minutes = self
                        .handling_minutes
                        .saturating_add(u32::try_from(minutes).unwrap_or(u32::MAX));
                }
            }
            Action::VerifyFail => bump(&mut self.reworked),
            Action::VerifyPass => {
                bump(&mut self.closed);
                self.closed_on_time = self.closed_on_time.saturating_add(on_time);
            }
            _ => {}
        }
    }

    /// Sets the case's state after its last transition.
    pub fn set_state(
        &mut self,
        status: IncidentStatus,
        outcome: Option<Outcome>,
        due_at: Option<DateTime<Utc>>,
        satisfaction: Option<Satisfaction>,
    ) {
        self.status = status;
        self.outcome = outcome;
        self.due_at = due_at.map(|d| d.timestamp());
        self.satisfaction = satisfaction;
    }

    /// A whole case folded.
    pub fn of(c: &CaseRecord, calendar: &WorkCalendar) -> Tally {
        let mut t = Tally::default();
        for e in &c.events {
            t.apply(e, calendar);
        }
        t.set_state(c.status, c.outcome, c.due_at, c.satisfaction);
        t
    }
}

impl Counts {
    /// Adds one case.
    pub fn add(&mut self, c: &CaseRecord, now: DateTime<Utc>, calendar: &WorkCalendar) {
        self.add_tally(&Tally::of(c, calendar), now.timestamp());
    }

    /// Adds one case's tally; `now` in Unix seconds.
    pub fn add_tally(&mut self, t: &Tally, now: i64) {
        if t.outcome == Some(Outcome::Duplicate) {
            return;
        }
        self.reported += 1;
        self.registered += u64::from(t.registered);
        self.dispatched += u64::from(t.dispatched);
        self.returned += u64::from(t.returned);
        self.responded += u64::from(t.responded);
        self.responded_on_time += u64::from(t.responded_on_time);
        self.closed += u64::from(t.closed);
        self.closed_on_time += u64::from(t.closed_on_time);
        self.reworked += u64::from(t.reworked);
        self.handling_minutes += u64::from(t.handling_minutes);
        self.handling_hours = self.handling_minutes as f64 / 60.0;
        let late = t.status.is_open() && t.due_at.is_some_and(|d| d < now);
        self.overdue += u64::from(late);
        self.due += u64::from(late || t.outcome == Some(Outcome::Resolved));
        if let Some(s) = t.satisfaction {
            self.evaluated += 1;
            self.satisfied += u64::from(s != Satisfaction::Dissatisfied);
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, o: &Counts) {
        self.reported += o.reported;
        self.registered += o.registered;
        self.dispatched += o.dispatched;
        self.returned += o.returned;
        self.responded += o.responded;
        self.responded_on_time += o.responded_on_time;
        self.due += o.due;
        self.closed += o.closed;
        self.closed_on_time += o.closed_on_time;
        self.reworked += o.reworked;
        self.overdue += o.overdue;
        self.handling_minutes += o.handling_minutes;
        self.handling_hours = self.handling_minutes as f64 / 60.0;
        self.evaluated += o.evaluated;
        self.satisfied += o.satisfied;
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
