//! The Java fixture (`fixtures/java`): every metric's exact counts and
//! offenders, as worked out by hand in `fixtures/java/expected.toml`.

use crate::common;

use common::expected::Expected;
use serde_json::Value;

fn scan(extra: &[&str]) -> (i32, Value, String) {
    let dir = common::fixture_copy("java");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let config = dir.path().join("quality.toml");
    let config = config.to_str().expect("utf-8 temp path").to_string();
    let mut args = vec![root.as_str(), "--config", config.as_str()];
    args.extend_from_slice(extra);
    common::json(&args)
}

#[test]
fn java_fixture_counts_and_offenders() {
    let (code, report, stderr) = scan(&[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("java").check(code, &report);
}

#[test]
fn java_fixture_fails_a_gate_above_its_score() {
    assert!(Expected::of("java").score < 80.0);
    let (code, report, _) = scan(&["--min-score", "80"]);
    assert_eq!(code, 1);
    assert_eq!(report["passed"], false);
}
