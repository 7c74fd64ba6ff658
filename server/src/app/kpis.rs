//! The loop's KPIs per grid of a level (under a parent, if given) or per department, over
//! the cases reported in a period, cut to what the caller may see.

use super::auth::Principal;
use super::App;
use crate::domain::kpi::Counts;
use crate::domain::GridCode;
use crate::engine::kpi::KpiFilter;
use chrono::{DateTime, Utc};

/// What the KPIs are grouped by: a grid level, the department, the week or month of report
/// (the engine's grouping, as the API names it).
pub use crate::engine::kpi::GroupBy as KpiBy;

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

impl App {
    /// KPIs of the cases reported in `[from, to)` that `who` may see (dispatched to
    /// `department` only, when given), grouped by `by` (grids under `parent` only, when
    /// given), with the total over every group. Answered from the KPI index in memory.
    pub fn kpis(
        &self,
        q: &KpiQuery,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> (Vec<KpiGroup>, Counts) {
        let cut = who.cut();
        let keep = |g: &GridCode| cut.keeps(g.as_str());
        let only_department = match (&who.department, who.role) {
            (Some(d), crate::domain::access::Role::Department) => Some(d.as_str()),
            _ => None,
        };
        let filter = KpiFilter {
            from: q.from.map(|t| t.timestamp()),
            to: q.to.map(|t| t.timestamp()),
            keep_grid: &keep,
            only_department,
            department: q.department.as_deref(),
            parent: q.parent.as_ref(),
            now: now.timestamp(),
        };
        let (rows, total) = self.columns.kpi().counts(q.by, &filter);
        let engine = self.engine();
        let rows = rows
            .into_iter()
            .map(|(key, counts)| KpiGroup {
                name: match q.by {
                    KpiBy::Grid(_) => engine.grid_name(&key).unwrap_or(&key).to_string(),
                    _ => key.clone(),
                },
                key,
                counts,
            })
            .collect();
        (rows, total)
    }
}
