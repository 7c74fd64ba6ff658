//! The change feed's rows: what a write tells the other servers on the same store to read
//! again. Each write the engine mirrors appends one [`Change`] in its own transaction (see
//! `migrations/*/0012_changes.sql`); servers apply them in sequence order (`app::feed`).

use chrono::{DateTime, Utc};

/// What changed: which part of memory to read again from the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Incidents with ids in `[first, last]` were stored (reports, bulk loads).
    Incidents,
    /// Cases with ids in `[first, last]` moved on (transitions, worked histories).
    Cases,
    /// The territory changed (an import or a publish): rebuild the engine.
    City,
    /// The working calendar or time limits were replaced.
    Deadlines,
    /// An account or token was changed (disabled, new password, revoked) or a session ended.
    Accounts,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 5] = [
        ChangeKind::Incidents,
        ChangeKind::Cases,
        ChangeKind::City,
        ChangeKind::Deadlines,
        ChangeKind::Accounts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Incidents => "incidents",
            ChangeKind::Cases => "cases",
            ChangeKind::City => "city",
            ChangeKind::Deadlines => "deadlines",
            ChangeKind::Accounts => "accounts",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One line of the change log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Increasing, in commit order.
    pub seq: i64,
    pub kind: ChangeKind,
    /// The ids concerned (incidents and cases; 0 otherwise).
    pub first: i64,
    pub last: i64,
    /// The store handle (process) that wrote it.
    pub origin: String,
    pub at: DateTime<Utc>,
}

/// Most change lines read at once.
pub const CHANGE_BATCH: u32 = 1000;

/// A random id for a newly opened store handle (`gridd-` and 16 hex digits; PostgreSQL shows it
/// as the connection's `application_name`), so a server can tell its own changes apart.
pub fn new_origin() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the process id and the time still tell two processes apart.
        let t = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        bytes = (t ^ i64::from(std::process::id())).to_le_bytes();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("gridd-{hex}")
}

/// The id range of stored rows, for a change line (`(0, 0)` when there are none).
pub fn id_range(ids: impl IntoIterator<Item = i64>) -> (i64, i64) {
    ids.into_iter()
        .fold(None, |r: Option<(i64, i64)>, id| {
            Some(r.map_or((id, id), |(a, b)| (a.min(id), b.max(id))))
        })
        .unwrap_or((0, 0))
}

/// Which cases to read for the KPIs: reported in `[from, to)`, ids in `ids` (inclusive).
#[derive(Clone, Debug, Default)]
pub struct RecordQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub ids: Option<(i64, i64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for k in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ChangeKind::parse("grids"), None);
    }

    #[test]
    fn an_id_range_spans_the_smallest_and_largest_id() {
        assert_eq!(id_range([7, 3, 9, 4]), (3, 9));
        assert_eq!(id_range([]), (0, 0));
    }

    #[test]
    fn two_opened_stores_get_different_origins() {
        assert_ne!(new_origin(), new_origin());
        assert_eq!(new_origin().len(), 22);
    }
}
