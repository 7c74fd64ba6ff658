//! Rebuilding domain values from stored columns, shared by both stores. Stored values were
//! valid when written; if one no longer parses the row is reported as corrupt, naming it.

use super::{Result, StoreError};
use crate::domain::{
    Building, Category, Channel, Compound, Crs, FeatureId, Floors, Grid, GridCode, GridKind,
    GridPath, Households, Incident, IncidentStatus, NewIncident, PartyOrg, Population, RawCoord,
    Road, RoadClass, ServiceCentre, ServiceLevel, Wgs84Point,
};
use chrono::{DateTime, Utc};
use geo::MultiPolygon;
use std::fmt::Display;
use std::str::FromStr;

fn corrupt(row: &str, e: impl Display) -> StoreError {
    StoreError::Corrupt(format!("{row}: {e}"))
}

pub(crate) fn parse<T: FromStr>(row: &str, s: &str) -> Result<T>
where
    T::Err: Display,
{
    s.parse::<T>().map_err(|e| corrupt(row, e))
}

pub(crate) fn opt_code(row: &str, s: Option<String>) -> Result<Option<GridCode>> {
    s.map(|s| parse(row, &s)).transpose()
}

pub(crate) fn opt_id(row: &str, s: Option<String>) -> Result<Option<FeatureId>> {
    s.map(|s| FeatureId::parse(&s).map_err(|e| corrupt(row, e)))
        .transpose()
}

fn counts(row: &str, households: i64, population: i64) -> Result<(Households, Population)> {
    Ok((
        Households::try_from(households).map_err(|e| corrupt(row, e))?,
        Population::try_from(population).map_err(|e| corrupt(row, e))?,
    ))
}

/// Columns of a grid row.
pub(crate) struct GridCols {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub households: i64,
    pub population: i64,
    pub domains: Vec<String>,
    pub geometry: MultiPolygon,
}

pub(crate) fn grid(c: GridCols) -> Result<Grid> {
    let row = format!("grid {}", c.code);
    let (households, population) = counts(&row, c.households, c.population)?;
    Ok(Grid {
        code: parse(&row, &c.code)?,
        name: c.name,
        kind: parse::<GridKind>(&row, &c.kind)?,
        geometry: c.geometry,
        households,
        population,
        domains: c
            .domains
            .iter()
            .filter(|d| !d.is_empty())
            .map(|d| parse(&row, d))
            .collect::<Result<_>>()?,
    })
}

/// Columns of a compound row.
pub(crate) struct CompoundCols {
    pub fid: String,
    pub name: String,
    pub address: String,
    pub households: i64,
    pub population: i64,
    pub party_org: String,
    pub party_branch: Option<String>,
    pub service_centre: Option<String>,
    pub grid: Option<String>,
    pub geometry: MultiPolygon,
}

pub(crate) fn compound(c: CompoundCols) -> Result<Compound> {
    let row = format!("compound {}", c.fid);
    let (households, population) = counts(&row, c.households, c.population)?;
    Ok(Compound {
        id: FeatureId::parse(&c.fid).map_err(|e| corrupt(&row, e))?,
        name: c.name,
        address: c.address,
        geometry: c.geometry,
        households,
        population,
        party_org: PartyOrg::from_parts(&c.party_org, c.party_branch.as_deref())
            .map_err(|e| corrupt(&row, e))?,
        service_centre: opt_id(&row, c.service_centre)?,
        grid: opt_code(&row, c.grid)?,
    })
}

/// Columns of a building row.
pub(crate) struct BuildingCols {
    pub fid: String,
    pub address: String,
    pub floors: i64,
    pub households: i64,
    pub population: i64,
    pub compound: Option<String>,
    pub grid: Option<String>,
    pub geometry: MultiPolygon,
}

pub(crate) fn building(c: BuildingCols) -> Result<Building> {
    let row = format!("building {}", c.fid);
    let (households, population) = counts(&row, c.households, c.population)?;
    Ok(Building {
        id: FeatureId::parse(&c.fid).map_err(|e| corrupt(&row, e))?,
        address: c.address,
        footprint: c.geometry,
        floors: Floors::try_from(c.floors).map_err(|e| corrupt(&row, e))?,
        households,
        population,
        compound: opt_id(&row, c.compound)?,
        grid: opt_code(&row, c.grid)?,
    })
}

pub(crate) fn service_centre(
    fid: String,
    name: String,
    level: String,
    lng: f64,
    lat: f64,
) -> Result<ServiceCentre> {
    let row = format!("service centre {fid}");
    Ok(ServiceCentre {
        id: FeatureId::parse(&fid).map_err(|e| corrupt(&row, e))?,
        name,
        level: parse::<ServiceLevel>(&row, &level)?,
        location: Wgs84Point::new(lng, lat).map_err(|e| corrupt(&row, e))?,
    })
}

pub(crate) fn road(
    fid: String,
    name: String,
    class: String,
    geometry: geo::MultiLineString<f64>,
) -> Result<Road> {
    let row = format!("road {fid}");
    Ok(Road {
        id: FeatureId::parse(&fid).map_err(|e| corrupt(&row, e))?,
        name,
        class: parse::<RoadClass>(&row, &class)?,
        geometry,
    })
}

/// Columns of an incident row.
pub(crate) struct IncidentCols {
    pub id: i64,
    pub raw_lng: f64,
    pub raw_lat: f64,
    pub raw_crs: String,
    pub lng: f64,
    pub lat: f64,
    pub category: String,
    pub description: String,
    pub channel: String,
    pub reported_at: DateTime<Utc>,
    pub status: String,
    pub grids: [Option<String>; 3],
    pub compound: Option<String>,
    pub building: Option<String>,
    /// `reported_by`, `reporter_name`, `reporter_phone`.
    pub reporter: [Option<String>; 4],
}

pub(crate) fn incident(c: IncidentCols) -> Result<Incident> {
    let row = format!("incident {}", c.id);
    let crs = parse::<Crs>(&row, &c.raw_crs)?;
    let [g1, g2, g3] = c.grids;
    Ok(Incident {
        id: c.id,
        incident: NewIncident {
            raw: RawCoord::new(c.raw_lng, c.raw_lat, crs).map_err(|e| corrupt(&row, e))?,
            location: Wgs84Point::new(c.lng, c.lat).map_err(|e| corrupt(&row, e))?,
            category: parse::<Category>(&row, &c.category)?,
            description: c.description,
            channel: parse::<Channel>(&row, &c.channel)?,
            reported_at: c.reported_at,
            status: parse::<IncidentStatus>(&row, &c.status)?,
            grids: GridPath {
                level1: opt_code(&row, g1)?,
                level2: opt_code(&row, g2)?,
                level3: opt_code(&row, g3)?,
            },
            compound: opt_id(&row, c.compound)?,
            building: opt_id(&row, c.building)?,
            reporter: {
                let [by, name, phone, order_no] = c.reporter;
                crate::domain::reporter::Reporter {
                    by,
                    name,
                    phone,
                    source: None,
                    order_no,
                }
            },
        },
    })
}

pub(crate) fn officer(
    fid: &str,
    name: String,
    role: &str,
    phone: Option<String>,
) -> Result<crate::domain::Officer> {
    let row = format!("officer {fid}");
    Ok(crate::domain::Officer {
        id: FeatureId::parse(fid).map_err(|e| corrupt(&row, e))?,
        name,
        role: parse(&row, role)?,
        phone: phone
            .map(|p| crate::domain::OfficerPhone::parse(&p).map_err(|e| corrupt(&row, e)))
            .transpose()?,
        grids: Vec::new(),
    })
}
