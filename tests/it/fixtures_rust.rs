//! The Rust fixture (`fixtures/rust`): every metric's exact counts and
//! offenders, as worked out by hand in `fixtures/rust/EXPECTED.md`.

use crate::common;

use serde_json::Value;

fn scan(extra: &[&str]) -> (i32, Value, String) {
    let dir = common::fixture_copy("rust");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let config = dir.path().join("quality.toml");
    let config = config.to_str().expect("utf-8 temp path").to_string();
    let mut args = vec![root.as_str(), "--config", config.as_str()];
    args.extend_from_slice(extra);
    common::json(&args)
}

#[test]
fn rust_fixture_counts_and_offenders() {
    let (code, report, stderr) = scan(&[]);
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert_eq!(report["files"]["scanned"], 11);
    assert_eq!(report["files"]["by_language"]["rust"], 11);
    assert_eq!(report["files"]["skipped"].as_array().map(Vec::len), Some(0));

    assert_eq!(common::counts(&report, "typed"), (21, 21));
    assert!(common::offenders(&report, "typed").is_empty());

    assert_eq!(common::counts(&report, "test-association"), (4, 8));
    assert_eq!(
        common::offenders(&report, "test-association"),
        [
            "src/legacy.rs legacy.rs",
            "src/unchecked.rs unchecked.rs",
            "src/big.rs big.rs",
            "src/config/mod.rs mod.rs",
        ]
    );

    assert_eq!(common::counts(&report, "large-files"), (10, 11));
    assert_eq!(
        common::offenders(&report, "large-files"),
        ["src/big.rs big.rs"]
    );
    assert_eq!(
        common::metric(&report, "large-files")["offenders"][0]["detail"],
        "49 code lines (max 40)"
    );

    assert_eq!(common::counts(&report, "interface-width"), (9, 10));
    assert_eq!(
        common::offenders(&report, "interface-width"),
        ["src/wide.rs wide.rs"]
    );
    assert_eq!(
        common::metric(&report, "interface-width")["offenders"][0]["detail"],
        "9 public items (max 3)"
    );

    assert_eq!(common::counts(&report, "http-client"), (1, 2));
    assert_eq!(
        common::offenders(&report, "http-client"),
        ["src/legacy.rs:3 ureq, hyper"]
    );

    assert_eq!(report["score"], 76.2);
    assert_eq!(report["passed"], true);
}

#[test]
fn rust_fixture_fails_a_gate_above_its_score() {
    let (code, report, _) = scan(&["--min-score", "80"]);
    assert_eq!(code, 1);
    assert_eq!(report["passed"], false);
}
