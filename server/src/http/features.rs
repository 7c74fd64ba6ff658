//! GeoJSON encoding of stored values (RFC 7946: lng/lat, WGS84) shared by the resources.

use super::contract::{BuildingProperties, CompoundProperties, GeoFeature, GridProperties};
use crate::domain::{Building, Compound};
use crate::store::GridRow;
use geo::MultiPolygon;
use geojson::GeometryValue;
use serde::Serialize;
use serde_json::Value;

pub fn geometry(mp: &MultiPolygon) -> Value {
    serde_json::to_value(GeometryValue::from(mp)).unwrap_or(Value::Null)
}

/// A feature with its id, typed properties and geometry.
fn feature<P>(id: impl Serialize, properties: P, mp: &MultiPolygon) -> GeoFeature<P> {
    GeoFeature {
        id: serde_json::to_value(id).ok(),
        ..GeoFeature::new(properties, geometry(mp))
    }
}

pub fn grid_feature(row: &GridRow) -> GeoFeature<GridProperties> {
    feature(
        &row.grid.code,
        GridProperties::from(row),
        &row.grid.geometry,
    )
}

pub fn compound_feature(c: &Compound) -> GeoFeature<CompoundProperties> {
    feature(&c.id, CompoundProperties::from(c), &c.geometry)
}

pub fn building_feature(b: &Building) -> GeoFeature<BuildingProperties> {
    feature(&b.id, BuildingProperties::from(b), &b.footprint)
}
