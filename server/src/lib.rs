//! gridd: the 网格 grid management service. See README.md for the code tour.
pub mod config;
pub mod domain;
pub mod engine;
pub mod export;
pub mod generate;
pub mod http;
pub mod import;
pub mod intake;
pub mod store;
