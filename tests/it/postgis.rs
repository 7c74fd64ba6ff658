//! What only the PostGIS store promises: real geometry columns with GiST indexes that plain
//! SQL can use, migrations that can run twice, and a clear refusal of a server or database
//! without PostGIS.

use crate::common;

use gridd::store::{self, StoreError};

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

#[tokio::test]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn geometry_is_stored_in_real_postgis_columns_with_gist_indexes() {
    let url = common::pg_fresh_database().await;
    let store = store::open(&url).await.unwrap();
    store.import(&common::fixture()).await.unwrap();
    let c = client(&url).await;
    let cols = c
        .query(
            "SELECT f_table_name::text, type, srid FROM geometry_columns ORDER BY f_table_name::text",
            &[],
        )
        .await
        .unwrap();
    let cols: Vec<(String, String, i32)> = cols
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    for (table, kind) in [
        ("grids", "MULTIPOLYGON"),
        ("compounds", "MULTIPOLYGON"),
        ("buildings", "MULTIPOLYGON"),
        ("incidents", "POINT"),
        ("service_centres", "POINT"),
    ] {
        assert!(
            cols.contains(&(table.to_string(), kind.to_string(), 4326)),
            "{table}: {cols:?}"
        );
    }
    let gist: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%USING gist%'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(gist >= 5, "only {gist} GiST indexes");
    // A GIS user's query: which level-3 grid holds 金城花园's first building?
    let code: String = c
        .query_one(
            "SELECT g.code FROM grids g JOIN buildings b ON ST_Contains(g.geom, b.geom)
             WHERE g.level = 3 AND b.fid = 'B001'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(code, "610581001001001");
    let valid: bool = c
        .query_one("SELECT bool_and(ST_IsValid(geom)) FROM grids", &[])
        .await
        .unwrap()
        .get(0);
    assert!(valid);
}

#[tokio::test]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn opening_the_same_database_twice_applies_migrations_once_and_keeps_data() {
    let url = common::pg_fresh_database().await;
    store::open(&url)
        .await
        .unwrap()
        .import(&common::fixture())
        .await
        .unwrap();
    let again = store::open(&url).await.unwrap();
    assert_eq!(again.counts().await.unwrap().grids_by_level, [1, 2, 4]);
    let n: i64 = client(&url)
        .await
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n as usize, gridd::store::migrate::POSTGIS.len());
}

#[tokio::test]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn a_database_where_postgis_cannot_be_created_is_refused_with_a_clear_message() {
    let admin = common::pg_admin_url();
    let role = format!("nopostgis_{}", std::process::id());
    common::admin_sql(&admin, &format!("CREATE ROLE {role} LOGIN")).await;
    common::admin_sql(&admin, &format!("CREATE DATABASE {role} OWNER {role}")).await;
    let url = common::with_database(&admin, &role).replacen("postgres@", &format!("{role}@"), 1);
    let err = match store::open(&url).await {
        Err(e) => e,
        Ok(_) => panic!("a database without PostGIS was accepted"),
    };
    assert!(matches!(err, StoreError::NoPostgis { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("PostGIS extension is not installed"), "{msg}");
    assert!(msg.contains("CREATE EXTENSION postgis"), "{msg}");
    assert!(
        msg.contains(&role),
        "the message names the database URL: {msg}"
    );
    // Nothing was half-created: no tables in the refused database.
    let tables: i64 = client(&url)
        .await
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[tokio::test]
async fn an_unreachable_server_is_reported_with_its_address_not_its_password() {
    let err = match store::open("postgres://u:hunter2@127.0.0.1:1/nothing").await {
        Err(e) => e,
        Ok(_) => panic!("connected to port 1"),
    };
    let msg = err.to_string();
    assert!(msg.contains("127.0.0.1:1"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}
