//! `POST /api/session` (log in: sets the session cookie), `GET /api/session` (who am I, by
//! cookie or `Authorization: Bearer TOKEN`) and `DELETE /api/session` (log out). The cookie
//! is HttpOnly and SameSite=Strict, and Secure when the server is told it is behind https
//! (`--secure-cookies`) or a proxy says so (`X-Forwarded-Proto: https`).

use super::contract::SessionView;
use super::{App, AppError};
use crate::app::auth::{Principal, Who, ABSOLUTE};
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use serde::Deserialize;
use std::net::SocketAddr;

/// The session cookie's name.
pub const COOKIE: &str = "gridd_session";

/// Whether cookies must be marked Secure (the server is reached over https).
#[derive(Clone, Copy, Debug, Default)]
pub struct SecureCookies(pub bool);

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    login: String,
    password: String,
}

/// The session as the client sees it; `officer_grids` from the city in service.
fn view(p: &Principal, state: &App) -> SessionView {
    let officer_grids = p
        .officer
        .as_deref()
        .and_then(|id| {
            let engine = state.engine();
            let city = engine.city();
            city.officers
                .iter()
                .find(|o| o.id.as_str() == id)
                .map(|o| o.grids.iter().map(|g| g.to_string()).collect())
        })
        .unwrap_or_default();
    SessionView {
        officer_grids,
        login: p.actor.clone(),
        role: p.role.as_str().into(),
        role_zh: p.role.zh().into(),
        scope: p.scope.to_string(),
        display_name: p.display_name.clone(),
        officer: p.officer.clone(),
        department: p.department.clone(),
    }
}

/// The client's address for the audit log and the login limit.
pub fn source(addr: &Option<Extension<ConnectInfo<SocketAddr>>>) -> String {
    addr.as_ref().map_or_else(
        || "unknown".into(),
        |Extension(ConnectInfo(a))| a.ip().to_string(),
    )
}

/// The session id in a request's cookies, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Who a request is from: a live session cookie or a valid bearer token; 401 otherwise.
pub async fn principal(state: &App, headers: &HeaderMap) -> Result<Who, AppError> {
    let now = Utc::now();
    if let Some(token) = bearer(headers) {
        return state.token(&token, now).await?.ok_or_else(|| {
            AppError::Unauthorized("the bearer token is unknown or revoked".into())
        });
    }
    match session_cookie(headers) {
        Some(id) => state
            .session(&id, now)
            .await?
            .ok_or_else(|| AppError::Unauthorized("the session has ended; log in again".into())),
        None => Err(AppError::Unauthorized(
            "log in, or send Authorization: Bearer TOKEN".into(),
        )),
    }
}

fn cookie(value: &str, max_age: i64, secure: bool) -> Result<HeaderValue, AppError> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .map_err(|e| AppError::Internal(format!("session cookie: {e}")))
}

fn secure(headers: &HeaderMap, configured: SecureCookies) -> bool {
    configured.0
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

pub async fn login(
    State(state): State<App>,
    Extension(secure_cookies): Extension<SecureCookies>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(b) = body?;
    // Before any lookup or hashing: a megabyte password costs the hash a megabyte.
    super::params::bounded("login", &b.login, 64)?;
    super::params::bounded("password", &b.password, 1024)?;
    let (id, p) = state
        .login(&b.login, &b.password, &source(&addr), Utc::now())
        .await?;
    let mut res = Json(view(&p, &state)).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookie(
            &id,
            ABSOLUTE.num_seconds(),
            secure(&headers, secure_cookies),
        )?,
    );
    Ok(res)
}

pub async fn current(
    State(state): State<App>,
    headers: HeaderMap,
) -> Result<Json<SessionView>, AppError> {
    Ok(Json(view(&*principal(&state, &headers).await?, &state)))
}

pub async fn logout(
    State(state): State<App>,
    Extension(secure_cookies): Extension<SecureCookies>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(id) = session_cookie(&headers) {
        let actor = state
            .session(&id, Utc::now())
            .await?
            .map(|p| p.actor.clone())
            .unwrap_or_default();
        state.logout(&id, &actor, &source(&addr)).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookie("", 0, secure(&headers, secure_cookies))?,
    );
    Ok(res)
}
