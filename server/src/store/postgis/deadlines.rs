//! The working calendar and time limits in the PostGIS store.

use super::super::deadlines::{
    day_of, kind_text, limit_parts, rule_of, DeadlinesChange, StoredDeadlines, REPLACED,
};
use super::super::Result;
use super::read::{db, get};
use super::write::failed;
use chrono::NaiveDate;
use deadpool_postgres::ClientWrapper as Client;

pub(super) async fn deadlines(client: &Client) -> Result<StoredDeadlines> {
    let replaced = client
        .query_opt("SELECT value FROM settings WHERE key = $1", &[&REPLACED])
        .await
        .map_err(db("reading the settings"))?
        .is_some();
    let days = if replaced {
        let rows = client
            .query(
                "SELECT day, kind, name FROM calendar_days ORDER BY day",
                &[],
            )
            .await
            .map_err(db("reading the calendar"))?;
        let days = rows
            .iter()
            .map(|r| {
                let date: NaiveDate = get(r, 0, "calendar day")?;
                let kind: String = get(r, 1, "calendar day")?;
                day_of(date, &kind, get(r, 2, "calendar day")?)
            })
            .collect::<Result<Vec<_>>>()?;
        Some(days)
    } else {
        None
    };
    let limits = client
        .query(
            "SELECT category, urgency, unit, amount FROM time_limits ORDER BY category, urgency",
            &[],
        )
        .await
        .map_err(db("reading the time limits"))?
        .iter()
        .map(|r| {
            let (c, u, unit): (String, String, String) = (
                get(r, 0, "time limit")?,
                get(r, 1, "time limit")?,
                get(r, 2, "time limit")?,
            );
            let n: i32 = get(r, 3, "time limit")?;
            rule_of(&c, &u, &unit, i64::from(n))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(StoredDeadlines { days, limits })
}

pub(super) async fn put_deadlines(client: &mut Client, change: &DeadlinesChange) -> Result<()> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| failed("the calendar", e))?;
    if let Some(days) = &change.days {
        tx.execute("DELETE FROM calendar_days", &[])
            .await
            .map_err(|e| failed("the calendar", e))?;
        let insert = tx
            .prepare(
                "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)
                 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
            )
            .await
            .map_err(|e| failed("the calendar", e))?;
        for d in days {
            tx.execute(&insert, &[&d.date, &kind_text(d.kind), &d.name])
                .await
                .map_err(|e| failed("a calendar day", e))?;
        }
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ($1, 'replaced') ON CONFLICT (key) DO NOTHING",
            &[&REPLACED],
        )
        .await
        .map_err(|e| failed("the calendar", e))?;
    }
    if let Some(limits) = &change.limits {
        tx.execute("DELETE FROM time_limits", &[])
            .await
            .map_err(|e| failed("the time limits", e))?;
        let insert = tx
            .prepare(
                "INSERT INTO time_limits (category, urgency, unit, amount) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (category, urgency)
                 DO UPDATE SET unit = excluded.unit, amount = excluded.amount",
            )
            .await
            .map_err(|e| failed("the time limits", e))?;
        for r in limits {
            let (unit, n) = limit_parts(r.limit);
            tx.execute(
                &insert,
                &[&r.category.as_str(), &r.urgency.as_str(), &unit, &n],
            )
            .await
            .map_err(|e| failed("a time limit", e))?;
        }
    }
    super::changes::append(&*tx, super::super::ChangeKind::Deadlines, (0, 0)).await?;
    tx.commit().await.map_err(|e| failed("the calendar", e))
}
