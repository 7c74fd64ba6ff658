//! `GET /api/audit?from=&to=&actor=&kind=`: the audit log, oldest first, for an admin only
//! (401 without a session or token, 403 for any other role). The log has no write path here
//! or anywhere: the stores refuse updates and deletes.

use super::contract::{AuditAnswer, AuditLine};
use super::params::time;
use super::session::principal;
use super::{App, AppError};
use crate::domain::access::Role;
use crate::store::AuditQuery;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    from: Option<String>,
    to: Option<String>,
    actor: Option<String>,
    kind: Option<String>,
}

pub async fn list(
    State(state): State<App>,
    headers: HeaderMap,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<AuditAnswer>, AppError> {
    let who = principal(&state, &headers).await?;
    if who.role != Role::Admin {
        return Err(AppError::Forbidden(format!(
            "the audit log is for role admin; {} is {}",
            who.actor, who.role
        )));
    }
    let Query(p) = params?;
    let q = AuditQuery {
        from: time("from", &p.from)?,
        to: time("to", &p.to)?,
        actor: p.actor.filter(|a| !a.is_empty()),
        kind: p.kind.filter(|k| !k.is_empty()),
    };
    let entries = state
        .store
        .audit(&q)
        .await?
        .into_iter()
        .map(|e| AuditLine {
            id: e.id,
            at: e.at.to_rfc3339(),
            actor: e.actor,
            kind: e.kind,
            object: e.object,
            summary: e.summary,
            source: e.source,
        })
        .collect();
    Ok(Json(AuditAnswer { entries }))
}
