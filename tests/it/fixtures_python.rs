//! The Python fixture's hand-counted numbers (fixtures/python/expected.toml).

use crate::common;

use common::expected::Expected;

fn report() -> (i32, serde_json::Value) {
    let dir = common::fixture_copy("python");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, report, stderr) = common::json(&[&root]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, report)
}

#[test]
fn python_fixture_metrics() {
    let (code, report) = report();
    Expected::of("python").check(code, &report);
}

#[test]
fn text_report_lists_worst_offenders_of_failing_metrics() {
    let expected = Expected::of("python");
    let dir = common::fixture_copy("python");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--color", "never", "--min-score", "75"])
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let score = expected.score;
    assert!(
        text.contains(&format!("score {score} (min 75) — gate FAILED")),
        "{text}"
    );
    assert!(
        text.contains(&format!("the score {score} is below the minimum 75")),
        "{text}"
    );
    let typed = expected.metric("typed");
    let row = text
        .lines()
        .find(|l| l.starts_with("typed "))
        .unwrap_or_default();
    let value = typed.value.expect("typed's value");
    let counts = format!("{}/{} function", typed.compliant, typed.total);
    assert!(
        row.contains(&format!("{value}%")) && row.contains(&counts),
        "{text}"
    );
    let offenders = typed.offenders.as_deref().expect("typed's offenders");
    // Grouped by file, most offenders first (no history: the fixture is no
    // repository): shop/models.py holds 3 of them, the other 7 files one each.
    assert_eq!(offenders.len(), 10);
    let worst = "\ntyped — 10 offenders in 8 files, most offenders first:\n  \
                 shop/models.py — 3 untyped functions\n  \
                 shop/api.py:4 fetch — 1 parameter and the return unannotated\n";
    assert!(text.contains(worst), "{text}");
    assert!(
        text.contains(
            "  shop/big.py — 16 functions, and no test is named after it or imports it\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  … and 3 more files (--format json lists them all)"),
        "{text}"
    );
}
