//! Reading a city from files: GeoJSON FeatureCollections (RFC 7946, WGS84) for grids,
//! compounds, buildings and service centres, and CSV for officers. Every problem is
//! collected and reported with its file, feature and, where it has one, lng/lat; nothing is
//! written unless every file parses.
//!
//! A directory holds any of: `grids.geojson`, `service_centres.geojson`,
//! `compounds.geojson`, `buildings.geojson`, `officers.csv`, `roads.geojson` (property
//! names in README.md).
//! Compounds and buildings without a `grid` property get the level-3 grid that holds their
//! interior point. [`check`] then runs the topology validator; the caller writes only what
//! passes, in one transaction.

mod crs;
mod features;
mod read;
mod repair;

pub use read::{read_dir, read_dir_in, read_path, read_path_in, read_with, Reading, Skipped};

pub use crs::member as crs_member;

use crate::domain::figures;
use crate::domain::geometry::At;
use crate::domain::validate::{self, Defect, DefectKind, Severity, Territory, Tolerance};
use crate::domain::{GridCode, Level};
use crate::spatial::file_crs::FileCrs;
use crate::spatial::PolygonIndex;
use crate::store::{Dataset, ImportSummary, Store, StoreError};
use geo::InteriorPoint;
use std::fmt;
use std::path::Path;

/// One problem in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    /// The feature's code or id when it has one, else its 0-based index (or CSV line).
    pub feature: String,
    /// What is wrong, in snake_case: a topology defect (`gap`, `overlap`, …), a geometry
    /// problem (`unclosed_ring`, `invalid_polygon`, …) or `bad_<property>`.
    pub kind: String,
    pub severity: Severity,
    /// Where to look, as lng/lat, when the problem has a place.
    pub at: Option<(f64, f64)>,
    pub message: String,
}

impl Problem {
    /// An error found while reading `file`.
    pub fn error(file: &str, feature: String, kind: String, message: String) -> Problem {
        Problem {
            file: file.to_string(),
            feature,
            kind,
            severity: Severity::Error,
            at: None,
            message,
        }
    }

    fn from_defect(d: Defect) -> Problem {
        let file = match d.kind {
            DefectKind::BuildingCut
            | DefectKind::BuildingOutsideGrids
            | DefectKind::BuildingsOverlap => "buildings.geojson",
            DefectKind::CompoundStraddles => "compounds.geojson",
            _ => "grids.geojson",
        };
        Problem {
            file: file.to_string(),
            feature: d.feature,
            kind: d.kind.as_str().to_string(),
            severity: d.severity,
            at: d.at,
            message: d.message,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}: {}: {}",
            self.severity.as_str(),
            self.kind,
            self.file,
            self.feature,
            self.message
        )?;
        match self.at.map(|(x, y)| At(x, y).to_string()) {
            Some(at) if !self.message.contains(&at) => write!(f, " at {at}"),
            _ => Ok(()),
        }
    }
}

/// How many problems an error message lists; the rest are counted.
const LISTED: usize = 50;

fn list(problems: &[Problem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(LISTED)
        .map(|p| format!("  - {p}"))
        .collect();
    if problems.len() > LISTED {
        lines.push(format!("  … and {} more", problems.len() - LISTED));
    }
    lines.join("\n")
}

/// Why an import was refused: every problem found.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} contains none of grids.geojson, service_centres.geojson, compounds.geojson, buildings.geojson, officers.csv, roads.geojson")]
    Empty { path: String },
    #[error("cannot tell what {path} holds: name it grids*.geojson, service_centres*.geojson, compounds*.geojson, buildings*.geojson, officers*.csv or roads*.geojson")]
    UnknownFile { path: String },
    #[error("{} error(s) found, nothing was written:\n{}", .0.iter().filter(|p| p.is_error()).count(), list(.0))]
    Invalid(Vec<Problem>),
    #[error("{} warning(s) found, nothing was written (pass --allow-warnings to import anyway):\n{}", .0.len(), list(.0))]
    Warnings(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The files a directory may hold, in the order they are read.
pub const FILES: [&str; 6] = [
    "grids.geojson",
    "service_centres.geojson",
    "compounds.geojson",
    "buildings.geojson",
    "officers.csv",
    "roads.geojson",
];

/// Grids whose given households differ from their buildings' sum by more than 10%: warnings
/// that name both figures. They do not stop an import (the file's figure is kept): a figure
/// is not a geometry defect, and surveyed buildings often lag the register.
pub fn figure_warnings(data: &Dataset) -> Vec<Problem> {
    let index: std::collections::HashMap<&GridCode, &crate::domain::Grid> =
        data.grids.iter().map(|g| (&g.code, g)).collect();
    figures::mismatches(&data.grids, &figures::building_sums(&data.buildings))
        .into_iter()
        .map(|m| Problem {
            file: "grids.geojson".into(),
            feature: m.code.to_string(),
            kind: "households_mismatch".into(),
            severity: Severity::Warning,
            at: index
                .get(&m.code)
                .and_then(|g| g.geometry.interior_point())
                .map(|p| (p.x(), p.y())),
            message: m.describe(),
        })
        .collect()
}

/// Runs the topology validator ([`crate::domain::validate`]) over a dataset's grids,
/// compounds and buildings, with the default 1 m² sliver tolerance.
pub fn topology(data: &Dataset) -> Vec<Problem> {
    let t = Territory {
        grids: &data.grids,
        compounds: &data.compounds,
        buildings: &data.buildings,
    };
    validate::validate(&t, &Tolerance::default())
        .into_iter()
        .map(Problem::from_defect)
        .collect()
}

/// Decides whether a dataset may be written: any error refuses it, and so do warnings
/// unless `allow_warnings`. Returns the warnings let through.
pub fn check(data: &Dataset, allow_warnings: bool) -> Result<Vec<Problem>, ImportError> {
    let problems = topology(data);
    if problems.iter().any(Problem::is_error) {
        return Err(ImportError::Invalid(problems));
    }
    if !problems.is_empty() && !allow_warnings {
        return Err(ImportError::Warnings(problems));
    }
    Ok(problems)
}

/// How `gridd import` reads a city.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Write even when the validator warns (errors always refuse).
    pub allow_warnings: bool,
    /// Read every file in this system, whatever it declares.
    pub crs: Option<FileCrs>,
    /// Make invalid compound and building footprints valid (see [`crate::spatial::repair`]).
    pub repair: bool,
    /// Write the compounds and buildings that cannot be used here, and import the rest.
    pub skip_invalid: Option<std::path::PathBuf>,
}

/// Reads, validates and writes a city in one transaction, telling `progress` each stage
/// with the seconds since the start. Any error: nothing is written.
pub async fn load(
    store: &dyn Store,
    path: &Path,
    options: &Options,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<ImportSummary, ImportError> {
    let allow_warnings = options.allow_warnings;
    let started = std::time::Instant::now();
    let mut stage = |what: String| {
        progress(&format!(
            "{what} ({:.2} s)",
            started.elapsed().as_secs_f64()
        ));
    };
    stage(match options.crs {
        Some(crs) => format!("reading {} as {crs}", path.display()),
        None => format!("reading {}", path.display()),
    });
    let (mut data, mut reading) = read_with(path, options)?;
    for r in &reading.repairs {
        stage(r.to_string());
    }
    let s = data.summary();
    stage(format!(
        "read {} grids, {} service centres, {} compounds, {} buildings, {} officers, {} roads; validating topology",
        s.grids, s.service_centres, s.compounds, s.buildings, s.officers, s.roads
    ));
    let warnings = match check(&data, allow_warnings) {
        Err(ImportError::Invalid(problems)) if options.skip_invalid.is_some() => {
            reading.set_aside_defects(&mut data, problems)?;
            check(&data, allow_warnings)?
        }
        r => r?,
    };
    if let Some(file) = &options.skip_invalid {
        for s in &reading.skipped {
            for r in &s.reasons {
                stage(format!("skipped: {r}"));
            }
        }
        write_skipped(file, &reading)?;
    }
    for w in warnings.iter().chain(&figure_warnings(&data)) {
        stage(w.to_string());
    }
    stage(format!(
        "valid ({} warning(s)); writing in one transaction to the {} store",
        warnings.len(),
        store.kind().as_str()
    ));
    let written = store.import(&data).await?;
    stage(format!(
        "committed: {} footprint repair(s) made, {} feature(s) set aside",
        reading.repairs.len(),
        reading.skipped.len()
    ));
    Ok(written)
}

/// Writes the features `--skip-invalid` set aside (an empty collection when there are none,
/// so the file always says how the last import went).
fn write_skipped(file: &Path, reading: &Reading) -> Result<(), ImportError> {
    let text = geojson::GeoJson::from(reading.skipped_collection()).to_string();
    std::fs::write(file, text).map_err(|e| ImportError::Read {
        path: file.display().to_string(),
        reason: format!("cannot write the features set aside: {e}"),
    })
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
