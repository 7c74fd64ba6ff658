//! The in-memory spatial engine: R-trees over grids (and later compounds and buildings) and
//! point assignment. The store is the truth; the engine is built from it and is the speed.

pub mod crs;
pub mod index;
pub mod locator;

pub use index::PolygonIndex;
