//! Open311 GeoReport v2 under `/open311/v2`, so city systems and apps that speak it file and
//! follow service requests: `discovery`, `services` (our categories, grouped 部件/事件),
//! `services/{code}`, `POST requests` (form-encoded, `api_key` a reporter token), `GET
//! requests` (the standard's 90-day window and 1,000 results) and `requests/{id}`, each as
//! `.json` or `.xml`. Statuses are the loop's, as `open` or `closed`. Errors answer the
//! standard's list `[{"code", "description"}]` (or `<errors>`), with 400, 403 or 404.

mod requests;

pub use requests::{get_one, get_requests, post_requests, REQUEST_PARAMS};

use crate::domain::Category;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The answer format a path's extension asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// A document name with its extension: `requests.json` → (`requests`, JSON).
fn split(file: &str) -> Result<(&str, Format), Open311Error> {
    let (name, ext) = file.rsplit_once('.').ok_or_else(|| {
        Open311Error::new(
            StatusCode::NOT_FOUND,
            Format::Json,
            format!("{file}: name the format, {file}.json or {file}.xml"),
        )
    })?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        other => {
            return Err(Open311Error::new(
                StatusCode::NOT_FOUND,
                Format::Json,
                format!("format .{other} is not served: use .json or .xml"),
            ))
        }
    };
    Ok((name, format))
}

/// One value of a record.
#[derive(Clone, Debug)]
pub enum Field {
    Text(String),
    Integer(i64),
    Number(f64),
    Bool(bool),
    Null,
}

/// A record: its fields in the standard's order.
pub type Record = Vec<(&'static str, Field)>;

fn escape(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(*c as u32, 0..=8 | 11 | 12 | 14..=31))
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            other => other.to_string(),
        })
        .collect()
}

fn json_of(r: &Record) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in r {
        let v = match v {
            Field::Text(s) => serde_json::Value::String(s.clone()),
            Field::Integer(n) => serde_json::Value::from(*n),
            Field::Number(n) => serde_json::Number::from_f64(*n)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Field::Bool(b) => serde_json::Value::Bool(*b),
            Field::Null => serde_json::Value::Null,
        };
        m.insert((*k).to_string(), v);
    }
    serde_json::Value::Object(m)
}

fn xml_of(r: &Record, element: &str, out: &mut String) {
    out.push_str(&format!("<{element}>"));
    for (k, v) in r {
        let text = match v {
            Field::Text(s) => escape(s),
            Field::Integer(n) => n.to_string(),
            Field::Number(n) => n.to_string(),
            Field::Bool(b) => b.to_string(),
            Field::Null => String::new(),
        };
        out.push_str(&format!("<{k}>{text}</{k}>"));
    }
    out.push_str(&format!("</{element}>"));
}

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// A list of records as JSON (an array) or XML (`<list><element>…</element></list>`).
pub fn records(
    status: StatusCode,
    format: Format,
    list: &str,
    element: &str,
    rs: &[Record],
) -> Response {
    match format {
        Format::Json => {
            let v: Vec<serde_json::Value> = rs.iter().map(json_of).collect();
            (status, axum::Json(v)).into_response()
        }
        Format::Xml => {
            let mut out = format!("{XML_HEAD}<{list}>");
            for r in rs {
                xml_of(r, element, &mut out);
            }
            out.push_str(&format!("</{list}>"));
            xml(status, out)
        }
    }
}

fn xml(status: StatusCode, body: String) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    res
}

/// An Open311 error: `[{"code": 400, "description": "…"}]` or `<errors>`.
#[derive(Debug)]
pub struct Open311Error {
    status: StatusCode,
    format: Format,
    description: String,
}

impl Open311Error {
    pub fn new(status: StatusCode, format: Format, description: impl Into<String>) -> Self {
        Open311Error {
            status,
            format,
            description: description.into(),
        }
    }

    pub fn bad(format: Format, description: impl Into<String>) -> Self {
        Open311Error::new(StatusCode::BAD_REQUEST, format, description)
    }

    /// An application error in the Open311 shape (statuses outside 400/403/404 kept).
    pub fn from_app(format: Format, e: crate::app::AppError) -> Self {
        let (status, _) = e.status_and_kind();
        let description = e.public_message();
        Open311Error::new(status, format, description)
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let r: Record = vec![
            ("code", Field::Integer(i64::from(self.status.as_u16()))),
            ("description", Field::Text(self.description)),
        ];
        records(self.status, self.format, "errors", "error", &[r])
    }
}

/// Our categories as Open311 services: 部件 and 事件 as groups.
fn service(c: Category) -> Record {
    let group = if c.is_component() {
        "部件 components"
    } else {
        "事件 events"
    };
    vec![
        ("service_code", Field::Text(c.as_str().into())),
        ("service_name", Field::Text(c.zh().into())),
        (
            "description",
            Field::Text(format!("{} ({})", c.zh(), c.as_str())),
        ),
        ("metadata", Field::Bool(false)),
        ("type", Field::Text("realtime".into())),
        ("keywords", Field::Text(c.zh().into())),
        ("group", Field::Text(group.into())),
    ]
}

/// A service code the caller sent, or 400 naming the codes (404 for a path).
pub fn category(code: &str, format: Format, status: StatusCode) -> Result<Category, Open311Error> {
    Category::ALL
        .iter()
        .copied()
        .find(|c| c.as_str() == code)
        .ok_or_else(|| {
            let codes: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            Open311Error::new(
                status,
                format,
                format!(
                    "service_code {code:?} is not a service here; the services are {}",
                    codes.join(", ")
                ),
            )
        })
}

/// `GET /open311/v2/{document}`: `discovery`, `services` or `requests`, as `.json`/`.xml`.
pub async fn document(
    state: axum::extract::State<crate::http::App>,
    headers: axum::http::HeaderMap,
    Path(file): Path<String>,
    query: requests::Pairs,
) -> Result<Response, Open311Error> {
    let (name, format) = split(&file)?;
    match name {
        "discovery" => Ok(discovery(&headers, format)),
        "services" => Ok(records(
            StatusCode::OK,
            format,
            "services",
            "service",
            &Category::ALL
                .iter()
                .map(|c| service(*c))
                .collect::<Vec<_>>(),
        )),
        "requests" => get_requests(state, format, query).await,
        other => Err(Open311Error::new(
            StatusCode::NOT_FOUND,
            format,
            format!("no document {other:?}: discovery, services or requests"),
        )),
    }
}

fn discovery(headers: &axum::http::HeaderMap, format: Format) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let url = format!("http://{host}/open311/v2");
    match format {
        Format::Json => axum::Json(serde_json::json!({
            "changeset": "2026-12-04 00:00",
            "contact": "the street office's grid management centre (网格化管理中心)",
            "key_service": "an administrator creates a reporter token: gridd token create --role reporter --name NAME",
            "endpoints": [{
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": url,
                "changeset": "2026-12-04 00:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }],
        }))
        .into_response(),
        Format::Xml => xml(
            StatusCode::OK,
            format!(
                "{XML_HEAD}<discovery><changeset>2026-12-04 00:00</changeset><contact>{}</contact><key_service>{}</key_service><endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification><url>{}</url><changeset>2026-12-04 00:00</changeset><type>production</type><formats><format>application/json</format><format>text/xml</format></formats></endpoint></endpoints></discovery>",
                escape("the street office's grid management centre (网格化管理中心)"),
                escape("an administrator creates a reporter token: gridd token create --role reporter --name NAME"),
                escape(&url)
            ),
        ),
    }
}

/// `GET /open311/v2/services/{code}.{json,xml}`: a service's definition (no extra attributes).
pub async fn service_definition(Path(file): Path<String>) -> Result<Response, Open311Error> {
    let (code, format) = split(&file)?;
    let c = category(code, format, StatusCode::NOT_FOUND)?;
    Ok(match format {
        Format::Json => axum::Json(serde_json::json!({
            "service_code": c.as_str(),
            "attributes": [],
        }))
        .into_response(),
        Format::Xml => xml(
            StatusCode::OK,
            format!(
                "{XML_HEAD}<service_definition><service_code>{}</service_code><attributes></attributes></service_definition>",
                c.as_str()
            ),
        ),
    })
}

/// `POST /open311/v2/{document}`: only `requests`.
pub async fn post_document(
    state: axum::extract::State<crate::http::App>,
    Path(file): Path<String>,
    addr: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    body: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Open311Error> {
    let (name, format) = split(&file)?;
    if name != "requests" {
        return Err(Open311Error::new(
            StatusCode::NOT_FOUND,
            format,
            format!("POST {file}: only requests.json or requests.xml is posted to"),
        ));
    }
    post_requests(state, format, addr, body).await
}
