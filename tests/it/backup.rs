//! Backups. The embedded store is copied while reports keep arriving, restored into a new
//! path, and the restored store answers as the original did at the copy's instant: health
//! counts, a locate, a statistics table, a grid's status counts, a case history, and exactly
//! a prefix of the reports that went on during the copy. The same for PostGIS with
//! `pg_dump -Fc` and `pg_restore --no-owner` into a new, empty database. Then the commands as
//! a user runs them: a served store backed up, files kept without `--force`, files that are
//! not gridd stores, a store in use, postgres URLs, and an older backup brought up to date.

use crate::cases_api::{setup, Loop, MINE};
use crate::common;
use crate::common::process::gridd;
use axum::http::StatusCode;
use gridd::app::App;
use gridd::backup::{Pace, Progress};
use gridd::domain::{Incident, StatusCounts};
use gridd::http::{app, HttpOptions};
use gridd::store::cases::CaseEvent;
use gridd::store::{self, Counts, IncidentQuery, Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A point in 610581001002002, where the reports made during a copy go.
const ELSEWHERE: (f64, f64) = (110.4466, 35.4717);
/// The category of the reports made during a copy; the statistics compared leave it out.
const DURING: &str = "c_public_facilities";

/// What a restore must answer as the original did.
#[derive(Debug, PartialEq)]
struct Answers {
    counts: Counts,
    locate: Value,
    /// `/api/stats/grids?level=3` for street-order cases (none are reported during a copy),
    /// without `data_from`/`data_until`: those span every incident, and reports of other
    /// categories do arrive during a copy (a second later, the restored store's span is longer).
    stats: Value,
    status_counts: StatusCounts,
    history: Vec<CaseEvent>,
}

async fn get(l: &Loop, uri: &str) -> Value {
    let (status, v) = l.send("dispatch", "GET", uri, None).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {v}");
    v
}

async fn answers(l: &Loop, store: &Arc<dyn Store>, case: i64) -> Answers {
    Answers {
        counts: store.counts().await.unwrap(),
        locate: get(l, &format!("/api/locate?lng={}&lat={}", MINE.0, MINE.1)).await,
        stats: {
            let mut v = get(l, "/api/stats/grids?level=3&category=e_street_order").await;
            for key in ["data_from", "data_until"] {
                v.as_object_mut().map(|o| o.remove(key));
            }
            v
        },
        status_counts: store
            .incident_status_counts(&common::code("610581001001001"))
            .await
            .unwrap(),
        history: store.case_history(case).await.unwrap(),
    }
}

/// The fixture city with a few street-order reports and one case registered, dispatched and
/// accepted (a history of three steps); the loop and that case's id.
async fn busy_city(store: &Arc<dyn Store>) -> (Arc<Loop>, i64) {
    let l = setup(store).await;
    let case = l.report("officer.a", MINE, "e_street_order").await;
    for _ in 0..2 {
        l.report("officer.a", MINE, "e_street_order").await;
    }
    l.ok("dispatch", case, "register", json!({})).await;
    l.ok("dispatch", case, "dispatch", json!({})).await;
    l.ok("chengguan", case, "accept", json!({})).await;
    (Arc::new(l), case)
}

/// An officer reporting one incident after another until stopped; the ids acknowledged, in
/// order (each report is acknowledged before the next is sent, so this is the commit order).
struct Writes {
    acked: Arc<Mutex<Vec<i64>>>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Writes {
    fn start(l: Arc<Loop>) -> Writes {
        let acked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (a, s) = (acked.clone(), stop.clone());
        let task = tokio::spawn(async move {
            while !s.load(Ordering::Relaxed) {
                let id = l.report("officer.b", ELSEWHERE, DURING).await;
                a.lock().unwrap().push(id);
            }
        });
        Writes { acked, stop, task }
    }

    fn count(&self) -> usize {
        self.acked.lock().unwrap().len()
    }

    /// Waits (up to 20 s) until more than `n` reports have been acknowledged.
    async fn wait_past(&self, n: usize) {
        let start = Instant::now();
        while self.count() <= n {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "reports stopped at {n}"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Stops after one more report, so at least one lands after whatever came before.
    async fn stop(self) -> Vec<i64> {
        self.wait_past(self.count()).await;
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.expect("the reporting task ends");
        let acked = self.acked.lock().unwrap().clone();
        acked
    }
}

/// Everything the store holds, oldest first.
async fn all_incidents(store: &Arc<dyn Store>) -> Vec<Incident> {
    let q = IncidentQuery {
        everything: true,
        ..Default::default()
    };
    store.incidents(&q).await.unwrap()
}

/// The restored store answers as the original did before the copy, plus exactly the first
/// reports of those made during it: at least those acknowledged before the copy began, and
/// not the last one (acknowledged after the copy ended).
async fn assert_restored_as_at_the_copy(
    original: (&Arc<dyn Store>, &Answers),
    restored: (&Arc<dyn Store>, &Answers),
    acked_before_copy: usize,
    acked: &[i64],
) -> usize {
    let (original, before) = original;
    let (restored, after) = restored;
    let kept = all_incidents(restored).await;
    let copied: Vec<i64> = acked
        .iter()
        .copied()
        .filter(|id| kept.iter().any(|i| i.id == *id))
        .collect();
    assert_eq!(
        copied,
        acked[..copied.len()],
        "the copy holds a prefix of the reports made during it"
    );
    assert!(
        copied.len() >= acked_before_copy && copied.len() < acked.len(),
        "{} reports copied: at least the {acked_before_copy} made before the copy, fewer \
         than all {}",
        copied.len(),
        acked.len()
    );
    let last = kept.last().map_or(0, |i| i.id);
    let originals: Vec<Incident> = all_incidents(original)
        .await
        .into_iter()
        .filter(|i| i.id <= last)
        .collect();
    assert!(
        kept == originals,
        "every incident up to #{last} is restored as stored"
    );

    let expected_counts = Counts {
        incidents: before.counts.incidents + copied.len() as u64,
        ..before.counts
    };
    assert_eq!(after.counts, expected_counts, "health counts");
    assert_eq!(after.locate, before.locate, "locate");
    assert_eq!(after.stats, before.stats, "statistics");
    assert_eq!(after.status_counts, before.status_counts, "status counts");
    assert_eq!(after.history.len(), 3, "{:?}", after.history);
    assert_eq!(after.history, before.history, "the case history");
    copied.len()
}

/// The app on a restored store, signed in as the original's users (their sessions are in the
/// store, so they come back with it).
async fn restored_loop(store: &Arc<dyn Store>, original: &Loop) -> Loop {
    let state = App::load(Arc::clone(store)).await.unwrap();
    Loop {
        r: app(state, &HttpOptions::default()),
        cookies: original.cookies.clone(),
    }
}

/// `PRAGMA integrity_check` of a SQLite file.
fn integrity(path: &Path) -> String {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_reports_keep_arriving_restores_a_store_that_answers_as_the_original_did(
) {
    let (store, dir) = common::sqlite_store().await;
    let store = common::with_fixture(store).await;
    let (l, case) = busy_city(&store).await;
    let before = answers(&l, &store, case).await;

    let writes = Writes::start(l.clone());
    writes.wait_past(2).await;
    let acked_before_copy = writes.count();
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    let file = dir.path().join("gridd.backup");
    // Few pages a step, and each step waits for another report to be acknowledged, so the
    // copy and the writes interleave step by step.
    let acked = writes.acked.clone();
    let (db2, file2) = (db.clone(), file.clone());
    let (copied, steps) = tokio::task::spawn_blocking(move || {
        let mut steps = 0;
        let mut seen = acked.lock().unwrap().len();
        let mut wait_for_a_write = |p: Progress| {
            if let Progress::Pages { copied, total } = p {
                if copied < total {
                    steps += 1;
                    assert!(steps < 1000, "the copy starts over and never ends");
                    let start = Instant::now();
                    while acked.lock().unwrap().len() == seen {
                        assert!(start.elapsed() < Duration::from_secs(20), "no report came");
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    seen = acked.lock().unwrap().len();
                }
            }
        };
        let pace = Pace {
            pages_per_step: 4,
            pause: Duration::ZERO,
        };
        let c = gridd::backup::backup(&db2, &file2, false, pace, &mut wait_for_a_write);
        (c.expect("the backup is written"), steps)
    })
    .await
    .unwrap();
    let acked = writes.stop().await;
    assert!(steps >= 5, "the copy took {steps} steps");
    assert_eq!(integrity(&file), "ok");
    let mut wal = file.clone().into_os_string();
    wal.push("-wal");
    assert!(!Path::new(&wal).exists(), "the backup is one file");

    let path = dir.path().join("restored").join("gridd.db");
    let restored_db = format!("sqlite:{}", path.display());
    let started = Instant::now();
    gridd::backup::restore(&restored_db, &file, false, &mut |_| {}).expect("restores");
    let restore_time = started.elapsed();
    let restored = store::open(&restored_db).await.unwrap();
    let after = answers(&restored_loop(&restored, &l).await, &restored, case).await;
    let n = assert_restored_as_at_the_copy(
        (&store, &before),
        (&restored, &after),
        acked_before_copy,
        &acked,
    )
    .await;
    eprintln!(
        "sqlite backup: {} pages ({} bytes) in {:.1} ms over {steps} steps, {} reports \
         acknowledged meanwhile, {n} of {} in the copy; restore {:.1} ms",
        copied.pages,
        copied.bytes,
        copied.elapsed.as_secs_f64() * 1e3,
        acked.len() - acked_before_copy,
        acked.len(),
        restore_time.as_secs_f64() * 1e3
    );
}

/// Runs `gridd ARGS`.
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

#[test]
fn a_served_store_is_backed_up_by_the_command_and_files_are_kept_without_force() {
    use crate::common::process::{first_admin, free_port, http_as, serve, wait_for_health};
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("served.db").display());
    let token = first_admin(&db);
    let port = free_port();
    let mut child = serve(&db, port);
    wait_for_health(&mut child, port);
    let report = r#"{"lng":110.435,"lat":35.4775,"category":"e_street_order"}"#;
    let posted = http_as(&token, port, "POST", "/api/incidents", report).unwrap();
    assert!(posted.starts_with("HTTP/1.1 201"), "{posted}");

    let file = dir.path().join("served.backup");
    let out = gridd(&["backup", "--db", &db, path_str(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("integrity_check ok"), "{said}");
    assert!(
        stderr(&out).contains("pages (100 %"),
        "progress: {}",
        stderr(&out)
    );

    let kept = std::fs::read(&file).unwrap();
    let again = gridd(&["backup", "--db", &db, path_str(&file)]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains(&format!("{} already exists; pass --force", file.display())),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&file).unwrap(), kept, "the file is untouched");
    let forced = gridd(&["backup", "--force", "--db", &db, path_str(&file)]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    child.kill().unwrap();
    child.wait().unwrap();

    // A restore keeps an existing store without --force too; a new path is made.
    let into_served = gridd(&["restore", "--db", &db, path_str(&file)]);
    assert!(!into_served.status.success());
    assert!(
        stderr(&into_served).contains("already exists; pass --force"),
        "{}",
        stderr(&into_served)
    );
    let copy = format!("sqlite:{}", dir.path().join("copy.db").display());
    let restored = gridd(&["restore", "--db", &copy, path_str(&file)]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = rt.block_on(async {
        let a = store::open(&db).await.unwrap().counts().await.unwrap();
        let b = store::open(&copy).await.unwrap().counts().await.unwrap();
        (a, b)
    });
    assert_eq!(b, a);
    assert_eq!(b.incidents, 1);
}

#[test]
fn restore_refuses_a_file_that_is_not_a_gridd_store_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database, just some words\n".repeat(200)).unwrap();
    let plain = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    for (file, why) in [
        (&text, "file is not a database"),
        (&plain, "without a schema_migrations table"),
    ] {
        let out = gridd(&["restore", "--db", &db, path_str(file)]);
        assert!(!out.status.success());
        let said = stderr(&out);
        let named = format!("{} is not a gridd store", file.display());
        assert!(said.contains(&named) && said.contains(why), "{said}");
    }
    assert!(
        !dir.path().join("gridd.db").exists(),
        "no store is created by a refused restore"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_at_once_while_another_process_has_the_store_open() {
    let (store, dir) = common::sqlite_store().await;
    let store = common::with_fixture(store).await;
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    let file = dir.path().join("gridd.backup");
    gridd::backup::backup(&db, &file, false, Pace::default(), &mut |_| {}).unwrap();
    let data = store.counts().await.unwrap();

    let started = Instant::now();
    let out = gridd(&["restore", "--force", "--db", &db, path_str(&file)]);
    let refused_in = started.elapsed();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is in use by another process"),
        "{}",
        stderr(&out)
    );
    assert!(
        refused_in < Duration::from_secs(3),
        "refused without waiting for a lock ({refused_in:?})"
    );
    assert_eq!(store.counts().await.unwrap(), data, "the store works on");

    // The same command once this process has let go of the store.
    drop(store);
    let out = gridd(&["restore", "--force", "--db", &db, path_str(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_postgres_url_is_refused_with_the_pg_dump_or_pg_restore_command() {
    let url = "postgres://gridd:s3cret@db.example:5433/city";
    let out = gridd(&["backup", "--db", url, "city.dump"]);
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(
        said.contains("pg_dump -Fc -f city.dump 'postgres://gridd@db.example:5433/city'"),
        "{said}"
    );
    let out = gridd(&["restore", "--db", url, "city.dump"]);
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(
        said.contains("createdb -h db.example -p 5433 -U gridd -T template0 city")
            && said.contains("pg_restore --no-owner -d 'postgres://gridd@db.example:5433/city'"),
        "{said}"
    );
    assert!(!said.contains("s3cret"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_backup_of_an_older_schema_gets_the_newer_migrations_when_opened() {
    let (store, dir) = common::sqlite_store().await;
    common::with_fixture(store).await;
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    let file = dir.path().join("old.backup");
    gridd::backup::backup(&db, &file, false, Pace::default(), &mut |_| {}).unwrap();
    // The backup as a gridd from before migration 11 (the calendar) would have made it.
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute_batch(
            "DROP TABLE changes; DROP TABLE settings; DROP TABLE calendar_days; DROP TABLE time_limits;
             DELETE FROM schema_migrations WHERE version >= 11;",
        )
        .unwrap();

    let path = dir.path().join("restored.db");
    let restored_db = format!("sqlite:{}", path.display());
    let c = gridd::backup::restore(&restored_db, &file, false, &mut |_| {}).unwrap();
    assert_eq!(c.schema_version, 10);
    let restored = store::open(&restored_db).await.unwrap();
    restored
        .deadlines()
        .await
        .expect("the calendar tables exist");
    assert_eq!(restored.counts().await.unwrap().grids_by_level, [1, 2, 4]);
    drop(restored);
    let newest: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT max(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(newest, gridd::backup::newest_migration());
}

/// A PostgreSQL client program: the cluster's version (15) when installed, else from PATH.
fn pg_program(name: &str) -> PathBuf {
    let beside = Path::new("/usr/lib/postgresql/15/bin").join(name);
    if beside.exists() {
        beside
    } else {
        PathBuf::from(name)
    }
}

/// Runs a PostgreSQL client program; fails the test with its stderr unless it exits 0.
async fn pg_run(name: &str, args: Vec<String>) {
    let program = pg_program(name);
    let out = tokio::process::Command::new(&program)
        .args(&args)
        .output()
        .await
        .unwrap_or_else(|e| panic!("{} cannot run: {e}", program.display()));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether the database at `url` has the PostGIS extension.
async fn has_postgis(url: &str) -> bool {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn a_pg_dump_taken_while_reports_keep_arriving_restores_into_an_empty_database_that_answers_as_the_original_did(
) {
    let url = common::pg_fresh_database().await;
    let store = common::with_fixture(store::open(&url).await.unwrap()).await;
    let (l, case) = busy_city(&store).await;
    let before = answers(&l, &store, case).await;

    let writes = Writes::start(l.clone());
    writes.wait_past(2).await;
    let acked_before_copy = writes.count();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gridd.dump");
    let started = Instant::now();
    pg_run(
        "pg_dump",
        vec![
            "-Fc".into(),
            "-f".into(),
            path_str(&file).into(),
            url.clone(),
        ],
    )
    .await;
    let dump_time = started.elapsed();
    let acked = writes.stop().await;

    let name = format!("gridd_restored_{}", std::process::id());
    common::admin_sql(
        &common::pg_admin_url(),
        &format!("CREATE DATABASE {name} TEMPLATE template0"),
    )
    .await;
    let new_url = common::with_database(&url, &name);
    assert!(!has_postgis(&new_url).await, "the new database is empty");
    let started = Instant::now();
    pg_run(
        "pg_restore",
        vec![
            "--no-owner".into(),
            "-d".into(),
            new_url.clone(),
            path_str(&file).into(),
        ],
    )
    .await;
    let restore_time = started.elapsed();
    assert!(has_postgis(&new_url).await, "the dump brings the extension");

    let restored = store::open(&new_url).await.unwrap();
    let after = answers(&restored_loop(&restored, &l).await, &restored, case).await;
    let n = assert_restored_as_at_the_copy(
        (&store, &before),
        (&restored, &after),
        acked_before_copy,
        &acked,
    )
    .await;
    eprintln!(
        "pg_dump -Fc: {} bytes in {:.1} ms, {} reports acknowledged meanwhile, {n} of {} in \
         the dump; pg_restore {:.1} ms",
        std::fs::metadata(&file).unwrap().len(),
        dump_time.as_secs_f64() * 1e3,
        acked.len() - acked_before_copy,
        acked.len(),
        restore_time.as_secs_f64() * 1e3
    );
}
