//! The OpenAPI document (`GET /api/openapi.json`) describes exactly the routes the router
//! serves, every schema it refers to is in it, and it is served to anyone.

use gridd::http::openapi;
use serde_json::Value;
use std::collections::BTreeSet;

#[test]
fn the_document_describes_every_route_the_router_serves_and_no_other() {
    let served: BTreeSet<(String, String)> = gridd::http::routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    let described: BTreeSet<(String, String)> = openapi::described()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = served.difference(&described).collect();
    let extra: Vec<_> = described.difference(&served).collect();
    assert!(missing.is_empty(), "served but not described: {missing:?}");
    assert!(extra.is_empty(), "described but not served: {extra:?}");
    // And the document itself lists each as an operation.
    let doc = serde_json::to_value(openapi::document()).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            ops.insert((m.to_uppercase(), path.clone()));
        }
    }
    assert_eq!(ops, served);
}

#[test]
fn every_schema_the_document_refers_to_is_in_it() {
    let doc = serde_json::to_value(openapi::document()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut refs = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&doc, &mut refs);
    assert!(refs.len() > 50, "{} references", refs.len());
    for r in refs {
        let name = r.strip_prefix("#/components/schemas/").expect(&r);
        assert!(schemas.contains_key(name), "{r} is not in components");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
