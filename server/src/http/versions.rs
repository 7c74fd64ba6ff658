//! `GET /api/versions`: the published versions of the grid set (the engine of the version in
//! force at a date, for `locate?at=`, is the application layer's: `app::history`).

use super::{App, AppError};
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub async fn versions(State(state): State<App>) -> Result<Json<Value>, AppError> {
    let list: Vec<Value> = state
        .store
        .versions()
        .await?
        .iter()
        .map(|v| {
            json!({ "version": v.version, "valid_from": v.valid_from.to_rfc3339(),
                    "published_at": v.published_at.to_rfc3339(), "draft": v.draft, "note": v.note,
                    "retired": v.retired, "created": v.created })
        })
        .collect();
    Ok(Json(json!({ "versions": list })))
}
