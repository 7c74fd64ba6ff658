//! The in-memory spatial engine. The store is the truth; the engine is built from it at
//! start (and rebuilt when the city is re-imported) and is the speed: point location at
//! every grid level, in compounds and buildings, and coordinate conversion.

pub mod assign;
pub mod crs;
pub mod heat;
pub mod index;
pub mod locator;
pub mod roads;
pub mod stats;

pub use assign::{Assignment, BuildingInfo, CompoundInfo, Engine};
pub use index::PolygonIndex;
pub use locator::Locator;

use std::sync::{Arc, RwLock};

/// The engine in service, swapped whole when the city changes: readers take an `Arc` and
/// keep using the version they started with, so a swap never pauses a lookup.
pub struct Current(RwLock<Arc<Engine>>);

impl Current {
    pub fn new(engine: Engine) -> Current {
        Current(RwLock::new(Arc::new(engine)))
    }

    pub fn get(&self) -> Arc<Engine> {
        match self.0.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn replace(&self, engine: Engine) {
        let engine = Arc::new(engine);
        match self.0.write() {
            Ok(mut g) => *g = engine,
            Err(poisoned) => *poisoned.into_inner() = engine,
        }
    }
}
