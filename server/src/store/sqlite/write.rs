//! Writes of the embedded store: whole-dataset imports and incident batches, each in one
//! IMMEDIATE transaction that commits with `synchronous=FULL` before the call returns.

use super::super::changes::{id_range, ChangeKind};
use super::super::wkb;
use super::super::{Dataset, ImportSummary, Result, StoreError};
use super::read::millis;
use crate::domain::reporter::Reporter;
use crate::domain::{Incident, NewIncident};
use geo::{BoundingRect, MultiPolygon};
use rusqlite::{params, Connection, ErrorCode, Transaction, TransactionBehavior};

/// Maps a failed write of `what` to a conflict (constraint) or a database error.
pub(super) fn failed(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| match e.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => {
            StoreError::Conflict(format!("{what} could not be written: {e}"))
        }
        _ => StoreError::db(format!("writing {what}"), e),
    }
}

fn index_envelope(
    tx: &Transaction,
    table: &str,
    id: i64,
    geom: &MultiPolygon,
    what: &str,
) -> Result<()> {
    let r = geom
        .bounding_rect()
        .ok_or_else(|| StoreError::Invalid(format!("{what} has an empty geometry")))?;
    tx.prepare_cached(&format!(
        "INSERT INTO {table}_rtree (id, min_lng, max_lng, min_lat, max_lat) VALUES (?1, ?2, ?3, ?4, ?5)"
    ))
    .and_then(|mut s| s.execute(params![id, r.min().x, r.max().x, r.min().y, r.max().y]))
    .map_err(failed(what))?;
    Ok(())
}

/// Writes one grid (and its R*Tree envelope) in force since `since_version`.
pub(super) fn insert_grid(
    tx: &Transaction,
    g: &crate::domain::Grid,
    since_version: i64,
) -> Result<()> {
    let what = format!("grid {}", g.code);
    let domains: Vec<&str> = g.domains.iter().map(|d| d.as_str()).collect();
    tx.prepare_cached(
        "INSERT INTO grids (code, level, parent, street_code, name, kind, households, population, domains, geom, since_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut st| {
        st.execute(params![
            g.code.as_str(),
            g.level().number(),
            g.parent().map(String::from),
            g.code.street(),
            g.name,
            g.kind.as_str(),
            g.households.get(),
            g.population.get(),
            domains.join(","),
            wkb::encode_multipolygon(&g.geometry),
            since_version
        ])
    })
    .map_err(failed(&what))?;
    index_envelope(tx, "grids", tx.last_insert_rowid(), &g.geometry, &what)
}

pub(super) fn import(conn: &mut Connection, data: &Dataset) -> Result<ImportSummary> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| StoreError::db("starting the import", e))?;
    for s in &data.service_centres {
        let what = format!("service centre {}", s.id);
        tx.prepare_cached(
            "INSERT INTO service_centres (fid, name, level, lng, lat) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut st| {
            st.execute(params![
                s.id.as_str(),
                s.name,
                s.level.as_str(),
                s.location.lng(),
                s.location.lat()
            ])
        })
        .map_err(failed(&what))?;
    }
    for g in data.grids_parents_first() {
        insert_grid(&tx, g, 1)?;
    }
    for c in &data.compounds {
        let what = format!("compound {}", c.id);
        tx.prepare_cached(
            "INSERT INTO compounds (fid, name, address, households, population, party_org, party_branch,
                                    service_centre, grid_code, street_code, geom)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .and_then(|mut st| {
            st.execute(params![
                c.id.as_str(),
                c.name,
                c.address,
                c.households.get(),
                c.population.get(),
                c.party_org.kind(),
                c.party_org.branch(),
                c.service_centre.as_ref().map(|s| s.as_str()),
                c.grid.as_ref().map(|g| g.as_str()),
                c.grid.as_ref().map(|g| g.street()),
                wkb::encode_multipolygon(&c.geometry)
            ])
        })
        .map_err(failed(&what))?;
        index_envelope(&tx, "compounds", tx.last_insert_rowid(), &c.geometry, &what)?;
    }
    for b in &data.buildings {
        let what = format!("building {}", b.id);
        tx.prepare_cached(
            "INSERT INTO buildings (fid, address, floors, households, population, compound_fid,
                                    grid_code, street_code, geom)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .and_then(|mut st| {
            st.execute(params![
                b.id.as_str(),
                b.address,
                b.floors.get(),
                b.households.get(),
                b.population.get(),
                b.compound.as_ref().map(|c| c.as_str()),
                b.grid.as_ref().map(|g| g.as_str()),
                b.grid.as_ref().map(|g| g.street()),
                wkb::encode_multipolygon(&b.footprint)
            ])
        })
        .map_err(failed(&what))?;
        index_envelope(
            &tx,
            "buildings",
            tx.last_insert_rowid(),
            &b.footprint,
            &what,
        )?;
    }
    for o in &data.officers {
        let what = format!("officer {}", o.id);
        tx.prepare_cached("INSERT INTO officers (fid, name, role, phone) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut st| {
                st.execute(params![
                    o.id.as_str(),
                    o.name,
                    o.role.as_str(),
                    o.phone.as_ref().map(|p| p.as_str())
                ])
            })
            .map_err(failed(&what))?;
        for g in &o.grids {
            let what = format!("officer {} in grid {g}", o.id);
            tx.prepare_cached("INSERT INTO officer_grids (officer_fid, grid_code) VALUES (?1, ?2)")
                .and_then(|mut st| st.execute(params![o.id.as_str(), g.as_str()]))
                .map_err(failed(&what))?;
        }
    }
    for r in &data.roads {
        let what = format!("road {}", r.id);
        tx.prepare_cached("INSERT INTO roads (fid, name, class, geom) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut st| {
                st.execute(params![
                    r.id.as_str(),
                    r.name,
                    r.class.as_str(),
                    wkb::encode_multilinestring(&r.geometry)
                ])
            })
            .map_err(failed(&what))?;
    }
    super::changes::append(&tx, ChangeKind::City, (0, 0))?;
    tx.commit()
        .map_err(|e| StoreError::db("committing the import", e))?;
    Ok(data.summary())
}

/// Stores one incident with a prepared (cached) insert; `now` is the row's `created_at`.
pub(super) fn insert_incident(tx: &Transaction, n: &NewIncident, now: i64) -> rusqlite::Result<()> {
    let street = n.grids.level1.as_ref().map(|g| g.street());
    tx.prepare_cached(
        "INSERT INTO incidents (raw_lng, raw_lat, raw_crs, lng, lat, category, description, channel,
                                reported_at, status, grid1, grid2, grid3, compound_fid, building_fid,
                                street_code, created_at, reported_by, reporter_name, reporter_phone,
                                order_no)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        n.raw.lng,
        n.raw.lat,
        n.raw.crs.as_str(),
        n.location.lng(),
        n.location.lat(),
        n.category.as_str(),
        n.description,
        n.channel.as_str(),
        millis(&n.reported_at),
        n.status.as_str(),
        super::super::code_str(&n.grids.level1),
        super::super::code_str(&n.grids.level2),
        super::super::code_str(&n.grids.level3),
        n.compound.as_ref().map(|c| c.as_str()),
        n.building.as_ref().map(|b| b.as_str()),
        street,
        now,
        n.reporter.by,
        n.reporter.name,
        n.reporter.phone,
        n.reporter.order_no
    ])?;
    Ok(())
}

pub(super) fn insert_incidents(
    conn: &mut Connection,
    incidents: Vec<NewIncident>,
) -> Result<Vec<Incident>> {
    let all = insert_incidents_if(conn, incidents, |_| true)?;
    Ok(all.into_iter().map(|(_, i)| i).collect())
}

/// Stores the incidents that `keep` (asked once the write lock is held) still wants;
/// answers each stored one with its index in `incidents`.
pub(super) fn insert_incidents_if(
    conn: &mut Connection,
    incidents: Vec<NewIncident>,
    keep: impl Fn(usize) -> bool,
) -> Result<Vec<(usize, Incident)>> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| StoreError::db("starting to store incidents", e))?;
    let incidents: Vec<(usize, NewIncident)> = incidents
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .collect();
    if incidents.is_empty() {
        return Ok(Vec::new());
    }
    let now = millis(&chrono::Utc::now());
    let mut out = Vec::with_capacity(incidents.len());
    for (at, (index, n)) in incidents.into_iter().enumerate() {
        insert_incident(&tx, &n, now)
            .map_err(failed(&format!("incident {} of the batch", at + 1)))?;
        let id = tx.last_insert_rowid();
        if let Some(by) = &n.reporter.by {
            tx.prepare_cached(
                "INSERT INTO audit (at, actor, kind, object, summary, source)
                 VALUES (?1, ?2, 'incident.create', ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    now,
                    by,
                    format!("incident {id}"),
                    Reporter::audit_summary(
                        n.category.as_str(),
                        n.grids.level3.as_ref().map(|g| g.as_str())
                    ),
                    n.reporter.source.as_deref().unwrap_or("")
                ])
            })
            .map_err(failed("the audit line of a report"))?;
        }
        out.push((index, Incident { id, incident: n }));
    }
    let ids = id_range(out.iter().map(|(_, i)| i.id));
    super::changes::append(&tx, ChangeKind::Incidents, ids)?;
    tx.commit()
        .map_err(|e| StoreError::db("committing incidents", e))?;
    Ok(out)
}
