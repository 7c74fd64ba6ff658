//! `GET /api/versions`: the published versions of the grid set (the engine of the version in
//! force at a date, for `locate?at=`, is the application layer's: `app::history`).

use super::contract::{GridVersionInfo, VersionsAnswer};
use super::{App, AppError};
use axum::extract::State;
use axum::Json;

pub async fn versions(State(state): State<App>) -> Result<Json<VersionsAnswer>, AppError> {
    let versions = state
        .store
        .versions()
        .await?
        .into_iter()
        .map(|v| GridVersionInfo {
            version: v.version,
            valid_from: v.valid_from.to_rfc3339(),
            published_at: v.published_at.to_rfc3339(),
            draft: v.draft,
            note: v.note,
            retired: v.retired,
            created: v.created,
        })
        .collect();
    Ok(Json(VersionsAnswer { versions }))
}
