//! Running the `gridd` binary and outside tools (GDAL, PROJ) in tests: free ports, a minimal HTTP/1.1 client, waiting for
//! `/api/health`, and fresh PostGIS databases for tests that have no runtime of their own.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the `gridd` binary to its end, with warnings and worse logged.
pub fn gridd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gridd"))
        .args(args)
        .env("GRIDD_LOG", "warn")
        .output()
        .expect("gridd runs")
}

/// Whether an outside tool (GDAL, PROJ) runs here. Under `make test` (GRIDD_TEST_PG set) its
/// absence fails the test, since the test command installs it; elsewhere the test is skipped
/// with a word on stderr.
pub fn have_tool(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        assert!(
            std::env::var("GRIDD_TEST_PG").is_err(),
            "{tool} is missing although make test installs it"
        );
        eprintln!("{tool} is not installed: skipped (make test installs it)");
    }
    ok
}

/// Runs an outside command to its end; a failure fails the test with the command's stderr.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("the command runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request on its own connection; the whole response as text, or `None` if the server
/// could not be reached or hung up.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> Option<String> {
    request(None, port, method, path, body)
}

fn request(token: Option<&str>, port: u16, method: &str, path: &str, body: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    (!out.is_empty()).then_some(out)
}

pub fn http_get(port: u16, path: &str) -> Option<String> {
    http(port, "GET", path, "")
}

/// One request with `Authorization: Bearer token`, as [`http`].
pub fn http_as(token: &str, port: u16, method: &str, path: &str, body: &str) -> Option<String> {
    request(Some(token), port, method, path, body)
}

/// Makes the first admin of the store at `db` (`gridd user add`) and an admin token
/// (`gridd token create`), as an operator would before the first `gridd serve`; the token.
pub fn first_admin(db: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_gridd");
    let mut add = Command::new(bin)
        .args([
            "user",
            "add",
            "--db",
            db,
            "--login",
            "test.admin",
            "--role",
            "admin",
        ])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("gridd user add starts");
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long test password\n")
        .unwrap();
    assert!(add.wait().unwrap().success(), "gridd user add succeeds");
    let out = Command::new(bin)
        .args([
            "token", "create", "--db", db, "--name", "tests", "--role", "admin",
        ])
        .output()
        .expect("gridd token create runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The body of a response (after the blank line).
pub fn body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

/// The body of a response as JSON, joined from its chunks when it came in chunks (a
/// streamed listing does).
pub fn json_body(response: &str) -> serde_json::Value {
    let (head, rest) = response.split_once("\r\n\r\n").unwrap_or(("", ""));
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let text = if chunked {
        let mut out = String::new();
        let mut rest = rest;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
            if n == 0 {
                break;
            }
            out.push_str(&after[..n]);
            rest = &after[n + 2..];
        }
        out
    } else {
        rest.to_string()
    };
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:.300}"))
}

pub fn wait_for_health(child: &mut Child, port: u16) -> String {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("gridd exited early with {status}");
        }
        if let Some(resp) = http_get(port, "/api/health") {
            return resp;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("gridd did not answer /api/health within 60 s");
}

/// `gridd serve` on `db`, loading the fixture city if the store is empty.
pub fn serve(db: &str, port: u16) -> Child {
    serve_with(db, port, &[])
}

/// [`serve`] with more flags.
pub fn serve_with(db: &str, port: u16, flags: &[&str]) -> Child {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/fixture");
    Command::new(env!("CARGO_BIN_EXE_gridd"))
        .args([
            "serve",
            "--db",
            db,
            "--bind",
            "127.0.0.1",
            "--load-if-empty",
            fixture,
        ])
        .args(flags)
        .arg("--port")
        .arg(port.to_string())
        .env("GRIDD_WEB", "/nonexistent")
        .env("GRIDD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gridd starts")
}

/// A new, empty database on the `GRIDD_TEST_PG` cluster, from a test without a runtime.
pub fn pg_fresh_database() -> String {
    tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(super::pg_fresh_database())
}
