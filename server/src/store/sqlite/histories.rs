//! Whole case histories written at once in the embedded store (the demo's worked year): each
//! case's state replaced and its history lines rewritten, every case of a batch in one
//! transaction.

use super::super::cases::CaseHistory;
use super::super::Result;
use super::write::failed;
use rusqlite::{params, Connection, TransactionBehavior};

fn ms(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis())
}

pub(super) fn put_case_histories(conn: &mut Connection, cases: &[CaseHistory]) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed("the case histories"))?;
    {
        let mut update = tx
            .prepare_cached(
                "UPDATE incidents SET status = ?1, signed = ?2, extension_pending = ?3,
                     outcome = ?4, supervised = ?5, self_handled = ?6, returns = ?7, reworks = ?8,
                     urgency = ?9, department = ?10, dispatched_at = ?11, due_at = ?12,
                     duplicate_of = ?13, satisfaction = ?14, version = ?15
                 WHERE id = ?16",
            )
            .map_err(failed("the case histories"))?;
        let mut clear = tx
            .prepare_cached("DELETE FROM incident_events WHERE incident_id = ?1")
            .map_err(failed("the case histories"))?;
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO incident_events
                     (incident_id, at, actor, action, from_status, to_status, note, due_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(failed("the case histories"))?;
        for c in cases {
            let (f, s) = (&c.facts, &c.facts.state);
            update
                .execute(params![
                    s.status.as_str(),
                    s.signed,
                    s.extension_pending,
                    s.outcome_str(),
                    s.supervised,
                    s.self_handled,
                    s.returns,
                    s.reworks,
                    f.urgency.as_str(),
                    f.department,
                    ms(f.dispatched_at),
                    ms(f.due_at),
                    f.duplicate_of,
                    f.satisfaction.map(|s| s.as_str()),
                    c.events.len() as i64 + 1,
                    c.id
                ])
                .map_err(failed("a case"))?;
            clear.execute([c.id]).map_err(failed("a case's history"))?;
            for e in &c.events {
                insert
                    .execute(params![
                        c.id,
                        e.at.timestamp_millis(),
                        e.actor,
                        e.action,
                        e.from_status.as_str(),
                        e.to_status.as_str(),
                        e.note,
                        ms(e.due_at)
                    ])
                    .map_err(failed("a case's history"))?;
            }
        }
    }
    tx.commit().map_err(failed("the case histories"))
}
