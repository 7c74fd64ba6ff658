//! Read queries of the PostGIS store. Bbox filters use `&&` (GiST) then `ST_Intersects`.

use super::super::rows::{self, BuildingCols, CompoundCols, GridCols, IncidentCols};
use super::super::{
    incident_grid_column, incident_order_and_limit, incident_scope_column, serving_roles_sql,
    AreaQuery, Counts, GridQuery, GridRow, IncidentQuery, Result, StoreError, Todo,
};
use super::geom;
use crate::domain::{
    Bbox, Building, Compound, GridCode, Incident, Officer, Road, ServiceCentre, StatusCounts,
};
use chrono::{DateTime, Utc};
use deadpool_postgres::ClientWrapper as Client;
use postgis::ewkb;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

type Param = Box<dyn ToSql + Sync + Send>;

pub(super) fn db(context: &str) -> impl Fn(tokio_postgres::Error) -> StoreError + '_ {
    move |e| pg_error(context, &e)
}

/// A PostgreSQL error as the store reports it: [`StoreError::Unavailable`] when the server
/// cannot be reached or is going away (a closed connection, an I/O error, SQLSTATE class 08
/// or 57P01–57P03), so callers answer 503 and retry; otherwise a database error with the
/// server's message.
pub(super) fn pg_error(context: impl Into<String>, e: &tokio_postgres::Error) -> StoreError {
    let gone = match e.as_db_error() {
        Some(d) => {
            let code = d.code().code();
            code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
        }
        None => {
            e.is_closed() || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
        }
    };
    let reason = e
        .as_db_error()
        .map(|d| d.to_string())
        .unwrap_or_else(|| e.to_string());
    if gone {
        StoreError::Unavailable {
            context: context.into(),
            reason,
        }
    } else {
        StoreError::db(context, reason)
    }
}

/// A WHERE clause with `$n` placeholders and its parameters.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Where {
    /// Adds a clause; each `{}` in it becomes the next `$n` placeholder, bound to `values`.
    fn push(&mut self, clause: &str, values: Vec<Param>) {
        let mut out = String::new();
        let mut values = values.into_iter();
        for (i, part) in clause.split("{}").enumerate() {
            if i > 0 {
                if let Some(v) = values.next() {
                    self.params.push(v);
                }
                out.push_str(&format!("${}", self.params.len()));
            }
            out.push_str(part);
        }
        self.clauses.push(out);
    }
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
    /// `ST_Envelope` of the diagonal, not `ST_MakeEnvelope`: a box of zero width or height
    /// then becomes a line or point, where a degenerate polygon makes `ST_Intersects` miss
    /// multipolygons that touch it (seen with PostGIS 3.3 / GEOS 3.11).
    fn bbox(&mut self, column: &str, b: &Bbox) {
        self.push(
            &format!(
                "{column} && ST_MakeEnvelope({{}}, {{}}, {{}}, {{}}, 4326) \
                 AND ST_Intersects({column}, ST_Envelope(ST_SetSRID(ST_MakeLine(\
                 ST_MakePoint({{}}, {{}}), ST_MakePoint({{}}, {{}})), 4326)))"
            ),
            [b.min_lng(), b.min_lat(), b.max_lng(), b.max_lat()]
                .repeat(2)
                .into_iter()
                .map(|v| Box::new(v) as Param)
                .collect(),
        );
    }
    fn under(&mut self, column: &str, code: &GridCode) {
        self.push(
            &format!("{column} LIKE {{}}"),
            vec![Box::new(format!("{code}%"))],
        );
    }
    /// The column (chosen per prefix) starts with one of `prefixes`; none matches when the
    /// list is empty (a scope without map data).
    fn within(&mut self, prefixes: &Option<Vec<String>>, column: impl Fn(&str) -> String) {
        let Some(prefixes) = prefixes else { return };
        if prefixes.is_empty() {
            self.push("FALSE", vec![]);
            return;
        }
        let clauses: Vec<String> = prefixes
            .iter()
            .map(|p| format!("{} LIKE {{}}", column(p)))
            .collect();
        self.push(
            &format!("({})", clauses.join(" OR ")),
            prefixes
                .iter()
                .map(|p| Box::new(format!("{p}%")) as Param)
                .collect(),
        );
    }
    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

async fn query(client: &Client, sql: &str, w: &Where, context: &str) -> Result<Vec<Row>> {
    let stmt = client.prepare_cached(sql).await.map_err(db(context))?;
    client.query(&stmt, &w.params()).await.map_err(db(context))
}

pub(super) fn get<'a, T: tokio_postgres::types::FromSql<'a>>(
    r: &'a Row,
    i: usize,
    what: &str,
) -> Result<T> {
    r.try_get(i)
        .map_err(|e| StoreError::Corrupt(format!("{what}, column {i}: {e}")))
}

pub(super) async fn counts(client: &Client, incidents: bool) -> Result<Counts> {
    let incidents = if incidents {
        "(SELECT count(*) FROM incidents)"
    } else {
        "0::bigint"
    };
    let row = client
        .query_one(
            &format!(
                "SELECT (SELECT count(*) FROM grids WHERE level = 1), (SELECT count(*) FROM grids WHERE level = 2),
                    (SELECT count(*) FROM grids WHERE level = 3), (SELECT count(*) FROM compounds),
                    (SELECT count(*) FROM buildings), (SELECT count(*) FROM officers),
                    (SELECT count(*) FROM service_centres), {incidents}"
            ),
            &[],
        )
        .await
        .map_err(db("counting rows"))?;
    let n = |i: usize| -> Result<u64> { get::<i64>(&row, i, "counts").map(|v| v as u64) };
    Ok(Counts {
        grids_by_level: [n(0)?, n(1)?, n(2)?],
        compounds: n(3)?,
        buildings: n(4)?,
        officers: n(5)?,
        service_centres: n(6)?,
        incidents: n(7)?,
    })
}

fn grid_sql(w: &Where) -> String {
    format!(
        "SELECT g.code, g.name, g.kind, g.households, g.population, g.domains, g.geom,
           (SELECT count(*) FROM officer_grids og JOIN officers o ON o.fid = og.officer_fid
             WHERE og.grid_code = g.code AND o.role IN ({roles}))
         FROM grids g{where_} ORDER BY g.code",
        roles = serving_roles_sql(),
        where_ = w.sql()
    )
}

/// Columns 0–6 of a grid row (`code, name, kind, households, population, domains, geom`), as
/// both live and retired grids are selected; `what` names the row in errors.
pub(super) fn grid_of(r: &Row, what: &str) -> Result<crate::domain::Grid> {
    let code: String = get(r, 0, what)?;
    let what = format!("{what} {code}");
    let g: ewkb::MultiPolygon = get(r, 6, &what)?;
    rows::grid(GridCols {
        name: get(r, 1, &what)?,
        kind: get(r, 2, &what)?,
        households: i64::from(get::<i32>(r, 3, &what)?),
        population: i64::from(get::<i32>(r, 4, &what)?),
        domains: get(r, 5, &what)?,
        geometry: geom::from_ewkb(&g, &what)?,
        code,
    })
}

fn grid_row(r: &Row) -> Result<GridRow> {
    let grid = grid_of(r, "grid")?;
    let officers: i64 = get(r, 7, &format!("grid {}", grid.code))?;
    Ok(GridRow {
        grid,
        officers: officers as u32,
    })
}

pub(super) async fn grids(client: &Client, q: &GridQuery) -> Result<Vec<GridRow>> {
    let mut w = Where::default();
    if let Some(level) = q.level {
        w.push("g.level = {}", vec![Box::new(i16::from(level.number()))]);
    }
    if let Some(parent) = &q.parent {
        w.push("g.parent = {}", vec![Box::new(parent.to_string())]);
    }
    if let Some(b) = &q.bbox {
        w.bbox("g.geom", b);
    }
    w.within(&q.within, |_| "g.code".into());
    query(client, &grid_sql(&w), &w, "listing grids")
        .await?
        .iter()
        .map(grid_row)
        .collect()
}

pub(super) async fn grid(client: &Client, code: &GridCode) -> Result<Option<GridRow>> {
    let mut w = Where::default();
    w.push("g.code = {}", vec![Box::new(code.to_string())]);
    let rows = query(client, &grid_sql(&w), &w, "reading a grid").await?;
    rows.first().map(grid_row).transpose()
}

fn area_where(q: &AreaQuery) -> Where {
    let mut w = Where::default();
    if let Some(g) = &q.grid {
        w.under("t.grid_code", g);
    }
    if let Some(b) = &q.bbox {
        w.bbox("t.geom", b);
    }
    w.within(&q.within, |_| "t.grid_code".into());
    w
}

pub(super) async fn compounds(client: &Client, q: &AreaQuery) -> Result<Vec<Compound>> {
    let w = area_where(q);
    let sql = format!(
        "SELECT t.fid, t.name, t.address, t.households, t.population, t.party_org, t.party_branch,
                t.service_centre, t.grid_code, t.geom FROM compounds t{} ORDER BY t.fid",
        w.sql()
    );
    let rows = query(client, &sql, &w, "listing compounds").await?;
    rows.iter()
        .map(|r| {
            let fid: String = get(r, 0, "compound")?;
            let what = format!("compound {fid}");
            let g: ewkb::MultiPolygon = get(r, 9, &what)?;
            rows::compound(CompoundCols {
                name: get(r, 1, &what)?,
                address: get(r, 2, &what)?,
                households: i64::from(get::<i32>(r, 3, &what)?),
                population: i64::from(get::<i32>(r, 4, &what)?),
                party_org: get(r, 5, &what)?,
                party_branch: get(r, 6, &what)?,
                service_centre: get(r, 7, &what)?,
                grid: get(r, 8, &what)?,
                geometry: geom::from_ewkb(&g, &what)?,
                fid,
            })
        })
        .collect()
}

pub(super) async fn buildings(client: &Client, q: &AreaQuery) -> Result<Vec<Building>> {
    let w = area_where(q);
    let sql = format!(
        "SELECT t.fid, t.address, t.floors, t.households, t.population, t.compound_fid, t.grid_code, t.geom
         FROM buildings t{} ORDER BY t.fid",
        w.sql()
    );
    let rows = query(client, &sql, &w, "listing buildings").await?;
    rows.iter()
        .map(|r| {
            let fid: String = get(r, 0, "building")?;
            let what = format!("building {fid}");
            let g: ewkb::MultiPolygon = get(r, 7, &what)?;
            rows::building(BuildingCols {
                address: get(r, 1, &what)?,
                floors: i64::from(get::<i16>(r, 2, &what)?),
                households: i64::from(get::<i32>(r, 3, &what)?),
                population: i64::from(get::<i32>(r, 4, &what)?),
                compound: get(r, 5, &what)?,
                grid: get(r, 6, &what)?,
                geometry: geom::from_ewkb(&g, &what)?,
                fid,
            })
        })
        .collect()
}

pub(super) async fn officers(client: &Client, grid: Option<&GridCode>) -> Result<Vec<Officer>> {
    let mut w = Where::default();
    if let Some(g) = grid {
        w.push(
            "o.fid IN (SELECT officer_fid FROM officer_grids WHERE grid_code LIKE {})",
            vec![Box::new(format!("{g}%"))],
        );
    }
    let sql = format!(
        "SELECT o.fid, o.name, o.role, o.phone, og.grid_code FROM officers o
         LEFT JOIN officer_grids og ON og.officer_fid = o.fid{} ORDER BY o.fid, og.grid_code",
        w.sql()
    );
    let mut out: Vec<Officer> = Vec::new();
    for r in query(client, &sql, &w, "listing officers").await? {
        let fid: String = get(&r, 0, "officer")?;
        let what = format!("officer {fid}");
        let grid = rows::opt_code(&what, get(&r, 4, &what)?)?;
        if out.last().is_none_or(|o| o.id.as_str() != fid) {
            out.push(rows::officer(
                &fid,
                get(&r, 1, &what)?,
                &get::<String>(&r, 2, &what)?,
                get(&r, 3, &what)?,
            )?);
        }
        if let (Some(o), Some(g)) = (out.last_mut(), grid) {
            o.grids.push(g);
        }
    }
    Ok(out)
}

pub(super) async fn service_centres(client: &Client) -> Result<Vec<ServiceCentre>> {
    let w = Where::default();
    let rows = query(
        client,
        "SELECT fid, name, level, geom FROM service_centres ORDER BY fid",
        &w,
        "listing service centres",
    )
    .await?;
    rows.iter()
        .map(|r| {
            let fid: String = get(r, 0, "service centre")?;
            let p: ewkb::Point = get(r, 3, &fid)?;
            rows::service_centre(fid.clone(), get(r, 1, &fid)?, get(r, 2, &fid)?, p.x, p.y)
        })
        .collect()
}

pub(super) async fn roads(client: &Client) -> Result<Vec<Road>> {
    let w = Where::default();
    let rows = query(
        client,
        "SELECT fid, name, class, geom FROM roads ORDER BY fid",
        &w,
        "listing roads",
    )
    .await?;
    rows.iter()
        .map(|r| {
            let fid: String = get(r, 0, "road")?;
            let lines: ewkb::MultiLineString = get(r, 3, &fid)?;
            rows::road(
                fid.clone(),
                get(r, 1, &fid)?,
                get(r, 2, &fid)?,
                super::geom::lines_from_ewkb(&lines),
            )
        })
        .collect()
}

pub(super) async fn incidents(client: &Client, q: &IncidentQuery) -> Result<Vec<Incident>> {
    let mut w = Where::default();
    if let Some(g) = &q.grid {
        w.push(
            &format!("{} = {{}}", incident_grid_column(g)),
            vec![Box::new(g.to_string())],
        );
    }
    if let Some(c) = q.category {
        w.push("category = {}", vec![Box::new(c.as_str())]);
    }
    w.within(&q.within, |p| incident_scope_column(p).into());
    if let Some(by) = &q.reported_by {
        w.push("reported_by = {}", vec![Box::new(by.clone())]);
    }
    if let Some(id) = q.id {
        w.push("id = {}", vec![Box::new(id)]);
    }
    if let Some(o) = &q.order_no {
        w.push("order_no = {}", vec![Box::new(o.clone())]);
    }
    if let Some(d) = &q.department {
        w.push("department = {}", vec![Box::new(d.clone())]);
    }
    if let Some(t) = q.due_before {
        w.push(
            "due_at < {} AND status NOT IN ('closed', 'evaluated')",
            vec![Box::new(t)],
        );
    }
    if let Some(t) = q.due_after {
        w.push("due_at >= {}", vec![Box::new(t)]);
    }
    if let Some(s) = q.supervised {
        w.push("supervised = {}", vec![Box::new(s)]);
    }
    match &q.todo {
        None => {}
        Some(Todo::Dispatch) => w.push(
            "(status IN ('reported', 'registered') OR extension_pending
              OR (status = 'closed' AND outcome = 'resolved' AND satisfaction IS NULL))",
            vec![],
        ),
        Some(Todo::Handle(d)) => w.push(
            "department = {} AND status IN ('dispatched', 'handling')",
            vec![Box::new(d.clone())],
        ),
        Some(Todo::Verify) => w.push(
            "(status = 'responded' OR (self_handled AND status = 'handling'))",
            vec![],
        ),
    }
    if let Some(cats) = &q.categories {
        let names: Vec<String> = cats.iter().map(|c| c.as_str().to_string()).collect();
        w.push("category = ANY({})", vec![Box::new(names)]);
    }
    if let Some(set) = q.status {
        let names: Vec<String> = set.iter().map(|s| s.as_str().to_string()).collect();
        w.push("status = ANY({})", vec![Box::new(names)]);
    }
    if let Some(c) = q.channel {
        w.push("channel = {}", vec![Box::new(c.as_str())]);
    }
    if let Some(t) = q.from {
        w.push("reported_at >= {}", vec![Box::new(t)]);
    }
    if let Some(t) = q.to {
        w.push("reported_at < {}", vec![Box::new(t)]);
    }
    if let Some(b) = &q.bbox {
        w.bbox("geom", b);
    }
    if let Some(id) = q.after_id {
        w.push("id > {}", vec![Box::new(id)]);
    }
    if let Some(id) = q.up_to_id {
        w.push("id <= {}", vec![Box::new(id)]);
    }
    if let Some((t, id)) = q.below {
        w.push(
            "(reported_at, id) < ({}, {})",
            vec![Box::new(t), Box::new(id)],
        );
    }
    let sql = format!(
        "SELECT id, raw_lng, raw_lat, raw_crs, ST_X(geom), ST_Y(geom), category, description, channel,
                reported_at, status, grid1, grid2, grid3, compound_fid, building_fid,
                reported_by, reporter_name, reporter_phone, order_no
         FROM incidents{}{}",
        w.sql(),
        incident_order_and_limit(q)
    );
    let rows = query(client, &sql, &w, "listing incidents").await?;
    rows.iter()
        .map(|r| {
            let id: i64 = get(r, 0, "incident")?;
            let what = format!("incident {id}");
            rows::incident(IncidentCols {
                id,
                raw_lng: get(r, 1, &what)?,
                raw_lat: get(r, 2, &what)?,
                raw_crs: get(r, 3, &what)?,
                lng: get(r, 4, &what)?,
                lat: get(r, 5, &what)?,
                category: get(r, 6, &what)?,
                description: get(r, 7, &what)?,
                channel: get(r, 8, &what)?,
                reported_at: get::<DateTime<Utc>>(r, 9, &what)?,
                status: get(r, 10, &what)?,
                grids: [get(r, 11, &what)?, get(r, 12, &what)?, get(r, 13, &what)?],
                compound: get(r, 14, &what)?,
                building: get(r, 15, &what)?,
                reporter: [
                    get(r, 16, &what)?,
                    get(r, 17, &what)?,
                    get(r, 18, &what)?,
                    get(r, 19, &what)?,
                ],
            })
        })
        .collect()
}

pub(super) async fn incident_status_counts(
    client: &Client,
    grid: &GridCode,
) -> Result<StatusCounts> {
    let mut w = Where::default();
    w.push(
        &format!("{} = {{}}", incident_grid_column(grid)),
        vec![Box::new(grid.to_string())],
    );
    let sql = format!(
        "SELECT status, count(*) FROM incidents{} GROUP BY status",
        w.sql()
    );
    query(client, &sql, &w, "counting incidents")
        .await?
        .iter()
        .map(|r| {
            let s: String = get(r, 0, "status count")?;
            let n: i64 = get(r, 1, "status count")?;
            Ok((rows::parse(&format!("incidents of {grid}"), &s)?, n as u64))
        })
        .collect()
}
