//! The incidents in memory: [`Heat`] (columns for density tiles and per-grid counts) and the
//! [`KpiIndex`] (one tally per case for the loop's KPIs), each behind one lock. Every change
//! is a single push, a single case's step or a whole refile, so a poisoned lock still holds
//! consistent columns and is read through.

use crate::domain::calendar::WorkCalendar;
use crate::domain::case::{Outcome, Satisfaction};
use crate::domain::kpi::{CaseRecord, EventRecord};
use crate::domain::{GridPath, Incident, IncidentStatus, Wgs84Point};
use crate::engine::heat::Heat;
use crate::engine::kpi::KpiIndex;
use crate::engine::Engine;
use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

#[derive(Default)]
pub struct IncidentColumns {
    heat: RwLock<Heat>,
    kpi: RwLock<KpiIndex>,
    /// The engine incidents were last filed by (`None` until a publish, when every
    /// incident's current grids are its report-time grids). Read and set only under the
    /// heat's write lock, so an incident added after a refile is filed like every other.
    filer: RwLock<Option<Arc<Engine>>>,
}

/// A case's state after a transition, as the KPIs keep it.
pub struct CaseStep<'a> {
    pub id: i64,
    pub event: EventRecord,
    pub department: Option<&'a str>,
    pub status: IncidentStatus,
    pub outcome: Option<Outcome>,
    pub due: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
}

impl IncidentColumns {
    pub fn new(heat: Heat, kpi: KpiIndex) -> IncidentColumns {
        IncidentColumns {
            heat: RwLock::new(heat),
            kpi: RwLock::new(kpi),
            filer: RwLock::new(None),
        }
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Heat> {
        self.heat.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Heat> {
        self.heat.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The KPI index.
    pub fn kpi(&self) -> RwLockReadGuard<'_, KpiIndex> {
        self.kpi.read().unwrap_or_else(|p| p.into_inner())
    }

    fn kpi_mut(&self) -> RwLockWriteGuard<'_, KpiIndex> {
        self.kpi.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds incidents the store has made durable (those already held are skipped).
    pub fn add(&self, stored: &[Incident]) {
        {
            let mut h = self.write();
            let filer = self.filer.read().unwrap_or_else(|p| p.into_inner()).clone();
            for i in stored {
                match &filer {
                    // Located before a publish swapped the engine, stored after its refile:
                    // filed under the grids in force, as the refile filed the others.
                    Some(engine) => h.add_stored_filed(i, |lng, lat| grids_at(engine, lng, lat)),
                    None => h.add_stored(i),
                };
            }
        }
        let mut k = self.kpi_mut();
        for i in stored {
            let n = &i.incident;
            k.report(i.id, n.reported_at.timestamp(), &n.grids, n.status);
        }
    }

    /// Moves a case on (a transition): its status and due time in tiles and counts, its
    /// tally in the KPIs.
    pub fn step(&self, s: &CaseStep<'_>, calendar: &WorkCalendar) {
        {
            let mut h = self.write();
            h.set_status(s.id, s.status);
            h.set_due(s.id, s.due.map(|d| d.timestamp()));
        }
        self.kpi_mut().transition(
            s.id,
            &s.event,
            s.department,
            (s.status, s.outcome, s.due, s.satisfaction),
            calendar,
        );
    }

    /// Replaces cases with their state and whole history as stored (changed by another
    /// server): status and due time in tiles and counts, the tally in the KPIs.
    pub fn put_cases(&self, records: &[(i64, CaseRecord)], calendar: &WorkCalendar) {
        {
            let mut h = self.write();
            for (id, r) in records {
                h.set_status(*id, r.status);
                h.set_due(*id, r.due_at.map(|d| d.timestamp()));
            }
        }
        let mut k = self.kpi_mut();
        for (id, r) in records {
            k.put(*id, r, calendar);
        }
    }

    /// Sets the due times of open cases (at start, from the store).
    pub fn set_dues(&self, dues: &[(i64, chrono::DateTime<chrono::Utc>)]) {
        let mut h = self.write();
        for (id, due) in dues {
            h.set_due(*id, Some(due.timestamp()));
        }
    }

    /// Files every incident under the grids of `engine` (the version in force).
    pub fn refile(&self, engine: &Arc<Engine>) {
        let mut h = self.write();
        *self.filer.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(engine));
        h.refile(|lng, lat| grids_at(engine, lng, lat));
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

/// The grids of `engine` at a position.
fn grids_at(engine: &Engine, lng: f64, lat: f64) -> GridPath {
    match Wgs84Point::new(lng, lat) {
        Ok(p) => engine.assign(p).grids,
        Err(_) => GridPath::default(),
    }
}
