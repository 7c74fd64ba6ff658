//! Cases in the PostGIS store: departments, case facts, transitions with their history and
//! audit lines in one transaction.

use super::super::cases::{
    case_state, categories_of, categories_text, CaseEvent, CaseFacts, Department, Transition,
    TransitionSave,
};
use super::super::{Result, StoreError};
use super::read::{db, get};
use super::write::failed;
use chrono::{DateTime, Utc};
use deadpool_postgres::ClientWrapper as Client;

pub(super) async fn departments(client: &Client) -> Result<Vec<Department>> {
    client
        .query(
            "SELECT name, categories FROM departments ORDER BY name",
            &[],
        )
        .await
        .map_err(db("listing departments"))?
        .iter()
        .map(|r| {
            let name: String = get(r, 0, "department")?;
            let cats: String = get(r, 1, "department")?;
            Ok(Department {
                categories: categories_of(&name, &cats)?,
                name,
            })
        })
        .collect()
}

pub(super) async fn put_department(client: &Client, d: &Department) -> Result<()> {
    client
        .execute(
            "INSERT INTO departments (name, categories) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET categories = excluded.categories",
            &[&d.name, &categories_text(&d.categories)],
        )
        .await
        .map_err(|e| failed("the department", e))?;
    Ok(())
}

pub(super) async fn case_facts(client: &Client, id: i64) -> Result<Option<CaseFacts>> {
    let Some(r) = client
        .query_opt(
            "SELECT status, signed, extension_pending, outcome, supervised, self_handled, returns,
                    reworks, version, urgency, department, dispatched_at, due_at, duplicate_of,
                    satisfaction
             FROM incidents WHERE id = $1",
            &[&id],
        )
        .await
        .map_err(db("reading a case"))?
    else {
        return Ok(None);
    };
    let what = format!("incident {id}");
    let status: String = get(&r, 0, &what)?;
    let outcome: Option<String> = get(&r, 3, &what)?;
    let urgency: String = get(&r, 9, &what)?;
    Ok(Some(CaseFacts {
        state: case_state(
            id,
            &status,
            get(&r, 1, &what)?,
            get(&r, 2, &what)?,
            outcome.as_deref(),
            get(&r, 4, &what)?,
            get(&r, 5, &what)?,
            i64::from(get::<i32>(&r, 6, &what)?),
            i64::from(get::<i32>(&r, 7, &what)?),
        )?,
        version: get(&r, 8, &what)?,
        urgency: urgency
            .parse()
            .map_err(|e: String| StoreError::Corrupt(format!("{what}: {e}")))?,
        department: get(&r, 10, &what)?,
        dispatched_at: get(&r, 11, &what)?,
        due_at: get(&r, 12, &what)?,
        duplicate_of: get(&r, 13, &what)?,
        satisfaction: get::<Option<String>>(&r, 14, &what)?
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: String| StoreError::Corrupt(format!("{what}: {e}")))?,
    }))
}

pub(super) async fn transition(
    client: &mut tokio_postgres::Client,
    t: &Transition,
) -> Result<TransitionSave> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| super::read::pg_error("starting a transition", &e))?;
    let (f, e) = (&t.facts, &t.event);
    let s = &f.state;
    let (returns, reworks) = (
        i32::try_from(s.returns).unwrap_or(i32::MAX),
        i32::try_from(s.reworks).unwrap_or(i32::MAX),
    );
    let n = tx
        .execute(
            "UPDATE incidents SET status = $1, signed = $2, extension_pending = $3, outcome = $4,
                 supervised = $5, self_handled = $6, returns = $7, reworks = $8, urgency = $9,
                 department = $10, dispatched_at = $11, due_at = $12, duplicate_of = $13,
                 satisfaction = $16, version = version + 1
             WHERE id = $14 AND version = $15",
            &[
                &s.status.as_str(),
                &s.signed,
                &s.extension_pending,
                &s.outcome_str(),
                &s.supervised,
                &s.self_handled,
                &returns,
                &reworks,
                &f.urgency.as_str(),
                &f.department,
                &f.dispatched_at,
                &f.due_at,
                &f.duplicate_of,
                &t.id,
                &t.expected_version,
                &f.satisfaction.map(|s| s.as_str()),
            ],
        )
        .await
        .map_err(|e| failed("the case", e))?;
    if n == 0 {
        let current: Option<i64> = tx
            .query_opt("SELECT version FROM incidents WHERE id = $1", &[&t.id])
            .await
            .map_err(db("reading a case's version"))?
            .map(|r| get(&r, 0, "case version"))
            .transpose()?;
        return Ok(
            current.map_or(TransitionSave::Missing, |current| TransitionSave::Stale {
                current,
            }),
        );
    }
    tx.execute(
        "INSERT INTO incident_events (incident_id, at, actor, action, from_status, to_status, note, due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &t.id,
            &e.at,
            &e.actor,
            &e.action,
            &e.from_status.as_str(),
            &e.to_status.as_str(),
            &e.note,
            &e.due_at,
        ],
    )
    .await
    .map_err(|err| failed("the case's history", err))?;
    tx.execute(
        "INSERT INTO audit (at, actor, kind, object, summary, source) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &e.at,
            &e.actor,
            &format!("incident.{}", e.action),
            &format!("incident {}", t.id),
            &format!("{} → {}", e.from_status.as_str(), e.to_status.as_str()),
            &t.source,
        ],
    )
    .await
    .map_err(|err| failed("the transition's audit line", err))?;
    if let Some((order_no, by)) = &t.hotline {
        tx.execute(
            "INSERT INTO outbox (incident_id, order_no, reported_by, at, action, status, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &t.id,
                order_no,
                by,
                &e.at,
                &e.action,
                &e.to_status.as_str(),
                &e.note,
            ],
        )
        .await
        .map_err(|err| failed("the hotline outbox", err))?;
    }
    super::changes::append(&tx, super::super::ChangeKind::Cases, (t.id, t.id)).await?;
    tx.commit()
        .await
        .map_err(|e| super::read::pg_error("committing a transition", &e))?;
    Ok(TransitionSave::Saved(t.expected_version + 1))
}

pub(super) async fn history(client: &Client, id: i64) -> Result<Vec<CaseEvent>> {
    let what = format!("history of incident {id}");
    client
        .query(
            "SELECT at, actor, action, from_status, to_status, note, due_at
             FROM incident_events WHERE incident_id = $1 ORDER BY id",
            &[&id],
        )
        .await
        .map_err(db("reading a case's history"))?
        .iter()
        .map(|r| {
            let status = |i: usize| -> Result<_> {
                let s: String = get(r, i, &what)?;
                s.parse()
                    .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
            };
            Ok(CaseEvent {
                at: get::<DateTime<Utc>>(r, 0, &what)?,
                actor: get(r, 1, &what)?,
                action: get(r, 2, &what)?,
                from_status: status(3)?,
                to_status: status(4)?,
                note: get(r, 5, &what)?,
                due_at: get(r, 6, &what)?,
            })
        })
        .collect()
}

/// The cases' own columns and their events are read by two index range scans merged here:
/// PostgreSQL plans the joined query as a hash join over a scan of every event, which made
/// reading a store a chunk at a time quadratic (1.2 s per 100,000 cases at 1M cases).
pub(super) async fn case_records(
    client: &Client,
    q: &super::super::RecordQuery,
) -> Result<Vec<(i64, crate::domain::kpi::CaseRecord)>> {
    let (first, last) = (q.ids.map(|r| r.0), q.ids.map(|r| r.1));
    let bounds = format!(
        "BETWEEN coalesce($1::bigint, {}) AND coalesce($2::bigint, {})",
        -i64::MAX,
        i64::MAX
    );
    let cases = client
        .query(
            &format!(
                "SELECT id, grid1, grid2, grid3, department, status, outcome, due_at, satisfaction,
                        reported_at
                 FROM incidents
                 WHERE id {bounds} AND ($3::timestamptz IS NULL OR reported_at >= $3)
                   AND ($4::timestamptz IS NULL OR reported_at < $4)
                 ORDER BY id"
            ),
            &[&first, &last, &q.from, &q.to],
        )
        .await
        .map_err(db("reading cases for the KPIs"))?;
    let events = client
        .query(
            &format!(
                "SELECT incident_id, at, action, due_at FROM incident_events
                 WHERE incident_id {bounds} ORDER BY incident_id, id"
            ),
            &[&first, &last],
        )
        .await
        .map_err(db("reading case histories for the KPIs"))?;
    let what = "a case for the KPIs";
    let mut out = Vec::with_capacity(events.len() + cases.len());
    let events = events
        .iter()
        .map(|e| Ok((get::<i64>(e, 0, what)?, e)))
        .collect::<Result<Vec<_>>>()?;
    let mut events = events.into_iter().peekable();
    for r in &cases {
        let id: i64 = get(r, 0, what)?;
        let mut facts = Some(super::super::cases::RecordFacts {
            reported_at: get(r, 9, what)?,
            grids: [get(r, 1, what)?, get(r, 2, what)?, get(r, 3, what)?],
            department: get(r, 4, what)?,
            status: get(r, 5, what)?,
            outcome: get(r, 6, what)?,
            due_at: get(r, 7, what)?,
            satisfaction: get(r, 8, what)?,
        });
        // Events of cases left out (by report time) come before this case's.
        while events.next_if(|(case, _)| *case < id).is_some() {}
        while let Some((_, e)) = events.next_if(|(case, _)| *case == id) {
            out.push(super::super::cases::RecordRow {
                id,
                facts: facts.take(),
                event: Some((get(e, 1, what)?, get(e, 2, what)?, get(e, 3, what)?)),
            });
        }
        if facts.is_some() {
            out.push(super::super::cases::RecordRow {
                id,
                facts,
                event: None,
            });
        }
    }
    super::super::cases::records(out)
}

pub(super) async fn outbox(
    client: &Client,
    after: i64,
    limit: u32,
    by: Option<String>,
) -> Result<Vec<super::super::cases::OutboxLine>> {
    let what = "an outbox line";
    client
        .query(
            "SELECT seq, incident_id, order_no, at, action, status, note FROM outbox
             WHERE seq > $1 AND ($2::text IS NULL OR reported_by = $2) ORDER BY seq LIMIT $3",
            &[&after, &by, &i64::from(limit)],
        )
        .await
        .map_err(db("reading the outbox"))?
        .iter()
        .map(|r| {
            let status: String = get(r, 5, what)?;
            Ok(super::super::cases::OutboxLine {
                seq: get(r, 0, what)?,
                incident_id: get(r, 1, what)?,
                order_no: get(r, 2, what)?,
                at: get(r, 3, what)?,
                action: get(r, 4, what)?,
                status: status
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?,
                note: get(r, 6, what)?,
            })
        })
        .collect()
}

pub(super) async fn open_dues(client: &Client) -> Result<Vec<(i64, DateTime<Utc>)>> {
    client
        .query(
            "SELECT id, due_at FROM incidents
             WHERE due_at IS NOT NULL AND status NOT IN ('closed', 'evaluated')",
            &[],
        )
        .await
        .map_err(db("reading due times"))?
        .iter()
        .map(|r| Ok((get(r, 0, "due time")?, get(r, 1, "due time")?)))
        .collect()
}
