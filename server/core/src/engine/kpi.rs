//! The loop's KPIs in memory: one small row per case (when it was reported, its report-time
//! grids, its department, its [`Tally`]), kept up to date by every report and transition,
//! so the KPI table of every grid of a level over a year of a million cases is one pass over
//! a flat array instead of a read of every case and event from the store.
//!
//! Grid codes and department names are interned; a query first decides, once per interned
//! code, whether it is kept (scope, parent) and which group it falls in, so the pass itself
//! only compares integers.

use crate::domain::calendar::WorkCalendar;
use crate::domain::kpi::{CaseRecord, Counts, EventRecord, Tally};
use crate::domain::{GridCode, GridPath, Level};
use std::collections::HashMap;

/// No grid or no department.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Row {
    /// Unix seconds.
    reported: i64,
    /// Interned grid codes of levels 1, 2, 3 (`NONE` where it fell outside).
    grids: [u32; 3],
    department: u32,
    tally: Tally,
}

/// Strings numbered in the order first seen.
#[derive(Clone, Debug)]
struct Interner<T: std::hash::Hash + Eq + Clone> {
    all: Vec<T>,
    index: HashMap<T, u32>,
}

impl<T: std::hash::Hash + Eq + Clone> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            all: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: std::hash::Hash + Eq + Clone> Interner<T> {
    fn id(&mut self, v: &T) -> u32 {
        if let Some(&i) = self.index.get(v) {
            return i;
        }
        let i = u32::try_from(self.all.len()).unwrap_or(NONE);
        self.all.push(v.clone());
        self.index.insert(v.clone(), i);
        i
    }
}

/// What a query groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Grid(Level),
    Department,
    /// The week (Monday, China Standard Time) a case was reported in: `2026-03-02`.
    Week,
    /// The month (China Standard Time) a case was reported in: `2026-03`.
    Month,
}

/// The week or month a time (Unix seconds) falls in, China Standard Time, as a sortable key
/// and its label.
fn period(by: GroupBy, t: i64) -> Option<(i64, String)> {
    use chrono::Datelike;
    let local = chrono::DateTime::from_timestamp(t + 8 * 3600, 0)?.date_naive();
    let start = match by {
        GroupBy::Week => {
            local - chrono::Duration::days(i64::from(local.weekday().num_days_from_monday()))
        }
        _ => local.with_day(1)?,
    };
    let label = match by {
        GroupBy::Week => start.format("%Y-%m-%d").to_string(),
        _ => start.format("%Y-%m").to_string(),
    };
    Some((start.and_hms_opt(0, 0, 0)?.and_utc().timestamp(), label))
}

/// Which cases a query counts: reported in `[from, to)` (Unix seconds), within the caller's
/// view (`keep_grid` for each grid code, or only the cases of `department`), under `parent`.
pub struct KpiFilter<'a> {
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Whether the caller sees cases filed under this grid (a case is seen when any of its
    /// three grids is). Ignored when `only_department` is set.
    pub keep_grid: &'a dyn Fn(&GridCode) -> bool,
    /// A department's own cases only (a department account's view).
    pub only_department: Option<&'a str>,
    /// Only cases dispatched to this department.
    pub department: Option<&'a str>,
    /// Group only grids under this one.
    pub parent: Option<&'a GridCode>,
    /// Unix seconds, for what is overdue.
    pub now: i64,
}

/// Which rows a query counts, decided once per query: the period, the department asked
/// for, and what the caller sees (a department account its own cases; others the cases
/// filed under a grid they see, by interned code).
struct Selection {
    from: i64,
    to: i64,
    only: Option<u32>,
    department: Option<u32>,
    seen: Vec<bool>,
}

impl Selection {
    fn keeps(&self, r: &Row) -> bool {
        r.reported >= self.from
            && r.reported < self.to
            && self.department.is_none_or(|d| r.department == d)
            && match self.only {
                Some(d) => r.department == d,
                None => r.grids.iter().any(|&g| g != NONE && self.seen[g as usize]),
            }
    }
}

/// The index.
#[derive(Clone, Debug, Default)]
pub struct KpiIndex {
    rows: Vec<Row>,
    by_id: HashMap<i64, u32>,
    grids: Interner<GridCode>,
    departments: Interner<String>,
}

impl KpiIndex {
    /// Cases held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn grid_ids(&mut self, g: &GridPath) -> [u32; 3] {
        [&g.level1, &g.level2, &g.level3].map(|c| c.as_ref().map_or(NONE, |c| self.grids.id(c)))
    }

    fn department_id(&mut self, d: Option<&str>) -> u32 {
        d.map_or(NONE, |d| self.departments.id(&d.to_string()))
    }

    /// Adds (or replaces) a case with its whole history.
    pub fn put(&mut self, id: i64, c: &CaseRecord, calendar: &WorkCalendar) {
        let row = Row {
            reported: c.reported_at.timestamp(),
            grids: self.grid_ids(&c.grids),
            department: self.department_id(c.department.as_deref()),
            tally: Tally::of(c, calendar),
        };
        match self.by_id.get(&id) {
            Some(&i) => self.rows[i as usize] = row,
            None => {
                self.by_id
                    .insert(id, u32::try_from(self.rows.len()).unwrap_or(NONE));
                self.rows.push(row);
            }
        }
    }

    /// Adds a newly reported case (no history yet, in `status` — a loaded backlog may carry
    /// one); a case already held is left alone.
    pub fn report(
        &mut self,
        id: i64,
        reported_at: i64,
        grids: &GridPath,
        status: crate::domain::IncidentStatus,
    ) {
        if self.by_id.contains_key(&id) {
            return;
        }
        let row = Row {
            reported: reported_at,
            grids: self.grid_ids(grids),
            department: NONE,
            tally: Tally {
                status,
                ..Tally::default()
            },
        };
        self.by_id
            .insert(id, u32::try_from(self.rows.len()).unwrap_or(NONE));
        self.rows.push(row);
    }

    /// Counts one transition of a held case and sets its state after it; `false` if the case
    /// is not held.
    #[allow(clippy::too_many_arguments)]
    pub fn transition(
        &mut self,
        id: i64,
        event: &EventRecord,
        department: Option<&str>,
        state: (
            crate::domain::IncidentStatus,
            Option<crate::domain::case::Outcome>,
            Option<chrono::DateTime<chrono::Utc>>,
            Option<crate::domain::case::Satisfaction>,
        ),
        calendar: &WorkCalendar,
    ) -> bool {
        let Some(&i) = self.by_id.get(&id) else {
            return false;
        };
        let department = self.department_id(department);
        let row = &mut self.rows[i as usize];
        row.department = department;
        row.tally.apply(event, calendar);
        let (status, outcome, due, satisfaction) = state;
        row.tally.set_state(status, outcome, due, satisfaction);
        true
    }

    /// The counts per week or month of report, oldest first.
    fn by_period(
        &self,
        by: GroupBy,
        f: &KpiFilter<'_>,
        keep: &Selection,
    ) -> (Vec<(String, Counts)>, Counts) {
        let under_parent: Vec<bool> = self
            .grids
            .all
            .iter()
            .map(|g| f.parent.is_none_or(|p| g.is_within(p)))
            .collect();
        // Periods are computed once per day seen, not once per case.
        let mut day_period: HashMap<i64, (i64, String)> = HashMap::new();
        let mut groups: std::collections::BTreeMap<i64, (String, Counts)> = Default::default();
        for r in &self.rows {
            let placed = f.parent.is_none()
                || r.grids
                    .iter()
                    .any(|&g| g != NONE && under_parent[g as usize]);
            if !keep.keeps(r) || !placed {
                continue;
            }
            let day = (r.reported + 8 * 3600).div_euclid(86_400);
            let (start, label) = day_period
                .entry(day)
                .or_insert_with(|| period(by, r.reported).unwrap_or((0, String::new())))
                .clone();
            groups
                .entry(start)
                .or_insert_with(|| (label, Counts::default()))
                .1
                .add_tally(&r.tally, f.now);
        }
        let mut total = Counts::default();
        let out = groups
            .into_values()
            .map(|(label, c)| {
                total.merge(&c);
                (label, c)
            })
            .collect();
        (out, total)
    }

    /// The counts per group (grid code or department name) and over all groups.
    pub fn counts(&self, by: GroupBy, f: &KpiFilter<'_>) -> (Vec<(String, Counts)>, Counts) {
        // Per interned grid: seen by the caller; and the group a case filed under it falls in.
        let seen: Vec<bool> = self.grids.all.iter().map(|g| (f.keep_grid)(g)).collect();
        let grid_group: Vec<bool> = self
            .grids
            .all
            .iter()
            .enumerate()
            .map(|(i, g)| seen[i] && f.parent.is_none_or(|p| g.is_within(p)))
            .collect();
        let find = |name: Option<&str>| -> Option<u32> {
            name.map(|d| self.departments.index.get(d).copied().unwrap_or(NONE - 1))
        };
        let keep = Selection {
            from: f.from.unwrap_or(i64::MIN),
            to: f.to.unwrap_or(i64::MAX),
            only: find(f.only_department),
            department: find(f.department),
            seen,
        };
        let level = match by {
            GroupBy::Grid(Level::One) => Some(0),
            GroupBy::Grid(Level::Two) => Some(1),
            GroupBy::Grid(Level::Three) => Some(2),
            GroupBy::Department => None,
            GroupBy::Week | GroupBy::Month => {
                return self.by_period(by, f, &keep);
            }
        };
        let groups_len = match level {
            Some(_) => self.grids.all.len(),
            None => self.departments.all.len(),
        };
        let mut groups: Vec<Option<Counts>> = vec![None; groups_len];
        for r in &self.rows {
            if !keep.keeps(r) {
                continue;
            }
            let key = match level {
                Some(l) => match r.grids[l] {
                    g if g != NONE && grid_group[g as usize] => g,
                    _ => continue,
                },
                None if r.department != NONE => r.department,
                None => continue,
            };
            groups[key as usize]
                .get_or_insert_with(Counts::default)
                .add_tally(&r.tally, f.now);
        }
        let mut total = Counts::default();
        let mut out: Vec<(String, Counts)> = groups
            .into_iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let c = c?;
                total.merge(&c);
                let key = match level {
                    Some(_) => self.grids.all[i].to_string(),
                    None => self.departments.all[i].clone(),
                };
                Some((key, c))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        (out, total)
    }
}

#[cfg(test)]
mod tests;
