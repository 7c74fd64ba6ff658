//! Reading city files into a [`Dataset`]: a directory, one file named after what it holds,
//! or a GeoPackage. What the reading found besides the city — problems, repairs, features
//! set aside — is kept in a [`Reading`].

use super::{assign_missing_grids, features, ImportError, Options, Problem, FILES};
use crate::domain::figures::{self, Missing};
use crate::spatial::file_crs::FileCrs;
use crate::store::Dataset;
use std::collections::HashSet;
use std::path::Path;

/// What reading found besides the city, and how it was asked to read.
#[derive(Debug, Default)]
pub struct Reading {
    pub(super) crs: Option<FileCrs>,
    pub(super) repair: bool,
    pub(super) skip_invalid: bool,
    /// Errors: any of them stops the import.
    pub problems: Vec<Problem>,
    /// Repairs made (`--repair`), one per fix, with kind and place.
    pub repairs: Vec<Problem>,
    /// Features set aside (`--skip-invalid`), with why.
    pub skipped: Vec<Skipped>,
    /// Grids whose files gave no figures.
    pub missing: Missing,
}

/// A compound or building `--skip-invalid` set aside: the feature as read, and its problems.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub feature: geojson::Feature,
    pub reasons: Vec<Problem>,
}

impl Reading {
    fn new(options: &Options) -> Reading {
        Reading {
            crs: options.crs,
            repair: options.repair,
            skip_invalid: options.skip_invalid.is_some(),
            ..Reading::default()
        }
    }

    /// Buildings whose compound was set aside go with it (the building would point at a
    /// compound that is not there).
    fn set_aside_orphans(&mut self, data: &mut Dataset) {
        let gone: HashSet<String> = self
            .skipped
            .iter()
            .filter(|s| s.reasons.iter().any(|r| r.file.contains("compounds")))
            .filter_map(|s| s.feature.property("id")?.as_str().map(str::to_string))
            .collect();
        if gone.is_empty() {
            return;
        }
        let (orphans, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut data.buildings)
            .into_iter()
            .partition(|b| {
                b.compound
                    .as_ref()
                    .is_some_and(|c| gone.contains(c.as_str()))
            });
        data.buildings = kept;
        for b in orphans {
            let compound = b
                .compound
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default();
            let feature = crate::export::building_feature(&b);
            self.skipped.push(Skipped {
                feature,
                reasons: vec![Problem::error(
                    "buildings.geojson",
                    b.id.to_string(),
                    "compound_skipped".into(),
                    format!("its compound {compound} was set aside"),
                )],
            });
        }
    }

    /// Sets aside the buildings and compounds the topology validator found errors in (the
    /// first of an overlapping pair), and the buildings of a compound set aside. Any error
    /// elsewhere (a grid) refuses the import as before.
    pub(super) fn set_aside_defects(
        &mut self,
        data: &mut Dataset,
        problems: Vec<Problem>,
    ) -> Result<(), ImportError> {
        let named = |p: &Problem, what: &str| -> Option<String> {
            let rest = p.feature.strip_prefix(what)?.trim_start();
            rest.split_whitespace().next().map(str::to_string)
        };
        let mut buildings: Vec<(String, Problem)> = Vec::new();
        let mut compounds: Vec<(String, Problem)> = Vec::new();
        for p in problems.iter().filter(|p| p.is_error()) {
            if let Some(id) = named(p, "building") {
                buildings.push((id, p.clone()));
            } else if let Some(id) = named(p, "compound") {
                compounds.push((id, p.clone()));
            } else {
                return Err(ImportError::Invalid(problems));
            }
        }
        data.compounds = set_aside(
            std::mem::take(&mut data.compounds),
            &compounds,
            |c| c.id.as_str(),
            crate::export::compound_feature,
            &mut self.skipped,
        );
        data.buildings = set_aside(
            std::mem::take(&mut data.buildings),
            &buildings,
            |b| b.id.as_str(),
            crate::export::building_feature,
            &mut self.skipped,
        );
        self.set_aside_orphans(data);
        Ok(())
    }

    /// The features set aside as one FeatureCollection, each with a `skipped_because`
    /// property listing its problems.
    pub fn skipped_collection(&self) -> geojson::FeatureCollection {
        let features = self
            .skipped
            .iter()
            .map(|s| {
                let mut f = s.feature.clone();
                let why: Vec<String> = s
                    .reasons
                    .iter()
                    .map(|r| format!("{}: {}: {}", r.kind, r.file, r.message))
                    .collect();
                f.set_property("skipped_because", why.join("; "));
                f
            })
            .collect();
        geojson::FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        }
    }
}

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
    let options = Options {
        crs,
        ..Options::default()
    };
    read_with(path, &options).map(|(data, _)| data)
}

/// Reads a path as `options` say: the dataset, and what was repaired or set aside.
pub fn read_with(path: &Path, options: &Options) -> Result<(Dataset, Reading), ImportError> {
    let rd = Reading::new(options);
    if path.is_dir() {
        return read_dir_with(path, rd);
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
        return parse_labelled(&texts, rd);
    }
    let kind = kind_of(path).ok_or_else(|| ImportError::UnknownFile {
        path: path.display().to_string(),
    })?;
    let text = read(path)?.ok_or_else(|| ImportError::Read {
        path: path.display().to_string(),
        reason: "no such file".into(),
    })?;
    parse(&[(kind, Some(text))], rd)
}

/// Reads a directory of city files into a dataset, or reports every problem found.
pub fn read_dir(dir: &Path) -> Result<Dataset, ImportError> {
    read_dir_in(dir, None)
}

/// [`read_dir`] with every file read as `crs` (when given).
pub fn read_dir_in(dir: &Path, crs: Option<FileCrs>) -> Result<Dataset, ImportError> {
    let options = Options {
        crs,
        ..Options::default()
    };
    read_dir_with(dir, Reading::new(&options)).map(|(data, _)| data)
}

fn read_dir_with(dir: &Path, rd: Reading) -> Result<(Dataset, Reading), ImportError> {
    let texts: Vec<(&str, Option<String>)> = FILES
        .iter()
        .map(|f| Ok((*f, read(&dir.join(f))?)))
        .collect::<Result<_, ImportError>>()?;
    if texts.iter().all(|(_, t)| t.is_none()) {
        return Err(ImportError::Empty {
            path: dir.display().to_string(),
        });
    }
    parse(&texts, rd)
}

fn parse(texts: &[(&str, Option<String>)], rd: Reading) -> Result<(Dataset, Reading), ImportError> {
    let labelled: Vec<(&str, String, Option<String>)> = texts
        .iter()
        .map(|(k, t)| (*k, k.to_string(), t.clone()))
        .collect();
    parse_labelled(&labelled, rd)
}

/// [`parse`] with each text's own name for messages (`city.gpkg: grids_level_3` rather than
/// the file kind it is read as).
fn parse_labelled(
    texts: &[(&str, String, Option<String>)],
    mut rd: Reading,
) -> Result<(Dataset, Reading), ImportError> {
    let mut data = Dataset::default();
    for (kind, label, text) in texts {
        let Some(text) = text else { continue };
        let file = label.as_str();
        match *kind {
            "grids.geojson" => data.grids = features::grids(file, text, &mut rd),
            "service_centres.geojson" => {
                data.service_centres = features::service_centres(file, text, &mut rd)
            }
            "compounds.geojson" => data.compounds = features::compounds(file, text, &mut rd),
            "buildings.geojson" => data.buildings = features::buildings(file, text, &mut rd),
            "roads.geojson" => data.roads = features::roads(file, text, &mut rd),
            _ => data.officers = features::officers(file, text, &mut rd),
        }
    }
    if rd.skip_invalid {
        rd.set_aside_orphans(&mut data);
    }
    if !rd.problems.is_empty() {
        return Err(ImportError::Invalid(std::mem::take(&mut rd.problems)));
    }
    assign_missing_grids(&mut data);
    if !rd.missing.is_empty() {
        let filled = figures::fill(
            &mut data.grids,
            &rd.missing,
            &figures::building_sums(&data.buildings),
        );
        tracing::info!(
            grids = filled,
            "grids without figures took their buildings' sums"
        );
    }
    Ok((data, rd))
}

/// `items` without those `why` names (by id), which go to `skipped` with their problems.
fn set_aside<T>(
    items: Vec<T>,
    why: &[(String, Problem)],
    id: impl Fn(&T) -> &str,
    feature: impl Fn(&T) -> geojson::Feature,
    skipped: &mut Vec<Skipped>,
) -> Vec<T> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        let reasons: Vec<Problem> = why
            .iter()
            .filter(|(i, _)| i == id(&item))
            .map(|(_, p)| p.clone())
            .collect();
        if reasons.is_empty() {
            kept.push(item);
        } else {
            skipped.push(Skipped {
                feature: feature(&item),
                reasons,
            });
        }
    }
    kept
}
