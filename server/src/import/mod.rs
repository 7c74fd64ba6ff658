//! Reading a city from files: GeoJSON FeatureCollections (RFC 7946, WGS84) for grids,
//! compounds, buildings and service centres, and CSV for officers. Every problem is
//! collected and reported with its file, feature and, where it has one, lng/lat; nothing is
//! written unless every file parses.
//!
//! A directory holds any of: `grids.geojson`, `service_centres.geojson`,
//! `compounds.geojson`, `buildings.geojson`, `officers.csv` (property names in README.md).
//! Compounds and buildings without a `grid` property get the level-3 grid that holds their
//! interior point.

mod features;

use crate::domain::{GridCode, Level};
use crate::engine::PolygonIndex;
use crate::store::Dataset;
use geo::InteriorPoint;
use std::fmt;
use std::path::Path;

/// One problem in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    /// The feature's code or id when it has one, else its 0-based index (or CSV line).
    pub feature: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.feature, self.message)
    }
}

/// Why an import was refused: every problem found.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} contains none of grids.geojson, service_centres.geojson, compounds.geojson, buildings.geojson, officers.csv")]
    Empty { path: String },
    #[error("{} problem(s) found, nothing was written:\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

/// The files a directory may hold, in the order they are read.
pub const FILES: [&str; 5] = [
    "grids.geojson",
    "service_centres.geojson",
    "compounds.geojson",
    "buildings.geojson",
    "officers.csv",
];

fn read(path: &Path) -> Result<Option<String>, ImportError> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ImportError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Reads a directory of city files into a dataset, or reports every problem found.
pub fn read_dir(dir: &Path) -> Result<Dataset, ImportError> {
    let texts: Vec<(&str, Option<String>)> = FILES
        .iter()
        .map(|f| Ok((*f, read(&dir.join(f))?)))
        .collect::<Result<_, ImportError>>()?;
    if texts.iter().all(|(_, t)| t.is_none()) {
        return Err(ImportError::Empty {
            path: dir.display().to_string(),
        });
    }
    let mut problems = Vec::new();
    let mut data = Dataset::default();
    for (file, text) in &texts {
        let Some(text) = text else { continue };
        match *file {
            "grids.geojson" => data.grids = features::grids(file, text, &mut problems),
            "service_centres.geojson" => {
                data.service_centres = features::service_centres(file, text, &mut problems)
            }
            "compounds.geojson" => data.compounds = features::compounds(file, text, &mut problems),
            "buildings.geojson" => data.buildings = features::buildings(file, text, &mut problems),
            _ => data.officers = features::officers(file, text, &mut problems),
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    assign_missing_grids(&mut data);
    Ok(data)
}

/// Gives compounds and buildings without a grid the level-3 grid holding their interior point.
pub fn assign_missing_grids(data: &mut Dataset) {
    let index: PolygonIndex<GridCode> = PolygonIndex::new(
        data.grids
            .iter()
            .filter(|g| g.level() == Level::Three)
            .map(|g| (g.code.clone(), g.geometry.clone())),
    );
    for c in data.compounds.iter_mut().filter(|c| c.grid.is_none()) {
        c.grid = c
            .geometry
            .interior_point()
            .and_then(|p| index.locate(p).cloned());
    }
    for b in data.buildings.iter_mut().filter(|b| b.grid.is_none()) {
        b.grid = b
            .footprint
            .interior_point()
            .and_then(|p| index.locate(p).cloned());
    }
}
