//! The defect corpus (`tests/fixtures/defects/`): each case is the fixture city with one
//! thing broken. Importing it must name the defect's kind, file, feature and place, and
//! leave the store empty, on both stores. Warnings refuse the import unless allowed.
//!
//! A case directory holds the files that replace the fixture's, and `expect.json`:
//! `kind`, `severity`, `file`, `feature` (a substring of the problem's feature label) and
//! optionally `at` (the exact lng/lat reported), `within` (a box the reported lng/lat lies
//! in: `[west, south, east, north]`) or `message` (a substring of the message).

use crate::common::{fixture_dir, postgis_store, sqlite_store};
use gridd::import::{self, ImportError, Problem};
use gridd::store::Store;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/defects")
}

/// Every case, by name, sorted.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("the defect corpus exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The fixture city with the case's files laid over it, in a temporary directory.
fn city_with(case: &str) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    for f in import::FILES {
        std::fs::copy(fixture_dir().join(f), dir.path().join(f)).unwrap();
    }
    let mut expect = None;
    for e in std::fs::read_dir(corpus_dir().join(case)).unwrap() {
        let e = e.unwrap();
        if e.file_name() == "expect.json" {
            expect = Some(serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap());
        } else {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    (dir, expect.expect("each case has expect.json"))
}

fn problems(err: &ImportError) -> &[Problem] {
    match err {
        ImportError::Invalid(p) | ImportError::Warnings(p) => p,
        other => panic!("expected a list of problems, got {other}"),
    }
}

/// Whether `p` is the problem `expect` describes.
fn matches(p: &Problem, expect: &Value) -> bool {
    let s = |k: &str| expect[k].as_str().unwrap();
    if p.kind != s("kind") || p.severity.as_str() != s("severity") || p.file != s("file") {
        return false;
    }
    if !p.feature.contains(s("feature")) {
        return false;
    }
    if let Some(m) = expect.get("message") {
        if !p.message.contains(m.as_str().unwrap()) {
            return false;
        }
    }
    let num = |v: &Value| v.as_f64().unwrap();
    if let Some(at) = expect.get("at") {
        let Some((x, y)) = p.at else { return false };
        if (x - num(&at[0])).abs() > 1e-9 || (y - num(&at[1])).abs() > 1e-9 {
            return false;
        }
    }
    if let Some(b) = expect.get("within") {
        let Some((x, y)) = p.at else { return false };
        if !(num(&b[0]) < x && x < num(&b[2]) && num(&b[1]) < y && y < num(&b[3])) {
            return false;
        }
    }
    true
}

async fn assert_empty(store: &dyn Store, case: &str) {
    let c = store.counts().await.unwrap();
    assert_eq!(
        (
            c.grids_by_level,
            c.compounds,
            c.buildings,
            c.officers,
            c.service_centres
        ),
        ([0, 0, 0], 0, 0, 0, 0),
        "{case}: the refused import wrote something"
    );
}

/// A fresh store, and the temporary directory it lives in (SQLite).
type Fresh = (Arc<dyn Store>, Option<tempfile::TempDir>);

/// Imports every case into a fresh store and checks the refusal.
async fn every_case_is_refused_with_its_kind_and_place(fresh: impl AsyncFn() -> Fresh) {
    let names = cases();
    assert!(names.len() >= 17, "the corpus lost cases: {names:?}");
    for case in names {
        let (dir, expect) = city_with(&case);
        let (store, _guard) = fresh().await;
        let err = import::load(&*store, dir.path(), &Default::default(), &mut |_| {})
            .await
            .expect_err(&format!("{case}: the import was accepted"));
        let found = problems(&err);
        assert!(
            found.iter().any(|p| matches(p, &expect)),
            "{case}: expected {expect}, got:\n{err}"
        );
        assert_empty(&*store, &case).await;
    }
}

#[tokio::test]
async fn every_defect_in_the_corpus_is_reported_with_its_kind_and_place_and_nothing_is_written_to_sqlite(
) {
    every_case_is_refused_with_its_kind_and_place(async || {
        let (store, dir) = sqlite_store().await;
        (store, Some(dir))
    })
    .await;
}

#[tokio::test]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn every_defect_in_the_corpus_is_reported_with_its_kind_and_place_and_nothing_is_written_to_postgis(
) {
    every_case_is_refused_with_its_kind_and_place(async || (postgis_store().await, None)).await;
}

#[tokio::test]
async fn warnings_refuse_the_import_unless_allowed_and_then_the_city_is_written() {
    for case in ["compound_straddles", "empty_grid"] {
        let (dir, _) = city_with(case);
        let (store, _guard) = sqlite_store().await;
        let err = import::load(&*store, dir.path(), &Default::default(), &mut |_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, ImportError::Warnings(_)), "{case}: {err}");
        assert!(err.to_string().contains("--allow-warnings"), "{err}");
        assert_empty(&*store, case).await;
        let mut lines = Vec::new();
        let written = import::load(
            &*store,
            dir.path(),
            &import::Options {
                allow_warnings: true,
                ..Default::default()
            },
            &mut |l| lines.push(l.to_string()),
        )
        .await
        .unwrap();
        assert!(written.grids == 7, "{case}: {written:?}");
        assert!(
            lines.iter().any(|l| l.contains(case)),
            "{case}: the warning was not shown: {lines:?}"
        );
    }
}

#[test]
fn the_unbroken_fixture_city_passes_validation_without_warnings() {
    let data = import::read_path(&fixture_dir()).unwrap();
    assert_eq!(import::topology(&data), vec![]);
}

#[test]
fn a_single_file_is_read_by_its_name_and_an_unnamed_one_is_refused() {
    let data = import::read_path(&fixture_dir().join("grids.geojson")).unwrap();
    assert_eq!((data.grids.len(), data.buildings.len()), (7, 0));
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("parcels.geojson");
    std::fs::copy(fixture_dir().join("grids.geojson"), &odd).unwrap();
    let err = import::read_path(&odd).unwrap_err();
    assert!(matches!(err, ImportError::UnknownFile { .. }), "{err}");
    assert!(err.to_string().contains("parcels.geojson"), "{err}");
}
