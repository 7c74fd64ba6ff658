//! Pure spatial maths shared by the domain, the engine and the planner: the polygon R-tree
//! with its tie rule, Web Mercator, metric lengths and areas, and the coordinate systems
//! Chinese phones report in. Nothing here knows a grid or an incident.

pub mod crs;
pub mod file_crs;
pub mod index;
pub mod measure;
pub mod mercator;
pub mod repair;
pub mod rings;

pub use index::PolygonIndex;
pub use measure::{area_m2, M_PER_DEG};
pub use mercator::{mercator, unmercator};
