//! Output that the scanned repository cannot abuse, and a gate that never
//! passes on nothing: weights that would make the score NaN or infinite are
//! configuration errors, a run that measured nothing says so instead of
//! "gate passed", names and messages from the repository reach no terminal
//! or CI log with their control characters, markdown mentions no one, and a
//! definition's problems are all reported in one run.
//!
//! Every input is built in the test: definitions and oddly named files in a
//! temp folder, git repositories with git2.

#![cfg(unix)]

use crate::common;

use std::path::Path;

use common::qscan;
use common::repo::TestRepo;
use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = qscan().arg(dir).args(args).output().expect("qscan runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn json(dir: &Path) -> (i32, Value) {
    let r = run(dir, &["--format", "json"]);
    let value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", r.stdout, r.stderr));
    (r.code, value)
}

/// A folder (not a git repository) with `quality.toml` and a Python file.
fn folder(definition: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::config_file(&dir, definition);
    std::fs::write(
        dir.path().join("a.py"),
        "def f(x: int) -> int:\n    return x\n",
    )
    .expect("write");
    dir
}

/// The lines of qscan's problems with the definition (`PATH:LINE:COL: …`).
fn problems(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("quality.toml:"))
        .collect()
}

#[test]
fn weights_that_break_the_score_are_configuration_errors() {
    for (weight, message) in [
        (
            "nan",
            "weight must be a number of 0 or more, found NaN, which is not a finite number",
        ),
        (
            "inf",
            "weight must be a number of 0 or more, found inf, which is not a finite number",
        ),
        ("-2", "weight must be a number of 0 or more, found -2"),
    ] {
        let dir = folder(&format!("[metrics.typed]\nweight = {weight}\n"));
        let r = run(dir.path(), &[]);
        assert_eq!(r.code, 2, "{weight}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert_eq!(
            problems(&r.stderr),
            [format!(
                "qscan: error: {}/quality.toml:2:10: {message}",
                dir.path().display()
            )],
            "{}",
            r.stderr
        );
    }
    // All weights 0: the weighted mean of nothing.
    let dir = folder("[metrics.typed]\nweight = 0\n[metrics.large-files]\nweight = 0\n");
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(problems(&r.stderr).len(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "quality.toml:4:10: every metric's weight is 0, so the score would weigh nothing"
        ),
        "{}",
        r.stderr
    );
    // Finite weights whose weighted sum is not: the score would be NaN, and
    // a NaN score is never below the minimum, so the gate would pass.
    let dir = folder(
        "[gate]\nmin_score = 99\n[metrics.typed]\nweight = 1e308\n\
         [metrics.large-files]\nweight = 1e308\n",
    );
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("quality.toml:6:10: the weights are too large to compute a score with"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_definition_without_metrics_checked_nothing() {
    let dir = folder("[gate]\nmin_score = 80\n");
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("score n/a — the definition has no metrics: nothing was checked\n"),
        "{}",
        r.stdout
    );
    for format in ["text", "github", "markdown"] {
        let r = run(dir.path(), &["--format", format]);
        assert_eq!(r.code, 0, "{format}: {}{}", r.stdout, r.stderr);
        assert!(!r.stdout.contains("gate passed"), "{format}:\n{}", r.stdout);
        assert!(
            r.stdout
                .contains("the definition has no metrics: nothing was checked"),
            "{format}:\n{}",
            r.stdout
        );
    }
    let (code, report) = json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(report["metrics_measured"], 0, "{report:#}");
}

#[test]
fn a_run_whose_every_metric_was_skipped_measured_nothing() {
    // Not a git repository: the history metrics have nothing to read. That
    // is how the folder is, not an error: exit 0, but no "gate passed".
    let dir = folder("[metrics.hot]\nkind = \"hot-files\"\n[metrics.change-size]\n");
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("gate passed"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "score n/a — nothing was measured: every metric was skipped, so the gate checked nothing\n"
        ),
        "{}",
        r.stdout
    );
    for format in ["github", "markdown"] {
        let r = run(dir.path(), &["--format", format]);
        assert_eq!(r.code, 0, "{format}");
        assert!(!r.stdout.contains("gate passed"), "{format}:\n{}", r.stdout);
        assert!(
            r.stdout.contains("nothing was measured"),
            "{format}:\n{}",
            r.stdout
        );
    }
    let github = run(dir.path(), &["--format", "github"]).stdout;
    assert!(
        github.starts_with("::warning title=qscan::nothing was measured"),
        "{github}"
    );
    let (code, report) = json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(report["metrics_measured"], 0, "{report:#}");
    assert!(
        report["notes"]
            .as_array()
            .is_some_and(|n| n.contains(&Value::from(
                "nothing was measured: every metric was skipped, so the gate checked nothing"
            ))),
        "{report:#}"
    );
    let sarif: Value =
        serde_json::from_str(&run(dir.path(), &["--format", "sarif"]).stdout).expect("SARIF");
    assert_eq!(sarif["runs"][0]["properties"]["metricsMeasured"], 0);

    // One metric measured is enough for a verdict.
    let dir = folder("[metrics.hot]\nkind = \"hot-files\"\n[metrics.typed]\nmin = 50\n");
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("— gate passed"), "{}", r.stdout);
    // Without a minimum anywhere, nothing can fail: no gate, not a pass.
    let dir = folder("[metrics.hot]\nkind = \"hot-files\"\n[metrics.typed]\n");
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("score 100.0 — no gate\n"), "{}", r.stdout);
    let (_, report) = json(dir.path());
    assert_eq!(report["metrics_measured"], 1, "{report:#}");
}

#[test]
fn every_metric_failing_to_measure_for_an_error_is_exit_2() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "first",
        &[(
            "quality.toml",
            "[history]\nbranch = \"no-such-branch\"\n[metrics.hot]\nkind = \"hot-files\"\n",
        )],
    );
    let r = run(repo.dir.path(), &[]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.starts_with(
            "qscan: error: metric 'hot' is not measured: [history] branch `no-such-branch` \
             is not a branch or commit of this repository"
        ),
        "{}",
        r.stderr
    );
}

/// A name that would start a workflow command, clear the screen and
/// return the cursor if printed raw.
const EVIL: &str = "x\n::error file=pwned.py::injected\u{1b}[2J\rtail";

/// Every line of a report: none may start a workflow command that qscan
/// did not write, and none may hold a raw ESC or CR.
fn assert_inert(format: &str, out: &str) {
    assert!(!out.contains('\r'), "{format}: raw CR in {out:?}");
    assert!(!out.contains("\u{1b}[2J"), "{format}: raw ESC in {out:?}");
    for line in out.lines() {
        assert!(
            !line.starts_with("::error file=pwned"),
            "{format}: injected command in {out:?}"
        );
        if format != "github" {
            assert!(!line.starts_with("::"), "{format}: {line:?}");
        }
    }
    assert!(
        out.contains("injected"),
        "{format}: the name is shown: {out:?}"
    );
}

#[test]
fn control_characters_from_the_repository_are_escaped_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The metric's name, the query's message and a file name all carry the
    // attack; the typed and query metrics fail, so every format lists them.
    common::config_file(
        &dir,
        "[metrics.\"typed\\n::error file=pwned.py::injected\\u001b[2J\\rtail\"]\n\
         kind = \"typed\"\nmin = 100\n\
         [metrics.q]\nkind = \"query\"\nlanguage = \"python\"\nmax_offenders = 0\n\
         query = '(function_definition) @f'\n\
         message = \"bad\\n::error file=pwned.py::injected\\u001b[2J\\rtail\"\n",
    );
    let name = format!("{EVIL}.py");
    std::fs::write(dir.path().join(&name), "def f(x):\n    return x\n").expect("write");
    for format in ["text", "github", "markdown"] {
        for color in ["never", "always"] {
            let r = run(dir.path(), &["--format", format, "--color", color]);
            assert_eq!(r.code, 1, "{format}: {}{}", r.stdout, r.stderr);
            assert_inert(format, &r.stdout);
            assert!(!r.stderr.contains('\r'), "{}", r.stderr);
        }
    }
    // The escaped name, as the text report shows it.
    let text = run(dir.path(), &[]).stdout;
    assert!(
        text.contains("x\\n::error file=pwned.py::injected\\u{1b}[2J\\rtail.py:1 f"),
        "{text}"
    );
    // --quiet prints the gate's failures, which name the metric.
    let quiet = run(dir.path(), &["--quiet"]).stdout;
    assert_inert("quiet", &quiet);
    // JSON and SARIF carry the names exactly, as JSON escapes.
    let (_, report) = json(dir.path());
    let typed = &report["metrics"][0];
    assert_eq!(
        typed["name"],
        "typed\n::error file=pwned.py::injected\u{1b}[2J\rtail"
    );
    assert_eq!(typed["offenders"][0]["path"], name.as_str());
}

#[test]
fn markdown_mentions_no_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::config_file(
        &dir,
        "[metrics.\"@org/owners\"]\nkind = \"query\"\nlanguage = \"python\"\nmax_offenders = 0\n\
         query = '(function_definition) @f'\n\
         message = \"ask @team or @scope/pkg, cc @acme/security\"\n",
    );
    std::fs::write(
        dir.path().join("@scope-file.py"),
        "def f(x):\n    return x\n",
    )
    .expect("write");
    let r = run(dir.path(), &["--format", "markdown"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let md = r.stdout;
    for mention in ["@team", "@scope/pkg", "@acme", "@org"] {
        assert!(!md.contains(mention), "{mention} is live in:\n{md}");
    }
    // It still reads the same: a zero-width space after each @.
    assert!(
        md.contains("ask @&#8203;team or @&#8203;scope/pkg, cc @&#8203;acme/security"),
        "{md}"
    );
    assert!(md.contains("### ❌ @&#8203;org/owners"), "{md}");
    // A file name sits in a code span, where GitHub links no mention.
    assert!(md.contains("- `@scope-file.py` — ask"), "{md}");
}

#[test]
fn every_problem_of_a_definition_in_one_run() {
    // An unknown table, and in one metric's table an unknown key next to an
    // invalid query: serde stops at the unknown key, so the query was never
    // checked.
    let dir = folder(
        "[gate]\nmin_score = 50\n\
         [checks]\nstrict = true\n\
         [metrics.locks]\nkind = \"query\"\nlanguage = \"rust\"\nmax_ofenders = 0\n\
         query = '(blok) @b'\n",
    );
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let shown = format!("{}/quality.toml", dir.path().display());
    let lines: Vec<String> = problems(&r.stderr)
        .iter()
        .map(|l| l.replace(&shown, "Q"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    assert!(
        lines[0].starts_with("qscan: error: Q:3:2: unknown field `checks`"),
        "{}",
        r.stderr
    );
    assert!(
        lines[1].starts_with("Q:8:1: unknown field `max_ofenders`"),
        "{}",
        r.stderr
    );
    assert!(
        lines[2].starts_with("Q:9:11: invalid query: the rust grammar has no node type `blok`"),
        "{}",
        r.stderr
    );
}

#[test]
fn explain_escapes_the_definitions_metric_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::config_file(
        &dir,
        "[metrics.\"typed\\n::error file=pwned.py::injected\\u001b[2J\\rtail\"]\nkind = \"typed\"\n",
    );
    let out = qscan()
        .arg("explain")
        .current_dir(dir.path())
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_inert("explain", &text);
    assert!(
        text.contains("  typed\\n::error file=pwned.py::injected\\u{1b}[2J\\rtail (typed): "),
        "{text}"
    );
}
