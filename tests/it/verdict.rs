//! Verdicts that never lie: the built-in default is a report, a metric is
//! measured, not applicable or not measured, and a gate never depends
//! silently on what could not be measured (README, "Not applicable and not
//! measured"). Every repository is built here with git2.

use std::path::Path;

use serde_json::Value;

use crate::common::{self, repo::TestRepo};

/// One typed and one untyped Python function: `typed` is 50% (1/2).
const APP: &str = "def typed(x: int) -> int:\n    return x\n\n\ndef untyped(x):\n    return x\n";

/// A repository of `units` change units: app.py, then one new doc per commit.
/// Every file is changed in one unit, so hot-files is 100%.
fn history_repo(units: usize) -> TestRepo {
    let mut r = TestRepo::new();
    r.commit_files("add app", &[("app.py", APP)]);
    for n in 1..units {
        let path = format!("docs/{n}.md");
        r.commit_files(&format!("doc {n}"), &[(path.as_str(), "words\n")]);
    }
    r
}

/// A clone of `r` with a shallow boundary at HEAD, as `git clone --depth 1`
/// (and actions/checkout's default `fetch-depth: 1`) leaves it.
fn depth_one_clone(r: &TestRepo) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", r.path());
    let clone = git2::Repository::clone(&url, dir.path()).expect("clone");
    let head = clone.head().expect("head").target().expect("head id");
    std::fs::write(clone.path().join("shallow"), format!("{head}\n")).expect("shallow");
    assert!(
        git2::Repository::open(dir.path())
            .expect("open")
            .is_shallow()
    );
    dir
}

/// typed's minimum 50 and hot-files' 100; min_score is their mean, 75, as
/// `qscan init` writes it. The full clone scores exactly 75.
const GATE: &str = "[gate]\nmin_score = 75\n\n[metrics.typed]\nmin = 50\n\n\
                    [metrics.hot-files]\nmin = 100\n";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::qscan()
        .arg(dir)
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("qscan runs");
    common::parts(&out)
}

#[test]
fn a_depth_one_clone_stops_with_the_fix_unless_told_to_leave_history_out() {
    let r = history_repo(25);
    r.write("quality.toml", GATE);
    let (code, report, stderr) = common::json(&[r.path()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["score"], 75.0);
    assert_eq!(common::metric(&report, "hot-files")["status"], "measured");

    let clone = depth_one_clone(&r);
    std::fs::write(clone.path().join("quality.toml"), GATE).expect("definition");
    let (code, stdout, stderr) = run(clone.path(), &[]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let head = r
        .repo
        .head()
        .expect("head")
        .target()
        .expect("id")
        .to_string();
    assert_eq!(
        stderr,
        format!(
            "qscan: error: metric 'hot-files' is not measured: shallow clone: the history is cut \
             at HEAD's own commit {} (2023-11-15T23:13:20Z), whose changes are unknown\n  \
             hint: fetch the history: `git fetch --unshallow` (in GitHub Actions, \
             `fetch-depth: 0` in actions/checkout); or leave the metric out of the score and \
             the gate: `--skip-unmeasured`, or `optional = true` in its table\n",
            &head[..12]
        )
    );

    // Left out on request: the score and min_score are those of the
    // measured metrics (typed: 50, and min_score 75 moves to typed's 50).
    let (code, report, stderr) =
        common::json(&[clone.path().to_str().expect("utf-8"), "--skip-unmeasured"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["score"], 50.0);
    assert_eq!(report["gate"]["min_score"], 50.0);
    assert_eq!(report["metrics_measured"], 1);
    let hot = common::metric(&report, "hot-files");
    assert_eq!(hot["status"], "not_measured");
    assert!(
        hot["fix"]
            .as_str()
            .is_some_and(|f| f.contains("fetch-depth: 0"))
    );
    assert_eq!(
        report["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .filter(|n| n.as_str().is_some_and(|n| n.starts_with(
                "metric 'hot-files' is not \
                 measured and left out of the score and the gate"
            ) || n
                == "min_score 75 is 50 over the measured metrics: it moves by the \
                 difference between the weighted mean of every metric's minimum and of the \
                 measured ones'"))
            .count(),
        2,
        "{report:#}"
    );

    // `optional = true` leaves it out the same way, without the flag; the
    // text report says how the score is made.
    std::fs::write(
        clone.path().join("quality.toml"),
        GATE.replace("min = 100\n", "min = 100\noptional = true\n"),
    )
    .expect("definition");
    let (code, stdout, _) = run(clone.path(), &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(
            "score 50.0 (min 50) — gate passed\n  the score is the weighted mean of the 1 \
             measured metric's values; left out: hot-files (not measured)\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_short_history_makes_history_metrics_not_applicable() {
    let r = history_repo(5);
    r.write("quality.toml", GATE);
    let (code, report, stderr) = common::json(&[r.path()]);
    // Out of the score and the gate; the gate judges typed alone, with
    // min_score unmoved (n/a is no missing input).
    assert_eq!(code, 1, "{stderr}");
    let hot = common::metric(&report, "hot-files");
    assert_eq!(hot["status"], "not_applicable");
    assert_eq!(
        hot["reason"],
        "the history holds 5 change units, fewer than [history] min_units = 20"
    );
    assert_eq!(report["score"], 50.0);
    assert_eq!(
        report["gate"]["failures"],
        serde_json::json!(["the score 50.0 is below the minimum 75"])
    );
    // A lower `min_units` measures it.
    r.write(
        "quality.toml",
        &format!("[history]\nmin_units = 5\n\n{GATE}"),
    );
    let (code, report, _) = common::json(&[r.path()]);
    assert_eq!(code, 0);
    assert_eq!(common::metric(&report, "hot-files")["status"], "measured");
    assert_eq!(report["score"], 75.0);
}

#[test]
fn a_missing_coverage_report_is_not_measured() {
    let r = history_repo(1);
    r.write(
        "quality.toml",
        "[metrics.typed]\n\n[metrics.cov]\nkind = \"coverage\"\nreport = \"lcov.info\"\n",
    );
    let (code, _, stderr) = run(r.dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("qscan: error: metric 'cov' is not measured: ")
            && stderr.contains("  hint: write the file before qscan runs"),
        "{stderr}"
    );
    let (code, report, _) = common::json(&[r.path(), "--skip-unmeasured"]);
    assert_eq!(code, 0);
    assert_eq!(common::metric(&report, "cov")["status"], "not_measured");
    assert_eq!(report["score"], 50.0);
}

#[test]
fn without_a_definition_the_default_reports_and_exits_0() {
    let r = history_repo(2);
    let (code, stdout, stderr) = run(r.dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let sentence = "note: no quality.toml at the repository root: the built-in default reports \
                    every metric and gates nothing (report only); `qscan init` writes a gate \
                    fitted to today's code\n";
    assert_eq!(stdout.matches(sentence).count(), 1, "{stdout}");
    assert_eq!(stdout.matches("report only").count(), 1, "{stdout}");
    // typed is 50%, once far below the old built-in minimum: no failure.
    let (code, report, _) = common::json(&[r.path()]);
    assert_eq!(code, 0);
    assert_eq!(common::metric(&report, "typed")["value"], 50.0);
    assert_eq!(report["gate"]["failures"], serde_json::json!([]));
    assert_eq!(report["gate"]["min_score"], Value::Null);
    // A depth-1 clone is no error for the report: its history metrics are
    // optional in the default.
    let clone = depth_one_clone(&r);
    let (code, stdout, stderr) = run(clone.path(), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("note: metrics 'hot-files' and 'change-size' are not measured"),
        "{stdout}"
    );
}

#[test]
fn with_a_baseline_the_default_fails_only_on_new_offenders() {
    let mut r = history_repo(2);
    // A change that adds no offender passes, whatever the values.
    r.write(
        "app.py",
        &format!("{APP}\n\ndef more(y: int) -> int:\n    return y\n"),
    );
    let (code, stdout, stderr) = run(r.dir.path(), &["--baseline", "HEAD"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "note: no quality.toml at the repository root: the built-in default fails only on \
             offenders the baseline does not have (clean as you code)"
        ),
        "{stdout}"
    );
    // One that adds an untyped function fails on it alone.
    r.write("app.py", &format!("{APP}\n\ndef worse(y):\n    return y\n"));
    let (code, report, _) = common::json(&[r.path(), "--baseline", "HEAD"]);
    assert_eq!(code, 1);
    assert_eq!(
        report["gate"]["failures"],
        serde_json::json!([
            "metric 'typed' has 1 new offender: annotate every parameter and the return"
        ])
    );
    // Committed, the baseline has it: clean again.
    r.commit("worse", &["app.py"]);
    let (code, _, _) = common::json(&[r.path(), "--baseline", "HEAD"]);
    assert_eq!(code, 0);
}

#[test]
fn init_fits_minimums_below_today_and_leaves_out_what_cannot_fail() {
    let mut r = TestRepo::new();
    let body: String = (0..30).map(|i| format!("    let v{i} = {i};\n")).collect();
    r.commit_files(
        "rust",
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"k\"\nversion = \"0.1.0\"\n",
            ),
            (
                "src/lib.rs",
                "pub fn a(x: u32) -> u32 {\n    x\n}\n\nmod b;\n",
            ),
            ("src/b.rs", &format!("pub fn b() {{\n{body}}}\n")),
        ],
    );
    let out = common::qscan()
        .args(["init", r.path()])
        .output()
        .expect("qscan init");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let text = std::fs::read_to_string(r.dir.path().join("quality.toml")).expect("written");
    // typed: Rust functions are typed by construction; the history (one
    // change unit) is too short for the history metrics.
    assert!(!text.contains("[metrics.typed]"), "{text}");
    assert!(
        text.contains("#   typed: every function is in rust, typed by construction\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "#   hot-files: the history holds 1 change unit, fewer than [history] min_units = 20\n"
        ),
        "{text}"
    );
    assert!(stderr.contains("typed") && stderr.contains("left out: every function"));
    // Every min sits at or just below today's value (the whole percent).
    let def: toml::Table = text.parse().expect("toml");
    let metrics = def["metrics"].as_table().expect("metrics");
    let (code, report, _) = common::json(&[r.path()]);
    assert_eq!(code, 0, "the fitted gate passes today");
    let mut mins = Vec::new();
    for (name, table) in metrics {
        let min = number(&table["min"]);
        let today = common::metric(&report, name)["value"]
            .as_f64()
            .expect("value");
        assert!(
            min <= today && today - min < 1.0,
            "{name}: {min} vs {today}"
        );
        mins.push(min);
    }
    // min_score: the mean of those minimums, rounded down.
    let mean = mins.iter().sum::<f64>() / mins.len() as f64;
    assert_eq!(number(&def["gate"]["min_score"]), mean.floor());
    // large-files is 100% (2/2): kept, and the file says why.
    assert!(
        text.contains("# today: 100.0% (2/2 compliant; unit: source file)\n# kept at 100%"),
        "{text}"
    );
}

/// A TOML number, written as an integer or a float.
fn number(v: &toml::Value) -> f64 {
    v.as_float()
        .or(v.as_integer().map(|i| i as f64))
        .expect("a number")
}

#[test]
fn trend_points_with_a_short_history_are_gaps() {
    let r = history_repo(22);
    r.write(
        "quality.toml",
        "[metrics.typed]\nmin = 60\n\n[metrics.hot-files]\nmin = 90\n",
    );
    let out = common::qscan()
        .args(["trend", r.path(), "--format", "json", "--points", "3"])
        .output()
        .expect("trend");
    assert_eq!(out.status.code(), Some(0));
    let trend: Value = serde_json::from_slice(&out.stdout).expect("json");
    let points = trend["points"].as_array().expect("points");
    let hot: Vec<&Value> = points.iter().map(|p| &p["metrics"][1]).collect();
    // The points are HEAD~21 (1 unit), HEAD~10 (12 units) and HEAD (22).
    assert_eq!(hot[0]["status"], "not_applicable");
    assert_eq!(
        hot[0]["reason"],
        "the history holds 1 change unit, fewer than [history] min_units = 20"
    );
    assert_eq!(hot[1]["status"], "not_applicable");
    assert_eq!(hot[2]["status"], "measured");
    assert_eq!(hot[2]["value"], 100.0);
    // The score of an n/a point is typed's alone, not a cliff.
    assert_eq!(points[0]["score"], 50.0);
    assert_eq!(points[2]["score"], 75.0);

    let out = common::qscan()
        .args(["trend", r.path(), "--format", "html", "--points", "3"])
        .output()
        .expect("trend");
    let html = String::from_utf8_lossy(&out.stdout);
    assert_eq!(html.matches(">n/a</td>").count(), 2, "{html}");
    // typed (50%) is below its minimum 60 at every point; compliant/total shown.
    assert_eq!(
        html.matches("<td class=\"below\" title=\"below the minimum\">50.0% (1/2)</td>")
            .count(),
        3
    );
    assert_eq!(html.matches("<circle class=\"dot below\"").count(), 3);
    assert!(html.contains("<th>moved most since the point before</th>"));
}
