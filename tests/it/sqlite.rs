//! What only the embedded store promises: a file that reopens with its data, migrations
//! recorded once, and clear errors for unusable paths.

use crate::common;

use gridd::store;

#[tokio::test]
async fn a_reopened_database_file_keeps_its_data_and_migrations_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("city.db").display());
    store::open(&url)
        .await
        .unwrap()
        .import(&common::fixture())
        .await
        .unwrap();
    let again = store::open(&url).await.unwrap();
    assert_eq!(again.counts().await.unwrap().buildings, 12);
    let conn = rusqlite::Connection::open(dir.path().join("city.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, gridd::store::migrate::SQLITE.len() as i64);
}

#[tokio::test]
async fn the_database_is_in_wal_mode_with_foreign_keys_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.db");
    let _store = store::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // A building row naming a compound that does not exist is refused by the schema itself.
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let err = conn
        .execute(
            "INSERT INTO buildings (fid, address, floors, households, population, compound_fid, geom)
             VALUES ('B1', 'x', 1, 0, 0, 'NO-SUCH', x'00')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

#[tokio::test]
async fn an_unusable_store_url_is_refused_with_the_url_named() {
    for bad in ["mysql://x", "sqlite:", "gridd.db"] {
        let err = match store::open(bad).await {
            Err(e) => e,
            Ok(_) => panic!("{bad} was accepted"),
        };
        assert!(err.to_string().contains(bad), "{err}");
    }
    let err = match store::open("sqlite:/proc/no/such/dir/x.db").await {
        Err(e) => e,
        Ok(_) => panic!("an unwritable path was accepted"),
    };
    assert!(err.to_string().contains("/proc/no/such/dir"), "{err}");
}

/// The incident indexes of a database file, by name.
fn incident_indexes(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

async fn bulk(store: &std::sync::Arc<dyn store::Store>, lines: &[String]) -> Result<u64, String> {
    let data = store::export_dataset(&**store).await.unwrap();
    let engine = std::sync::Arc::new(gridd::engine::Engine::build(&data));
    let mut loader = gridd::intake::bulk::Loader::start(store.clone(), engine);
    for l in lines {
        loader.push(l.as_bytes()).await.unwrap();
    }
    loader.finish().await.map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_load_larger_than_the_table_rebuilds_the_indexes_and_an_abandoned_one_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.db");
    let store = store::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    store.import(&common::fixture()).await.unwrap();
    let before = incident_indexes(&path);
    assert_eq!(before.len(), 6, "{before:?}");
    let line = |i: usize| {
        format!(
            r#"{{"lng":{},"lat":35.4765,"category":"e_environment"}}"#,
            110.431 + (i % 100) as f64 * 0.0001
        )
    };
    let lines: Vec<String> = (0..60_000).map(line).collect();
    assert_eq!(bulk(&store, &lines).await, Ok(60_000));
    assert_eq!(incident_indexes(&path), before, "rebuilt after the load");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM incidents WHERE grid3 = '610581001001001'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("incidents_grid3"), "{plan}");

    let mut lines: Vec<String> = (0..130_000).map(line).collect();
    lines.push("not json".into());
    let err = bulk(&store, &lines).await.unwrap_err();
    assert!(err.contains("line 130001"), "{err}");
    assert_eq!(
        incident_indexes(&path),
        before,
        "the rollback keeps the indexes"
    );
    assert_eq!(store.counts().await.unwrap().incidents, 60_000);
}
