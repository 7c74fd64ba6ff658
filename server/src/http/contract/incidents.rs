//! Incident answers.

use super::{GridRef, RawCoordView};
use crate::domain::{Category, Channel, FeatureId, IncidentStatus};
use serde::Serialize;
use ts_rs::TS;

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

/// `POST /api/incidents/bulk`: how many reports were stored (all of them, or none).
#[derive(Clone, Debug, Serialize, TS)]
pub struct BulkAccepted {
    #[ts(as = "f64")]
    pub accepted: u64,
}
