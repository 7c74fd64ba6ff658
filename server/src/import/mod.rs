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

pub use crs::member as crs_member;

use crate::domain::figures::{self, Missing};
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

/// Which of [`FILES`] a file holds, from its name: `grids-2026.geojson` holds grids.
fn kind_of(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?.to_lowercase();
    FILES.iter().copied().find(|f| {
        let (stem, ext) = f.split_once('.').unwrap_or((f, ""));
        name.starts_with(stem) && name.ends_with(&format!(".{ext}"))
    })
}

/// Reads a directory of city files, or one file named after what it holds, into a dataset,
/// or reports every problem found. Nothing is checked across files yet: see [`check`].
pub fn read_path(path: &Path) -> Result<Dataset, ImportError> {
    read_path_in(path, None)
}

/// [`read_path`] with every file read as `crs` (when given) whatever it declares.
pub fn read_path_in(path: &Path, crs: Option<FileCrs>) -> Result<Dataset, ImportError> {
    if path.is_dir() {
        return read_dir_in(path, crs);
    }
    if !path.exists() {
        return Err(ImportError::Read {
            path: path.display().to_string(),
            reason: "no such file or directory".to_string(),
        });
    }
    if crate::gpkg::looks_like(path) {
        let name = path.display();
        let texts: Vec<(&str, String, Option<String>)> = crate::gpkg::read(path)?
            .into_iter()
            .map(|(kind, tables, text)| (kind, format!("{name} ({tables})"), Some(text)))
            .collect();
        return parse_labelled(&texts, crs);
    }
    let kind = kind_of(path).ok_or_else(|| ImportError::UnknownFile {
        path: path.display().to_string(),
    })?;
    let text = read(path)?.ok_or_else(|| ImportError::Read {
        path: path.display().to_string(),
        reason: "no such file".into(),
    })?;
    parse(&[(kind, Some(text))], crs)
}

/// Reads a directory of city files into a dataset, or reports every problem found.
pub fn read_dir(dir: &Path) -> Result<Dataset, ImportError> {
    read_dir_in(dir, None)
}

/// [`read_dir`] with every file read as `crs` (when given).
pub fn read_dir_in(dir: &Path, crs: Option<FileCrs>) -> Result<Dataset, ImportError> {
    let texts: Vec<(&str, Option<String>)> = FILES
        .iter()
        .map(|f| Ok((*f, read(&dir.join(f))?)))
        .collect::<Result<_, ImportError>>()?;
    if texts.iter().all(|(_, t)| t.is_none()) {
        return Err(ImportError::Empty {
            path: dir.display().to_string(),
        });
    }
    parse(&texts, crs)
}

fn parse(texts: &[(&str, Option<String>)], crs: Option<FileCrs>) -> Result<Dataset, ImportError> {
    let labelled: Vec<(&str, String, Option<String>)> = texts
        .iter()
        .map(|(k, t)| (*k, k.to_string(), t.clone()))
        .collect();
    parse_labelled(&labelled, crs)
}

/// [`parse`] with each text's own name for messages (`city.gpkg: grids_level_3` rather than
/// the file kind it is read as).
fn parse_labelled(
    texts: &[(&str, String, Option<String>)],
    crs: Option<FileCrs>,
) -> Result<Dataset, ImportError> {
    let mut problems = Vec::new();
    let mut data = Dataset::default();
    let mut missing = Missing::default();
    for (kind, label, text) in texts {
        let Some(text) = text else { continue };
        let file = label.as_str();
        match *kind {
            "grids.geojson" => {
                data.grids = features::grids(file, text, crs, &mut problems, &mut missing)
            }
            "service_centres.geojson" => {
                data.service_centres = features::service_centres(file, text, crs, &mut problems)
            }
            "compounds.geojson" => {
                data.compounds = features::compounds(file, text, crs, &mut problems)
            }
            "buildings.geojson" => {
                data.buildings = features::buildings(file, text, crs, &mut problems)
            }
            "roads.geojson" => data.roads = features::roads(file, text, crs, &mut problems),
            _ => data.officers = features::officers(file, text, &mut problems),
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    assign_missing_grids(&mut data);
    if !missing.is_empty() {
        let filled = figures::fill(
            &mut data.grids,
            &missing,
            &figures::building_sums(&data.buildings),
        );
        tracing::info!(
            grids = filled,
            "grids without figures took their buildings' sums"
        );
    }
    Ok(data)
}

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
    let data = read_path_in(path, options.crs)?;
    let s = data.summary();
    stage(format!(
        "read {} grids, {} service centres, {} compounds, {} buildings, {} officers, {} roads; validating topology",
        s.grids, s.service_centres, s.compounds, s.buildings, s.officers, s.roads
    ));
    let warnings = check(&data, allow_warnings)?;
    for w in warnings.iter().chain(&figure_warnings(&data)) {
        stage(w.to_string());
    }
    stage(format!(
        "valid ({} warning(s)); writing in one transaction to the {} store",
        warnings.len(),
        store.kind().as_str()
    ));
    let written = store.import(&data).await?;
    stage("committed".to_string());
    Ok(written)
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
