//! gridd-core: the pure half of the 网格 grid service — domain types and rules, spatial maths,
//! the in-memory engine, the planner and the sample-city generator. It never depends on an
//! async runtime, a web framework or a database driver (`make test` checks this with
//! `cargo tree`), so everything here can be used and tested without I/O.
pub mod csv;
pub mod domain;
pub mod engine;
pub mod generate;
pub mod spatial;
