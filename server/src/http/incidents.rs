//! `POST /api/incidents` (one report, answered 201 once durable), `POST /api/incidents/bulk`
//! (NDJSON or CSV, streamed, all or nothing) and `GET /api/incidents` (filtered listing).

use super::contract::{
    grid_refs, BulkAccepted, GeoFeature, GeoFeatureCollection, IncidentView, NearbyCase,
};
use super::params::{opt_param, time};
use super::{App, AppError, BulkLimit};
use crate::app::auth::{Principal, Who};
use crate::app::bulk::BulkFailure;
use crate::domain::access::{Role, Scope};
use crate::domain::{Bbox, Category, Channel, GridCode, Incident, StatusSet};
use crate::intake::bulk::BulkError;
use crate::intake::RawReport;
use crate::store::{IncidentQuery, Todo};
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};

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
    department: Option<String>,
    overdue: Option<String>,
    due_before: Option<String>,
    /// `true`: 即将超期 — open cases due within the next 4 working hours, not yet overdue.
    due_soon: Option<String>,
    supervised: Option<String>,
    assignee: Option<String>,
    /// `me`: only the incidents the caller reported (an officer's "my reports").
    reporter: Option<String>,
    /// With `grid`: `current` lists the incidents inside the grid as it is drawn now (after a
    /// publish, an officer of a new grid sees its open incidents); `report` (the default)
    /// those filed under it when reported.
    boundaries: Option<String>,
}

/// The bounding box of the grid `code` as drawn now, for `boundaries=current` (404 when no
/// grid of that code is in force).
fn current_grid(engine: &crate::engine::Engine, code: &GridCode) -> Result<Bbox, AppError> {
    use geo::BoundingRect;
    let g = engine
        .city()
        .grids
        .iter()
        .find(|g| &g.code == code)
        .ok_or_else(|| AppError::NotFound(format!("no grid {code} in force")))?;
    let r = g
        .geometry
        .bounding_rect()
        .ok_or_else(|| AppError::Internal(format!("grid {code} has no extent")))?;
    Bbox::new(r.min().x, r.min().y, r.max().x, r.max().y)
        .map_err(|e| AppError::Internal(format!("grid {code}: {e}")))
}

/// The case filters of a listing: `department`, `overdue` (open and past due now),
/// `due_soon` (open and due within 4 working hours), `due_before`, `supervised`,
/// `assignee=me` (what waits on the caller's next step) and `reporter=me`.
fn case_filters(
    p: &ListParams,
    who: &Principal,
    calendar: &crate::domain::calendar::WorkCalendar,
) -> Result<CaseFilters, AppError> {
    let now = Utc::now();
    let soon = opt_param::<bool>("due_soon", &p.due_soon)? == Some(true);
    let (due_after, due_before) = match opt_param::<bool>("overdue", &p.overdue)? {
        Some(true) if soon => {
            return Err(AppError::param(
                "due_soon",
                "a case is either overdue or due soon: ask for one of them",
            ))
        }
        Some(true) => (None, Some(now)),
        _ if soon => {
            let limit = crate::domain::calendar::Limit::WorkingHours(
                crate::domain::case::DUE_SOON_WORKING_HOURS,
            );
            // `due_before` is exclusive and a due time may fall exactly on the bound (outside
            // office hours both snap to the next opening): one millisecond more includes it,
            // as `is_due_soon` does.
            let bound = calendar.due(now, limit) + chrono::Duration::milliseconds(1);
            (Some(now), Some(bound))
        }
        _ => (None, time("due_before", &p.due_before)?),
    };
    let todo = match p.assignee.as_deref() {
        None | Some("") => None,
        Some("me") => match who.role {
            Role::Dispatcher | Role::Admin => Some(Todo::Dispatch),
            Role::Officer => Some(Todo::Verify),
            Role::Department => who.department.clone().map(Todo::Handle),
            _ => None,
        },
        Some(other) => return Err(AppError::param("assignee", format!("{other:?} is not me"))),
    };
    let department = match &who.scope {
        Scope::Categories(_) => who.department.clone(),
        _ => p.department.clone().filter(|d| !d.trim().is_empty()),
    };
    let mine = match p.reporter.as_deref() {
        None | Some("") => false,
        Some("me") => true,
        Some(other) => return Err(AppError::param("reporter", format!("{other:?} is not me"))),
    };
    Ok(CaseFilters {
        mine,
        due_after,
        department,
        due_before,
        supervised: opt_param::<bool>("supervised", &p.supervised)?,
        todo,
    })
}

struct CaseFilters {
    mine: bool,
    due_after: Option<chrono::DateTime<Utc>>,
    department: Option<String>,
    due_before: Option<chrono::DateTime<Utc>>,
    supervised: Option<bool>,
    todo: Option<Todo>,
}

pub async fn list(
    State(state): State<App>,
    Extension(who): Extension<Who>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<GeoFeatureCollection<IncidentView>>, AppError> {
    let Query(p) = params?;
    let limit = opt_param::<u32>("limit", &p.limit)?;
    if let Some(l) = limit.filter(|l| *l == 0 || *l > crate::store::MAX_INCIDENT_LIMIT) {
        return Err(AppError::param(
            "limit",
            format!("{l} is outside 1..={}", crate::store::MAX_INCIDENT_LIMIT),
        ));
    }
    let cases = case_filters(&p, &who, &state.deadlines().calendar)?;
    let grid = opt_param::<GridCode>("grid", &p.grid)?;
    let current = match p.boundaries.as_deref() {
        None | Some("") | Some("report") => None,
        Some("current") => match &grid {
            Some(g) => {
                // Seen by the grid in force, not by where the incidents were filed.
                who.must_see(g, &format!("no grid {g}"))?;
                Some(g.clone())
            }
            None => return Err(AppError::param("boundaries", "current needs a grid")),
        },
        Some(other) => {
            return Err(AppError::param(
                "boundaries",
                format!("{other:?} is not report or current"),
            ))
        }
    };
    let engine = state.engine();
    let bbox = match &current {
        Some(g) => Some(current_grid(&engine, g)?),
        None => opt_param::<Bbox>("bbox", &p.bbox)?,
    };
    let q = IncidentQuery {
        grid: if current.is_some() { None } else { grid },
        category: opt_param::<Category>("category", &p.category)?,
        status: opt_param::<StatusSet>("status", &p.status)?,
        channel: opt_param::<Channel>("channel", &p.channel)?,
        from: time("from", &p.from)?,
        to: time("to", &p.to)?,
        bbox,
        // Inside the grid's box, the grid itself is decided below: the limit applies after.
        limit: if current.is_some() {
            Some(crate::store::MAX_INCIDENT_LIMIT)
        } else {
            limit
        },
        after_id: None,
        up_to_id: None,
        everything: false,
        within: match &who.scope {
            Scope::Categories(_) => None,
            Scope::Nothing if who.role == Role::Reporter => None,
            // The caller sees the grid (checked above); only its incidents are kept below.
            _ if current.is_some() => None,
            _ => who.within(),
        },
        // A department sees the cases dispatched to it; a token of categories without a
        // department name sees the cases of those categories.
        categories: match &who.scope {
            Scope::Categories(c) if who.department.is_none() => Some(c.clone()),
            _ => None,
        },
        department: cases.department,
        due_before: cases.due_before,
        due_after: cases.due_after,
        supervised: cases.supervised,
        todo: cases.todo,
        reported_by: (who.role == Role::Reporter || cases.mine).then(|| who.actor.clone()),
        id: None,
        order_no: None,
    };
    let mut rows = state.store.incidents(&q).await?;
    if let Some(g) = &current {
        rows.retain(|i| engine.assign(i.incident.location).grids.at(g.level()) == Some(g));
        rows.truncate(limit.unwrap_or(crate::store::DEFAULT_INCIDENT_LIMIT) as usize);
    }
    Ok(Json(GeoFeatureCollection::new(
        rows.iter()
            .map(|i| {
                let p = i.incident.location;
                GeoFeature {
                    id: Some(i.id.into()),
                    ..GeoFeature::new(
                        incident_view(i, &engine, &who),
                        json!({ "type": "Point", "coordinates": [p.lng(), p.lat()] }),
                    )
                }
            })
            .collect(),
    )))
}
