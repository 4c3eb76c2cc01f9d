//! The CI output formats on the Python fixture: SARIF validated against the
//! official SARIF 2.1.0 schema (fixtures/sarif), GitHub annotations and the
//! markdown summary as snapshots, `--output FILE` and `$GITHUB_STEP_SUMMARY`.

use crate::common;

use std::path::Path;

use common::expected::Expected;
use serde_json::Value;

/// The fixture's definition with thresholds, so that some metrics fail.
const STRICT: &str = r#"
[gate]
min_score = 75

[metrics.typed]
python = "complete"
min = 80

[metrics.test-association]
min = 50

[metrics.large-files]
max_lines = 30
max_offenders = 0

[metrics.interface-width]
max_items = 3
min = 80

[metrics.http-client]
kind = "preferred-library"
family = "http"
preferred = ["requests"]
"#;

/// A copy of the Python fixture, with the strict definition when asked
/// (every metric measuring every role, as the fixture's own does in tests).
fn fixture(strict: bool) -> tempfile::TempDir {
    let dir = common::fixture_copy("python");
    if strict {
        std::fs::write(
            dir.path().join("quality.toml"),
            common::with_every_role(STRICT),
        )
        .expect("write definition");
    }
    dir
}

/// Runs `qscan ROOT --format FORMAT` and returns (exit code, stdout).
fn run(root: &Path, format: &str) -> (i32, String) {
    let out = common::qscan()
        .arg(root)
        .args(["--format", format])
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("qscan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

fn sarif_validator() -> jsonschema::Validator {
    let path = common::fixtures().join("sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("read the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, sarif: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// How many offenders fixtures/python/expected.toml lists, over all metrics.
fn offenders_in_expected() -> usize {
    Expected::of("python")
        .metrics
        .values()
        .map(|m| m.offenders.as_ref().map_or(0, Vec::len))
        .sum()
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    for strict in [false, true] {
        let dir = fixture(strict);
        let (code, out) = run(dir.path(), "sarif");
        assert_eq!(code, if strict { 1 } else { 0 });
        let sarif: Value = serde_json::from_str(&out).expect("SARIF is JSON");
        assert_valid(&validator, &sarif);

        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), if strict { 5 } else { 6 });
        let results = run["results"].as_array().expect("results");
        // Every offender of the fixture has a file: all those its
        // expected.toml lists with its own definition, 10 + 2 + 1 + 2 + 1
        // with the strict one.
        let all = offenders_in_expected();
        assert_eq!(results.len(), if strict { 16 } else { all });
        let levels = |level: &str| results.iter().filter(|r| r["level"] == level).count();
        if strict {
            // typed, large-files and interface-width fail.
            assert_eq!((levels("error"), levels("warning")), (13, 3));
        } else {
            assert_eq!((levels("error"), levels("warning")), (0, all));
        }
    }
}

#[test]
fn the_schema_test_rejects_invalid_sarif() {
    // The validator is not vacuous: a level SARIF does not know is refused.
    let validator = sarif_validator();
    let dir = fixture(true);
    let (_, out) = run(dir.path(), "sarif");
    let sarif: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&bad));
    // Formats are checked: a `$schema` that is no URI is refused. (The
    // schema is draft-04, which has no `uri-reference` format, so result
    // paths are not checked here; sarif.rs tests their percent-encoding.)
    let mut bad = sarif.clone();
    bad["$schema"] = Value::from("not a uri");
    assert!(!validator.is_valid(&bad));
    assert!(validator.is_valid(&sarif));
}

#[test]
fn sarif_fingerprints_are_stable_across_runs() {
    let dir = fixture(true);
    let (_, a) = run(dir.path(), "sarif");
    let (_, b) = run(dir.path(), "sarif");
    assert_eq!(a, b);
    let sarif: Value = serde_json::from_str(&a).expect("SARIF is JSON");
    let first = &sarif["runs"][0]["results"][0];
    assert_eq!(first["ruleId"], "typed");
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "shop/legacy.py"
    );
    assert_eq!(
        first["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    assert!(
        first["partialFingerprints"]["qscanOffender/v1"]
            .as_str()
            .is_some_and(|f| f.len() == 16)
    );
}

#[test]
fn github_annotations_snapshot() {
    let dir = fixture(true);
    let (code, out) = run(dir.path(), "github");
    assert_eq!(code, 1);
    insta::assert_snapshot!("github_strict", out);

    let dir = fixture(false);
    let (code, out) = run(dir.path(), "github");
    assert_eq!(code, 0);
    insta::assert_snapshot!("github_passing", out);
}

#[test]
fn markdown_summary_snapshot() {
    let dir = fixture(true);
    let (code, out) = run(dir.path(), "markdown");
    assert_eq!(code, 1);
    insta::assert_snapshot!("markdown_strict", out);

    let dir = fixture(false);
    let (code, out) = run(dir.path(), "markdown");
    assert_eq!(code, 0);
    insta::assert_snapshot!("markdown_passing", out);
}

#[test]
fn output_file_takes_the_report_and_keeps_the_exit_code() {
    let dir = fixture(true);
    let out_dir = tempfile::tempdir().expect("temp dir");
    let file = out_dir.path().join("report.md");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--format", "markdown", "--output"])
        .arg(&file)
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let (_, stdout) = run(dir.path(), "markdown");
    assert_eq!(
        std::fs::read_to_string(&file).expect("the output file"),
        stdout
    );

    // Text written to a file carries no colour.
    let file = out_dir.path().join("report.txt");
    let out = common::qscan()
        .arg(dir.path())
        .args(["-o"])
        .arg(&file)
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&file).expect("the output file");
    assert!(
        text.contains("gate FAILED") && !text.contains('\x1b'),
        "{text}"
    );
}

#[test]
fn unwritable_output_file_is_an_error_naming_it() {
    let dir = fixture(false);
    let missing = dir.path().join("no-such-folder").join("out.sarif");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--format", "sarif", "--output"])
        .arg(&missing)
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot write the output to {}", missing.display())),
        "{stderr}"
    );
}

#[test]
fn github_format_appends_the_summary_to_the_step_summary() {
    let dir = fixture(true);
    let out_dir = tempfile::tempdir().expect("temp dir");
    let summary = out_dir.path().join("step_summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write summary");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("::error title=qscan gate::"), "{stdout}");
    let (_, markdown) = run(dir.path(), "markdown");
    assert_eq!(
        std::fs::read_to_string(&summary).expect("the step summary"),
        format!("earlier step\n{markdown}\n")
    );

    // Other formats leave it alone.
    let out = common::qscan()
        .arg(dir.path())
        .args(["--format", "json"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&summary).expect("the step summary"),
        format!("earlier step\n{markdown}\n")
    );

    // A step summary that cannot be written is an error naming it.
    let bad = out_dir.path().join("missing").join("summary.md");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &bad)
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&bad.display().to_string()), "{stderr}");
}
