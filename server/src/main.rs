//! The `gridd` binary: `serve`, `import`, `migrate`, `generate`, `export`, `backup`,
//! `restore` and the account, calendar and case commands.

use clap::Parser;
use gridd::app::accounts;
use gridd::app::App;
use gridd::config::{Cli, Command, ServeArgs};
use gridd::http::basemap::{Basemap, Configured};
use gridd::http::{app, HttpOptions};
use gridd::{import, store};
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

#[derive(Debug, thiserror::Error)]
enum MainError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error("server failed: {0}")]
    Serve(String),
    #[error(transparent)]
    Export(#[from] gridd::export::ExportError),
    #[error(transparent)]
    Gpkg(#[from] gridd::gpkg::GpkgError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Bulk(#[from] gridd::app::bulk::BulkFailure),
    #[error(transparent)]
    WriteIncidents(#[from] gridd::generate::incident_files::WriteError),
    #[error(transparent)]
    Account(#[from] gridd::app::accounts::AccountError),
    #[error(
        "the store {0} has no account, so nobody could sign in; create the first admin with\n  \
         gridd user add --db {0} --login admin --role admin\nand start again (or start a demo \
         with --demo-accounts)"
    )]
    NoAccounts(String),
    #[error("{0}")]
    Calendar(String),
    #[error("--basemap-url: {0}")]
    Basemap(String),
    #[error("generating the city failed: {0}")]
    Generate(#[from] gridd::domain::CodeError),
    #[error("{0}")]
    Scale(#[from] gridd::generate::scale::ScaleError),
    #[error(transparent)]
    Backup(#[from] gridd::backup::BackupError),
}

/// Reads, validates and writes a city, printing each stage on stderr.
async fn load(
    store: &dyn store::Store,
    path: &std::path::Path,
    options: &import::Options,
) -> Result<store::ImportSummary, MainError> {
    Ok(import::load(store, path, options, &mut |line| {
        eprintln!("import: {line}")
    })
    .await?)
}

async fn export(args: gridd::config::ExportArgs) -> Result<(), MainError> {
    use gridd::config::ExportFormat;
    let out = args.out.or(args.file).ok_or_else(|| {
        MainError::Usage(
            "name where to write: gridd export --format gpkg city.gpkg, or --out DIR".into(),
        )
    })?;
    if args.incidents && args.format != ExportFormat::Gpkg {
        return Err(MainError::Usage(
            "--incidents goes with --format gpkg (incidents as files: gridd generate-incidents)"
                .into(),
        ));
    }
    if args.format == ExportFormat::Gpkg && args.crs.is_some_and(|c| c.epsg().is_none()) {
        return Err(MainError::Usage(
            "a GeoPackage names its system by EPSG code, and GCJ-02/BD-09 have none: write GeoJSON (--format geojson --crs gcj02)".into(),
        ));
    }
    let store = store::open(&args.db.db).await?;
    let data = store::export_dataset(&*store).await?;
    match args.format {
        ExportFormat::Geojson => gridd::export::write_dir_in(&data, &out, args.crs)?,
        ExportFormat::Gpkg => {
            let mut layers = gridd::export::layers(&data);
            if args.incidents {
                let mut rows = Vec::new();
                let mut after = None;
                loop {
                    let chunk = store
                        .incidents(&store::IncidentQuery {
                            everything: true,
                            after_id: after,
                            limit: Some(100_000),
                            ..Default::default()
                        })
                        .await?;
                    let Some(last) = chunk.last().map(|i| i.id) else {
                        break;
                    };
                    eprintln!("export: {} incidents read", rows.len() + chunk.len());
                    rows.extend(chunk);
                    after = Some(last);
                }
                layers.push(gridd::export::incident_layer(&rows));
            }
            let crs = args.crs.unwrap_or(gridd::spatial::file_crs::FileCrs::Wgs84);
            gridd::gpkg::write_in(&layers, &out, crs)?;
        }
    }
    println!("exported {:?} to {}", data.summary(), out.display());
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

async fn serve(args: ServeArgs) -> Result<(), MainError> {
    // A basemap URL that cannot be drawn is refused before anything else starts.
    let basemap = match &args.basemap_url {
        Some(url) => Some(Arc::new(
            Basemap::new(url, args.basemap_crs, args.basemap_attribution.clone())
                .map_err(MainError::Basemap)?,
        )),
        None => None,
    };
    let store = store::open(&args.db.db).await?;
    if let Some(dir) = &args.load_if_empty {
        let counts = store.counts().await?;
        if counts.grids_by_level.iter().all(|n| *n == 0) {
            let options = import::Options {
                allow_warnings: true,
                ..Default::default()
            };
            let s = load(&*store, dir, &options).await?;
            tracing::info!(?s, "loaded sample data into the empty store");
        }
    }
    if args.demo_accounts {
        let city = store::export_dataset(&*store).await?;
        let made = accounts::create_demo_accounts(&*store, &city).await?;
        if !made.is_empty() {
            eprintln!("demo accounts (password {}):", accounts::DEMO_PASSWORD);
            for a in &made {
                eprintln!(
                    "  {:<16} {:<14} {} scope {}",
                    a.login, a.role, a.display_name, a.scope
                );
            }
        }
    }
    if store.accounts().await?.is_empty() {
        return Err(MainError::NoAccounts(args.db.db.clone()));
    }
    let web_dir = args.web_dir.is_dir().then(|| args.web_dir.clone());
    if web_dir.is_none() {
        tracing::warn!(dir = %args.web_dir.display(), "frontend directory missing; serving the API only");
    }
    let options = HttpOptions {
        web_dir,
        max_body_bytes: args.max_body_bytes,
        max_bulk_bytes: args.max_bulk_bytes,
        basemap: Configured(basemap),
        secure_cookies: args.secure_cookies,
        allowed_hosts: args.allowed_hosts.clone(),
        body_idle: std::time::Duration::from_secs(args.body_idle_s.max(1)),
        listing_rows: args.listing_rows,
        listing_wait: std::time::Duration::from_secs(args.listing_wait_s),
    };
    let state = App::load(store).await?;
    let router = app(state, &options);
    let addr = format!("{}:{}", args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| MainError::Listen {
            addr: addr.clone(),
            reason: e.to_string(),
        })?;
    tracing::info!("listening on http://{addr}");
    let limits = gridd::http::listen::Limits {
        header_timeout: std::time::Duration::from_secs(args.header_timeout_s.max(1)),
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout_s.max(1)),
        max_connections: args
            .max_connections
            .unwrap_or_else(gridd::http::listen::default_max_connections)
            .max(1),
    };
    tracing::info!(?limits, "connection limits");
    gridd::http::listen::serve(listener, router, limits, shutdown_signal())
        .await
        .map_err(|e| MainError::Serve(e.to_string()))
}

fn generate_incidents(args: gridd::config::GenerateIncidentsArgs) -> Result<(), MainError> {
    use chrono::TimeZone;
    let started = std::time::Instant::now();
    let city = gridd::generate::scale::side_by_side(args.city_seed, args.city_copies, |_| {})?;
    let origin = chrono::FixedOffset::east_opt(8 * 3600)
        .and_then(|tz| {
            tz.from_local_datetime(&args.start.and_time(chrono::NaiveTime::MIN))
                .single()
        })
        .ok_or_else(|| MainError::Serve(format!("cannot place {} in UTC+8", args.start)))?;
    let count = args.count;
    gridd::generate::incident_files::write(&city, args.seed, count, origin, &args.out, &mut |n| {
        eprintln!(
            "generate-incidents: {n} / {count} ({:.1} s)",
            started.elapsed().as_secs_f64()
        )
    })?;
    println!(
        "generated {count} incidents (seed {}) from {} in {:.2} s into {}",
        args.seed,
        args.start,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// Streams a file of reports into the store in one transaction, with progress on stderr.
async fn import_incidents(args: gridd::config::ImportIncidentsArgs) -> Result<(), MainError> {
    let started = std::time::Instant::now();
    let store = store::open(&args.db.db).await?;
    let data = store::export_dataset(&*store).await?;
    let engine = std::sync::Arc::new(gridd::engine::Engine::build(&data));
    eprintln!(
        "import-incidents: engine built from the store ({} level-3 grids) in {:.2} s",
        engine.sizes()[2],
        started.elapsed().as_secs_f64()
    );
    let file = tokio::fs::File::open(&args.file)
        .await
        .map_err(|e| MainError::Serve(format!("cannot open {}: {e}", args.file.display())))?;
    let chunks = gridd::app::bulk::file_chunks(file);
    let load = gridd::app::bulk::BulkLoad::start(store.clone(), engine, u64::MAX);
    let mut reported = 0;
    let n = gridd::app::bulk::stream_into(load, chunks, |lines| {
        if lines >= reported + 100_000 {
            reported = lines - lines % 100_000;
            eprintln!(
                "import-incidents: {reported} lines ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await?;
    accounts::audit(
        &*store,
        "cli",
        "incident.bulk",
        &args.file.display().to_string(),
        &format!("{n} incidents loaded"),
        "cli",
    )
    .await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "imported {n} incidents from {} in {secs:.2} s ({:.0}/s), committed",
        args.file.display(),
        n as f64 / secs
    );
    Ok(())
}

/// A password from one line of standard input; with `prompt`, asked for on the terminal
/// (standard error) first. The password is never echoed back or logged.
fn read_password(prompt: bool) -> Result<String, MainError> {
    use std::io::BufRead;
    if prompt {
        eprint!(
            "password (at least {} characters): ",
            accounts::MIN_PASSWORD
        );
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| MainError::Serve(format!("reading the password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn users(cmd: gridd::config::UserCommand) -> Result<(), MainError> {
    use gridd::config::UserCommand;
    match cmd {
        UserCommand::Add(a) => {
            let store = store::open(&a.db.db).await?;
            let password = read_password(!a.password_stdin)?;
            let account = accounts::create_account(
                &*store,
                "cli",
                &accounts::AccountRequest {
                    login: &a.login,
                    role: &a.role,
                    scope: &a.scope,
                    display_name: a.name.as_deref(),
                    officer: a.officer.as_deref(),
                    department: a.department.as_deref(),
                    password: &password,
                },
            )
            .await?;
            println!(
                "account {} ({}, scope {}) created",
                account.login, account.role, account.scope
            );
        }
        UserCommand::Passwd(a) => {
            let store = store::open(&a.db.db).await?;
            let password = read_password(!a.password_stdin)?;
            accounts::change_password(&*store, "cli", &a.login, &password).await?;
            println!("password of {} changed", a.login.trim());
        }
        UserCommand::Disable(a) => {
            let store = store::open(&a.db.db).await?;
            accounts::disable_account(&*store, "cli", &a.login).await?;
            println!("account {} disabled", a.login.trim());
        }
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<(), MainError> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Import(args) => {
            let store = store::open(&args.db.db).await?;
            let options = import::Options {
                allow_warnings: args.allow_warnings,
                crs: args.crs,
                repair: args.repair,
                skip_invalid: args.skip_invalid.clone(),
            };
            let s = load(&*store, &args.dir, &options).await?;
            let summary = format!(
                "{} grids, {} compounds, {} buildings, {} officers",
                s.grids, s.compounds, s.buildings, s.officers
            );
            let what = args.dir.display().to_string();
            accounts::audit(&*store, "cli", "city.import", &what, &summary, "cli").await?;
            println!(
                "imported {} grids, {} service centres, {} compounds, {} buildings, {} officers, {} roads",
                s.grids, s.service_centres, s.compounds, s.buildings, s.officers, s.roads
            );
            Ok(())
        }
        Command::Generate(args) => {
            let started = std::time::Instant::now();
            let city = gridd::generate::scale::side_by_side(args.seed, args.copies, |stage| {
                eprintln!("generate: {stage}")
            })?;
            eprintln!("generate: writing {}", args.out.display());
            gridd::export::write_dir(&city.data, &args.out)?;
            let s = city.data.summary();
            println!(
                "generated seed {} in {:.2} s: {} grids, {} service centres, {} compounds, {} buildings, {} officers, {} roads",
                args.seed,
                started.elapsed().as_secs_f64(),
                s.grids,
                s.service_centres,
                s.compounds,
                s.buildings,
                s.officers,
                s.roads
            );
            Ok(())
        }
        Command::GenerateIncidents(args) => generate_incidents(args),
        Command::ImportIncidents(args) => import_incidents(args).await,
        Command::Export(args) => export(args).await,
        Command::User(cmd) => users(cmd).await,
        Command::Department(gridd::config::DepartmentCommand::Add(args)) => {
            let store = store::open(&args.db.db).await?;
            let d = accounts::put_department(&*store, "cli", &args.name, &args.categories).await?;
            let cats: Vec<&str> = d.categories.iter().map(|c| c.as_str()).collect();
            println!("department {} takes {}", d.name, cats.join(", "));
            Ok(())
        }
        Command::Calendar(cmd) => calendar(cmd).await,
        Command::Backup(args) => backup(args),
        Command::Restore(args) => restore(args),
        Command::WorkCases(args) => {
            let started = std::time::Instant::now();
            let store = store::open(&args.db.db).await?;
            if accounts::ensure_demo_departments(&*store).await? {
                eprintln!("work-cases: the store had no department; added the demo's six");
            }
            let now = args
                .now
                .map_or_else(chrono::Utc::now, |t| t.with_timezone(&chrono::Utc));
            let mut last = std::time::Instant::now();
            let w = gridd::app::worked::work_cases(&*store, args.seed, now, &mut |done, total| {
                if last.elapsed().as_secs() >= 2 || done == total {
                    eprintln!(
                        "work-cases: {done} / {total} ({:.1} s)",
                        started.elapsed().as_secs_f64()
                    );
                    last = std::time::Instant::now();
                }
            })
            .await?;
            println!(
                "worked {} cases through the loop in {:.1} s: {} transitions, {} still open, {} overdue",
                w.cases,
                started.elapsed().as_secs_f64(),
                w.events,
                w.open,
                w.overdue
            );
            Ok(())
        }
        Command::Token(gridd::config::TokenCommand::Create(args)) => {
            let store = store::open(&args.db.db).await?;
            let (token, row) =
                accounts::create_token(&*store, "cli", &args.name, &args.role, &args.scope).await?;
            eprintln!(
                "token {} ({}, {}) created; it is shown once:",
                row.name, row.role, row.id
            );
            println!("{token}");
            Ok(())
        }
        Command::Migrate(args) => {
            store::open(&args.db).await?;
            println!(
                "migrations applied to {}",
                args.db.split('@').next_back().unwrap_or(&args.db)
            );
            Ok(())
        }
    }
}

/// Prints a copy's progress on stderr: at most once a second, and when it ends.
fn progress_printer(what: &'static str) -> impl FnMut(gridd::backup::Progress) {
    use gridd::backup::Progress;
    let started = std::time::Instant::now();
    let mut last: Option<std::time::Instant> = None;
    move |p| match p {
        Progress::Pages { copied, total } => {
            if copied == total || last.is_none_or(|t| t.elapsed().as_secs() >= 1) {
                eprintln!(
                    "{what}: {copied} / {total} pages ({:.0} %, {:.1} s)",
                    100.0 * copied as f64 / total.max(1) as f64,
                    started.elapsed().as_secs_f64()
                );
                last = Some(std::time::Instant::now());
            }
        }
        Progress::Checking => eprintln!("{what}: PRAGMA integrity_check"),
    }
}

fn backup(args: gridd::config::BackupArgs) -> Result<(), MainError> {
    let pace = gridd::backup::Pace {
        pages_per_step: args.pages_per_step,
        pause: std::time::Duration::from_millis(args.pause_ms),
    };
    let mut progress = progress_printer("backup");
    let c = tokio::task::block_in_place(|| {
        gridd::backup::backup(&args.db.db, &args.file, args.force, pace, &mut progress)
    })?;
    println!(
        "backed up {} (schema {}) to {}: {} pages, {:.1} MiB in {:.2} s, integrity_check ok",
        args.db.db,
        c.schema_version,
        args.file.display(),
        c.pages,
        c.bytes as f64 / (1024.0 * 1024.0),
        c.elapsed.as_secs_f64()
    );
    Ok(())
}

fn restore(args: gridd::config::RestoreArgs) -> Result<(), MainError> {
    let mut progress = progress_printer("restore");
    let c = tokio::task::block_in_place(|| {
        gridd::backup::restore(&args.db.db, &args.file, args.force, &mut progress)
    })?;
    println!(
        "restored {} (schema {}) into {}: {} pages, {:.1} MiB in {:.2} s",
        args.file.display(),
        c.schema_version,
        args.db.db,
        c.pages,
        c.bytes as f64 / (1024.0 * 1024.0),
        c.elapsed.as_secs_f64()
    );
    let newest = gridd::backup::newest_migration();
    if c.schema_version < newest {
        println!(
            "migrations {} to {newest} are applied when gridd next opens the store",
            c.schema_version + 1
        );
    }
    Ok(())
}

async fn calendar(cmd: gridd::config::CalendarCommand) -> Result<(), MainError> {
    use gridd::config::CalendarCommand;
    use gridd::domain::calendar::{parse_csv, SpecialDay, WorkCalendar};
    match cmd {
        CalendarCommand::Import(args) => {
            let mut days: Vec<SpecialDay> = Vec::new();
            for f in &args.files {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| MainError::Calendar(format!("reading {}: {e}", f.display())))?;
                days.extend(
                    parse_csv(&text)
                        .map_err(|e| MainError::Calendar(format!("{}: {e}", f.display())))?,
                );
            }
            // A later file wins for the same date, as in the calendar itself.
            let days = WorkCalendar::from_days(days).days();
            let store = store::open(&args.db.db).await?;
            store
                .put_deadlines(&gridd::store::deadlines::DeadlinesChange {
                    days: Some(days.clone()),
                    limits: None,
                })
                .await?;
            let summary = format!(
                "{} listed days from {} file(s)",
                days.len(),
                args.files.len()
            );
            accounts::audit(&*store, "cli", "calendar.put", "calendar", &summary, "cli").await?;
            println!("calendar replaced: {summary}");
            Ok(())
        }
        CalendarCommand::Show(args) => {
            let store = store::open(&args.db.db).await?;
            let d = gridd::app::calendar::from_stored(store.deadlines().await?)?;
            println!("date,kind,name");
            for day in d.calendar.days() {
                let kind = gridd::store::deadlines::kind_text(day.kind);
                println!("{},{kind},{}", day.date.format("%Y-%m-%d"), day.name);
            }
            Ok(())
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("GRIDD_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
