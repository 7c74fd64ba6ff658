//! The closed loop over HTTP: `GET /api/incidents/{id}` (a case with what the caller may do
//! and its history), `POST /api/incidents/{id}/transitions` (`{"action","version",…}`) and
//! `GET /api/departments`.

use super::contract::{CaseEventView, CaseView, DepartmentView, DepartmentsAnswer, NearbyAnswer};
use super::incidents::incident_view;
use super::session::source;
use super::{App, AppError};
use crate::app::auth::{Principal, Who};
use crate::app::cases::{allowed_actions, Case, TransitionRequest};
use crate::domain::calendar::Urgency;
use crate::domain::case::Action;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::{Extension, Json};
use chrono::Utc;
use serde::Deserialize;
use std::net::SocketAddr;

fn case_view(state: &App, case: &Case, who: &Principal, history: Vec<CaseEventView>) -> CaseView {
    let f = &case.facts;
    let now = Utc::now();
    CaseView {
        incident: incident_view(&case.incident, &state.engine(), who),
        version: f.version,
        urgency: f.urgency.as_str().to_string(),
        department: f.department.clone(),
        dispatched_at: f.dispatched_at.map(|t| t.to_rfc3339()),
        due_at: f.due_at.map(|t| t.to_rfc3339()),
        overdue: crate::domain::case::is_overdue(f.state.status, f.due_at, now),
        due_soon: crate::domain::case::is_due_soon(
            f.state.status,
            f.due_at,
            now,
            &state.deadlines().calendar,
        ),
        signed: f.state.signed,
        extension_pending: f.state.extension_pending,
        outcome: f.state.outcome_str().map(String::from),
        supervised: f.state.supervised,
        self_handled: f.state.self_handled,
        returns: f.state.returns,
        reworks: f.state.reworks,
        duplicate_of: f.duplicate_of,
        satisfaction: f.satisfaction.map(|s| s.as_str().to_string()),
        actions: allowed_actions(who, f)
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        history,
    }
}

async fn history(state: &App, id: i64) -> Result<Vec<CaseEventView>, AppError> {
    Ok(state
        .case_history(id)
        .await?
        .into_iter()
        .map(|e| CaseEventView {
            at: e.at.to_rfc3339(),
            actor: e.actor,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            note: e.note,
            due_at: e.due_at.map(|t| t.to_rfc3339()),
        })
        .collect())
}

fn case_id(id: &str) -> Result<i64, AppError> {
    id.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
        AppError::bad(
            "invalid_id",
            format!("incident id {id:?} is not a positive number"),
        )
    })
}

pub async fn show(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    Path(id): Path<String>,
) -> Result<Json<CaseView>, AppError> {
    let id = case_id(&id)?;
    let case = state.case(id, &who).await?;
    let history = history(&state, id).await?;
    Ok(Json(case_view(&state, &case, &who, history)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    action: String,
    version: i64,
    note: Option<String>,
    department: Option<String>,
    urgency: Option<String>,
    days: Option<u32>,
    duplicate_of: Option<i64>,
    satisfaction: Option<String>,
}

/// Longest note kept with a transition, in characters.
pub async fn transition(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    Path(id): Path<String>,
    body: Result<Json<TransitionBody>, JsonRejection>,
) -> Result<Json<CaseView>, AppError> {
    let id = case_id(&id)?;
    let Json(b) = body?;
    let note = b.note.unwrap_or_default().trim().to_string();
    super::params::bounded("note", &note, super::params::MAX_NOTE_CHARS)?;
    if let Some(d) = &b.department {
        super::params::bounded("department", d, super::params::MAX_NAME_CHARS)?;
    }
    let req = TransitionRequest {
        action: b.action.parse::<Action>()?,
        version: b.version,
        note,
        department: b.department,
        urgency: b
            .urgency
            .as_deref()
            .map(str::parse::<Urgency>)
            .transpose()
            .map_err(|e| AppError::body_field("urgency", e))?,
        days: b.days,
        duplicate_of: b.duplicate_of,
        satisfaction: b
            .satisfaction
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: String| AppError::body_field("satisfaction", e))?,
    };
    let case = state
        .transition(id, req, &who, &source(&addr), Utc::now())
        .await?;
    let history = history(&state, id).await?;
    Ok(Json(case_view(&state, &case, &who, history)))
}

pub async fn departments(State(state): State<App>) -> Result<Json<DepartmentsAnswer>, AppError> {
    Ok(Json(DepartmentsAnswer {
        departments: state
            .store
            .departments()
            .await?
            .into_iter()
            .map(|d| DepartmentView {
                name: d.name,
                categories: d.categories,
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearbyParams {
    lng: Option<String>,
    lat: Option<String>,
    crs: Option<String>,
    category: Option<String>,
}

/// `GET /api/incidents/nearby?lng=&lat=&crs=&category=`: open cases of the category within
/// 250 m that the caller may see, nearest first, at most five (possible duplicates).
pub async fn nearby(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<axum::extract::Query<NearbyParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<NearbyAnswer>, AppError> {
    let axum::extract::Query(p) = params?;
    let cells = [p.lng.as_deref(), p.lat.as_deref(), p.crs.as_deref()];
    let present: Vec<usize> = (0..3).filter(|&i| cells[i].is_some()).collect();
    let report =
        crate::intake::RawReport::from_cells(&present, present.iter().filter_map(|&i| cells[i]));
    let raw = report
        .coordinate()
        .map_err(|e| AppError::param(&e.field, &e.message))?;
    let at = crate::spatial::crs::to_wgs84(raw).map_err(|e| AppError::param("lng", e))?;
    let category = super::params::opt_param::<crate::domain::Category>("category", &p.category)?
        .ok_or_else(|| AppError::param("category", "is required"))?;
    let near = state.nearby(at, category, &who, None).await?;
    Ok(Json(NearbyAnswer {
        cases: super::incidents::nearby_views(&near),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxParams {
    after: Option<String>,
    limit: Option<String>,
}

/// `GET /api/outbox?after=SEQ&limit=`: the hotline outbox after `after`, oldest first; an
/// outside system sees the lines of the cases it posted, the admin all.
pub async fn outbox(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<axum::extract::Query<OutboxParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<super::contract::OutboxAnswer>, AppError> {
    let axum::extract::Query(p) = params?;
    let after = super::params::opt_param::<i64>("after", &p.after)?.unwrap_or(0);
    let limit = super::params::opt_param::<u32>("limit", &p.limit)?.unwrap_or(500);
    if !(1..=5000).contains(&limit) {
        return Err(AppError::param(
            "limit",
            format!("{limit} is outside 1..=5000"),
        ));
    }
    let by = (who.role != crate::domain::access::Role::Admin).then(|| who.actor.clone());
    let lines = state.store.outbox(after, limit, by).await?;
    Ok(Json(super::contract::OutboxAnswer {
        lines: lines
            .into_iter()
            .map(|l| super::contract::OutboxLineView {
                seq: l.seq,
                incident: l.incident_id,
                order_no: l.order_no,
                at: l.at.to_rfc3339(),
                action: l.action,
                status: l.status,
                note: l.note,
            })
            .collect(),
    }))
}
