//! The one gate every API and tile request passes before its handler: it finds the route's
//! rule in the policy table ([`crate::app::policy`]), answers 401 to a caller without a
//! live session or token, 403 naming the roles needed to a role the rule does not admit,
//! and 403 to an unsafe request on a cookie session whose `Origin` is not this server
//! (CSRF). An admitted caller's [`Principal`] goes into the request's extensions for the
//! handler to cut its answer by. Every successful write by a signed-in caller gets its line
//! in the audit log here (who, the route, the path, the status, from where).

use super::session::{bearer, principal, session_cookie};
use super::{App, AppError};
use crate::app::accounts::audit;
use crate::app::auth::{Principal, Who};
use crate::app::policy::{rule_for, Callers};
use axum::extract::{ConnectInfo, MatchedPath, OriginalUri, Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use axum::Extension;
use std::net::SocketAddr;

/// Whether the request's `Origin` names the host it was sent to (`Host`, or the
/// `X-Forwarded-Host` a proxy in front of us sets).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((_, origin_host)) = origin.split_once("://") else {
        return false;
    };
    [header::HOST.as_str(), "x-forwarded-host"]
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .any(|host| host.eq_ignore_ascii_case(origin_host.trim_end_matches('/')))
}

fn unsafe_method(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a cross-site write on a cookie session; a bearer token is not sent by browsers on
/// their own, so it needs no such check.
fn check_csrf(method: &Method, headers: &HeaderMap) -> Result<(), AppError> {
    let by_cookie = bearer(headers).is_none() && session_cookie(headers).is_some();
    let foreign_origin = headers.contains_key(header::ORIGIN) && !same_origin(headers);
    if unsafe_method(method) && ((by_cookie && !same_origin(headers)) || foreign_origin) {
        return Err(AppError::Forbidden(format!(
            "{method} refused: a request on a session cookie must come from this server's own \
             pages (Origin {:?} is not this server)",
            headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("missing")
        )));
    }
    Ok(())
}

/// The middleware (installed with `route_layer`, so the matched route is known).
pub async fn guard(
    State(state): State<App>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("", |m| m.as_str());
    let rule = rule_for(req.method().as_str(), path).ok_or_else(|| {
        let allow = crate::app::policy::methods_for(path);
        if allow.is_empty() {
            AppError::Internal(format!(
                "{} {path} has no rule in the policy table",
                req.method()
            ))
        } else {
            AppError::MethodNotAllowed {
                message: format!("{path} takes {}, not {}", allow.join(", "), req.method()),
                allow,
            }
        }
    })?;
    check_csrf(req.method(), req.headers())?;
    if rule.callers == Callers::Public {
        return Ok(next.run(req).await);
    }
    let who: Who = principal(&state, req.headers()).await?;
    if !rule.admits(who.role) {
        return Err(rule.refusal(who.role));
    }
    req.extensions_mut().insert(who.clone());
    if !unsafe_method(req.method()) || AUDITED_ELSEWHERE.contains(&rule.path) {
        return Ok(next.run(req).await);
    }
    let write = Write::of(&req, rule.method, rule.path);
    let res = next.run(req).await;
    if res.status().is_success() {
        write.record(&state, &who, res.status()).await;
    }
    Ok(res)
}

/// A write as the audit log names it: the route, the path and where it came from.
struct Write {
    kind: String,
    object: String,
    source: String,
}

impl Write {
    fn of(req: &Request, method: &str, route: &str) -> Write {
        let ext = req.extensions();
        Write {
            kind: format!("{method} {route}"),
            object: ext
                .get::<OriginalUri>()
                .map_or_else(|| req.uri().path().to_string(), |u| u.path().to_string()),
            source: super::session::source(
                &ext.get::<ConnectInfo<SocketAddr>>().cloned().map(Extension),
            ),
        }
    }

    /// Appends the line; a failure is logged, not answered (the write itself is done).
    async fn record(&self, state: &App, who: &Principal, status: axum::http::StatusCode) {
        let summary = format!("answered {status}");
        let (kind, object) = (&self.kind, &self.object);
        if let Err(e) = audit(
            &*state.store,
            &who.actor,
            kind,
            object,
            &summary,
            &self.source,
        )
        .await
        {
            tracing::error!(error = %e, %kind, %object, "the audit line of a write was not stored");
        }
    }
}

/// Writes whose audit lines are written elsewhere: a report's and a case transition's in
/// their own transaction (so they cost no second commit), logins and logouts by the session
/// module.
const AUDITED_ELSEWHERE: [&str; 3] = [
    "/api/incidents",
    "/api/session",
    "/api/incidents/{id}/transitions",
];

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_cookie_write_needs_the_servers_own_origin() {
        let post = Method::POST;
        let cookie = ("cookie", "gridd_session=abc");
        assert!(check_csrf(&post, &headers(&[cookie, ("host", "a.gov:8080")])).is_err());
        assert!(check_csrf(
            &post,
            &headers(&[
                cookie,
                ("host", "a.gov:8080"),
                ("origin", "http://evil.example")
            ])
        )
        .is_err());
        assert!(check_csrf(
            &post,
            &headers(&[
                cookie,
                ("host", "a.gov:8080"),
                ("origin", "http://a.gov:8080")
            ])
        )
        .is_ok());
        assert!(check_csrf(&Method::GET, &headers(&[cookie])).is_ok());
    }

    #[test]
    fn a_bearer_write_needs_no_origin_but_a_foreign_one_is_refused() {
        let auth = ("authorization", "Bearer t");
        assert!(check_csrf(&Method::POST, &headers(&[auth])).is_ok());
        assert!(check_csrf(
            &Method::POST,
            &headers(&[auth, ("host", "a.gov"), ("origin", "https://evil.example")])
        )
        .is_err());
    }

    #[test]
    fn a_proxy_forwarded_host_counts_as_ours() {
        let h = headers(&[
            ("cookie", "gridd_session=abc"),
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "grid.city.gov.cn"),
            ("origin", "https://grid.city.gov.cn"),
        ]);
        assert!(check_csrf(&Method::DELETE, &h).is_ok());
    }
}
