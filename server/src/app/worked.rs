//! A year of cases worked through the loop, written into a store (`gridd work-cases`, run by
//! `make demo` and `make bench`): every incident in the store gets a generated history
//! (`generate::cases`) under the store's departments and calendar, up to `now`, written in
//! batches. The same seed and `now` give the same histories.

use super::calendar::from_stored;
use crate::domain::Category;
use crate::generate::cases::{work, WorkedCase};
use crate::generate::rng::Rng;
use crate::store::cases::{CaseEvent, CaseFacts, CaseHistory};
use crate::store::{IncidentQuery, Store, StoreError};
use chrono::{DateTime, Utc};

/// Cases written per transaction.
const BATCH: usize = 5_000;

/// What was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Worked {
    pub cases: usize,
    pub events: usize,
    pub open: usize,
    pub overdue: usize,
}

fn history(id: i64, w: WorkedCase) -> CaseHistory {
    CaseHistory {
        id,
        facts: CaseFacts {
            state: w.state,
            version: w.events.len() as i64 + 1,
            urgency: w.urgency,
            department: w.department,
            dispatched_at: w.dispatched_at,
            due_at: w.due_at,
            duplicate_of: None,
            satisfaction: w.satisfaction,
        },
        events: w
            .events
            .into_iter()
            .map(|e| CaseEvent {
                at: e.at,
                actor: e.actor.to_string(),
                action: e.action.as_str().to_string(),
                from_status: e.from,
                to_status: e.to,
                note: e.note.to_string(),
                due_at: e.due_at,
            })
            .collect(),
    }
}

/// Works every incident reported before `now` through the loop; `progress(done, total)`
/// after each batch.
pub async fn work_cases(
    store: &dyn Store,
    seed: u64,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Worked, StoreError> {
    let deadlines = from_stored(store.deadlines().await?)?;
    let departments = store.departments().await?;
    let taker = |c: Category| {
        departments
            .iter()
            .find(|d| d.categories.contains(&c))
            .map(|d| d.name.as_str())
    };
    let incidents = store
        .incidents(&IncidentQuery {
            everything: true,
            ..Default::default()
        })
        .await?;
    let todo: Vec<_> = incidents
        .iter()
        .filter(|i| i.incident.reported_at <= now)
        .collect();
    let base = Rng::new(seed);
    let mut done = Worked::default();
    for chunk in todo.chunks(BATCH) {
        let batch: Vec<CaseHistory> = chunk
            .iter()
            .map(|i| {
                let mut rng = base.fork(i.id as u64);
                let n = &i.incident;
                let w = work(
                    &mut rng,
                    n.category,
                    n.reported_at,
                    now,
                    &deadlines,
                    taker(n.category),
                );
                done.open += usize::from(w.state.status.is_open());
                done.overdue += usize::from(crate::domain::case::is_overdue(
                    w.state.status,
                    w.due_at,
                    now,
                ));
                history(i.id, w)
            })
            .collect();
        done.events += batch.iter().map(|c| c.events.len()).sum::<usize>();
        store.put_case_histories(&batch).await?;
        done.cases += batch.len();
        progress(done.cases, todo.len());
    }
    Ok(done)
}
