//! `POST /api/incidents` (one report, answered 201 once durable), `POST /api/incidents/bulk`
//! (NDJSON or CSV, streamed, all or nothing) and `GET /api/incidents` (filtered listing).

use super::features::{collection, opt_param};
use super::locate::grids_json;
use super::{AppError, AppState, BulkLimit};
use crate::domain::{Bbox, Category, Channel, GridCode, Incident, StatusSet};
use crate::intake::bulk::{BulkError, Loader};
use crate::intake::RawReport;
use crate::store::IncidentQuery;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

/// A stored incident as JSON (the `POST` answer and each listed feature's properties).
/// An incident as the API gives it: `grids` are those it was reported in (they never change);
/// `current_grids` are those holding it under the boundaries in force now.
pub fn incident_json(i: &Incident, now: &crate::engine::Engine) -> Value {
    let n = &i.incident;
    json!({
        "id": i.id,
        "wgs84": [n.location.lng(), n.location.lat()],
        "raw": { "lng": n.raw.lng, "lat": n.raw.lat, "crs": n.raw.crs },
        "grids": grids_json(&n.grids),
        "current_grids": grids_json(&now.assign(n.location).grids),
        "compound": n.compound,
        "building": n.building,
        "category": n.category,
        "description": n.description,
        "channel": n.channel,
        "status": n.status,
        "reported_at": n.reported_at.to_rfc3339(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("request body: {}", e.body_text()))
        } else {
            AppError::bad("invalid_body", e.body_text())
        }
    })?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad("invalid_json", format!("request body is not JSON: {e}")))?;
    let engine = state.engine.get();
    let incident = RawReport::from_json(&value)
        .and_then(|r| r.into_incident(&engine, Utc::now()))
        .map_err(|e| AppError::bad("invalid_field", e.to_string()))?;
    let stored = state.intake.submit(incident).await?;
    Ok((StatusCode::CREATED, Json(incident_json(&stored, &engine))))
}

/// Longest line a bulk body may hold.
const MAX_LINE_BYTES: usize = 1 << 20;

pub async fn bulk(
    State(state): State<AppState>,
    Extension(BulkLimit(limit)): Extension<BulkLimit>,
    body: Body,
) -> Result<Json<Value>, AppError> {
    let since = super::read(&state.heat).max_id();
    let mut loader = Loader::start(state.store.clone(), state.engine.get());
    let mut stream = body.into_data_stream();
    let mut pending: Vec<u8> = Vec::new();
    let mut total = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => return Err(loader.abort(e.to_string()).await.into()),
        };
        total += chunk.len() as u64;
        if total > limit {
            let _ = loader.abort("too large".into()).await;
            return Err(AppError::TooLarge(format!(
                "bulk body is over the {limit}-byte limit (GRIDD_MAX_BULK); nothing was stored"
            )));
        }
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(k) = pending[start..].iter().position(|b| *b == b'\n') {
            loader.push(&pending[start..start + k]).await?;
            start += k + 1;
        }
        pending.drain(..start);
        if pending.len() > MAX_LINE_BYTES {
            let line = loader.lines() + 1;
            let _ = loader.abort("line too long".into()).await;
            return Err(AppError::TooLarge(format!(
                "line {line} is longer than {MAX_LINE_BYTES} bytes; nothing was stored"
            )));
        }
    }
    if !pending.is_empty() {
        loader.push(&pending).await?;
    }
    let accepted = loader.finish().await?;
    catch_up(&state, since).await;
    Ok(Json(json!({ "accepted": accepted })))
}

/// Adds what the store holds beyond `since` to the incident columns (after a bulk load).
async fn catch_up(state: &AppState, since: i64) {
    let q = IncidentQuery {
        after_id: Some(since),
        everything: true,
        ..Default::default()
    };
    match state.store.incidents(&q).await {
        Ok(rows) => {
            let mut h = super::write(&state.heat);
            for i in &rows {
                h.add_stored(i);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "could not index a bulk load's incidents; they show after a restart")
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    grid: Option<String>,
    category: Option<String>,
    status: Option<String>,
    channel: Option<String>,
    from: Option<String>,
    to: Option<String>,
    bbox: Option<String>,
    limit: Option<String>,
}

pub fn time(name: &str, v: &Option<String>) -> Result<Option<DateTime<Utc>>, AppError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .or_else(|_| {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
                })
                .map_err(|_| {
                    AppError::param(
                        name,
                        format!("{s:?} is not a date (2026-05-01) or an RFC 3339 time"),
                    )
                })
        })
        .transpose()
}

pub async fn list(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let Query(p) = params?;
    let limit = opt_param::<u32>("limit", &p.limit)?;
    if let Some(l) = limit.filter(|l| *l == 0 || *l > crate::store::MAX_INCIDENT_LIMIT) {
        return Err(AppError::param(
            "limit",
            format!("{l} is outside 1..={}", crate::store::MAX_INCIDENT_LIMIT),
        ));
    }
    let q = IncidentQuery {
        grid: opt_param::<GridCode>("grid", &p.grid)?,
        category: opt_param::<Category>("category", &p.category)?,
        status: opt_param::<StatusSet>("status", &p.status)?,
        channel: opt_param::<Channel>("channel", &p.channel)?,
        from: time("from", &p.from)?,
        to: time("to", &p.to)?,
        bbox: opt_param::<Bbox>("bbox", &p.bbox)?,
        limit,
        after_id: None,
        everything: false,
    };
    let rows = state.store.incidents(&q).await?;
    let engine = state.engine.get();
    Ok(Json(collection(
        rows.iter()
            .map(|i| {
                json!({
                    "type": "Feature",
                    "id": i.id,
                    "properties": incident_json(i, &engine),
                    "geometry": { "type": "Point", "coordinates": [i.incident.location.lng(), i.incident.location.lat()] },
                })
            })
            .collect(),
    )))
}
