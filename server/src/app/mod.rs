//! The application layer: the state and rules between HTTP (or the CLI) and the store.
//!
//! [`App`] owns the live engine and its swap (with a generation counter that changes on every
//! swap), the incident columns, group commit of single reports, bulk loads (one path for the
//! CLI and HTTP), drafts with optimistic concurrency, publishing, engines of earlier versions
//! (a bounded cache) and the per-grid metrics cache. Handlers parse, call [`App`] and
//! serialise; the next features (accounts, the case loop, the change feed) add their state
//! here. CPU-heavy engine builds always run off the async workers.

pub mod accounts;
pub mod auth;
pub mod bulk;
pub mod calendar;
pub mod cases;
pub mod columns;
pub mod drafts;
pub mod error;
pub mod feed;
pub mod group_commit;
pub mod history;
pub mod kpis;
pub mod metrics;
pub mod policy;
pub mod worked;

pub use error::AppError;
pub use group_commit::GroupCommit;

use crate::domain::{Dataset, Incident, NewIncident};
use crate::engine::heat::HeatLoader;
use crate::engine::kpi::KpiIndex;
use crate::engine::Engine;
use crate::store::{IncidentQuery, RecordQuery, Store, StoreError, StoreKind};
use columns::IncidentColumns;
use history::VersionEngines;
use metrics::MetricsCache;
use std::sync::{Arc, RwLock};

/// The engine in service and its generation, swapped whole: readers take an `Arc` and keep
/// the version they started with, so a swap never pauses a lookup.
struct Live(RwLock<(u64, Arc<Engine>)>);

impl Live {
    fn current(&self) -> (u64, Arc<Engine>) {
        let g = self.0.read().unwrap_or_else(|p| p.into_inner());
        (g.0, Arc::clone(&g.1))
    }

    fn replace(&self, engine: Arc<Engine>) {
        let mut g = self.0.write().unwrap_or_else(|p| p.into_inner());
        *g = (g.0 + 1, engine);
    }
}

/// Everything a request or a CLI command works through: one shared [`AppParts`], so a clone
/// (one per request, by axum's `State`) is one reference count, not one per part.
#[derive(Clone)]
pub struct App(Arc<AppParts>);

impl std::ops::Deref for App {
    type Target = AppParts;
    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// What [`App`] holds.
pub struct AppParts {
    pub store: Arc<dyn Store>,
    live: Arc<Live>,
    columns: Arc<IncidentColumns>,
    intake: GroupCommit,
    /// Held while a draft is published, so publishes and engine swaps run one at a time.
    publishing: Arc<tokio::sync::Mutex<()>>,
    history: Arc<VersionEngines>,
    metrics: Arc<MetricsCache>,
    /// Failed logins, for the brute-force limit (per server).
    failures: Arc<auth::Failures>,
    /// Sessions and tokens checked a moment ago (see `auth::RECHECK`).
    known: Arc<auth::Known>,
    /// Held while a 12345 order is looked up and stored, so one order makes one case.
    pub hotline: tokio::sync::Mutex<()>,
    /// The working calendar and time limits deadlines are counted on.
    deadlines: calendar::InForce,
    /// Where this server is in the store's change log.
    pub feed: feed::Feed,
    /// The store's counts as last read (shown by the health check while it is unreachable).
    counts: std::sync::Mutex<Option<crate::store::Counts>>,
    /// Incidents read from the store at once when indexing them (start-up, bulk loads, other
    /// servers' loads).
    chunk: u32,
}

/// Builds an engine off the async workers (it takes a CPU for a fraction of a second).
pub async fn build_engine(data: Dataset, what: &str) -> Result<Arc<Engine>, AppError> {
    tokio::task::spawn_blocking(move || Arc::new(Engine::build(&data)))
        .await
        .map_err(|e| AppError::Internal(format!("building the engine of {what}: {e}")))
}

/// How many incidents start-up reads from the store at once.
const LOAD_CHUNK: u32 = 100_000;

/// Reads every stored incident and case history a chunk of ids at a time into the density
/// index and the KPI index: memory holds one chunk of store rows besides the indexes
/// (reading them all at once took 3.8 GB at its peak for 1M worked cases).
async fn load_incidents(
    store: &dyn Store,
    calendar: &crate::domain::calendar::WorkCalendar,
    chunk: u32,
) -> Result<(crate::engine::heat::Heat, KpiIndex), StoreError> {
    let (mut heat, mut kpi) = (HeatLoader::default(), KpiIndex::default());
    let mut after = None;
    loop {
        let rows = store
            .incidents(&IncidentQuery {
                everything: true,
                after_id: after,
                limit: Some(chunk),
                ..Default::default()
            })
            .await?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            break;
        };
        let ids = (first.id, last.id);
        heat.add(&rows);
        let full = rows.len() >= chunk as usize;
        drop(rows);
        let records = store
            .case_records(&RecordQuery {
                ids: Some(ids),
                ..Default::default()
            })
            .await?;
        for (id, record) in &records {
            kpi.put(*id, record, calendar);
        }
        tracing::debug!(incidents = heat.len(), "incidents read");
        if !full {
            break;
        }
        after = Some(ids.1);
    }
    Ok((heat.finish(), kpi))
}

impl App {
    /// Builds the engine and the incident columns from what the store holds and starts the
    /// incident writers.
    pub async fn load(store: Arc<dyn Store>) -> Result<App, StoreError> {
        App::load_by(store, LOAD_CHUNK).await
    }

    /// [`App::load`] reading `chunk` incidents from the store at once.
    pub async fn load_by(store: Arc<dyn Store>, chunk: u32) -> Result<App, StoreError> {
        // Read before the state: a change committed while the state is read is applied
        // again afterwards (harmless), never missed.
        let seen = store.last_change().await?;
        let data = crate::store::export_dataset(&*store).await?;
        let engine = build_engine(data, "the live city")
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tracing::info!(sizes = ?engine.sizes(), "spatial engine built (grids per level, compounds, buildings)");
        let deadlines = calendar::from_stored(store.deadlines().await?)?;
        let chunk = chunk.max(1);
        let (heat, kpi) = load_incidents(&*store, &deadlines.calendar, chunk).await?;
        let columns = Arc::new(IncidentColumns::new(heat, kpi));
        // Once grids have been redrawn, incidents also count under the grids in force now.
        if store.versions().await?.len() > 1 {
            columns.refile(&engine);
        }
        columns.set_dues(&store.open_dues().await?);
        tracing::info!(incidents = columns.read().len(), "incident columns built");
        let writers = match store.kind() {
            StoreKind::Sqlite => 1,
            StoreKind::Postgis => 8,
        };
        let app = App(Arc::new(AppParts {
            intake: GroupCommit::start(store.clone(), writers, columns.clone()),
            live: Arc::new(Live(RwLock::new((1, engine)))),
            columns,
            publishing: Arc::default(),
            history: Arc::default(),
            metrics: Arc::default(),
            failures: Arc::default(),
            known: Arc::default(),
            deadlines: calendar::InForce::new(deadlines),
            hotline: tokio::sync::Mutex::new(()),
            feed: feed::Feed::at(seen),
            counts: Default::default(),
            chunk,
            store,
        }));
        feed::start(&app);
        Ok(app)
    }

    /// The engine in service.
    pub fn engine(&self) -> Arc<Engine> {
        self.live.current().1
    }

    /// Changes every time the engine is swapped (a publish or a re-import).
    pub fn generation(&self) -> u64 {
        self.live.current().0
    }

    /// Keeps the store's counts as last read.
    pub fn remember_counts(&self, c: crate::store::Counts) {
        *self.counts.lock().unwrap_or_else(|p| p.into_inner()) = Some(c);
    }

    /// The store's counts as last read.
    pub fn last_counts(&self) -> Option<crate::store::Counts> {
        *self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The incidents in memory.
    pub fn incidents(&self) -> &IncidentColumns {
        &self.columns
    }

    /// Stores one report; returns once it is durable (and counted in tiles and statistics).
    pub async fn report(&self, incident: NewIncident) -> Result<Incident, StoreError> {
        self.intake.submit(incident).await
    }

    /// Rebuilds the engine from the store, swaps it in and refiles every incident under the
    /// grids now in force.
    pub async fn reload_city(&self) -> Result<(), AppError> {
        let data = crate::store::export_dataset(&*self.store).await?;
        let engine = build_engine(data, "the live city").await?;
        self.live.replace(Arc::clone(&engine));
        let columns = self.columns.clone();
        tokio::task::spawn_blocking(move || columns.refile(&engine))
            .await
            .map_err(|e| AppError::Internal(format!("refiling incidents: {e}")))
    }
}
