//! The Python fixture's hand-counted numbers (fixtures/python/EXPECTED.md).

use crate::common;

use common::{counts, offenders};

fn report() -> serde_json::Value {
    let dir = common::fixture_copy("python");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, report, stderr) = common::json(&[&root]);
    assert_eq!(code, 0, "{stderr}");
    report
}

#[test]
fn python_fixture_metrics() {
    let r = report();
    assert_eq!(r["files"]["scanned"], 11);
    assert_eq!(
        r["files"]["by_language"],
        serde_json::json!({ "python": 11 })
    );
    assert_eq!(r["score"], 70.1);
    assert_eq!(r["passed"], true);

    assert_eq!(counts(&r, "typed"), (23, 33));
    assert_eq!(
        offenders(&r, "typed"),
        [
            "shop/legacy.py:7 old_fetch",
            "shop/api.py:4 fetch",
            "shop/checks/test_api_calls.py:4 test_fetch_is_callable",
            "shop/models.py:10 Item.total",
            "shop/models.py:19 Item.empty",
            "shop/models.py:31 Basket.__init__",
            "shop/util.py:10 dumps",
            "tests/conftest.py:5 item",
            "tests/test_helpers.py:4 test_dumps",
            "tests/test_models.py:4 test_basket",
        ]
    );
    let typed = common::metric(&r, "typed");
    assert_eq!(
        typed["offenders"][0]["detail"],
        "3 parameters and the return unannotated"
    );
    assert_eq!(typed["value"], 69.7);

    assert_eq!(counts(&r, "typed-mypy"), (26, 33));
    assert_eq!(
        offenders(&r, "typed-mypy"),
        [
            "shop/api.py:4 fetch",
            "shop/checks/test_api_calls.py:4 test_fetch_is_callable",
            "shop/legacy.py:7 old_fetch",
            "shop/models.py:19 Item.empty",
            "shop/models.py:31 Basket.__init__",
            "tests/conftest.py:5 item",
            "tests/test_helpers.py:4 test_dumps",
        ]
    );

    assert_eq!(counts(&r, "test-association"), (3, 5));
    assert_eq!(
        offenders(&r, "test-association"),
        ["shop/big.py big.py", "shop/legacy.py legacy.py"]
    );

    assert_eq!(counts(&r, "large-files"), (10, 11));
    assert_eq!(offenders(&r, "large-files"), ["shop/big.py big.py"]);
    assert_eq!(
        common::metric(&r, "large-files")["offenders"][0]["detail"],
        "32 code lines (max 30)"
    );

    assert_eq!(counts(&r, "interface-width"), (5, 7));
    assert_eq!(
        offenders(&r, "interface-width"),
        ["shop/big.py big.py", "shop/util.py util.py"]
    );

    assert_eq!(counts(&r, "http-client"), (1, 2));
    assert_eq!(
        offenders(&r, "http-client"),
        ["shop/legacy.py:1 http.client, urllib.request"]
    );
}

#[test]
fn text_report_lists_worst_offenders_of_failing_metrics() {
    let dir = common::fixture_copy("python");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--color", "never", "--min-score", "75"])
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("score 70.1 (min 75) — gate FAILED"), "{text}");
    assert!(
        text.contains("the score 70.1 is below the minimum 75"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.starts_with("typed "))
        .unwrap_or_default();
    assert!(
        row.contains("69.7%") && row.contains("23/33 function"),
        "{text}"
    );
    assert!(text.contains("\ntyped — 10 offenders, worst first:\n  shop/legacy.py:7 old_fetch — 3 parameters and the return unannotated\n"), "{text}");
    assert!(
        text.contains(
            "  shop/big.py — 16 functions, and no test is named after it or imports it\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  … and 5 more (--format json lists them all)"),
        "{text}"
    );
}
