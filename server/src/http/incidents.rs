//! `POST /api/incidents` (one report, answered 201 once durable), `POST /api/incidents/bulk`
//! (NDJSON or CSV, streamed, all or nothing); the incident views other modules answer with.
//! The listing is `incident_list`.

use super::contract::{grid_refs, BulkAccepted, IncidentView, NearbyCase};
use super::{App, AppError, BulkLimit};
use crate::app::auth::{Principal, Who};
use crate::app::bulk::BulkFailure;
use crate::domain::access::Scope;
use crate::domain::Incident;
use crate::intake::bulk::BulkError;
use crate::intake::RawReport;
use crate::store::IncidentQuery;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::Utc;
use serde_json::Value;

/// An incident as the API gives it to `who`, with the grids holding it under `now`'s
/// boundaries; the reporter's contacts masked unless `who` may see them.
pub fn incident_view(i: &Incident, now: &crate::engine::Engine, who: &Principal) -> IncidentView {
    let n = &i.incident;
    let reporter = if who.sees_contacts() {
        n.reporter.clone()
    } else {
        n.reporter.masked()
    };
    IncidentView {
        id: i.id,
        wgs84: [n.location.lng(), n.location.lat()],
        raw: n.raw.into(),
        grids: grid_refs(&n.grids),
        current_grids: grid_refs(&now.assign(n.location).grids),
        compound: n.compound.clone(),
        building: n.building.clone(),
        category: n.category,
        description: n.description.clone(),
        channel: n.channel,
        status: n.status,
        reported_at: n.reported_at.to_rfc3339(),
        reported_by: reporter.by,
        reporter_name: reporter.name,
        reporter_phone: reporter.phone,
        possible_duplicates: None,
    }
}

/// Open cases near a point as the API gives them.
pub fn nearby_views(near: &[crate::app::cases::Nearby]) -> Vec<NearbyCase> {
    near.iter()
        .map(|n| NearbyCase {
            id: n.id,
            distance_m: (n.distance_m * 10.0).round() / 10.0,
            status: n.status,
            category: n.category,
            wgs84: n.at.map(|v| (v * 1e7).round() / 1e7),
        })
        .collect()
}

pub async fn create(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    addr: Option<Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<IncidentView>), AppError> {
    // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    refuse_encoded(&headers)?;
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(AppError::UnsupportedMedia(format!(
            "POST /api/incidents takes Content-Type: application/json; got {:?}",
            content_type
        )));
    }
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("request body: {}", e.body_text()))
        } else {
            AppError::bad("invalid_body", e.body_text())
        }
    })?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad("invalid_json", format!("request body is not JSON: {e}")))?;
    let engine = state.engine();
    let mut incident = RawReport::from_json(&value)
        .and_then(|r| r.into_incident(&engine, Utc::now()))
        .map_err(AppError::from)?;
    incident.reporter.by = Some(who.actor.clone());
    incident.reporter.source = Some(super::session::source(&addr));
    may_report_at(&who, &incident.grids)?;
    // A 12345 order posted again finds the case it made (one order at a time per server;
    // the store's unique index is the last word between servers).
    let _one_order = match &incident.reporter.order_no {
        Some(order) => {
            let guard = state.hotline.lock().await;
            let existing = state
                .store
                .incidents(&IncidentQuery {
                    order_no: Some(order.clone()),
                    ..Default::default()
                })
                .await?
                .pop();
            if let Some(existing) = existing {
                if existing.incident.reporter.by != incident.reporter.by {
                    return Err(AppError::Conflict(format!(
                        "order {order} was posted by another account or system"
                    )));
                }
                return Ok((
                    StatusCode::OK,
                    Json(incident_view(&existing, &engine, &who)),
                ));
            }
            Some(guard)
        }
        None => None,
    };
    let stored = state.report(incident).await?;
    let near = state
        .nearby(
            stored.incident.location,
            stored.incident.category,
            &who,
            Some(stored.id),
        )
        .await?;
    let mut view = incident_view(&stored, &engine, &who);
    view.possible_duplicates = Some(nearby_views(&near));
    Ok((StatusCode::CREATED, Json(view)))
}

/// A report is the reporter role's whole job, wherever it is; anyone else reports only
/// inside their own grids (403 naming the scope otherwise).
fn may_report_at(who: &Principal, grids: &crate::domain::GridPath) -> Result<(), AppError> {
    if matches!(who.scope, Scope::Nothing | Scope::Everything) {
        return Ok(());
    }
    let deepest = [&grids.level3, &grids.level2, &grids.level1]
        .into_iter()
        .flatten()
        .next();
    match deepest {
        Some(code) => who.may_change(code, &format!("a report in grid {code}")),
        None => Err(who.outside("a report outside every grid")),
    }
}

pub async fn bulk(
    State(state): State<App>,
    Extension(limit): Extension<BulkLimit>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Json<BulkAccepted>, AppError> {
    // A declared length over the limit is refused before a byte is read.
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.bytes) {
        return Err(BulkFailure::TooLarge(limit.bytes).into());
    }
    refuse_encoded(&headers)?;
    let accepted = state
        .load_bulk(body.into_data_stream(), limit.bytes, limit.idle)
        .await?;
    Ok(Json(BulkAccepted { accepted }))
}

/// A compressed body is refused once, rather than read as text line by line.
fn refuse_encoded(headers: &axum::http::HeaderMap) -> Result<(), AppError> {
    match headers
        .get(axum::http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        None | Some("") => Ok(()),
        Some(e) if e.eq_ignore_ascii_case("identity") => Ok(()),
        Some(e) => Err(AppError::UnsupportedMedia(format!(
            "Content-Encoding {e} is not taken; send the body uncompressed"
        ))),
    }
}

impl From<BulkFailure> for AppError {
    fn from(e: BulkFailure) -> AppError {
        match e {
            BulkFailure::Bulk(b) => b.into(),
            other @ (BulkFailure::TooLarge(_) | BulkFailure::LineTooLong(_)) => {
                AppError::TooLarge(other.to_string())
            }
            other @ BulkFailure::Stalled { .. } => AppError::Timeout(other.to_string()),
            other @ BulkFailure::Receive { .. } => AppError::bad("invalid_body", other.to_string()),
            other @ BulkFailure::Spool(_) => AppError::Unavailable(other.to_string()),
        }
    }
}

impl From<BulkError> for AppError {
    fn from(e: BulkError) -> AppError {
        match e {
            BulkError::Invalid { .. } => AppError::Unprocessable(e.to_string()),
            BulkError::Empty | BulkError::Read { .. } => {
                AppError::bad("invalid_body", e.to_string())
            }
            BulkError::Store(s) => s.into(),
        }
    }
}
