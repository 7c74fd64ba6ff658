//! The API contract as Rust types: what the answers of the typed resources look like. Each
//! type is `Serialize` (what the server sends) and `TS` (what the frontend reads):
//! `web/src/api/generated.ts` is generated from these types by [`typescript`], and a test
//! fails when the checked-in file drifts from them (`make types` rewrites it).
//!
//! Codes the frontend knows as unions (categories, channels, statuses, coordinate systems,
//! party organisation) are typed by name and imported from `web/src/api/codes.ts`; GeoJSON
//! geometry from `web/src/api/geojson.ts`.

use crate::domain::message::Message;
use crate::domain::validate::Defect;
use crate::domain::{Category, Channel, Crs, FeatureId, GridPath, IncidentStatus, Level, RawCoord};
use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

/// A grid holding a point, at one level.
#[derive(Clone, Debug, Serialize, TS)]
pub struct GridRef {
    #[ts(type = "Level")]
    pub level: u8,
    pub code: String,
}

/// The grids of a path, level 1 first, leaving out the levels that hold nothing.
pub fn grid_refs(path: &GridPath) -> Vec<GridRef> {
    [
        (Level::One, &path.level1),
        (Level::Two, &path.level2),
        (Level::Three, &path.level3),
    ]
    .into_iter()
    .filter_map(|(l, c)| {
        c.as_ref().map(|c| GridRef {
            level: l.number(),
            code: c.to_string(),
        })
    })
    .collect()
}

/// A coordinate as it was reported, before conversion to WGS84.
#[derive(Clone, Debug, Serialize, TS)]
pub struct RawCoordView {
    pub lng: f64,
    pub lat: f64,
    #[ts(type = "Crs | 'cgcs2000'")]
    pub crs: Crs,
}

impl From<RawCoord> for RawCoordView {
    fn from(r: RawCoord) -> RawCoordView {
        RawCoordView {
            lng: r.lng,
            lat: r.lat,
            crs: r.crs,
        }
    }
}

/// The compound holding a point: its id always, its name and party organisation when the
/// engine knows it.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CompoundRef {
    #[ts(type = "string")]
    pub id: FeatureId,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "PartyOrg")]
    pub party_org: Option<&'static str>,
}

/// The building holding a point.
#[derive(Clone, Debug, Serialize, TS)]
pub struct BuildingRef {
    #[ts(type = "string")]
    pub id: FeatureId,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub households: Option<u32>,
    /// The compound the building belongs to (null: none), when the engine knows the building.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string | null")]
    pub compound: Option<Option<FeatureId>>,
}

/// `GET /api/locate`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct LocateAnswer {
    #[ts(type = "Position")]
    pub wgs84: [f64; 2],
    pub raw: RawCoordView,
    pub grids: Vec<GridRef>,
    pub compound: Option<CompoundRef>,
    pub building: Option<BuildingRef>,
}

/// An incident as the API gives it (the `POST` answer and each listed feature's properties):
/// `grids` are those it was reported in (they never change); `current_grids` those holding
/// it under the boundaries in force now.
#[derive(Clone, Debug, Serialize, TS)]
pub struct IncidentView {
    #[ts(as = "f64")]
    pub id: i64,
    #[ts(type = "Position")]
    pub wgs84: [f64; 2],
    pub raw: RawCoordView,
    pub grids: Vec<GridRef>,
    pub current_grids: Vec<GridRef>,
    #[ts(type = "string | null")]
    pub compound: Option<FeatureId>,
    #[ts(type = "string | null")]
    pub building: Option<FeatureId>,
    #[ts(type = "Category")]
    pub category: Category,
    pub description: String,
    #[ts(type = "Channel")]
    pub channel: Channel,
    #[ts(type = "Status")]
    pub status: IncidentStatus,
    pub reported_at: String,
}

/// `GET /api/health`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct HealthAnswer {
    pub status: String,
    pub store: String,
    /// Grids per level: `{"1": …, "2": …, "3": …}`.
    #[ts(type = "{ '1': number; '2': number; '3': number }")]
    pub grids: Map<String, Value>,
    #[ts(as = "f64")]
    pub compounds: u64,
    #[ts(as = "f64")]
    pub buildings: u64,
    #[ts(as = "f64")]
    pub officers: u64,
    #[ts(as = "f64")]
    pub service_centres: u64,
    #[ts(as = "f64")]
    pub incidents: u64,
}

/// A sentence users read, as a message code with its figures (see `web/src/i18n`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct ServerMessage {
    pub code: String,
    #[ts(type = "Record<string, string | number>")]
    pub params: Map<String, Value>,
    pub message: String,
}

impl From<&Message> for ServerMessage {
    fn from(m: &Message) -> ServerMessage {
        ServerMessage {
            code: m.code.to_string(),
            params: m.params.clone(),
            message: m.message.clone(),
        }
    }
}

/// Messages as the API sends them.
pub fn server_messages(ms: &[Message]) -> Vec<ServerMessage> {
    ms.iter().map(ServerMessage::from).collect()
}

/// A problem the validator found: `kind` names its template (`defect.<kind>` in i18n).
#[derive(Clone, Debug, Serialize, TS)]
pub struct DefectView {
    pub kind: String,
    pub feature: String,
    pub message: String,
    #[ts(type = "Position | null")]
    pub at: Option<[f64; 2]>,
    #[ts(type = "Record<string, string | number>")]
    pub params: Map<String, Value>,
}

impl From<&Defect> for DefectView {
    fn from(d: &Defect) -> DefectView {
        DefectView {
            kind: d.kind.as_str().to_string(),
            feature: d.feature.clone(),
            message: d.message.clone(),
            at: d.at.map(|a| [a.0, a.1]),
            params: d.params.clone(),
        }
    }
}

/// Defects as the API sends them.
pub fn defect_views(ds: &[Defect]) -> Vec<DefectView> {
    ds.iter().map(DefectView::from).collect()
}

/// `GET /api/drafts/{id}/validate`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Validation {
    pub valid: bool,
    pub errors: Vec<DefectView>,
    pub warnings: Vec<DefectView>,
}

/// `POST /api/drafts/{id}/publish` (201).
#[derive(Clone, Debug, Serialize, TS)]
pub struct Published {
    #[ts(as = "f64")]
    pub version: i64,
    pub valid_from: String,
    pub retired: Vec<String>,
    pub created: Vec<String>,
    pub warnings: Vec<DefectView>,
}

/// One published version of the grid set.
#[derive(Clone, Debug, Serialize, TS)]
pub struct GridVersionInfo {
    #[ts(as = "f64")]
    pub version: i64,
    pub valid_from: String,
    pub published_at: String,
    #[ts(as = "Option<f64>")]
    pub draft: Option<i64>,
    pub note: String,
    pub retired: Vec<String>,
    pub created: Vec<String>,
}

/// `GET /api/versions`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct VersionsAnswer {
    pub versions: Vec<GridVersionInfo>,
}

/// A draft in the list of drafts.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DraftSummary {
    #[ts(as = "f64")]
    pub id: i64,
    pub name: String,
    #[ts(as = "f64")]
    pub base_version: i64,
    /// Increases with every saved edit; an edit made on an older version is refused (409).
    #[ts(as = "f64")]
    pub version: i64,
    pub operations: usize,
    pub updated_at: String,
}

/// `GET /api/drafts`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DraftsAnswer {
    pub drafts: Vec<DraftSummary>,
}

/// A grid a draft would create, with the figures the planner judges it by.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DraftGridProperties {
    pub code: String,
    pub name: String,
    pub households: u32,
    pub population: u32,
    #[ts(type = "Fit")]
    pub fit: &'static str,
    pub polsby_popper: f64,
    pub contiguous: bool,
    pub replaces: Vec<String>,
    pub households_before: u32,
    /// Officers it would have once published (those of the grid it inherits from).
    pub officers: u32,
}

/// A GeoJSON feature with typed properties (in TypeScript: `Feature<G, P>` of `geojson.ts`).
#[derive(Clone, Debug, Serialize)]
pub struct GeoFeature<P> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub properties: P,
    pub geometry: Value,
}

/// A GeoJSON feature collection with typed properties (in TypeScript: `FeatureCollection<G, P>`).
#[derive(Clone, Debug, Serialize)]
pub struct GeoFeatureCollection<P> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub features: Vec<GeoFeature<P>>,
}

impl<P> GeoFeatureCollection<P> {
    pub fn new(features: Vec<GeoFeature<P>>) -> Self {
        GeoFeatureCollection {
            kind: "FeatureCollection",
            features,
        }
    }
}

impl<P> GeoFeature<P> {
    pub fn new(properties: P, geometry: Value) -> Self {
        GeoFeature {
            kind: "Feature",
            id: None,
            properties,
            geometry,
        }
    }
}

/// An oversized grid left as it was by "fix every oversized grid", and why.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Unfixed {
    pub code: String,
    /// The reasons in English, joined.
    pub reason: String,
    pub reasons: Vec<ServerMessage>,
}

/// What "fix every oversized grid" did.
#[derive(Clone, Debug, Serialize, TS)]
pub struct FixReport {
    pub split: usize,
    pub paired: usize,
    pub unfixed: Vec<Unfixed>,
    pub seconds: f64,
}

/// A draft: the grids it would create and what it retires; after an edit, what the edit
/// reported (`problems`/`reasons`, `divided`, `fixed`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct DraftView {
    #[ts(as = "f64")]
    pub id: i64,
    pub name: String,
    #[ts(as = "f64")]
    pub base_version: i64,
    /// Increases with every saved edit; an edit made on an older version is refused (409).
    #[ts(as = "f64")]
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub operations: usize,
    pub cursor: usize,
    pub can_undo: bool,
    pub can_redo: bool,
    pub retired: Vec<String>,
    #[ts(type = "FeatureCollection<Polygon | MultiPolygon, DraftGridProperties>")]
    pub grids: GeoFeatureCollection<DraftGridProperties>,
    /// Why the draft no longer applies (another version changed its grids), or null.
    pub stale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub problems: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reasons: Option<Vec<ServerMessage>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub divided: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fixed: Option<FixReport>,
}

/// Every error answer: `error` names the kind, `message` says what and where; the other
/// fields come with the errors that have them.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    /// 422: the list of what is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown[]")]
    pub problems: Option<Value>,
    /// 409 `stale_version`: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, as = "Option<f64>")]
    pub current_version: Option<i64>,
    /// 400 `invalid_field`: the field, and what is wrong as a message code with its figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Record<string, string | number>")]
    pub params: Option<Map<String, Value>>,
}

/// The contents of `web/src/api/generated.ts`.
pub fn typescript() -> String {
    let decls = [
        GridRef::decl(),
        RawCoordView::decl(),
        CompoundRef::decl(),
        BuildingRef::decl(),
        LocateAnswer::decl(),
        IncidentView::decl(),
        HealthAnswer::decl(),
        crate::app::metrics::GridMetrics::decl(),
        crate::app::metrics::StatsAnswer::decl(),
        ServerMessage::decl(),
        DefectView::decl(),
        Validation::decl(),
        Published::decl(),
        GridVersionInfo::decl(),
        VersionsAnswer::decl(),
        DraftSummary::decl(),
        DraftsAnswer::decl(),
        DraftGridProperties::decl(),
        Unfixed::decl(),
        FixReport::decl(),
        DraftView::decl(),
        ErrorBody::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in server/src/http/contract.rs (and app::metrics) by\n\
         // `make types`; do not edit. A test fails when this file and the types drift apart.\n\
         import type { Category, Channel, Crs, Fit, Level, PartyOrg, Status } from './codes';\n\
         import type { FeatureCollection, MultiPolygon, Polygon, Position } from './geojson';\n",
    );
    for d in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&d);
        out.push('\n');
    }
    out
}
