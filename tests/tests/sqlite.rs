//! What only the embedded store promises: a file that reopens with its data, migrations
//! recorded once, and clear errors for unusable paths.

mod common;

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
