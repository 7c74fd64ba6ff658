//! Bulk incident loads on PostgreSQL: `COPY incidents FROM STDIN (FORMAT binary)` inside one
//! transaction, fed batch by batch; committed only when the sender says so, rolled back
//! when the channel closes first (dropping an open transaction rolls it back).

use super::super::{BulkMsg, Result, StoreError};
use super::geom;
use tokio::sync::mpsc;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

const COPY: &str = "COPY incidents (raw_lng, raw_lat, raw_crs, geom, category, description, channel,
                   reported_at, status, grid1, grid2, grid3, compound_fid, building_fid, street_code,
                   reported_by, reporter_name, reporter_phone, order_no)
                   FROM STDIN (FORMAT binary)";

pub(super) async fn load(
    client: &mut tokio_postgres::Client,
    mut batches: mpsc::Receiver<BulkMsg>,
) -> Result<u64> {
    let geometry = client
        .prepare("SELECT NULL::geometry")
        .await
        .map_err(|e| super::read::pg_error("looking up the geometry type", &e))?
        .columns()[0]
        .type_()
        .clone();
    let tx = client
        .transaction()
        .await
        .map_err(|e| super::read::pg_error("starting the bulk load", &e))?;
    // Rows copied get ids above every id committed now: the change line's range starts here.
    let before: i64 = tx
        .query_one("SELECT coalesce(max(id), 0) FROM incidents", &[])
        .await
        .map_err(|e| super::read::pg_error("reading the last incident id", &e))?
        .get(0);
    let sink = tx
        .copy_in(COPY)
        .await
        .map_err(|e| super::read::pg_error("starting COPY", &e))?;
    let types = [
        Type::FLOAT8,
        Type::FLOAT8,
        Type::TEXT,
        geometry,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TIMESTAMPTZ,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
    ];
    let writer = BinaryCopyInWriter::new(sink, &types);
    let mut writer = std::pin::pin!(writer);
    let mut n = 0u64;
    loop {
        match batches.recv().await {
            Some(BulkMsg::Rows(rows)) => {
                for r in &rows {
                    let point = geom::point(r.location.lng(), r.location.lat());
                    let values: [&(dyn ToSql + Sync); 19] = [
                        &r.raw.lng,
                        &r.raw.lat,
                        &r.raw.crs.as_str(),
                        &point,
                        &r.category.as_str(),
                        &r.description,
                        &r.channel.as_str(),
                        &r.reported_at,
                        &r.status.as_str(),
                        &super::super::code_str(&r.grids.level1),
                        &super::super::code_str(&r.grids.level2),
                        &super::super::code_str(&r.grids.level3),
                        &r.compound.as_ref().map(|c| c.as_str()),
                        &r.building.as_ref().map(|b| b.as_str()),
                        &r.grids.level1.as_ref().map(|g| g.street()),
                        &r.reporter.by,
                        &r.reporter.name,
                        &r.reporter.phone,
                        &r.reporter.order_no,
                    ];
                    writer.as_mut().write(&values).await.map_err(|e| {
                        super::read::pg_error(format!("copying bulk incident {}", n + 1), &e)
                    })?;
                    n += 1;
                }
            }
            Some(BulkMsg::Commit) => break,
            None => {
                return Err(StoreError::Invalid(
                    "the bulk load was abandoned; nothing was stored".into(),
                ))
            }
        }
    }
    writer
        .finish()
        .await
        .map_err(|e| super::read::pg_error("finishing COPY", &e))?;
    let last: i64 = tx
        .query_one("SELECT coalesce(max(id), 0) FROM incidents", &[])
        .await
        .map_err(|e| super::read::pg_error("reading the last incident id", &e))?
        .get(0);
    if n > 0 {
        super::changes::append(&tx, super::super::ChangeKind::Incidents, (before + 1, last))
            .await?;
    }
    tx.commit()
        .await
        .map_err(|e| super::read::pg_error("committing the bulk load", &e))?;
    Ok(n)
}
