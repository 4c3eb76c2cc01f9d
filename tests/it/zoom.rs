//! Zoom levels: `--by owner` on the CODEOWNERS fixture (fixtures/codeowners,
//! hand-counted in its expected.toml), `--by dir[:DEPTH]`, the three renderers,
//! bad values, and CODEOWNERS read from a commit with change units grouped
//! by the files they touched (a repository built with git2).

use crate::common;

use common::expected::Expected;
use serde_json::Value;

/// Each group as (name, score, [(metric, compliant, total, value)]).
type Row = (String, f64, Vec<(String, u64, u64, f64)>);

fn rows(report: &Value) -> Vec<Row> {
    report["groups"]
        .as_array()
        .unwrap_or_else(|| panic!("no groups in {report:#}"))
        .iter()
        .map(|g| {
            let metrics = g["metrics"]
                .as_array()
                .expect("metrics")
                .iter()
                .map(|m| {
                    (
                        m["name"].as_str().expect("name").to_string(),
                        m["compliant"].as_u64().expect("compliant"),
                        m["total"].as_u64().expect("total"),
                        m["value"].as_f64().expect("value"),
                    )
                })
                .collect();
            (
                g["name"].as_str().expect("name").to_string(),
                g["score"].as_f64().expect("score"),
                metrics,
            )
        })
        .collect()
}

/// The groups fixtures/codeowners/expected.toml states for `--by BY`.
fn expected_rows(by: &str) -> Vec<Row> {
    Expected::of("codeowners")
        .groups(by)
        .iter()
        .map(|g| {
            let metrics = g
                .metrics
                .iter()
                .map(|(name, &(compliant, total, value))| (name.clone(), compliant, total, value))
                .collect();
            (g.group.clone(), g.score, metrics)
        })
        .collect()
}

fn scan_fixture(by: &str) -> Value {
    let dir = common::fixture_copy("codeowners");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, report, stderr) = common::json(&[&root, "--by", by]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("codeowners").check(code, &report);
    assert!(
        report["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .all(|g| g["by"] == by.split(':').next().unwrap_or(by)),
        "{report:#}"
    );
    assert_eq!(rows(&report), expected_rows(by), "{report:#}");
    report
}

/// The fixture's definition has no history metric: its worklists rank files
/// by offender count, and a note says so first.
const BY_COUNT: &str = "the worklists rank files by offender count alone: the definition has no \
                        history metric (e.g. hot-files), so how often each file changes is not read";

#[test]
fn by_owner_follows_githubs_last_match_rule() {
    let r = scan_fixture("owner");
    // People are never a group; the root CODEOWNERS is never read.
    assert_eq!(
        r["notes"],
        serde_json::json!([
            BY_COUNT,
            ".github/CODEOWNERS names 2 people (users or emails): qscan reports on teams only, \
             so a path that only people own counts as (unowned)"
        ])
    );
}

#[test]
fn by_dir_groups_by_top_folder() {
    let r = scan_fixture("dir");
    assert_eq!(r["notes"], serde_json::json!([BY_COUNT]));
}

#[test]
fn by_dir_depth_two_splits_nested_folders() {
    scan_fixture("dir:2");
}

#[test]
fn without_by_there_are_no_groups() {
    let dir = common::fixture_copy("codeowners");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (_, r, _) = common::json(&[&root]);
    assert!(r.get("groups").is_none(), "{r:#}");
}

fn render(by: &str, format: &str) -> String {
    let dir = common::fixture_copy("codeowners");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--by", by, "--format", format, "--color", "never"])
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn text_shows_a_table_of_groups() {
    let text = render("owner", "text");
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("by owner"))
        .take(6)
        .collect();
    assert_eq!(
        table,
        [
            "by owner        score      typed  large-files",
            "@acme/api        55.6  50.0% 3/6    66.7% 2/3",
            "@acme/docs        0.0   0.0% 0/1     0.0% 0/1",
            "@acme/platform   66.7  50.0% 2/4   100.0% 3/3",
            "@acme/web        73.3  60.0% 3/5   100.0% 3/3",
            "(unowned)        66.7  50.0% 1/2   100.0% 2/2",
        ],
        "{text}"
    );
}

#[test]
fn markdown_shows_a_table_of_groups_without_mentions() {
    let md = render("dir:2", "markdown");
    assert!(
        md.contains(
            "**By dir:2**\n\n\
             | dir | score | typed | large-files |\n\
             |---|---:|---:|---:|\n\
             | `.` | 66.7 | 50.0% (1/2) | 100.0% (1/1) |\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("| `web/api` | 55.5 | 33.3% (1/3) | 100.0% (2/2) |\n"),
        "{md}"
    );
    // A team in a code span: a pull-request comment does not notify it.
    let md = render("owner", "markdown");
    assert!(
        md.contains("| `@acme/api` | 55.6 | 50.0% (3/6) | 66.7% (2/3) |\n"),
        "{md}"
    );
}

#[test]
fn bad_groupings_are_usage_errors() {
    for (by, says) in [
        ("team", "`team` is no grouping"),
        ("dir:0", "`0` is no folder depth"),
        ("dir:x", "`x` is no folder depth"),
        ("owner:2", "`owner:2` is no grouping"),
    ] {
        let out = common::qscan()
            .args([".", "--by", by])
            .output()
            .expect("qscan runs");
        assert_eq!(out.status.code(), Some(2), "--by {by}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "--by {by}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn no_codeowners_file_leaves_everything_unowned() {
    let dir = common::fixture_copy("codeowners");
    std::fs::remove_file(dir.path().join(".github/CODEOWNERS")).expect("remove");
    std::fs::remove_file(dir.path().join("CODEOWNERS")).expect("remove");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (_, r, _) = common::json(&[&root, "--by", "owner"]);
    // One group: the whole fixture.
    let expected = Expected::of("codeowners");
    let whole = expected
        .metrics
        .iter()
        .map(|(name, m)| (name.clone(), m.compliant, m.total, m.value.expect("value")))
        .collect();
    assert_eq!(rows(&r), [("(unowned)".to_string(), expected.score, whole)]);
    assert_eq!(
        r["notes"],
        serde_json::json!([
            BY_COUNT,
            "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): every \
             path counts as (unowned)"
        ])
    );
}

#[test]
fn rejected_codeowners_lines_are_noted() {
    let dir = common::fixture_copy("codeowners");
    std::fs::write(
        dir.path().join(".github/CODEOWNERS"),
        "* @acme/all\n!web/ @acme/web\n",
    )
    .expect("write");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (_, r, _) = common::json(&[&root, "--by", "owner"]);
    let names: Vec<String> = rows(&r).into_iter().map(|g| g.0).collect();
    assert_eq!(names, ["@acme/all"]);
    assert_eq!(
        r["notes"],
        serde_json::json!([
            BY_COUNT,
            ".github/CODEOWNERS:2: negation (`!`) is not supported; GitHub skips the line"
        ])
    );
}

use common::repo::TestRepo as Repo;

impl Repo {
    fn grouped(&self, args: &[&str]) -> Value {
        let mut all = vec![self.dir.path().to_str().expect("utf-8 path")];
        all.extend_from_slice(args);
        let (code, report, stderr) = common::json(&all);
        assert!(code == 0 || code == 1, "{stderr}");
        report
    }
}

/// (group, metric, compliant, total) of every group's metrics.
fn flat(report: &Value) -> Vec<(String, String, u64, u64)> {
    rows(report)
        .into_iter()
        .flat_map(|(group, _, metrics)| {
            metrics
                .into_iter()
                .map(move |(m, c, t, _)| (group.clone(), m, c, t))
        })
        .collect()
}

fn item(group: &str, metric: &str, compliant: u64, total: u64) -> (String, String, u64, u64) {
    (group.into(), metric.into(), compliant, total)
}

const TYPED: &str = "def f(x: int) -> int:\n    return x\n";
const UNTYPED: &str = "def g(x):\n    return x\n";

#[test]
fn change_units_count_once_per_group_they_touch_and_rev_reads_its_own_codeowners() {
    let mut r = Repo::new();
    // CODEOWNERS is excluded from the scan, and still read.
    r.commit_files(
        "Initial import",
        &[
            (
                "quality.toml",
                "[scan]\nexclude = [\".github/**\"]\n\n[history]\nmin_units = 1\n\n\
                 [metrics.typed]\n\n\
                 [metrics.change-size]\nmax_files = 1\n",
            ),
            (".github/CODEOWNERS", "/a/ @org/a\n/b/ @org/b\n"),
        ],
    );
    r.commit_files("Both teams", &[("a/x.py", UNTYPED), ("b/y.py", TYPED)]);
    r.commit_files("Team a alone", &[("a/z.py", TYPED)]);
    r.commit_files(
        "Team a, two files",
        &[
            ("a/x.py", "def h(y):\n    return y\n"),
            ("a/z.py", "def k(x: int) -> int:\n    return x + 1\n"),
        ],
    );
    // An uncommitted ownership change: the working tree sees it, HEAD does not.
    r.write(".github/CODEOWNERS", "/a/ @org/new\n/b/ @org/b\n");

    let head = r.grouped(&["--by", "owner", "--rev", "HEAD"]);
    assert_eq!(common::counts(&head, "change-size"), (1, 4));
    assert_eq!(
        flat(&head),
        [
            // 3 units touched a/ (one with two of its files): each counts once.
            item("@org/a", "typed", 1, 2),
            item("@org/a", "change-size", 1, 3),
            item("@org/b", "typed", 1, 1),
            item("@org/b", "change-size", 0, 1),
            // The first commit touched quality.toml and CODEOWNERS.
            item("(unowned)", "change-size", 0, 1),
        ]
    );

    let tree = r.grouped(&["--by", "owner"]);
    let names: Vec<String> = rows(&tree).into_iter().map(|g| g.0).collect();
    assert_eq!(names, ["@org/b", "@org/new", "(unowned)"]);

    // --staged reads the index's CODEOWNERS.
    r.stage(&[".github/CODEOWNERS"]);
    let staged = r.grouped(&["--by", "owner", "--staged"]);
    let names: Vec<String> = rows(&staged).into_iter().map(|g| g.0).collect();
    assert_eq!(names, ["@org/b", "@org/new", "(unowned)"]);

    let dirs = r.grouped(&["--by", "dir", "--rev", "HEAD"]);
    assert_eq!(
        flat(&dirs),
        [
            // The first change unit touched quality.toml and .github/CODEOWNERS:
            // two folders, once each ([scan] exclude does not narrow history).
            item(".", "change-size", 0, 1),
            item(".github", "change-size", 0, 1),
            item("a", "typed", 1, 2),
            item("a", "change-size", 1, 3),
            item("b", "typed", 1, 1),
            item("b", "change-size", 0, 1),
        ]
    );
}
