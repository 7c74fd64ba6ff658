//! Durable incident intake: checking reports ([`report`]), storing single reports with
//! group commit ([`group`]), and streaming bulk loads of NDJSON or CSV ([`bulk`]).

pub mod bulk;
pub mod group;
pub mod report;

pub use group::GroupCommit;
pub use report::{RawReport, ReportError};
