//! Territory answers: health, locate (grids, compound, building under a point), grids,
//! compounds and buildings.

use super::{GridRef, RawCoordView};
use crate::domain::metrics::households_per_officer;
use crate::domain::Crs;
use crate::domain::{
    Building, Compound, Domain, FeatureId, Floors, GridCode, GridKind, Households, Officer,
    OfficerRole, Population,
};
use crate::store::GridRow;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The compound holding a point: its id always, its name and party organisation when the
/// engine knows it.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct CompoundRef {
    #[ts(type = "string")]
    #[schema(value_type = String)]
    pub id: FeatureId,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "PartyOrg")]
    #[schema(value_type = String)]
    pub party_org: Option<&'static str>,
}

/// The building holding a point.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct BuildingRef {
    #[ts(type = "string")]
    #[schema(value_type = String)]
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
    #[schema(value_type = Option<String>)]
    pub compound: Option<Option<FeatureId>>,
}

/// `GET /api/locate`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct LocateAnswer {
    #[ts(type = "Position")]
    #[schema(value_type = Vec<f64>)]
    pub wgs84: [f64; 2],
    pub raw: RawCoordView,
    pub grids: Vec<GridRef>,
    pub compound: Option<CompoundRef>,
    pub building: Option<BuildingRef>,
}

/// `GET /api/health`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct HealthAnswer {
    /// `ok`, or `degraded` when the store cannot be reached or this server is behind the
    /// change feed (then `reason` says why, and the counts are the last ones read).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
    /// The last change line this server has applied (servers on one store compare it).
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub changes_applied: i64,
    pub store: String,
    /// Grids per level: `{"1": …, "2": …, "3": …}`.
    #[ts(type = "{ '1': number; '2': number; '3': number }")]
    #[schema(value_type = Object)]
    pub grids: Map<String, Value>,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub compounds: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub buildings: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub officers: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub service_centres: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub incidents: u64,
}

/// A grid's properties in `/api/grids` and grid features.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct GridProperties {
    pub code: String,
    pub name: String,
    #[ts(type = "Level")]
    #[schema(value_type = u8)]
    pub level: u8,
    pub parent: Option<String>,
    #[ts(type = "'comprehensive' | 'dedicated'")]
    #[schema(value_type = String)]
    pub kind: GridKind,
    #[ts(type = "number")]
    #[schema(value_type = f64)]
    pub households: Households,
    #[ts(type = "number")]
    #[schema(value_type = f64)]
    pub population: Population,
    pub officers: u32,
    /// null when the grid has no officer (a vacancy).
    pub households_per_officer: Option<f64>,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub domains: Vec<Domain>,
}

impl From<&GridRow> for GridProperties {
    fn from(row: &GridRow) -> GridProperties {
        let g = &row.grid;
        GridProperties {
            code: g.code.to_string(),
            name: g.name.clone(),
            level: g.level().number(),
            parent: g.parent().map(|p| p.to_string()),
            kind: g.kind,
            households: g.households,
            population: g.population,
            officers: row.officers,
            households_per_officer: households_per_officer(g.households.get(), row.officers),
            domains: g.domains.clone(),
        }
    }
}

/// An officer serving a grid.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct OfficerView {
    #[ts(type = "string")]
    #[schema(value_type = String)]
    pub id: FeatureId,
    pub name: String,
    #[ts(type = "string")]
    #[schema(value_type = String)]
    pub role: OfficerRole,
    pub role_zh: &'static str,
    /// Masked (`138****5678`) unless the caller leads the officer's grid (街道领导, 社区书记 in
    /// scope), dispatches cases (指挥中心) or administers; then whole where it is known.
    pub phone: Option<String>,
    #[ts(type = "string[]")]
    #[schema(value_type = Vec<String>)]
    pub grids: Vec<GridCode>,
}

impl OfficerView {
    /// The officer as `who` may see them: the whole phone number only when `unmasked`.
    pub fn shown(o: &Officer, unmasked: bool) -> OfficerView {
        OfficerView {
            id: o.id.clone(),
            name: o.name.clone(),
            role: o.role,
            role_zh: o.role.zh(),
            phone: o.phone.as_ref().map(|p| match p.full() {
                Some(full) if unmasked => full.to_string(),
                _ => p.masked(),
            }),
            grids: o.grids.clone(),
        }
    }
}

/// The officer with the phone masked (what every caller may see).
impl From<&Officer> for OfficerView {
    fn from(o: &Officer) -> OfficerView {
        OfficerView::shown(o, false)
    }
}

/// A grid's incidents by status (its own and those of the grids under it).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct IncidentCounts {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub total: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub open: u64,
    #[ts(type = "Partial<Record<Status, number>>")]
    #[schema(value_type = Object)]
    pub by_status: BTreeMap<String, u64>,
}

/// `GET /api/grids/{code}`: the grid's properties with its incidents and officers.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct GridDetailProperties {
    #[serde(flatten)]
    #[ts(flatten)]
    pub grid: GridProperties,
    pub incidents: IncidentCounts,
    pub officer_list: Vec<OfficerView>,
}

/// A compound's properties in `/api/compounds`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct CompoundProperties {
    #[ts(type = "string")]
    #[schema(value_type = String)]
    pub id: FeatureId,
    pub name: String,
    pub address: String,
    #[ts(type = "number")]
    #[schema(value_type = f64)]
    pub households: Households,
    #[ts(type = "number")]
    #[schema(value_type = f64)]
    pub population: Population,
    #[ts(type = "PartyOrg")]
    #[schema(value_type = String)]
    pub party_org: &'static str,
    pub party_branch: Option<String>,
    #[ts(type = "string | null")]
    #[schema(value_type = Option<String>)]
    pub service_centre: Option<FeatureId>,
    #[ts(type = "string | null")]
    #[schema(value_type = Option<String>)]
    pub grid: Option<GridCode>,
}

impl From<&Compound> for CompoundProperties {
    fn from(c: &Compound) -> CompoundProperties {
        CompoundProperties {
            id: c.id.clone(),
            name: c.name.clone(),
            address: c.address.clone(),
            households: c.households,
            population: c.population,
            party_org: c.party_org.kind(),
            party_branch: c.party_org.branch().map(String::from),
            service_centre: c.service_centre.clone(),
            grid: c.grid.clone(),
        }
    }
}

/// A building's properties in `/api/buildings`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct BuildingProperties {
    #[ts(type = "string")]
    #[schema(value_type = String)]
    pub id: FeatureId,
    pub address: String,
    #[ts(type = "number")]
    #[schema(value_type = f64)]
    pub floors: Floors,
    #[ts(type = "number")]
    #[schema(value_type = f64)]
    pub households: Households,
    #[ts(type = "number")]
    #[schema(value_type = f64)]
    pub population: Population,
    #[ts(type = "string | null")]
    #[schema(value_type = Option<String>)]
    pub compound: Option<FeatureId>,
    #[ts(type = "string | null")]
    #[schema(value_type = Option<String>)]
    pub grid: Option<GridCode>,
}

impl From<&Building> for BuildingProperties {
    fn from(b: &Building) -> BuildingProperties {
        BuildingProperties {
            id: b.id.clone(),
            address: b.address.clone(),
            floors: b.floors,
            households: b.households,
            population: b.population,
            compound: b.compound.clone(),
            grid: b.grid.clone(),
        }
    }
}

/// What the map would draw for a tile URL, and how far the provider's CRS sets our data off.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct BasemapAnswer {
    #[ts(type = "'xyz' | 'wmts-kvp' | 'wmts-rest'")]
    #[schema(value_type = String)]
    pub scheme: &'static str,
    pub tiles: Vec<String>,
    #[ts(type = "BasemapCrs")]
    #[schema(value_type = String)]
    pub crs: Crs,
    #[ts(type = "'none' | 'shifted' | 'shifted_and_retiled'")]
    #[schema(value_type = String)]
    pub misplacement: String,
    pub offset_m: f64,
    #[ts(type = "Position")]
    #[schema(value_type = Vec<f64>)]
    pub at: [f64; 2],
}

/// The basemap this server was configured with.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct ConfiguredBasemap {
    #[serde(flatten)]
    #[ts(flatten)]
    pub answer: BasemapAnswer,
    pub url: String,
    pub attribution: Option<String>,
}

/// `GET /api/basemap`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct BasemapConfig {
    pub configured: Option<ConfiguredBasemap>,
}

/// Households per officer across a level's staffed grids (nearest-rank quantiles).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct LoadQuantiles {
    pub min: Option<f64>,
    pub p25: Option<f64>,
    pub median: Option<f64>,
    pub p75: Option<f64>,
    pub max: Option<f64>,
    pub over_500: usize,
}

/// `GET /api/coverage`: how well a level is covered.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct CoverageAnswer {
    #[ts(type = "Level")]
    #[schema(value_type = u8)]
    pub level: u8,
    pub grids: usize,
    pub vacant_grids: usize,
    pub vacant: Vec<String>,
    pub households_per_officer: LoadQuantiles,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub compounds: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub compounds_without_party_org: u64,
    pub reach_m: f64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub buildings: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub buildings_outside_reach: u64,
    pub households_within_reach_share: Option<f64>,
}

/// `POST /api/session` and `GET /api/session`: who is logged in, with what role and scope.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct SessionView {
    /// The account's login, or `token:<name>` for a machine token.
    pub login: String,
    pub role: String,
    pub role_zh: String,
    /// Comma-separated county codes, grid codes or categories; `*` for everything.
    pub scope: String,
    pub display_name: String,
    pub officer: Option<String>,
    /// The grids the account's officer serves now (empty without one): the officer view opens
    /// on the first when the address and the device name none.
    pub officer_grids: Vec<String>,
    pub department: Option<String>,
}

/// One line of the audit log as `GET /api/audit` gives it.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct AuditLine {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub object: String,
    pub summary: String,
    pub source: String,
}

/// `GET /api/audit` (admin only).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct AuditAnswer {
    pub entries: Vec<AuditLine>,
}
