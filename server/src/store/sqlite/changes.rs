//! The change feed in the embedded store. The writer connection knows its origin through a
//! one-row temporary table (`temp.me`, private to that connection), so every write appends
//! its line with one statement and no argument threaded through; readers poll the table.

use super::super::changes::{Change, ChangeKind};
use super::super::{Result, StoreError};
use super::versions::{db, time};
use rusqlite::{params, Connection};

/// Tells the writer connection which origin its change lines carry.
pub(super) fn set_origin(writer: &Connection, origin: &str) -> Result<()> {
    writer
        .execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS me (origin TEXT NOT NULL); DELETE FROM temp.me;",
        )
        .and_then(|_| writer.execute("INSERT INTO temp.me (origin) VALUES (?1)", [origin]))
        .map(|_| ())
        .map_err(|e| StoreError::Open(format!("preparing the change feed: {e}")))
}

/// Appends a change line (inside the caller's transaction).
pub(super) fn append(conn: &Connection, kind: ChangeKind, (first, last): (i64, i64)) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO changes (kind, first_id, last_id, origin, at)
         SELECT ?1, ?2, ?3, origin, ?4 FROM temp.me",
    )
    .and_then(|mut s| {
        s.execute(params![
            kind.as_str(),
            first,
            last,
            chrono::Utc::now().timestamp_millis()
        ])
    })
    .map(|_| ())
    .map_err(db("appending to the change feed"))
}

pub(super) fn changes_after(conn: &Connection, after: i64, limit: u32) -> Result<Vec<Change>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, kind, first_id, last_id, origin, at FROM changes
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .map_err(db("reading the change feed"))?;
    type Raw = (i64, String, i64, i64, String, i64);
    let rows: Vec<Raw> = stmt
        .query_map(params![after, limit], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .map_err(db("reading the change feed"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(db("reading the change feed"))?;
    rows.into_iter()
        .map(|(seq, kind, first, last, origin, at)| {
            Ok(Change {
                seq,
                kind: ChangeKind::parse(&kind).ok_or_else(|| {
                    StoreError::Corrupt(format!("change {seq} has an unknown kind {kind:?}"))
                })?,
                first,
                last,
                origin,
                at: time(at)?,
            })
        })
        .collect()
}

pub(super) fn last_change(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| {
        r.get(0)
    })
    .map_err(db("reading the change feed"))
}
