//! Cases as the stores keep them: the departments that handle them, a case's state beyond its
//! status (urgency, handler, due time, flags, counts, version), and a transition written in
//! one transaction with its history line and its audit line — or not at all when the case
//! changed since it was read (optimistic concurrency).

use crate::domain::calendar::Urgency;
use crate::domain::case::CaseState;
use crate::domain::{Category, IncidentStatus};
use chrono::{DateTime, Utc};

/// A department that handles cases of some categories (职能部门).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Department {
    pub name: String,
    pub categories: Vec<Category>,
}

/// What a case is beyond the incident reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: CaseState,
    /// Increases with every transition.
    pub version: i64,
    pub urgency: Urgency,
    /// The department it was dispatched to.
    pub department: Option<String>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    /// The open case this one repeats.
    pub duplicate_of: Option<i64>,
    /// The rating once evaluated.
    pub satisfaction: Option<crate::domain::case::Satisfaction>,
}

/// One line of a case's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    /// Login or `token:<name>`.
    pub actor: String,
    pub action: String,
    pub from_status: IncidentStatus,
    pub to_status: IncidentStatus,
    pub note: String,
    /// The due time once the transition was made.
    pub due_at: Option<DateTime<Utc>>,
}

/// A transition to write: the case's new facts, made on `expected_version`, its history line
/// and where the request came from (for the audit line).
#[derive(Clone, Debug)]
pub struct Transition {
    /// The case's 12345 order number and who posted it: the transition goes onto the outbox.
    pub hotline: Option<(String, Option<String>)>,
    pub id: i64,
    pub expected_version: i64,
    pub facts: CaseFacts,
    pub event: CaseEvent,
    pub source: String,
}

/// What writing a transition did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionSave {
    /// Written; the case's new version.
    Saved(i64),
    /// The case changed since it was read; nothing written.
    Stale {
        current: i64,
    },
    Missing,
}

/// The categories of a department as the stores keep them (comma-separated codes).
pub fn categories_text(c: &[Category]) -> String {
    c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

/// Categories read back; an unknown code is a corrupt row.
pub fn categories_of(name: &str, text: &str) -> super::Result<Vec<Category>> {
    text.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<Category>()
                .map_err(|e| super::StoreError::Corrupt(format!("department {name}: {e}")))
        })
        .collect()
}

/// The case state from stored columns.
#[allow(clippy::too_many_arguments)]
pub fn case_state(
    id: i64,
    status: &str,
    signed: bool,
    extension_pending: bool,
    outcome: Option<&str>,
    supervised: bool,
    self_handled: bool,
    returns: i64,
    reworks: i64,
) -> super::Result<CaseState> {
    let corrupt = |e: String| super::StoreError::Corrupt(format!("incident {id}: {e}"));
    Ok(CaseState {
        status: status
            .parse::<IncidentStatus>()
            .map_err(|e| corrupt(e.to_string()))?,
        signed,
        extension_pending,
        outcome: outcome.map(str::parse).transpose().map_err(corrupt)?,
        supervised,
        self_handled,
        returns: u32::try_from(returns).unwrap_or(0),
        reworks: u32::try_from(reworks).unwrap_or(0),
    })
}

/// One row of the KPI query: a case's columns (read only on its first row) and one of its
/// events (none for a case without history), in case-then-event order.
pub struct RecordRow {
    pub id: i64,
    /// `None` on every row of a case but its first: the case's columns repeat on each of its
    /// events' rows and are read once.
    pub facts: Option<RecordFacts>,
    pub event: Option<(DateTime<Utc>, String, Option<DateTime<Utc>>)>,
}

/// A case's own columns in the KPI query.
pub struct RecordFacts {
    pub reported_at: DateTime<Utc>,
    pub grids: [Option<String>; 3],
    pub department: Option<String>,
    pub status: String,
    pub outcome: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<String>,
}

/// Folds rows (ordered by case, then event) into case records.
pub fn records(rows: Vec<RecordRow>) -> super::Result<Vec<(i64, crate::domain::kpi::CaseRecord)>> {
    use crate::domain::kpi::{CaseRecord, EventRecord};
    let corrupt = |id: i64, e: String| super::StoreError::Corrupt(format!("incident {id}: {e}"));
    let mut out: Vec<(i64, CaseRecord)> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|(id, _)| *id != r.id) {
            let f = r
                .facts
                .ok_or_else(|| corrupt(r.id, "the case's columns were not read".into()))?;
            let code = |g: Option<String>| -> super::Result<Option<crate::domain::GridCode>> {
                g.map(|c| {
                    crate::domain::GridCode::parse(&c).map_err(|e| corrupt(r.id, e.to_string()))
                })
                .transpose()
            };
            let [g1, g2, g3] = f.grids;
            out.push((
                r.id,
                CaseRecord {
                    reported_at: f.reported_at,
                    grids: crate::domain::GridPath {
                        level1: code(g1)?,
                        level2: code(g2)?,
                        level3: code(g3)?,
                    },
                    department: f.department,
                    status: f
                        .status
                        .parse()
                        .map_err(|e: crate::domain::FieldError| corrupt(r.id, e.to_string()))?,
                    outcome: f
                        .outcome
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .map_err(|e| corrupt(r.id, e))?,
                    due_at: f.due_at,
                    satisfaction: f
                        .satisfaction
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .map_err(|e| corrupt(r.id, e))?,
                    events: Vec::new(),
                },
            ));
        }
        if let (Some((at, action, due_at)), Some((_, rec))) = (r.event, out.last_mut()) {
            rec.events.push(EventRecord {
                at,
                action: action
                    .parse()
                    .map_err(|e: crate::domain::case::CaseError| corrupt(r.id, e.to_string()))?,
                due_at,
            });
        }
    }
    Ok(out)
}

/// The KPI query's rows (both stores), ending in the join's condition so that a store can
/// bound the events joined to the same id range as the cases (an index range, not a scan).
pub const RECORDS_SQL: &str =
    "SELECT i.id, i.grid1, i.grid2, i.grid3, i.department, i.status, i.outcome, i.due_at,
        i.satisfaction, e.at, e.action, e.due_at, i.reported_at
 FROM incidents i LEFT JOIN incident_events e ON e.incident_id = i.id";

/// One line of the hotline outbox: a status change of a 12345 case, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxLine {
    pub seq: i64,
    pub incident_id: i64,
    pub order_no: String,
    pub at: DateTime<Utc>,
    pub action: String,
    pub status: IncidentStatus,
    pub note: String,
}

/// A case's whole state and history, written at once (the demo's generated year of worked
/// cases, a history migrated from an older system).
#[derive(Clone, Debug)]
pub struct CaseHistory {
    pub id: i64,
    /// `version` is set to the number of events + 1.
    pub facts: CaseFacts,
    /// Oldest first.
    pub events: Vec<CaseEvent>,
}
