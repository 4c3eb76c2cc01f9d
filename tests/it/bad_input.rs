//! Bad input, end to end: every malformed definition, odd file and wrong flag
//! gets a clear message and the right exit code (0 passed, 1 gate failed,
//! 2 usage, configuration or I/O error), and nothing ever panics.
//!
//! Each test builds its input in a throwaway folder, so what is being fed to
//! qscan is visible right in the test.

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use tempfile::TempDir;

/// What one run of the binary gave back.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::qscan();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("qscan runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "qscan panicked:\n{}",
        run.stderr
    );
    run
}

fn run(args: &[&str]) -> Run {
    run_with(args, &[])
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// A folder holding `quality.toml` with `text` (picked up as ROOT/quality.toml).
fn with_config(text: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::config_file(&dir, text);
    dir
}

/// Runs qscan on a folder whose quality.toml is `text`; expects exit 2 and
/// returns stderr.
fn config_error(text: &str) -> String {
    let dir = with_config(text);
    let r = run(&[path(dir.path())]);
    assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "errors go to stderr:\n{}", r.stdout);
    assert!(r.stderr.starts_with("qscan: error: "), "{}", r.stderr);
    r.stderr
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("create dir");
    }
    std::fs::write(p, bytes).expect("write file");
}

/// A definition with one file metric that every file passes.
const PASSING: &str = "[metrics.large-files]\nmax_lines = 500\nmin = 0\n";

/// A definition that fails on any file with more than one code line.
const FAILING: &str = "[metrics.large-files]\nmax_lines = 1\nmin = 100\n";

/// Scans `dir` (which has a quality.toml) as JSON; returns exit code and report.
fn scan_json(dir: &Path) -> (i32, Value) {
    let (code, report, stderr) = common::json(&[path(dir)]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, report)
}

fn skipped(report: &Value) -> &Value {
    &report["files"]["skipped"]
}

// 1
#[test]
fn toml_syntax_error_names_file_line_and_column() {
    let stderr = config_error("[gate]\nmin_score = 70\n[metrics.typed\nmin = 5\n");
    assert!(
        stderr.contains("quality.toml:3:15: unclosed table, expected `]`"),
        "{stderr}"
    );
    // The repository's own file is untrusted: no line of it is quoted (it
    // may be a link to anything); a --config file the user names is shown
    // with the offending line and a caret under the column.
    assert!(!stderr.contains("3 | [metrics.typed"), "{stderr}");
    let dir = tempfile::tempdir().expect("temp dir");
    let own = common::config_file(&dir, "[gate]\nmin_score = 70\n[metrics.typed\nmin = 5\n");
    let r = run(&[path(dir.path()), "--config", path(&own)]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("3 | [metrics.typed\n"), "{}", r.stderr);

    let stderr = config_error("[metrics.typed]\nmin = \n");
    assert!(
        stderr.contains("quality.toml:2:7: string values must be quoted"),
        "{stderr}"
    );
}

// 2
#[test]
fn unknown_key_is_named_with_the_expected_keys() {
    let stderr = config_error("[metrics.typed]\nmin = 50\nmn = 5\n");
    assert!(
        stderr.contains(
            "quality.toml:3:1: unknown field `mn` (did you mean `min`?), expected one of `kind`, `min`,"
        ),
        "{stderr}"
    );

    let stderr = config_error("[scan]\nexclud = [\"docs/**\"]\n");
    assert!(
        stderr.contains(
            "quality.toml:2:1: unknown field `exclud` (did you mean `exclude`?), expected one of `exclude`, `max_file_bytes`, `test_patterns`"
        ),
        "{stderr}"
    );

    let stderr = config_error("[metrcs.typed]\nmin = 5\n");
    assert!(
        stderr.contains(
            "quality.toml:1:2: unknown field `metrcs`, expected one of `scan`, `history`, `gate`, `metrics`"
        ),
        "{stderr}"
    );
}

// 3
#[test]
fn wrong_types_say_what_was_expected_in_plain_words() {
    let stderr = config_error("[metrics.typed]\nmin = \"high\"\n");
    assert!(
        stderr.contains("quality.toml:2:7: invalid type: string \"high\", expected a number"),
        "{stderr}"
    );

    let stderr = config_error("[scan]\nexclude = \"docs\"\n");
    assert!(
        stderr.contains("quality.toml:2:11: invalid type: string \"docs\", expected an array"),
        "{stderr}"
    );

    let stderr = config_error("[metrics.large-files]\nmax_lines = -1\n");
    assert!(
        stderr.contains(
            "quality.toml:2:13: invalid value: integer `-1`, expected a whole number (0 or more)"
        ),
        "{stderr}"
    );

    let stderr = config_error("[metrics]\ntyped = 5\n");
    assert!(
        stderr.contains("quality.toml:2:9: invalid type: integer `5`, expected a table"),
        "{stderr}"
    );
    // No Rust type names leak into messages.
    for rust in ["f64", "u64", "sequence", "struct", "Raw"] {
        assert!(!stderr.contains(rust), "{rust} in {stderr}");
    }
}

// 4
#[test]
fn unknown_kind_suggests_the_near_miss() {
    let stderr = config_error("[metrics.types]\nkind = \"typd\"\n");
    assert!(
        stderr.contains(
            "quality.toml:2:8: unknown metric kind `typd` (did you mean `typed`?); expected one of typed, test-association,"
        ),
        "{stderr}"
    );

    // A name that is not a kind needs an explicit `kind`.
    let stderr = config_error("[metrics.coverage-ish]\nmin = 5\n");
    assert!(
        stderr.contains("quality.toml:1:1: metric `coverage-ish` needs a `kind`"),
        "{stderr}"
    );
}

// 5
#[test]
fn impossible_thresholds_are_all_reported_in_one_run() {
    let stderr = config_error(
        "[gate]\nmin_score = 101\n\
         [metrics.typed]\nmin = 150\nweight = -1\n\
         [metrics.hot]\nkind = \"hot-files\"\nshare = 2\n\
         [metrics.large-files]\nmax_lines = 0\n",
    );
    for expected in [
        "quality.toml:2:13: min_score is a percentage from 0 to 100, found 101",
        "quality.toml:4:7: min is a percentage from 0 to 100, found 150",
        "quality.toml:5:10: weight must be a number of 0 or more",
        "quality.toml:8:9: share is a fraction above 0 and at most 1",
        "quality.toml:10:13: max_lines must be at least 1",
    ] {
        assert!(stderr.contains(expected), "{expected}\nnot in:\n{stderr}");
    }
    assert_eq!(stderr.matches("quality.toml:").count(), 5, "{stderr}");
    assert_eq!(stderr.matches("qscan: error:").count(), 1, "{stderr}");

    // A parser-level problem (unknown key, wrong type) in one table does not
    // hide the problems of the others; they come in file order.
    let stderr = config_error(
        "[metrics.a]\nkind = \"typed\"\nmn = 1\n\
         [metrics.b]\nkind = \"typd\"\n\
         [scan]\nexclude = \"docs\"\n",
    );
    let located: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.split_once("quality.toml:").map(|(_, rest)| rest))
        .map(|rest| rest.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(located, ["3:1", "5:8", "7:11"], "{stderr}");
}

// 6
#[test]
fn duplicate_metric_names_are_an_error() {
    let stderr = config_error(
        "[metrics.x]\nkind = \"typed\"\nmin = 50\n\n[metrics.x]\nkind = \"large-files\"\n",
    );
    assert!(
        stderr.contains("quality.toml:5:10: duplicate key `x`"),
        "{stderr}"
    );

    let stderr = config_error("[metrics.typed]\nmin = 1\nmin = 2\n");
    assert!(
        stderr.contains("quality.toml:3:1: duplicate key `min`"),
        "{stderr}"
    );
}

// 7
#[test]
fn key_of_another_kind_is_an_error() {
    let stderr = config_error("[metrics.t]\nkind = \"typed\"\nmax_lines = 3\n");
    assert!(
        stderr.contains(
            "quality.toml:3:13: `max_lines` does not apply to metric `t` of kind `typed` (its keys: python)"
        ),
        "{stderr}"
    );
}

// 8
#[test]
fn missing_config_file_names_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("ci").join("quality.toml");
    let r = run(&["--config", path(&missing), path(dir.path())]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "qscan: error: cannot read {}: ",
            missing.display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

// 9
#[test]
fn binary_file_is_a_counted_skip_and_the_run_goes_on() {
    let dir = with_config(PASSING);
    write(dir.path(), "blob.py", b"x = 1\0\x01\x02\n");
    write(dir.path(), "ok.py", b"x = 1\n");
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(
        skipped(&report),
        &json!([{ "path": "blob.py", "reason": "binary (contains a NUL byte)" }])
    );
    assert_eq!(report["files"]["scanned"], 1);

    // The skip does not change the gate's verdict: a failing definition still fails.
    common::config_file(&dir, FAILING);
    write(dir.path(), "ok.py", b"x = 1\ny = 2\n");
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 1);
    assert_eq!(skipped(&report).as_array().map(Vec::len), Some(1));

    // The text report counts and lists it.
    let r = run(&[path(dir.path())]);
    assert!(
        r.stdout.contains("files: 1 scanned (python 1), 1 skipped"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("skipped files\n  blob.py — binary (contains a NUL byte)"),
        "{}",
        r.stdout
    );
}

// 10
#[test]
fn invalid_utf8_is_a_counted_skip() {
    let dir = with_config(PASSING);
    write(dir.path(), "bad.py", b"x = \"\xff\xfe\"\n");
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(
        skipped(&report),
        &json!([{ "path": "bad.py", "reason": "invalid UTF-8 at byte 5" }])
    );
}

// 11
#[test]
fn oversized_file_is_a_counted_skip_naming_the_limit() {
    let dir = with_config(&format!("[scan]\nmax_file_bytes = 100\n{PASSING}"));
    write(dir.path(), "big.py", "x = 1\n".repeat(40).as_bytes());
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(
        skipped(&report),
        &json!([{ "path": "big.py", "reason": "larger than max_file_bytes = 100 (240 bytes)" }])
    );
}

// 12
#[test]
fn syntax_errors_skip_a_file_only_when_they_cover_most_of_it() {
    let dir = with_config("[metrics.typed]\nmin = 0\n");
    // A MISSING `)`: `broken` is left out, `fine` is measured.
    write(
        dir.path(),
        "broken.py",
        b"import os\n\ndef broken(:\n    pass\n\ndef fine(x: int) -> int:\n    return x\n",
    );
    // A MISSING `}` at the end: the only function touches it.
    write(dir.path(), "open.js", b"function f() {\n  return 1;\n");
    write(
        dir.path(),
        "junk.py",
        b"x = [1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,]\n",
    );
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(
        skipped(&report),
        &json!([{
            "path": "junk.py",
            "reason": "does not parse (syntax errors cover most of it, the first at line 1)"
        }])
    );
    assert_eq!(
        report["files"]["partly_parsed"],
        json!([{ "path": "broken.py", "line": 3 }, { "path": "open.js", "line": 2 }])
    );
    assert_eq!(report["files"]["scanned"], 2);
    let typed = &report["metrics"][0];
    assert_eq!(
        (&typed["compliant"], &typed["total"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(
        report["notes"][0],
        "2 files partly parsed (first: broken.py:3): functions that touch a syntax error are not \
         measured"
    );
    let out = common::qscan()
        .args(["--color", "never", path(dir.path())])
        .output()
        .expect("qscan runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("note: 2 files partly parsed (first: broken.py:3)"),
        "{text}"
    );
}

// 13
#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang_and_are_counted() {
    use std::os::unix::fs::symlink;
    let dir = with_config(PASSING);
    write(dir.path(), "pkg/a.py", b"x = 1\n");
    symlink("self.py", dir.path().join("self.py")).expect("symlink");
    symlink("..", dir.path().join("pkg").join("up")).expect("symlink");
    let out = common::qscan()
        .args(["--format", "json", path(dir.path())])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("qscan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        skipped(&report),
        &json!([
            { "path": "pkg/up", "reason": "symbolic link (not followed)" },
            { "path": "self.py", "reason": "symbolic link (not followed)" },
        ])
    );
    assert_eq!(report["files"]["scanned"], 1);
}

// 14
#[test]
fn folder_outside_a_repository_is_scanned() {
    // The default definition has history metrics: outside a repository they
    // are skipped, and the report says so.
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "a.py", b"x = 1\n");
    let r = run(&[path(dir.path())]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("files: 1 scanned (python 1)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("note: not a git repository: history metrics are skipped"),
        "{}",
        r.stdout
    );

    // With a history metric, the report says it is skipped and why; the
    // skipped metric is left out of the score and the gate.
    common::config_file(
        &dir,
        "[metrics.hot]\nkind = \"hot-files\"\n[metrics.large-files]\nmin = 0\n",
    );
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    let note = "not a git repository: history metrics are skipped";
    assert!(
        report["notes"]
            .as_array()
            .is_some_and(|n| n.contains(&json!(note))),
        "{report:#}"
    );
    assert_eq!(common::metric(&report, "hot")["status"], "not_applicable");
    assert_eq!(
        common::metric(&report, "hot")["reason"],
        "not a git repository"
    );
    assert_eq!(report["history"], Value::Null);
    let r = run(&[path(dir.path())]);
    assert!(r.stdout.contains(&format!("note: {note}")), "{}", r.stdout);
}

// 15
#[test]
fn empty_folder_says_no_source_files_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let r = run(&[path(dir.path())]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "note: no source files found under {}",
            dir.path().canonicalize().expect("canonical").display()
        )),
        "{}",
        r.stdout
    );
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(report["files"]["scanned"], 0);
}

// 16
#[test]
fn nonexistent_path_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-folder");
    let r = run(&[path(&missing)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!(
            "qscan: error: cannot scan {}: ",
            missing.display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: "), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

// 17
#[test]
fn bad_flag_values_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let r = run(&["--min-score", "150", path(dir.path())]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "invalid value '150' for '--min-score <N>': 150 is out of range; give a score from 0 to 100"
        ),
        "{}",
        r.stderr
    );

    let r = run(&["--min-score", "high", path(dir.path())]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`high` is not a number"), "{}", r.stderr);

    let r = run(&["--format", "xml", path(dir.path())]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("invalid value 'xml' for '--format <FORMAT>'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("[possible values: text, json, sarif, github, markdown]"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());

    // Help and version are not errors.
    assert_eq!(run(&["--help"]).code, 0);
    assert_eq!(run(&["--version"]).code, 0);
}

// 18
#[test]
fn color_follows_the_flag_and_no_color() {
    let dir = with_config(PASSING);
    write(dir.path(), "a.py", b"x = 1\n");
    let d = path(dir.path());
    let esc = '\u{1b}';

    let r = run(&["--color", "never", d]);
    assert!(!r.stdout.contains(esc), "{}", r.stdout);
    // `never` wins even over CLICOLOR_FORCE.
    let r = run_with(&["--color", "never", d], &[("CLICOLOR_FORCE", "1")]);
    assert!(!r.stdout.contains(esc), "{}", r.stdout);

    // `auto` colours when forced (not a terminal here), unless NO_COLOR is set.
    let r = run_with(&["--color", "auto", d], &[("CLICOLOR_FORCE", "1")]);
    assert!(r.stdout.contains(esc), "{}", r.stdout);
    let r = run_with(
        &["--color", "auto", d],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
    );
    assert!(!r.stdout.contains(esc), "{}", r.stdout);
    let r = run_with(&[d], &[("NO_COLOR", "1")]);
    assert!(!r.stdout.contains(esc), "{}", r.stdout);

    let r = run(&["--color", "always", d]);
    assert!(r.stdout.contains(&format!("{esc}[")), "{}", r.stdout);

    // JSON is never coloured.
    let r = run(&["--color", "always", "--format", "json", d]);
    assert!(!r.stdout.contains(esc), "{}", r.stdout);
}

// 19
#[test]
fn broken_pipe_is_not_an_error() {
    // Enough skipped files that the JSON report outgrows a pipe's buffer, so
    // qscan is still writing when the reader goes away (like `| head -c 10`).
    for (definition, expected) in [(PASSING, 0), (FAILING, 1)] {
        let dir = with_config(definition);
        write(dir.path(), "a.py", b"x = 1\ny = 2\n");
        for i in 0..1500 {
            write(dir.path(), &format!("blobs/blob_{i:04}.py"), b"\0");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_qscan"))
            .env("QSCAN_NO_CACHE", "1")
            .args(["--format", "json", path(dir.path())])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("qscan starts");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut head = [0u8; 10];
        stdout.read_exact(&mut head).expect("first bytes");
        drop(stdout);
        let out = child.wait_with_output().expect("qscan ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
        assert!(stderr.is_empty(), "{stderr}");
        assert_eq!(out.status.code(), Some(expected), "{stderr}");
        assert_eq!(&head, b"{\n  \"versi");
    }
}

// 20
#[test]
fn quiet_prints_only_failures() {
    let quiet = |dir: &Path, args: &[&str]| {
        let out = common::qscan()
            .args(args)
            .arg(dir)
            .output()
            .expect("qscan runs");
        common::cli::outcome(&out, &[(dir, "[ROOT]")])
    };
    let dir = with_config(PASSING);
    write(dir.path(), "a.py", b"x = 1\ny = 2\n");
    insta::assert_snapshot!("quiet_passing", quiet(dir.path(), &["--quiet"]));

    common::config_file(&dir, FAILING);
    insta::assert_snapshot!(
        "quiet_failing",
        quiet(dir.path(), &["-q", "--color", "never"])
    );

    // The built-in definition's note is not printed either.
    let bare = tempfile::tempdir().expect("temp dir");
    insta::assert_snapshot!("quiet_built_in", quiet(bare.path(), &["--quiet"]));
}

// Beyond the list: other inputs found while writing the ones above.

#[test]
fn invalid_scan_glob_points_at_its_line() {
    let stderr =
        config_error("[gate]\nmin_score = 1\n\n[scan]\nexclude = [\"docs/**\", \"a/{b\"]\n");
    assert!(
        stderr.contains("quality.toml:5:11: invalid glob `a/{b` in [scan] exclude: "),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn file_name_that_is_not_utf8_is_a_counted_skip() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = with_config(PASSING);
    std::fs::write(dir.path().join(OsStr::from_bytes(b"caf\xe9.py")), "x = 1\n").expect("write");
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(
        skipped(&report),
        &json!([{ "path": "caf\u{fffd}.py", "reason": "file name is not UTF-8" }])
    );
}

#[cfg(unix)]
#[test]
fn fifo_with_a_source_extension_does_not_hang() {
    let dir = with_config(PASSING);
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe.py"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let out = common::qscan()
        .args(["--format", "json", path(dir.path())])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("qscan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        skipped(&report),
        &json!([{ "path": "pipe.py", "reason": "not a regular file" }])
    );
}

#[cfg(unix)]
#[test]
fn quality_toml_that_cannot_be_read_is_not_silently_replaced_by_the_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("quality.toml")).expect("mkdir");
    let r = run(&[path(dir.path())]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let shown = dir
        .path()
        .canonicalize()
        .expect("canonical")
        .join("quality.toml");
    assert!(
        r.stderr
            .starts_with(&format!("qscan: error: cannot read {}: ", shown.display())),
        "{}",
        r.stderr
    );

    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("ci/quality.toml", dir.path().join("quality.toml"))
        .expect("symlink");
    let r = run(&[path(dir.path())]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("quality.toml: No such file"),
        "{}",
        r.stderr
    );
}

#[test]
fn definition_without_metrics_says_nothing_is_measured() {
    let dir = with_config("[gate]\nmin_score = 80\n");
    write(dir.path(), "a.py", b"x = 1\n");
    let (code, report) = scan_json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(report["score"], 100.0);
    assert!(
        report["notes"].as_array().is_some_and(|n| {
            n.contains(&json!(
            "the definition has no [metrics.NAME] tables: nothing is measured and the score is 100"
        ))
        }),
        "{report:#}"
    );
}
