//! The HTTP API (axum): one module per resource, one error type ([`AppError`]), and the
//! built frontend served from a directory. [`app`] builds the router so tests can call it
//! directly (`tower::ServiceExt::oneshot`) or on port 0.

mod buildings;
mod compounds;
pub mod error;
mod features;
mod grids;
mod health;

pub use error::AppError;

use crate::store::Store;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
}

/// Router options.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Directory of the built frontend (`web/dist`); `None` serves the API only.
    pub web_dir: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            web_dir: None,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

async fn api_not_found(axum::extract::OriginalUri(uri): axum::extract::OriginalUri) -> AppError {
    AppError::NotFound(format!("no API endpoint at {}", uri.path()))
}

/// The whole application.
pub fn app(state: AppState, options: &HttpOptions) -> Router {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/grids", get(grids::list))
        .route("/grids/{code}", get(grids::detail))
        .route("/compounds", get(compounds::list))
        .route("/buildings", get(buildings::list))
        .fallback(api_not_found)
        .with_state(state);
    let mut router = Router::new().nest("/api", api);
    if let Some(dir) = &options.web_dir {
        let index = dir.join("index.html");
        router = router.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)));
    }
    router
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(TraceLayer::new_for_http())
}
