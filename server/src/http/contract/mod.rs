//! The API contract as Rust types: what the answers of the typed resources look like. Each
//! type is `Serialize` (what the server sends) and `TS` (what the frontend reads):
//! `web/src/api/generated.ts` is generated from these types by [`typescript`], and a test
//! fails when the checked-in file drifts from them (`make types` rewrites it).
//!
//! Codes the frontend knows as unions (categories, channels, statuses, coordinate systems,
//! party organisation) are typed by name and imported from `web/src/api/codes.ts`; GeoJSON
//! geometry from `web/src/api/geojson.ts`.

mod incidents;
mod plan;
mod territory;

pub use incidents::*;
pub use plan::*;
pub use territory::*;

use crate::domain::message::Message;
use crate::domain::validate::Defect;
use crate::domain::{Crs, GridPath, Level, RawCoord};
use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

/// A grid holding a point, at one level.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct GridRef {
    #[ts(type = "Level")]
    #[schema(value_type = u8)]
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
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct RawCoordView {
    pub lng: f64,
    pub lat: f64,
    #[ts(type = "Crs | 'cgcs2000'")]
    #[schema(value_type = String)]
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

/// A sentence users read, as a message code with its figures (see `web/src/i18n`).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct ServerMessage {
    pub code: String,
    #[ts(type = "Record<string, string | number>")]
    #[schema(value_type = Object)]
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
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DefectView {
    pub kind: String,
    pub feature: String,
    pub message: String,
    #[ts(type = "Position | null")]
    #[schema(value_type = Option<Vec<f64>>)]
    pub at: Option<[f64; 2]>,
    #[ts(type = "Record<string, string | number>")]
    #[schema(value_type = Object)]
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

/// A GeoJSON feature with typed properties (in TypeScript: `Feature<G, P>` of `geojson.ts`).
#[derive(Clone, Debug, Serialize)]
pub struct GeoFeature<P> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A GeoJSON id: a number or a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
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

/// Every error answer: `error` names the kind, `message` says what and where; the other
/// fields come with the errors that have them.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    /// 422: the list of what is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown[]")]
    #[schema(value_type = Vec<Object>)]
    pub problems: Option<Value>,
    /// 409 `stale_version`: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, as = "Option<f64>")]
    #[schema(value_type = Option<f64>)]
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
    #[schema(value_type = Object)]
    pub params: Option<Map<String, Value>>,
}

impl ErrorBody {
    /// An error with its kind and message only.
    pub fn plain(error: &str, message: String) -> ErrorBody {
        ErrorBody {
            error: error.to_string(),
            message,
            problems: None,
            current_version: None,
            field: None,
            code: None,
            params: None,
        }
    }
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
        CaseEventView::decl(),
        CaseView::decl(),
        DepartmentView::decl(),
        DepartmentsAnswer::decl(),
        CalendarAnswer::decl(),
        CalendarDayView::decl(),
        LimitView::decl(),
        NearbyCase::decl(),
        NearbyAnswer::decl(),
        KpiRow::decl(),
        KpiAnswer::decl(),
        OutboxLineView::decl(),
        OutboxAnswer::decl(),
        WallItem::decl(),
        WallAnswer::decl(),
        HealthAnswer::decl(),
        SessionView::decl(),
        AuditLine::decl(),
        AuditAnswer::decl(),
        GridProperties::decl(),
        OfficerView::decl(),
        IncidentCounts::decl(),
        GridDetailProperties::decl(),
        CompoundProperties::decl(),
        BuildingProperties::decl(),
        BasemapAnswer::decl(),
        ConfiguredBasemap::decl(),
        BasemapConfig::decl(),
        LoadQuantiles::decl(),
        CoverageAnswer::decl(),
        BulkAccepted::decl(),
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
        DraftStaff::decl(),
        BandView::decl(),
        OutOfBandGrid::decl(),
        OutOfBandAnswer::decl(),
        PlanUnit::decl(),
        PartProperties::decl(),
        SplitPreview::decl(),
        ErrorBody::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in server/src/http/contract.rs (and app::metrics) by\n\
         // `make types`; do not edit. A test fails when this file and the types drift apart.\n\
         import type { BasemapCrs, Category, Channel, Crs, Fit, Level, PartyOrg, Status } from './codes';\n\
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
