//! Writes of the PostGIS store: whole-dataset imports and incident batches, each in one
//! transaction. Rows are sent pipelined (many statements in flight on one connection), so a
//! city of tens of thousands of buildings is not tens of thousands of round trips.

use super::super::{Dataset, ImportSummary, Result, StoreError};
use super::geom;
use crate::domain::{Incident, NewIncident};
use futures_util::future::try_join_all;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::Transaction;

/// Statements in flight at once during a batch.
const PIPELINE: usize = 512;

pub(super) fn failed(what: &str, e: tokio_postgres::Error) -> StoreError {
    let constraint = [
        SqlState::UNIQUE_VIOLATION,
        SqlState::FOREIGN_KEY_VIOLATION,
        SqlState::CHECK_VIOLATION,
        SqlState::NOT_NULL_VIOLATION,
    ];
    match e.as_db_error() {
        Some(d) if constraint.contains(d.code()) => {
            StoreError::Conflict(format!("{what} could not be written: {}", d.message()))
        }
        _ => super::read::pg_error(format!("writing {what}"), &e),
    }
}

/// Runs one prepared statement per row, `PIPELINE` at a time; the first failure names its row.
async fn run_rows<R>(
    tx: &Transaction<'_>,
    sql: &str,
    rows: &[R],
    label: impl Fn(&R) -> String,
    params: impl Fn(&R) -> Vec<Box<dyn ToSql + Sync + Send>>,
) -> Result<()> {
    let stmt = tx
        .prepare(sql)
        .await
        .map_err(|e| super::read::pg_error("preparing an insert", &e))?;
    for chunk in rows.chunks(PIPELINE) {
        let owned: Vec<_> = chunk.iter().map(|r| (label(r), params(r))).collect();
        try_join_all(owned.iter().map(|(what, p)| {
            let refs: Vec<&(dyn ToSql + Sync)> = p
                .iter()
                .map(|b| b.as_ref() as &(dyn ToSql + Sync))
                .collect();
            let stmt = &stmt;
            async move { tx.execute(stmt, &refs).await.map_err(|e| failed(what, e)) }
        }))
        .await?;
    }
    Ok(())
}

type Params = Vec<Box<dyn ToSql + Sync + Send>>;

pub(super) async fn import(
    client: &mut tokio_postgres::Client,
    data: &Dataset,
) -> Result<ImportSummary> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| super::read::pg_error("starting the import", &e))?;
    run_rows(
        &tx,
        "INSERT INTO service_centres (fid, name, level, geom) VALUES ($1, $2, $3, $4)",
        &data.service_centres,
        |s| format!("service centre {}", s.id),
        |s| -> Params {
            vec![
                Box::new(s.id.to_string()),
                Box::new(s.name.clone()),
                Box::new(s.level.as_str()),
                Box::new(geom::point(s.location.lng(), s.location.lat())),
            ]
        },
    )
    .await?;
    // Parents must exist before children, so levels go one after another.
    let grids = data.grids_parents_first();
    for level in crate::domain::Level::ALL {
        let this: Vec<_> = grids.iter().filter(|g| g.level() == level).collect();
        run_rows(
            &tx,
            "INSERT INTO grids (code, level, parent, street_code, name, kind, households, population, domains, geom)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &this,
            |g| format!("grid {}", g.code),
            |g| -> Params {
                vec![
                    Box::new(g.code.to_string()),
                    Box::new(i16::from(g.level().number())),
                    Box::new(g.parent().map(String::from)),
                    Box::new(g.code.street().to_string()),
                    Box::new(g.name.clone()),
                    Box::new(g.kind.as_str()),
                    Box::new(g.households.get() as i32),
                    Box::new(g.population.get() as i32),
                    Box::new(g.domains.iter().map(|d| d.as_str().to_string()).collect::<Vec<_>>()),
                    Box::new(geom::to_ewkb(&g.geometry)),
                ]
            },
        )
        .await?;
    }
    run_rows(
        &tx,
        "INSERT INTO compounds (fid, name, address, households, population, party_org, party_branch,
                                service_centre, grid_code, street_code, geom)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &data.compounds,
        |c| format!("compound {}", c.id),
        |c| -> Params {
            vec![
                Box::new(c.id.to_string()),
                Box::new(c.name.clone()),
                Box::new(c.address.clone()),
                Box::new(c.households.get() as i32),
                Box::new(c.population.get() as i32),
                Box::new(c.party_org.kind()),
                Box::new(c.party_org.branch().map(str::to_string)),
                Box::new(c.service_centre.as_ref().map(|s| s.to_string())),
                Box::new(c.grid.as_ref().map(|g| g.to_string())),
                Box::new(c.grid.as_ref().map(|g| g.street().to_string())),
                Box::new(geom::to_ewkb(&c.geometry)),
            ]
        },
    )
    .await?;
    run_rows(
        &tx,
        "INSERT INTO buildings (fid, address, floors, households, population, compound_fid, grid_code,
                                street_code, geom)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &data.buildings,
        |b| format!("building {}", b.id),
        |b| -> Params {
            vec![
                Box::new(b.id.to_string()),
                Box::new(b.address.clone()),
                Box::new(b.floors.get() as i16),
                Box::new(b.households.get() as i32),
                Box::new(b.population.get() as i32),
                Box::new(b.compound.as_ref().map(|c| c.to_string())),
                Box::new(b.grid.as_ref().map(|g| g.to_string())),
                Box::new(b.grid.as_ref().map(|g| g.street().to_string())),
                Box::new(geom::to_ewkb(&b.footprint)),
            ]
        },
    )
    .await?;
    run_rows(
        &tx,
        "INSERT INTO officers (fid, name, role, phone) VALUES ($1, $2, $3, $4)",
        &data.officers,
        |o| format!("officer {}", o.id),
        |o| -> Params {
            vec![
                Box::new(o.id.to_string()),
                Box::new(o.name.clone()),
                Box::new(o.role.as_str()),
                Box::new(o.phone.as_ref().map(|p| p.as_str().to_string())),
            ]
        },
    )
    .await?;
    let links: Vec<(String, String)> = data
        .officers
        .iter()
        .flat_map(|o| {
            o.grids
                .iter()
                .map(move |g| (o.id.to_string(), g.to_string()))
        })
        .collect();
    run_rows(
        &tx,
        "INSERT INTO officer_grids (officer_fid, grid_code) VALUES ($1, $2)",
        &links,
        |(o, g)| format!("officer {o} in grid {g}"),
        |(o, g)| -> Params { vec![Box::new(o.clone()), Box::new(g.clone())] },
    )
    .await?;
    run_rows(
        &tx,
        "INSERT INTO roads (fid, name, class, geom) VALUES ($1, $2, $3, $4)",
        &data.roads,
        |r| format!("road {}", r.id),
        |r| -> Params {
            vec![
                Box::new(r.id.to_string()),
                Box::new(r.name.clone()),
                Box::new(r.class.as_str()),
                Box::new(geom::lines_to_ewkb(&r.geometry)),
            ]
        },
    )
    .await?;
    super::changes::append(&tx, super::super::ChangeKind::City, (0, 0)).await?;
    tx.commit()
        .await
        .map_err(|e| super::read::pg_error("committing the import", &e))?;
    Ok(data.summary())
}

pub(super) async fn insert_incidents(
    client: &mut tokio_postgres::Client,
    incidents: &[NewIncident],
) -> Result<Vec<Incident>> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| super::read::pg_error("starting to store incidents", &e))?;
    let stmt = tx
        .prepare(
            "INSERT INTO incidents (raw_lng, raw_lat, raw_crs, geom, category, description, channel, reported_at,
                                    status, grid1, grid2, grid3, compound_fid, building_fid, street_code,
                                    reported_by, reporter_name, reporter_phone, order_no)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
             RETURNING id",
        )
        .await
        .map_err(|e| super::read::pg_error("preparing the incident insert", &e))?;
    let mut out = Vec::with_capacity(incidents.len());
    for (chunk_no, chunk) in incidents.chunks(PIPELINE).enumerate() {
        let ids = try_join_all(chunk.iter().enumerate().map(|(i, n)| {
            let code = |g: &Option<crate::domain::GridCode>| g.as_ref().map(|c| c.to_string());
            let params: Params = vec![
                Box::new(n.raw.lng),
                Box::new(n.raw.lat),
                Box::new(n.raw.crs.as_str()),
                Box::new(geom::point(n.location.lng(), n.location.lat())),
                Box::new(n.category.as_str()),
                Box::new(n.description.clone()),
                Box::new(n.channel.as_str()),
                Box::new(n.reported_at),
                Box::new(n.status.as_str()),
                Box::new(code(&n.grids.level1)),
                Box::new(code(&n.grids.level2)),
                Box::new(code(&n.grids.level3)),
                Box::new(n.compound.as_ref().map(|c| c.to_string())),
                Box::new(n.building.as_ref().map(|b| b.to_string())),
                Box::new(n.grids.level1.as_ref().map(|g| g.street().to_string())),
                Box::new(n.reporter.by.clone()),
                Box::new(n.reporter.name.clone()),
                Box::new(n.reporter.phone.clone()),
                Box::new(n.reporter.order_no.clone()),
            ];
            let what = format!("incident {} of the batch", chunk_no * PIPELINE + i + 1);
            let stmt = &stmt;
            let tx = &tx;
            async move {
                let refs: Vec<&(dyn ToSql + Sync)> = params
                    .iter()
                    .map(|b| b.as_ref() as &(dyn ToSql + Sync))
                    .collect();
                let row = tx
                    .query_one(stmt, &refs)
                    .await
                    .map_err(|e| failed(&what, e))?;
                Ok::<i64, StoreError>(row.get(0))
            }
        }))
        .await?;
        out.extend(ids.into_iter().zip(chunk).map(|(id, n)| Incident {
            id,
            incident: n.clone(),
        }));
    }
    audit_reports(&tx, &out).await?;
    let ids = super::super::changes::id_range(out.iter().map(|i| i.id));
    super::changes::append(&tx, super::super::ChangeKind::Incidents, ids).await?;
    tx.commit()
        .await
        .map_err(|e| super::read::pg_error("committing incidents", &e))?;
    Ok(out)
}

/// One audit line per report posted by an account or token, in the reports' transaction.
async fn audit_reports(tx: &tokio_postgres::Transaction<'_>, stored: &[Incident]) -> Result<()> {
    let mut cols: [Vec<String>; 4] = Default::default();
    for i in stored {
        let n = &i.incident;
        let Some(by) = &n.reporter.by else { continue };
        cols[0].push(by.clone());
        cols[1].push(format!("incident {}", i.id));
        cols[2].push(crate::domain::reporter::Reporter::audit_summary(
            n.category.as_str(),
            n.grids.level3.as_ref().map(|g| g.as_str()),
        ));
        cols[3].push(n.reporter.source.clone().unwrap_or_default());
    }
    if cols[0].is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO audit (at, actor, kind, object, summary, source)
         SELECT now(), a, 'incident.create', o, s, f
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(a, o, s, f)",
        &[&cols[0], &cols[1], &cols[2], &cols[3]],
    )
    .await
    .map_err(|e| failed("the audit lines of the reports", e))?;
    Ok(())
}
