//! The OpenAPI 3.1 document of the whole HTTP interface, `GET /api/openapi.json`: one entry
//! per route the router serves (a test holds the two lists against each other), with its
//! query and path parameters, request body, answer and the error shape, and the two ways to
//! authenticate (bearer token, session cookie). Answer and body schemas are generated from
//! the contract's Rust types (`utoipa::ToSchema`, beside the `ts-rs` TypeScript types).

mod routes;

use super::contract::*;
use crate::app::metrics::{GridMetrics, StatsAnswer};
use routes::{In, Out, Route, ROUTES};
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
        "PATCH" => HttpMethod::Patch,
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
        .schema_from::<DraftStaff>()
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
        .schema_from::<super::drafts::DraftRename>()
        .schema_from::<super::drafts::PublishRequest>()
        .schema_from::<super::draft_ops::SplitOp>()
        .schema_from::<super::draft_ops::MergeOp>()
        .schema_from::<super::draft_ops::FixOp>()
        .schema_from::<super::draft_ops::BalanceOp>()
        .schema_from::<super::draft_ops::CutOp>()
        .schema_from::<super::draft_ops::RestoreOp>()
        .schema_from::<super::draft_staff::StaffOp>()
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
