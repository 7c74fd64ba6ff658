//! gridd: the 网格 grid management service. See README.md for the code tour.
pub mod domain;
pub mod store;
