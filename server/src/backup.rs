//! Backups of the embedded store: `gridd backup` copies a SQLite store to one file while a
//! server may be writing to it, and `gridd restore` puts such a file back. PostGIS stores are
//! backed up with PostgreSQL's own tools; for them both commands refuse and print the
//! `pg_dump` / `pg_restore` commands to use instead.
//!
//! A backup is SQLite's online backup API run inside one read transaction on the source, so
//! the copy is the store as it was at one instant (a prefix of its writes), however many
//! writes the server commits meanwhile: in WAL mode a reader never blocks the writer, and
//! because the backup's own snapshot never moves it never has to start over. (The price: the
//! server's WAL cannot be checkpointed past that snapshot until the copy ends.) The copy is
//! written beside FILE, switched to a rollback journal so it is one self-contained file,
//! checked with `PRAGMA integrity_check` and only then renamed to FILE.
//!
//! A restore checks that FILE is a gridd store (a `schema_migrations` table, migrations no
//! newer than this binary knows), takes the exclusive lock of the store without waiting —
//! every connection to a WAL database holds a shared lock on it, so the lock is refused at
//! once while any process (a running `gridd serve`) has the store open — and, holding it,
//! checks FILE with `integrity_check` and copies it into the store in one write transaction.
//! Migrations newer than the backup are applied when gridd next opens the store, as on any
//! start.

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Why a backup or a restore did not happen. Nothing is left half-written either way.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("store URL {0:?} is not understood; use sqlite:PATH or postgres://USER@HOST:PORT/DB")]
    BadUrl(String),
    /// A PostGIS store, with the PostgreSQL commands that do the job.
    #[error("{0}")]
    Postgres(String),
    #[error("there is no store at {0} to back up")]
    NoStore(PathBuf),
    #[error("there is no backup file at {0}")]
    NoFile(PathBuf),
    #[error("{0} already exists; pass --force to replace it")]
    Exists(PathBuf),
    #[error("{0} is the store itself; name another file")]
    SameFile(PathBuf),
    #[error("{file} is not a gridd store: {reason}")]
    NotAStore { file: PathBuf, reason: String },
    #[error(
        "{file} was made by a newer gridd (its schema is at migration {version}, this gridd \
         knows up to {known}); restore it with that version"
    )]
    Newer {
        file: PathBuf,
        version: i64,
        known: i64,
    },
    #[error(
        "{0} is in use by another process (a running gridd serve?); stop it and restore again"
    )]
    InUse(PathBuf),
    #[error("the copy {file} failed its integrity check ({reason}); it was not kept")]
    BadCopy { file: PathBuf, reason: String },
    #[error("{0} does not name a file")]
    NotAFileName(PathBuf),
    #[error("copying pages: the database stayed locked for {0} s")]
    StayedLocked(u64),
    #[error("{context}: {source}")]
    Sqlite {
        context: String,
        source: rusqlite::Error,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

/// How fast a backup copies: pages per step, and a pause between steps so a busy server
/// keeps most of the disk.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    pub pages_per_step: i32,
    pub pause: Duration,
}

impl Default for Pace {
    /// 1024 pages (4 MiB at SQLite's default page size), then 10 ms for the server.
    fn default() -> Pace {
        Pace {
            pages_per_step: 1024,
            pause: Duration::from_millis(10),
        }
    }
}

/// Where a backup or restore stands, told after every step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Pages copied so far, of the total.
    Pages { copied: u64, total: u64 },
    /// Running `PRAGMA integrity_check` (on the copy, or on the file to restore).
    Checking,
}

/// What a finished backup or restore copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    pub pages: u64,
    /// The size of the file written.
    pub bytes: u64,
    /// The newest migration the copied store had applied.
    pub schema_version: i64,
    pub elapsed: Duration,
}

type Result<T> = std::result::Result<T, BackupError>;

/// Context for a SQLite error.
fn sql(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> BackupError {
    let context = context.into();
    move |source| BackupError::Sqlite { context, source }
}

/// Context for a file system error.
fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
    let context = context.into();
    move |source| BackupError::Io { context, source }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Job {
    Backup,
    Restore,
}

/// The store file a `sqlite:` URL names; for a PostGIS URL, the refusal that says which
/// PostgreSQL commands to run instead.
fn sqlite_path(db: &str, file: &Path, job: Job) -> Result<PathBuf> {
    if let Some(path) = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
    {
        return match path {
            "" => Err(BackupError::BadUrl(db.to_string())),
            p => Ok(PathBuf::from(p)),
        };
    }
    if !(db.starts_with("postgres://") || db.starts_with("postgresql://")) {
        return Err(BackupError::BadUrl(db.to_string()));
    }
    let shown = without_password(db);
    let password_note = if shown != db {
        "\n(the password is left out: pg_dump and pg_restore read it from PGPASSWORD or ~/.pgpass)"
    } else {
        ""
    };
    let file = file.display();
    Err(BackupError::Postgres(match job {
        Job::Backup => format!(
            "gridd backup copies the embedded SQLite store only; back up a PostGIS store with \
             pg_dump (consistent while serving):\n  pg_dump -Fc -f {file} '{shown}'{password_note}"
        ),
        Job::Restore => {
            let config: tokio_postgres::Config = db
                .parse()
                .map_err(|_| BackupError::BadUrl(db.to_string()))?;
            let name = config.get_dbname().unwrap_or("gridd");
            let mut createdb = String::from("createdb");
            if let Some(tokio_postgres::config::Host::Tcp(h)) = config.get_hosts().first() {
                createdb += &format!(" -h {h}");
            }
            if let Some(p) = config.get_ports().first() {
                createdb += &format!(" -p {p}");
            }
            if let Some(u) = config.get_user() {
                createdb += &format!(" -U {u}");
            }
            format!(
                "gridd restore writes the embedded SQLite store only; restore a PostGIS dump \
                 with pg_restore into a new, empty database:\n  {createdb} -T template0 {name}\n  \
                 pg_restore --no-owner -d '{shown}' {file}{password_note}"
            )
        }
    }))
}

/// A postgres URL without its password, fit to print.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// The newest migration this gridd applies: a restored store older than this is brought up
/// to it when gridd next opens it.
pub fn newest_migration() -> i64 {
    crate::store::migrate::SQLITE
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// The newest migration the gridd store on `conn` has applied, or why it is not one.
fn schema_version(conn: &Connection, file: &Path) -> Result<i64> {
    let not_a_store = |reason: String| BackupError::NotAStore {
        file: file.to_path_buf(),
        reason,
    };
    let has_table: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema
                            WHERE type = 'table' AND name = 'schema_migrations')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| not_a_store(e.to_string()))?;
    if !has_table {
        return Err(not_a_store(
            "it is a SQLite database without a schema_migrations table".into(),
        ));
    }
    conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
    .map_err(|e| not_a_store(format!("its schema_migrations table is unreadable: {e}")))
}

/// `PRAGMA integrity_check`: `Ok` when it says ok, else its first few findings.
fn integrity_check(conn: &Connection) -> std::result::Result<(), String> {
    let mut stmt = conn
        .prepare("PRAGMA integrity_check(5)")
        .map_err(|e| e.to_string())?;
    let findings = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| e.to_string())?;
    match findings.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        _ => Err(findings.join("; ")),
    }
}

/// Copies every page of `src` into `dst` at `pace`, telling `progress` after each step; the
/// number of pages.
fn copy_pages(
    src: &Connection,
    dst: &mut Connection,
    pace: Pace,
    progress: &mut dyn FnMut(Progress),
) -> Result<u64> {
    // Busy or locked steps are retried; only a lock that never comes free ends the copy.
    const GIVE_UP_AFTER: Duration = Duration::from_secs(60);
    let backup = Backup::new(src, dst).map_err(sql("starting the copy"))?;
    let mut blocked_since: Option<Instant> = None;
    loop {
        let step = backup
            .step(pace.pages_per_step)
            .map_err(sql("copying pages"))?;
        let p = backup.progress();
        let total = u64::try_from(p.pagecount).unwrap_or(0);
        let remaining = u64::try_from(p.remaining).unwrap_or(0);
        match step {
            StepResult::Done => {
                progress(Progress::Pages {
                    copied: total,
                    total,
                });
                return Ok(total);
            }
            StepResult::More => {
                blocked_since = None;
                progress(Progress::Pages {
                    copied: total.saturating_sub(remaining),
                    total,
                });
                std::thread::sleep(pace.pause);
            }
            _ => {
                let since = *blocked_since.get_or_insert_with(Instant::now);
                if since.elapsed() > GIVE_UP_AFTER {
                    return Err(BackupError::StayedLocked(GIVE_UP_AFTER.as_secs()));
                }
                std::thread::sleep(pace.pause.max(Duration::from_millis(5)));
            }
        }
    }
}

/// Files removed when dropped unless kept: the partial copy of a failed backup, or the store
/// a failed restore had just created.
struct Scratch {
    paths: Vec<PathBuf>,
    keep: bool,
}

impl Scratch {
    /// A SQLite file and the journal files beside it.
    fn sqlite(path: &Path) -> Scratch {
        let mut paths = vec![path.to_path_buf()];
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            paths.push(PathBuf::from(name));
        }
        Scratch { paths, keep: false }
    }

    fn none() -> Scratch {
        Scratch {
            paths: Vec::new(),
            keep: true,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            for p in &self.paths {
                // Most of these never existed; there is nothing to say when one did not.
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io(format!("syncing the directory {}", dir.display())))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Copies the embedded store `db` names (`sqlite:PATH`) into `file`, consistently even while
/// a server writes to it; replaces an existing `file` only with `force`. The copy is checked
/// before it takes the name `file`.
pub fn backup(
    db: &str,
    file: &Path,
    force: bool,
    pace: Pace,
    progress: &mut dyn FnMut(Progress),
) -> Result<Copied> {
    let started = Instant::now();
    let path = sqlite_path(db, file, Job::Backup)?;
    if !path.is_file() {
        return Err(BackupError::NoStore(path));
    }
    if file.exists() {
        if same_file(&path, file) {
            return Err(BackupError::SameFile(file.to_path_buf()));
        }
        if !force {
            return Err(BackupError::Exists(file.to_path_buf()));
        }
    }
    let name = file
        .file_name()
        .ok_or_else(|| BackupError::NotAFileName(file.to_path_buf()))?
        .to_string_lossy();
    let partial = file.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let mut scratch = Scratch::sqlite(&partial);

    let shown = path.display().to_string();
    let src = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(sql(format!("opening {shown}")))?;
    // A reader waits only while another connection recovers the WAL.
    src.busy_timeout(Duration::from_secs(10))
        .map_err(sql(format!("opening {shown}")))?;
    // The read transaction (begun by the first SELECT) is the snapshot the whole copy reads.
    src.execute_batch("BEGIN")
        .map_err(sql(format!("starting a read of {shown}")))?;
    let schema_version = schema_version(&src, &path)?;

    let _ = std::fs::remove_file(&partial);
    let shown_copy = partial.display().to_string();
    let mut dst = Connection::open(&partial).map_err(sql(format!("creating {shown_copy}")))?;
    let pages = copy_pages(&src, &mut dst, pace, progress)?;
    src.execute_batch("COMMIT")
        .map_err(sql(format!("ending the read of {shown}")))?;
    drop(src);

    // The pages say WAL; a backup is better as one file with nothing beside it.
    dst.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    })
    .map_err(sql(format!("setting the journal mode of {shown_copy}")))?;
    progress(Progress::Checking);
    integrity_check(&dst).map_err(|reason| BackupError::BadCopy {
        file: file.to_path_buf(),
        reason,
    })?;
    dst.close()
        .map_err(|(_, e)| sql(format!("closing {shown_copy}"))(e))?;
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(io(format!("syncing {shown_copy}")))?;
    if !force && file.exists() {
        return Err(BackupError::Exists(file.to_path_buf()));
    }
    std::fs::rename(&partial, file)
        .map_err(io(format!("renaming {shown_copy} to {}", file.display())))?;
    scratch.keep = true;
    sync_dir(file.parent().unwrap_or(Path::new(".")))?;
    let bytes = std::fs::metadata(file)
        .map_err(io(format!("reading the size of {}", file.display())))?
        .len();
    tracing::info!(store = %shown, file = %file.display(), pages, bytes, "backup written");
    Ok(Copied {
        pages,
        bytes,
        schema_version,
        elapsed: started.elapsed(),
    })
}

/// Takes the store's exclusive lock without waiting, and keeps it until `conn` closes;
/// refused while another connection (in any process) has the store open.
fn lock_exclusively(conn: &Connection, path: &Path) -> Result<()> {
    let shown = path.display().to_string();
    conn.busy_timeout(Duration::ZERO)
        .map_err(sql(format!("opening {shown}")))?;
    conn.query_row("PRAGMA locking_mode = EXCLUSIVE", [], |r| {
        r.get::<_, String>(0)
    })
    .map_err(sql(format!("asking for the exclusive lock of {shown}")))?;
    // In WAL mode the lock is taken as the WAL is opened; in rollback mode by the write
    // transaction. Either way exclusive locking mode keeps it after the COMMIT.
    match conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;") {
        Ok(()) => Ok(()),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            ) =>
        {
            Err(BackupError::InUse(path.to_path_buf()))
        }
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Err(BackupError::NotAStore {
                file: path.to_path_buf(),
                reason: format!("{e}; move it away to restore into its place"),
            })
        }
        Err(e) => Err(sql(format!("locking {shown}"))(e)),
    }
}

/// Restores the gridd store in `file` into the embedded store `db` names (`sqlite:PATH`): a
/// PATH that does not exist yet, or with `force` one that does and that no process has open.
pub fn restore(
    db: &str,
    file: &Path,
    force: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<Copied> {
    let started = Instant::now();
    let path = sqlite_path(db, file, Job::Restore)?;
    if !file.is_file() {
        return Err(BackupError::NoFile(file.to_path_buf()));
    }
    let replacing = path.exists();
    if replacing {
        if same_file(&path, file) {
            return Err(BackupError::SameFile(file.to_path_buf()));
        }
        if !force {
            return Err(BackupError::Exists(path));
        }
    }
    let src = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(sql(format!("opening {}", file.display())))?;
    let schema_version = schema_version(&src, file)?;
    if schema_version > newest_migration() {
        return Err(BackupError::Newer {
            file: file.to_path_buf(),
            version: schema_version,
            known: newest_migration(),
        });
    }

    let shown = path.display().to_string();
    let mut scratch = if replacing {
        Scratch::none()
    } else {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
        }
        Scratch::sqlite(&path)
    };
    let mut dst = Connection::open(&path).map_err(sql(format!("opening {shown}")))?;
    lock_exclusively(&dst, &path)?;
    // Checked once the lock is held: a store in use is refused at once, and no server can
    // start on the store between the check and the copy.
    progress(Progress::Checking);
    integrity_check(&src).map_err(|reason| BackupError::NotAStore {
        file: file.to_path_buf(),
        reason: format!("PRAGMA integrity_check found {reason}"),
    })?;
    // Out of WAL mode (a checkpoint, under our lock) so the copy lands in the file itself;
    // gridd switches back to WAL when it opens the store.
    dst.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    })
    .map_err(sql(format!("setting the journal mode of {shown}")))?;
    let no_pause = Pace {
        pause: Duration::ZERO,
        ..Pace::default()
    };
    let pages = copy_pages(&src, &mut dst, no_pause, progress)?;
    dst.close()
        .map_err(|(_, e)| sql(format!("closing {shown}"))(e))?;
    scratch.keep = true;
    let bytes = std::fs::metadata(&path)
        .map_err(io(format!("reading the size of {shown}")))?
        .len();
    tracing::info!(store = %shown, file = %file.display(), pages, schema_version, "store restored");
    Ok(Copied {
        pages,
        bytes,
        schema_version,
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_postgres_url_leaves_the_password_out() {
        assert_eq!(
            without_password("postgres://gridd:s3cret@db.example:5432/gridd?sslmode=require"),
            "postgres://gridd@db.example:5432/gridd?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://gridd@db:5432/gridd"),
            "postgres://gridd@db:5432/gridd"
        );
    }

    #[test]
    fn a_postgres_restore_is_refused_with_createdb_and_pg_restore_for_that_server() {
        let Err(BackupError::Postgres(hint)) = sqlite_path(
            "postgres://ops:s3cret@10.0.0.5:6432/city",
            Path::new("city.dump"),
            Job::Restore,
        ) else {
            panic!("a postgres URL is refused");
        };
        assert!(
            hint.contains("createdb -h 10.0.0.5 -p 6432 -U ops -T template0 city"),
            "{hint}"
        );
        assert!(
            hint.contains("pg_restore --no-owner -d 'postgres://ops@10.0.0.5:6432/city' city.dump"),
            "{hint}"
        );
        assert!(!hint.contains("s3cret"), "{hint}");
    }

    #[test]
    fn a_url_of_another_kind_is_not_understood() {
        assert!(matches!(
            sqlite_path("mysql://x", Path::new("f"), Job::Backup),
            Err(BackupError::BadUrl(_))
        ));
        assert!(matches!(
            sqlite_path("sqlite:", Path::new("f"), Job::Backup),
            Err(BackupError::BadUrl(_))
        ));
    }
}
