//! The one error type of the HTTP layer. Each variant says which status it becomes; the body
//! is always `{"error": "<kind>", "message": "<what and where>"}`.

use crate::store::StoreError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: a parameter or body field is malformed.
    #[error("{message}")]
    BadRequest { kind: &'static str, message: String },
    /// 404: no such resource.
    #[error("{0}")]
    NotFound(String),
    /// 409: conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// 413: body over the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// 422: well-formed but breaks a rule.
    #[error("{0}")]
    Unprocessable(String),
    /// 422 with the list of what is wrong (`problems` in the body).
    #[error("{message}")]
    Invalid {
        message: String,
        problems: serde_json::Value,
    },
    /// 500: our fault; details go to the log, not the client.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn bad(kind: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            kind,
            message: message.into(),
        }
    }

    /// A query parameter that did not parse: names the parameter and the reason.
    pub fn param(name: &str, e: impl std::fmt::Display) -> AppError {
        AppError::bad("invalid_parameter", format!("query parameter {name}: {e}"))
    }

    fn status_and_kind(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest { kind, .. } => (StatusCode::BAD_REQUEST, kind),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
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
        let mut body = json!({ "error": kind, "message": message });
        if let AppError::Invalid { problems, .. } = self {
            body["problems"] = problems;
        }
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(m) => AppError::Unprocessable(m),
            other => AppError::Internal(other.to_string()),
        }
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
