//! An acknowledged incident survives `kill -9`: clients post reports concurrently, the
//! server is killed without warning mid-stream, restarted on the same store, and every
//! report that got a 201 is there with the id it was given. On both stores.

use crate::common;

use crate::common::process::{
    body, first_admin, free_port, http_as, json_body, serve, wait_for_health,
};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 16;

/// The id in a `201 Created` answer, if the answer is one.
fn acknowledged_id(response: &str) -> Option<i64> {
    if !response.starts_with("HTTP/1.1 201") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(body(response)).ok()?;
    v["id"].as_i64()
}

fn post_until_killed(db: &str) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let token = Arc::new(first_admin(db));
    let port = free_port();
    let mut child = serve(db, port);
    wait_for_health(&mut child, port);
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (acked, stop, token) = (acked.clone(), stop.clone(), token.clone());
            std::thread::spawn(move || {
                let mut i = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    let lng = 110.431 + f64::from(i % 180) * 0.0001;
                    let lat = 35.471 + (c as f64) * 0.0005;
                    let report = format!(
                        r#"{{"lng":{lng},"lat":{lat},"category":"e_street_order","description":"client {c} report {i}"}}"#
                    );
                    if let Some(id) = http_as(&token, port, "POST", "/api/incidents", &report)
                        .as_deref()
                        .and_then(acknowledged_id)
                    {
                        acked.lock().unwrap().insert(id);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    // Let reports flow, then kill without warning while they still do.
    let start = Instant::now();
    while acked.lock().unwrap().len() < 300 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 300,
        "only {} reports were acknowledged",
        acked.len()
    );

    // Restart on the same store and read everything back.
    let port = free_port();
    let mut child = serve(db, port);
    wait_for_health(&mut child, port);
    let listing = http_as(&token, port, "GET", "/api/incidents?limit=10000", "").expect("listing");
    child.kill().unwrap();
    child.wait().unwrap();
    let v = json_body(&listing);
    assert!(v.get("next").is_none(), "one page holds them all");
    let stored: BTreeSet<i64> = v["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["properties"]["id"].as_i64())
        .collect();
    (acked, stored)
}

fn assert_survived(acked: &BTreeSet<i64>, stored: &BTreeSet<i64>) {
    let lost: Vec<&i64> = acked.difference(stored).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged incidents were lost after kill -9, e.g. {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(10)]
    );
}

#[test]
fn every_acknowledged_incident_survives_kill_9_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("kill9.db").display());
    let (acked, stored) = post_until_killed(&db);
    assert_survived(&acked, &stored);
}

#[test]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
fn every_acknowledged_incident_survives_kill_9_on_postgis() {
    let db = common::process::pg_fresh_database();
    let (acked, stored) = post_until_killed(&db);
    assert_survived(&acked, &stored);
}
