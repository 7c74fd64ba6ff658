//! GeoJSON encoding of stored values (RFC 7946: lng/lat, WGS84) shared by the resources.

use crate::domain::{Building, Compound};
use crate::store::GridRow;
use geo::MultiPolygon;
use geojson::GeometryValue;
use serde_json::{json, Value};

pub fn geometry(mp: &MultiPolygon) -> Value {
    serde_json::to_value(GeometryValue::from(mp)).unwrap_or(Value::Null)
}

pub fn collection(features: Vec<Value>) -> Value {
    json!({ "type": "FeatureCollection", "features": features })
}

pub use crate::domain::metrics::households_per_officer;

pub fn grid_properties(row: &GridRow) -> serde_json::Map<String, Value> {
    let g = &row.grid;
    let props = json!({
        "code": g.code,
        "name": g.name,
        "level": g.level(),
        "parent": g.parent(),
        "kind": g.kind,
        "households": g.households,
        "population": g.population,
        "officers": row.officers,
        "households_per_officer": households_per_officer(g.households.get(), row.officers),
        "domains": g.domains,
    });
    match props {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

pub fn grid_feature(row: &GridRow) -> Value {
    json!({
        "type": "Feature",
        "id": row.grid.code,
        "properties": grid_properties(row),
        "geometry": geometry(&row.grid.geometry),
    })
}

pub fn compound_feature(c: &Compound) -> Value {
    json!({
        "type": "Feature",
        "id": c.id,
        "properties": {
            "id": c.id,
            "name": c.name,
            "address": c.address,
            "households": c.households,
            "population": c.population,
            "party_org": c.party_org.kind(),
            "party_branch": c.party_org.branch(),
            "service_centre": c.service_centre,
            "grid": c.grid,
        },
        "geometry": geometry(&c.geometry),
    })
}

pub fn building_feature(b: &Building) -> Value {
    json!({
        "type": "Feature",
        "id": b.id,
        "properties": {
            "id": b.id,
            "address": b.address,
            "floors": b.floors,
            "households": b.households,
            "population": b.population,
            "compound": b.compound,
            "grid": b.grid,
        },
        "geometry": geometry(&b.footprint),
    })
}
