//! The `gridd serve` process against clients that hold connections (the hostile-clients
//! issue): half-sent headers and idle keep-alive connections are closed after their
//! timeouts, and over the connection cap a client gets a 503 with the JSON error.

use crate::common::process::{
    body, first_admin, free_port, http_as, json_body, serve_with, wait_for_health,
};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(flags: &[&str]) -> (Server, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    first_admin(&db);
    let port = free_port();
    let mut child = serve_with(&db, port, flags);
    wait_for_health(&mut child, port);
    (Server(child), port, dir)
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

/// Reads until the server closes the connection; what it sent, and how long that took.
fn until_closed(s: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server kept the connection open: {e}"),
        }
    }
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_client_that_never_finishes_its_headers_is_disconnected_after_the_header_timeout() {
    let (_server, port, _dir) = start(&["--header-timeout-s", "1"]);
    let mut s = connect(port);
    s.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .unwrap();
    let (_, waited) = until_closed(&mut s);
    assert!(waited < Duration::from_secs(10), "closed after {waited:?}");
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let (_server, port, _dir) = start(&["--idle-timeout-s", "1"]);
    let mut s = connect(port);
    s.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let (answer, waited) = until_closed(&mut s);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(waited < Duration::from_secs(10), "closed after {waited:?}");
}

#[test]
fn over_the_connection_cap_a_client_gets_503_with_a_json_error_and_is_served_once_one_closes() {
    let (_server, port, _dir) = start(&["--max-connections", "2"]);
    let held: Vec<TcpStream> = (0..2).map(|_| connect(port)).collect();
    // The connection that waited for health may take a moment to give its place back.
    let mut answer = String::new();
    for _ in 0..50 {
        let mut third = connect(port);
        third
            .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        answer = until_closed(&mut third).0;
        if !answer.starts_with("HTTP/1.1 200") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    let v: serde_json::Value = serde_json::from_str(body(&answer)).unwrap();
    assert_eq!(v["error"], "unavailable", "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("2 connections"),
        "{v}"
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    let answer = crate::common::process::http_get(port, "/api/health").unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_client_that_stops_reading_a_large_page_is_disconnected_and_its_rows_go_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("gridd.db").display());
    let token = first_admin(&db);
    let port = free_port();
    let mut child = serve_with(
        &db,
        port,
        &[
            "--idle-timeout-s",
            "1",
            "--listing-rows",
            "10001",
            "--listing-wait-s",
            "1",
        ],
    );
    wait_for_health(&mut child, port);
    let _server = Server(child);
    // 10,000 reports with long descriptions: a page of ~25 MB, more than socket buffers hold.
    let long = "井盖".repeat(999);
    let lines: Vec<String> = (0..10_000)
        .map(|i| {
            format!(
                r#"{{"lng":{},"lat":35.471,"category":"e_street_order","description":"{long}"}}"#,
                110.431 + f64::from(i % 90) * 0.0001
            )
        })
        .collect();
    let loaded = http_as(
        &token,
        port,
        "POST",
        "/api/incidents/bulk",
        &lines.join("\n"),
    )
    .unwrap();
    assert!(loaded.starts_with("HTTP/1.1 200"), "{}", &loaded[..200]);

    // A client asks for the whole page and reads nothing.
    let mut stalled = connect(port);
    write!(
        stalled,
        "GET /api/incidents?limit=10000 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // Its page holds the rows every listing shares: another listing is told the server is busy.
    let busy = http_as(&token, port, "GET", "/api/incidents?limit=10", "").unwrap();
    assert!(busy.starts_with("HTTP/1.1 503"), "{busy}");
    // Within a few idle timeouts the stalled client is dropped and listings are served again.
    let started = Instant::now();
    let served = loop {
        let answer = http_as(&token, port, "GET", "/api/incidents?limit=10", "").unwrap();
        if answer.starts_with("HTTP/1.1 200") {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "still refused after {:?}: {answer}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(json_body(&served)["numberReturned"], 10);
    // The stalled connection was closed: reading it to the end stops short of the page.
    let (received, _) = until_closed(&mut stalled);
    assert!(received.len() < 20_000_000, "{} bytes", received.len());
}
