//! Open311 service requests: filing one (form-encoded, as the standard posts them) and
//! reading them back, with `api_key` a token of ours and each caller seeing what the API's
//! incident listing would show them (a reporter token: its own requests).

use super::{category, records, Field, Format, Open311Error, Record};
use crate::app::auth::Who;
use crate::domain::{Incident, StatusSet};
use crate::http::incident_list::caller_scope;
use crate::http::App;
use crate::intake::RawReport;
use crate::store::IncidentQuery;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// The standard's bounds on `GET requests`: a window of at most 90 days (the last 90 when
/// no dates are given) and at most 1,000 requests.
const WINDOW_DAYS: i64 = 90;
const MOST: u32 = 1000;
/// The parameters `GET requests` reads (the standard's, and its `jurisdiction_id`, which one
/// city has no use for); the OpenAPI document lists the same.
pub const REQUEST_PARAMS: &[&str] = &[
    "api_key",
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "jurisdiction_id",
];
/// Open311's own bound on a description.
const DESCRIPTION_CHARS: usize = 4000;

/// The query's pairs, or 400 in the Open311 shape.
pub type Pairs =
    Result<axum::extract::Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

fn pairs(format: Format, q: Pairs) -> Result<Vec<(String, String)>, Open311Error> {
    q.map(|axum::extract::Query(p)| p)
        .map_err(|e| Open311Error::bad(format, e.body_text()))
}

fn get<'a>(p: &'a [(String, String)], k: &str) -> Option<&'a str> {
    p.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The caller an `api_key` names: 403 without one or with one we do not know.
async fn caller(state: &App, format: Format, p: &[(String, String)]) -> Result<Who, Open311Error> {
    let key = get(p, "api_key").ok_or_else(|| {
        Open311Error::new(
            StatusCode::FORBIDDEN,
            format,
            "api_key is required: a token of this server (gridd token create)",
        )
    })?;
    state
        .token(key, Utc::now())
        .await
        .map_err(|e| Open311Error::from_app(format, e))?
        .ok_or_else(|| {
            Open311Error::new(
                StatusCode::FORBIDDEN,
                format,
                "api_key is not a valid token of this server",
            )
        })
}

/// One request as the standard lists it.
fn request(i: &Incident) -> Record {
    let n = &i.incident;
    let status = if n.status.is_open() { "open" } else { "closed" };
    vec![
        ("service_request_id", Field::Text(i.id.to_string())),
        ("status", Field::Text(status.into())),
        (
            "status_notes",
            Field::Text(format!("{} {}", n.status.zh(), n.status.as_str())),
        ),
        ("service_name", Field::Text(n.category.zh().into())),
        ("service_code", Field::Text(n.category.as_str().into())),
        ("description", Field::Text(n.description.clone())),
        ("agency_responsible", Field::Null),
        ("service_notice", Field::Null),
        (
            "requested_datetime",
            Field::Text(n.reported_at.to_rfc3339()),
        ),
        ("updated_datetime", Field::Null),
        ("expected_datetime", Field::Null),
        (
            "address",
            Field::Text(
                n.grids
                    .level3
                    .as_ref()
                    .map_or(String::new(), |g| g.to_string()),
            ),
        ),
        ("address_id", Field::Null),
        ("zipcode", Field::Null),
        ("lat", Field::Number(n.location.lat())),
        ("long", Field::Number(n.location.lng())),
        ("media_url", Field::Null),
    ]
}

/// `POST requests.{json,xml}`: files one request.
pub async fn post_requests(
    State(state): State<App>,
    format: Format,
    addr: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    body: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Open311Error> {
    let axum::Form(p) = body.map_err(|e| {
        Open311Error::bad(
            format,
            format!(
                "the body must be form-encoded (application/x-www-form-urlencoded): {}",
                e.body_text()
            ),
        )
    })?;
    let who = caller(&state, format, &p).await?;
    if !crate::app::policy::rule_for("POST", "/api/incidents").is_some_and(|r| r.admits(who.role)) {
        return Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            format,
            format!("a {} token does not file requests", who.role),
        ));
    }
    let code = get(&p, "service_code")
        .ok_or_else(|| Open311Error::bad(format, "service_code is required"))?;
    let c = category(code, format, StatusCode::BAD_REQUEST)?;
    let (lat, lng) = match (get(&p, "lat"), get(&p, "long")) {
        (Some(lat), Some(lng)) => (lat, lng),
        _ => {
            return Err(Open311Error::bad(
                format,
                "lat and long (WGS84) are required: this server places requests by coordinates, not address_string or address_id",
            ))
        }
    };
    let number = |name: &str, v: &str| {
        v.trim()
            .parse::<f64>()
            .map_err(|_| Open311Error::bad(format, format!("{name}={v:?} is not a number")))
    };
    let description = get(&p, "description").unwrap_or("");
    if description.chars().count() > DESCRIPTION_CHARS {
        return Err(Open311Error::bad(
            format,
            format!("description is longer than {DESCRIPTION_CHARS} characters"),
        ));
    }
    let name = [get(&p, "first_name"), get(&p, "last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut report = json!({
        "lng": number("long", lng)?, "lat": number("lat", lat)?, "crs": "wgs84",
        "category": c.as_str(), "description": description, "channel": "other",
    });
    if !name.is_empty() {
        report["reporter_name"] = json!(name);
    }
    if let Some(phone) = get(&p, "phone") {
        report["reporter_phone"] = json!(phone);
    }
    let engine = state.engine();
    let mut incident = RawReport::from_json(&report)
        .and_then(|r| r.into_incident(&engine, Utc::now()))
        .map_err(|e| Open311Error::from_app(format, e.into()))?;
    incident.reporter.by = Some(who.actor.clone());
    incident.reporter.source = Some(crate::http::session::source(&addr));
    let stored = state
        .report(incident)
        .await
        .map_err(|e| Open311Error::from_app(format, e.into()))?;
    let summary = format!("service request {} ({})", stored.id, c.as_str());
    if let Err(e) = crate::app::accounts::audit(
        &*state.store,
        &who.actor,
        "POST /open311/v2/requests",
        &stored.id.to_string(),
        &summary,
        "open311",
    )
    .await
    {
        tracing::error!(error = %e, "the audit line of an Open311 request was not stored");
    }
    let answer: Record = vec![
        ("service_request_id", Field::Text(stored.id.to_string())),
        (
            "service_notice",
            Field::Text(format!(
                "网格 {}",
                stored
                    .incident
                    .grids
                    .level3
                    .as_ref()
                    .map_or("—".to_string(), |g| g.to_string())
            )),
        ),
        ("account_id", Field::Null),
    ];
    Ok(records(
        StatusCode::CREATED,
        format,
        "service_requests",
        "request",
        &[answer],
    ))
}

fn date(
    format: Format,
    name: &str,
    v: Option<&str>,
) -> Result<Option<DateTime<Utc>>, Open311Error> {
    v.map(|s| {
        crate::http::params::instant(s)
            .map_err(|e| Open311Error::bad(format, format!("{name}: {e}")))
    })
    .transpose()
}

/// `GET requests.{json,xml}`.
pub async fn get_requests(
    State(state): State<App>,
    format: Format,
    q: Pairs,
) -> Result<Response, Open311Error> {
    let p = pairs(format, q)?;
    let who = caller(&state, format, &p).await?;
    if !crate::app::policy::rule_for("GET", "/api/incidents").is_some_and(|r| r.admits(who.role)) {
        return Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            format,
            format!("a {} token does not read requests", who.role),
        ));
    }
    if let Some((k, _)) = p
        .iter()
        .find(|(k, _)| !REQUEST_PARAMS.contains(&k.as_str()))
    {
        return Err(Open311Error::bad(
            format,
            format!(
                "unknown parameter {k:?}; requests takes {}",
                REQUEST_PARAMS.join(", ")
            ),
        ));
    }
    let mut base = caller_scope(&who);
    base.limit = Some(MOST);
    if let Some(ids) = get(&p, "service_request_id") {
        // Listed requests, whatever their dates.
        let mut out = Vec::new();
        for id in ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .take(MOST as usize)
        {
            let n: i64 = id.parse().map_err(|_| {
                Open311Error::bad(
                    format,
                    format!("service_request_id {id:?} is not a request number"),
                )
            })?;
            let q = IncidentQuery {
                id: Some(n),
                ..base.clone()
            };
            out.extend(
                state
                    .store
                    .incidents(&q)
                    .await
                    .map_err(|e| Open311Error::from_app(format, e.into()))?,
            );
        }
        let rs: Vec<Record> = out.iter().map(request).collect();
        return Ok(records(
            StatusCode::OK,
            format,
            "service_requests",
            "request",
            &rs,
        ));
    }
    let window = Duration::days(WINDOW_DAYS);
    let (start, end) = match (
        date(format, "start_date", get(&p, "start_date"))?,
        date(format, "end_date", get(&p, "end_date"))?,
    ) {
        (None, None) => {
            let now = Utc::now();
            (now - window, now)
        }
        (Some(s), None) => (s, s + window),
        (None, Some(e)) => (e - window, e),
        (Some(s), Some(e)) => (s, e),
    };
    if end < start {
        return Err(Open311Error::bad(format, "end_date is before start_date"));
    }
    if end - start > window {
        return Err(Open311Error::bad(format, format!("start_date to end_date spans more than {WINDOW_DAYS} days, the most one query asks for")));
    }
    let status = match get(&p, "status") {
        None => None,
        Some(s) => Some(
            s.split(',')
                .map(|one| match one.trim() {
                    "open" => Ok("open"),
                    "closed" => Ok("closed,evaluated"),
                    other => Err(Open311Error::bad(
                        format,
                        format!("status {other:?} is open or closed"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?
                .join(",")
                .parse::<StatusSet>()
                .map_err(|e| Open311Error::bad(format, format!("status: {e}")))?,
        ),
    };
    let category = get(&p, "service_code")
        .map(|code| category(code, format, StatusCode::BAD_REQUEST))
        .transpose()?;
    let q = IncidentQuery {
        from: Some(start),
        to: Some(end + Duration::milliseconds(1)),
        status,
        category,
        ..base
    };
    let rows = state
        .store
        .incidents(&q)
        .await
        .map_err(|e| Open311Error::from_app(format, e.into()))?;
    let rs: Vec<Record> = rows.iter().map(request).collect();
    Ok(records(
        StatusCode::OK,
        format,
        "service_requests",
        "request",
        &rs,
    ))
}

/// `GET requests/{id}.{json,xml}`: one request as a list of one (404 when the caller cannot
/// see it).
pub async fn get_one(
    State(state): State<App>,
    Path(file): Path<String>,
    q: Pairs,
) -> Result<Response, Open311Error> {
    let (id, format) = super::split(&file)?;
    let p = pairs(format, q)?;
    let who = caller(&state, format, &p).await?;
    let missing = || {
        Open311Error::new(
            StatusCode::NOT_FOUND,
            format,
            format!("no service request {id}"),
        )
    };
    let n: i64 = id.parse().map_err(|_| missing())?;
    let q = IncidentQuery {
        id: Some(n),
        limit: Some(1),
        ..caller_scope(&who)
    };
    let rows = state
        .store
        .incidents(&q)
        .await
        .map_err(|e| Open311Error::from_app(format, e.into()))?;
    let i = rows.first().ok_or_else(missing)?;
    Ok(records(
        StatusCode::OK,
        format,
        "service_requests",
        "request",
        &[request(i)],
    ))
}
