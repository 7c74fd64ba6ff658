//! `GET /api/incidents`: the filtered listing, newest first, in pages of at most
//! [`PAGE_MAX`] with a cursor (`next`) to the following page. A page is written to the
//! client as a stream, a few hundred features at a time, and the rows in flight across all
//! listings are bounded ([`HeavyReads`]): a burst of large listings waits its turn (or gets
//! a 503 after [`HeavyReads::wait`]) instead of filling memory.

use super::incidents::incident_view;
use super::params::{opt_param, time};
use super::{App, AppError};
use crate::app::auth::{Principal, Who};
use crate::domain::access::{Role, Scope};
use crate::domain::{Bbox, Category, Channel, GridCode, Incident, StatusSet};
use crate::store::{IncidentQuery, Todo};
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The most incidents one page holds; a larger `limit` is cut to it (the page says `next`).
pub const PAGE_MAX: u32 = 10_000;
/// Features serialised into one chunk of the streamed answer.
const CHUNK: usize = 256;
/// Store pages a `boundaries=current` listing reads looking for its grid's incidents before
/// it answers what it found, with `next` where it stopped.
const CURRENT_SCAN_PAGES: usize = 5;

/// The bound on incident rows held by listings at once, across all clients: each listing
/// takes a permit per row it may read and gives them back when its answer is sent (or its
/// client goes away).
#[derive(Clone)]
pub struct HeavyReads {
    rows: Arc<Semaphore>,
    total: u32,
    /// How long a listing waits for rows before it is answered 503.
    pub wait: Duration,
}

impl HeavyReads {
    pub fn new(total_rows: u32, wait: Duration) -> HeavyReads {
        let total = total_rows.max(PAGE_MAX + 1);
        HeavyReads {
            rows: Arc::new(Semaphore::new(total as usize)),
            total,
            wait,
        }
    }

    /// Rows `n` for a listing, waiting up to `wait`.
    pub(crate) async fn take(&self, n: u32) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        let n = n.min(self.total);
        let busy = || {
            AppError::Unavailable(format!(
                "the server is busy answering other large listings ({} rows in flight); \
                 try again in a few seconds, or ask for a smaller limit",
                self.total
            ))
        };
        match tokio::time::timeout(self.wait, Arc::clone(&self.rows).acquire_many_owned(n)).await {
            Ok(Ok(p)) => Ok(p),
            _ => Err(busy()),
        }
    }
}

/// Where a page starts: below the last listed incident's `(reported_at, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    at: DateTime<Utc>,
    id: i64,
}

impl Cursor {
    /// The cursor of the page after incident `i`.
    pub fn after(i: &Incident) -> Cursor {
        Cursor {
            at: i.incident.reported_at,
            id: i.id,
        }
    }

    /// The `(reported_at, id)` pair the next page starts below.
    pub fn key(self) -> (DateTime<Utc>, i64) {
        (self.at, self.id)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}_{}", self.at.timestamp_millis(), self.id)
    }
}

impl std::str::FromStr for Cursor {
    type Err = String;
    fn from_str(s: &str) -> Result<Cursor, String> {
        let bad = || format!("{s:?} is not a cursor this server gave (the `next` of a page)");
        let (ms, id) = s.split_once('_').ok_or_else(bad)?;
        let ms: i64 = ms.parse().map_err(|_| bad())?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        let at = DateTime::<Utc>::from_timestamp_millis(ms).ok_or_else(bad)?;
        Ok(Cursor { at, id })
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
    /// Where the page starts: the `next` of the page before (opaque to clients).
    cursor: Option<String>,
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
    Extension(heavy): Extension<HeavyReads>,
    OriginalUri(uri): OriginalUri,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(p) = params?;
    let page = match opt_param::<u32>("limit", &p.limit)? {
        Some(0) => {
            return Err(AppError::param(
                "limit",
                format!("0 is outside 1..={PAGE_MAX} (larger values are cut to {PAGE_MAX})"),
            ))
        }
        Some(n) => n.min(PAGE_MAX),
        None => crate::store::DEFAULT_INCIDENT_LIMIT,
    };
    let cursor = opt_param::<Cursor>("cursor", &p.cursor)?;
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
    let scoped = caller_scope(&who);
    let q = IncidentQuery {
        grid: if current.is_some() { None } else { grid },
        category: opt_param::<Category>("category", &p.category)?,
        status: opt_param::<StatusSet>("status", &p.status)?,
        channel: opt_param::<Channel>("channel", &p.channel)?,
        from: time("from", &p.from)?,
        to: time("to", &p.to)?,
        bbox,
        // One row more than the page: whether there is a next page.
        limit: Some(page + 1),
        after_id: None,
        up_to_id: None,
        below: cursor.map(Cursor::key),
        everything: false,
        // The caller sees the grid (checked above); only its incidents are kept below.
        within: if current.is_some() {
            None
        } else {
            scoped.within
        },
        categories: scoped.categories,
        department: cases.department,
        due_before: cases.due_before,
        due_after: cases.due_after,
        supervised: cases.supervised,
        todo: cases.todo,
        reported_by: scoped
            .reported_by
            .or_else(|| cases.mine.then(|| who.actor.clone())),
        id: None,
        order_no: None,
    };
    let permit = heavy.take(page + 1).await?;
    let (rows, next) = match &current {
        Some(g) => in_current_grid(&state, &engine, q, g, page).await?,
        None => {
            let mut rows = state.store.incidents(&q).await?;
            let next = cut_to_page(&mut rows, page);
            (rows, next)
        }
    };
    let next = next.map(|c| next_url(&uri, page, c));
    Ok(stream_page(rows, next, engine, who, permit))
}

/// The incidents `who` may see at all, as a query to add filters to: a grid scope by the
/// report-time grids, a department's categories, a reporter's own reports.
pub fn caller_scope(who: &Principal) -> IncidentQuery {
    IncidentQuery {
        within: match &who.scope {
            Scope::Categories(_) => None,
            Scope::Nothing if who.role == Role::Reporter => None,
            _ => who.within(),
        },
        // A department sees the cases dispatched to it; a token of categories without a
        // department name sees the cases of those categories.
        categories: match &who.scope {
            Scope::Categories(c) if who.department.is_none() => Some(c.clone()),
            _ => None,
        },
        department: match &who.scope {
            Scope::Categories(_) => who.department.clone(),
            _ => None,
        },
        reported_by: (who.role == Role::Reporter).then(|| who.actor.clone()),
        ..IncidentQuery::default()
    }
}

/// Cuts one row over `page` away: the cursor after the page when there was one.
fn cut_to_page(rows: &mut Vec<Incident>, page: u32) -> Option<Cursor> {
    if rows.len() <= page as usize {
        return None;
    }
    rows.truncate(page as usize);
    rows.last().map(Cursor::after)
}

/// The incidents inside grid `g` as drawn now: the store is read page by page inside the
/// grid's box and each incident placed again, for at most [`CURRENT_SCAN_PAGES`] pages.
async fn in_current_grid(
    state: &App,
    engine: &crate::engine::Engine,
    mut q: IncidentQuery,
    g: &GridCode,
    page: u32,
) -> Result<(Vec<Incident>, Option<Cursor>), AppError> {
    let mut kept = Vec::new();
    let mut last = None;
    for _ in 0..CURRENT_SCAN_PAGES {
        let rows = state.store.incidents(&q).await?;
        let more = rows.len() >= q.limit.unwrap_or(0) as usize;
        last = rows.last().map(Cursor::after);
        for i in rows {
            if engine.assign(i.incident.location).grids.at(g.level()) == Some(g) {
                kept.push(i);
                if kept.len() > page as usize {
                    let next = cut_to_page(&mut kept, page);
                    return Ok((kept, next));
                }
            }
        }
        if !more {
            return Ok((kept, None));
        }
        q.below = last.map(|c| (c.at, c.id));
    }
    // Scanned enough for one answer: the next page goes on from the last row read.
    Ok((kept, last))
}

/// The URL of the page after this one: the same query with `limit` and `cursor` set.
fn next_url(uri: &axum::http::Uri, page: u32, c: Cursor) -> String {
    let mut query: Vec<String> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("cursor=") && !kv.starts_with("limit="))
        .map(str::to_string)
        .collect();
    query.push(format!("limit={page}"));
    query.push(format!("cursor={c}"));
    format!("{}?{}", uri.path(), query.join("&"))
}

/// What comes before a page's features.
#[derive(Serialize)]
struct PageHead<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    /// The next page's URL; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<&'a str>,
}

/// Writes a page as a FeatureCollection a chunk at a time; the rows' permits go back when
/// the last chunk is sent or the client goes away.
fn stream_page(
    rows: Vec<Incident>,
    next: Option<String>,
    engine: Arc<crate::engine::Engine>,
    who: Who,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Response {
    use futures_util::StreamExt;
    let head = PageHead {
        kind: "FeatureCollection",
        number_returned: rows.len(),
        next: next.as_deref(),
    };
    let mut opening = serde_json::to_vec(&head).unwrap_or_default();
    opening.pop(); // the closing brace: the features follow
    opening.extend_from_slice(b",\"features\":[");
    let link = next
        .as_deref()
        .and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok());
    let mut chunks: Vec<Vec<Incident>> = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        chunks.push(rows.by_ref().take(CHUNK).collect());
    }
    let features =
        futures_util::stream::iter(chunks.into_iter().enumerate()).map(move |(n, chunk)| {
            let mut out = Vec::with_capacity(chunk.len() * 640);
            for (k, i) in chunk.iter().enumerate() {
                if n > 0 || k > 0 {
                    out.push(b',');
                }
                write_feature(&mut out, i, &engine, &who);
            }
            Ok::<_, std::convert::Infallible>(Bytes::from(out))
        });
    let body = futures_util::stream::once(async move { Ok(Bytes::from(opening)) })
        .chain(features)
        .chain(futures_util::stream::once(async move {
            drop(permit);
            Ok(Bytes::from_static(b"]}"))
        }));
    let mut res = Body::from_stream(body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(link) = link {
        res.headers_mut().insert(header::LINK, link);
    }
    res
}

/// One incident as a GeoJSON feature, appended to `out`.
fn write_feature(out: &mut Vec<u8>, i: &Incident, engine: &crate::engine::Engine, who: &Principal) {
    let p = i.incident.location;
    let feature = super::contract::GeoFeature {
        id: Some(i.id.into()),
        ..super::contract::GeoFeature::new(
            incident_view(i, engine, who),
            serde_json::json!({ "type": "Point", "coordinates": [p.lng(), p.lat()] }),
        )
    };
    if let Err(e) = serde_json::to_writer(&mut *out, &feature) {
        tracing::error!(error = %e, id = i.id, "an incident could not be written as JSON");
    }
}
