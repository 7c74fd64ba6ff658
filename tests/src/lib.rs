//! Test-only crate: see `tests/tests/` for the suites.
