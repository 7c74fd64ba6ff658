//! How the application layer's [`AppError`] answers over HTTP: each variant's status, and
//! a body that is always `{"error": "<kind>", "message": "<what and where>"}`.

use super::contract::ErrorBody;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub use crate::app::AppError;

/// The status and `error` kind each application error answers with.
impl AppError {
    pub fn status_and_kind(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest { kind, .. } => (StatusCode::BAD_REQUEST, kind),
            AppError::Field { .. } => (StatusCode::BAD_REQUEST, "invalid_field"),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::Stale { .. } => (StatusCode::CONFLICT, "stale_version"),
            AppError::MethodNotAllowed { .. } => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
            }
            AppError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "body_timeout"),
            AppError::UnsupportedMedia(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl AppError {
    /// What the client is told: the message, or for our own faults a pointer to the log
    /// (where the details are written now).
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "internal error; see the server log".to_string()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind) = self.status_and_kind();
        let message = self.public_message();
        let mut body = ErrorBody::plain(kind, message);
        let allow = match &self {
            AppError::MethodNotAllowed { allow, .. } => Some(allow.join(", ")),
            _ => None,
        };
        let retry_after = match &self {
            AppError::TooMany { retry_after, .. } => Some(*retry_after),
            AppError::Unavailable(_) => Some(crate::app::error::UNAVAILABLE_RETRY_AFTER),
            _ => None,
        };
        match self {
            AppError::Invalid { problems, .. } => body.problems = Some(problems),
            AppError::Stale { current, .. } => body.current_version = Some(current),
            AppError::Field {
                field,
                code,
                params,
                ..
            } => {
                body.field = Some(field);
                body.code = Some(code.to_string());
                body.params = Some(params);
            }
            _ => {}
        }
        let mut res = (status, Json(body)).into_response();
        if let Some(v) = allow.and_then(|a| axum::http::HeaderValue::from_str(&a).ok()) {
            res.headers_mut().insert(axum::http::header::ALLOW, v);
        }
        if let Some(seconds) = retry_after {
            if let Ok(v) = axum::http::HeaderValue::from_str(&seconds.to_string()) {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        res
    }
}

impl From<QueryRejection> for AppError {
    fn from(e: QueryRejection) -> AppError {
        AppError::bad("invalid_query", e.body_text())
    }
}

impl From<JsonRejection> for AppError {
    fn from(e: JsonRejection) -> AppError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge(e.body_text());
        }
        AppError::bad("invalid_json", e.body_text())
    }
}

/// Every error an API or tile path answers is JSON in the shape above, whoever made it: a
/// path parameter that does not parse, a body over the limit, a method the route does not
/// take (axum answers those in plain text).
pub async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_string(),
        Err(_) => String::new(),
    };
    let kind = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let mut res = (status, Json(ErrorBody::plain(kind, message))).into_response();
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            res.headers_mut().insert(name.clone(), value.clone());
        }
    }
    res
}
