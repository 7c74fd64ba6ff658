//! The HTTP API (axum): one module per resource, each parsing its request, calling the
//! application layer ([`App`]) and serialising the answer; one error type ([`AppError`]);
//! and the built frontend served from a directory. [`app`] builds the router so tests can
//! call it directly (`tower::ServiceExt::oneshot`) or on port 0.

mod audit;
pub mod basemap;
mod buildings;
mod compounds;
pub mod contract;
mod draft_ops;
mod drafts;
pub mod error;
mod features;
mod grids;
mod health;
mod incidents;
mod locate;
pub mod mvt;
pub mod params;
mod plan;
pub mod session;
pub mod stats;
pub mod tiles;
mod versions;

pub use crate::app::App;
pub use error::AppError;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

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
    /// Mark session cookies Secure (the server is reached over https).
    pub secure_cookies: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            web_dir: None,
            max_body_bytes: 16 * 1024 * 1024,
            max_bulk_bytes: 1 << 30,
            basemap: basemap::Configured::default(),
            secure_cookies: false,
        }
    }
}

/// The bulk endpoint's own size limit.
#[derive(Clone, Copy)]
pub struct BulkLimit(pub u64);

async fn api_not_found(axum::extract::OriginalUri(uri): axum::extract::OriginalUri) -> AppError {
    AppError::NotFound(format!("no API endpoint at {}", uri.path()))
}

/// The whole application.
pub fn app(state: App, options: &HttpOptions) -> Router {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/audit", get(audit::list))
        .route(
            "/session",
            get(session::current)
                .post(session::login)
                .delete(session::logout)
                .layer(axum::Extension(session::SecureCookies(
                    options.secure_cookies,
                ))),
        )
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
