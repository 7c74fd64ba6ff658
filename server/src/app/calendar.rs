//! The working calendar and time limits in force: read from the store at start (the shipped
//! calendar until an administrator replaces it), replaced at run time by `PUT /api/calendar`
//! or `gridd calendar import`. A change applies to clocks started after it; due times already
//! set stay as they were promised.

use super::{App, AppError};
use crate::domain::calendar::{Deadlines, LimitRule, Limits, SpecialDay, WorkCalendar};
use crate::store::deadlines::{DeadlinesChange, StoredDeadlines};
use crate::store::StoreError;
use std::sync::{Arc, RwLock};

/// The deadlines in force, swapped whole on a change; changes are written one at a time, so
/// the one in force is the one stored last.
#[derive(Default)]
pub struct InForce {
    now: RwLock<Arc<Deadlines>>,
    writing: tokio::sync::Mutex<()>,
}

/// Most listed days a calendar may hold (about a century of holidays).
const MAX_DAYS: usize = 5_000;

impl InForce {
    pub fn new(d: Deadlines) -> InForce {
        InForce {
            now: RwLock::new(Arc::new(d)),
            writing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn get(&self) -> Arc<Deadlines> {
        Arc::clone(&self.now.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn set(&self, d: Deadlines) {
        *self.now.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(d);
    }
}

/// The deadlines a store's rows make (the shipped calendar until one was stored).
pub fn from_stored(s: StoredDeadlines) -> Result<Deadlines, StoreError> {
    let calendar = match s.days {
        Some(days) => WorkCalendar::from_days(days),
        None => crate::domain::calendar::shipped(),
    };
    let limits = limits_of(&s.limits)
        .map_err(|(_, e)| StoreError::Corrupt(format!("a stored time limit: {e}")))?;
    Ok(Deadlines { calendar, limits })
}

/// The limits of `rules`, or the index and reason of the first one out of range.
fn limits_of(rules: &[LimitRule]) -> Result<Limits, (usize, String)> {
    let mut limits = Limits::default();
    for (i, r) in rules.iter().enumerate() {
        limits.set(*r).map_err(|e| (i, e))?;
    }
    Ok(limits)
}

impl App {
    /// The calendar and time limits in force.
    pub fn deadlines(&self) -> Arc<Deadlines> {
        self.deadlines.get()
    }

    /// Replaces the listed days (when given) and the administrator's limits (when given),
    /// durably, then puts them in force.
    pub async fn set_deadlines(
        &self,
        days: Option<Vec<SpecialDay>>,
        limits: Option<Vec<LimitRule>>,
    ) -> Result<Arc<Deadlines>, AppError> {
        if days.as_ref().is_some_and(|d| d.len() > MAX_DAYS) {
            return Err(AppError::body_field(
                "days",
                format!("more than {MAX_DAYS} listed days"),
            ));
        }
        let _one_at_a_time = self.deadlines.writing.lock().await;
        let now = self.deadlines();
        let next = Deadlines {
            calendar: match &days {
                Some(d) => WorkCalendar::from_days(d.iter().cloned()),
                None => now.calendar.clone(),
            },
            limits: match &limits {
                Some(l) => limits_of(l)
                    .map_err(|(i, e)| AppError::body_field(&format!("limits[{i}]"), e))?,
                None => now.limits.clone(),
            },
        };
        self.store
            .put_deadlines(&DeadlinesChange { days, limits })
            .await?;
        self.deadlines.set(next);
        Ok(self.deadlines())
    }

    /// Puts in force the calendar and limits the store holds now (changed elsewhere).
    pub(super) async fn reload_deadlines(&self) -> Result<(), AppError> {
        let _one_at_a_time = self.deadlines.writing.lock().await;
        let stored = from_stored(self.store.deadlines().await?)?;
        self.deadlines.set(stored);
        Ok(())
    }
}
