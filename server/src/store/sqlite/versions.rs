//! Versions, retired grids, drafts and publishing in the embedded store. A publish is one
//! IMMEDIATE transaction: the checks that nothing changed since the draft was made and the
//! writes cannot interleave with another publish.

use super::super::rows;
use super::super::versions::{draft_changed, stale};
use super::super::{
    DraftRow, DraftSave, GridVersion, NewDraft, Publish, Result, RetiredGrid, StoreError,
};
use super::read::grid_cols;
use super::write::{failed, insert_grid};
use crate::domain::GridCode;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

pub(super) fn db(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::db(context, e)
}

pub(super) fn time(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("time {ms} ms is out of range")))
}

fn codes(list: &str) -> Result<Vec<GridCode>> {
    list.split(',')
        .filter(|c| !c.is_empty())
        .map(|c| {
            GridCode::parse(c).map_err(|e| StoreError::Corrupt(format!("version code list: {e}")))
        })
        .collect()
}

fn join(codes: &[GridCode]) -> String {
    codes
        .iter()
        .map(GridCode::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) fn versions(conn: &Connection) -> Result<Vec<GridVersion>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT version, valid_from, published_at, draft_id, note, retired, created
             FROM grid_versions ORDER BY version",
        )
        .map_err(db("listing versions"))?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .map_err(db("listing versions"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db("reading a version"))?;
    raw.into_iter()
        .map(|(version, from, at, draft, note, retired, created)| {
            Ok(GridVersion {
                version,
                valid_from: time(from)?,
                published_at: time(at)?,
                draft,
                note,
                retired: codes(&retired)?,
                created: codes(&created)?,
            })
        })
        .collect()
}

pub(super) fn retired_grids(conn: &Connection) -> Result<Vec<RetiredGrid>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT code, name, kind, households, population, domains, geom, since_version, retired_version
             FROM grid_history ORDER BY code",
        )
        .map_err(db("listing retired grids"))?;
    let mut rows = stmt.query([]).map_err(db("listing retired grids"))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db("listing retired grids"))? {
        let e = db("reading a retired grid");
        let grid = rows::grid(grid_cols(r, "retired grid")?)?;
        out.push(RetiredGrid {
            grid,
            since: r.get(7).map_err(&e)?,
            retired: r.get(8).map_err(&e)?,
        });
    }
    Ok(out)
}

pub(super) fn publish(conn: &mut Connection, p: &Publish) -> Result<GridVersion> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db("starting the publish"))?;
    let exists = |table: &str, code: &GridCode| -> Result<bool> {
        tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE code = ?1)"),
            [code.as_str()],
            |r| r.get::<_, bool>(0),
        )
        .map_err(db("checking a grid"))
    };
    for code in &p.retire {
        if !exists("grids", code)? {
            return Err(StoreError::Conflict(stale(code)));
        }
    }
    for g in &p.create {
        if exists("grids", &g.code)? || exists("grid_history", &g.code)? {
            return Err(StoreError::Conflict(format!(
                "grid code {} is already in use or was used before; codes are never reused",
                g.code
            )));
        }
    }
    if let Some((id, version)) = p.draft {
        let taken = tx
            .execute(
                "DELETE FROM drafts WHERE id = ?1 AND version = ?2",
                params![id, version],
            )
            .map_err(failed("taking the draft"))?;
        if taken == 0 {
            return Err(StoreError::Conflict(draft_changed(id, version)));
        }
    }
    let version: i64 = tx
        .query_row("SELECT max(version) + 1 FROM grid_versions", [], |r| {
            r.get(0)
        })
        .map_err(db("numbering the version"))?;
    let now = Utc::now();
    tx.execute(
        "INSERT INTO grid_versions (version, valid_from, published_at, draft_id, note, retired, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            version,
            p.valid_from.timestamp_millis(),
            now.timestamp_millis(),
            p.draft.map(|d| d.0),
            p.note,
            join(&p.retire),
            join(&p.create.iter().map(|g| g.code.clone()).collect::<Vec<_>>())
        ],
    )
    .map_err(failed("the version"))?;
    for g in &p.create {
        insert_grid(&tx, g, version)?;
    }
    for (table, moves) in [("compounds", &p.compounds), ("buildings", &p.buildings)] {
        let sql = format!("UPDATE {table} SET grid_code = ?1, street_code = ?2 WHERE fid = ?3");
        for (fid, code) in moves {
            tx.execute(&sql, params![code.as_str(), code.street(), fid.as_str()])
                .map_err(failed(table))?;
        }
    }
    // An officer of two grids merged into one gets the merged grid once; the rows of the
    // retired grids go below, those of grids in force stay.
    for (officer, to) in &p.officers {
        tx.execute(
            "INSERT INTO officer_grids (officer_fid, grid_code) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![officer.as_str(), to.as_str()],
        )
        .map_err(failed("an officer's grid"))?;
    }
    for code in &p.retire {
        let what = format!("retired grid {code}");
        tx.execute(
            "INSERT INTO grid_history (code, level, parent, name, kind, households, population, domains, geom, since_version, retired_version)
             SELECT code, level, parent, name, kind, households, population, domains, geom, since_version, ?2
             FROM grids WHERE code = ?1",
            params![code.as_str(), version],
        )
        .map_err(failed(&what))?;
        // Whatever still points at the grid (an officer not moved) follows it into history.
        tx.execute(
            "DELETE FROM officer_grids WHERE grid_code = ?1",
            [code.as_str()],
        )
        .map_err(failed(&what))?;
        tx.execute(
            "DELETE FROM grids_rtree WHERE id = (SELECT id FROM grids WHERE code = ?1)",
            [code.as_str()],
        )
        .map_err(failed(&what))?;
        tx.execute("DELETE FROM grids WHERE code = ?1", [code.as_str()])
            .map_err(failed(&what))?;
    }
    super::changes::append(&tx, super::super::ChangeKind::City, (0, 0))?;
    tx.commit().map_err(db("committing the publish"))?;
    Ok(GridVersion {
        version,
        valid_from: p.valid_from,
        published_at: time(now.timestamp_millis())?,
        draft: p.draft.map(|d| d.0),
        note: p.note.clone(),
        retired: p.retire.clone(),
        created: p.create.iter().map(|g| g.code.clone()).collect(),
    })
}

type RawDraft = (i64, String, i64, String, i64, i64, i64, String, String);

fn draft_row(r: RawDraft) -> Result<DraftRow> {
    Ok(DraftRow {
        id: r.0,
        name: r.1,
        base_version: r.2,
        state: r.3,
        created_at: time(r.4)?,
        updated_at: time(r.5)?,
        version: r.6,
        owner: r.7,
        scope: r.8,
    })
}

const DRAFT_COLUMNS: &str =
    "id, name, base_version, state, created_at, updated_at, version, owner, scope";

fn raw_draft(r: &rusqlite::Row) -> rusqlite::Result<RawDraft> {
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
    ))
}

pub(super) fn create_draft(conn: &mut Connection, d: &NewDraft) -> Result<DraftRow> {
    let now = Utc::now().timestamp_millis();
    conn.execute(
        "INSERT INTO drafts (name, base_version, state, created_at, updated_at, owner, scope)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
        params![d.name, d.base_version, d.state, now, d.owner, d.scope],
    )
    .map_err(failed("the draft"))?;
    let id = conn.last_insert_rowid();
    draft(conn, id)?.ok_or_else(|| StoreError::Corrupt(format!("draft {id} vanished")))
}

pub(super) fn drafts(conn: &Connection) -> Result<Vec<DraftRow>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {DRAFT_COLUMNS} FROM drafts ORDER BY id"))
        .map_err(db("listing drafts"))?;
    let raw = stmt
        .query_map([], raw_draft)
        .map_err(db("listing drafts"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db("reading a draft"))?;
    raw.into_iter().map(draft_row).collect()
}

pub(super) fn draft(conn: &Connection, id: i64) -> Result<Option<DraftRow>> {
    conn.query_row(
        &format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = ?1"),
        [id],
        raw_draft,
    )
    .optional()
    .map_err(db("reading a draft"))?
    .map(draft_row)
    .transpose()
}

pub(super) fn update_draft(
    conn: &mut Connection,
    id: i64,
    state: &str,
    expected: i64,
) -> Result<DraftSave> {
    let n = conn
        .execute(
            "UPDATE drafts SET state = ?1, updated_at = ?2, version = version + 1
             WHERE id = ?3 AND version = ?4",
            params![state, Utc::now().timestamp_millis(), id, expected],
        )
        .map_err(failed("the draft"))?;
    if n == 1 {
        return Ok(DraftSave::Saved(expected + 1));
    }
    let current: Option<i64> = conn
        .query_row("SELECT version FROM drafts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()
        .map_err(db("reading a draft"))?;
    Ok(current.map_or(DraftSave::Missing, |current| DraftSave::Stale { current }))
}

pub(super) fn delete_draft(conn: &mut Connection, id: i64) -> Result<bool> {
    let n = conn
        .execute("DELETE FROM drafts WHERE id = ?1", [id])
        .map_err(failed("the draft"))?;
    Ok(n == 1)
}

pub(super) fn rename_draft(conn: &mut Connection, id: i64, name: &str) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE drafts SET name = ?1, updated_at = ?2 WHERE id = ?3",
            params![name, Utc::now().timestamp_millis(), id],
        )
        .map_err(failed("the draft"))?;
    Ok(n == 1)
}
