//! Snapshots from git (`--rev`, `--staged`) and the baseline gate
//! (`--baseline`), on repositories built with git2 in temp folders.

use crate::common;

use std::path::Path;

use serde_json::Value;

const DEFINITION: &str = r#"
[gate]
no_regression = true

[metrics.typed]

[metrics.large-files]
max_lines = 5

[metrics.http-client]
kind = "preferred-library"
family = "http"
preferred = ["requests"]
"#;

const API: &str =
    "import requests\n\n\ndef get(url: str) -> str:\n    return requests.get(url).text\n";

use common::repo::TestRepo as Repo;

impl Repo {
    /// A repository whose first commit is clean against DEFINITION.
    fn clean() -> Repo {
        let mut r = Repo::new();
        r.write("quality.toml", DEFINITION);
        r.write("app/api.py", API);
        r.commit("Initial import", &["quality.toml", "app/api.py"]);
        r
    }

    fn scan(&self, args: &[&str]) -> (i32, Value, String) {
        let mut all = vec![self.path()];
        all.extend_from_slice(args);
        common::json(&all)
    }
}

/// The new offenders of the first metric, as "path:line item" (its delta is
/// absent when the baseline had no units: the metric was not applicable there).
fn first_new_offenders(report: &Value) -> Vec<String> {
    report["metrics"][0]["new_offenders"]
        .as_array()
        .expect("new_offenders")
        .iter()
        .map(common::describe)
        .collect()
}

/// (name, delta, new offenders as "path:line item") of each metric.
fn deltas(report: &Value) -> Vec<(String, f64, Vec<String>)> {
    report["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| {
            let new = m["new_offenders"]
                .as_array()
                .expect("new_offenders")
                .iter()
                .map(common::describe)
                .collect();
            (
                m["name"].as_str().unwrap_or("").to_string(),
                m["delta"].as_f64().expect("delta"),
                new,
            )
        })
        .collect()
}

fn regressing_change(r: &Repo) {
    r.write("app/util.py", "def helper(x):\n    return x\n");
    r.write(
        "app/big.py",
        "A = 1\nB = 2\nC = 3\nD = 4\nE = 5\nF = 6\nG = 7\n",
    );
    r.write("app/legacy.py", "import urllib.request\n");
}

#[test]
fn a_regressing_change_shows_its_new_offenders_and_fails() {
    let r = Repo::clean();
    regressing_change(&r);
    let (code, report, stderr) = r.scan(&["--baseline", "HEAD"]);
    assert_eq!(code, 1, "{stderr}");
    let head = r
        .repo
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    assert_eq!(report["baseline_revision"], head.as_str());
    assert_eq!(report["snapshot"], "working tree");
    assert_eq!(
        deltas(&report),
        [
            (
                "typed".to_string(),
                -50.0,
                vec!["app/util.py:1 helper".to_string()]
            ),
            (
                "large-files".to_string(),
                -25.0,
                vec!["app/big.py big.py".to_string()]
            ),
            (
                "http-client".to_string(),
                -50.0,
                vec!["app/legacy.py:1 urllib.request".to_string()]
            ),
        ]
    );
    let typed = common::metric(&report, "typed");
    assert_eq!(
        typed["baseline"],
        serde_json::json!({ "value": 100.0, "compliant": 1, "total": 1 })
    );
    let failures: Vec<&str> = report["gate"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        failures,
        [
            "metric 'typed' fell from 100.0% to 50.0% (-50.0)",
            "metric 'typed' has 1 new offender: annotate every parameter and the return",
            "metric 'large-files' fell from 100.0% to 75.0% (-25.0)",
            "metric 'large-files' has 1 new offender: split the file by responsibility",
            "metric 'http-client' fell from 100.0% to 50.0% (-50.0)",
            "metric 'http-client' has 1 new offender: use the preferred library instead",
        ]
    );
}

#[test]
fn without_no_regression_a_baseline_only_reports() {
    let r = Repo::clean();
    r.write(
        "quality.toml",
        &DEFINITION.replace("no_regression = true", ""),
    );
    regressing_change(&r);
    let (code, report, _) = r.scan(&["--baseline", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(common::metric(&report, "typed")["delta"], -50.0);
    // The flag turns the regression gate on.
    let (code, _, _) = r.scan(&["--baseline", "HEAD", "--fail-on-regression"]);
    assert_eq!(code, 1);
}

#[test]
fn a_change_that_only_fixes_things_passes() {
    let mut r = Repo::clean();
    regressing_change(&r);
    r.commit(
        "Add helpers",
        &["app/util.py", "app/big.py", "app/legacy.py"],
    );
    // Fix the untyped helper and the legacy client; the large file stays.
    r.write("app/util.py", "def helper(x: int) -> int:\n    return x\n");
    r.write("app/legacy.py", "import requests\n");
    let (code, report, stderr) = r.scan(&["--baseline", "HEAD"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(
        deltas(&report),
        [
            ("typed".to_string(), 50.0, vec![]),
            ("large-files".to_string(), 0.0, vec![]),
            ("http-client".to_string(), 50.0, vec![]),
        ]
    );
}

#[test]
fn new_offenders_are_matched_by_item_not_line() {
    let mut r = Repo::clean();
    r.write("app/util.py", "def helper(x):\n    return x\n");
    r.commit("Add helper", &["app/util.py"]);
    // The untyped function moves down two lines: not new.
    r.write(
        "app/util.py",
        "import os\n\n\ndef helper(x):\n    return x\n",
    );
    let (code, report, _) = r.scan(&["--baseline", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(deltas(&report)[0], ("typed".to_string(), 0.0, vec![]));
}

#[test]
fn staged_sees_the_index_not_the_working_tree() {
    // Staged: an untyped function; working tree: the fixed version.
    let r = Repo::clean();
    r.write("app/util.py", "def helper(x):\n    return x\n");
    r.stage(&["app/util.py"]);
    r.write("app/util.py", "def helper(x: int) -> int:\n    return x\n");
    let (code, report, stderr) = r.scan(&["--staged"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["snapshot"], "index");
    assert_eq!(
        deltas(&report)[0],
        (
            "typed".to_string(),
            -50.0,
            vec!["app/util.py:1 helper".to_string()]
        )
    );
    assert_eq!(
        report["gate"]["failures"],
        serde_json::json!([
            "metric 'typed' has 1 new offender: annotate every parameter and the return"
        ])
    );
    // The working tree itself is fine.
    let (code, report, _) = r.scan(&[]);
    assert_eq!(code, 0);
    assert_eq!(common::counts(&report, "typed"), (2, 2));

    // The other way round: staged fixed, working tree broken.
    r.write("app/util.py", "def helper(x: int) -> int:\n    return x\n");
    r.stage(&["app/util.py"]);
    r.write("app/util.py", "def helper(x):\n    return x\n");
    let (code, report, stderr) = r.scan(&["--staged"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(common::counts(&report, "typed"), (2, 2));
    let (_, report, _) = r.scan(&[]);
    assert_eq!(common::counts(&report, "typed"), (1, 2));
}

#[test]
fn staged_blocks_only_new_offenders_not_old_ones_or_thresholds() {
    let mut r = Repo::clean();
    r.write("app/util.py", "def helper(x):\n    return x\n");
    r.write(
        "quality.toml",
        &format!("{DEFINITION}\n[metrics.typed-strict]\nkind = \"typed\"\nmin = 100\n"),
    );
    r.commit("Add an untyped helper", &["app/util.py", "quality.toml"]);
    // An unrelated staged change: the old offender and the failing
    // threshold do not block it.
    r.write("app/more.py", "def more(y: int) -> int:\n    return y\n");
    r.stage(&["app/more.py"]);
    let (code, report, stderr) = r.scan(&["--staged"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(common::metric(&report, "typed-strict")["passed"], false);
}

#[test]
fn staged_on_an_unborn_branch_treats_every_offender_as_new() {
    let r = Repo::new();
    r.write("quality.toml", DEFINITION);
    r.write("a.py", "def f(x):\n    return x\n");
    r.stage(&["quality.toml", "a.py"]);
    let (code, report, stderr) = r.scan(&["--staged"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        report["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap_or("").contains("the baseline is empty")),
        "{report:#}"
    );
}

/// `qscan --staged --color never ARGS` in the repository: (exit code, stdout, stderr).
fn staged_text(r: &Repo, args: &[&str]) -> (i32, String, String) {
    let out = common::qscan()
        .args([r.path(), "--staged", "--color", "never"])
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

const BLOCKED_ONE: &str = "qscan: commit blocked — 1 new offender in the staged changes; fix it, or \
                           skip the check once with `git commit --no-verify`\n";

#[test]
fn a_commit_blocked_by_one_offender_prints_three_lines() {
    let r = Repo::clean();
    r.write("app/util.py", "def helper(x):\n    return x\n");
    r.stage(&["app/util.py"]);
    let (code, text, stderr) = staged_text(&r, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        text,
        format!(
            "typed — annotate every parameter and the return\n  \
             app/util.py:1 helper — 1 parameter and the return unannotated\n{BLOCKED_ONE}"
        )
    );
    assert_eq!(stderr, "");
    // -q keeps the offender's `path:line` and nothing else.
    let (code, text, _) = staged_text(&r, &["-q"]);
    assert_eq!(code, 1);
    assert_eq!(
        text,
        "app/util.py:1 helper — 1 parameter and the return unannotated\n"
    );
}

#[test]
fn a_blocked_commit_groups_its_new_offenders_under_their_metric() {
    let r = Repo::clean();
    regressing_change(&r);
    r.write(
        "app/more.py",
        "def one(a):\n    return a\n\n\ndef two(b):\n    return b\n",
    );
    r.stage(&["app/util.py", "app/big.py", "app/legacy.py", "app/more.py"]);
    let (code, text, stderr) = staged_text(&r, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        text,
        "typed — annotate every parameter and the return\n  \
         app/more.py:1 one — 1 parameter and the return unannotated\n  \
         app/more.py:5 two — 1 parameter and the return unannotated\n  \
         app/util.py:1 helper — 1 parameter and the return unannotated\n\
         large-files — split the file by responsibility\n  \
         app/big.py — 7 code lines (max 5)\n\
         http-client — use the preferred library instead\n  \
         app/legacy.py:1 urllib.request — uses urllib.request; prefer requests\n\
         qscan: commit blocked — 5 new offenders in the staged changes; fix them, or skip the \
         check once with `git commit --no-verify`\n"
    );
}

#[test]
fn a_clean_commit_prints_one_line_and_nothing_with_quiet() {
    let r = Repo::clean();
    r.write("app/more.py", "def more(y: int) -> int:\n    return y\n");
    r.stage(&["app/more.py"]);
    let (code, text, stderr) = staged_text(&r, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        text,
        "qscan: passed — no new offenders in the staged changes\n"
    );
    let (code, text, _) = staged_text(&r, &["--quiet"]);
    assert_eq!((code, text.as_str()), (0, ""));
}

fn fingerprint(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let e = e.expect("entry");
            let p = e.path();
            if e.file_type().expect("type").is_dir() {
                if p.file_name().is_some_and(|n| n == "objects") {
                    continue;
                }
                stack.push(p);
            } else {
                out.push((p.display().to_string(), std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn rev_reads_a_past_commit_and_touches_nothing() {
    let mut r = Repo::clean();
    let first = r.repo.head().unwrap().peel_to_commit().unwrap().id();
    regressing_change(&r);
    r.commit(
        "Add helpers",
        &["app/util.py", "app/big.py", "app/legacy.py"],
    );
    // Uncommitted and staged changes that --rev must neither see nor touch.
    r.write("app/api.py", "def changed(x):\n    return x\n");
    r.stage(&["app/api.py"]);
    r.write("app/wip.py", "def wip(x):\n    return x\n");
    let before = fingerprint(r.dir.path());

    let (code, report, stderr) = r.scan(&["--rev", "HEAD~1"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["revision"], first.to_string().as_str());
    assert_eq!(report["snapshot"], "revision");
    assert_eq!(report["files"]["scanned"], 1);
    assert_eq!(common::counts(&report, "typed"), (1, 1));

    let (_, report, _) = r.scan(&["--rev", "HEAD"]);
    assert_eq!(report["files"]["scanned"], 4);
    assert_eq!(common::counts(&report, "typed"), (1, 2));
    assert_eq!(
        fingerprint(r.dir.path()),
        before,
        "the working tree, index or refs changed"
    );
}

#[test]
fn history_metrics_read_the_history_as_of_the_snapshot() {
    let mut r = Repo::clean();
    let first = r.repo.head().unwrap().peel_to_commit().unwrap().id();
    r.write("app/util.py", "def helper(x: int) -> int:\n    return x\n");
    let second = r.commit("Add helper", &["app/util.py"]);
    let config = common::config_file(
        &r.dir,
        "[history]\nmin_units = 1\n[metrics.change-size]\nmax_files = 10\n",
    );
    let config = config.to_str().unwrap();
    let (_, report, _) = r.scan(&["--config", config, "--rev", "HEAD~1"]);
    assert_eq!(report["history"]["change_units"], 1);
    assert_eq!(report["history"]["last"], first.to_string().as_str());
    let (_, report, _) = r.scan(&["--config", config, "--baseline", "HEAD~1"]);
    assert_eq!(report["history"]["change_units"], 2);
    assert_eq!(report["history"]["last"], second.to_string().as_str());
    assert_eq!(
        common::metric(&report, "change-size")["baseline"],
        serde_json::json!({ "value": 100.0, "compliant": 1, "total": 1 })
    );
}

#[test]
fn git_snapshot_errors_exit_2() {
    let r = Repo::clean();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--fail-on-regression"],
            "--fail-on-regression compares with a baseline, and none is given",
        ),
        (
            &["--rev", "no-such-branch"],
            "--rev no-such-branch: not a commit of this repository",
        ),
        (
            &["--baseline", "v9.9"],
            "--baseline v9.9: not a commit of this repository",
        ),
        (&["--rev", "HEAD", "--staged"], "cannot be used with"),
        (&["--new-only"], "--baseline"),
    ];
    for (args, message) in cases {
        let out = common::qscan()
            .arg(r.path())
            .args(args)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let plain = tempfile::tempdir().unwrap();
    for flag in [["--staged", ""], ["--rev", "HEAD"]] {
        let args: Vec<&str> = flag.iter().copied().filter(|a| !a.is_empty()).collect();
        let out = common::qscan()
            .arg(plain.path())
            .args(&args)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("needs a git repository"), "{stderr}");
    }
}

/// Parses reported by `QSCAN_TRACE=1` for one run with the cache in `cache`.
fn parses_with_cache(r: &Repo, cache: &Path, args: &[&str]) -> (usize, Value) {
    let out = common::qscan()
        .env_remove("QSCAN_NO_CACHE")
        .env("QSCAN_CACHE_DIR", cache)
        .env("QSCAN_TRACE", "1")
        .args([r.path(), "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let parsed = stderr
        .lines()
        .find_map(|l| l.strip_prefix("trace: parsed "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no trace line in {stderr}"));
    let report = serde_json::from_slice(&out.stdout).expect("json");
    (parsed, report)
}

#[test]
fn the_facts_cache_spares_unchanged_files_and_changes_no_number() {
    let r = Repo::clean();
    regressing_change(&r);
    r.stage(&["app/util.py", "app/big.py", "app/legacy.py"]);
    let cache = tempfile::tempdir().unwrap();
    // Cold: HEAD's api.py and the three staged files, each parsed once
    // (the index and HEAD share api.py's blob).
    let (cold, cold_report) = parses_with_cache(&r, cache.path(), &["--staged"]);
    assert_eq!(cold, 4);
    // Warm: nothing to parse, the same report.
    let (warm, warm_report) = parses_with_cache(&r, cache.path(), &["--staged"]);
    assert_eq!(warm, 0);
    assert_eq!(cold_report["metrics"], warm_report["metrics"]);
    // A changed file is parsed again, and only it.
    r.write("app/util.py", "def helper(x: int) -> int:\n    return x\n");
    r.stage(&["app/util.py"]);
    let (after, report) = parses_with_cache(&r, cache.path(), &["--staged"]);
    assert_eq!(after, 1);
    assert_eq!(common::counts(&report, "typed"), (2, 2));
    // --no-cache reads nothing from it.
    let (off, _) = parses_with_cache(&r, cache.path(), &["--staged", "--no-cache"]);
    assert_eq!(off, 4);
}

#[test]
fn staged_reads_one_history_even_with_a_configured_branch() {
    // main moves on with a big commit after feature branched; on feature, a
    // staged one-line change must not see main's commit as a new offender.
    let mut r = Repo::new();
    r.write(
        "quality.toml",
        "[history]\nbranch = \"main\"\nmin_units = 1\n[metrics.change-size]\nmax_files = 2\n",
    );
    r.write("a.py", "A = 1\n");
    let base = r.commit("Start", &["quality.toml", "a.py"]);
    let head = r.repo.head().unwrap().name().unwrap().to_string();
    if head != "refs/heads/main" {
        r.repo
            .branch("main", &r.repo.find_commit(base).unwrap(), true)
            .unwrap();
        r.repo.set_head("refs/heads/main").unwrap();
    }
    r.repo
        .branch("feature", &r.repo.find_commit(base).unwrap(), false)
        .unwrap();
    for f in ["b.py", "c.py", "d.py", "e.py"] {
        r.write(f, "B = 2\n");
    }
    r.commit("Big main commit", &["b.py", "c.py", "d.py", "e.py"]);
    r.repo.set_head("refs/heads/feature").unwrap();
    r.repo
        .checkout_head(Some(
            git2::build::CheckoutBuilder::new()
                .force()
                .remove_untracked(true),
        ))
        .unwrap();
    r.write("a.py", "A = 2\n");
    r.stage(&["a.py"]);
    let (code, report, stderr) = r.scan(&["--staged"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(
        common::metric(&report, "change-size")["new_offenders"],
        serde_json::json!([])
    );
}

#[test]
fn tracked_files_a_gitignore_matches_are_part_of_the_working_tree() {
    // `git add -f` of an ignored file: the index and commits have it, so the
    // working tree must too, or a baseline would see it vanish.
    let mut r = Repo::new();
    r.write(
        "quality.toml",
        "[gate]\nno_regression = true\n[metrics.typed]\n",
    );
    r.write(".gitignore", "gen.py\n");
    r.write("a.py", "def a(x: int) -> int:\n    return x\n");
    r.write("gen.py", "def g(x: int) -> int:\n    return x\n");
    r.commit("Start", &["quality.toml", ".gitignore", "a.py", "gen.py"]);
    let (code, report, stderr) = r.scan(&["--baseline", "HEAD"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(common::counts(&report, "typed"), (2, 2));
    assert_eq!(common::metric(&report, "typed")["delta"], 0.0);
    // An untracked file the .gitignore matches stays out.
    r.write("other.py", "def o(x):\n    return x\n");
    r.write(".gitignore", "gen.py\nother.py\n");
    let (_, report, _) = r.scan(&[]);
    assert_eq!(common::counts(&report, "typed"), (2, 2));
}

#[test]
fn nested_repositories_are_not_scanned_in_the_working_tree() {
    let mut r = Repo::new();
    r.write("quality.toml", "[metrics.typed]\n");
    r.write("a.py", "def a(x: int) -> int:\n    return x\n");
    r.commit("Start", &["quality.toml", "a.py"]);
    git2::Repository::init(r.dir.path().join("lib")).expect("nested repository");
    r.write("lib/s.py", "def h(x):\n    return x\n");
    let (code, report, stderr) = r.scan(&["--baseline", "HEAD", "--new-only"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(common::counts(&report, "typed"), (1, 1));
    assert_eq!(
        report["files"]["skipped"],
        serde_json::json!([{ "path": "lib", "reason": "submodule or nested repository (not scanned)" }])
    );
}

#[test]
fn offenders_in_files_the_baseline_could_not_read_are_not_new() {
    let mut r = Repo::new();
    r.write("quality.toml", "[metrics.typed]\n");
    // Partly parsed (the function touching the error is left out), and
    // skipped (errors over most of it).
    r.write("a.py", "def broken(:\n");
    r.write("c.py", "x = [1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,]\n");
    r.commit("Start", &["quality.toml", "a.py", "c.py"]);
    r.write("a.py", "def fixed(x):\n    return x\n");
    r.write("c.py", "def c(x):\n    return x\n");
    r.write("b.py", "def b(x):\n    return x\n");
    let (code, report, stderr) = r.scan(&["--baseline", "HEAD", "--new-only"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(first_new_offenders(&report), ["b.py:1 b"]);
    assert!(
        report["notes"].as_array().unwrap().iter().any(|n| n
            == "2 files in the baseline could not be analyzed in full (a.py, c.py): offenders there are not counted as new"),
        "{report:#}"
    );
}

#[test]
fn non_utf8_names_are_counted_in_git_snapshots_too() {
    use std::os::unix::ffi::OsStrExt;
    let mut r = Repo::new();
    r.write("quality.toml", "[metrics.typed]\n");
    r.write("a.py", "A = 1\n");
    let name = std::ffi::OsStr::from_bytes(b"b\xff.py");
    std::fs::write(r.dir.path().join(name), "B = 2\n").expect("write");
    let mut index = r.repo.index().expect("index");
    index.add_path(Path::new(name)).expect("add");
    index.write().expect("write index");
    r.commit("Start", &["quality.toml", "a.py"]);
    let want = serde_json::json!([{ "path": "b\u{fffd}.py", "reason": "file name is not UTF-8" }]);
    for args in [&["--rev", "HEAD"][..], &["--staged"][..], &[][..]] {
        let (_, report, stderr) = r.scan(args);
        assert_eq!(report["files"]["skipped"], want, "{args:?}: {stderr}");
    }
}

#[test]
fn concluding_a_merge_is_not_blocked_by_the_merged_branchs_offenders() {
    let mut r = Repo::new();
    r.write("quality.toml", "[metrics.typed]\n");
    r.write("a.py", "A = 1\n");
    let base = r.commit("Start", &["quality.toml", "a.py"]);
    // The other branch adds an untyped function.
    r.write("m.py", "def m(x):\n    return x\n");
    let other = r.commit("Add m", &["m.py"]);
    // Back on the first line, merging the other branch: its tree is staged
    // and MERGE_HEAD names it, as `git merge` leaves things before the commit.
    let base_commit = r.repo.find_commit(base).unwrap();
    r.repo
        .reset(base_commit.as_object(), git2::ResetType::Hard, None)
        .unwrap();
    r.write("m.py", "def m(x):\n    return x\n");
    r.stage(&["m.py"]);
    std::fs::write(r.repo.path().join("MERGE_HEAD"), format!("{other}\n")).unwrap();
    let (code, report, stderr) = r.scan(&["--staged"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(first_new_offenders(&report), Vec::<String>::new());
    // Without MERGE_HEAD, the same staged change is a new offender.
    std::fs::remove_file(r.repo.path().join("MERGE_HEAD")).unwrap();
    let (code, report, _) = r.scan(&["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(first_new_offenders(&report), ["m.py:1 m"]);
}
