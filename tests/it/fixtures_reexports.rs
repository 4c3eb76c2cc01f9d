//! The re-exports fixture (`fixtures/reexports`): test association through
//! package facades in Python, JavaScript and Rust, exactly as counted by
//! hand in `fixtures/reexports/expected.toml`.

use crate::common;

use common::expected::Expected;

#[test]
fn reexports_fixture_associates_through_facades() {
    let dir = common::fixture_copy("reexports");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let config = dir.path().join("quality.toml");
    let config = config.to_str().expect("utf-8 temp path").to_string();
    let (code, report, stderr) = common::json(&[root.as_str(), "--config", config.as_str()]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("reexports").check(code, &report);
}
