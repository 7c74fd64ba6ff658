//! The incidents in memory ([`Heat`]: columns for density tiles and per-grid counts), behind
//! one lock. Every change is a single push or a whole refile, so a poisoned lock still holds
//! consistent columns and is read through.

use crate::domain::{GridPath, Incident, Wgs84Point};
use crate::engine::heat::Heat;
use crate::engine::Engine;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

#[derive(Default)]
pub struct IncidentColumns(RwLock<Heat>);

impl IncidentColumns {
    pub fn new(heat: Heat) -> IncidentColumns {
        IncidentColumns(RwLock::new(heat))
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Heat> {
        self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Heat> {
        self.0.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds incidents the store has made durable (those already held are skipped).
    pub fn add(&self, stored: &[Incident]) {
        let mut h = self.write();
        for i in stored {
            h.add_stored(i);
        }
    }

    /// Moves a case to a new status and due time (a transition), in tiles and counts at once.
    pub fn set_case(
        &self,
        id: i64,
        status: crate::domain::IncidentStatus,
        due: Option<chrono::DateTime<chrono::Utc>>,
    ) {
        let mut h = self.write();
        h.set_status(id, status);
        h.set_due(id, due.map(|d| d.timestamp()));
    }

    /// Sets the due times of open cases (at start, from the store).
    pub fn set_dues(&self, dues: &[(i64, chrono::DateTime<chrono::Utc>)]) {
        let mut h = self.write();
        for (id, due) in dues {
            h.set_due(*id, Some(due.timestamp()));
        }
    }

    /// Files every incident under the grids of `engine` (the version in force).
    pub fn refile(&self, engine: &Engine) {
        self.write()
            .refile(|lng, lat| match Wgs84Point::new(lng, lat) {
                Ok(p) => engine.assign(p).grids,
                Err(_) => GridPath::default(),
            });
    }

    /// The largest incident id held (to catch up after a bulk load).
    pub fn max_id(&self) -> i64 {
        self.read().max_id()
    }

    /// Changes whenever an incident is added or refiled.
    pub fn version(&self) -> u64 {
        self.read().version()
    }
}
