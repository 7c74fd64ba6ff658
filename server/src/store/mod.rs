//! Persistence: one [`Store`] trait, two implementations.
//!
//! - [`sqlite`]: the embedded default (bundled SQLite, WAL, `synchronous=FULL`), so the demo
//!   needs no server.
//! - [`postgis`]: production and the reference, with real `geometry(…,4326)` columns and GiST
//!   indexes so the data can be queried with SQL and opened in QGIS.
//!
//! The store is the truth: every write is durable when a method returns. Both implementations
//! pass the same conformance suite (`tests/tests/conformance.rs`).

pub mod accounts;
pub mod cases;
pub mod changes;
pub mod deadlines;
pub mod migrate;
pub mod postgis;
mod rows;
pub mod sqlite;
pub mod versions;
pub mod wkb;

pub use crate::domain::{Dataset, ImportSummary};
pub use accounts::{
    Account, AuditEntry, AuditQuery, NewAccount, NewAuditEntry, NewToken, SessionRow, TokenRow,
};
pub use changes::{Change, ChangeKind, RecordQuery};
pub use versions::{DraftRow, DraftSave, GridVersion, NewDraft, Publish, RetiredGrid};

use crate::domain::access::Login;
use crate::domain::{
    Bbox, Building, Category, Channel, Compound, Grid, GridCode, Incident, Level, NewIncident,
    Officer, Road, ServiceCentre, StatusCounts, StatusSet,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Why a store operation failed. Messages carry the context a user needs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store URL {0:?} is not understood; use sqlite:PATH or postgres://USER@HOST:PORT/DB")]
    BadUrl(String),
    #[error("cannot open the store: {0}")]
    Open(String),
    #[error("the PostgreSQL server at {url} cannot be used: {reason}")]
    NoPostgis { url: String, reason: String },
    #[error("migration {version} ({name}) failed: {reason}")]
    Migration {
        version: i64,
        name: String,
        reason: String,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("database error while {context}: {reason}")]
    Db { context: String, reason: String },
    /// The database cannot be reached now (stopped, restarting, network): worth retrying.
    #[error("the database is unavailable while {context}: {reason}")]
    Unavailable { context: String, reason: String },
}

impl StoreError {
    /// Whether the database could not be reached (the request may be retried later).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }

    pub fn db(context: impl Into<String>, e: impl std::fmt::Display) -> StoreError {
        StoreError::Db {
            context: context.into(),
            reason: e.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Which implementation a store is, as reported by `/api/health`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgis,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "sqlite",
            StoreKind::Postgis => "postgis",
        }
    }
}

/// Row counts for `/api/health`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub grids_by_level: [u64; 3],
    pub compounds: u64,
    pub buildings: u64,
    pub officers: u64,
    pub service_centres: u64,
    pub incidents: u64,
}

/// Filter for listing grids. Every filter given must hold.
#[derive(Clone, Debug, Default)]
pub struct GridQuery {
    pub level: Option<Level>,
    pub parent: Option<GridCode>,
    /// Grids whose polygon intersects (touches included) this box.
    pub bbox: Option<Bbox>,
    /// Only grids whose code starts with one of these (the caller's scope); `None`: all.
    pub within: Option<Vec<String>>,
}

/// Filter for compounds and buildings.
#[derive(Clone, Debug, Default)]
pub struct AreaQuery {
    /// Features in this grid or any grid under it (codes carry their parents as a prefix).
    pub grid: Option<GridCode>,
    pub bbox: Option<Bbox>,
    /// Only features in grids whose code starts with one of these (the caller's scope).
    pub within: Option<Vec<String>>,
}

/// Filter for incidents; newest first.
#[derive(Clone, Debug, Default)]
pub struct IncidentQuery {
    /// Incidents whose report-time grid is this grid or lies under it.
    pub grid: Option<GridCode>,
    pub category: Option<Category>,
    pub status: Option<StatusSet>,
    pub channel: Option<Channel>,
    /// Reported at or after.
    pub from: Option<DateTime<Utc>>,
    /// Reported before.
    pub to: Option<DateTime<Utc>>,
    pub bbox: Option<Bbox>,
    pub limit: Option<u32>,
    /// Only incidents with a larger id (to catch up after a bulk load).
    pub after_id: Option<i64>,
    /// Only incidents with this id or a smaller one (with `after_id`: a change line's range).
    pub up_to_id: Option<i64>,
    /// Only incidents listed after this one newest first: `(reported_at, id)` below the pair
    /// (the cursor of the next page).
    pub below: Option<(DateTime<Utc>, i64)>,
    /// Only incidents reported in grids whose code starts with one of these (the caller's
    /// scope); `None`: all.
    pub within: Option<Vec<String>>,
    /// Only incidents of these categories (a department's scope); `None`: all.
    pub categories: Option<Vec<Category>>,
    /// Only incidents posted by this account or token (an outside system reading back its
    /// own reports).
    pub reported_by: Option<String>,
    /// Only this incident.
    pub id: Option<i64>,
    /// Only the incident of this 12345 order number.
    pub order_no: Option<String>,
    /// Only cases dispatched to this department.
    pub department: Option<String>,
    /// Only open cases whose due time is before this instant (超期 when it is now).
    pub due_before: Option<DateTime<Utc>>,
    /// Only cases whose due time is at or after this instant (with `due_before`: 即将超期).
    pub due_after: Option<DateTime<Utc>>,
    /// Only cases under supervision (督办), or only those not.
    pub supervised: Option<bool>,
    /// Only the cases waiting on someone's next step.
    pub todo: Option<Todo>,
    /// Every matching incident in id order, no limit unless `limit` is given (then the first
    /// `limit` of them: a chunk): for building the engine's incident columns, never for a client.
    pub everything: bool,
}

/// Whose next step a case waits on (`assignee=me` in the API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Todo {
    /// The dispatcher: to register, dispatch again, decide an extension, or record the
    /// return call's rating of a resolved case (回访).
    Dispatch,
    /// A department: dispatched to it and not yet reported done.
    Handle(String),
    /// The grid officer: to check on site, or handled by the officer themselves.
    Verify,
}

/// A grid with the number of officers who serve it (see `OfficerRole::serves_grid`).
#[derive(Clone, Debug, PartialEq)]
pub struct GridRow {
    pub grid: Grid,
    pub officers: u32,
}

/// What a bulk load receives: rows, then `Commit` once every row has been sent and checked.
#[derive(Debug)]
pub enum BulkMsg {
    Rows(Vec<NewIncident>),
    Commit,
}

/// The one interface both stores implement.
#[async_trait]
pub trait Store: Send + Sync {
    fn kind(&self) -> StoreKind;

    /// A random id of this opened store; the change lines it writes carry it.
    fn origin(&self) -> &str;
    /// Change lines after `after`, in sequence order, at most `limit`.
    async fn changes_after(&self, after: i64, limit: u32) -> Result<Vec<Change>>;
    /// The number of the last change line (0 when there is none).
    async fn last_change(&self) -> Result<i64>;
    /// Woken when another process may have appended change lines (PostgreSQL's
    /// `LISTEN gridd_changes`); `None`: the caller polls.
    fn change_signal(&self) -> Option<Arc<tokio::sync::Notify>> {
        None
    }

    /// Writes a whole dataset in one transaction: any error, nothing written.
    async fn import(&self, data: &Dataset) -> Result<ImportSummary>;

    async fn counts(&self) -> Result<Counts>;
    /// [`Store::counts`] without counting incidents (`incidents` is 0): cheap at any size,
    /// for the health check (counting 10M incidents took PostgreSQL over 1.5 s).
    async fn city_counts(&self) -> Result<Counts>;
    async fn grids(&self, q: &GridQuery) -> Result<Vec<GridRow>>;
    async fn grid(&self, code: &GridCode) -> Result<Option<GridRow>>;
    async fn compounds(&self, q: &AreaQuery) -> Result<Vec<Compound>>;
    async fn buildings(&self, q: &AreaQuery) -> Result<Vec<Building>>;
    /// Officers serving `grid` or any grid under it; all officers when `None`.
    async fn officers(&self, grid: Option<&GridCode>) -> Result<Vec<Officer>>;
    async fn service_centres(&self) -> Result<Vec<ServiceCentre>>;
    /// Basemap roads, by id.
    async fn roads(&self) -> Result<Vec<Road>>;

    /// Published versions, oldest first (version 1 is the imported city).
    async fn versions(&self) -> Result<Vec<GridVersion>>;
    /// Grids retired by a publish, by code.
    async fn retired_grids(&self) -> Result<Vec<RetiredGrid>>;
    /// Writes a publish in one transaction: the new version, retired grids moved to history,
    /// new grids, compounds, buildings and officers moved. `Conflict` when a grid to retire is
    /// no longer live or a new code was ever used.
    async fn publish(&self, p: &Publish) -> Result<GridVersion>;
    async fn create_draft(&self, d: &NewDraft) -> Result<DraftRow>;
    async fn drafts(&self) -> Result<Vec<DraftRow>>;
    async fn draft(&self, id: i64) -> Result<Option<DraftRow>>;
    /// Replaces a draft's state if it is still at version `expected`, and increments its
    /// version, in one step: of two edits made on the same version, one is refused.
    async fn update_draft(&self, id: i64, state: &str, expected: i64) -> Result<DraftSave>;
    /// Deletes a draft; false when there is no such draft.
    async fn delete_draft(&self, id: i64) -> Result<bool>;
    /// Gives a draft a new name (its edits and version unchanged); false when there is no
    /// such draft.
    async fn rename_draft(&self, id: i64, name: &str) -> Result<bool>;

    /// Creates an account; a login already taken is a conflict naming it.
    async fn create_account(&self, a: &NewAccount) -> Result<Account>;
    /// The account with this login, disabled or not.
    async fn account(&self, login: &Login) -> Result<Option<Account>>;
    /// Every account, by login.
    async fn accounts(&self) -> Result<Vec<Account>>;
    /// Replaces an account's password hash; false when there is no such account.
    async fn set_password(&self, login: &Login, password_hash: &str) -> Result<bool>;
    /// Disables (or enables again) an account; false when there is no such account.
    async fn set_disabled(&self, login: &Login, disabled: bool) -> Result<bool>;
    /// Stores a token's hash and what it may do.
    async fn create_token(&self, t: &NewToken) -> Result<TokenRow>;
    /// The token with this hash if it is not revoked; its last use is set to `now`.
    async fn use_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<TokenRow>>;
    /// Revokes a token; false when there is no such token or it was revoked already.
    async fn revoke_token(&self, id: i64) -> Result<bool>;
    /// Starts a session for an account under the hash of its cookie id.
    async fn create_session(
        &self,
        id_hash: &str,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A session and its account, its last use set to `now` (the caller checks timeouts
    /// against the times as they were before).
    async fn use_session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(SessionRow, Account)>>;
    /// Ends a session; false when there was none.
    async fn delete_session(&self, id_hash: &str) -> Result<bool>;
    /// Appends a line to the audit log; returns its id.
    async fn append_audit(&self, e: &NewAuditEntry) -> Result<i64>;
    /// Lines of the audit log, oldest first.
    async fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>>;

    /// Stores incidents in one transaction; returns them with ids once they are durable.
    async fn insert_incidents(&self, incidents: &[NewIncident]) -> Result<Vec<Incident>>;
    /// Stores, in one transaction, those reports whose client still waits, asked once the
    /// store is ready to write (a report whose client gave up while the writer was busy is
    /// not stored, so a retry does not make a duplicate); answers each stored report with
    /// its index in `waiting`.
    async fn insert_waiting(&self, waiting: Vec<Waiting>) -> Result<Vec<(usize, Incident)>>;
    /// Stores incidents arriving in batches in one transaction, committed only on
    /// [`BulkMsg::Commit`]; if the channel closes first, nothing is kept. Returns how many.
    async fn bulk_incidents(&self, batches: tokio::sync::mpsc::Receiver<BulkMsg>) -> Result<u64>;
    async fn incidents(&self, q: &IncidentQuery) -> Result<Vec<Incident>>;
    /// Incidents by status whose report-time grid is `grid` or lies under it.
    async fn incident_status_counts(&self, grid: &GridCode) -> Result<StatusCounts>;

    /// The departments that handle cases, by name.
    async fn departments(&self) -> Result<Vec<cases::Department>>;
    /// Adds a department or replaces its categories.
    async fn put_department(&self, d: &cases::Department) -> Result<()>;
    /// A case's facts beyond the incident (`None`: no such incident).
    async fn case_facts(&self, id: i64) -> Result<Option<cases::CaseFacts>>;
    /// Writes a transition with its history and audit lines, if the case is still at the
    /// version it was read at.
    async fn transition(&self, t: &cases::Transition) -> Result<cases::TransitionSave>;
    /// The due times of open cases, for the overdue heat at start.
    async fn open_dues(&self) -> Result<Vec<(i64, DateTime<Utc>)>>;
    /// A case's transitions, oldest first.
    async fn case_history(&self, id: i64) -> Result<Vec<cases::CaseEvent>>;
    /// The hotline outbox after `after`, oldest first, at most `limit` lines; only the cases
    /// `reported_by` posted when given.
    async fn outbox(
        &self,
        after: i64,
        limit: u32,
        reported_by: Option<String>,
    ) -> Result<Vec<cases::OutboxLine>>;
    /// Replaces the state and history of each case, in one transaction (a generated or
    /// migrated history; the live loop writes one transition at a time).
    async fn put_case_histories(&self, cases: &[cases::CaseHistory]) -> Result<()>;
    /// The working calendar and time limits an administrator set.
    async fn deadlines(&self) -> Result<deadlines::StoredDeadlines>;
    /// Replaces the parts of the calendar and limits `change` names, in one transaction.
    async fn put_deadlines(&self, change: &deadlines::DeadlinesChange) -> Result<()>;
    /// Every case `q` selects with its history, for the KPIs, by id.
    async fn case_records(
        &self,
        q: &RecordQuery,
    ) -> Result<Vec<(i64, crate::domain::kpi::CaseRecord)>>;
}

/// A grid code column's value: the code's text, or NULL.
pub fn code_str(g: &Option<GridCode>) -> Option<&str> {
    g.as_ref().map(GridCode::as_str)
}

/// SQL list of the roles counted as serving a grid, for both stores' officer counts.
pub fn serving_roles_sql() -> String {
    crate::domain::OfficerRole::ALL
        .iter()
        .filter(|r| r.serves_grid())
        .map(|r| format!("'{}'", r.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The incident column that holds report-time grids of `code`'s level.
pub fn incident_grid_column(code: &GridCode) -> &'static str {
    incident_scope_column(code.as_str())
}

/// The incident column a scope prefix is matched against: a county or level-1 code against
/// the level-1 grid, a level-2 code against the level-2 grid, a level-3 code the level-3.
pub fn incident_scope_column(prefix: &str) -> &'static str {
    match prefix.len() {
        0..=9 => "grid1",
        10..=12 => "grid2",
        _ => "grid3",
    }
}

/// Default cap on listed incidents when the caller gives no limit.
pub const DEFAULT_INCIDENT_LIMIT: u32 = 1000;
/// Largest limit a caller may ask for.
pub const MAX_INCIDENT_LIMIT: u32 = 50_000;

/// A report waiting to be stored, and the flag its client sets when it stops waiting.
#[derive(Clone, Debug)]
pub struct Waiting {
    pub incident: NewIncident,
    pub gave_up: Arc<std::sync::atomic::AtomicBool>,
}

impl Waiting {
    /// Still wanted: its client has not given up.
    pub fn wanted(&self) -> bool {
        !self.gave_up.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The SQL tail of an incident listing: newest first with a limit, or everything oldest first
/// (with a limit: the next chunk of a read in id order).
pub fn incident_order_and_limit(q: &IncidentQuery) -> String {
    if q.everything {
        return match q.limit {
            Some(n) => format!(" ORDER BY id LIMIT {n}"),
            None => " ORDER BY id".to_string(),
        };
    }
    let limit = q
        .limit
        .unwrap_or(DEFAULT_INCIDENT_LIMIT)
        .min(MAX_INCIDENT_LIMIT);
    format!(" ORDER BY reported_at DESC, id DESC LIMIT {limit}")
}

/// Reads the whole territory back as a dataset (for `gridd export`).
pub async fn export_dataset(store: &dyn Store) -> Result<Dataset> {
    Ok(Dataset {
        grids: store
            .grids(&GridQuery::default())
            .await?
            .into_iter()
            .map(|r| r.grid)
            .collect(),
        service_centres: store.service_centres().await?,
        compounds: store.compounds(&AreaQuery::default()).await?,
        buildings: store.buildings(&AreaQuery::default()).await?,
        officers: store.officers(None).await?,
        roads: store.roads().await?,
    })
}

/// Opens the store a URL names (`sqlite:PATH`, `postgres://…`), applying migrations.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        if path.is_empty() {
            return Err(StoreError::BadUrl(url.to_string()));
        }
        let store = sqlite::SqliteStore::open(path).await?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = postgis::PostgisStore::connect(url).await?;
        Ok(Arc::new(store))
    } else {
        Err(StoreError::BadUrl(url.to_string()))
    }
}

impl From<crate::domain::RepeatedKey> for StoreError {
    fn from(e: crate::domain::RepeatedKey) -> StoreError {
        StoreError::Conflict(e.0)
    }
}
