//! Engines of earlier grid versions, for `locate?at=`: the newest version whose `valid_from`
//! is not after the date asked about. An earlier version's engine is rebuilt from the live
//! and retired grids (off the async workers) the first time it is asked for and kept in a
//! small cache: at most [`KEPT_VERSIONS`] engines, the least recently used dropped first.

use super::{App, AppError};
use crate::domain::{Dataset, Grid, GridCode};
use crate::engine::Engine;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Most earlier-version engines kept at once (each is the size of the live engine's grids,
/// about 10 MB for the sample city).
pub const KEPT_VERSIONS: usize = 8;

/// A use counter, and each cached version's engine with the count it was last used at.
type Lru = (u64, HashMap<i64, (u64, Arc<Engine>)>);

/// Earlier-version engines, least recently used dropped first.
#[derive(Default)]
pub struct VersionEngines {
    engines: Mutex<Lru>,
}

impl VersionEngines {
    fn get(&self, version: i64) -> Option<Arc<Engine>> {
        let mut g = self.engines.lock().unwrap_or_else(|p| p.into_inner());
        let (tick, map) = &mut *g;
        *tick += 1;
        let now = *tick;
        map.get_mut(&version).map(|(used, e)| {
            *used = now;
            Arc::clone(e)
        })
    }

    fn put(&self, version: i64, engine: Arc<Engine>) {
        let mut g = self.engines.lock().unwrap_or_else(|p| p.into_inner());
        let (tick, map) = &mut *g;
        *tick += 1;
        while map.len() >= KEPT_VERSIONS {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(v, _)| *v)
            else {
                break;
            };
            map.remove(&oldest);
        }
        map.insert(version, (*tick, engine));
    }

    /// How many engines are cached now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.engines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .len()
    }
}

impl App {
    /// The engine for the grids in force at `at`.
    pub async fn engine_at(&self, at: DateTime<Utc>) -> Result<Arc<Engine>, AppError> {
        let versions = self.store.versions().await?;
        let v = versions
            .iter()
            .filter(|v| v.valid_from <= at)
            .map(|v| v.version)
            .max()
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "no grid version is in force at {}",
                    at.to_rfc3339()
                ))
            })?;
        if versions.iter().all(|x| x.version <= v) {
            return Ok(self.engine());
        }
        if let Some(e) = self.history.get(v) {
            return Ok(e);
        }
        let since: HashMap<GridCode, i64> = versions
            .iter()
            .flat_map(|x| x.created.iter().map(move |c| (c.clone(), x.version)))
            .collect();
        let current = self.engine();
        let city = current.city();
        let mut grids: Vec<Grid> = city
            .grids
            .iter()
            .filter(|g| since.get(&g.code).copied().unwrap_or(1) <= v)
            .cloned()
            .collect();
        grids.extend(
            self.store
                .retired_grids()
                .await?
                .into_iter()
                .filter(|r| r.since <= v && v < r.retired)
                .map(|r| r.grid),
        );
        let data = Dataset {
            grids,
            compounds: city.compounds.clone(),
            buildings: city.buildings.clone(),
            ..Default::default()
        };
        let engine = super::build_engine(data, &format!("version {v}")).await?;
        self.history.put(v, Arc::clone(&engine));
        Ok(engine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_engine() -> Arc<Engine> {
        Arc::new(Engine::build(&Dataset::default()))
    }

    #[test]
    fn no_more_than_the_stated_number_of_old_engines_is_kept_and_the_least_recently_used_goes_first(
    ) {
        let cache = VersionEngines::default();
        for v in 1..=KEPT_VERSIONS as i64 {
            cache.put(v, empty_engine());
        }
        assert_eq!(cache.len(), KEPT_VERSIONS);
        // Version 1 is used again, so version 2 is now the least recently used.
        assert!(cache.get(1).is_some());
        cache.put(100, empty_engine());
        assert_eq!(cache.len(), KEPT_VERSIONS, "the cache stays at its limit");
        assert!(
            cache.get(2).is_none(),
            "the least recently used was dropped"
        );
        assert!(cache.get(1).is_some() && cache.get(100).is_some());
    }
}
