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
    /// The account login or `token:<name>` that posted it.
    pub reported_by: Option<String>,
    /// The reporter's name and phone: whole for the dispatcher, the admin and the department
    /// handling the case; masked (`王**`, `138****5678`) for everyone else.
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
}

/// `POST /api/incidents/bulk`: how many reports were stored (all of them, or none).
#[derive(Clone, Debug, Serialize, TS)]
pub struct BulkAccepted {
    #[ts(as = "f64")]
    pub accepted: u64,
}
