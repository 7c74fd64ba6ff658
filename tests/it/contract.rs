//! The frontend's API types are generated from the server's: `web/src/api/generated.ts` must
//! be exactly what `gridd::http::contract::typescript()` gives (`make types` rewrites it).

use std::path::PathBuf;

#[test]
fn the_typescript_api_types_are_the_ones_generated_from_the_rust_types() {
    let want = gridd::http::contract::typescript();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/src/api/generated.ts");
    if std::env::var_os("GRIDD_WRITE_TYPES").is_some() {
        std::fs::write(&path, &want).expect("web/src/api/generated.ts is writable");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "web/src/api/generated.ts differs from the Rust types in server/src/http/contract.rs; run `make types` and commit it"
    );
}
