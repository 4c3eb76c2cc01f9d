//! `qscan trend` on histories built with git2 (fixed authors and times): each
//! point equals `qscan --rev` at its commit, `--every` and `--since` pick the
//! commits they say, and the text, JSON and HTML outputs.

use crate::common;

use git2::{Oid, Signature, Time};
use serde_json::Value;

const DEFINITION: &str = r#"
[gate]
min_score = 60

[history]
window = 20
min_units = 1

[metrics.typed]
min = 60

[metrics.test-association]

[metrics.large-files]
max_lines = 20
min = 90

[metrics.interface-width]
max_items = 3

[metrics.hot-files]
share = 0.3

[metrics.change-size]
max_files = 3
"#;

use common::repo::TestRepo as Repo;

impl Repo {
    /// A commit off HEAD that no branch points to (a pull request's branch).
    fn side_commit(&mut self, path: &str, text: &str) -> Oid {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .expect("head");
        let blob = self.repo.blob(text.as_bytes()).expect("blob");
        let mut builder = git2::build::TreeUpdateBuilder::new();
        builder.upsert(path, blob, git2::FileMode::Blob);
        let tree_id = builder
            .create_updated(&self.repo, &head.tree().expect("tree"))
            .expect("updated tree");
        let tree = self.repo.find_tree(tree_id).expect("find tree");
        self.time += 600;
        let sig = Signature::new("Dev", "dev@example.com", &Time::new(self.time, 0)).expect("sig");
        self.repo
            .commit(None, &sig, &sig, "Side work", &tree, &[&head])
            .expect("side commit")
    }

    fn trend(&self, args: &[&str]) -> (i32, Value, String) {
        let mut all = vec!["trend", self.path(), "--format", "json"];
        all.extend_from_slice(args);
        let out = common::qscan().args(&all).output().expect("qscan runs");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}"));
        (out.status.code().unwrap_or(-1), value, stderr)
    }

    /// HEAD, HEAD~1, … along first parents: the whole line, newest first.
    fn first_parent_line(&self) -> Vec<String> {
        let mut line = Vec::new();
        let mut commit = self
            .repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .expect("head");
        loop {
            line.push(commit.id().to_string());
            match commit.parent(0) {
                Ok(p) => commit = p,
                Err(_) => break line,
            }
        }
    }
}

/// A history of 60 commits and one merged pull request, in which every metric
/// moves: modules are added (typed, then untyped every third), a module
/// grows past `max_lines`, tests arrive now and then, a module is deleted,
/// wide commits touch many files, and `pkg/changelog.py` changes often.
fn growing_history() -> Repo {
    let mut r = Repo::new();
    r.write("quality.toml", DEFINITION);
    r.write("pkg/__init__.py", "");
    r.commit("Initial import", &["quality.toml", "pkg/__init__.py"]);
    let mut big = String::from("def grow(n: int) -> int:\n    return n\n");
    for i in 1..=60 {
        let mut paths: Vec<String> = Vec::new();
        let module = format!("pkg/mod_{i}.py");
        let text = if i % 3 == 0 {
            format!("def f_{i}(a, b):\n    return a + b\n")
        } else {
            format!("def f_{i}(a: int, b: int) -> int:\n    return a + b\n")
        };
        r.write(&module, &text);
        paths.push(module);
        big.push_str(&format!("X_{i} = {i}\n"));
        r.write("pkg/big.py", &big);
        paths.push("pkg/big.py".into());
        if i % 7 == 0 {
            let test = format!("tests/test_mod_{}.py", i - 1);
            r.write(
                &test,
                &format!("from pkg.mod_{} import f_{}\n\n\ndef test_it() -> None:\n    assert f_{}(1, 2) == 3\n", i - 1, i - 1, i - 1),
            );
            paths.push(test);
        }
        if i % 4 == 0 {
            r.write("pkg/changelog.py", &format!("VERSION = {i}\n"));
            paths.push("pkg/changelog.py".into());
        }
        if i % 10 == 0 {
            // A wide change: touch five modules at once.
            for j in (i - 5)..i {
                let m = format!("pkg/mod_{j}.py");
                r.write(&m, &format!("def f_{j}(a, b):\n    return a - b\n"));
                paths.push(m);
            }
        }
        if i == 45 {
            std::fs::remove_file(r.dir.path().join("pkg/mod_2.py")).expect("rm");
            paths.push("pkg/mod_2.py".into());
        }
        if i == 30 {
            // A pull request: a side commit, merged with one more file.
            let side = r.side_commit("pkg/feature.py", "def feature(x):\n    return x\n");
            r.write("pkg/feature.py", "def feature(x):\n    return x\n");
            r.write(
                "pkg/feature_more.py",
                "def more(x: int) -> int:\n    return x\n",
            );
            paths.push("pkg/feature.py".into());
            paths.push("pkg/feature_more.py".into());
            let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
            r.commit_with("Merge pull request #7 from dev/feature", &refs, Some(side));
            continue;
        }
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        r.commit(&format!("Change {i}"), &refs);
    }
    r
}

fn points(trend: &Value) -> &Vec<Value> {
    trend["points"].as_array().expect("points")
}

fn revisions(trend: &Value) -> Vec<String> {
    points(trend)
        .iter()
        .map(|p| p["revision"].as_str().expect("revision").to_string())
        .collect()
}

/// (name, value, compliant, total) of each metric of a trend point or report.
fn numbers(v: &Value) -> Vec<(String, f64, u64, u64)> {
    v["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().expect("name").to_string(),
                m["value"].as_f64().expect("value"),
                m["compliant"].as_u64().expect("compliant"),
                m["total"].as_u64().expect("total"),
            )
        })
        .collect()
}

#[test]
fn each_point_equals_a_scan_of_that_revision() {
    let r = growing_history();
    let line = r.first_parent_line();
    assert_eq!(line.len(), 61);
    let (code, trend, stderr) = r.trend(&["--points", "10"]);
    assert_eq!(code, 0, "{stderr}");
    let revs = revisions(&trend);
    assert_eq!(revs.len(), 10);
    // From the first commit to HEAD, oldest first, evenly spread.
    let expected: Vec<String> = [60, 53, 47, 40, 33, 27, 20, 13, 7, 0]
        .iter()
        .map(|&i| line[i].clone())
        .collect();
    assert_eq!(revs, expected);
    let times: Vec<&str> = points(&trend)
        .iter()
        .map(|p| p["time"].as_str().expect("time"))
        .collect();
    assert_eq!(times[0], "2023-11-14T23:13:20Z");
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");

    for point in points(&trend) {
        let rev = point["revision"].as_str().expect("revision");
        let (_, report, stderr) = common::json(&[r.path(), "--rev", rev]);
        assert_eq!(report["revision"], rev, "{stderr}");
        assert_eq!(numbers(point), numbers(&report), "at {rev}");
        assert_eq!(point["score"], report["score"], "at {rev}");
    }

    // The metrics move: the first point has one change unit and a small file;
    // the last has the window's 20, a file too large and untyped functions.
    let first = numbers(&points(&trend)[0]);
    let last = numbers(&points(&trend)[9]);
    let get = |n: &[(String, f64, u64, u64)], name: &str| {
        n.iter()
            .find(|m| m.0 == name)
            .map(|m| (m.2, m.3))
            .expect("metric")
    };
    assert_eq!(get(&first, "change-size"), (1, 1));
    assert_eq!(get(&last, "change-size").1, 20);
    assert_eq!(get(&first, "large-files"), (1, 1));
    // 72 Python files, 8 of them tests (`tests/test_mod_*.py`, every
    // seventh commit), which large-files does not measure by default.
    assert_eq!(get(&last, "large-files").1, 64);
    assert!(get(&last, "large-files").0 < 64);
    let typed = get(&last, "typed");
    assert!(typed.0 < typed.1, "{typed:?}");
}

#[test]
fn every_nth_commit_back_from_head() {
    let r = growing_history();
    let line = r.first_parent_line();
    let (code, trend, stderr) = r.trend(&["--every", "10"]);
    assert_eq!(code, 0, "{stderr}");
    let expected: Vec<String> = [60, 50, 40, 30, 20, 10, 0]
        .iter()
        .map(|&i| line[i].clone())
        .collect();
    assert_eq!(revisions(&trend), expected);
}

#[test]
fn since_limits_to_the_span_before_the_newest() {
    let r = growing_history();
    let line = r.first_parent_line();
    // Commits are an hour apart: five hours back from HEAD hold six commits.
    let (code, trend, stderr) = r.trend(&["--since", "5 hours"]);
    assert_eq!(code, 0, "{stderr}");
    let expected: Vec<String> = (0..6).rev().map(|i| line[i].clone()).collect();
    assert_eq!(revisions(&trend), expected);
    let notes = trend["notes"].to_string();
    assert!(notes.contains("has only 6 commits"), "{notes}");

    let (_, trend, _) = r.trend(&["--since", "50 hours", "--every", "12"]);
    let expected: Vec<String> = [48, 36, 24, 12, 0]
        .iter()
        .map(|&i| line[i].clone())
        .collect();
    assert_eq!(revisions(&trend), expected);
}

#[test]
fn text_and_html() {
    let r = growing_history();
    let out = common::qscan()
        .args(["trend", r.path(), "--points", "4"])
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("qscan trend "), "{text}");
    assert!(
        lines[0].ends_with("(4 points of HEAD's first-parent line)"),
        "{text}"
    );
    let header: Vec<&str> = lines[3].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "revision",
            "date",
            "score",
            "typed",
            "test-association",
            "large-files",
            "interface-width",
            "hot-files",
            "change-size"
        ],
        "{text}"
    );
    // Points within a few days: the hour is shown.
    assert!(lines[4].contains(" 2023-11-14 23:13 "), "{text}");
    let line = r.first_parent_line();
    assert!(lines[4].starts_with(&line[60][..12]), "{text}");
    assert!(lines[7].starts_with(&line[0][..12]), "{text}");
    assert!(
        lines[8].starts_with("(n/a: not applicable at that point"),
        "{text}"
    );
    assert_eq!(lines.len(), 9, "{text}");

    let html_file = r.dir.path().join("trend.html");
    let out = common::qscan()
        .args(["trend", r.path(), "--format", "html", "--output"])
        .arg(&html_file)
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(&html_file).expect("the page is written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    let name = r
        .dir
        .path()
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name");
    assert!(html.contains(&format!("<title>qscan trend — {name}</title>")));
    // The score and six metrics, each a chart; a table row per point.
    assert_eq!(html.matches("<svg ").count(), 7);
    assert_eq!(html.matches("</svg>").count(), 7);
    assert_eq!(html.matches("<tr><td class=\"rev\"").count(), 10);
    for m in [
        "typed",
        "test-association",
        "large-files",
        "hot-files",
        "change-size",
    ] {
        assert!(html.contains(&format!("<figcaption>{m}<span>")), "{m}");
    }
    assert!(!html.contains("http"), "nothing is fetched");
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
}

#[test]
fn coverage_is_measured_at_head_only() {
    let mut r = Repo::new();
    r.write(
        "quality.toml",
        "[metrics.typed]\n\n[metrics.cov]\nkind = \"coverage\"\nreport = \"lcov.info\"\n",
    );
    r.write("app.py", "def f(x: int) -> int:\n    return x\n");
    r.commit("One", &["quality.toml", "app.py"]);
    r.write(
        "app.py",
        "def f(x: int) -> int:\n    return x\n\n\ndef g(y):\n    return y\n",
    );
    r.commit("Two", &["app.py"]);
    // The report of today's tests, not committed.
    r.write("lcov.info", "SF:app.py\nDA:2,1\nDA:6,1\nend_of_record\n");
    let (code, trend, stderr) = r.trend(&[]);
    assert_eq!(code, 0, "{stderr}");
    let ps = points(&trend);
    assert_eq!(ps.len(), 2);
    let cov = |p: &Value| p["metrics"][1].clone();
    assert_eq!(cov(&ps[0])["status"], "not_applicable", "{trend:#}");
    assert!(cov(&ps[0])["reason"].is_string(), "{trend:#}");
    assert_eq!(cov(&ps[1])["status"], "measured");
    assert_eq!(cov(&ps[1])["value"], 100.0);
    // Left out of the first point's score, which is typed's alone.
    assert_eq!(ps[0]["score"], 100.0);
    assert_eq!(ps[1]["score"], 75.0);
    let notes = trend["notes"].to_string();
    assert!(
        notes.contains("metric 'cov' is measured at HEAD's commit only"),
        "{notes}"
    );
}

#[test]
fn errors_exit_2() {
    let plain = tempfile::tempdir().expect("temp dir");
    let out = common::qscan()
        .args(["trend"])
        .arg(plain.path())
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is none"), "{stderr}");
    assert!(out.stdout.is_empty());

    let empty = Repo::new();
    let out = common::qscan()
        .args(["trend", empty.path()])
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no commits yet"));

    let mut r = Repo::new();
    r.write("a.py", "X = 1\n");
    r.commit("One", &["a.py"]);
    for args in [
        &["--points", "0"][..],
        &["--every", "0"],
        &["--points", "3", "--every", "2"],
        &["--since", "soon"],
        &["--points", "many"],
        &["--format", "sarif"],
    ] {
        let out = common::qscan()
            .args(["trend", r.path()])
            .args(args)
            .output()
            .expect("qscan runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // One commit, the built-in definition: one point, and notes saying so.
    let (code, trend, _) = r.trend(&[]);
    assert_eq!(code, 0);
    assert_eq!(points(&trend).len(), 1);
    let notes = trend["notes"].to_string();
    assert!(notes.contains("the built-in default reports"), "{notes}");
    assert!(notes.contains("has only 1 commit"), "{notes}");
}

#[test]
fn a_shallow_clone_ends_at_its_boundary() {
    let mut r = Repo::new();
    r.write("quality.toml", DEFINITION);
    r.commit("Start", &["quality.toml"]);
    for i in 0..9 {
        r.write(&format!("m{i}.py"), &format!("def f(x):\n    return {i}\n"));
        r.commit(&format!("Add m{i}"), &[&format!("m{i}.py")]);
    }
    let line = r.first_parent_line();
    // As `git clone --depth 6` leaves it: HEAD~5's parents are cut off.
    std::fs::write(r.repo.path().join("shallow"), format!("{}\n", line[5])).expect("shallow");
    let (code, trend, stderr) = r.trend(&[]);
    assert_eq!(code, 0, "{stderr}");
    let expected: Vec<String> = (0..6).rev().map(|i| line[i].clone()).collect();
    assert_eq!(revisions(&trend), expected);
    let notes = trend["notes"].to_string();
    assert!(notes.contains("shallow clone"), "{notes}");
    for point in points(&trend) {
        let rev = point["revision"].as_str().expect("revision");
        let (_, report, _) = common::json(&[r.path(), "--rev", rev, "--skip-unmeasured"]);
        assert_eq!(numbers(point), numbers(&report), "at {rev}");
        assert_eq!(point["score"], report["score"], "at {rev}");
    }
}
