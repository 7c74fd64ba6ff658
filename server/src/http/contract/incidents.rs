//! Incident answers.

use super::{GridRef, RawCoordView};
use crate::domain::{Category, Channel, FeatureId, IncidentStatus};
use serde::Serialize;
use ts_rs::TS;

/// An incident as the API gives it (the `POST` answer and each listed feature's properties):
/// `grids` are those it was reported in (they never change); `current_grids` those holding
/// it under the boundaries in force now.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct IncidentView {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub id: i64,
    #[ts(type = "Position")]
    #[schema(value_type = Vec<f64>)]
    pub wgs84: [f64; 2],
    pub raw: RawCoordView,
    pub grids: Vec<GridRef>,
    pub current_grids: Vec<GridRef>,
    #[ts(type = "string | null")]
    #[schema(value_type = Option<String>)]
    pub compound: Option<FeatureId>,
    #[ts(type = "string | null")]
    #[schema(value_type = Option<String>)]
    pub building: Option<FeatureId>,
    #[ts(type = "Category")]
    #[schema(value_type = String)]
    pub category: Category,
    pub description: String,
    #[ts(type = "Channel")]
    #[schema(value_type = String)]
    pub channel: Channel,
    #[ts(type = "Status")]
    #[schema(value_type = String)]
    pub status: IncidentStatus,
    pub reported_at: String,
    /// The account login or `token:<name>` that posted it.
    pub reported_by: Option<String>,
    /// The reporter's name and phone: whole for the dispatcher, the admin and the department
    /// handling the case; masked (`王**`, `138****5678`) for everyone else.
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    /// In the answer to a report only: open cases of the same category within 250 m,
    /// nearest first, that the reporter may see (possible duplicates).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub possible_duplicates: Option<Vec<NearbyCase>>,
}

/// An open case near a point.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct NearbyCase {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub id: i64,
    pub distance_m: f64,
    #[ts(type = "Status")]
    #[schema(value_type = String)]
    pub status: IncidentStatus,
    #[ts(type = "Category")]
    #[schema(value_type = String)]
    pub category: Category,
    /// Where it is, WGS84 `[lng, lat]` (1e-7°).
    #[ts(type = "Position")]
    #[schema(value_type = Vec<f64>)]
    pub wgs84: [f64; 2],
}

/// `GET /api/incidents/nearby`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct NearbyAnswer {
    pub cases: Vec<NearbyCase>,
}

/// `POST /api/incidents/bulk`: how many reports were stored (all of them, or none).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct BulkAccepted {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub accepted: u64,
}

/// One line of a case's history.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct CaseEventView {
    pub at: String,
    pub actor: String,
    pub action: String,
    #[ts(type = "Status")]
    #[schema(value_type = String)]
    pub from_status: IncidentStatus,
    #[ts(type = "Status")]
    #[schema(value_type = String)]
    pub to_status: IncidentStatus,
    pub note: String,
    pub due_at: Option<String>,
}

/// `GET /api/incidents/{id}` and the answer of a transition: the incident, where its case
/// stands, what the caller may do next, and its history.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub incident: IncidentView,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub version: i64,
    /// `urgent` (紧急) or `normal` (一般).
    pub urgency: String,
    pub department: Option<String>,
    pub dispatched_at: Option<String>,
    pub due_at: Option<String>,
    /// Open and past its due time.
    pub overdue: bool,
    /// 即将超期: open and due within the next 4 working hours.
    pub due_soon: bool,
    pub signed: bool,
    pub extension_pending: bool,
    /// `resolved`, `rejected` or `duplicate` once closed.
    pub outcome: Option<String>,
    pub supervised: bool,
    pub self_handled: bool,
    pub returns: u32,
    pub reworks: u32,
    #[ts(as = "Option<f64>")]
    #[schema(value_type = Option<f64>)]
    pub duplicate_of: Option<i64>,
    /// `satisfied` (满意), `basic` (基本满意) or `dissatisfied` (不满意) once evaluated.
    pub satisfaction: Option<String>,
    /// The actions the caller may take now.
    pub actions: Vec<String>,
    pub history: Vec<CaseEventView>,
}

/// `GET /api/departments`.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DepartmentsAnswer {
    pub departments: Vec<DepartmentView>,
}

#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct DepartmentView {
    pub name: String,
    #[ts(type = "Category[]")]
    #[schema(value_type = Vec<String>)]
    pub categories: Vec<Category>,
}

/// `GET /api/calendar` (and the answer of `PUT`): the working calendar and time limits in
/// force. Office hours are China Standard Time.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct CalendarAnswer {
    /// `false` once an administrator replaced the shipped calendar.
    pub shipped: bool,
    pub timezone: String,
    /// `[["08:30","12:00"],["14:00","17:30"]]`.
    pub office_hours: Vec<[String; 2]>,
    /// Holidays and worked weekend days (调休), by date.
    pub days: Vec<CalendarDayView>,
    /// Every category and urgency with its limit in force.
    pub limits: Vec<LimitView>,
}

#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct CalendarDayView {
    /// `YYYY-MM-DD`.
    pub date: String,
    #[ts(type = "'holiday' | 'workday'")]
    #[schema(value_type = String)]
    pub kind: String,
    pub name: String,
}

/// One limit: `{"category","urgency","unit","amount"}`, as `PUT /api/calendar` takes it too.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct LimitView {
    #[ts(type = "Category")]
    #[schema(value_type = String)]
    pub category: Category,
    #[ts(type = "'urgent' | 'normal'")]
    #[schema(value_type = String)]
    pub urgency: String,
    #[ts(type = "'working_hours' | 'working_days' | 'clock_hours'")]
    #[schema(value_type = String)]
    pub unit: String,
    pub amount: u32,
    /// Not set by an administrator.
    pub is_default: bool,
}

/// `GET /api/wall`: the public problem wall (问题墙 / 回音壁), newest first.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct WallAnswer {
    pub problems: Vec<WallItem>,
}

/// A problem as the public sees it: what, where to the compound or grid, who owns it, by
/// when, and how it ended — never the exact point, the description or anyone's name.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct WallItem {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub id: i64,
    #[ts(type = "Category")]
    #[schema(value_type = String)]
    pub category: Category,
    pub category_zh: String,
    /// The compound it was reported in, else its level-3 grid's name.
    pub place: String,
    pub department: Option<String>,
    #[ts(type = "Status")]
    #[schema(value_type = String)]
    pub status: IncidentStatus,
    pub status_zh: String,
    /// The day it was reported (China Standard Time).
    pub reported_on: String,
    pub due_at: Option<String>,
    pub overdue: bool,
    pub outcome: Option<String>,
    pub satisfaction: Option<String>,
}

/// `GET /api/stats/kpis`: the loop's KPIs per grid or department, and over them all.
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct KpiAnswer {
    /// `grid`, `department`, `week` or `month`.
    pub by: String,
    #[ts(type = "Level | null")]
    #[schema(value_type = Option<u8>)]
    pub level: Option<u8>,
    pub rows: Vec<KpiRow>,
    pub total: KpiRow,
}

/// One grid's or department's KPIs: the counts and the rates (see the README's formulas).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct KpiRow {
    pub key: String,
    pub name: String,
    #[ts(type = "Record<string, number>")]
    #[schema(value_type = Object)]
    pub counts: crate::domain::kpi::Counts,
    #[ts(type = "Record<string, number | null>")]
    #[schema(value_type = Object)]
    pub rates: crate::domain::kpi::Rates,
}

/// `GET /api/outbox?after=&limit=`: status changes of 12345 cases, in order, for the hotline
/// system to send its replies (read at least once: ask again after the last `seq` seen).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct OutboxAnswer {
    pub lines: Vec<OutboxLineView>,
}

#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct OutboxLineView {
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub seq: i64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub incident: i64,
    pub order_no: String,
    pub at: String,
    pub action: String,
    #[ts(type = "Status")]
    #[schema(value_type = String)]
    pub status: IncidentStatus,
    pub note: String,
}
