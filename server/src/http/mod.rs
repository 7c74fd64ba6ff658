//! The HTTP API (axum): one module per resource, each parsing its request, calling the
//! application layer ([`App`]) and serialising the answer; one error type ([`AppError`]);
//! and the built frontend served from a directory. [`app`] builds the router so tests can
//! call it directly (`tower::ServiceExt::oneshot`) or on port 0.

mod audit;
pub mod basemap;
mod buildings;
mod calendar;
mod cases;
mod compounds;
pub mod contract;
mod draft_ops;
mod draft_staff;
mod drafts;
pub mod error;
pub(crate) mod features;
mod grids;
mod guard;
mod health;
pub(crate) mod incident_list;
pub(crate) mod incidents;
mod kpis;
pub mod listen;
mod locate;
pub mod mvt;
mod ogc;
pub(crate) mod open311;
pub mod openapi;
pub mod params;
mod plan;
pub mod session;
pub mod stats;
pub mod tiles;
mod versions;
mod wall;

pub use crate::app::App;
pub use error::AppError;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{delete, get, patch, post, put, MethodRouter};
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
    /// How long an upload's body may stop arriving before it is refused (408).
    pub body_idle: std::time::Duration,
    /// Host names answered (`--allowed-hosts`); empty: all.
    pub allowed_hosts: Vec<String>,
    /// Incident rows all listings may hold at once (`--listing-rows`).
    pub listing_rows: u32,
    /// How long a listing waits for rows before it is answered 503.
    pub listing_wait: std::time::Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            web_dir: None,
            max_body_bytes: 16 * 1024 * 1024,
            max_bulk_bytes: 1 << 30,
            basemap: basemap::Configured::default(),
            secure_cookies: false,
            body_idle: std::time::Duration::from_secs(30),
            allowed_hosts: Vec::new(),
            listing_rows: 40_000,
            listing_wait: std::time::Duration::from_secs(10),
        }
    }
}

/// The bulk endpoint's own limits: its size, and how long its body may stop arriving.
#[derive(Clone, Copy)]
pub struct BulkLimit {
    pub bytes: u64,
    pub idle: std::time::Duration,
}

async fn api_not_found(axum::extract::OriginalUri(uri): axum::extract::OriginalUri) -> AppError {
    AppError::NotFound(format!("no API endpoint at {}", uri.path()))
}

/// A router under construction that remembers every method and path it registers, so the
/// route-list test can hold them against the policy table.
struct Routes {
    prefix: &'static str,
    router: Router<App>,
    listed: Vec<(&'static str, String)>,
}

impl Routes {
    fn new(prefix: &'static str) -> Routes {
        Routes {
            prefix,
            router: Router::new(),
            listed: Vec::new(),
        }
    }

    fn add(mut self, method: &'static str, path: &str, route: MethodRouter<App>) -> Routes {
        self.router = self.router.route(path, route);
        self.listed.push((method, format!("{}{path}", self.prefix)));
        self
    }

    fn get<H: Handler<T, App>, T: 'static>(self, path: &str, h: H) -> Routes {
        self.add("GET", path, get(h))
    }

    /// A GET route that takes no query parameters (any is refused with a 400).
    fn get_bare<H: Handler<T, App>, T: 'static>(self, path: &str, h: H) -> Routes {
        self.add("GET", path, bare(get(h)))
    }

    /// POST routes take no query parameters (their input is the body).
    fn post<H: Handler<T, App>, T: 'static>(self, path: &str, h: H) -> Routes {
        self.add("POST", path, bare(post(h)))
    }

    fn put<H: Handler<T, App>, T: 'static>(self, path: &str, h: H) -> Routes {
        self.add("PUT", path, bare(put(h)))
    }

    fn delete<H: Handler<T, App>, T: 'static>(self, path: &str, h: H) -> Routes {
        self.add("DELETE", path, bare(delete(h)))
    }

    fn patch<H: Handler<T, App>, T: 'static>(self, path: &str, h: H) -> Routes {
        self.add("PATCH", path, bare(patch(h)))
    }
}

/// Refuses query parameters on a route that reads none (they would be silently ignored).
fn bare(route: MethodRouter<App>) -> MethodRouter<App> {
    route.route_layer(axum::middleware::from_fn(no_query))
}

async fn no_query(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<axum::response::Response, AppError> {
    if let Some(q) = req.uri().query().filter(|q| !q.is_empty()) {
        let shown: String = q.chars().take(100).collect();
        return Err(AppError::bad(
            "invalid_query",
            format!(
                "{} {} takes no query parameters; got {shown:?}",
                req.method(),
                req.uri().path()
            ),
        ));
    }
    Ok(next.run(req).await)
}

fn api_routes() -> Routes {
    Routes::new("/api")
        .get_bare("/health", health::health)
        .get_bare("/openapi.json", openapi::serve)
        .get("/audit", audit::list)
        .get_bare("/session", session::current)
        .post("/session", session::login)
        .delete("/session", session::logout)
        .get_bare("/basemap", basemap::configured)
        .get("/basemap/check", basemap::check)
        .get("/grids", grids::list)
        .get_bare("/grids/{code}", grids::detail)
        .get("/compounds", compounds::list)
        .get("/buildings", buildings::list)
        .get("/locate", locate::locate)
        .get("/stats/grids", stats::grids)
        .get("/coverage", stats::coverage)
        .get("/stats/kpis", kpis::kpis)
        .get("/plan/oversized", plan::oversized)
        .post("/plan/split", plan::split)
        .get_bare("/drafts", drafts::list)
        .post("/drafts", drafts::create)
        .get_bare("/drafts/{id}", drafts::show)
        .delete("/drafts/{id}", drafts::remove)
        .patch("/drafts/{id}", drafts::rename)
        .post("/drafts/{id}/split", draft_ops::split)
        .post("/drafts/{id}/merge", draft_ops::merge_grids)
        .post("/drafts/{id}/fix", draft_ops::fix)
        .post("/drafts/{id}/balance", draft_ops::balance)
        .post("/drafts/{id}/cut", draft_ops::cut)
        .post("/drafts/{id}/move", draft_ops::move_units)
        .post("/drafts/{id}/restore", draft_ops::restore)
        .get("/drafts/{id}/officers", draft_staff::show)
        .post("/drafts/{id}/officers", draft_staff::assign)
        .post("/drafts/{id}/undo", drafts::undo)
        .post("/drafts/{id}/redo", drafts::redo)
        .get_bare("/drafts/{id}/validate", drafts::validate_draft)
        .post("/drafts/{id}/publish", drafts::publish)
        .get_bare("/versions", versions::versions)
        .get("/incidents", incident_list::list)
        .post("/incidents", incidents::create)
        .post("/incidents/bulk", incidents::bulk)
        .get("/incidents/nearby", cases::nearby)
        .get_bare("/incidents/{id}", cases::show)
        .post("/incidents/{id}/transitions", cases::transition)
        .get_bare("/departments", cases::departments)
        .get_bare("/calendar", calendar::show)
        .put("/calendar", calendar::replace)
        .get("/wall", wall::wall)
        .get("/outbox", cases::outbox)
}

fn ogc_routes() -> Routes {
    Routes::new("")
        .get("/ogc", ogc::landing)
        .get("/ogc/conformance", ogc::conformance)
        .get("/ogc/collections", ogc::collections)
        .get("/ogc/collections/{collection_id}", ogc::collection)
        .get("/ogc/collections/{collection_id}/items", ogc::items)
        .get(
            "/ogc/collections/{collection_id}/items/{feature_id}",
            ogc::item,
        )
}

fn open311_routes() -> Routes {
    Routes::new("")
        .get("/open311/v2/{document}", open311::document)
        .add(
            "POST",
            "/open311/v2/{document}",
            post(open311::post_document),
        )
        .get(
            "/open311/v2/services/{service}",
            open311::service_definition,
        )
        .get("/open311/v2/requests/{request}", open311::get_one)
}

fn tile_routes() -> Routes {
    Routes::new("/tiles")
        .get("/density/{z}/{x}/{y}", tiles::density)
        .get("/grids/{z}/{x}/{y}", tiles::grids)
        .get_bare("/roads/{z}/{x}/{y}", tiles::roads)
}

/// Every method and path the router serves, as the policy table names them.
pub fn routes() -> Vec<(&'static str, String)> {
    let mut all = api_routes().listed;
    all.extend(tile_routes().listed);
    all.extend(ogc_routes().listed);
    all.extend(open311_routes().listed);
    all
}

/// The whole application.
pub fn app(state: App, options: &HttpOptions) -> Router {
    let guard = axum::middleware::from_fn_with_state(state.clone(), guard::guard);
    let api = api_routes()
        .router
        .route_layer(guard.clone())
        .layer(axum::Extension(session::SecureCookies(
            options.secure_cookies,
        )))
        .layer(axum::Extension(options.basemap.clone()))
        .layer(axum::Extension(incident_list::HeavyReads::new(
            options.listing_rows,
            options.listing_wait,
        )))
        .layer(axum::Extension(BulkLimit {
            bytes: options.max_bulk_bytes,
            idle: options.body_idle,
        }))
        .fallback(api_not_found)
        .with_state(state.clone());
    let tiles = tile_routes()
        .router
        .route_layer(guard.clone())
        .fallback(api_not_found)
        .with_state(state.clone());
    let open311 = open311_routes()
        .router
        .route_layer(guard.clone())
        .with_state(state.clone());
    let ogc = ogc_routes()
        .router
        .route_layer(guard)
        .layer(axum::Extension(incident_list::HeavyReads::new(
            options.listing_rows,
            options.listing_wait,
        )))
        .with_state(state.clone());
    // `/api/` and `/tiles/` themselves are not the frontend's either.
    let mut router = Router::new()
        .nest("/api", api)
        .nest("/tiles", tiles)
        .route("/api/", axum::routing::any(api_not_found))
        .route("/tiles/", axum::routing::any(api_not_found))
        .merge(ogc)
        .merge(open311)
        .layer(axum::middleware::map_response(error::json_errors));
    if let Some(dir) = &options.web_dir {
        let index = dir.join("index.html");
        router = router.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)));
    }
    let hosts = std::sync::Arc::new(AllowedHosts::new(&options.allowed_hosts));
    router
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(axum::middleware::from_fn(move |req, next| {
            let hosts = std::sync::Arc::clone(&hosts);
            async move { hosts.check(req, next).await }
        }))
        .layer(TraceLayer::new_for_http())
}

/// The host names a server answers to (DNS rebinding: a page on another site that points
/// its own name at this server's address sends that name as `Host`).
struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    fn new(hosts: &[String]) -> AllowedHosts {
        AllowedHosts(
            hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        )
    }

    /// Whether `host` (as sent, perhaps with a port) is one of them; all are when none is set.
    fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        // The name without its port: `[::1]:8080` → `[::1]`, `grid.example.cn:8080` → `grid.example.cn`.
        let name = if host.starts_with('[') {
            host.split_once(']')
                .map_or(host.as_str(), |(n, _)| &host[..=n.len()])
        } else {
            host.split(':').next().unwrap_or("")
        };
        self.0.is_empty() || self.0.iter().any(|h| *h == host || h == name)
    }

    async fn check(
        &self,
        req: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let host = req
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if self.allows(host) {
            return next.run(req).await;
        }
        let body = contract::ErrorBody::plain(
            "host_not_allowed",
            format!("this server does not answer to host {host:?}"),
        );
        (
            axum::http::StatusCode::MISDIRECTED_REQUEST,
            axum::Json(body),
        )
            .into_response()
    }
}
