//! Bulk incident loads on SQLite: one IMMEDIATE transaction held while batches arrive,
//! committed only when the sender says so; a closed channel rolls everything back.

use super::super::{BulkMsg, Result, StoreError};
use super::read::millis;
use super::write::insert_incident;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::mpsc;

pub(super) fn load(conn: &mut Connection, mut batches: mpsc::Receiver<BulkMsg>) -> Result<u64> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| StoreError::db("starting the bulk load", e))?;
    let now = millis(&chrono::Utc::now());
    let mut n = 0u64;
    loop {
        match batches.blocking_recv() {
            Some(BulkMsg::Rows(rows)) => {
                for r in &rows {
                    insert_incident(&tx, r, now).map_err(|e| {
                        StoreError::db(format!("storing bulk incident {}", n + 1), e)
                    })?;
                    n += 1;
                }
            }
            Some(BulkMsg::Commit) => break,
            // The sender gave up (a bad line, a dropped connection): keep nothing.
            None => {
                return Err(StoreError::Invalid(
                    "the bulk load was abandoned; nothing was stored".into(),
                ))
            }
        }
    }
    tx.commit()
        .map_err(|e| StoreError::db("committing the bulk load", e))?;
    Ok(n)
}
