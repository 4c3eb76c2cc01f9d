//! The `coverage` kind end to end on fixtures/coverage (expected.toml there):
//! lcov, Cobertura and llvm-cov reports with paths that need mapping, files
//! the repository does not have, merged reports, and every way a report can
//! be missing or broken (exit 2, naming the file and what is wrong).

use crate::common;

use common::expected::Expected;
use common::{counts, offenders};
use serde_json::json;

fn stderr_of(dir: &tempfile::TempDir) -> String {
    common::error_in(dir.path())
}

#[test]
fn every_format_with_mapped_and_unmatched_paths() {
    let dir = common::fixture_copy("coverage");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, r, stderr) = common::json(&[&root]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("coverage").check(code, &r);
    assert_eq!(
        common::metric(&r, "lcov")["offenders"][0]["line"],
        json!(null)
    );
    assert!(
        common::metric(&r, "merged")
            .get("unmatched_report_paths")
            .is_none()
    );
    assert!(
        r["notes"].as_array().expect("notes").contains(&json!(
            "metric 'cobertura': 1 file the coverage report names is not in the repository (not scored): vendor/lib.py"
        )),
        "{:#}",
        r["notes"]
    );
}

#[test]
fn absolute_paths_under_the_root_and_metric_filters() {
    let dir = common::fixture_copy("coverage");
    let root = dir.path().canonicalize().expect("temp root");
    std::fs::write(
        root.join("reports/abs.info"),
        format!(
            "SF:{}/src/app/views.py\nDA:1,1\nDA:2,0\nend_of_record\nSF:{}/src/lib.rs\nDA:1,0\nend_of_record\n",
            root.display(),
            root.display()
        ),
    )
    .expect("write report");
    common::config_file(
        &dir,
        "[metrics.absolute]\nkind = \"coverage\"\nreport = \"reports/abs.info\"\n\
         [metrics.python-only]\nkind = \"coverage\"\nreport = \"reports/abs.info\"\nlanguages = [\"python\"]\n",
    );
    let (code, r, stderr) = common::json(&[root.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(counts(&r, "absolute"), (1, 3));
    assert_eq!(
        offenders(&r, "absolute"),
        ["src/app/views.py views.py", "src/lib.rs lib.rs"]
    );
    assert_eq!(counts(&r, "python-only"), (1, 2));
}

/// The whole run on `dir`, its path written as `[ROOT]`.
fn outcome(dir: &tempfile::TempDir) -> String {
    let out = common::qscan()
        .arg(dir.path())
        .output()
        .expect("qscan runs");
    common::cli::outcome(&out, &[(dir.path(), "[ROOT]")])
}

#[test]
fn a_malformed_report_names_the_file_and_the_problem() {
    let dir = common::fixture_copy("coverage");
    common::config_file(
        &dir,
        "[metrics.coverage]\nreport = \"reports/broken.info\"\n",
    );
    insta::assert_snapshot!("malformed_lcov", outcome(&dir));
}

#[test]
fn malformed_xml_and_json_reports() {
    let dir = common::fixture_copy("coverage");
    std::fs::write(
        dir.path().join("reports/cut.xml"),
        "<?xml version=\"1.0\"?>\n<coverage>\n  <packages>\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("reports/other.json"),
        "{\"coverage\": 87}\n",
    )
    .expect("write");
    common::config_file(&dir, "[metrics.coverage]\nreport = \"reports/cut.xml\"\n");
    let stderr = stderr_of(&dir);
    assert!(
        stderr.contains("the coverage report `reports/cut.xml` is malformed: invalid XML: "),
        "{stderr}"
    );
    common::config_file(
        &dir,
        "[metrics.coverage]\nreport = \"reports/other.json\"\n",
    );
    let stderr = stderr_of(&dir);
    assert!(
        stderr.contains("the coverage report `reports/other.json` is malformed: it is JSON but not an llvm-cov export: it has no \"data\" array"),
        "{stderr}"
    );
}

#[test]
fn a_missing_report_or_a_glob_matching_nothing_is_an_error() {
    let dir = common::fixture_copy("coverage");
    common::config_file(
        &dir,
        "[metrics.coverage]\nreport = \"reports/missing.info\"\n",
    );
    insta::assert_snapshot!("missing_report", outcome(&dir));
    common::config_file(&dir, "[metrics.coverage]\nreport = \"out/**/lcov.info\"\n");
    insta::assert_snapshot!("glob_matching_nothing", outcome(&dir));
}

#[test]
fn report_settings_are_checked_when_the_definition_loads() {
    let dir = common::fixture_copy("coverage");
    common::config_file(
        &dir,
        "[metrics.a]\nkind = \"coverage\"\n[metrics.b]\nkind = \"coverage\"\nreport = \"reports/[x.info\"\n\
         [metrics.c]\nkind = \"coverage\"\nreport = \"x.info\"\nmax_lines = 3\n",
    );
    let stderr = stderr_of(&dir);
    for expected in [
        "quality.toml:1:1: metric `a` of kind `coverage` needs `report`",
        "quality.toml:5:10: invalid glob `reports/[x.info` in report",
        "quality.toml:9:13: `max_lines` does not apply to metric `c` of kind `coverage` (its keys: report)",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}
