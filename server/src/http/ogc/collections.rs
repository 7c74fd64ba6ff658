//! The OGC collections: which exist, who may read each (the role rule of the API route that
//! serves the same data), the query parameters of `/items`, and reading one page of
//! features or one feature, cut to the caller's scope.

use super::{OgcError, DEFAULT_LIMIT, MAX_LIMIT};
use crate::app::auth::Principal;
use crate::domain::{Bbox, GridCode, Level};
use crate::http::features::{building_feature, compound_feature, grid_feature};
use crate::http::incident_list::{caller_scope, Cursor, HeavyReads};
use crate::http::App;
use crate::store::{AreaQuery, GridQuery};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    Grids(Level),
    Compounds,
    Buildings,
    ServiceCentres,
    Incidents,
}

impl Collection {
    pub const ALL: [Collection; 7] = [
        Collection::Grids(Level::One),
        Collection::Grids(Level::Two),
        Collection::Grids(Level::Three),
        Collection::Compounds,
        Collection::Buildings,
        Collection::ServiceCentres,
        Collection::Incidents,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Collection::Grids(Level::One) => "grids-level-1",
            Collection::Grids(Level::Two) => "grids-level-2",
            Collection::Grids(Level::Three) => "grids-level-3",
            Collection::Compounds => "compounds",
            Collection::Buildings => "buildings",
            Collection::ServiceCentres => "service-centres",
            Collection::Incidents => "incidents",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Collection::Grids(Level::One) => "一级网格 level-1 grids",
            Collection::Grids(Level::Two) => "二级网格 level-2 grids",
            Collection::Grids(Level::Three) => "三级网格 level-3 grids",
            Collection::Compounds => "小区 residential compounds",
            Collection::Buildings => "楼栋 buildings",
            Collection::ServiceCentres => "服务中心 service centres",
            Collection::Incidents => "事件 incidents",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Collection::Grids(_) => {
                "The grids in force with their code, name, households, population and officers"
            }
            Collection::Compounds => "Residential compounds with households and party organisation",
            Collection::Buildings => "Building footprints with households and their compound",
            Collection::ServiceCentres => "Community and street service centres",
            Collection::Incidents => {
                "Reported incidents, newest first; datetime filters by the time reported"
            }
        }
    }

    /// The API route serving the same data: its role rule decides who reads the collection.
    fn route(self) -> &'static str {
        match self {
            Collection::Grids(_) => "/api/grids",
            Collection::Compounds | Collection::ServiceCentres => "/api/compounds",
            Collection::Buildings => "/api/buildings",
            Collection::Incidents => "/api/incidents",
        }
    }

    pub fn readable_by(self, who: &Principal) -> bool {
        crate::app::policy::rule_for("GET", self.route()).is_some_and(|r| r.admits(who.role))
    }

    /// The collection called `id` if `who` may read it: 404 for no such collection, 403
    /// naming the roles for one the caller's role may not read.
    pub fn named(id: &str, who: &Principal) -> Result<Collection, OgcError> {
        let c = Collection::ALL
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = Collection::ALL.iter().map(|c| c.id()).collect();
                OgcError::not_found(format!(
                    "no collection {id:?}; the collections are {}",
                    ids.join(", ")
                ))
            })?;
        match crate::app::policy::rule_for("GET", c.route()) {
            Some(rule) if rule.admits(who.role) => Ok(c),
            Some(rule) => Err(rule.refusal(who.role).into()),
            None => Err(OgcError::not_found(format!("no collection {id:?}"))),
        }
    }
}

/// What `/items` was asked for.
#[derive(Debug)]
pub struct Page {
    pub limit: usize,
    offset: usize,
    cursor: Option<Cursor>,
    bbox: Option<Bbox>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    /// `bbox` and `datetime` as given, for the links.
    kept: Vec<(&'static str, String)>,
}

/// The parameters `/items` reads.
const ITEM_PARAMS: &[&str] = &[
    "limit", "offset", "cursor", "bbox", "bbox-crs", "datetime", "f",
];

impl Page {
    pub fn parse(c: Collection, p: &BTreeMap<String, String>) -> Result<Page, OgcError> {
        if let Some(k) = p.keys().find(|k| !ITEM_PARAMS.contains(&k.as_str())) {
            return Err(OgcError::bad(format!(
                "unknown query parameter {k:?}; /items takes {}",
                ITEM_PARAMS.join(", ")
            )));
        }
        let limit = match p.get("limit") {
            None => DEFAULT_LIMIT,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if n >= 1 => n.min(MAX_LIMIT),
                _ => {
                    return Err(OgcError::bad(format!(
                        "limit={l}: a whole number from 1 (larger than {MAX_LIMIT} is cut to {MAX_LIMIT})"
                    )))
                }
            },
        };
        let offset = match p.get("offset") {
            None => 0,
            Some(o) => o
                .parse::<usize>()
                .map_err(|_| OgcError::bad(format!("offset={o}: a whole number from 0")))?,
        };
        let cursor = match p.get("cursor") {
            Some(_) if c != Collection::Incidents => {
                return Err(OgcError::bad("cursor pages incidents only; use offset"))
            }
            Some(s) => Some(
                s.parse::<Cursor>()
                    .map_err(|e| OgcError::bad(format!("cursor: {e}")))?,
            ),
            None => None,
        };
        if let Some(crs) = p.get("bbox-crs") {
            if crs != super::CRS84 {
                return Err(OgcError::bad(format!(
                    "bbox-crs={crs}: only {} is served",
                    super::CRS84
                )));
            }
        }
        let mut kept = Vec::new();
        let bbox = match p.get("bbox") {
            None => None,
            Some(b) => {
                kept.push(("bbox", b.clone()));
                Some(parse_bbox(b)?)
            }
        };
        let (from, to) = match p.get("datetime") {
            None => (None, None),
            Some(d) => {
                kept.push(("datetime", d.clone()));
                parse_datetime(d)?
            }
        };
        Ok(Page {
            limit,
            offset,
            cursor,
            bbox,
            from,
            to,
            kept,
        })
    }

    /// The query string of this page (`None`) or of the page starting at `next`.
    pub fn query(&self, next: Option<&Next>) -> String {
        let mut q = vec![format!("limit={}", self.limit)];
        for (k, v) in &self.kept {
            q.push(format!("{k}={}", encode(v)));
        }
        match next {
            Some(Next::Offset(o)) => q.push(format!("offset={o}")),
            Some(Next::Cursor(c)) => q.push(format!("cursor={c}")),
            None if self.offset > 0 => q.push(format!("offset={}", self.offset)),
            None => {
                if let Some(c) = self.cursor {
                    q.push(format!("cursor={c}"));
                }
            }
        }
        format!("?{}", q.join("&"))
    }
}

/// Percent-encodes what a query value may not hold as it is.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b','
            | b':'
            | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `minLon,minLat,maxLon,maxLat` (or six numbers with heights, which are ignored).
fn parse_bbox(b: &str) -> Result<Bbox, OgcError> {
    let n: Vec<f64> = b
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| OgcError::bad(format!("bbox={b}: four numbers separated by commas")))?;
    let [a, b2, c, d] = match n.as_slice() {
        [a, b2, c, d] => [*a, *b2, *c, *d],
        [a, b2, _, c, d, _] => [*a, *b2, *c, *d],
        _ => {
            return Err(OgcError::bad(format!(
                "bbox={b}: {} numbers; give minLon,minLat,maxLon,maxLat",
                n.len()
            )))
        }
    };
    Bbox::new(a, b2, c, d).map_err(|e| OgcError::bad(format!("bbox={b}: {e}")))
}

/// A time range: from (inclusive), to (exclusive); `None` is open.
type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// An instant, or an interval `start/end` with `..` (or nothing) for an open end.
fn parse_datetime(d: &str) -> Result<Span, OgcError> {
    let at = |s: &str| -> Result<Option<DateTime<Utc>>, OgcError> {
        match s.trim() {
            "" | ".." => Ok(None),
            t => crate::http::params::instant(t)
                .map(Some)
                .map_err(|e| OgcError::bad(format!("datetime={d}: {e}"))),
        }
    };
    match d.split_once('/') {
        Some((a, b)) => {
            let (from, to) = (at(a)?, at(b)?);
            if let (Some(f), Some(t)) = (from, to) {
                if f > t {
                    return Err(OgcError::bad(format!(
                        "datetime={d}: the start is after the end"
                    )));
                }
            }
            // The end of an interval is inclusive in the standard; the store's `to` is not.
            Ok((from, to.map(|t| t + chrono::Duration::milliseconds(1))))
        }
        None => {
            let t = at(d)?.ok_or_else(|| OgcError::bad("datetime=..: an instant is a time"))?;
            Ok((Some(t), Some(t + chrono::Duration::milliseconds(1))))
        }
    }
}

/// Where the next page starts.
#[derive(Debug)]
pub enum Next {
    Offset(usize),
    Cursor(Cursor),
}

/// One page of features.
pub struct Found {
    pub features: Vec<Value>,
    pub returned: usize,
    pub matched: Option<usize>,
    pub next: Option<Next>,
}

fn to_value<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The service centres `who` may see (those inside the caller's grids), as features.
fn centre_features(
    state: &App,
    who: &Principal,
    all: Vec<crate::domain::ServiceCentre>,
) -> Vec<(String, Value)> {
    let engine = state.engine();
    let prefixes = who.within();
    all.into_iter()
        .filter(|s| match &prefixes {
            None => true,
            Some(ps) => {
                let grids = engine.assign(s.location).grids;
                let seen = [&grids.level1, &grids.level2, &grids.level3]
                    .into_iter()
                    .flatten()
                    .any(|g| ps.iter().any(|p| g.as_str().starts_with(p.as_str())));
                seen
            }
        })
        .map(|s| {
            let id = s.id.to_string();
            let f = json!({
                "type": "Feature",
                "id": id,
                "properties": { "id": id, "name": s.name, "level": s.level.as_str() },
                "geometry": { "type": "Point", "coordinates": [s.location.lng(), s.location.lat()] },
            });
            (id, f)
        })
        .collect()
}

fn inside(b: &Bbox, p: crate::domain::Wgs84Point) -> bool {
    (b.min_lng()..=b.max_lng()).contains(&p.lng()) && (b.min_lat()..=b.max_lat()).contains(&p.lat())
}

/// Every feature of a collection without a time (all but incidents) inside `bbox`, in a
/// stable order, each with its id.
async fn static_features(
    state: &App,
    who: &Principal,
    c: Collection,
    bbox: Option<Bbox>,
) -> Result<Vec<(String, Value)>, OgcError> {
    let area = AreaQuery {
        grid: None,
        bbox,
        within: who.within(),
    };
    Ok(match c {
        Collection::Grids(level) => {
            let q = GridQuery {
                level: Some(level),
                parent: None,
                bbox,
                within: who.within(),
            };
            let rows = state.store.grids(&q).await?;
            rows.iter()
                .map(|r| (r.grid.code.to_string(), to_value(grid_feature(r))))
                .collect()
        }
        Collection::Compounds => state
            .store
            .compounds(&area)
            .await?
            .iter()
            .map(|x| (x.id.to_string(), to_value(compound_feature(x))))
            .collect(),
        Collection::Buildings => state
            .store
            .buildings(&area)
            .await?
            .iter()
            .map(|x| (x.id.to_string(), to_value(building_feature(x))))
            .collect(),
        Collection::ServiceCentres => {
            let all = state.store.service_centres().await?;
            let inside = all
                .into_iter()
                .filter(|s| bbox.is_none_or(|b| inside(&b, s.location)))
                .collect();
            centre_features(state, who, inside)
        }
        Collection::Incidents => Vec::new(),
    })
}

/// One page of a collection's features.
pub async fn items(
    state: &App,
    who: &Principal,
    heavy: &HeavyReads,
    c: Collection,
    page: &Page,
) -> Result<Found, OgcError> {
    if c == Collection::Incidents {
        return incidents(state, who, heavy, page).await;
    }
    let all = static_features(state, who, c, page.bbox).await?;
    let matched = all.len();
    let features: Vec<Value> = all
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .map(|(_, f)| f)
        .collect();
    let end = page.offset.saturating_add(features.len());
    Ok(Found {
        returned: features.len(),
        features,
        matched: Some(matched),
        next: (end < matched).then_some(Next::Offset(end)),
    })
}

async fn incidents(
    state: &App,
    who: &Principal,
    heavy: &HeavyReads,
    page: &Page,
) -> Result<Found, OgcError> {
    if page.offset > 0 {
        return Err(OgcError::bad(
            "incidents page with cursor (the next link), not offset",
        ));
    }
    let limit = u32::try_from(page.limit).unwrap_or(u32::MAX);
    let q = crate::store::IncidentQuery {
        bbox: page.bbox,
        from: page.from,
        to: page.to,
        limit: Some(limit + 1),
        below: page.cursor.map(|c| c.key()),
        ..caller_scope(who)
    };
    let _rows = heavy.take(limit + 1).await?;
    let mut rows = state.store.incidents(&q).await?;
    let more = rows.len() > page.limit;
    rows.truncate(page.limit);
    let engine = state.engine();
    let features: Vec<Value> = rows
        .iter()
        .map(|i| {
            let p = i.incident.location;
            json!({
                "type": "Feature",
                "id": i.id,
                "properties": to_value(crate::http::incidents::incident_view(i, &engine, who)),
                "geometry": { "type": "Point", "coordinates": [p.lng(), p.lat()] },
            })
        })
        .collect();
    let next = if more {
        rows.last().map(|i| Next::Cursor(Cursor::after(i)))
    } else {
        None
    };
    Ok(Found {
        returned: features.len(),
        features,
        matched: None,
        next,
    })
}

/// One feature by its id (404 in the OGC shape when the caller cannot see it).
pub async fn one(state: &App, who: &Principal, c: Collection, id: &str) -> Result<Value, OgcError> {
    let missing = || OgcError::not_found(format!("no feature {id:?} in collection {}", c.id()));
    if c == Collection::Incidents {
        let n: i64 = id.parse().map_err(|_| missing())?;
        let q = crate::store::IncidentQuery {
            id: Some(n),
            limit: Some(1),
            ..caller_scope(who)
        };
        let rows = state.store.incidents(&q).await?;
        let i = rows.first().ok_or_else(missing)?;
        let p = i.incident.location;
        let engine = state.engine();
        return Ok(json!({
            "type": "Feature",
            "id": i.id,
            "properties": to_value(crate::http::incidents::incident_view(i, &engine, who)),
            "geometry": { "type": "Point", "coordinates": [p.lng(), p.lat()] },
        }));
    }
    if let Collection::Grids(level) = c {
        // A code of another level is no feature of this collection.
        if GridCode::parse(id).ok().is_none_or(|g| g.level() != level) {
            return Err(missing());
        }
    }
    static_features(state, who, c, None)
        .await?
        .into_iter()
        .find(|(fid, _)| fid == id)
        .map(|(_, f)| f)
        .ok_or_else(missing)
}

/// The box around every grid in force, for the collections' spatial extent.
pub fn city_extent(state: &App) -> Option<[f64; 4]> {
    use geo::BoundingRect;
    let engine = state.engine();
    let grids = &engine.city().grids;
    crate::gpkg::extent(grids.iter().filter_map(|g| g.geometry.bounding_rect()))
}
