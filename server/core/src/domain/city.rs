//! The city as one value: grids, service centres, compounds, buildings, officers and roads.
//! Import reads it, the stores write and read it back, the engine is built from it and the
//! validator looks at it through [`Territory`]. It belongs to no layer but the domain.

use super::model::{Building, Compound, FeatureId, Grid, Officer, Road, ServiceCentre};
use super::validate::Territory;
use std::collections::HashSet;

/// A code or id that appears twice in one city, named in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RepeatedKey(pub String);

/// The city: everything an import reads and writes in one transaction, and what the engine
/// is built from.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub grids: Vec<Grid>,
    pub service_centres: Vec<ServiceCentre>,
    pub compounds: Vec<Compound>,
    pub buildings: Vec<Building>,
    pub officers: Vec<Officer>,
    /// Basemap roads (optional reference data).
    pub roads: Vec<Road>,
}

impl Dataset {
    /// Grids ordered parents first, so each row's parent exists when it is written.
    pub fn grids_parents_first(&self) -> Vec<&Grid> {
        let mut grids: Vec<&Grid> = self.grids.iter().collect();
        grids.sort_by(|a, b| (a.level(), &a.code).cmp(&(b.level(), &b.code)));
        grids
    }

    /// What writing this dataset adds, by kind.
    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            grids: self.grids.len(),
            service_centres: self.service_centres.len(),
            compounds: self.compounds.len(),
            buildings: self.buildings.len(),
            officers: self.officers.len(),
            roads: self.roads.len(),
        }
    }

    /// Refuses a dataset that repeats a code or id, naming the first repeat of each kind.
    pub fn check_unique(&self) -> Result<(), RepeatedKey> {
        fn first_repeat<'a, T: Eq + std::hash::Hash + std::fmt::Display + 'a>(
            what: &str,
            it: impl Iterator<Item = &'a T>,
        ) -> Result<(), RepeatedKey> {
            let mut seen = HashSet::new();
            for k in it {
                if !seen.insert(k) {
                    return Err(RepeatedKey(format!(
                        "{what} {k} appears twice in the import"
                    )));
                }
            }
            Ok(())
        }
        first_repeat("grid", self.grids.iter().map(|g| &g.code))?;
        first_repeat::<FeatureId>("service centre", self.service_centres.iter().map(|s| &s.id))?;
        first_repeat::<FeatureId>("compound", self.compounds.iter().map(|c| &c.id))?;
        first_repeat::<FeatureId>("building", self.buildings.iter().map(|b| &b.id))?;
        first_repeat::<FeatureId>("officer", self.officers.iter().map(|o| &o.id))?;
        first_repeat::<FeatureId>("road", self.roads.iter().map(|r| &r.id))
    }
}

/// What an import wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub grids: usize,
    pub service_centres: usize,
    pub compounds: usize,
    pub buildings: usize,
    pub officers: usize,
    pub roads: usize,
}

impl Dataset {
    /// The part of the city the topology validator looks at.
    pub fn territory(&self) -> Territory<'_> {
        Territory {
            grids: &self.grids,
            compounds: &self.compounds,
            buildings: &self.buildings,
        }
    }
}
