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
            AppError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "body_timeout"),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind) = self.status_and_kind();
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "internal error; see the server log".to_string()
            }
            other => other.to_string(),
        };
        let mut body = ErrorBody {
            error: kind.to_string(),
            message,
            problems: None,
            current_version: None,
            field: None,
            code: None,
            params: None,
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
