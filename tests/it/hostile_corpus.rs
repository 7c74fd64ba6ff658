//! The hostile corpus (`tests/hostile/cases.jsonl`, written by `make_cases.py`): every case
//! is sent to a server on the fixture city, on both stores; each must get its status, answer
//! errors in the JSON shape (`error` and `message`, the kind where the case names one), and
//! write nothing (the store's counts, drafts and versions are as before). All mismatches are
//! listed at once.

use crate::common;

use axum::body::Body;
use axum::http::Request;
use gridd::app::App;
use gridd::http::HttpOptions;
use gridd::store::Store;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    every_hostile_case_gets_its_status_a_json_error_and_writes_nothing,
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    method: String,
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<String>,
    body_repeat: Option<Repeat>,
    status: u16,
    error: Option<String>,
    contains: Option<String>,
    writes: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repeat {
    #[serde(default)]
    before: String,
    text: String,
    times: usize,
    #[serde(default)]
    after: String,
}

fn cases() -> Vec<Case> {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/hostile/cases.jsonl");
    std::fs::read_to_string(file)
        .expect("the corpus is readable")
        .lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("cases.jsonl line {}: {e}", i + 1))
        })
        .collect()
}

/// What a case may not change.
async fn written(store: &Arc<dyn Store>) -> String {
    format!(
        "{:?} drafts {} versions {}",
        store.counts().await.unwrap(),
        store.drafts().await.unwrap().len(),
        store.versions().await.unwrap().len()
    )
}

async fn every_hostile_case_gets_its_status_a_json_error_and_writes_nothing(store: Arc<dyn Store>) {
    let all = cases();
    assert!(all.len() >= 200, "the corpus holds {} cases", all.len());
    let app = App::load(Arc::clone(&store)).await.unwrap();
    let r = common::admin_app(app, &HttpOptions::default()).await;
    // Incident 1, for the cases about case transitions.
    let good = serde_json::json!({"lng": 110.4319, "lat": 35.4765, "category": "e_environment"});
    let req = Request::post("/api/incidents")
        .header("content-type", "application/json")
        .body(Body::from(good.to_string()))
        .unwrap();
    let (status, v) = common::call(r.clone(), req).await;
    assert_eq!((status.as_u16(), v["id"].as_i64()), (201, Some(1)), "{v}");
    let mut wrong = Vec::new();
    for c in &all {
        let before = written(&store).await;
        let mut req = Request::builder().method(c.method.as_str()).uri(&c.path);
        for (k, v) in &c.headers {
            req = req.header(k, v);
        }
        let body = match (&c.body, &c.body_repeat) {
            (_, Some(r)) => format!("{}{}{}", r.before, r.text.repeat(r.times), r.after),
            (Some(b), None) => b.clone(),
            (None, None) => String::new(),
        };
        let (status, v) = common::call(r.clone(), req.body(Body::from(body)).unwrap()).await;
        let mut problems = Vec::new();
        if status.as_u16() != c.status {
            problems.push(format!("status {} (wanted {})", status.as_u16(), c.status));
        }
        if status.is_client_error() || status.is_server_error() {
            let kind = v["error"].as_str().unwrap_or("");
            let message = v["message"].as_str().unwrap_or("");
            if kind.is_empty() || message.is_empty() {
                problems.push("no JSON error and message".to_string());
            }
            if let Some(want) = &c.error {
                if kind != want {
                    problems.push(format!("error {kind:?} (wanted {want:?})"));
                }
            }
            if let Some(want) = &c.contains {
                if !message.contains(want.as_str()) {
                    problems.push(format!("message lacks {want:?}"));
                }
            }
        }
        if !c.writes && written(&store).await != before {
            problems.push("it wrote something".to_string());
        }
        if !problems.is_empty() {
            let shown: String = v.to_string().chars().take(200).collect();
            wrong.push(format!("{}: {} — {shown}", c.name, problems.join("; ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases went wrong:\n{}",
        wrong.len(),
        all.len(),
        wrong.join("\n")
    );
}
