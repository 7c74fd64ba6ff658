//! The embedded store: bundled SQLite in WAL mode with `synchronous=FULL`, so a write is on
//! disk when its method returns. Geometry is WKB in BLOBs, with an R*Tree per spatial table
//! for bbox queries; the exact intersection test then runs on the decoded geometry, giving
//! the same answers as PostGIS's `ST_Intersects`.
//!
//! Each connection keeps a 64 MiB page cache and maps up to 256 MiB of the file, so bulk
//! loads and reads do not go through a read/write system call per page.
//!
//! One writer connection and a few reader connections; WAL lets the readers run alongside
//! the writer. All SQLite calls run on tokio's blocking pool.

mod accounts;
mod bulk;
mod cases;
mod changes;
mod deadlines;
mod histories;
mod read;
mod versions;
mod write;

use super::migrate::{Migration, SQLITE};
use super::{
    Account, AuditEntry, AuditQuery, NewAccount, NewAuditEntry, NewToken, SessionRow, TokenRow,
};
use super::{
    AreaQuery, BulkMsg, Counts, Dataset, DraftRow, DraftSave, GridQuery, GridRow, GridVersion,
    ImportSummary, IncidentQuery, Publish, Result, RetiredGrid, Store, StoreError, StoreKind,
};
use crate::domain::access::Login;
use crate::domain::{
    Building, Compound, GridCode, Incident, NewIncident, Officer, Road, ServiceCentre, StatusCounts,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const READERS: usize = 4;

pub struct SqliteStore {
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Vec<Mutex<Connection>>>,
    next_reader: AtomicUsize,
    origin: String,
}

fn configure(conn: &Connection, path: &str) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| StoreError::Open(format!("{path}: {e}")))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -65536;
         PRAGMA mmap_size = 268435456;
         PRAGMA temp_store = MEMORY;
         PRAGMA threads = 2;",
    )
    .map_err(|e| StoreError::Open(format!("{path}: {e}")))
}

fn apply_migrations(conn: &mut Connection, list: &[Migration]) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .map_err(|e| StoreError::db("creating schema_migrations", e))?;
    for m in list {
        let fail = |e: rusqlite::Error| StoreError::Migration {
            version: m.version,
            name: m.name.to_string(),
            reason: e.to_string(),
        };
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        let done: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [m.version],
                |r| r.get(0),
            )
            .map_err(fail)?;
        if !done {
            tx.execute_batch(m.sql).map_err(fail)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, datetime('now'))",
                rusqlite::params![m.version, m.name],
            )
            .map_err(fail)?;
            tracing::info!(
                version = m.version,
                name = m.name,
                "applied sqlite migration"
            );
        }
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies migrations.
    pub async fn open(path: &str) -> Result<SqliteStore> {
        let path = path.to_string();
        tokio::task::spawn_blocking(move || {
            if let Some(dir) = Path::new(&path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Open(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let mut writer =
                Connection::open(&path).map_err(|e| StoreError::Open(format!("{path}: {e}")))?;
            configure(&writer, &path)?;
            apply_migrations(&mut writer, SQLITE)?;
            let origin = super::changes::new_origin();
            changes::set_origin(&writer, &origin)?;
            let readers = (0..READERS)
                .map(|_| {
                    let c = Connection::open(&path)
                        .map_err(|e| StoreError::Open(format!("{path}: {e}")))?;
                    configure(&c, &path)?;
                    Ok(Mutex::new(c))
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(SqliteStore {
                writer: Arc::new(Mutex::new(writer)),
                readers: Arc::new(readers),
                next_reader: AtomicUsize::new(0),
                origin,
            })
        })
        .await
        .map_err(|e| StoreError::Open(format!("opening task failed: {e}")))?
    }

    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % readers.len();
        tokio::task::spawn_blocking(move || {
            let conn = readers[i].lock().map_err(|_| {
                StoreError::db("reading", "a reader connection was poisoned by a panic")
            })?;
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::db("reading", e))?
    }

    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        tokio::task::spawn_blocking(move || {
            let mut conn = writer.lock().map_err(|_| {
                StoreError::db("writing", "the writer connection was poisoned by a panic")
            })?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::db("writing", e))?
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_account(&self, a: &NewAccount) -> Result<Account> {
        let a = a.clone();
        self.write(move |c| accounts::create_account(c, &a)).await
    }
    async fn account(&self, login: &Login) -> Result<Option<Account>> {
        let login = login.clone();
        self.read(move |c| accounts::account(c, &login)).await
    }
    async fn accounts(&self) -> Result<Vec<Account>> {
        self.read(accounts::accounts).await
    }
    async fn set_password(&self, login: &Login, password_hash: &str) -> Result<bool> {
        let (login, hash) = (login.clone(), password_hash.to_string());
        self.write(move |c| accounts::set_password(c, &login, &hash))
            .await
    }
    async fn set_disabled(&self, login: &Login, disabled: bool) -> Result<bool> {
        let login = login.clone();
        self.write(move |c| accounts::set_disabled(c, &login, disabled))
            .await
    }
    async fn create_token(&self, t: &NewToken) -> Result<TokenRow> {
        let t = t.clone();
        self.write(move |c| accounts::create_token(c, &t)).await
    }
    async fn use_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<TokenRow>> {
        let hash = token_hash.to_string();
        self.write(move |c| accounts::use_token(c, &hash, now))
            .await
    }
    async fn revoke_token(&self, id: i64) -> Result<bool> {
        self.write(move |c| accounts::revoke_token(c, id)).await
    }
    async fn create_session(
        &self,
        id_hash: &str,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let h = id_hash.to_string();
        self.write(move |c| accounts::create_session(c, &h, account_id, now))
            .await
    }
    async fn use_session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(SessionRow, Account)>> {
        let h = id_hash.to_string();
        self.write(move |c| accounts::use_session(c, &h, now)).await
    }
    async fn delete_session(&self, id_hash: &str) -> Result<bool> {
        let h = id_hash.to_string();
        self.write(move |c| accounts::delete_session(c, &h)).await
    }
    async fn append_audit(&self, e: &NewAuditEntry) -> Result<i64> {
        let e = e.clone();
        self.write(move |c| accounts::append_audit(c, &e)).await
    }
    async fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let q = q.clone();
        self.read(move |c| accounts::audit(c, &q)).await
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Sqlite
    }

    fn origin(&self) -> &str {
        &self.origin
    }

    async fn changes_after(&self, after: i64, limit: u32) -> Result<Vec<super::Change>> {
        self.read(move |c| changes::changes_after(c, after, limit))
            .await
    }

    async fn last_change(&self) -> Result<i64> {
        self.read(changes::last_change).await
    }

    async fn import(&self, data: &Dataset) -> Result<ImportSummary> {
        data.check_unique()?;
        let data = data.clone();
        self.write(move |conn| write::import(conn, &data)).await
    }

    async fn counts(&self) -> Result<Counts> {
        self.read(|c| read::counts(c, true)).await
    }

    async fn city_counts(&self) -> Result<Counts> {
        self.read(|c| read::counts(c, false)).await
    }

    async fn grids(&self, q: &GridQuery) -> Result<Vec<GridRow>> {
        let q = q.clone();
        self.read(move |c| read::grids(c, &q)).await
    }

    async fn grid(&self, code: &GridCode) -> Result<Option<GridRow>> {
        let code = code.clone();
        self.read(move |c| read::grid(c, &code)).await
    }

    async fn compounds(&self, q: &AreaQuery) -> Result<Vec<Compound>> {
        let q = q.clone();
        self.read(move |c| read::compounds(c, &q)).await
    }

    async fn buildings(&self, q: &AreaQuery) -> Result<Vec<Building>> {
        let q = q.clone();
        self.read(move |c| read::buildings(c, &q)).await
    }

    async fn officers(&self, grid: Option<&GridCode>) -> Result<Vec<Officer>> {
        let grid = grid.cloned();
        self.read(move |c| read::officers(c, grid.as_ref())).await
    }

    async fn service_centres(&self) -> Result<Vec<ServiceCentre>> {
        self.read(read::service_centres).await
    }
    async fn roads(&self) -> Result<Vec<Road>> {
        self.read(read::roads).await
    }

    async fn versions(&self) -> Result<Vec<GridVersion>> {
        self.read(versions::versions).await
    }
    async fn retired_grids(&self) -> Result<Vec<RetiredGrid>> {
        self.read(versions::retired_grids).await
    }
    async fn publish(&self, p: &Publish) -> Result<GridVersion> {
        let p = p.clone();
        self.write(move |c| versions::publish(c, &p)).await
    }
    async fn create_draft(&self, d: &super::NewDraft) -> Result<DraftRow> {
        let d = d.clone();
        self.write(move |c| versions::create_draft(c, &d)).await
    }
    async fn drafts(&self) -> Result<Vec<DraftRow>> {
        self.read(versions::drafts).await
    }
    async fn draft(&self, id: i64) -> Result<Option<DraftRow>> {
        self.read(move |c| versions::draft(c, id)).await
    }
    async fn update_draft(&self, id: i64, state: &str, expected: i64) -> Result<DraftSave> {
        let state = state.to_string();
        self.write(move |c| versions::update_draft(c, id, &state, expected))
            .await
    }
    async fn delete_draft(&self, id: i64) -> Result<bool> {
        self.write(move |c| versions::delete_draft(c, id)).await
    }

    async fn rename_draft(&self, id: i64, name: &str) -> Result<bool> {
        let name = name.to_string();
        self.write(move |c| versions::rename_draft(c, id, &name))
            .await
    }

    async fn insert_incidents(&self, incidents: &[NewIncident]) -> Result<Vec<Incident>> {
        let incidents = incidents.to_vec();
        self.write(move |c| write::insert_incidents(c, incidents))
            .await
    }

    async fn insert_waiting(&self, waiting: Vec<super::Waiting>) -> Result<Vec<(usize, Incident)>> {
        self.write(move |c| {
            let flags: Vec<_> = waiting.iter().map(|w| w.gave_up.clone()).collect();
            let incidents = waiting.into_iter().map(|w| w.incident).collect();
            write::insert_incidents_if(c, incidents, |i| {
                !flags[i].load(std::sync::atomic::Ordering::SeqCst)
            })
        })
        .await
    }

    async fn bulk_incidents(&self, batches: tokio::sync::mpsc::Receiver<BulkMsg>) -> Result<u64> {
        self.write(move |c| bulk::load(c, batches)).await
    }

    async fn incidents(&self, q: &IncidentQuery) -> Result<Vec<Incident>> {
        let q = q.clone();
        self.read(move |c| read::incidents(c, &q)).await
    }

    async fn incident_status_counts(&self, grid: &GridCode) -> Result<StatusCounts> {
        let grid = grid.clone();
        self.read(move |c| read::incident_status_counts(c, &grid))
            .await
    }

    async fn put_case_histories(&self, cases: &[super::cases::CaseHistory]) -> Result<()> {
        let cases = cases.to_vec();
        self.write(move |c| histories::put_case_histories(c, &cases))
            .await
    }
    async fn deadlines(&self) -> Result<super::deadlines::StoredDeadlines> {
        self.read(deadlines::deadlines).await
    }
    async fn put_deadlines(&self, change: &super::deadlines::DeadlinesChange) -> Result<()> {
        let change = change.clone();
        self.write(move |c| deadlines::put_deadlines(c, &change))
            .await
    }
    async fn departments(&self) -> Result<Vec<super::cases::Department>> {
        self.read(cases::departments).await
    }
    async fn put_department(&self, d: &super::cases::Department) -> Result<()> {
        let d = d.clone();
        self.write(move |c| cases::put_department(c, &d)).await
    }
    async fn case_facts(&self, id: i64) -> Result<Option<super::cases::CaseFacts>> {
        self.read(move |c| cases::case_facts(c, id)).await
    }
    async fn transition(
        &self,
        t: &super::cases::Transition,
    ) -> Result<super::cases::TransitionSave> {
        let t = t.clone();
        self.write(move |c| cases::transition(c, &t)).await
    }
    async fn open_dues(&self) -> Result<Vec<(i64, chrono::DateTime<chrono::Utc>)>> {
        self.read(cases::open_dues).await
    }
    async fn case_history(&self, id: i64) -> Result<Vec<super::cases::CaseEvent>> {
        self.read(move |c| cases::history(c, id)).await
    }
    async fn outbox(
        &self,
        after: i64,
        limit: u32,
        reported_by: Option<String>,
    ) -> Result<Vec<super::cases::OutboxLine>> {
        self.read(move |c| cases::outbox(c, after, limit, reported_by))
            .await
    }
    async fn case_records(
        &self,
        q: &super::RecordQuery,
    ) -> Result<Vec<(i64, crate::domain::kpi::CaseRecord)>> {
        let q = q.clone();
        self.read(move |c| cases::case_records(c, &q)).await
    }
}
