//! `GET /api/health`: the store in use, how much it holds, and whether this server is
//! `ok` or `degraded` (the store cannot be reached, or the change feed is failing) and why.
//! It answers 200 either way, so a load balancer can tell a degraded server from a dead one.
//! The city's rows are counted in the store; incidents are those this server holds in
//! memory (every stored one, kept in step by the change feed), since counting 10M rows each
//! time took PostgreSQL longer than the check may wait.

use super::contract::HealthAnswer;
use super::{App, AppError};
use crate::store::Counts;
use axum::extract::State;
use axum::Json;
use serde_json::json;
use std::time::Duration;

/// How long the health check waits for the store.
const STORE_WAIT: Duration = Duration::from_millis(1500);

pub async fn health(State(state): State<App>) -> Result<Json<HealthAnswer>, AppError> {
    let counted = match tokio::time::timeout(STORE_WAIT, state.store.city_counts()).await {
        Ok(Ok(c)) => Ok(Counts {
            incidents: state.incidents().read().len() as u64,
            ..c
        }),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "the store did not answer within {} ms",
            STORE_WAIT.as_millis()
        )),
    };
    let (c, reason) = match counted {
        Ok(c) => {
            state.remember_counts(c);
            (c, state.feed.trouble().map(|t| format!("change feed: {t}")))
        }
        Err(why) => (
            state.last_counts().unwrap_or_else(|| from_memory(&state)),
            Some(why),
        ),
    };
    let grids = (1..=3)
        .map(|l| (l.to_string(), json!(c.grids_by_level[l - 1])))
        .collect();
    Ok(Json(HealthAnswer {
        status: if reason.is_some() { "degraded" } else { "ok" }.into(),
        reason,
        changes_applied: state.feed.applied(),
        store: state.store.kind().as_str().into(),
        grids,
        compounds: c.compounds,
        buildings: c.buildings,
        officers: c.officers,
        service_centres: c.service_centres,
        incidents: c.incidents,
    }))
}

/// What the engine and the incident columns hold, when the store was never counted.
fn from_memory(state: &App) -> Counts {
    let s = state.engine().sizes();
    Counts {
        grids_by_level: [s[0] as u64, s[1] as u64, s[2] as u64],
        compounds: s[3] as u64,
        buildings: s[4] as u64,
        incidents: state.incidents().read().len() as u64,
        ..Counts::default()
    }
}
