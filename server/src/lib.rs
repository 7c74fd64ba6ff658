//! gridd: the 网格 grid management service. See README.md for the code tour.
pub mod app;
pub mod backup;
pub mod config;
pub mod export;
pub mod gpkg;
pub mod http;
pub mod import;
pub mod intake;
pub mod store;

// The pure core, re-exported so `gridd::domain::…` and `crate::domain::…` name one thing.
pub use gridd_core::{csv, domain, engine, generate, spatial};
