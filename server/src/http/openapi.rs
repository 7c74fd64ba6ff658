//! The OpenAPI 3.1 document of the whole HTTP interface, `GET /api/openapi.json`: one entry
//! per route the router serves (a test holds the two lists against each other), with its
//! query and path parameters, request body, answer and the error shape, and the two ways to
//! authenticate (bearer token, session cookie). Answer and body schemas are generated from
//! the contract's Rust types (`utoipa::ToSchema`, beside the `ts-rs` TypeScript types).

use super::contract::*;
use crate::app::metrics::{GridMetrics, StatsAnswer};
use serde_json::Value;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponseBuilder,
};

/// What a route takes in its body.
#[derive(Clone, Copy)]
enum In {
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
enum Out {
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
struct Route(
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    In,
    u16,
    Out,
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

/// Every route the router serves, described.
const ROUTES: &[Route] = &[
    Route(
        "GET",
        "/api/health",
        "Health and counts (public)",
        &[],
        In::Nothing,
        200,
        Out::Json("HealthAnswer"),
    ),
    Route(
        "GET",
        "/api/audit",
        "The audit log (admin)",
        &["from", "to", "actor", "kind"],
        In::Nothing,
        200,
        Out::Json("AuditAnswer"),
    ),
    Route(
        "GET",
        "/api/session",
        "The signed-in account",
        &[],
        In::Nothing,
        200,
        Out::Json("SessionView"),
    ),
    Route(
        "POST",
        "/api/session",
        "Sign in (sets the session cookie)",
        &[],
        In::Json("LoginBody"),
        200,
        Out::Json("SessionView"),
    ),
    Route(
        "DELETE",
        "/api/session",
        "Sign out",
        &[],
        In::Nothing,
        204,
        Out::Empty,
    ),
    Route(
        "GET",
        "/api/basemap",
        "The basemap configured",
        &[],
        In::Nothing,
        200,
        Out::Json("BasemapConfig"),
    ),
    Route(
        "GET",
        "/api/basemap/check",
        "Check a basemap URL against our data",
        &["url", "crs", "lng", "lat"],
        In::Nothing,
        200,
        Out::Json("BasemapAnswer"),
    ),
    Route(
        "GET",
        "/api/grids",
        "Grids in force",
        &["level", "parent", "bbox"],
        In::Nothing,
        200,
        Out::Features("GridProperties"),
    ),
    Route(
        "GET",
        "/api/grids/{code}",
        "One grid with officers and incident counts",
        &[],
        In::Nothing,
        200,
        Out::Feature("GridDetailProperties"),
    ),
    Route(
        "GET",
        "/api/compounds",
        "Residential compounds",
        &["grid", "bbox"],
        In::Nothing,
        200,
        Out::Features("CompoundProperties"),
    ),
    Route(
        "GET",
        "/api/buildings",
        "Buildings",
        &["grid", "bbox"],
        In::Nothing,
        200,
        Out::Features("BuildingProperties"),
    ),
    Route(
        "GET",
        "/api/locate",
        "Grids, compound and building under a point",
        &["lng", "lat", "crs", "at"],
        In::Nothing,
        200,
        Out::Json("LocateAnswer"),
    ),
    Route(
        "GET",
        "/api/stats/grids",
        "Per-grid statistics (JSON or CSV)",
        &[
            "level",
            "from",
            "to",
            "category",
            "status",
            "channel",
            "format",
            "boundaries",
        ],
        In::Nothing,
        200,
        Out::Json("StatsAnswer"),
    ),
    Route(
        "GET",
        "/api/coverage",
        "Households per officer, vacancies, party organisation, service reach",
        &["level"],
        In::Nothing,
        200,
        Out::Json("CoverageAnswer"),
    ),
    Route(
        "GET",
        "/api/stats/kpis",
        "KPIs of the closed loop",
        &[
            "by",
            "level",
            "parent",
            "department",
            "from",
            "to",
            "format",
        ],
        In::Nothing,
        200,
        Out::Json("KpiAnswer"),
    ),
    Route(
        "GET",
        "/api/versions",
        "Published grid versions",
        &[],
        In::Nothing,
        200,
        Out::Json("VersionsAnswer"),
    ),
    Route(
        "GET",
        "/api/plan/oversized",
        "Grids outside the household band",
        &["min", "max", "by"],
        In::Nothing,
        200,
        Out::Json("OutOfBandAnswer"),
    ),
    Route(
        "POST",
        "/api/plan/split",
        "Preview a split",
        &[],
        In::Json("SplitRequest"),
        200,
        Out::Json("SplitPreview"),
    ),
    Route(
        "GET",
        "/api/drafts",
        "Drafts",
        &[],
        In::Nothing,
        200,
        Out::Json("DraftsAnswer"),
    ),
    Route(
        "POST",
        "/api/drafts",
        "New draft",
        &[],
        In::Json("NewDraft"),
        201,
        Out::Json("DraftView"),
    ),
    Route(
        "GET",
        "/api/drafts/{id}",
        "One draft",
        &[],
        In::Nothing,
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "DELETE",
        "/api/drafts/{id}",
        "Delete a draft",
        &[],
        In::Nothing,
        204,
        Out::Empty,
    ),
    Route(
        "POST",
        "/api/drafts/{id}/split",
        "Split a grid in a draft",
        &[],
        In::Json("SplitOp"),
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/merge",
        "Merge grids in a draft",
        &[],
        In::Json("MergeOp"),
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/fix",
        "Fix every grid outside the band",
        &[],
        In::Json("FixOp"),
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/balance",
        "Redraw two neighbours evenly",
        &[],
        In::Json("BalanceOp"),
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/cut",
        "Cut a grid along a line",
        &[],
        In::Json("CutOp"),
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/move",
        "Move units to a neighbour",
        &[],
        In::Json("MoveOp"),
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/undo",
        "Undo the last edit",
        &[],
        In::Nothing,
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/redo",
        "Redo",
        &[],
        In::Nothing,
        200,
        Out::Json("DraftView"),
    ),
    Route(
        "GET",
        "/api/drafts/{id}/validate",
        "Validate the city with the draft applied",
        &[],
        In::Nothing,
        200,
        Out::Json("Validation"),
    ),
    Route(
        "POST",
        "/api/drafts/{id}/publish",
        "Publish a draft as a new version",
        &[],
        In::Json("PublishRequest"),
        201,
        Out::Json("Published"),
    ),
    Route(
        "GET",
        "/api/incidents",
        "Incidents, newest first, in pages (`next`)",
        INCIDENT_FILTERS,
        In::Nothing,
        200,
        Out::Features("IncidentView"),
    ),
    Route(
        "POST",
        "/api/incidents",
        "Report an incident (201 once durable)",
        &[],
        In::Json("ReportBody"),
        201,
        Out::Json("IncidentView"),
    ),
    Route(
        "POST",
        "/api/incidents/bulk",
        "Load incidents in bulk (NDJSON or CSV; all or nothing)",
        &[],
        In::Lines,
        200,
        Out::Json("BulkAccepted"),
    ),
    Route(
        "GET",
        "/api/incidents/nearby",
        "Open cases near a point",
        &["lng", "lat", "crs", "category"],
        In::Nothing,
        200,
        Out::Json("NearbyAnswer"),
    ),
    Route(
        "GET",
        "/api/incidents/{id}",
        "One case with its history",
        &[],
        In::Nothing,
        200,
        Out::Json("CaseView"),
    ),
    Route(
        "POST",
        "/api/incidents/{id}/transitions",
        "A step of the closed loop",
        &[],
        In::Json("TransitionBody"),
        200,
        Out::Json("CaseView"),
    ),
    Route(
        "GET",
        "/api/departments",
        "Departments",
        &[],
        In::Nothing,
        200,
        Out::Json("DepartmentsAnswer"),
    ),
    Route(
        "GET",
        "/api/calendar",
        "Working calendar and time limits",
        &[],
        In::Nothing,
        200,
        Out::Json("CalendarAnswer"),
    ),
    Route(
        "PUT",
        "/api/calendar",
        "Replace listed days or limits (admin)",
        &[],
        In::Json("CalendarChange"),
        200,
        Out::Json("CalendarAnswer"),
    ),
    Route(
        "GET",
        "/api/wall",
        "The public wall of problems (public)",
        &["limit"],
        In::Nothing,
        200,
        Out::Json("WallAnswer"),
    ),
    Route(
        "GET",
        "/api/outbox",
        "12345 hotline outbox",
        &["after", "limit"],
        In::Nothing,
        200,
        Out::Json("OutboxAnswer"),
    ),
    Route(
        "GET",
        "/tiles/density/{z}/{x}/{y}",
        "Incident density tile",
        &[
            "category", "status", "channel", "from", "to", "bins", "overdue",
        ],
        In::Nothing,
        200,
        Out::Tile,
    ),
    Route(
        "GET",
        "/tiles/grids/{z}/{x}/{y}",
        "Grid tile with statistics",
        &[
            "_cache_key",
            "level",
            "category",
            "status",
            "channel",
            "from",
            "to",
        ],
        In::Nothing,
        200,
        Out::Tile,
    ),
    Route(
        "GET",
        "/tiles/roads/{z}/{x}/{y}",
        "Road tile",
        &[],
        In::Nothing,
        200,
        Out::Tile,
    ),
    Route(
        "GET",
        "/ogc",
        "OGC API – Features landing page",
        &["f"],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/ogc/conformance",
        "OGC conformance classes",
        &["f"],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/ogc/collections",
        "OGC collections",
        &["f"],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/ogc/collections/{collection_id}",
        "One OGC collection",
        &["f"],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/ogc/collections/{collection_id}/items",
        "OGC items",
        &[
            "limit", "offset", "cursor", "bbox", "bbox-crs", "datetime", "f",
        ],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/ogc/collections/{collection_id}/items/{feature_id}",
        "One OGC feature",
        &["f"],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/open311/v2/{document}",
        "Open311 discovery, services or requests (.json/.xml)",
        &[
            "api_key",
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "jurisdiction_id",
        ],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "POST",
        "/open311/v2/{document}",
        "Open311: file a service request (requests.json/.xml)",
        &[],
        In::Form,
        201,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/open311/v2/services/{service}",
        "Open311 service definition",
        &[],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/open311/v2/requests/{request}",
        "Open311: one request",
        &["api_key"],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
    Route(
        "GET",
        "/api/openapi.json",
        "This document (public)",
        &[],
        In::Nothing,
        200,
        Out::AnyJson,
    ),
];

/// Methods and paths the document describes (the route-list test compares them with the router).
pub fn described() -> Vec<(&'static str, &'static str)> {
    ROUTES.iter().map(|r| (r.0, r.1)).collect()
}

fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

/// Any JSON value (Open311 answers lists, its discovery an object).
fn any_value() -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::AnyValue)
            .build(),
    ))
}

/// `{"code", "description"}`: an OGC API error; Open311 answers a list of them.
fn code_and_description(code: Type) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("code", ObjectBuilder::new().schema_type(code))
            .property(
                "description",
                ObjectBuilder::new().schema_type(Type::String),
            )
            .required("code")
            .required("description")
            .build(),
    )
}

fn any_object() -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new().schema_type(Type::Object).build(),
    ))
}

/// A GeoJSON feature whose properties are `props` (geometry and id left open).
fn feature(props: &str) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("type", ObjectBuilder::new().schema_type(Type::String))
            .property("properties", schema_ref(props))
            .property("geometry", any_object())
            .required("type")
            .required("properties")
            .build(),
    )
}

fn features(props: &str) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("type", ObjectBuilder::new().schema_type(Type::String))
            .property(
                "features",
                ArrayBuilder::new().items(RefOr::T(feature(props))),
            )
            .property(
                "numberReturned",
                ObjectBuilder::new().schema_type(Type::Integer),
            )
            .property("next", ObjectBuilder::new().schema_type(Type::String))
            .required("type")
            .required("features")
            .build(),
    )
}

fn method(m: &str) -> HttpMethod {
    match m {
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

/// Whether anonymous callers may use the route (the policy table says).
fn public(m: &str, path: &str) -> bool {
    path == "/api/openapi.json"
        || crate::app::policy::rule_for(m, path)
            .is_some_and(|r| r.callers == crate::app::policy::Callers::Public)
}

fn operation(r: &Route) -> utoipa::openapi::path::Operation {
    let Route(m, path, summary, query, body, ok, out) = r;
    let mut op = OperationBuilder::new()
        .summary(Some(*summary))
        .operation_id(Some(format!("{} {}", m, path)));
    for seg in path.split('/').filter(|s| s.starts_with('{')) {
        let name = seg.trim_start_matches('{').trim_end_matches('}');
        op = op.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
        );
    }
    for q in *query {
        op = op.parameter(
            ParameterBuilder::new()
                .name(*q)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
        );
    }
    let content = |media: &str, schema: RefOr<Schema>| {
        (
            media.to_string(),
            ContentBuilder::new().schema(Some(schema)).build(),
        )
    };
    let request = match body {
        In::Nothing => None,
        In::Json(name) => Some(content("application/json", schema_ref(name))),
        In::Lines => Some(content(
            "text/plain",
            RefOr::T(Schema::Object(
                ObjectBuilder::new().schema_type(Type::String).build(),
            )),
        )),
        In::Form => Some(content("application/x-www-form-urlencoded", any_object())),
    };
    if let Some((media, c)) = request {
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(media, c)
                .build(),
        ));
    }
    let answer = match out {
        Out::Json(name) => Some(content("application/json", schema_ref(name))),
        Out::Features(props) => Some(content("application/json", RefOr::T(features(props)))),
        Out::Feature(props) => Some(content("application/json", RefOr::T(feature(props)))),
        Out::AnyJson => Some(content("application/json", any_value())),
        Out::Tile => Some(content(
            "application/vnd.mapbox-vector-tile",
            RefOr::T(Schema::Object(
                ObjectBuilder::new().schema_type(Type::String).build(),
            )),
        )),
        Out::Empty => None,
    };
    let mut ok_response = ResponseBuilder::new().description("success");
    if let Some((media, c)) = answer {
        ok_response = ok_response.content(media, c);
    }
    op = op.response(ok.to_string(), ok_response.build());
    // Every other answer is an error in the shape of its family of routes.
    let error_schema = if path.starts_with("/ogc") {
        RefOr::T(code_and_description(Type::String))
    } else if path.starts_with("/open311") {
        RefOr::T(Schema::Array(
            ArrayBuilder::new()
                .items(RefOr::T(code_and_description(Type::Integer)))
                .build(),
        ))
    } else {
        schema_ref("ErrorBody")
    };
    op = op.response(
        "default",
        ResponseBuilder::new()
            .description("an error: what and where")
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(error_schema)).build(),
            )
            .build(),
    );
    if public(m, path) {
        op = op.security(SecurityRequirement::default());
    }
    op.build()
}

/// The document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for r in ROUTES {
        paths = paths.path(r.1, PathItem::new(method(r.0), operation(r)));
    }
    let components = ComponentsBuilder::new()
        .security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        )
        .security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(super::session::COOKIE))),
        )
        .schema_from::<HealthAnswer>()
        .schema_from::<AuditAnswer>()
        .schema_from::<AuditLine>()
        .schema_from::<SessionView>()
        .schema_from::<BasemapConfig>()
        .schema_from::<ConfiguredBasemap>()
        .schema_from::<BasemapAnswer>()
        .schema_from::<GridProperties>()
        .schema_from::<GridDetailProperties>()
        .schema_from::<OfficerView>()
        .schema_from::<IncidentCounts>()
        .schema_from::<CompoundProperties>()
        .schema_from::<BuildingProperties>()
        .schema_from::<LocateAnswer>()
        .schema_from::<CompoundRef>()
        .schema_from::<BuildingRef>()
        .schema_from::<GridRef>()
        .schema_from::<RawCoordView>()
        .schema_from::<StatsAnswer>()
        .schema_from::<GridMetrics>()
        .schema_from::<CoverageAnswer>()
        .schema_from::<LoadQuantiles>()
        .schema_from::<KpiAnswer>()
        .schema_from::<KpiRow>()
        .schema_from::<VersionsAnswer>()
        .schema_from::<GridVersionInfo>()
        .schema_from::<OutOfBandAnswer>()
        .schema_from::<OutOfBandGrid>()
        .schema_from::<BandView>()
        .schema_from::<SplitPreview>()
        .schema_from::<PartProperties>()
        .schema_from::<PlanUnit>()
        .schema_from::<ServerMessage>()
        .schema_from::<DraftsAnswer>()
        .schema_from::<DraftSummary>()
        .schema_from::<DraftView>()
        .schema_from::<DraftGridProperties>()
        .schema_from::<FixReport>()
        .schema_from::<Unfixed>()
        .schema_from::<Validation>()
        .schema_from::<DefectView>()
        .schema_from::<Published>()
        .schema_from::<IncidentView>()
        .schema_from::<NearbyCase>()
        .schema_from::<NearbyAnswer>()
        .schema_from::<BulkAccepted>()
        .schema_from::<CaseView>()
        .schema_from::<CaseEventView>()
        .schema_from::<DepartmentsAnswer>()
        .schema_from::<DepartmentView>()
        .schema_from::<CalendarAnswer>()
        .schema_from::<CalendarDayView>()
        .schema_from::<LimitView>()
        .schema_from::<WallAnswer>()
        .schema_from::<WallItem>()
        .schema_from::<OutboxAnswer>()
        .schema_from::<OutboxLineView>()
        .schema_from::<ErrorBody>()
        .schema_from::<ReportBody>()
        .schema_from::<CalendarChange>()
        .schema_from::<super::session::LoginBody>()
        .schema_from::<super::plan::SplitRequest>()
        .schema_from::<super::drafts::NewDraft>()
        .schema_from::<super::drafts::PublishRequest>()
        .schema_from::<super::draft_ops::SplitOp>()
        .schema_from::<super::draft_ops::MergeOp>()
        .schema_from::<super::draft_ops::FixOp>()
        .schema_from::<super::draft_ops::BalanceOp>()
        .schema_from::<super::draft_ops::CutOp>()
        .schema_from::<super::draft_ops::MoveOp>()
        .schema_from::<super::cases::TransitionBody>()
        .build();
    let mut doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("网格 grid management service")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Grids, compounds, buildings, incidents and the closed loop of a street office; OGC API – Features under /ogc and Open311 GeoReport v2 under /open311/v2")),
        )
        .paths(paths.build())
        .components(Some(components))
        .build();
    doc.security = Some(vec![
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
    doc
}

/// `GET /api/openapi.json`.
pub async fn serve() -> axum::Json<Value> {
    axum::Json(serde_json::to_value(document()).unwrap_or(Value::Null))
}

/// A report as `POST /api/incidents` takes it (documentation of what `intake` parses).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ReportBody {
    /// Longitude in the `crs` given.
    lng: f64,
    lat: f64,
    /// `wgs84` (default), `cgcs2000`, `gcj02` or `bd09`.
    crs: Option<String>,
    /// A category code (`e_street_order`) or its Chinese name.
    category: String,
    /// Up to 4,000 characters.
    description: Option<String>,
    /// RFC 3339; default now.
    reported_at: Option<String>,
    channel: Option<String>,
    status: Option<String>,
    reporter_name: Option<String>,
    reporter_phone: Option<String>,
    /// A 12345 order number: the same order again finds the case it made (200).
    order_no: Option<String>,
}

/// What `PUT /api/calendar` takes: either part may be left out.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CalendarChange {
    days: Option<Vec<CalendarDayView>>,
    limits: Option<Vec<LimitView>>,
}
