//! Pure domain types and rules: grid codes and levels, coordinates, geometry checks, the
//! territory (grids, compounds, buildings, officers, service centres) and incidents.
//! Nothing here does I/O or is async; every type that has rules can only hold valid values.

pub mod access;
pub mod basemap;
pub mod calendar;
pub mod case;
pub mod city;
pub mod code;
pub mod coord;
pub mod figures;
pub mod geometry;
pub mod incident;
pub mod kpi;
pub mod message;
pub mod metrics;
pub mod model;
pub mod plan;
pub mod reporter;
#[cfg(test)]
pub(crate) mod testkit;
pub mod validate;

pub use city::{Dataset, ImportSummary, RepeatedKey};
pub use code::{CodeError, GridCode, Level};
pub use coord::{Bbox, CoordError, Crs, RawCoord, Wgs84Point};
pub use geometry::GeometryError;
pub use incident::{
    Category, Channel, GridPath, Incident, IncidentStatus, NewIncident, StatusCounts, StatusSet,
};
pub use model::{
    Building, Compound, Domain, FeatureId, FieldError, Floors, Grid, GridKind, Households, Officer,
    OfficerPhone, OfficerRole, PartyOrg, Population, Road, RoadClass, ServiceCentre, ServiceLevel,
};
