//! Cases in the embedded store: departments, case facts, transitions with their history and
//! audit lines in one transaction (times as Unix milliseconds).

use super::super::cases::{
    case_state, categories_of, categories_text, CaseEvent, CaseFacts, Department, Transition,
    TransitionSave,
};
use super::super::changes::ChangeKind;
use super::super::{Result, StoreError};
use super::versions::{db, time};
use super::write::failed;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

fn ms(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis())
}

fn opt_time(ms: Option<i64>) -> Result<Option<DateTime<Utc>>> {
    ms.map(time).transpose()
}

pub(super) fn departments(conn: &Connection) -> Result<Vec<Department>> {
    let mut stmt = conn
        .prepare_cached("SELECT name, categories FROM departments ORDER BY name")
        .map_err(db("listing departments"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(db("listing departments"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db("reading a department"))?;
    rows.into_iter()
        .map(|(name, cats)| {
            Ok(Department {
                categories: categories_of(&name, &cats)?,
                name,
            })
        })
        .collect()
}

pub(super) fn put_department(conn: &mut Connection, d: &Department) -> Result<()> {
    conn.execute(
        "INSERT INTO departments (name, categories) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET categories = excluded.categories",
        params![d.name, categories_text(&d.categories)],
    )
    .map_err(failed("the department"))?;
    Ok(())
}

const FACTS: &str =
    "status, signed, extension_pending, outcome, supervised, self_handled, returns, reworks,
                     version, urgency, department, dispatched_at, due_at, duplicate_of, satisfaction";

pub(super) fn case_facts(conn: &Connection, id: i64) -> Result<Option<CaseFacts>> {
    type Raw = (
        String,
        bool,
        bool,
        Option<String>,
        bool,
        bool,
        i64,
        i64,
        i64,
        String,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let raw: Option<Raw> = conn
        .query_row(
            &format!("SELECT {FACTS} FROM incidents WHERE id = ?1"),
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                    r.get(12)?,
                    r.get(13)?,
                    r.get(14)?,
                ))
            },
        )
        .optional()
        .map_err(db("reading a case"))?;
    let Some(r) = raw else { return Ok(None) };
    Ok(Some(CaseFacts {
        state: case_state(id, &r.0, r.1, r.2, r.3.as_deref(), r.4, r.5, r.6, r.7)?,
        version: r.8,
        urgency: r
            .9
            .parse()
            .map_err(|e: String| StoreError::Corrupt(format!("incident {id}: {e}")))?,
        department: r.10,
        dispatched_at: opt_time(r.11)?,
        due_at: opt_time(r.12)?,
        duplicate_of: r.13,
        satisfaction: r
            .14
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: String| StoreError::Corrupt(format!("incident {id}: {e}")))?,
    }))
}

/// The columns a case's facts set, as `?1`…`?14` in this order.
pub(super) const SET_FACTS: &str =
    "status = ?1, signed = ?2, extension_pending = ?3, outcome = ?4, supervised = ?5,
     self_handled = ?6, returns = ?7, reworks = ?8, urgency = ?9, department = ?10,
     dispatched_at = ?11, due_at = ?12, duplicate_of = ?13, satisfaction = ?14";

/// The values of [`SET_FACTS`], then `more`.
pub(super) fn facts_values(f: &CaseFacts, more: [i64; 2]) -> Vec<Value> {
    let s = &f.state;
    let text = |v: Option<&str>| v.map_or(Value::Null, |v| Value::Text(v.to_string()));
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
    let mut out = vec![
        Value::Text(s.status.as_str().to_string()),
        Value::Integer(i64::from(s.signed)),
        Value::Integer(i64::from(s.extension_pending)),
        text(s.outcome_str()),
        Value::Integer(i64::from(s.supervised)),
        Value::Integer(i64::from(s.self_handled)),
        Value::Integer(i64::from(s.returns)),
        Value::Integer(i64::from(s.reworks)),
        Value::Text(f.urgency.as_str().to_string()),
        text(f.department.as_deref()),
        int(ms(f.dispatched_at)),
        int(ms(f.due_at)),
        int(f.duplicate_of),
        text(f.satisfaction.map(|s| s.as_str())),
    ];
    out.extend(more.map(Value::Integer));
    out
}

/// Appends one line to a case's history.
pub(super) fn insert_event(conn: &Connection, id: i64, e: &CaseEvent) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "INSERT INTO incident_events
             (incident_id, at, actor, action, from_status, to_status, note, due_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        e.at.timestamp_millis(),
        e.actor,
        e.action,
        e.from_status.as_str(),
        e.to_status.as_str(),
        e.note,
        ms(e.due_at)
    ])
}

pub(super) fn transition(conn: &mut Connection, t: &Transition) -> Result<TransitionSave> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| StoreError::db("starting a transition", e))?;
    let sql = format!(
        "UPDATE incidents SET {SET_FACTS}, version = version + 1 WHERE id = ?15 AND version = ?16"
    );
    let n = tx
        .prepare_cached(&sql)
        .and_then(|mut st| {
            st.execute(params_from_iter(facts_values(
                &t.facts,
                [t.id, t.expected_version],
            )))
        })
        .map_err(failed("the case"))?;
    if n == 0 {
        let current: Option<i64> = tx
            .query_row("SELECT version FROM incidents WHERE id = ?1", [t.id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db("reading a case's version"))?;
        return Ok(
            current.map_or(TransitionSave::Missing, |current| TransitionSave::Stale {
                current,
            }),
        );
    }
    let e = &t.event;
    insert_event(&tx, t.id, e).map_err(failed("the case's history"))?;
    tx.prepare_cached("INSERT INTO audit (at, actor, kind, object, summary, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .and_then(|mut st| st.execute(params![
            e.at.timestamp_millis(),
            e.actor,
            format!("incident.{}", e.action),
            format!("incident {}", t.id),
            format!("{} → {}", e.from_status.as_str(), e.to_status.as_str()),
            t.source
        ]))
    .map_err(failed("the transition's audit line"))?;
    if let Some((order_no, by)) = &t.hotline {
        tx.prepare_cached(
            "INSERT INTO outbox (incident_id, order_no, reported_by, at, action, status, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .and_then(|mut st| {
            st.execute(params![
                t.id,
                order_no,
                by,
                e.at.timestamp_millis(),
                e.action,
                e.to_status.as_str(),
                e.note
            ])
        })
        .map_err(failed("the hotline outbox"))?;
    }
    super::changes::append(&tx, ChangeKind::Cases, (t.id, t.id))?;
    tx.commit()
        .map_err(|e| StoreError::db("committing a transition", e))?;
    Ok(TransitionSave::Saved(t.expected_version + 1))
}

pub(super) fn history(conn: &Connection, id: i64) -> Result<Vec<CaseEvent>> {
    type Raw = (i64, String, String, String, String, String, Option<i64>);
    let mut stmt = conn
        .prepare_cached(
            "SELECT at, actor, action, from_status, to_status, note, due_at
             FROM incident_events WHERE incident_id = ?1 ORDER BY id",
        )
        .map_err(db("reading a case's history"))?;
    let rows: Vec<Raw> = stmt
        .query_map([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .map_err(db("reading a case's history"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(db("reading a case's history"))?;
    let corrupt = |e: crate::domain::FieldError| StoreError::Corrupt(format!("incident {id}: {e}"));
    rows.into_iter()
        .map(|r| {
            Ok(CaseEvent {
                at: time(r.0)?,
                actor: r.1,
                action: r.2,
                from_status: r.3.parse().map_err(corrupt)?,
                to_status: r.4.parse().map_err(corrupt)?,
                note: r.5,
                due_at: opt_time(r.6)?,
            })
        })
        .collect()
}

pub(super) fn case_records(
    conn: &Connection,
    q: &super::super::RecordQuery,
) -> Result<Vec<(i64, crate::domain::kpi::CaseRecord)>> {
    let sql = format!(
        "{} AND e.incident_id BETWEEN coalesce(?3, {lo}) AND coalesce(?4, {hi})
         WHERE (?1 IS NULL OR i.reported_at >= ?1) AND (?2 IS NULL OR i.reported_at < ?2)
           AND i.id BETWEEN coalesce(?3, {lo}) AND coalesce(?4, {hi})
         ORDER BY i.id, e.id",
        super::super::cases::RECORDS_SQL,
        lo = -i64::MAX,
        hi = i64::MAX
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(db("reading cases for the KPIs"))?;
    let (first, last) = (q.ids.map(|r| r.0), q.ids.map(|r| r.1));
    let mut rows = stmt
        .query(params![ms(q.from), ms(q.to), first, last])
        .map_err(db("reading cases for the KPIs"))?;
    let mut out = Vec::new();
    let mut last = None;
    while let Some(r) = rows.next().map_err(db("reading cases for the KPIs"))? {
        let e = db("reading a case for the KPIs");
        let id: i64 = r.get(0).map_err(&e)?;
        let at: Option<i64> = r.get(9).map_err(&e)?;
        let action: Option<String> = r.get(10).map_err(&e)?;
        let event_due: Option<i64> = r.get(11).map_err(&e)?;
        let facts = if last == Some(id) {
            None
        } else {
            Some(super::super::cases::RecordFacts {
                reported_at: time(r.get(12).map_err(&e)?)?,
                grids: [
                    r.get(1).map_err(&e)?,
                    r.get(2).map_err(&e)?,
                    r.get(3).map_err(&e)?,
                ],
                department: r.get(4).map_err(&e)?,
                status: r.get(5).map_err(&e)?,
                outcome: r.get(6).map_err(&e)?,
                due_at: opt_time(r.get(7).map_err(&e)?)?,
                satisfaction: r.get(8).map_err(&e)?,
            })
        };
        last = Some(id);
        out.push(super::super::cases::RecordRow {
            id,
            facts,
            event: match (at, action) {
                (Some(at), Some(action)) => Some((time(at)?, action, opt_time(event_due)?)),
                _ => None,
            },
        });
    }
    super::super::cases::records(out)
}

pub(super) fn outbox(
    conn: &Connection,
    after: i64,
    limit: u32,
    by: Option<String>,
) -> Result<Vec<super::super::cases::OutboxLine>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, incident_id, order_no, at, action, status, note FROM outbox
             WHERE seq > ?1 AND (?2 IS NULL OR reported_by = ?2) ORDER BY seq LIMIT ?3",
        )
        .map_err(db("reading the outbox"))?;
    type Raw = (i64, i64, String, i64, String, String, String);
    let rows: Vec<Raw> = stmt
        .query_map(params![after, by, limit], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .map_err(db("reading the outbox"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(db("reading the outbox"))?;
    rows.into_iter()
        .map(|r| {
            Ok(super::super::cases::OutboxLine {
                seq: r.0,
                incident_id: r.1,
                order_no: r.2,
                at: time(r.3)?,
                action: r.4,
                status: r.5.parse().map_err(|e: crate::domain::FieldError| {
                    StoreError::Corrupt(format!("outbox line {}: {e}", r.0))
                })?,
                note: r.6,
            })
        })
        .collect()
}

pub(super) fn open_dues(conn: &Connection) -> Result<Vec<(i64, DateTime<Utc>)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, due_at FROM incidents
             WHERE due_at IS NOT NULL AND status NOT IN ('closed', 'evaluated')",
        )
        .map_err(db("reading due times"))?;
    let rows: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db("reading due times"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(db("reading due times"))?;
    rows.into_iter()
        .map(|(id, ms)| Ok((id, time(ms)?)))
        .collect()
}
