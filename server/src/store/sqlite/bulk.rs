//! Bulk incident loads on SQLite: one IMMEDIATE transaction held while batches arrive,
//! committed only when the sender says so; a closed channel rolls everything back. A load
//! larger than the table drops the incident indexes inside the transaction and rebuilds
//! them before commit, which is several times faster than updating them row by row.

use super::super::{BulkMsg, Result, StoreError};
use super::read::millis;
use super::write::insert_incident;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::mpsc;

/// Page cache for the length of a bulk load (KiB, as `cache_size` takes it when negative):
/// a million rows touch ~400 MB of table and index pages, and a cache that holds them keeps
/// index updates off the disk until commit.
const BULK_CACHE_KIB: i64 = 1 << 20;

pub(super) fn load(conn: &mut Connection, batches: mpsc::Receiver<BulkMsg>) -> Result<u64> {
    let before: i64 = conn
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .map_err(|e| StoreError::db("reading the cache size", e))?;
    conn.execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))
        .map_err(|e| StoreError::db("growing the cache for a bulk load", e))?;
    let result = load_in_transaction(conn, batches);
    // Shrinking the cache again frees the pages; a failure here only costs memory.
    if let Err(e) = conn.execute_batch(&format!("PRAGMA cache_size = {before}")) {
        tracing::warn!(error = %e, "could not restore the SQLite cache size");
    }
    result
}

fn load_in_transaction(conn: &mut Connection, mut batches: mpsc::Receiver<BulkMsg>) -> Result<u64> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| StoreError::db("starting the bulk load", e))?;
    let now = millis(&chrono::Utc::now());
    let existing: i64 = tx
        .query_row("SELECT count(*) FROM incidents", [], |r| r.get(0))
        .map_err(|e| StoreError::db("counting incidents", e))?;
    // Past this many rows, rebuilding the indexes once (a sort) beats updating them row by row.
    let rebuild_after = existing.max(REBUILD_MIN_ROWS) as u64;
    let mut dropped: Vec<String> = Vec::new();
    let mut n = 0u64;
    let mut ids = (i64::MAX, 0i64);
    loop {
        match batches.blocking_recv() {
            Some(BulkMsg::Rows(rows)) => {
                for r in &rows {
                    insert_incident(&tx, r, now).map_err(|e| {
                        StoreError::db(format!("storing bulk incident {}", n + 1), e)
                    })?;
                    let id = tx.last_insert_rowid();
                    ids = (ids.0.min(id), ids.1.max(id));
                    n += 1;
                }
                if n > rebuild_after && dropped.is_empty() {
                    dropped = drop_indexes(&tx)?;
                }
            }
            Some(BulkMsg::Commit) => break,
            // The sender gave up (a bad line, a dropped connection): keep nothing, and the
            // rollback brings back any index dropped.
            None => {
                return Err(StoreError::Invalid(
                    "the bulk load was abandoned; nothing was stored".into(),
                ))
            }
        }
    }
    let started = std::time::Instant::now();
    for sql in &dropped {
        tx.execute_batch(sql)
            .map_err(|e| StoreError::db("rebuilding an incident index", e))?;
    }
    if !dropped.is_empty() {
        tracing::info!(
            indexes = dropped.len(),
            seconds = started.elapsed().as_secs_f64(),
            "rebuilt incident indexes"
        );
    }
    if n > 0 {
        super::changes::append(&tx, super::super::ChangeKind::Incidents, ids)?;
    }
    let started = std::time::Instant::now();
    tx.commit()
        .map_err(|e| StoreError::db("committing the bulk load", e))?;
    tracing::info!(
        rows = n,
        seconds = started.elapsed().as_secs_f64(),
        "bulk load committed"
    );
    Ok(n)
}

/// Loads smaller than this keep their indexes up to date row by row.
const REBUILD_MIN_ROWS: i64 = 50_000;

/// Drops the incident table's indexes inside the transaction; returns their definitions.
/// Readers keep seeing the committed snapshot, indexes included, until the commit.
fn drop_indexes(tx: &rusqlite::Transaction) -> Result<Vec<String>> {
    let fail = |e| StoreError::db("dropping incident indexes for the bulk load", e);
    let defs: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents' AND sql IS NOT NULL")
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(fail)?;
    for (name, _) in &defs {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))
            .map_err(fail)?;
    }
    Ok(defs.into_iter().map(|(_, sql)| sql).collect())
}
