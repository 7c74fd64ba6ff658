//! Whole case histories written at once in the PostGIS store (the demo's worked year): a
//! batch's states replaced and its history lines rewritten in one transaction of three
//! statements over arrays (`unnest`), not one round trip per row.

use super::super::cases::CaseHistory;
use super::super::Result;
use super::write::failed;
use chrono::{DateTime, Utc};
use deadpool_postgres::ClientWrapper as Client;

pub(super) async fn put_case_histories(client: &mut Client, cases: &[CaseHistory]) -> Result<()> {
    let fail = |e| failed("the case histories", e);
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let text = |f: &dyn Fn(&CaseHistory) -> Option<String>| -> Vec<Option<String>> {
        cases.iter().map(f).collect()
    };
    let flag = |f: &dyn Fn(&CaseHistory) -> bool| -> Vec<bool> { cases.iter().map(f).collect() };
    let time = |f: &dyn Fn(&CaseHistory) -> Option<DateTime<Utc>>| -> Vec<Option<DateTime<Utc>>> {
        cases.iter().map(f).collect()
    };
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let status = text(&|c| Some(c.facts.state.status.as_str().to_string()));
    let outcome = text(&|c| c.facts.state.outcome_str().map(String::from));
    let urgency = text(&|c| Some(c.facts.urgency.as_str().to_string()));
    let department = text(&|c| c.facts.department.clone());
    let satisfaction = text(&|c| c.facts.satisfaction.map(|s| s.as_str().to_string()));
    let signed = flag(&|c| c.facts.state.signed);
    let pending = flag(&|c| c.facts.state.extension_pending);
    let supervised = flag(&|c| c.facts.state.supervised);
    let self_handled = flag(&|c| c.facts.state.self_handled);
    let returns: Vec<i32> = cases.iter().map(|c| count(c.facts.state.returns)).collect();
    let reworks: Vec<i32> = cases.iter().map(|c| count(c.facts.state.reworks)).collect();
    let dispatched = time(&|c| c.facts.dispatched_at);
    let due = time(&|c| c.facts.due_at);
    let duplicate: Vec<Option<i64>> = cases.iter().map(|c| c.facts.duplicate_of).collect();
    let version: Vec<i64> = cases.iter().map(|c| c.events.len() as i64 + 1).collect();

    let mut e_id = Vec::new();
    let mut e_at = Vec::new();
    let mut e_actor = Vec::new();
    let mut e_action = Vec::new();
    let mut e_from = Vec::new();
    let mut e_to = Vec::new();
    let mut e_note = Vec::new();
    let mut e_due = Vec::new();
    for c in cases {
        for e in &c.events {
            e_id.push(c.id);
            e_at.push(e.at);
            e_actor.push(e.actor.as_str());
            e_action.push(e.action.as_str());
            e_from.push(e.from_status.as_str());
            e_to.push(e.to_status.as_str());
            e_note.push(e.note.as_str());
            e_due.push(e.due_at);
        }
    }

    let tx = client.transaction().await.map_err(fail)?;
    tx.execute(
        "UPDATE incidents i SET status = u.status, signed = u.signed,
             extension_pending = u.pending, outcome = u.outcome, supervised = u.supervised,
             self_handled = u.self_handled, returns = u.returns, reworks = u.reworks,
             urgency = u.urgency, department = u.department, dispatched_at = u.dispatched,
             due_at = u.due, duplicate_of = u.duplicate, satisfaction = u.satisfaction,
             version = u.version
         FROM unnest($1::bigint[], $2::text[], $3::bool[], $4::bool[], $5::text[], $6::bool[],
                     $7::bool[], $8::int[], $9::int[], $10::text[], $11::text[],
                     $12::timestamptz[], $13::timestamptz[], $14::bigint[], $15::text[],
                     $16::bigint[])
              AS u(id, status, signed, pending, outcome, supervised, self_handled, returns,
                   reworks, urgency, department, dispatched, due, duplicate, satisfaction,
                   version)
         WHERE i.id = u.id",
        &[
            &ids,
            &status,
            &signed,
            &pending,
            &outcome,
            &supervised,
            &self_handled,
            &returns,
            &reworks,
            &urgency,
            &department,
            &dispatched,
            &due,
            &duplicate,
            &satisfaction,
            &version,
        ],
    )
    .await
    .map_err(fail)?;
    tx.execute(
        "DELETE FROM incident_events WHERE incident_id = ANY($1::bigint[])",
        &[&ids],
    )
    .await
    .map_err(fail)?;
    tx.execute(
        "INSERT INTO incident_events
             (incident_id, at, actor, action, from_status, to_status, note, due_at)
         SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[],
                              $5::text[], $6::text[], $7::text[], $8::timestamptz[])",
        &[
            &e_id, &e_at, &e_actor, &e_action, &e_from, &e_to, &e_note, &e_due,
        ],
    )
    .await
    .map_err(fail)?;
    let range = super::super::changes::id_range(cases.iter().map(|c| c.id));
    super::changes::append(&*tx, super::super::ChangeKind::Cases, range).await?;
    tx.commit().await.map_err(fail)
}
