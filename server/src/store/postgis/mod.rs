//! The production store: PostgreSQL + PostGIS (≥ 3) through `tokio-postgres` and a
//! `deadpool-postgres` pool. Geometry lives in real `geometry(MultiPolygon,4326)` and
//! `geometry(Point,4326)` columns with GiST indexes; values cross the wire as EWKB through
//! the `postgis` crate's types. On connect it checks that PostGIS is there (creating the
//! extension if it may) and applies `migrations/postgis/`.

mod accounts;
mod bulk;
mod cases;
mod changes;
mod deadlines;
mod geom;
mod histories;
mod read;
mod versions;
mod write;

use super::migrate::POSTGIS;
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
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::NoTls;

pub struct PostgisStore {
    pool: Pool,
    /// The connection settings, for the change listener's own connection.
    config: tokio_postgres::Config,
    /// This store's id, sent as the connections' `application_name`.
    origin: String,
    /// Woken by the change listener, started on first use.
    signal: std::sync::OnceLock<Arc<tokio::sync::Notify>>,
    /// Whether the change listener is listening now.
    listening: Arc<std::sync::atomic::AtomicBool>,
}

/// How long a request waits for a pooled connection, and a new connection for the server,
/// before the store answers [`StoreError::Unavailable`]: a database that does not answer
/// gives a 503 within about five seconds rather than a hung request. (A stopped database
/// refuses at once, so that 503 is immediate.) One second was too short: on a busy 2-core
/// machine a new backend for a fresh database took longer, and a request got a 503 while
/// the database was fine (seen in CI).
const POOL_WAIT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long opening the store keeps trying when connecting *times out* (a busy or still
/// starting server); a refusal or a bad password fails at once.
const OPEN_PATIENCE: Duration = Duration::from_secs(20);

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The major version of a PostGIS version string such as "3.3.2" or "3.4 USE_GEOS=1".
fn postgis_major(version: &str) -> Option<u32> {
    version.split(['.', ' ']).next()?.parse().ok()
}

impl PostgisStore {
    /// Connects, checks PostGIS ≥ 3 and applies migrations.
    pub async fn connect(url: &str) -> Result<PostgisStore> {
        let shown = redact(url);
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Open(format!("{shown}: {e}")))?;
        let origin = super::changes::new_origin();
        config
            .application_name(&origin)
            .connect_timeout(CONNECT_TIMEOUT)
            .keepalives_idle(Duration::from_secs(10));
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Open(format!("{shown}: {e}")))?;
        let started = std::time::Instant::now();
        let mut client = loop {
            match pool.get().await {
                Ok(c) => break c,
                Err(deadpool_postgres::PoolError::Timeout(_))
                    if started.elapsed() < OPEN_PATIENCE =>
                {
                    tracing::warn!(url = %shown, "connecting to PostgreSQL timed out; trying again");
                }
                Err(e) => {
                    return Err(StoreError::Open(format!(
                        "cannot connect to {shown} (tried for {:.1} s): {e}",
                        started.elapsed().as_secs_f64()
                    )))
                }
            }
        };
        check_postgis(&client, &shown).await?;
        migrate(&mut client).await?;
        drop(client);
        Ok(PostgisStore {
            pool,
            config,
            origin,
            signal: std::sync::OnceLock::new(),
            listening: Arc::default(),
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| {
            let context = "taking a connection from the pool";
            match e {
                deadpool_postgres::PoolError::Backend(e) => read::pg_error(context, &e),
                deadpool_postgres::PoolError::Timeout(_) => StoreError::Unavailable {
                    context: context.into(),
                    reason: "no connection to PostgreSQL could be had in time".into(),
                },
                other => StoreError::db(context, other),
            }
        })
    }

    /// Whether the change listener is connected and listening.
    pub fn listening(&self) -> bool {
        self.listening.load(std::sync::atomic::Ordering::Acquire)
    }
}

async fn check_postgis(client: &tokio_postgres::Client, url: &str) -> Result<()> {
    let no = |reason: String| StoreError::NoPostgis {
        url: url.to_string(),
        reason,
    };
    let installed = client
        .query_opt(
            "SELECT extversion FROM pg_extension WHERE extname = 'postgis'",
            &[],
        )
        .await
        .map_err(|e| no(format!("cannot read pg_extension: {e}")))?;
    if installed.is_none() {
        client
            .batch_execute("CREATE EXTENSION IF NOT EXISTS postgis")
            .await
            .map_err(|e| {
                no(format!(
                    "the PostGIS extension is not installed in this database and could not be created ({}); \
                     install PostGIS 3 on the server (Debian: postgresql-15-postgis-3) and run \
                     CREATE EXTENSION postgis as a superuser",
                    e.as_db_error().map(|d| d.message().to_string()).unwrap_or_else(|| e.to_string())
                ))
            })?;
        tracing::info!("created the postgis extension");
    }
    let version: String = client
        .query_one("SELECT postgis_lib_version()", &[])
        .await
        .map_err(|e| no(format!("postgis_lib_version() failed: {e}")))?
        .get(0);
    match postgis_major(&version) {
        Some(m) if m >= 3 => {
            tracing::info!(%version, "PostGIS found");
            Ok(())
        }
        _ => Err(no(format!(
            "PostGIS {version} is too old; gridd needs PostGIS 3 or newer"
        ))),
    }
}

/// Applies missing migrations, each in its own transaction, under an advisory lock so two
/// servers starting together don't both apply one.
async fn migrate(client: &mut tokio_postgres::Client) -> Result<()> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await
        .map_err(|e| read::pg_error("creating schema_migrations", &e))?;
    for m in POSTGIS {
        let fail = |e: tokio_postgres::Error| StoreError::Migration {
            version: m.version,
            name: m.name.to_string(),
            reason: e
                .as_db_error()
                .map(|d| d.to_string())
                .unwrap_or_else(|| e.to_string()),
        };
        let tx = client.transaction().await.map_err(fail)?;
        tx.execute("SELECT pg_advisory_xact_lock(7246001)", &[])
            .await
            .map_err(fail)?;
        let done: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)",
                &[&m.version],
            )
            .await
            .map_err(fail)?
            .get(0);
        if !done {
            tx.batch_execute(m.sql).await.map_err(fail)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&m.version, &m.name],
            )
            .await
            .map_err(fail)?;
            tracing::info!(
                version = m.version,
                name = m.name,
                "applied postgis migration"
            );
        }
        tx.commit().await.map_err(fail)?;
    }
    Ok(())
}

#[async_trait]
impl Store for PostgisStore {
    async fn create_account(&self, a: &NewAccount) -> Result<Account> {
        accounts::create_account(&*self.client().await?, a).await
    }
    async fn account(&self, login: &Login) -> Result<Option<Account>> {
        accounts::account(&*self.client().await?, login).await
    }
    async fn accounts(&self) -> Result<Vec<Account>> {
        accounts::accounts(&*self.client().await?).await
    }
    async fn set_password(&self, login: &Login, password_hash: &str) -> Result<bool> {
        accounts::set_password(&*self.client().await?, login, password_hash).await
    }
    async fn set_disabled(&self, login: &Login, disabled: bool) -> Result<bool> {
        accounts::set_disabled(&*self.client().await?, login, disabled).await
    }
    async fn create_token(&self, t: &NewToken) -> Result<TokenRow> {
        accounts::create_token(&*self.client().await?, t).await
    }
    async fn use_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<TokenRow>> {
        accounts::use_token(&*self.client().await?, token_hash, now).await
    }
    async fn revoke_token(&self, id: i64) -> Result<bool> {
        accounts::revoke_token(&*self.client().await?, id).await
    }
    async fn create_session(
        &self,
        id_hash: &str,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accounts::create_session(&*self.client().await?, id_hash, account_id, now).await
    }
    async fn use_session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(SessionRow, Account)>> {
        accounts::use_session(&*self.client().await?, id_hash, now).await
    }
    async fn delete_session(&self, id_hash: &str) -> Result<bool> {
        accounts::delete_session(&*self.client().await?, id_hash).await
    }
    async fn append_audit(&self, e: &NewAuditEntry) -> Result<i64> {
        accounts::append_audit(&*self.client().await?, e).await
    }
    async fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        accounts::audit(&*self.client().await?, q).await
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Postgis
    }

    fn origin(&self) -> &str {
        &self.origin
    }

    async fn changes_after(&self, after: i64, limit: u32) -> Result<Vec<super::Change>> {
        changes::changes_after(&**self.client().await?, after, limit).await
    }

    async fn last_change(&self) -> Result<i64> {
        changes::last_change(&**self.client().await?).await
    }

    fn change_signal(&self) -> Option<Arc<tokio::sync::Notify>> {
        let signal = self.signal.get_or_init(|| {
            let signal = Arc::new(tokio::sync::Notify::new());
            tokio::spawn(changes::listen(
                self.config.clone(),
                Arc::downgrade(&signal),
                self.listening.clone(),
            ));
            signal
        });
        Some(signal.clone())
    }

    async fn import(&self, data: &Dataset) -> Result<ImportSummary> {
        data.check_unique()?;
        let mut c = self.client().await?;
        write::import(&mut c, data).await
    }

    async fn counts(&self) -> Result<Counts> {
        read::counts(&*self.client().await?, true).await
    }

    async fn city_counts(&self) -> Result<Counts> {
        read::counts(&*self.client().await?, false).await
    }

    async fn grids(&self, q: &GridQuery) -> Result<Vec<GridRow>> {
        read::grids(&*self.client().await?, q).await
    }

    async fn grid(&self, code: &GridCode) -> Result<Option<GridRow>> {
        read::grid(&*self.client().await?, code).await
    }

    async fn compounds(&self, q: &AreaQuery) -> Result<Vec<Compound>> {
        read::compounds(&*self.client().await?, q).await
    }

    async fn buildings(&self, q: &AreaQuery) -> Result<Vec<Building>> {
        read::buildings(&*self.client().await?, q).await
    }

    async fn officers(&self, grid: Option<&GridCode>) -> Result<Vec<Officer>> {
        read::officers(&*self.client().await?, grid).await
    }

    async fn service_centres(&self) -> Result<Vec<ServiceCentre>> {
        read::service_centres(&*self.client().await?).await
    }
    async fn roads(&self) -> Result<Vec<Road>> {
        read::roads(&*self.client().await?).await
    }

    async fn versions(&self) -> Result<Vec<GridVersion>> {
        versions::versions(&*self.client().await?).await
    }
    async fn retired_grids(&self) -> Result<Vec<RetiredGrid>> {
        versions::retired_grids(&*self.client().await?).await
    }
    async fn publish(&self, p: &Publish) -> Result<GridVersion> {
        let mut c = self.client().await?;
        versions::publish(&mut c, p).await
    }
    async fn create_draft(&self, d: &super::NewDraft) -> Result<DraftRow> {
        versions::create_draft(&*self.client().await?, d).await
    }
    async fn drafts(&self) -> Result<Vec<DraftRow>> {
        versions::drafts(&*self.client().await?).await
    }
    async fn draft(&self, id: i64) -> Result<Option<DraftRow>> {
        versions::draft(&*self.client().await?, id).await
    }
    async fn update_draft(&self, id: i64, state: &str, expected: i64) -> Result<DraftSave> {
        versions::update_draft(&*self.client().await?, id, state, expected).await
    }
    async fn delete_draft(&self, id: i64) -> Result<bool> {
        versions::delete_draft(&*self.client().await?, id).await
    }

    async fn rename_draft(&self, id: i64, name: &str) -> Result<bool> {
        versions::rename_draft(&*self.client().await?, id, name).await
    }

    async fn insert_incidents(&self, incidents: &[NewIncident]) -> Result<Vec<Incident>> {
        let mut c = self.client().await?;
        write::insert_incidents(&mut c, incidents).await
    }

    async fn insert_waiting(&self, waiting: Vec<super::Waiting>) -> Result<Vec<(usize, Incident)>> {
        let mut c = self.client().await?;
        // Asked once a connection is ours: the wait for one is where a busy store keeps a
        // report (PostgreSQL's row writes do not wait on one another).
        let (index, incidents): (Vec<usize>, Vec<NewIncident>) = waiting
            .into_iter()
            .enumerate()
            .filter(|(_, w)| w.wanted())
            .map(|(i, w)| (i, w.incident))
            .unzip();
        if incidents.is_empty() {
            return Ok(Vec::new());
        }
        let stored = write::insert_incidents(&mut c, &incidents).await?;
        Ok(index.into_iter().zip(stored).collect())
    }

    async fn bulk_incidents(&self, batches: tokio::sync::mpsc::Receiver<BulkMsg>) -> Result<u64> {
        let mut c = self.client().await?;
        bulk::load(&mut c, batches).await
    }

    async fn incidents(&self, q: &IncidentQuery) -> Result<Vec<Incident>> {
        read::incidents(&*self.client().await?, q).await
    }

    async fn incident_status_counts(&self, grid: &GridCode) -> Result<StatusCounts> {
        read::incident_status_counts(&*self.client().await?, grid).await
    }
    async fn put_case_histories(&self, cases: &[super::cases::CaseHistory]) -> Result<()> {
        let mut c = self.client().await?;
        histories::put_case_histories(&mut c, cases).await
    }
    async fn deadlines(&self) -> Result<super::deadlines::StoredDeadlines> {
        deadlines::deadlines(&*self.client().await?).await
    }
    async fn put_deadlines(&self, change: &super::deadlines::DeadlinesChange) -> Result<()> {
        let mut c = self.client().await?;
        deadlines::put_deadlines(&mut c, change).await
    }
    async fn departments(&self) -> Result<Vec<super::cases::Department>> {
        cases::departments(&*self.client().await?).await
    }
    async fn put_department(&self, d: &super::cases::Department) -> Result<()> {
        cases::put_department(&*self.client().await?, d).await
    }
    async fn case_facts(&self, id: i64) -> Result<Option<super::cases::CaseFacts>> {
        cases::case_facts(&*self.client().await?, id).await
    }
    async fn transition(
        &self,
        t: &super::cases::Transition,
    ) -> Result<super::cases::TransitionSave> {
        let mut c = self.client().await?;
        cases::transition(&mut c, t).await
    }
    async fn open_dues(&self) -> Result<Vec<(i64, chrono::DateTime<chrono::Utc>)>> {
        cases::open_dues(&*self.client().await?).await
    }
    async fn case_history(&self, id: i64) -> Result<Vec<super::cases::CaseEvent>> {
        cases::history(&*self.client().await?, id).await
    }
    async fn outbox(
        &self,
        after: i64,
        limit: u32,
        reported_by: Option<String>,
    ) -> Result<Vec<super::cases::OutboxLine>> {
        cases::outbox(&*self.client().await?, after, limit, reported_by).await
    }
    async fn case_records(
        &self,
        q: &super::RecordQuery,
    ) -> Result<Vec<(i64, crate::domain::kpi::CaseRecord)>> {
        cases::case_records(&*self.client().await?, q).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn postgis_versions_are_read_by_major_number() {
        assert_eq!(postgis_major("3.3.2"), Some(3));
        assert_eq!(postgis_major("2.5 USE_GEOS=1"), Some(2));
        assert_eq!(postgis_major("x"), None);
    }
}
