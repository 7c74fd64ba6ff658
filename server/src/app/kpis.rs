//! The loop's KPIs per grid of a level (under a parent, if given) or per department, over
//! the cases reported in a period, cut to what the caller may see.

use super::auth::Principal;
use super::{App, AppError};
use crate::domain::kpi::{CaseRecord, Counts};
use crate::domain::{GridCode, Level};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What the KPIs are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KpiBy {
    Grid(Level),
    Department,
}

/// Which cases and how to group them.
#[derive(Clone, Debug)]
pub struct KpiQuery {
    pub by: KpiBy,
    /// Only grids under this one.
    pub parent: Option<GridCode>,
    /// Only cases dispatched to this department.
    pub department: Option<String>,
    /// Reported at or after.
    pub from: Option<DateTime<Utc>>,
    /// Reported before.
    pub to: Option<DateTime<Utc>>,
}

/// One group's KPIs: its key (a grid code or a department), its name and the counts.
#[derive(Clone, Debug)]
pub struct KpiGroup {
    pub key: String,
    pub name: String,
    pub counts: Counts,
}

/// The grid of `level` a case was reported in.
fn grid_at(r: &CaseRecord, level: Level) -> Option<&GridCode> {
    match level {
        Level::One => r.grids.level1.as_ref(),
        Level::Two => r.grids.level2.as_ref(),
        Level::Three => r.grids.level3.as_ref(),
    }
}

impl App {
    /// KPIs of the cases reported in `[from, to)` that `who` may see (dispatched to
    /// `department` only, when given), grouped by `by` (grids under `parent` only, when
    /// given), with the total over every group.
    pub async fn kpis(
        &self,
        q: &KpiQuery,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> Result<(Vec<KpiGroup>, Counts), AppError> {
        let (by, parent, department) = (q.by, q.parent.as_ref(), q.department.as_deref());
        let records = self.store.case_records(q.from, q.to).await?;
        let cut = who.cut();
        let sees = |r: &CaseRecord| match &who.department {
            Some(d) if who.role == crate::domain::access::Role::Department => {
                r.department.as_deref() == Some(d.as_str())
            }
            _ => [&r.grids.level1, &r.grids.level2, &r.grids.level3]
                .into_iter()
                .flatten()
                .any(|c| cut.keeps(c.as_str())),
        };
        let engine = self.engine();
        let names: BTreeMap<&str, &str> = engine
            .city()
            .grids
            .iter()
            .map(|g| (g.code.as_str(), g.name.as_str()))
            .collect();
        let deadlines = self.deadlines();
        let calendar = &deadlines.calendar;
        let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
        let mut total = Counts::default();
        let of_department =
            |r: &CaseRecord| department.is_none_or(|d| r.department.as_deref() == Some(d));
        for (_, r) in records.iter().filter(|(_, r)| sees(r) && of_department(r)) {
            let key = match by {
                KpiBy::Grid(level) => match grid_at(r, level) {
                    Some(g) if parent.is_none_or(|p| g.is_within(p)) && cut.keeps(g.as_str()) => {
                        g.to_string()
                    }
                    _ => continue,
                },
                KpiBy::Department => match &r.department {
                    Some(d) => d.clone(),
                    None => continue,
                },
            };
            groups.entry(key).or_default().add(r, now, calendar);
            total.add(r, now, calendar);
        }
        let rows = groups
            .into_iter()
            .map(|(key, counts)| KpiGroup {
                name: names
                    .get(key.as_str())
                    .map_or_else(|| key.clone(), |n| n.to_string()),
                key,
                counts,
            })
            .collect();
        Ok((rows, total))
    }
}
