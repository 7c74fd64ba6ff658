//! Working time: the calendar deadlines are counted on (weekends, public holidays and the
//! weekend days worked instead, 调休), the office hours of a working day, and the time limits
//! of a case by category and urgency.
//!
//! Times are China Standard Time (UTC+8, no daylight saving); a working day runs 08:30–12:00
//! and 14:00–17:30 (7 working hours). A limit in working days ends at the same time of day on
//! the n-th working day after the clock started (a Friday 16:00 dispatch with 3 working days
//! is due Wednesday 16:00); a limit in working hours counts office hours only; emergencies
//! count clock hours. A clock started outside office hours starts at the next office hour.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod limits;
pub use limits::{default_limit, Deadlines, LimitRule, Limits};

/// Office hours of a working day, local time.
const PERIODS: [((u32, u32), (u32, u32)); 2] = [((8, 30), (12, 0)), ((14, 0), (17, 30))];

/// The office periods of a working day as `HH:MM` pairs, local time.
pub fn office_hours() -> Vec<[String; 2]> {
    let hm = |(h, m): (u32, u32)| format!("{h:02}:{m:02}");
    PERIODS.iter().map(|&(s, e)| [hm(s), hm(e)]).collect()
}

/// Why a calendar file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the first line must be the header date,kind[,name], not {0:?}")]
    Header(String),
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
}

/// Which days are worked: Monday to Friday, except the listed holidays, and the listed
/// weekend days worked instead (调休).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, (DayKind, String)>,
}

/// What a listed day is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Not worked although it may be a weekday (a public holiday).
    Holiday,
    /// Worked although it may be a weekend day (调休).
    Workday,
}

/// One listed day of the calendar, as `GET /api/calendar` and the CSV files hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday's name (国庆节, 春节调休 …), for people.
    #[serde(default)]
    pub name: String,
}

/// How long a case may take: `{"unit": "working_days", "amount": 3}` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum Limit {
    /// Office hours on working days.
    WorkingHours(u32),
    /// To the same time of day, this many working days on.
    WorkingDays(u32),
    /// Hours on the clock, day and night (emergencies).
    ClockHours(u32),
}

/// How pressing a case is (紧急 / 一般).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Urgent,
    Normal,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::Normal => "normal",
        }
    }
}

impl std::str::FromStr for Urgency {
    type Err = String;
    fn from_str(s: &str) -> Result<Urgency, String> {
        match s.trim() {
            "urgent" | "紧急" => Ok(Urgency::Urgent),
            "normal" | "一般" => Ok(Urgency::Normal),
            other => Err(format!(
                "urgency {other:?} is not urgent (紧急) or normal (一般)"
            )),
        }
    }
}

/// The calendars shipped in `data/calendar/` (the State Council's schedules, 2025 and 2026).
pub fn shipped() -> WorkCalendar {
    WorkCalendar::from_csv([
        include_str!("../../../../data/calendar/2025.csv"),
        include_str!("../../../../data/calendar/2026.csv"),
    ])
    .unwrap_or_default()
}

/// China Standard Time (UTC+8 is always a valid offset; UTC is never used in its place).
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&cst()).naive_local()
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    cst()
        .from_local_datetime(&t)
        .single()
        .map_or_else(|| t.and_utc(), |l| l.with_timezone(&Utc))
}

fn at(d: NaiveDate, (h, m): (u32, u32)) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
}

impl WorkCalendar {
    /// Weekends only, no holidays.
    pub fn new() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// Reads a `date,kind[,name]` file (kind `holiday` or `workday`) into this calendar; a
    /// later file overrides an earlier one for the same date.
    pub fn read_csv(&mut self, text: &str) -> Result<(), CalendarError> {
        for d in parse_csv(text)? {
            self.days.insert(d.date, (d.kind, d.name));
        }
        Ok(())
    }

    /// A calendar of exactly these listed days (a later entry for a date wins).
    pub fn from_days(days: impl IntoIterator<Item = SpecialDay>) -> WorkCalendar {
        WorkCalendar {
            days: days
                .into_iter()
                .map(|d| (d.date, (d.kind, d.name)))
                .collect(),
        }
    }

    /// The listed days, in date order.
    pub fn days(&self) -> Vec<SpecialDay> {
        self.days
            .iter()
            .map(|(date, (kind, name))| SpecialDay {
                date: *date,
                kind: *kind,
                name: name.clone(),
            })
            .collect()
    }

    /// A calendar from one or more files, in order.
    pub fn from_csv<'a>(
        files: impl IntoIterator<Item = &'a str>,
    ) -> Result<WorkCalendar, CalendarError> {
        let mut c = WorkCalendar::new();
        for f in files {
            c.read_csv(f)?;
        }
        Ok(c)
    }

    /// Whether `d` is worked: a listed workday, or a Monday–Friday that is not a holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some((DayKind::Workday, _)) => true,
            Some((DayKind::Holiday, _)) => false,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        loop {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    /// The first office-hour instant at or after `t` (local time).
    fn clock_in(&self, t: NaiveDateTime) -> NaiveDateTime {
        let mut day = t.date();
        if self.is_working_day(day) {
            for (start, end) in PERIODS {
                if t < at(day, end) {
                    return t.max(at(day, start));
                }
            }
        }
        day = self.next_working_day(day);
        at(day, PERIODS[0].0)
    }

    /// When a case whose clock starts at `start` is due under `limit`.
    pub fn due(&self, start: DateTime<Utc>, limit: Limit) -> DateTime<Utc> {
        let t = local(start);
        utc(match limit {
            Limit::ClockHours(h) => t + Duration::hours(i64::from(h)),
            Limit::WorkingDays(n) => {
                let t = self.clock_in(t);
                let mut day = t.date();
                for _ in 0..n {
                    day = self.next_working_day(day);
                }
                day.and_time(t.time())
            }
            Limit::WorkingHours(h) => {
                let mut left = Duration::hours(i64::from(h));
                // Always inside an office period: take what is left of it, then the next one.
                let mut t = self.clock_in(t);
                loop {
                    let end = PERIODS
                        .iter()
                        .map(|(_, e)| at(t.date(), *e))
                        .find(|e| t < *e)
                        .unwrap_or(t);
                    if left <= end - t {
                        break t + left;
                    }
                    left -= end - t;
                    t = self.clock_in(end);
                }
            }
        })
    }

    /// Office time between two instants (zero when `to` is not after `from`).
    pub fn working_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let (from, to) = (local(from), local(to));
        let mut total = Duration::zero();
        let mut day = from.date();
        while day <= to.date() {
            if self.is_working_day(day) {
                for (s, e) in PERIODS {
                    let (s, e) = (at(day, s).max(from), at(day, e).min(to));
                    if e > s {
                        total += e - s;
                    }
                }
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        total
    }
}

/// The listed days of a `date,kind[,name]` file (kind `holiday` or `workday`), in file order;
/// a bad line is refused naming its number.
pub fn parse_csv(text: &str) -> Result<Vec<SpecialDay>, CalendarError> {
    let mut lines = text.lines().enumerate();
    let header = lines.next().map(|(_, l)| l.trim()).unwrap_or_default();
    let header = header.trim_start_matches('\u{feff}');
    if !(header == "date,kind" || header.starts_with("date,kind,")) {
        return Err(CalendarError::Header(header.to_string()));
    }
    let mut days = Vec::new();
    for (i, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |message: String| CalendarError::Line {
            line: i + 1,
            message,
        };
        let mut cells = line.splitn(3, ',');
        let date = cells.next().unwrap_or_default().trim();
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| bad(format!("{date:?} is not a date (2026-10-01)")))?;
        let kind = match cells.next().map(str::trim) {
            Some("holiday") => DayKind::Holiday,
            Some("workday") => DayKind::Workday,
            other => {
                return Err(bad(format!(
                    "kind {:?} is not holiday or workday",
                    other.unwrap_or("")
                )))
            }
        };
        let name = cells.next().unwrap_or_default().trim().to_string();
        days.push(SpecialDay { date, kind, name });
    }
    Ok(days)
}

#[cfg(test)]
mod tests;
