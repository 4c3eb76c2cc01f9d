//! The JavaScript and TypeScript fixture projects, scanned end to end: every
//! metric's counts and offenders as hand-counted in each fixture's EXPECTED.md.

use crate::common;

use serde_json::{Value, json};

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

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn details(report: &Value, metric: &str) -> Vec<String> {
    common::metric(report, metric)["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .map(|o| o["detail"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn javascript_fixture() {
    let (code, report) = scan("javascript", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["files"]["scanned"], 10);
    assert_eq!(report["files"]["by_language"], json!({ "javascript": 10 }));
    assert_eq!(report["files"]["skipped"], json!([]));
    assert_eq!(report["score"], 57.3);

    assert_eq!(common::counts(&report, "typed"), (0, 27));
    assert_eq!(
        common::offenders(&report, "typed"),
        strings(&[
            "src/__tests__/api.js:5 <anonymous>",
            "src/__tests__/api.js:6 <anonymous>",
            "src/api.js:6 getUser",
            "src/api.js:11 listUsers",
            "src/api.js:13 <anonymous>",
            "src/big.js:14 constructor",
            "src/big.js:19 add",
            "src/big.js:24 total",
            "src/big.js:25 <anonymous>",
            "src/big.js:28 line",
            "src/big.js:37 render",
            "src/big.js:47 post",
            "src/big.js:48 <anonymous>",
            "src/big.js:49 <anonymous>",
            "src/big.js:50 <anonymous>",
            "src/db/index.js:4 connect",
            "src/db/index.js:9 query",
            "src/db/index.js:10 clean",
            "src/helpers.js:5 slugify",
            "src/helpers.js:9 capitalize",
            "src/helpers.js:13 truncate",
            "src/helpers.js:21 pad",
            "src/helpers.test.js:4 <anonymous>",
            "src/legacy.js:4 download",
            "test/big.spec.js:4 <anonymous>",
            "test/storage.js:5 <anonymous>",
            "test/storage.js:6 <anonymous>",
        ])
    );

    assert_eq!(common::counts(&report, "test-association"), (4, 5));
    assert_eq!(
        common::offenders(&report, "test-association"),
        strings(&["src/legacy.js legacy.js"])
    );

    assert_eq!(common::counts(&report, "large-files"), (9, 10));
    assert_eq!(
        common::offenders(&report, "large-files"),
        strings(&["src/big.js big.js"])
    );
    assert_eq!(
        details(&report, "large-files"),
        strings(&["45 code lines (max 40)"])
    );

    assert_eq!(common::counts(&report, "interface-width"), (5, 6));
    assert_eq!(
        common::offenders(&report, "interface-width"),
        strings(&["src/helpers.js helpers.js"])
    );
    assert_eq!(
        details(&report, "interface-width"),
        strings(&["4 public items (max 3)"])
    );

    assert_eq!(common::counts(&report, "http-client"), (1, 3));
    assert_eq!(
        common::offenders(&report, "http-client"),
        strings(&["src/big.js:2 https", "src/legacy.js:2 node-fetch"])
    );
}

#[test]
fn javascript_fixture_fails_a_gate_above_its_score() {
    let (code, report) = scan("javascript", &["--min-score", "60"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["passed"], false);
}

#[test]
fn typescript_fixture() {
    let (code, report) = scan("typescript", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["files"]["scanned"], 10);
    assert_eq!(
        report["files"]["by_language"],
        json!({ "javascript": 1, "typescript": 9 })
    );
    assert_eq!(report["files"]["skipped"], json!([]));
    assert_eq!(report["score"], 77.1);

    assert_eq!(common::counts(&report, "typed"), (23, 23));
    assert_eq!(common::offenders(&report, "typed"), Vec::<String>::new());

    assert_eq!(common::counts(&report, "test-association"), (3, 5));
    assert_eq!(
        common::offenders(&report, "test-association"),
        strings(&["src/table.tsx table.tsx", "src/fetcher.ts fetcher.ts"])
    );

    assert_eq!(common::counts(&report, "large-files"), (9, 10));
    assert_eq!(
        common::offenders(&report, "large-files"),
        strings(&["src/table.tsx table.tsx"])
    );
    assert_eq!(
        details(&report, "large-files"),
        strings(&["49 code lines (max 40)"])
    );

    assert_eq!(common::counts(&report, "interface-width"), (6, 7));
    assert_eq!(
        common::offenders(&report, "interface-width"),
        strings(&["src/models.ts models.ts"])
    );
    assert_eq!(
        details(&report, "interface-width"),
        strings(&["5 public items (max 3)"])
    );

    assert_eq!(common::counts(&report, "http-client"), (1, 2));
    assert_eq!(
        common::offenders(&report, "http-client"),
        strings(&["src/fetcher.ts:2 node-fetch, https"])
    );
}
