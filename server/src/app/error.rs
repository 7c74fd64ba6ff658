//! The one error type of the application layer. Each variant names what went wrong in terms a
//! client can act on; `http::error` turns each into its status and JSON body.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A parameter or body field is malformed (400).
    #[error("{message}")]
    BadRequest { kind: &'static str, message: String },
    /// A field of a body is wrong (400 `invalid_field`), with a message code and its
    /// figures for the frontend to translate.
    #[error("{message}")]
    Field {
        message: String,
        field: String,
        code: &'static str,
        params: serde_json::Map<String, serde_json::Value>,
    },
    /// No valid session or token (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but the role may not do this (403, naming what is needed).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; try again after `retry_after` seconds (429).
    #[error("{message}")]
    TooMany { message: String, retry_after: i64 },
    /// No such resource (404).
    #[error("{0}")]
    NotFound(String),
    /// Conflicts with what is stored (409).
    #[error("{0}")]
    Conflict(String),
    /// An edit made on an older version of the object than the one stored (409, with the
    /// version now current so the client can reload and retry).
    #[error("{message}")]
    Stale { message: String, current: i64 },
    /// The path exists, but not with this method (405), with the methods it takes.
    #[error("{message}")]
    MethodNotAllowed {
        message: String,
        allow: Vec<&'static str>,
    },
    /// The body is not in a media type the route takes (415).
    #[error("{0}")]
    UnsupportedMedia(String),
    /// The request body stopped arriving (408); nothing was stored.
    #[error("{0}")]
    Timeout(String),
    /// Body over the configured limit (413).
    #[error("{0}")]
    TooLarge(String),
    /// Well-formed but breaks a rule (422).
    #[error("{0}")]
    Unprocessable(String),
    /// Breaks rules, with the list of what is wrong (422, `problems` in the body).
    #[error("{message}")]
    Invalid {
        message: String,
        problems: serde_json::Value,
    },
    /// The database cannot be reached now; nothing was changed, try again (503 with
    /// Retry-After).
    #[error("{0}")]
    Unavailable(String),
    /// Our fault; details go to the log, not the client (500).
    #[error("{0}")]
    Internal(String),
}

/// Seconds a client is told to wait before retrying while the database is unavailable.
pub const UNAVAILABLE_RETRY_AFTER: i64 = 5;

impl AppError {
    pub fn bad(kind: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            kind,
            message: message.into(),
        }
    }

    /// A field of a request body that is missing or wrong: names the field and the reason.
    pub fn body_field(name: &str, e: impl std::fmt::Display) -> AppError {
        AppError::bad("invalid_field", format!("field {name}: {e}"))
    }

    /// A query parameter that did not parse: names the parameter and the reason.
    pub fn param(name: &str, e: impl std::fmt::Display) -> AppError {
        AppError::bad("invalid_parameter", format!("query parameter {name}: {e}"))
    }
}

impl From<crate::intake::ReportError> for AppError {
    fn from(e: crate::intake::ReportError) -> AppError {
        AppError::Field {
            message: e.to_string(),
            field: e.field.into_owned(),
            code: e.code,
            params: e.params,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(m) => AppError::Unprocessable(m),
            StoreError::Unavailable { context, reason } => AppError::Unavailable(format!(
                "the database cannot be reached ({context}: {reason}); nothing was changed, try again in a few seconds"
            )),
            other => AppError::Internal(other.to_string()),
        }
    }
}
