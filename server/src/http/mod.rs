//! The HTTP API (axum): one module per resource, one error type ([`AppError`]), and the
//! built frontend served from a directory. [`app`] builds the router so tests can call it
//! directly (`tower::ServiceExt::oneshot`) or on port 0.

pub mod basemap;
mod buildings;
mod compounds;
mod draft_ops;
mod drafts;
pub mod error;
mod features;
mod grids;
mod health;
mod incidents;
mod locate;
pub mod mvt;
mod plan;
pub mod stats;
pub mod tiles;
mod versions;

pub use error::AppError;

use crate::engine::heat::Heat;
use crate::engine::{Current, Engine};
use crate::intake::GroupCommit;
use crate::store::{Store, StoreError, StoreKind};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The spatial engine built from the store's city.
    pub engine: Arc<Current>,
    /// Single incident reports queue here for group commit.
    pub intake: GroupCommit,
    /// Incidents in memory for density tiles and per-grid counts.
    pub heat: Arc<RwLock<Heat>>,
    /// Per-grid metrics by level and filter, with the incident version they were made at.
    pub stats_cache: Arc<std::sync::Mutex<StatsCache>>,
    /// Held while a draft is published, so publishes and engine swaps run one at a time.
    pub publishing: Arc<tokio::sync::Mutex<()>>,
    /// Engines of earlier versions, built when `locate?at=` first asks for them.
    pub history: Arc<std::sync::Mutex<std::collections::HashMap<i64, Arc<Engine>>>>,
}

/// Cached metric rows: key → (incident version, rows).
pub type StatsCache = std::collections::HashMap<String, (u64, Arc<Vec<stats::Row>>)>;

impl AppState {
    /// Builds the engine from what the store holds and starts the incident writers.
    pub async fn load(store: Arc<dyn Store>) -> Result<AppState, StoreError> {
        let data = crate::store::export_dataset(&*store).await?;
        let engine = Engine::build(&data);
        tracing::info!(sizes = ?engine.sizes(), "spatial engine built (grids per level, compounds, buildings)");
        let stored = store
            .incidents(&crate::store::IncidentQuery {
                everything: true,
                ..Default::default()
            })
            .await?;
        let heat = Arc::new(RwLock::new(Heat::from_stored(&stored)));
        drop(stored);
        // Once grids have been redrawn, incidents also count under the grids in force now.
        if store.versions().await?.len() > 1 {
            refile(&heat, &engine);
        }
        tracing::info!(incidents = read(&heat).len(), "incident columns built");
        let writers = match store.kind() {
            StoreKind::Sqlite => 1,
            StoreKind::Postgis => 8,
        };
        Ok(AppState {
            intake: GroupCommit::start(store.clone(), writers, heat.clone()),
            engine: Arc::new(Current::new(engine)),
            heat,
            stats_cache: Arc::default(),
            publishing: Arc::default(),
            history: Arc::default(),
            store,
        })
    }
}

/// Router options.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Directory of the built frontend (`web/dist`); `None` serves the API only.
    pub web_dir: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest bulk upload accepted, in bytes (bulk bodies are streamed, not buffered).
    pub max_bulk_bytes: u64,
    /// A third-party basemap offered to the frontend (`--basemap-url`).
    pub basemap: basemap::Configured,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            web_dir: None,
            max_body_bytes: 16 * 1024 * 1024,
            max_bulk_bytes: 1 << 30,
            basemap: basemap::Configured::default(),
        }
    }
}

/// Reads the incident columns (a poisoned lock still holds consistent columns: every
/// change to them is a single push or a swap).
pub fn read(heat: &RwLock<Heat>) -> RwLockReadGuard<'_, Heat> {
    heat.read().unwrap_or_else(|p| p.into_inner())
}

/// Files every incident under the grids of `engine` (the version in force).
pub fn refile(heat: &RwLock<Heat>, engine: &Engine) {
    write(heat).refile(|lng, lat| match crate::domain::Wgs84Point::new(lng, lat) {
        Ok(p) => engine.assign(p).grids,
        Err(_) => crate::domain::GridPath::default(),
    });
}

/// Writes the incident columns.
pub fn write(heat: &RwLock<Heat>) -> RwLockWriteGuard<'_, Heat> {
    heat.write().unwrap_or_else(|p| p.into_inner())
}

/// The bulk endpoint's own size limit.
#[derive(Clone, Copy)]
pub struct BulkLimit(pub u64);

async fn api_not_found(axum::extract::OriginalUri(uri): axum::extract::OriginalUri) -> AppError {
    AppError::NotFound(format!("no API endpoint at {}", uri.path()))
}

/// The whole application.
pub fn app(state: AppState, options: &HttpOptions) -> Router {
    let api = Router::new()
        .route("/health", get(health::health))
        .route(
            "/basemap",
            get(basemap::configured).layer(axum::Extension(options.basemap.clone())),
        )
        .route("/basemap/check", get(basemap::check))
        .route("/grids", get(grids::list))
        .route("/grids/{code}", get(grids::detail))
        .route("/compounds", get(compounds::list))
        .route("/buildings", get(buildings::list))
        .route("/locate", get(locate::locate))
        .route("/stats/grids", get(stats::grids))
        .route("/coverage", get(stats::coverage))
        .route("/plan/oversized", get(plan::oversized))
        .route("/plan/split", post(plan::split))
        .route("/drafts", get(drafts::list).post(drafts::create))
        .route("/drafts/{id}", get(drafts::show).delete(drafts::remove))
        .route("/drafts/{id}/split", post(draft_ops::split))
        .route("/drafts/{id}/merge", post(draft_ops::merge_grids))
        .route("/drafts/{id}/fix", post(draft_ops::fix))
        .route("/drafts/{id}/balance", post(draft_ops::balance))
        .route("/drafts/{id}/cut", post(draft_ops::cut))
        .route("/drafts/{id}/move", post(draft_ops::move_units))
        .route("/drafts/{id}/undo", post(drafts::undo))
        .route("/drafts/{id}/redo", post(drafts::redo))
        .route("/drafts/{id}/validate", get(drafts::validate_draft))
        .route("/drafts/{id}/publish", post(drafts::publish))
        .route("/versions", get(versions::versions))
        .route("/incidents", get(incidents::list).post(incidents::create))
        .route(
            "/incidents/bulk",
            post(incidents::bulk).layer(axum::Extension(BulkLimit(options.max_bulk_bytes))),
        )
        .fallback(api_not_found)
        .with_state(state.clone());
    let tiles = Router::new()
        .route("/density/{z}/{x}/{y}", get(tiles::density))
        .route("/grids/{z}/{x}/{y}", get(tiles::grids))
        .route("/roads/{z}/{x}/{y}", get(tiles::roads))
        .with_state(state.clone());
    let mut router = Router::new().nest("/api", api).nest("/tiles", tiles);
    if let Some(dir) = &options.web_dir {
        let index = dir.join("index.html");
        router = router.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)));
    }
    router
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(TraceLayer::new_for_http())
}
