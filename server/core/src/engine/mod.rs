//! The in-memory spatial engine. The store is the truth; the engine is built from the city
//! (a [`crate::domain::Dataset`]) and is the speed: point location at every grid level, in
//! compounds and buildings, per-grid facts, density bins and road tiles. Which engine is in
//! service, and when it is swapped, is the application layer's business.

pub mod assign;
pub mod heat;
pub mod kpi;
pub mod locator;
pub mod roads;
pub mod stats;

pub use assign::{Assignment, BuildingInfo, CompoundInfo, Engine};
pub use locator::Locator;
