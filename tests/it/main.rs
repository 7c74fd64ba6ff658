//! Every integration test of gridd in one binary: the conformance suite on both stores,
//! the HTTP API end to end, PostGIS agreement, import defects, planning and versions, the
//! sample city, and the `gridd` binary run as a process (import, serve, `kill -9`).
//!
//! Tests on PostGIS need `GRIDD_TEST_PG` (set by `make test`); without it they are reported
//! as ignored, with the reason. Shared setup is in [`common`]; `both_stores!` declares a test
//! once for each store.

#[macro_use]
mod common;

mod accounts;
mod accounts_cli;
mod agreement;
mod backup;
mod calendar_api;
mod cases_api;
mod cases_outside;
mod conformance;
mod connections;
mod contract;
mod crs_import;
mod demo_accounts;
mod draft_names;
mod draft_staff;
mod draft_versions;
mod drafts_api;
mod engine_stats;
mod feed;
mod figures;
mod gpkg;
mod hostile;
mod hostile_corpus;
mod http_api;
mod import_cli;
mod import_defects;
mod incidents_api;
mod kill9;
mod kpis_api;
mod listing;
mod ogc;
mod open311;
mod openapi;
mod plan;
mod plan_api;
mod policy;
mod postgis;
mod real_buildings;
mod restore;
mod sample_city;
mod sample_incidents;
mod scope;
mod serve;
mod session_api;
mod sqlite;
mod tiles_api;
mod versions;
