//! Planning answers: validation, publish, versions, drafts, and the oversized list and split
//! preview.

use super::{DefectView, GeoFeatureCollection, OfficerView, ServerMessage};
use crate::domain::GridCode;
use serde::Serialize;
use ts_rs::TS;

/// `GET /api/drafts/{id}/validate`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct Validation {
    pub valid: bool,
    pub errors: Vec<DefectView>,
    pub warnings: Vec<DefectView>,
}

/// `POST /api/drafts/{id}/publish` (201).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct Published {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub version: i64,
    pub valid_from: String,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub retired: Vec<GridCode>,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub created: Vec<GridCode>,
    pub warnings: Vec<DefectView>,
}

/// One published version of the grid set.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct GridVersionInfo {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub version: i64,
    pub valid_from: String,
    pub published_at: String,
    #[ts(as = "Option<f64>")]
    #[schema(value_type = Option<f64>)]
    pub draft: Option<i64>,
    pub note: String,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub retired: Vec<GridCode>,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub created: Vec<GridCode>,
}

/// `GET /api/versions`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct VersionsAnswer {
    pub versions: Vec<GridVersionInfo>,
}

/// A draft in the list of drafts.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DraftSummary {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub id: i64,
    pub name: String,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub base_version: i64,
    /// Increases with every saved edit; an edit made on an older version is refused (409).
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub version: i64,
    pub operations: usize,
    pub updated_at: String,
}

/// `GET /api/drafts`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DraftsAnswer {
    pub drafts: Vec<DraftSummary>,
}

/// A grid a draft would create, with the figures the planner judges it by.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DraftGridProperties {
    pub code: String,
    pub name: String,
    pub households: u32,
    pub population: u32,
    #[ts(type = "Fit")]
    #[schema(value_type = String)]
    pub fit: &'static str,
    pub polsby_popper: f64,
    pub contiguous: bool,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub replaces: Vec<GridCode>,
    pub households_before: u32,
    /// Officers serving its households it would have once published (those of the grid it
    /// inherits from, or those the planner placed on it).
    pub officers: u32,
    /// Who would serve it once published, any role.
    pub staff: Vec<OfficerView>,
    /// Whether the planner chose its officers (`POST /api/drafts/{id}/officers`) rather than
    /// leaving the default.
    pub staffed: bool,
}

/// `GET /api/drafts/{id}/officers?grid=`: who would serve a grid the draft creates, and who
/// the planner may place there (the officers of its community, 社区).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DraftStaff {
    pub grid: String,
    pub staffed: bool,
    pub staff: Vec<OfficerView>,
    pub candidates: Vec<OfficerView>,
}

/// An oversized grid left as it was by "fix every oversized grid", and why.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct Unfixed {
    pub code: String,
    /// The reasons in English, joined.
    pub reason: String,
    pub reasons: Vec<ServerMessage>,
}

/// What "fix every oversized grid" did.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct FixReport {
    pub split: usize,
    pub paired: usize,
    pub unfixed: Vec<Unfixed>,
    pub seconds: f64,
}

/// A draft: the grids it would create and what it retires; after an edit, what the edit
/// reported (`problems`/`reasons`, `divided`, `fixed`).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DraftView {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub id: i64,
    pub name: String,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub base_version: i64,
    /// Increases with every saved edit; an edit made on an older version is refused (409).
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub operations: usize,
    pub cursor: usize,
    pub can_undo: bool,
    pub can_redo: bool,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub retired: Vec<GridCode>,
    #[ts(type = "FeatureCollection<Polygon | MultiPolygon, DraftGridProperties>")]
    #[schema(value_type = Object)]
    pub grids: GeoFeatureCollection<DraftGridProperties>,
    /// Officers of retired grids who would serve no grid once published (every part of their
    /// grid was given other officers).
    pub unplaced: Vec<OfficerView>,
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

/// The band a list or split was made for.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct BandView {
    pub min: u32,
    pub max: u32,
}

/// A level-3 grid outside the band.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct OutOfBandGrid {
    pub code: String,
    pub name: String,
    /// The load counted (households or population).
    pub value: u32,
    #[ts(type = "Fit")]
    #[schema(value_type = String)]
    pub fit: &'static str,
    pub households: u32,
    pub population: u32,
    pub officers: u32,
}

/// `GET /api/plan/oversized`: comprehensive level-3 grids outside the band, over first.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct OutOfBandAnswer {
    pub band: BandView,
    #[ts(type = "'households' | 'population'")]
    #[schema(value_type = String)]
    pub by: &'static str,
    pub count: usize,
    pub over: usize,
    pub grids: Vec<OutOfBandGrid>,
}

/// A compound or building kept whole inside one part.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct PlanUnit {
    pub id: String,
    #[ts(type = "'compound' | 'building'")]
    #[schema(value_type = String)]
    pub kind: &'static str,
    pub name: String,
    pub households: u32,
    pub population: u32,
}

/// One part of a split preview.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct PartProperties {
    pub part: usize,
    pub code: String,
    pub households: u32,
    pub population: u32,
    pub value: u32,
    #[ts(type = "Fit")]
    #[schema(value_type = String)]
    pub fit: &'static str,
    pub polsby_popper: f64,
    pub units: Vec<PlanUnit>,
}

/// `POST /api/plan/split`: the parts a grid would be split into, and why any misses the band.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct SplitPreview {
    pub code: String,
    pub band: BandView,
    #[ts(type = "'households' | 'population'")]
    #[schema(value_type = String)]
    pub by: &'static str,
    pub k: usize,
    #[ts(type = "FeatureCollection<Polygon | MultiPolygon, PartProperties>")]
    #[schema(value_type = Object)]
    pub parts: GeoFeatureCollection<PartProperties>,
    pub problems: Vec<String>,
    /// `problems` as codes with params, to show in the user's language.
    pub reasons: Vec<ServerMessage>,
    pub divided: Vec<String>,
}
