//! Whole case histories written at once in the embedded store (the demo's worked year): each
//! case's state replaced and its history lines rewritten, every case of a batch in one
//! transaction.

use super::super::cases::CaseHistory;
use super::super::changes::{id_range, ChangeKind};
use super::super::Result;
use super::cases::{facts_values, insert_event, SET_FACTS};
use super::write::failed;
use rusqlite::{params_from_iter, Connection, TransactionBehavior};

pub(super) fn put_case_histories(conn: &mut Connection, cases: &[CaseHistory]) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed("the case histories"))?;
    {
        let sql = format!("UPDATE incidents SET {SET_FACTS}, version = ?15 WHERE id = ?16");
        let mut update = tx
            .prepare_cached(&sql)
            .map_err(failed("the case histories"))?;
        let mut clear = tx
            .prepare_cached("DELETE FROM incident_events WHERE incident_id = ?1")
            .map_err(failed("the case histories"))?;
        for c in cases {
            update
                .execute(params_from_iter(facts_values(
                    &c.facts,
                    [c.events.len() as i64 + 1, c.id],
                )))
                .map_err(failed("a case"))?;
            clear.execute([c.id]).map_err(failed("a case's history"))?;
            for e in &c.events {
                insert_event(&tx, c.id, e).map_err(failed("a case's history"))?;
            }
        }
    }
    let ids = id_range(cases.iter().map(|c| c.id));
    super::changes::append(&tx, ChangeKind::Cases, ids)?;
    tx.commit().map_err(failed("the case histories"))
}
