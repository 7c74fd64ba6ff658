//! GeoPackage (OGC 12-128, version 1.3) out and in, with the bundled SQLite: `gridd export
//! --format gpkg FILE` writes one feature table per kind (grids of each level, service
//! centres, compounds, buildings, roads; incidents on request) with the properties of the
//! GeoJSON files as columns and an `officers` attributes table; `gridd import FILE.gpkg`
//! reads any GeoPackage whose tables are named after the kinds (ours, or what `ogr2ogr`
//! writes from our GeoJSON) into the same GeoJSON/CSV texts the importer parses, so it goes
//! through the same validation.

use crate::import::ImportError;
use crate::spatial::file_crs::{FileCrs, Misfit};
use geo::BoundingRect;
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{params_from_iter, Connection};
use serde_json::{Map, Value};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum GpkgError {
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

/// One table to write: its name, what its geometry column holds (`None`: an attributes
/// table), and its rows (properties, geometry).
pub struct Layer {
    pub name: String,
    pub geometry_type: Option<&'static str>,
    pub rows: Vec<(Map<String, Value>, Option<geo::Geometry>)>,
}

/// The GeoPackage's own tables (Requirement 10–14: the SRS table with its three required
/// rows, contents, geometry columns).
const SCHEMA: &str = "
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
";

/// A column's SQL type, from every value it will hold: INTEGER, REAL, BOOLEAN or TEXT
/// (arrays and objects as JSON text, as GDAL writes them).
fn column_type<'a>(values: impl Iterator<Item = &'a Value>) -> &'static str {
    let (mut int, mut num, mut boolean, mut any) = (true, true, true, false);
    for v in values.filter(|v| !v.is_null()) {
        any = true;
        int &= v.is_i64() || v.is_u64();
        num &= v.is_number();
        boolean &= v.is_boolean();
    }
    match (any, int, num, boolean) {
        (false, ..) => "TEXT",
        (_, true, ..) => "INTEGER",
        (_, _, true, _) => "REAL",
        (_, _, _, true) => "BOOLEAN",
        _ => "TEXT",
    }
}

fn sql_value(v: Option<&Value>) -> Sql {
    match v {
        None | Some(Value::Null) => Sql::Null,
        Some(Value::Bool(b)) => Sql::Integer(i64::from(*b)),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Some(Value::String(s)) => Sql::Text(s.clone()),
        Some(other) => Sql::Text(other.to_string()),
    }
}

/// A GeoPackage geometry BLOB: the `GP` header (version 0, little-endian, an xy envelope,
/// the SRS id) and the geometry as standard WKB.
fn blob(g: &geo::Geometry, srs: i32) -> Vec<u8> {
    let mut out = vec![b'G', b'P', 0, 0b0000_0011];
    out.extend_from_slice(&srs.to_le_bytes());
    let r = g.bounding_rect();
    for v in r.map_or([f64::NAN; 4], |r| {
        [r.min().x, r.max().x, r.min().y, r.max().y]
    }) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&crate::store::wkb::encode_geometry(g));
    out
}

/// The WKB inside a GeoPackage geometry BLOB, past its header and envelope.
fn wkb_of(b: &[u8]) -> Result<&[u8], String> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return Err("not a GeoPackage geometry (no GP header)".into());
    }
    let flags = b[3];
    if flags & 0b0010_0000 != 0 {
        return Err("an extended GeoPackage geometry type, which is not read".into());
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        n => {
            return Err(format!(
                "envelope indicator {n} is not one the standard defines"
            ))
        }
    };
    b.get(8 + envelope..)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| "the geometry ends inside its header".to_string())
}

fn write_err(path: &Path) -> impl Fn(rusqlite::Error) -> GpkgError + '_ {
    move |e| GpkgError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Writes `layers` as a new GeoPackage at `path` (built beside it and renamed, so nobody sees
/// half a file).
pub fn write(layers: &[Layer], path: &Path) -> Result<(), GpkgError> {
    write_in(layers, path, FileCrs::Wgs84)
}

/// [`write`] with every geometry in `crs`, an EPSG system (WGS84, CGCS2000 or a CGCS2000
/// Gauss–Krüger zone): its row in `gpkg_spatial_ref_sys` with its WKT, and its id on every
/// table and blob.
pub fn write_in(layers: &[Layer], path: &Path, crs: FileCrs) -> Result<(), GpkgError> {
    let bad = |reason: String| GpkgError::Write {
        path: path.display().to_string(),
        reason,
    };
    let srs = crs.epsg().ok_or_else(|| {
        bad(format!(
            "{crs} has no EPSG code for a GeoPackage's SRS table"
        ))
    })?;
    let projected;
    let layers = if crs == FileCrs::Wgs84 {
        layers
    } else {
        projected = project(layers, crs).map_err(|m| bad(format!("in {crs}: {m}")))?;
        &projected[..]
    };
    let tmp = path.with_extension("partial.gpkg");
    let _ = std::fs::remove_file(&tmp);
    let fail = write_err(path);
    let mut conn = Connection::open(&tmp).map_err(&fail)?;
    let tx = conn.transaction().map_err(&fail)?;
    tx.execute_batch(SCHEMA).map_err(&fail)?;
    if let (Some(name), Some(wkt)) = (crs.srs_name(), crs.wkt()) {
        tx.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, NULL)",
            rusqlite::params![name, srs, wkt],
        )
        .map_err(&fail)?;
    }
    for layer in layers {
        write_layer(&tx, layer, i32::from(srs)).map_err(&fail)?;
    }
    tx.commit().map_err(&fail)?;
    drop(conn);
    std::fs::rename(&tmp, path).map_err(|e| GpkgError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// The box around boxes, as `[min x, min y, max x, max y]` (`None` for none).
pub fn extent(rects: impl Iterator<Item = geo::Rect<f64>>) -> Option<[f64; 4]> {
    rects
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The layers with every geometry moved from WGS84 into `crs`.
fn project(layers: &[Layer], crs: FileCrs) -> Result<Vec<Layer>, Misfit> {
    use geo::MapCoords;
    layers
        .iter()
        .map(|l| {
            let rows = l
                .rows
                .iter()
                .map(|(props, g)| {
                    let g = g
                        .as_ref()
                        .map(|g| {
                            g.try_map_coords(|c| {
                                crs.from_wgs84(c.x, c.y).map(|(x, y)| geo::Coord { x, y })
                            })
                        })
                        .transpose()?;
                    Ok((props.clone(), g))
                })
                .collect::<Result<_, Misfit>>()?;
            Ok(Layer {
                name: l.name.clone(),
                geometry_type: l.geometry_type,
                rows,
            })
        })
        .collect()
}

fn write_layer(tx: &rusqlite::Transaction, layer: &Layer, srs: i32) -> rusqlite::Result<()> {
    let mut names: Vec<&String> = layer.rows.iter().flat_map(|(p, _)| p.keys()).collect();
    names.sort();
    names.dedup();
    let columns: Vec<(String, &str)> = names
        .iter()
        .map(|n| {
            let t = column_type(layer.rows.iter().filter_map(|(p, _)| p.get(*n)));
            ((*n).clone(), t)
        })
        .collect();
    let mut ddl = vec!["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string()];
    if let Some(t) = layer.geometry_type {
        ddl.push(format!("geom {t}"));
    }
    ddl.extend(columns.iter().map(|(n, t)| format!("{} {t}", quoted(n))));
    tx.execute_batch(&format!(
        "CREATE TABLE {} ({});",
        quoted(&layer.name),
        ddl.join(", ")
    ))?;
    let extent = extent(
        layer
            .rows
            .iter()
            .filter_map(|(_, g)| g.as_ref()?.bounding_rect()),
    );
    let [x0, y0, x1, y1] = extent.map_or([None; 4], |e| e.map(Some));
    let kind = if layer.geometry_type.is_some() {
        "features"
    } else {
        "attributes"
    };
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![layer.name, kind, x0, y0, x1, y1, layer.geometry_type.map(|_| srs)],
    )?;
    if let Some(t) = layer.geometry_type {
        tx.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
            rusqlite::params![layer.name, t, srs],
        )?;
    }
    let geom_mark = if layer.geometry_type.is_some() {
        "?, "
    } else {
        ""
    };
    let marks = vec!["?"; columns.len()].join(", ");
    let insert = format!(
        "INSERT INTO {} ({}{}) VALUES ({geom_mark}{marks})",
        quoted(&layer.name),
        if layer.geometry_type.is_some() {
            "geom, "
        } else {
            ""
        },
        columns
            .iter()
            .map(|(n, _)| quoted(n))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut stmt = tx.prepare(&insert)?;
    for (props, geometry) in &layer.rows {
        let mut values: Vec<Sql> = Vec::with_capacity(columns.len() + 1);
        if layer.geometry_type.is_some() {
            values.push(
                geometry
                    .as_ref()
                    .map_or(Sql::Null, |g| Sql::Blob(blob(g, srs))),
            );
        }
        values.extend(columns.iter().map(|(n, _)| sql_value(props.get(n))));
        stmt.execute(params_from_iter(values))?;
    }
    Ok(())
}

/// Whether a file starts as a GeoPackage (an SQLite database) does.
pub fn looks_like(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
}

/// Reads a GeoPackage into the texts the importer parses: for each kind of city file, a
/// GeoJSON FeatureCollection (or the officers' CSV) made of the tables named after it.
/// Tables named `incidents*` are left out (incidents are loaded with `import-incidents`).
pub fn read(path: &Path) -> Result<Vec<(&'static str, String, String)>, ImportError> {
    let file = path.display().to_string();
    let bad = |reason: String| ImportError::Read {
        path: file.clone(),
        reason,
    };
    if !path.is_file() {
        return Err(bad("no such file".into()));
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| bad(format!("not a GeoPackage: {e}")))?;
    let tables: Vec<(String, String, Option<i64>)> = conn
        .prepare("SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY table_name")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(|e| {
            bad(format!(
                "not a GeoPackage (no readable gpkg_contents table): {e}"
            ))
        })?;
    // Per kind: its tables, their coordinate system, their features.
    type Kind = (&'static str, Vec<String>, Option<String>, Vec<Value>);
    let mut features: Vec<Kind> = Vec::new();
    let mut officers = None;
    for (table, data_type, srs) in tables {
        let lower = table.to_lowercase().replace('-', "_");
        if lower.starts_with("incidents") {
            continue;
        }
        let kind = crate::import::FILES
            .iter()
            .copied()
            .find(|f| lower.starts_with(f.split('.').next().unwrap_or(f)))
            .ok_or_else(|| {
                bad(format!(
                    "cannot tell what table {table:?} holds: name it grids*, service_centres*, compounds*, buildings*, officers or roads*"
                ))
            })?;
        if kind == "officers.csv" {
            let csv =
                officers_csv(&conn, &table).map_err(|e| bad(format!("table {table}: {e}")))?;
            officers = Some((table, csv));
            continue;
        }
        if data_type != "features" {
            return Err(bad(format!("table {table} is {data_type}, not features")));
        }
        let crs = srs_name(&conn, srs).map_err(|e| bad(format!("table {table}: {e}")))?;
        let rows = table_features(&conn, &table).map_err(|e| bad(format!("table {table}: {e}")))?;
        match features.iter_mut().find(|(k, _, _, _)| *k == kind) {
            Some((_, names, other, _)) if *other != crs => {
                return Err(bad(format!(
                    "tables {} and {table} hold {kind} in different coordinate systems ({} and {})",
                    names.join(", "),
                    other.as_deref().unwrap_or("undefined"),
                    crs.as_deref().unwrap_or("undefined"),
                )))
            }
            Some((_, names, _, all)) => {
                names.push(table);
                all.extend(rows)
            }
            None => features.push((kind, vec![table], crs, rows)),
        }
    }
    let mut texts: Vec<(&'static str, String, String)> = features
        .into_iter()
        .map(|(kind, names, crs, rows)| {
            let mut fc = serde_json::json!({ "type": "FeatureCollection", "features": rows });
            if let Some(crs) = crs {
                fc["crs"] = crate::import::crs_member(&crs);
            }
            (kind, names.join(", "), fc.to_string())
        })
        .collect();
    if let Some((table, csv)) = officers {
        texts.push(("officers.csv", table, csv));
    }
    if texts.is_empty() {
        return Err(ImportError::Empty { path: file });
    }
    Ok(texts)
}

/// The name of a table's SRS as `ORGANIZATION:ID` (`EPSG:4546`), or `None` for the
/// GeoPackage's two undefined systems (ids 0 and -1), which are read as WGS84.
fn srs_name(conn: &Connection, srs: Option<i64>) -> rusqlite::Result<Option<String>> {
    let Some(id) = srs.filter(|s| *s > 0) else {
        return Ok(None);
    };
    conn.query_row(
        "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [id],
        |r| {
            Ok(format!(
                "{}:{}",
                r.get::<_, String>(0)?.to_uppercase(),
                r.get::<_, i64>(1)?
            ))
        },
    )
    .map(Some)
}

/// A table's columns: name, declared type.
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut s = conn.prepare(&format!("PRAGMA table_info({})", quoted(table)))?;
    let cols = s
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect();
    cols
}

/// A cell as JSON: BOOLEAN columns as true/false, text that holds a JSON array or object
/// (GDAL's string lists, our `domains`) as that value.
fn json_of(v: ValueRef, declared: &str) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) if declared.eq_ignore_ascii_case("BOOLEAN") => Value::Bool(i != 0),
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t).into_owned();
            let trimmed = s.trim_start();
            if trimmed.starts_with('[') || trimmed.starts_with('{') {
                serde_json::from_str(&s).unwrap_or(Value::String(s))
            } else {
                ogr_list(&s).unwrap_or(Value::String(s))
            }
        }
        ValueRef::Blob(_) => Value::Null,
    }
}

/// GDAL's own text for a string list, `(3:a,b,c)`, as a JSON array (when the count agrees).
fn ogr_list(s: &str) -> Option<Value> {
    let inner = s.strip_prefix('(')?.strip_suffix(')')?;
    let (count, items) = inner.split_once(':')?;
    let count: usize = count.parse().ok()?;
    let items: Vec<Value> = if items.is_empty() {
        Vec::new()
    } else {
        items
            .split(',')
            .map(|i| Value::String(i.to_string()))
            .collect()
    };
    (items.len() == count).then_some(Value::Array(items))
}

fn table_features(conn: &Connection, table: &str) -> Result<Vec<Value>, String> {
    let geom: String = conn
        .query_row(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1",
            [table],
            |r| r.get(0),
        )
        .map_err(|e| format!("no geometry column in gpkg_geometry_columns: {e}"))?;
    let cols = columns(conn, table).map_err(|e| e.to_string())?;
    let pk: Option<String> = conn
        .prepare(&format!("PRAGMA table_info({})", quoted(table)))
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
                .filter_map(|r| r.ok())
                .find(|(_, pk)| *pk == 1)
                .map(|(n, _)| n)
                .map_or(Ok(None), |n| Ok(Some(n)))
        })
        .map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {}", quoted(table)))
        .map_err(|e| e.to_string())?;
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut n = 0usize;
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        n += 1;
        let mut props = Map::new();
        let mut geometry = Value::Null;
        for (i, (name, declared)) in cols.iter().enumerate() {
            let v = r.get_ref(i).map_err(|e| e.to_string())?;
            if *name == geom {
                if let ValueRef::Blob(b) = v {
                    let g = wkb_of(b)
                        .and_then(|w| {
                            crate::store::wkb::decode_geometry(w).map_err(|e| e.to_string())
                        })
                        .map_err(|e| format!("row {n}: {geom}: {e}"))?;
                    geometry =
                        serde_json::to_value(geojson::Geometry::from(&g)).unwrap_or(Value::Null);
                }
            } else if Some(name) != pk.as_ref() {
                props.insert(name.clone(), json_of(v, declared));
            }
        }
        out.push(
            serde_json::json!({ "type": "Feature", "properties": props, "geometry": geometry }),
        );
    }
    Ok(out)
}

/// The officers' attributes table as the CSV `officers.csv` holds.
fn officers_csv(conn: &Connection, table: &str) -> Result<String, String> {
    let cols = columns(conn, table).map_err(|e| e.to_string())?;
    let wanted = ["id", "name", "role", "phone", "grids"];
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(wanted).map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {}", quoted(table)))
        .map_err(|e| e.to_string())?;
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        let mut record = Vec::with_capacity(wanted.len());
        for want in wanted {
            let cell = match cols.iter().position(|(n, _)| n == want) {
                Some(i) => match r.get_ref(i).map_err(|e| e.to_string())? {
                    ValueRef::Null => String::new(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    ValueRef::Blob(_) => String::new(),
                },
                None => String::new(),
            };
            record.push(cell);
        }
        w.write_record(&record).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}
