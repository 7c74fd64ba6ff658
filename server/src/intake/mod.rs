//! Checking incident reports: one report from JSON or CSV cells ([`report`]) and streaming
//! bulk loads of NDJSON or CSV in one transaction ([`bulk`]). Group commit of single reports
//! lives in the application layer (`app::group_commit`), which owns the incident columns.

pub mod bulk;
pub mod report;

pub use report::{RawReport, ReportError};
