//! The Python fixture's hand-counted numbers (fixtures/python/expected.toml).

use crate::common;

use common::expected::{Expected, Offender};

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
    let Some(Offender::Detailed { at, detail }) = offenders.first() else {
        panic!("expected.toml gives typed's worst offender with its detail");
    };
    let worst = format!(
        "\ntyped — {} offenders, worst first:\n  {at} — {detail}\n",
        offenders.len()
    );
    assert!(text.contains(&worst), "{text}");
    assert!(
        text.contains(
            "  shop/big.py — 16 functions, and no test is named after it or imports it\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  … and {} more (--format json lists them all)",
            offenders.len() - 5
        )),
        "{text}"
    );
}
