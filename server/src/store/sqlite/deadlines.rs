//! The working calendar and time limits in the embedded store (days as `YYYY-MM-DD` text).

use super::super::deadlines::{
    day_of, kind_text, limit_parts, rule_of, DeadlinesChange, StoredDeadlines, REPLACED,
};
use super::super::{Result, StoreError};
use super::versions::db;
use super::write::failed;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

pub(super) fn deadlines(conn: &Connection) -> Result<StoredDeadlines> {
    let replaced = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [REPLACED],
            |r| r.get::<_, String>(0),
        )
        .optional()
        .map_err(db("reading the settings"))?
        .is_some();
    let days = if replaced {
        let mut stmt = conn
            .prepare("SELECT day, kind, name FROM calendar_days ORDER BY day")
            .map_err(db("reading the calendar"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })
            .map_err(db("reading the calendar"))?
            .collect::<rusqlite::Result<Vec<(String, String, String)>>>()
            .map_err(db("reading a calendar day"))?;
        let days = rows
            .into_iter()
            .map(|(day, kind, name)| {
                let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|_| StoreError::Corrupt(format!("calendar day {day:?}")))?;
                day_of(date, &kind, name)
            })
            .collect::<Result<Vec<_>>>()?;
        Some(days)
    } else {
        None
    };
    let mut stmt = conn
        .prepare(
            "SELECT category, urgency, unit, amount FROM time_limits ORDER BY category, urgency",
        )
        .map_err(db("reading the time limits"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(db("reading the time limits"))?
        .collect::<rusqlite::Result<Vec<(String, String, String, i64)>>>()
        .map_err(db("reading a time limit"))?;
    let limits = rows
        .iter()
        .map(|(c, u, unit, n)| rule_of(c, u, unit, *n))
        .collect::<Result<Vec<_>>>()?;
    Ok(StoredDeadlines { days, limits })
}

pub(super) fn put_deadlines(conn: &mut Connection, change: &DeadlinesChange) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed("the calendar"))?;
    if let Some(days) = &change.days {
        tx.execute("DELETE FROM calendar_days", [])
            .map_err(failed("the calendar"))?;
        let mut insert = tx
            .prepare("INSERT OR REPLACE INTO calendar_days (day, kind, name) VALUES (?1, ?2, ?3)")
            .map_err(failed("the calendar"))?;
        for d in days {
            insert
                .execute(params![
                    d.date.format("%Y-%m-%d").to_string(),
                    kind_text(d.kind),
                    d.name
                ])
                .map_err(failed("a calendar day"))?;
        }
        drop(insert);
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, 'replaced')
             ON CONFLICT (key) DO NOTHING",
            [REPLACED],
        )
        .map_err(failed("the calendar"))?;
    }
    if let Some(limits) = &change.limits {
        tx.execute("DELETE FROM time_limits", [])
            .map_err(failed("the time limits"))?;
        let mut insert = tx
            .prepare(
                "INSERT OR REPLACE INTO time_limits (category, urgency, unit, amount)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(failed("the time limits"))?;
        for r in limits {
            let (unit, n) = limit_parts(r.limit);
            insert
                .execute(params![r.category.as_str(), r.urgency.as_str(), unit, n])
                .map_err(failed("a time limit"))?;
        }
    }
    super::changes::append(&tx, super::super::ChangeKind::Deadlines, (0, 0))?;
    tx.commit().map_err(failed("the calendar"))
}
