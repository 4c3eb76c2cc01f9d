//! The JavaScript and TypeScript fixture projects, scanned end to end: every
//! metric's counts and offenders as hand-counted in each fixture's expected.toml.

use crate::common;

use common::expected::Expected;
use serde_json::Value;

fn scan(name: &str, extra: &[&str]) -> (i32, Value) {
    let dir = common::fixture_copy(name);
    let root = dir.path().to_str().expect("utf-8 temp path");
    let config = dir.path().join("quality.toml");
    let config = config.to_str().expect("utf-8 temp path");
    let mut args = vec![root, "--config", config];
    args.extend_from_slice(extra);
    let (code, report, stderr) = common::json(&args);
    assert!(
        !stderr.contains("panicked"),
        "qscan panicked on the {name} fixture:\n{stderr}"
    );
    (code, report)
}

#[test]
fn javascript_fixture() {
    let (code, report) = scan("javascript", &[]);
    Expected::of("javascript").check(code, &report);
}

#[test]
fn javascript_fixture_fails_a_gate_above_its_score() {
    assert!(Expected::of("javascript").score < 60.0);
    let (code, report) = scan("javascript", &["--min-score", "60"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["passed"], false);
}

#[test]
fn typescript_fixture() {
    let (code, report) = scan("typescript", &[]);
    Expected::of("typescript").check(code, &report);
}
