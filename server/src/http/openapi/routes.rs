//! The table of every route the OpenAPI document describes: method, path, summary, query
//! parameters, body and answer (the builder in the parent module turns each into an operation).

/// What a route takes in its body.
#[derive(Clone, Copy)]
pub enum In {
    Nothing,
    /// A JSON object of the named schema.
    Json(&'static str),
    /// NDJSON lines or CSV (bulk incidents).
    Lines,
    /// `application/x-www-form-urlencoded` (Open311).
    Form,
}

/// What a route answers with on success.
#[derive(Clone, Copy)]
pub enum Out {
    /// A JSON object of the named schema.
    Json(&'static str),
    /// A GeoJSON FeatureCollection whose features' properties are the named schema.
    Features(&'static str),
    /// One GeoJSON Feature with the named properties.
    Feature(&'static str),
    /// A JSON document not described field by field (OGC and Open311 documents).
    AnyJson,
    /// A Mapbox vector tile.
    Tile,
    /// No body.
    Empty,
}

/// One route: method, path, summary, query parameters, body, success status, answer.
pub struct Route(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static [&'static str],
    pub In,
    pub u16,
    pub Out,
);

const INCIDENT_FILTERS: &[&str] = &[
    "grid",
    "category",
    "status",
    "channel",
    "from",
    "to",
    "bbox",
    "limit",
    "department",
    "overdue",
    "due_before",
    "due_soon",
    "supervised",
    "assignee",
    "reporter",
    "boundaries",
    "cursor",
];

/// Every route the router serves, described: one line each, so the table reads as a table.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    Route("GET", "/api/health", "Health and counts (public)", &[], In::Nothing, 200, Out::Json("HealthAnswer")),
    Route("GET", "/api/audit", "The audit log (admin)", &["from", "to", "actor", "kind"], In::Nothing, 200, Out::Json("AuditAnswer")),
    Route("GET", "/api/session", "The signed-in account", &[], In::Nothing, 200, Out::Json("SessionView")),
    Route("POST", "/api/session", "Sign in (sets the session cookie)", &[], In::Json("LoginBody"), 200, Out::Json("SessionView")),
    Route("DELETE", "/api/session", "Sign out", &[], In::Nothing, 204, Out::Empty),
    Route("GET", "/api/basemap", "The basemap configured", &[], In::Nothing, 200, Out::Json("BasemapConfig")),
    Route("GET", "/api/basemap/check", "Check a basemap URL against our data", &["url", "crs", "lng", "lat"], In::Nothing, 200, Out::Json("BasemapAnswer")),
    Route("GET", "/api/grids", "Grids in force", &["level", "parent", "bbox"], In::Nothing, 200, Out::Features("GridProperties")),
    Route("GET", "/api/grids/{code}", "One grid with officers and incident counts", &[], In::Nothing, 200, Out::Feature("GridDetailProperties")),
    Route("GET", "/api/compounds", "Residential compounds", &["grid", "bbox"], In::Nothing, 200, Out::Features("CompoundProperties")),
    Route("GET", "/api/buildings", "Buildings", &["grid", "bbox"], In::Nothing, 200, Out::Features("BuildingProperties")),
    Route("GET", "/api/locate", "Grids, compound and building under a point", &["lng", "lat", "crs", "at"], In::Nothing, 200, Out::Json("LocateAnswer")),
    Route("GET", "/api/stats/grids", "Per-grid statistics (JSON or CSV)", &["level", "from", "to", "category", "status", "channel", "format", "boundaries"], In::Nothing, 200, Out::Json("StatsAnswer")),
    Route("GET", "/api/coverage", "Households per officer, vacancies, party organisation, service reach", &["level"], In::Nothing, 200, Out::Json("CoverageAnswer")),
    Route("GET", "/api/stats/kpis", "KPIs of the closed loop", &["by", "level", "parent", "department", "from", "to", "format"], In::Nothing, 200, Out::Json("KpiAnswer")),
    Route("GET", "/api/versions", "Published grid versions", &[], In::Nothing, 200, Out::Json("VersionsAnswer")),
    Route("GET", "/api/plan/oversized", "Grids outside the household band", &["min", "max", "by"], In::Nothing, 200, Out::Json("OutOfBandAnswer")),
    Route("POST", "/api/plan/split", "Preview a split", &[], In::Json("SplitRequest"), 200, Out::Json("SplitPreview")),
    Route("GET", "/api/drafts", "Drafts", &[], In::Nothing, 200, Out::Json("DraftsAnswer")),
    Route("POST", "/api/drafts", "New draft", &[], In::Json("NewDraft"), 201, Out::Json("DraftView")),
    Route("GET", "/api/drafts/{id}", "One draft", &[], In::Nothing, 200, Out::Json("DraftView")),
    Route("DELETE", "/api/drafts/{id}", "Delete a draft", &[], In::Nothing, 204, Out::Empty),
    Route("PATCH", "/api/drafts/{id}", "Rename a draft", &[], In::Json("DraftRename"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/split", "Split a grid in a draft", &[], In::Json("SplitOp"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/merge", "Merge grids in a draft", &[], In::Json("MergeOp"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/fix", "Fix every grid outside the band", &[], In::Json("FixOp"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/balance", "Redraw two neighbours evenly", &[], In::Json("BalanceOp"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/cut", "Cut a grid along a line", &[], In::Json("CutOp"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/restore", "Undo a published version in a draft", &[], In::Json("RestoreOp"), 200, Out::Json("DraftView")),
    Route("GET", "/api/drafts/{id}/officers", "Who would serve a new grid of a draft, and who may", &["grid"], In::Nothing, 200, Out::Json("DraftStaff")),
    Route("POST", "/api/drafts/{id}/officers", "Choose the officers of a new grid in a draft", &[], In::Json("StaffOp"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/move", "Move units to a neighbour", &[], In::Json("MoveOp"), 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/undo", "Undo the last edit", &[], In::Nothing, 200, Out::Json("DraftView")),
    Route("POST", "/api/drafts/{id}/redo", "Redo", &[], In::Nothing, 200, Out::Json("DraftView")),
    Route("GET", "/api/drafts/{id}/validate", "Validate the city with the draft applied", &[], In::Nothing, 200, Out::Json("Validation")),
    Route("POST", "/api/drafts/{id}/publish", "Publish a draft as a new version", &[], In::Json("PublishRequest"), 201, Out::Json("Published")),
    Route("GET", "/api/incidents", "Incidents, newest first, in pages (`next`)", INCIDENT_FILTERS, In::Nothing, 200, Out::Features("IncidentView")),
    Route("POST", "/api/incidents", "Report an incident (201 once durable)", &[], In::Json("ReportBody"), 201, Out::Json("IncidentView")),
    Route("POST", "/api/incidents/bulk", "Load incidents in bulk (NDJSON or CSV; all or nothing)", &[], In::Lines, 200, Out::Json("BulkAccepted")),
    Route("GET", "/api/incidents/nearby", "Open cases near a point", &["lng", "lat", "crs", "category"], In::Nothing, 200, Out::Json("NearbyAnswer")),
    Route("GET", "/api/incidents/{id}", "One case with its history", &[], In::Nothing, 200, Out::Json("CaseView")),
    Route("POST", "/api/incidents/{id}/transitions", "A step of the closed loop", &[], In::Json("TransitionBody"), 200, Out::Json("CaseView")),
    Route("GET", "/api/departments", "Departments", &[], In::Nothing, 200, Out::Json("DepartmentsAnswer")),
    Route("GET", "/api/calendar", "Working calendar and time limits", &[], In::Nothing, 200, Out::Json("CalendarAnswer")),
    Route("PUT", "/api/calendar", "Replace listed days or limits (admin)", &[], In::Json("CalendarChange"), 200, Out::Json("CalendarAnswer")),
    Route("GET", "/api/wall", "The public wall of problems (public)", &["limit"], In::Nothing, 200, Out::Json("WallAnswer")),
    Route("GET", "/api/outbox", "12345 hotline outbox", &["after", "limit"], In::Nothing, 200, Out::Json("OutboxAnswer")),
    Route("GET", "/tiles/density/{z}/{x}/{y}", "Incident density tile", &["category", "status", "channel", "from", "to", "bins", "overdue"], In::Nothing, 200, Out::Tile),
    Route("GET", "/tiles/grids/{z}/{x}/{y}", "Grid tile with statistics", &["_cache_key", "level", "category", "status", "channel", "from", "to"], In::Nothing, 200, Out::Tile),
    Route("GET", "/tiles/roads/{z}/{x}/{y}", "Road tile", &[], In::Nothing, 200, Out::Tile),
    Route("GET", "/ogc", "OGC API – Features landing page", &["f"], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/ogc/conformance", "OGC conformance classes", &["f"], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/ogc/collections", "OGC collections", &["f"], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/ogc/collections/{collection_id}", "One OGC collection", &["f"], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/ogc/collections/{collection_id}/items", "OGC items", &["limit", "offset", "cursor", "bbox", "bbox-crs", "datetime", "f"], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/ogc/collections/{collection_id}/items/{feature_id}", "One OGC feature", &["f"], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/open311/v2/{document}", "Open311 discovery, services or requests (.json/.xml)", crate::http::open311::REQUEST_PARAMS, In::Nothing, 200, Out::AnyJson),
    Route("POST", "/open311/v2/{document}", "Open311: file a service request (requests.json/.xml)", &[], In::Form, 201, Out::AnyJson),
    Route("GET", "/open311/v2/services/{service}", "Open311 service definition", &[], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/open311/v2/requests/{request}", "Open311: one request", &["api_key"], In::Nothing, 200, Out::AnyJson),
    Route("GET", "/api/openapi.json", "This document (public)", &[], In::Nothing, 200, Out::AnyJson),
];
