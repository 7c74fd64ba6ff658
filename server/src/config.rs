//! Command line and environment: every flag has an env fallback (`GRIDD_*`).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub const DEFAULT_DB: &str = "sqlite:data/gridd.db";

#[derive(Parser, Debug)]
#[command(
    name = "gridd",
    version,
    about = "网格 grid management service: grids, incidents, heatmaps"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API and the map frontend.
    Serve(ServeArgs),
    /// Import a directory of city files (GeoJSON + officers.csv) in one transaction.
    Import(ImportArgs),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Write the deterministic sample city (same seed, byte-identical files).
    Generate(GenerateArgs),
    /// Write a year of synthetic incidents over the sample city (NDJSON and CSV).
    GenerateIncidents(GenerateIncidentsArgs),
    /// Write the store's city as the files `import` reads.
    Export(ExportArgs),
    /// Load incidents from an NDJSON or CSV file in one transaction (all or nothing).
    ImportIncidents(ImportIncidentsArgs),
    /// Accounts: add one, change its password, disable it.
    #[command(subcommand)]
    User(UserCommand),
    /// Machine tokens (12345 gateway, mini-program): create one.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Departments that handle cases: add one or change its categories.
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// Work every incident in the store through the loop (a generated history per case, up
    /// to now: registered, dispatched, signed, some returned, extended, supervised or
    /// reworked, answered, checked and rated), for the demo and the benchmarks. A store
    /// without departments gets the demo's six first.
    WorkCases(WorkCasesArgs),
    /// The working calendar deadlines are counted on: replace it from a file, or show it.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Copy the embedded store into one file, consistently even while a server is writing to
    /// it (SQLite's online backup). For a PostGIS store it prints the pg_dump command instead.
    Backup(BackupArgs),
    /// Put a backup file back as the embedded store (a new path, or with --force the store
    /// itself once no process has it open). For PostGIS it prints the pg_restore command.
    Restore(RestoreArgs),
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The backup file to write (one SQLite file).
    pub file: PathBuf,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
    /// Pages copied per step (4 KiB each at SQLite's default page size).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(i32).range(1..))]
    pub pages_per_step: i32,
    /// Pause between steps, in milliseconds, leaving the disk to a running server.
    #[arg(long, default_value_t = 10)]
    pub pause_ms: u64,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The backup file to restore (what `gridd backup` wrote).
    pub file: PathBuf,
    /// Replace the store when it exists (refused while a process has it open).
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct WorkCasesArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The moment the histories stop (RFC 3339); now by default.
    #[arg(long)]
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
}

#[derive(clap::Subcommand, Debug)]
pub enum CalendarCommand {
    /// Replace the listed days (holidays and worked weekend days, 调休) with those of one or
    /// more `date,kind,name` CSV files (data/calendar/*.csv is the format); a running server
    /// reads it at its next start.
    Import(CalendarImportArgs),
    /// Print the listed days in force as CSV.
    Show(CalendarShowArgs),
}

#[derive(Args, Debug)]
pub struct CalendarImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(required = true)]
    pub files: Vec<std::path::PathBuf>,
}

#[derive(Args, Debug)]
pub struct CalendarShowArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(clap::Subcommand, Debug)]
pub enum DepartmentCommand {
    /// Add a department (or replace the categories of one), e.g. --name 城管执法局
    /// --categories e_street_order,e_advertising.
    Add(DepartmentAddArgs),
}

#[derive(Args, Debug)]
pub struct DepartmentAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub name: String,
    /// Comma-separated incident categories (codes or Chinese names) it takes.
    #[arg(long, default_value = "")]
    pub categories: String,
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account. The password is read from the terminal (or one line of standard
    /// input with --password-stdin); it is stored only as an Argon2id hash.
    Add(UserAddArgs),
    /// Change an account's password.
    Passwd(UserLoginArgs),
    /// Disable an account (it can no longer log in).
    Disable(UserLoginArgs),
}

#[derive(Args, Debug)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Login name: 3–64 characters of a–z, 0–9, '.', '_', '-'.
    #[arg(long)]
    pub login: String,
    /// admin, planner, dispatcher, street_leader, community, officer, department or reporter.
    #[arg(long)]
    pub role: String,
    /// Comma-separated: county codes, grid codes of the role's level, or incident categories.
    #[arg(long, default_value = "")]
    pub scope: String,
    /// The name shown in the interface (the login when absent).
    #[arg(long)]
    pub name: Option<String>,
    /// The officer record an officer account acts for.
    #[arg(long)]
    pub officer: Option<String>,
    /// The department a department account acts for.
    #[arg(long)]
    pub department: Option<String>,
    /// Read the password as one line of standard input (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Args, Debug)]
pub struct UserLoginArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub login: String,
    /// Read the new password as one line of standard input (passwd only).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token; it is printed once, alone on standard output, and stored only hashed.
    Create(TokenCreateArgs),
}

#[derive(Args, Debug)]
pub struct TokenCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// What the token is for, e.g. 12345-gateway.
    #[arg(long)]
    pub name: String,
    /// The role the token acts as (usually reporter).
    #[arg(long, default_value = "reporter")]
    pub role: String,
    #[arg(long, default_value = "")]
    pub scope: String,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Copies of the sample city side by side, each a county of its own (610581, 610582, …):
    /// 10 makes the city of `make bench-scale`.
    #[arg(long, default_value_t = 1)]
    pub copies: usize,
    /// Output directory.
    #[arg(long, default_value = "data/sample-city")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct GenerateIncidentsArgs {
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// How many incidents.
    #[arg(long, default_value_t = 1_000_000)]
    pub count: usize,
    /// The seed of the city they happen in (the city is regenerated in memory).
    #[arg(long, default_value_t = 42)]
    pub city_seed: u64,
    /// Copies of that city side by side (as `gridd generate --copies`): incidents fall over all.
    #[arg(long, default_value_t = 1)]
    pub city_copies: usize,
    /// First day of the year covered, local time (UTC+8).
    #[arg(long, default_value = "2025-11-01")]
    pub start: chrono::NaiveDate,
    /// Output directory: incidents.ndjson and incidents.csv are written there.
    #[arg(long, default_value = "data/incidents")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ImportIncidentsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// NDJSON (one report object a line) or CSV with a header (lng,lat,crs,category,…).
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Where to write: a directory of GeoJSON and CSV files (`geojson`), or one GeoPackage
    /// file (`gpkg`). Given as `--out` or as the last argument.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The same as `--out`.
    #[arg(value_name = "FILE", conflicts_with = "out")]
    pub file: Option<PathBuf>,
    /// geojson: the files `gridd import` reads; gpkg: one GeoPackage (grids of each level,
    /// service centres, compounds, buildings, roads, officers) that QGIS and GDAL open.
    #[arg(long, value_enum, default_value = "geojson")]
    pub format: ExportFormat,
    /// With `--format gpkg`: an `incidents` table too (points with category, state, time and
    /// report-time grids).
    #[arg(long)]
    pub incidents: bool,
    /// Write coordinates in this system (wgs84, cgcs2000, gcj02, bd09, EPSG:4513–EPSG:4554):
    /// GeoJSON files declare it in a `crs` member, a GeoPackage in its SRS table (EPSG
    /// systems only); `gridd import` follows either. The store keeps WGS84.
    #[arg(long, value_name = "CRS")]
    pub crs: Option<crate::spatial::file_crs::FileCrs>,
}

/// What `gridd export` writes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Geojson,
    Gpkg,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Store URL: sqlite:PATH (embedded) or postgres://USER@HOST:PORT/DB (PostGIS).
    #[arg(long, env = "GRIDD_DB", default_value = DEFAULT_DB)]
    pub db: String,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// TCP port to listen on.
    #[arg(long, env = "GRIDD_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, env = "GRIDD_BIND", default_value = "127.0.0.1")]
    pub bind: String,
    /// Directory of the built frontend.
    #[arg(long, env = "GRIDD_WEB", default_value = "web/dist")]
    pub web_dir: PathBuf,
    /// On start, import this directory if the store holds no grids yet.
    #[arg(long, env = "GRIDD_LOAD")]
    pub load_if_empty: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "GRIDD_MAX_BODY", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Largest bulk incident upload accepted, in bytes (received into a temporary file in
    /// TMPDIR, not held in memory, then loaded).
    #[arg(long, env = "GRIDD_MAX_BULK", default_value_t = 1 << 30)]
    pub max_bulk_bytes: u64,
    /// Seconds an upload's body may stop arriving before it is refused (408, nothing stored).
    #[arg(long, env = "GRIDD_BODY_IDLE_S", default_value_t = 30)]
    pub body_idle_s: u64,
    /// Seconds a client has to send a request's headers once it starts one (slow clients
    /// holding connections open are closed).
    #[arg(long, env = "GRIDD_HEADER_TIMEOUT_S", default_value_t = 30)]
    pub header_timeout_s: u64,
    /// Seconds a keep-alive connection may sit idle (no request in flight, no byte either
    /// way) before it is closed.
    #[arg(long, env = "GRIDD_IDLE_TIMEOUT_S", default_value_t = 60)]
    pub idle_timeout_s: u64,
    /// Incident rows all `GET /api/incidents` listings may hold at once (a page is at most
    /// 10,000): a burst of large listings waits its turn instead of filling memory.
    #[arg(long, env = "GRIDD_LISTING_ROWS", default_value_t = 40_000)]
    pub listing_rows: u32,
    /// Seconds a listing waits for its rows before it is answered 503 (busy).
    #[arg(long, env = "GRIDD_LISTING_WAIT_S", default_value_t = 10)]
    pub listing_wait_s: u64,
    /// Connections open at once; one more is answered 503 and closed. Default: 10,000, or
    /// 256 under the open-file limit (`ulimit -n`) when that is lower.
    #[arg(long, env = "GRIDD_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// A raster basemap for the map, under our data: an XYZ template
    /// (`https://…/{z}/{x}/{y}.png`) or a WMTS GetTile URL in a Web Mercator tile matrix set;
    /// `{0-7}` expands to subdomains. None: the map shows our own data only.
    #[arg(long, env = "GRIDD_BASEMAP_URL")]
    pub basemap_url: Option<String>,
    /// The CRS the basemap's pictures are drawn in: wgs84, cgcs2000 (天地图), gcj02 (高德,
    /// 腾讯) or bd09 (百度). The map warns when it would misplace our WGS84 data.
    #[arg(long, env = "GRIDD_BASEMAP_CRS", default_value = "cgcs2000")]
    pub basemap_crs: crate::domain::Crs,
    /// Credit line shown on the map for the basemap (e.g. "天地图 GS(2024)0568号").
    #[arg(long, env = "GRIDD_BASEMAP_ATTRIBUTION")]
    pub basemap_attribution: Option<String>,
    /// Mark session cookies Secure: set when users reach the server over https (a proxy that
    /// sends `X-Forwarded-Proto: https` gets Secure cookies without it).
    #[arg(long, env = "GRIDD_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Host names this server answers to (comma-separated, e.g. `grid.example.gov.cn`); any
    /// other `Host` is refused 421, so a page on another site cannot reach the server
    /// through a rebound DNS name. Unset: every host is answered.
    #[arg(long, env = "GRIDD_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// On a store without any account, create one account of each role over the loaded city
    /// and print them (what `make demo` does; the password is the same for all).
    #[arg(long, env = "GRIDD_DEMO_ACCOUNTS")]
    pub demo_accounts: bool,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Directory holding grids.geojson, compounds.geojson, buildings.geojson,
    /// service_centres.geojson and/or officers.csv, or one such file.
    #[arg(value_name = "DIR|FILE")]
    pub dir: PathBuf,
    /// Import even when the validator reports warnings (compound straddling grids, empty
    /// grid); errors always refuse the import.
    #[arg(long, env = "GRIDD_ALLOW_WARNINGS")]
    pub allow_warnings: bool,
    /// The coordinate system of the files: wgs84, cgcs2000, gcj02, bd09, EPSG:4326,
    /// EPSG:4490 or a CGCS2000 3° Gauss–Krüger zone EPSG:4513–EPSG:4554. Overrides what a
    /// file declares (GeoJSON `crs`, GeoPackage SRS); without it that declaration, else WGS84.
    #[arg(long, value_name = "CRS")]
    pub crs: Option<crate::spatial::file_crs::FileCrs>,
    /// Make invalid compound and building footprints valid as PostGIS ST_MakeValid does
    /// (close rings, drop repeated points and degenerate rings, split self-intersections,
    /// merge overlapping parts), listing each repair with its kind and place.
    #[arg(long)]
    pub repair: bool,
    /// Write the compounds and buildings that cannot be used (after --repair, when given) to
    /// FILE as GeoJSON, each with the reason, and import the rest. Grids are never set
    /// aside: an invalid grid stops the import.
    #[arg(long, value_name = "FILE")]
    pub skip_invalid: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_defaults_to_the_embedded_store_on_port_8080() {
        let cli = Cli::try_parse_from(["gridd", "serve"]).unwrap();
        let Command::Serve(s) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(s.port, 8080);
        assert_eq!(s.bind, "127.0.0.1");
        assert!(s.db.db.starts_with("sqlite:"));
    }

    #[test]
    fn a_backup_names_its_file_and_copies_a_positive_number_of_pages_per_step() {
        let cli = Cli::try_parse_from(["gridd", "backup", "--db", "sqlite:a.db", "a.bak"]).unwrap();
        let Command::Backup(b) = cli.command else {
            panic!("not backup")
        };
        assert_eq!(b.file, PathBuf::from("a.bak"));
        assert!(!b.force);
        assert!(
            Cli::try_parse_from(["gridd", "backup", "--pages-per-step", "0", "a.bak"]).is_err()
        );
        assert!(
            Cli::try_parse_from(["gridd", "restore"]).is_err(),
            "FILE is required"
        );
    }

    #[test]
    fn a_port_that_is_not_a_number_is_refused() {
        assert!(Cli::try_parse_from(["gridd", "serve", "--port", "http"]).is_err());
    }
}
