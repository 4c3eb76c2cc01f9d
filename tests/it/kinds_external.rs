//! The `external` kind end to end on fixtures/external (expected.toml there):
//! numbers from another tool's JSON held to bounds, and every way the file
//! can fail to give one (exit 2 with a clear message).

use crate::common;

use common::expected::Expected;
use serde_json::json;

fn error_with(config: &str) -> String {
    let dir = common::fixture_copy("external");
    std::fs::write(dir.path().join("loadtest/broken.json"), "{\"p95\": 1,\n").expect("write");
    common::config_file(&dir, config);
    common::error_in(dir.path())
}

#[test]
fn numbers_within_and_out_of_bounds() {
    let dir = common::fixture_copy("external");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, r, stderr) = common::json(&[&root]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("external").check(code, &r);
    assert_eq!(
        common::metric(&r, "cold-start-p95")["offenders"][0]["line"],
        json!(null)
    );
    assert_eq!(common::metric(&r, "throughput")["passed"], true);
}

#[test]
fn text_report_shows_the_number() {
    let dir = common::fixture_copy("external");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--color", "never"])
        .output()
        .expect("qscan runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("cold-start-p95    0.0%  within its bound  FAIL    number = 912.5\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  loadtest/summary.json — `/latency_ms/p95` is 912.5, above the maximum 800\n"
        ),
        "{text}"
    );
}

#[test]
fn what_cannot_be_read_is_an_error() {
    let run = |file: &str, pointer: &str| {
        let dir = common::fixture_copy("external");
        std::fs::write(dir.path().join("loadtest/broken.json"), "{\"p95\": 1,\n").expect("write");
        common::config_file(
            &dir,
            &format!(
                "[metrics.p95]\nkind = \"external\"\nfile = \"{file}\"\npointer = \"{pointer}\"\nmax = 800\n"
            ),
        );
        let out = common::qscan()
            .arg(dir.path())
            .output()
            .expect("qscan runs");
        common::cli::outcome(&out, &[(dir.path(), "[ROOT]")])
    };
    insta::assert_snapshot!("missing_file", run("loadtest/missing.json", "/p95"));
    // What the file holds is not quoted: it may be no metrics file at all.
    insta::assert_snapshot!("a_string", run("loadtest/summary.json", "/label"));
    insta::assert_snapshot!(
        "nothing_at_the_pointer",
        run("loadtest/summary.json", "/latency_ms/p999")
    );
    insta::assert_snapshot!("invalid_json", run("loadtest/broken.json", "/p95"));
}

#[test]
fn bounds_and_pointer_are_checked_when_the_definition_loads() {
    let e = error_with(
        "[metrics.a]\nkind = \"external\"\nfile = \"x.json\"\n\
         [metrics.b]\nkind = \"external\"\nfile = \"x.json\"\npointer = \"latency\"\nmax = 1\n\
         [metrics.c]\nkind = \"external\"\nfile = \"x.json\"\nmin = 10\nmax = 5\n\
         [metrics.d]\nkind = \"external\"\nmax = 5\n",
    );
    for expected in [
        "quality.toml:1:1: metric `a` of kind `external` needs `max` or `min`: the bound on the number",
        "quality.toml:7:11: `latency` is not a JSON pointer",
        "quality.toml:9:1: metric `c`: min (10) is above max (5), so no number passes",
        "quality.toml:14:1: metric `d` of kind `external` needs `file`",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in:\n{e}");
    }
}

#[test]
fn min_is_a_bound_not_a_percentage_for_external() {
    let dir = common::fixture_copy("external");
    common::config_file(
        &dir,
        "[metrics.rps]\nkind = \"external\"\nfile = \"loadtest/summary.json\"\npointer = \"/rps\"\nmin = 250\n",
    );
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, r, _) = common::json(&[&root]);
    assert_eq!(code, 1);
    assert_eq!(
        common::metric(&r, "rps")["offenders"][0]["detail"],
        "`/rps` is 240, below the minimum 250"
    );
}
