//! Writing a city as files, the same files `gridd import` reads (see README.md, "Import
//! format"): one FeatureCollection per kind with one feature per line, and `officers.csv`.
//! Output is deterministic: rows sorted by code/id, keys sorted, floats printed shortest
//! round-trip, so export → import → export gives identical bytes. The same properties make
//! the GeoPackage tables of `gridd export --format gpkg` ([`layers`]).

use crate::domain::{Building, Compound, Grid, Incident, Level, Officer, Road, ServiceCentre};
use crate::gpkg::Layer;
use crate::spatial::file_crs::{FileCrs, Misfit};
use crate::store::Dataset;
use geojson::GeometryValue;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("cannot write {path} in {crs}: {misfit}")]
    Crs {
        path: String,
        crs: FileCrs,
        misfit: Misfit,
    },
}

/// Moves every position of a GeoJSON geometry's `coordinates` from WGS84 into `crs`.
fn project(v: &mut Value, crs: FileCrs) -> Result<(), Misfit> {
    match v {
        Value::Array(a) if a.len() >= 2 && a.iter().all(Value::is_number) => {
            let (x, y) = (a[0].as_f64(), a[1].as_f64());
            let (x, y) = crs.from_wgs84(x.unwrap_or(f64::NAN), y.unwrap_or(f64::NAN))?;
            a[0] = x.into();
            a[1] = y.into();
            Ok(())
        }
        Value::Array(a) => a.iter_mut().try_for_each(|e| project(e, crs)),
        _ => Ok(()),
    }
}

/// The (pre-RFC 7946) `crs` member naming `crs` as GDAL writes it, or as our importer reads
/// the two Chinese offsets (`gcj02`, `bd09`), which have no EPSG code.
fn crs_name(crs: FileCrs) -> String {
    match crs.epsg() {
        Some(code) => format!("urn:ogc:def:crs:EPSG::{code}"),
        None => crs.to_string().to_lowercase().replace('-', ""),
    }
}

fn feature(props: Value, geometry: GeometryValue) -> Value {
    json!({ "type": "Feature", "properties": props, "geometry": geometry })
}

fn write_file(path: &Path, body: &[u8]) -> Result<(), ExportError> {
    let fail = |e: std::io::Error| ExportError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    // Written beside and renamed, so a reader never sees half a file.
    let tmp = path.with_extension("partial");
    let mut f = std::fs::File::create(&tmp).map_err(fail)?;
    f.write_all(body).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// A FeatureCollection, in `crs` when given (with a `crs` member saying so).
fn projected(
    features: impl Iterator<Item = Value>,
    crs: Option<FileCrs>,
) -> Result<Vec<u8>, Misfit> {
    let crs = crs.filter(|c| *c != FileCrs::Wgs84);
    let mut out = b"{\"type\":\"FeatureCollection\",".to_vec();
    if let Some(c) = crs {
        let member = crate::import::crs_member(&crs_name(c));
        out.extend_from_slice(format!("\"crs\":{member},").as_bytes());
    }
    out.extend_from_slice(b"\"features\":[\n");
    for (i, mut f) in features.enumerate() {
        if let Some(c) = crs {
            project(&mut f["geometry"]["coordinates"], c)?;
        }
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(f.to_string().as_bytes());
    }
    out.extend_from_slice(b"\n]}\n");
    Ok(out)
}

fn grid(g: &Grid) -> Value {
    feature(
        json!({
            "code": g.code, "name": g.name, "level": g.level(), "parent": g.parent(), "kind": g.kind,
            "households": g.households, "population": g.population, "domains": g.domains,
        }),
        GeometryValue::from(&g.geometry),
    )
}

fn centre(s: &ServiceCentre) -> Value {
    feature(
        json!({ "id": s.id, "name": s.name, "level": s.level }),
        GeometryValue::from(&s.location.to_geo()),
    )
}

fn compound(c: &Compound) -> Value {
    feature(
        json!({
            "id": c.id, "name": c.name, "address": c.address, "households": c.households,
            "population": c.population, "party_org": c.party_org.kind(), "party_branch": c.party_org.branch(),
            "service_centre": c.service_centre, "grid": c.grid,
        }),
        GeometryValue::from(&c.geometry),
    )
}

/// A building as the GeoJSON feature `gridd import` reads.
pub fn building_feature(b: &Building) -> geojson::Feature {
    serde_json::from_value(building(b)).unwrap_or_default()
}

/// A compound as the GeoJSON feature `gridd import` reads.
pub fn compound_feature(c: &Compound) -> geojson::Feature {
    serde_json::from_value(compound(c)).unwrap_or_default()
}

fn building(b: &Building) -> Value {
    feature(
        json!({
            "id": b.id, "address": b.address, "floors": b.floors, "households": b.households,
            "population": b.population, "compound": b.compound, "grid": b.grid,
        }),
        GeometryValue::from(&b.footprint),
    )
}

fn road(r: &Road) -> Value {
    // One line is written as a LineString, as most tools write a road.
    let geometry = match r.geometry.0.as_slice() {
        [one] => GeometryValue::from(one),
        _ => GeometryValue::from(&r.geometry),
    };
    feature(
        json!({ "id": r.id, "name": r.name, "class": r.class }),
        geometry,
    )
}

fn officers_csv(officers: &[Officer]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![]);
    let _ = w.write_record(["id", "name", "role", "phone", "grids"]);
    for o in officers {
        let grids: Vec<&str> = o.grids.iter().map(|g| g.as_str()).collect();
        let _ = w.write_record([
            o.id.as_str(),
            &o.name,
            o.role.as_str(),
            o.phone.as_ref().map_or("", |p| p.as_str()),
            &grids.join(";"),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// The dataset with every kind sorted by code or id (the order files and tables are written in).
fn sorted(data: &Dataset) -> Dataset {
    let mut d = data.clone();
    d.grids.sort_by(|a, b| a.code.cmp(&b.code));
    d.service_centres.sort_by(|a, b| a.id.cmp(&b.id));
    d.compounds.sort_by(|a, b| a.id.cmp(&b.id));
    d.buildings.sort_by(|a, b| a.id.cmp(&b.id));
    d.officers.sort_by(|a, b| a.id.cmp(&b.id));
    d.roads.sort_by(|a, b| a.id.cmp(&b.id));
    d
}

fn properties(feature: Value) -> serde_json::Map<String, Value> {
    match feature {
        Value::Object(mut f) => match f.remove("properties") {
            Some(Value::Object(p)) => p,
            _ => serde_json::Map::new(),
        },
        _ => serde_json::Map::new(),
    }
}

/// The city as GeoPackage tables (`gridd export --format gpkg`): the GeoJSON files'
/// properties as columns, one table of grids per level, and the officers as an attributes
/// table with their grids joined by `;` as in `officers.csv`.
pub fn layers(data: &Dataset) -> Vec<Layer> {
    use geo::Geometry as G;
    let d = sorted(data);
    let mut out: Vec<Layer> = Level::ALL
        .iter()
        .map(|level| Layer {
            name: format!("grids_level_{}", level.number()),
            geometry_type: Some("MULTIPOLYGON"),
            rows: d
                .grids
                .iter()
                .filter(|g| g.level() == *level)
                .map(|g| {
                    (
                        properties(grid(g)),
                        Some(G::MultiPolygon(g.geometry.clone())),
                    )
                })
                .collect(),
        })
        .collect();
    out.push(Layer {
        name: "service_centres".into(),
        geometry_type: Some("POINT"),
        rows: d
            .service_centres
            .iter()
            .map(|s| (properties(centre(s)), Some(G::Point(s.location.to_geo()))))
            .collect(),
    });
    out.push(Layer {
        name: "compounds".into(),
        geometry_type: Some("MULTIPOLYGON"),
        rows: d
            .compounds
            .iter()
            .map(|c| {
                (
                    properties(compound(c)),
                    Some(G::MultiPolygon(c.geometry.clone())),
                )
            })
            .collect(),
    });
    out.push(Layer {
        name: "buildings".into(),
        geometry_type: Some("MULTIPOLYGON"),
        rows: d
            .buildings
            .iter()
            .map(|b| {
                (
                    properties(building(b)),
                    Some(G::MultiPolygon(b.footprint.clone())),
                )
            })
            .collect(),
    });
    out.push(Layer {
        name: "roads".into(),
        geometry_type: Some("MULTILINESTRING"),
        rows: d
            .roads
            .iter()
            .map(|r| {
                (
                    properties(road(r)),
                    Some(G::MultiLineString(r.geometry.clone())),
                )
            })
            .collect(),
    });
    out.push(Layer {
        name: "officers".into(),
        geometry_type: None,
        rows: d
            .officers
            .iter()
            .map(|o| {
                let grids: Vec<&str> = o.grids.iter().map(|g| g.as_str()).collect();
                let p = json!({
                    "id": o.id, "name": o.name, "role": o.role.as_str(),
                    "phone": o.phone.as_ref().map(|p| p.as_str()), "grids": grids.join(";"),
                });
                (properties(json!({ "properties": p })), None)
            })
            .collect(),
    });
    out
}

/// Incidents as a GeoPackage table (`gridd export --format gpkg --incidents`): where and when
/// reported, what, its state and its grids at report time.
pub fn incident_layer(rows: &[Incident]) -> Layer {
    Layer {
        name: "incidents".into(),
        geometry_type: Some("POINT"),
        rows: rows
            .iter()
            .map(|i| {
                let n = &i.incident;
                let p = json!({
                    "id": i.id, "category": n.category.as_str(), "description": n.description,
                    "channel": n.channel.as_str(), "status": n.status.as_str(),
                    "reported_at": n.reported_at.to_rfc3339(), "raw_crs": n.raw.crs.as_str(),
                    "grid1": n.grids.level1, "grid2": n.grids.level2, "grid3": n.grids.level3,
                    "compound": n.compound, "building": n.building,
                });
                (
                    properties(json!({ "properties": p })),
                    Some(geo::Geometry::Point(n.location.to_geo())),
                )
            })
            .collect(),
    }
}

/// Writes `data` into `dir`, creating it (`roads.geojson` only when there are roads).
pub fn write_dir(data: &Dataset, dir: &Path) -> Result<(), ExportError> {
    write_dir_in(data, dir, None)
}

/// [`write_dir`] with coordinates in `crs` (when given), each file declaring it.
pub fn write_dir_in(data: &Dataset, dir: &Path, crs: Option<FileCrs>) -> Result<(), ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::Write {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let d = sorted(data);
    let geo = |name: &str, features: Vec<Value>| -> Result<(), ExportError> {
        let path = dir.join(name);
        let body = projected(features.into_iter(), crs).map_err(|misfit| ExportError::Crs {
            path: path.display().to_string(),
            crs: crs.unwrap_or(FileCrs::Wgs84),
            misfit,
        })?;
        write_file(&path, &body)
    };
    geo("grids.geojson", d.grids.iter().map(grid).collect())?;
    geo(
        "service_centres.geojson",
        d.service_centres.iter().map(centre).collect(),
    )?;
    geo(
        "compounds.geojson",
        d.compounds.iter().map(compound).collect(),
    )?;
    geo(
        "buildings.geojson",
        d.buildings.iter().map(building).collect(),
    )?;
    write_file(&dir.join("officers.csv"), &officers_csv(&d.officers))?;
    if !d.roads.is_empty() {
        geo("roads.geojson", d.roads.iter().map(road).collect())?;
    }
    Ok(())
}
