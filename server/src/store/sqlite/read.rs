//! Read queries of the embedded store.

use super::super::rows::{self, BuildingCols, CompoundCols, GridCols, IncidentCols};
use super::super::wkb;
use super::super::{
    incident_grid_column, incident_order_and_limit, incident_scope_column, serving_roles_sql,
    AreaQuery, Counts, GridQuery, GridRow, IncidentQuery, Result, StoreError, Todo,
};
use crate::domain::{
    Bbox, Building, Compound, GridCode, Incident, Officer, Road, ServiceCentre, StatusCounts,
};
use chrono::{DateTime, Utc};
use geo::{Intersects, MultiPolygon};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Row};

fn db(context: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::db(context, e)
}

fn geometry(
    row: &Row,
    idx: usize,
    what: &str,
) -> rusqlite::Result<std::result::Result<MultiPolygon, StoreError>> {
    let blob: Vec<u8> = row.get(idx)?;
    Ok(wkb::decode_multipolygon(&blob)
        .map_err(|e| StoreError::Corrupt(format!("{what} geometry: {e}"))))
}

/// A WHERE clause under construction with its positional parameters.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    fn push(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause.to_string());
        self.params.extend(values);
    }
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
    /// The column (chosen per prefix) starts with one of `prefixes`; none matches when the
    /// list is empty (a scope without map data).
    fn within(&mut self, prefixes: &Option<Vec<String>>, column: impl Fn(&str) -> String) {
        let Some(prefixes) = prefixes else { return };
        if prefixes.is_empty() {
            self.push("0 = 1", []);
            return;
        }
        let clauses: Vec<String> = prefixes
            .iter()
            .map(|p| {
                let c = column(p);
                format!("({c} >= ? AND {c} <= ?)")
            })
            .collect();
        self.push(
            &format!("({})", clauses.join(" OR ")),
            prefixes
                .iter()
                .flat_map(|p| [Value::Text(p.clone()), Value::Text(format!("{p}~"))]),
        );
    }
    /// Envelope overlap against the R*Tree aliased `r`; exact tests follow in Rust.
    fn bbox(&mut self, b: &Bbox) {
        self.push(
            "r.max_lng >= ? AND r.min_lng <= ? AND r.max_lat >= ? AND r.min_lat <= ?",
            [b.min_lng(), b.max_lng(), b.min_lat(), b.max_lat()].map(Value::Real),
        );
    }
    /// `column` is `code` or a code under it: codes are digits, so '~' sorts after them all.
    fn under(&mut self, column: &str, code: &GridCode) {
        self.push(
            &format!("{column} >= ? AND {column} <= ?"),
            [
                Value::Text(code.to_string()),
                Value::Text(format!("{code}~")),
            ],
        );
    }
}

fn in_bbox(geom: &MultiPolygon, bbox: Option<&Bbox>) -> bool {
    bbox.is_none_or(|b| geom.intersects(&b.to_rect()))
}

pub(super) fn counts(conn: &Connection, incidents: bool) -> Result<Counts> {
    let count = |sql: &str| -> Result<u64> {
        conn.query_row(sql, [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(db("counting rows"))
    };
    let mut c = Counts::default();
    for (i, slot) in c.grids_by_level.iter_mut().enumerate() {
        *slot = count(&format!(
            "SELECT count(*) FROM grids WHERE level = {}",
            i + 1
        ))?;
    }
    c.compounds = count("SELECT count(*) FROM compounds")?;
    c.buildings = count("SELECT count(*) FROM buildings")?;
    c.officers = count("SELECT count(*) FROM officers")?;
    c.service_centres = count("SELECT count(*) FROM service_centres")?;
    if incidents {
        c.incidents = count("SELECT count(*) FROM incidents")?;
    }
    Ok(c)
}

fn grid_select(join_rtree: bool) -> String {
    format!(
        "SELECT g.code, g.name, g.kind, g.households, g.population, g.domains, g.geom,
           (SELECT count(*) FROM officer_grids og JOIN officers o ON o.fid = og.officer_fid
             WHERE og.grid_code = g.code AND o.role IN ({roles}))
         FROM grids g{join}",
        roles = serving_roles_sql(),
        join = if join_rtree {
            " JOIN grids_rtree r ON r.id = g.id"
        } else {
            ""
        }
    )
}

/// Columns 0–6 of a grid row (`code, name, kind, households, population, domains, geom`), as
/// both live and retired grids are selected; `what` names the row in errors.
pub(super) fn grid_cols(r: &rusqlite::Row, what: &str) -> Result<GridCols> {
    let e = |x: rusqlite::Error| StoreError::db(format!("reading a {what}"), x);
    let code: String = r.get(0).map_err(e)?;
    let geometry = geometry(r, 6, &format!("{what} {code}")).map_err(e)??;
    let domains: String = r.get(5).map_err(e)?;
    Ok(GridCols {
        code,
        name: r.get(1).map_err(e)?,
        kind: r.get(2).map_err(e)?,
        households: r.get(3).map_err(e)?,
        population: r.get(4).map_err(e)?,
        domains: domains.split(',').map(str::to_string).collect(),
        geometry,
    })
}

fn query_grids(
    conn: &Connection,
    sql: &str,
    w: &Where,
    bbox: Option<&Bbox>,
) -> Result<Vec<GridRow>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db("listing grids"))?;
    let mut rows = stmt
        .query(params_from_iter(&w.params))
        .map_err(db("listing grids"))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db("listing grids"))? {
        let cols = grid_cols(r, "grid")?;
        if !in_bbox(&cols.geometry, bbox) {
            continue;
        }
        let grid = rows::grid(cols)?;
        let officers: i64 = r.get(7).map_err(db("reading a grid"))?;
        out.push(GridRow {
            grid,
            officers: officers as u32,
        });
    }
    Ok(out)
}

pub(super) fn grids(conn: &Connection, q: &GridQuery) -> Result<Vec<GridRow>> {
    let mut w = Where::default();
    if let Some(level) = q.level {
        w.push("g.level = ?", [Value::Integer(i64::from(level.number()))]);
    }
    if let Some(parent) = &q.parent {
        w.push("g.parent = ?", [Value::Text(parent.to_string())]);
    }
    if let Some(b) = &q.bbox {
        w.bbox(b);
    }
    w.within(&q.within, |_| "g.code".into());
    let sql = format!(
        "{}{} ORDER BY g.code",
        grid_select(q.bbox.is_some()),
        w.sql()
    );
    query_grids(conn, &sql, &w, q.bbox.as_ref())
}

pub(super) fn grid(conn: &Connection, code: &GridCode) -> Result<Option<GridRow>> {
    let mut w = Where::default();
    w.push("g.code = ?", [Value::Text(code.to_string())]);
    let sql = format!("{}{}", grid_select(false), w.sql());
    Ok(query_grids(conn, &sql, &w, None)?.pop())
}

fn area_where(q: &AreaQuery) -> Where {
    let mut w = Where::default();
    if let Some(g) = &q.grid {
        w.under("t.grid_code", g);
    }
    if let Some(b) = &q.bbox {
        w.bbox(b);
    }
    w.within(&q.within, |_| "t.grid_code".into());
    w
}

fn area_sql(table: &str, columns: &str, q: &AreaQuery, w: &Where) -> String {
    let join = if q.bbox.is_some() {
        format!(" JOIN {table}_rtree r ON r.id = t.id")
    } else {
        String::new()
    };
    format!(
        "SELECT {columns} FROM {table} t{join}{} ORDER BY t.fid",
        w.sql()
    )
}

pub(super) fn compounds(conn: &Connection, q: &AreaQuery) -> Result<Vec<Compound>> {
    let w = area_where(q);
    let sql = area_sql(
        "compounds",
        "t.fid, t.name, t.address, t.households, t.population, t.party_org, t.party_branch,
         t.service_centre, t.grid_code, t.geom",
        q,
        &w,
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db("listing compounds"))?;
    let mut rows = stmt
        .query(params_from_iter(&w.params))
        .map_err(db("listing compounds"))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db("listing compounds"))? {
        let fid: String = r.get(0).map_err(db("reading a compound"))?;
        let geometry =
            geometry(r, 9, &format!("compound {fid}")).map_err(db("reading a compound"))??;
        if !in_bbox(&geometry, q.bbox.as_ref()) {
            continue;
        }
        let e = db("reading a compound");
        out.push(rows::compound(CompoundCols {
            fid,
            name: r.get(1).map_err(&e)?,
            address: r.get(2).map_err(&e)?,
            households: r.get(3).map_err(&e)?,
            population: r.get(4).map_err(&e)?,
            party_org: r.get(5).map_err(&e)?,
            party_branch: r.get(6).map_err(&e)?,
            service_centre: r.get(7).map_err(&e)?,
            grid: r.get(8).map_err(&e)?,
            geometry,
        })?);
    }
    Ok(out)
}

pub(super) fn buildings(conn: &Connection, q: &AreaQuery) -> Result<Vec<Building>> {
    let w = area_where(q);
    let sql = area_sql(
        "buildings",
        "t.fid, t.address, t.floors, t.households, t.population, t.compound_fid, t.grid_code, t.geom",
        q,
        &w,
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db("listing buildings"))?;
    let mut rows = stmt
        .query(params_from_iter(&w.params))
        .map_err(db("listing buildings"))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db("listing buildings"))? {
        let fid: String = r.get(0).map_err(db("reading a building"))?;
        let geometry =
            geometry(r, 7, &format!("building {fid}")).map_err(db("reading a building"))??;
        if !in_bbox(&geometry, q.bbox.as_ref()) {
            continue;
        }
        let e = db("reading a building");
        out.push(rows::building(BuildingCols {
            fid,
            address: r.get(1).map_err(&e)?,
            floors: r.get(2).map_err(&e)?,
            households: r.get(3).map_err(&e)?,
            population: r.get(4).map_err(&e)?,
            compound: r.get(5).map_err(&e)?,
            grid: r.get(6).map_err(&e)?,
            geometry,
        })?);
    }
    Ok(out)
}

pub(super) fn officers(conn: &Connection, grid: Option<&GridCode>) -> Result<Vec<Officer>> {
    let mut w = Where::default();
    if let Some(g) = grid {
        w.push(
            "o.fid IN (SELECT officer_fid FROM officer_grids WHERE grid_code >= ? AND grid_code <= ?)",
            [Value::Text(g.to_string()), Value::Text(format!("{g}~"))],
        );
    }
    let sql = format!(
        "SELECT o.fid, o.name, o.role, o.phone, og.grid_code FROM officers o
         LEFT JOIN officer_grids og ON og.officer_fid = o.fid{} ORDER BY o.fid, og.grid_code",
        w.sql()
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db("listing officers"))?;
    let mut rows = stmt
        .query(params_from_iter(&w.params))
        .map_err(db("listing officers"))?;
    let mut out: Vec<Officer> = Vec::new();
    while let Some(r) = rows.next().map_err(db("listing officers"))? {
        let e = db("reading an officer");
        let fid: String = r.get(0).map_err(&e)?;
        let grid: Option<String> = r.get(4).map_err(&e)?;
        let grid = rows::opt_code(&format!("officer {fid}"), grid)?;
        if out.last().is_none_or(|o| o.id.as_str() != fid) {
            out.push(rows::officer(
                &fid,
                r.get(1).map_err(&e)?,
                &r.get::<_, String>(2).map_err(&e)?,
                r.get(3).map_err(&e)?,
            )?);
        }
        if let (Some(o), Some(g)) = (out.last_mut(), grid) {
            o.grids.push(g);
        }
    }
    Ok(out)
}

pub(super) fn service_centres(conn: &Connection) -> Result<Vec<ServiceCentre>> {
    let mut stmt = conn
        .prepare_cached("SELECT fid, name, level, lng, lat FROM service_centres ORDER BY fid")
        .map_err(db("listing service centres"))?;
    let raw = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(db("listing service centres"))?
        .collect::<rusqlite::Result<Vec<(String, String, String, f64, f64)>>>()
        .map_err(db("reading a service centre"))?;
    raw.into_iter()
        .map(|(fid, name, level, lng, lat)| rows::service_centre(fid, name, level, lng, lat))
        .collect()
}

pub(super) fn roads(conn: &Connection) -> Result<Vec<Road>> {
    let mut stmt = conn
        .prepare_cached("SELECT fid, name, class, geom FROM roads ORDER BY fid")
        .map_err(db("listing roads"))?;
    let raw = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(db("listing roads"))?
        .collect::<rusqlite::Result<Vec<(String, String, String, Vec<u8>)>>>()
        .map_err(db("reading a road"))?;
    raw.into_iter()
        .map(|(fid, name, class, geom)| {
            let lines = wkb::decode_multilinestring(&geom)
                .map_err(|e| StoreError::Corrupt(format!("road {fid}: {e}")))?;
            rows::road(fid, name, class, lines)
        })
        .collect()
}

pub(super) fn millis(t: &DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(super) fn incidents(conn: &Connection, q: &IncidentQuery) -> Result<Vec<Incident>> {
    let mut w = Where::default();
    if let Some(g) = &q.grid {
        w.push(
            &format!("{} = ?", incident_grid_column(g)),
            [Value::Text(g.to_string())],
        );
    }
    if let Some(c) = q.category {
        w.push("category = ?", [Value::Text(c.as_str().into())]);
    }
    w.within(&q.within, |p| incident_scope_column(p).into());
    if let Some(by) = &q.reported_by {
        w.push("reported_by = ?", [Value::Text(by.clone())]);
    }
    if let Some(id) = q.id {
        w.push("id = ?", [Value::Integer(id)]);
    }
    if let Some(o) = &q.order_no {
        w.push("order_no = ?", [Value::Text(o.clone())]);
    }
    if let Some(d) = &q.department {
        w.push("department = ?", [Value::Text(d.clone())]);
    }
    if let Some(t) = &q.due_before {
        w.push(
            "due_at < ? AND status NOT IN ('closed', 'evaluated')",
            [Value::Integer(millis(t))],
        );
    }
    if let Some(t) = &q.due_after {
        w.push("due_at >= ?", [Value::Integer(millis(t))]);
    }
    if let Some(s) = q.supervised {
        w.push("supervised = ?", [Value::Integer(i64::from(s))]);
    }
    match &q.todo {
        None => {}
        Some(Todo::Dispatch) => w.push(
            "(status IN ('reported', 'registered') OR extension_pending = 1
              OR (status = 'closed' AND outcome = 'resolved' AND satisfaction IS NULL))",
            [],
        ),
        Some(Todo::Handle(d)) => w.push(
            "department = ? AND status IN ('dispatched', 'handling')",
            [Value::Text(d.clone())],
        ),
        Some(Todo::Verify) => w.push(
            "(status = 'responded' OR (self_handled = 1 AND status = 'handling'))",
            [],
        ),
    }
    if let Some(cats) = &q.categories {
        let marks = vec!["?"; cats.len()].join(", ");
        w.push(
            &format!("category IN ({marks})"),
            cats.iter().map(|c| Value::Text(c.as_str().into())),
        );
    }
    if let Some(set) = q.status {
        let marks = vec!["?"; set.iter().count()].join(", ");
        w.push(
            &format!("status IN ({marks})"),
            set.iter().map(|s| Value::Text(s.as_str().into())),
        );
    }
    if let Some(c) = q.channel {
        w.push("channel = ?", [Value::Text(c.as_str().into())]);
    }
    if let Some(t) = &q.from {
        w.push("reported_at >= ?", [Value::Integer(millis(t))]);
    }
    if let Some(t) = &q.to {
        w.push("reported_at < ?", [Value::Integer(millis(t))]);
    }
    if let Some(b) = &q.bbox {
        w.push(
            "lng >= ? AND lng <= ? AND lat >= ? AND lat <= ?",
            [b.min_lng(), b.max_lng(), b.min_lat(), b.max_lat()].map(Value::Real),
        );
    }
    if let Some(id) = q.after_id {
        w.push("id > ?", [Value::Integer(id)]);
    }
    if let Some(id) = q.up_to_id {
        w.push("id <= ?", [Value::Integer(id)]);
    }
    if let Some((t, id)) = &q.below {
        w.push(
            "(reported_at, id) < (?, ?)",
            [Value::Integer(millis(t)), Value::Integer(*id)],
        );
    }
    let sql = format!(
        "SELECT id, raw_lng, raw_lat, raw_crs, lng, lat, category, description, channel,
                reported_at, status, grid1, grid2, grid3, compound_fid, building_fid,
                reported_by, reporter_name, reporter_phone, order_no
         FROM incidents{}{}",
        w.sql(),
        incident_order_and_limit(q)
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db("listing incidents"))?;
    let mut rows = stmt
        .query(params_from_iter(&w.params))
        .map_err(db("listing incidents"))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db("listing incidents"))? {
        let e = db("reading an incident");
        let id: i64 = r.get(0).map_err(&e)?;
        let ms: i64 = r.get(9).map_err(&e)?;
        let reported_at = DateTime::<Utc>::from_timestamp_millis(ms)
            .ok_or_else(|| StoreError::Corrupt(format!("incident {id}: time {ms} out of range")))?;
        out.push(rows::incident(IncidentCols {
            id,
            raw_lng: r.get(1).map_err(&e)?,
            raw_lat: r.get(2).map_err(&e)?,
            raw_crs: r.get(3).map_err(&e)?,
            lng: r.get(4).map_err(&e)?,
            lat: r.get(5).map_err(&e)?,
            category: r.get(6).map_err(&e)?,
            description: r.get(7).map_err(&e)?,
            channel: r.get(8).map_err(&e)?,
            reported_at,
            status: r.get(10).map_err(&e)?,
            grids: [
                r.get(11).map_err(&e)?,
                r.get(12).map_err(&e)?,
                r.get(13).map_err(&e)?,
            ],
            compound: r.get(14).map_err(&e)?,
            building: r.get(15).map_err(&e)?,
            reporter: [
                r.get(16).map_err(&e)?,
                r.get(17).map_err(&e)?,
                r.get(18).map_err(&e)?,
                r.get(19).map_err(&e)?,
            ],
        })?);
    }
    Ok(out)
}

pub(super) fn incident_status_counts(conn: &Connection, grid: &GridCode) -> Result<StatusCounts> {
    let sql = format!(
        "SELECT status, count(*) FROM incidents WHERE {} = ?1 GROUP BY status",
        incident_grid_column(grid)
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(db("counting incidents"))?;
    let pairs = stmt
        .query_map([grid.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(db("counting incidents"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db("counting incidents"))?;
    pairs
        .into_iter()
        .map(|(s, n)| Ok((rows::parse(&format!("incidents of {grid}"), &s)?, n as u64)))
        .collect()
}
