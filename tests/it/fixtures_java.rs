//! The Java fixture (`fixtures/java`): every metric's exact counts and
//! offenders, as worked out by hand in `fixtures/java/expected.toml`.

use crate::common;

use common::expected::Expected;
use serde_json::Value;

fn scan(extra: &[&str]) -> (i32, Value, String) {
    common::scan_fixture("java", extra)
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
