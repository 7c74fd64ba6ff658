//! Versions, retired grids, drafts and publishing in PostGIS. A publish is one transaction
//! that first takes an exclusive lock on `grid_versions`, so two publishes run one after the
//! other and the second sees what the first retired.

use super::super::versions::stale;
use super::super::{
    DraftRow, DraftSave, GridVersion, NewDraft, Publish, Result, RetiredGrid, StoreError,
};
use super::geom;
use super::read::{db, get, grid_of};
use super::write::failed;
use crate::domain::GridCode;
use chrono::{DateTime, Utc};
use tokio_postgres::{Client, Row};

fn codes(list: Vec<String>) -> Result<Vec<GridCode>> {
    list.iter()
        .map(|c| {
            GridCode::parse(c).map_err(|e| StoreError::Corrupt(format!("version code list: {e}")))
        })
        .collect()
}

fn strings(codes: &[GridCode]) -> Vec<String> {
    codes.iter().map(GridCode::to_string).collect()
}

fn version_row(r: &Row) -> Result<GridVersion> {
    Ok(GridVersion {
        version: i64::from(get::<i32>(r, 0, "version")?),
        valid_from: get(r, 1, "version")?,
        published_at: get(r, 2, "version")?,
        draft: get(r, 3, "version")?,
        note: get(r, 4, "version")?,
        retired: codes(get(r, 5, "version")?)?,
        created: codes(get(r, 6, "version")?)?,
    })
}

pub(super) async fn versions(client: &Client) -> Result<Vec<GridVersion>> {
    client
        .query(
            "SELECT version, valid_from, published_at, draft_id, note, retired, created
             FROM grid_versions ORDER BY version",
            &[],
        )
        .await
        .map_err(db("listing versions"))?
        .iter()
        .map(version_row)
        .collect()
}

pub(super) async fn retired_grids(client: &Client) -> Result<Vec<RetiredGrid>> {
    let rows = client
        .query(
            "SELECT code, name, kind, households, population, domains, geom, since_version, retired_version
             FROM grid_history ORDER BY code",
            &[],
        )
        .await
        .map_err(db("listing retired grids"))?;
    rows.iter()
        .map(|r| {
            let grid = grid_of(r, "retired grid")?;
            let what = format!("retired grid {}", grid.code);
            Ok(RetiredGrid {
                grid,
                since: i64::from(get::<i32>(r, 7, &what)?),
                retired: i64::from(get::<i32>(r, 8, &what)?),
            })
        })
        .collect()
}

pub(super) async fn publish(client: &mut Client, p: &Publish) -> Result<GridVersion> {
    let tx = client
        .transaction()
        .await
        .map_err(db("starting the publish"))?;
    tx.batch_execute("LOCK TABLE grid_versions IN EXCLUSIVE MODE")
        .await
        .map_err(db("locking the versions"))?;
    for code in &p.retire {
        let live: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM grids WHERE code = $1)",
                &[&code.as_str()],
            )
            .await
            .map_err(db("checking a grid"))?
            .get(0);
        if !live {
            return Err(StoreError::Conflict(stale(code)));
        }
    }
    for g in &p.create {
        let used: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM grids WHERE code = $1)
                     OR EXISTS (SELECT 1 FROM grid_history WHERE code = $1)",
                &[&g.code.as_str()],
            )
            .await
            .map_err(db("checking a code"))?
            .get(0);
        if used {
            return Err(StoreError::Conflict(format!(
                "grid code {} is already in use or was used before; codes are never reused",
                g.code
            )));
        }
    }
    if let Some((id, version)) = p.draft {
        let taken = tx
            .execute(
                "DELETE FROM drafts WHERE id = $1 AND version = $2",
                &[&id, &version],
            )
            .await
            .map_err(|e| failed("taking the draft", e))?;
        if taken == 0 {
            return Err(StoreError::Conflict(super::super::versions::draft_changed(
                id, version,
            )));
        }
    }
    let version: i32 = tx
        .query_one("SELECT max(version) + 1 FROM grid_versions", &[])
        .await
        .map_err(db("numbering the version"))?
        .get(0);
    let created: Vec<GridCode> = p.create.iter().map(|g| g.code.clone()).collect();
    let row = tx
        .query_one(
            "INSERT INTO grid_versions (version, valid_from, published_at, draft_id, note, retired, created)
             VALUES ($1, $2, now(), $3, $4, $5, $6)
             RETURNING version, valid_from, published_at, draft_id, note, retired, created",
            &[&version, &p.valid_from, &p.draft.map(|d| d.0), &p.note, &strings(&p.retire), &strings(&created)],
        )
        .await
        .map_err(|e| failed("the version", e))?;
    let written = version_row(&row)?;
    for g in &p.create {
        let domains: Vec<String> = g.domains.iter().map(|d| d.as_str().to_string()).collect();
        tx.execute(
            "INSERT INTO grids (code, level, parent, street_code, name, kind, households, population, domains, geom, since_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &g.code.as_str(),
                &i16::from(g.level().number()),
                &g.parent().map(String::from),
                &g.code.street(),
                &g.name,
                &g.kind.as_str(),
                &(g.households.get() as i32),
                &(g.population.get() as i32),
                &domains,
                &geom::to_ewkb(&g.geometry),
                &version,
            ],
        )
        .await
        .map_err(|e| failed(&format!("grid {}", g.code), e))?;
    }
    for (table, moves) in [("compounds", &p.compounds), ("buildings", &p.buildings)] {
        let sql = format!("UPDATE {table} SET grid_code = $1, street_code = $2 WHERE fid = $3");
        for (fid, code) in moves {
            tx.execute(&sql, &[&code.as_str(), &code.street(), &fid.as_str()])
                .await
                .map_err(|e| failed(table, e))?;
        }
    }
    // An officer of two grids merged into one gets the merged grid once; the rows of the
    // retired grids go below, those of grids in force stay.
    for (officer, to) in &p.officers {
        tx.execute(
            "INSERT INTO officer_grids (officer_fid, grid_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&officer.as_str(), &to.as_str()],
        )
        .await
        .map_err(|e| failed("an officer's grid", e))?;
    }
    for code in &p.retire {
        let what = format!("retired grid {code}");
        tx.execute(
            "INSERT INTO grid_history (code, level, parent, name, kind, households, population, domains, geom, since_version, retired_version)
             SELECT code, level, parent, name, kind, households, population, domains, geom, since_version, $2
             FROM grids WHERE code = $1",
            &[&code.as_str(), &version],
        )
        .await
        .map_err(|e| failed(&what, e))?;
        tx.execute(
            "DELETE FROM officer_grids WHERE grid_code = $1",
            &[&code.as_str()],
        )
        .await
        .map_err(|e| failed(&what, e))?;
        tx.execute("DELETE FROM grids WHERE code = $1", &[&code.as_str()])
            .await
            .map_err(|e| failed(&what, e))?;
    }
    super::changes::append(&tx, super::super::ChangeKind::City, (0, 0)).await?;
    tx.commit().await.map_err(db("committing the publish"))?;
    Ok(written)
}

fn draft_row(r: &Row) -> Result<DraftRow> {
    Ok(DraftRow {
        id: get(r, 0, "draft")?,
        name: get(r, 1, "draft")?,
        base_version: i64::from(get::<i32>(r, 2, "draft")?),
        state: get(r, 3, "draft")?,
        created_at: get::<DateTime<Utc>>(r, 4, "draft")?,
        updated_at: get::<DateTime<Utc>>(r, 5, "draft")?,
        version: get(r, 6, "draft")?,
        owner: get(r, 7, "draft")?,
        scope: get(r, 8, "draft")?,
    })
}

const DRAFT_COLUMNS: &str =
    "id, name, base_version, state, created_at, updated_at, version, owner, scope";

pub(super) async fn create_draft(client: &Client, d: &NewDraft) -> Result<DraftRow> {
    let row = client
        .query_one(
            &format!(
                "INSERT INTO drafts (name, base_version, state, created_at, updated_at, owner, scope)
                 VALUES ($1, $2, $3, now(), now(), $4, $5) RETURNING {DRAFT_COLUMNS}"
            ),
            &[&d.name, &(d.base_version as i32), &d.state, &d.owner, &d.scope],
        )
        .await
        .map_err(|e| failed("the draft", e))?;
    draft_row(&row)
}

pub(super) async fn drafts(client: &Client) -> Result<Vec<DraftRow>> {
    client
        .query(
            &format!("SELECT {DRAFT_COLUMNS} FROM drafts ORDER BY id"),
            &[],
        )
        .await
        .map_err(db("listing drafts"))?
        .iter()
        .map(draft_row)
        .collect()
}

pub(super) async fn draft(client: &Client, id: i64) -> Result<Option<DraftRow>> {
    client
        .query_opt(
            &format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1"),
            &[&id],
        )
        .await
        .map_err(db("reading a draft"))?
        .as_ref()
        .map(draft_row)
        .transpose()
}

pub(super) async fn update_draft(
    client: &Client,
    id: i64,
    state: &str,
    expected: i64,
) -> Result<DraftSave> {
    let n = client
        .execute(
            "UPDATE drafts SET state = $1, updated_at = now(), version = version + 1
             WHERE id = $2 AND version = $3",
            &[&state, &id, &expected],
        )
        .await
        .map_err(|e| failed("the draft", e))?;
    if n == 1 {
        return Ok(DraftSave::Saved(expected + 1));
    }
    let current = client
        .query_opt("SELECT version FROM drafts WHERE id = $1", &[&id])
        .await
        .map_err(db("reading a draft"))?
        .map(|r| r.get::<_, i64>(0));
    Ok(current.map_or(DraftSave::Missing, |current| DraftSave::Stale { current }))
}

pub(super) async fn delete_draft(client: &Client, id: i64) -> Result<bool> {
    let n = client
        .execute("DELETE FROM drafts WHERE id = $1", &[&id])
        .await
        .map_err(|e| failed("the draft", e))?;
    Ok(n == 1)
}

pub(super) async fn rename_draft(client: &Client, id: i64, name: &str) -> Result<bool> {
    let n = client
        .execute(
            "UPDATE drafts SET name = $1, updated_at = now() WHERE id = $2",
            &[&name, &id],
        )
        .await
        .map_err(|e| failed("the draft", e))?;
    Ok(n == 1)
}
