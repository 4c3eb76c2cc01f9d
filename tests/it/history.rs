//! History: change units, the window, the history metrics and hotspots, on
//! repositories built with git2 in temp dirs (fixed authors and timestamps, no
//! machine git config). Counts are asserted exactly and, when `git` is on
//! PATH, cross-checked with `git log --first-parent -m --name-only`.

use crate::common;

use std::path::Path;

use git2::{Index, IndexEntry, IndexTime, Oid, Repository, RepositoryInitOptions, Signature};
use qscan::config::History;
use qscan::history::{self, HistoryFacts};
use serde_json::Value;

const DAY: i64 = 86_400;
/// 2024-01-01T00:00:00Z: the first commit of every history here.
const T0: i64 = 1_704_067_200;

/// A throwaway repository whose commits are built from trees in memory.
struct Repo {
    dir: tempfile::TempDir,
    repo: Repository,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init_opts(
            dir.path(),
            RepositoryInitOptions::new().initial_head("main"),
        )
        .expect("init");
        Repo { dir, repo }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn arg(&self) -> &str {
        self.path().to_str().expect("utf-8 temp path")
    }

    /// A commit on top of `parents` (none: a root) whose tree is the first
    /// parent's with `changes` applied: `Some(text)` writes, `None` deletes.
    fn commit(
        &self,
        time: i64,
        parents: &[Oid],
        changes: &[(&str, Option<&str>)],
        msg: &str,
    ) -> Oid {
        let changes: Vec<(&str, Option<(u32, &str)>)> = changes
            .iter()
            .map(|(path, text)| (*path, text.map(|t| (0o100644, t))))
            .collect();
        self.commit_modes(time, parents, &changes, msg)
    }

    /// [`Repo::commit`] with each written entry's mode: `0o120000` makes a
    /// symbolic link whose target is the text.
    fn commit_modes(
        &self,
        time: i64,
        parents: &[Oid],
        changes: &[(&str, Option<(u32, &str)>)],
        msg: &str,
    ) -> Oid {
        let mut index = Index::new().expect("index");
        if let Some(first) = parents.first() {
            let tree = self
                .repo
                .find_commit(*first)
                .and_then(|c| c.tree())
                .expect("parent tree");
            index.read_tree(&tree).expect("read tree");
        }
        for (path, content) in changes {
            match content {
                Some((mode, text)) => {
                    let id = self.repo.blob(text.as_bytes()).expect("blob");
                    index
                        .add(&IndexEntry {
                            mode: *mode,
                            ..entry(path, id)
                        })
                        .expect("add");
                }
                None => index.remove_path(Path::new(path)).expect("remove"),
            }
        }
        let tree_id = index.write_tree_to(&self.repo).expect("write tree");
        let tree = self.repo.find_tree(tree_id).expect("tree");
        let sig =
            Signature::new("Dev One", "dev@example.com", &git2::Time::new(time, 0)).expect("sig");
        let parents: Vec<_> = parents
            .iter()
            .map(|p| self.repo.find_commit(*p).expect("parent"))
            .collect();
        let refs: Vec<_> = parents.iter().collect();
        self.repo
            .commit(None, &sig, &sig, msg, &tree, &refs)
            .expect("commit")
    }

    /// Points `main` at `head` and checks it out into the working tree.
    fn finish(&self, head: Oid) {
        self.repo
            .reference("refs/heads/main", head, true, "test")
            .expect("ref");
        self.repo.set_head("refs/heads/main").expect("head");
        self.repo
            .checkout_head(Some(
                git2::build::CheckoutBuilder::new()
                    .force()
                    .remove_untracked(true),
            ))
            .expect("checkout");
    }

    fn read(&self, window: Option<u64>, since: Option<i64>) -> Result<HistoryFacts, String> {
        let repo = Repository::open(self.path()).expect("open");
        history::read(
            &repo,
            &History {
                window,
                since,
                branch: None,
                min_units: 1,
            },
        )
        .map_err(|e| e.to_string())
    }
}

fn entry(path: &str, id: Oid) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: 0,
        id,
        flags: (path.len() as u16) & 0xfff,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// The repository most tests read, and the ids of its first-parent commits.
struct Story {
    repo: Repo,
    c1: Oid,
    c2: Oid,
    m1: Oid,
    c3: Oid,
    c4: Oid,
    c5: Oid,
    oct: Oid,
    c6: Oid,
}

/// Eight change units over eight days:
///
/// | day | unit | kind | changed (against the first parent) |
/// | 0 | c1 | root commit | CHANGELOG.md README.md src/a.py src/b.py |
/// | 2 | c2 | direct commit | CHANGELOG.md src/b.py |
/// | 3 | m1 | merge of PR #12, whose branch changed src/a.py three times | src/a.py src/c.py |
/// | 4 | c3 | squash commit "(#34)" | CHANGELOG.md docs/guide.md |
/// | 5 | c4 | rename src/b.py -> src/lib/b.py | src/lib/b.py |
/// | 6 | c5 | deletion "(#35)" | CHANGELOG.md src/c.py |
/// | 7 | oct | octopus merge of two branches | README.md x.txt |
/// | 8 | c6 | direct commit | CHANGELOG.md src/a.py |
fn story() -> Story {
    let r = Repo::new();
    let c1 = r.commit(
        T0,
        &[],
        &[
            ("README.md", Some("# demo\n")),
            ("CHANGELOG.md", Some("v0\n")),
            ("src/a.py", Some("def a():\n    return 1\n")),
            ("src/b.py", Some("def b():\n    return 2\n")),
        ],
        "Initial import",
    );
    let f1 = r.commit(
        T0 + DAY,
        &[c1],
        &[("src/a.py", Some("def a():\n    return 10\n"))],
        "a: ten",
    );
    let f2 = r.commit(
        T0 + DAY + 3600,
        &[f1],
        &[
            ("src/a.py", Some("def a():\n    return 11\n")),
            ("src/c.py", Some("C = 3\n")),
        ],
        "a: eleven, add c",
    );
    let c2 = r.commit(
        T0 + 2 * DAY,
        &[c1],
        &[
            ("CHANGELOG.md", Some("v1\n")),
            ("src/b.py", Some("def b():\n    return 20\n")),
        ],
        "Bump b",
    );
    let f3 = r.commit(
        T0 + 2 * DAY + 3600,
        &[f2],
        &[("src/a.py", Some("def a():\n    x = 12\n    return x\n"))],
        "a: twelve",
    );
    let m1 = r.commit(
        T0 + 3 * DAY,
        &[c2, f3],
        &[
            ("src/a.py", Some("def a():\n    x = 12\n    return x\n")),
            ("src/c.py", Some("C = 3\n")),
        ],
        "Merge pull request #12 from org/feature\n\nThe a feature.",
    );
    let c3 = r.commit(
        T0 + 4 * DAY,
        &[m1],
        &[
            ("docs/guide.md", Some("Read me.\n")),
            ("CHANGELOG.md", Some("v2\n")),
        ],
        "Write the guide (#34)",
    );
    let c4 = r.commit(
        T0 + 5 * DAY,
        &[c3],
        &[
            ("src/b.py", None),
            ("src/lib/b.py", Some("def b():\n    return 20\n")),
        ],
        "Move b into lib",
    );
    let c5 = r.commit(
        T0 + 6 * DAY,
        &[c4],
        &[("src/c.py", None), ("CHANGELOG.md", Some("v3\n"))],
        "Drop c (#35)",
    );
    let x1 = r.commit(T0 + 6 * DAY + 3600, &[c5], &[("x.txt", Some("x\n"))], "x");
    let y1 = r.commit(
        T0 + 6 * DAY + 7200,
        &[c5],
        &[("README.md", Some("# demo, y\n"))],
        "y",
    );
    let oct = r.commit(
        T0 + 7 * DAY,
        &[c5, x1, y1],
        &[("x.txt", Some("x\n")), ("README.md", Some("# demo, y\n"))],
        "Merge branches 'x' and 'y'",
    );
    let c6 = r.commit(
        T0 + 8 * DAY,
        &[oct],
        &[
            ("CHANGELOG.md", Some("v4\n")),
            ("src/a.py", Some("def a():\n    x = 13\n    return x\n")),
        ],
        "Thirteen",
    );
    r.finish(c6);
    Story {
        repo: r,
        c1,
        c2,
        m1,
        c3,
        c4,
        c5,
        oct,
        c6,
    }
}

/// (id, pr, paths) of each unit, newest first.
fn units(h: &HistoryFacts) -> Vec<(String, Option<u64>, Vec<&str>)> {
    h.units
        .iter()
        .map(|u| {
            (
                u.id.clone(),
                u.pr,
                u.paths.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

fn unit(
    id: Oid,
    pr: Option<u64>,
    paths: &[&'static str],
) -> (String, Option<u64>, Vec<&'static str>) {
    (id.to_string(), pr, paths.to_vec())
}

/// `git log --first-parent -m --name-only --format=%H [-n N]` as (id, sorted
/// paths) per commit, or None when git is not installed.
fn git_log(dir: &Path, extra: &[&str]) -> Option<Vec<(String, Vec<String>)>> {
    let out = std::process::Command::new("git")
        .args(["log", "--first-parent", "-m", "--name-only", "--format=%H"])
        .args(extra)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "git log failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut commits: Vec<(String, Vec<String>)> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if line.len() == 40 && line.bytes().all(|b| b.is_ascii_hexdigit()) {
            commits.push((line.to_string(), Vec::new()));
        } else if !line.is_empty()
            && let Some(last) = commits.last_mut()
        {
            last.1.push(line.to_string());
        }
    }
    for c in &mut commits {
        c.1.sort();
    }
    Some(commits)
}

fn as_git(h: &HistoryFacts) -> Vec<(String, Vec<String>)> {
    h.units
        .iter()
        .map(|u| (u.id.clone(), u.paths.clone()))
        .collect()
}

const HISTORY_ONLY: &str = r#"
[history]
window = 100
min_units = 1

[metrics.hot-files]
share = 0.5
max_offenders = 0

[metrics.change-size]
max_files = 2
max_offenders = 0
"#;

fn scan_json(repo: &Repo, config: &str) -> (i32, Value, String) {
    scan_json_with(repo, config, &[])
}

fn scan_json_with(repo: &Repo, config: &str, args: &[&str]) -> (i32, Value, String) {
    let cfg = tempfile::tempdir().expect("temp dir");
    let path = common::config_file(&cfg, config);
    let mut all = vec![repo.arg(), "--config", path.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    common::json(&all)
}

#[test]
fn change_units_follow_the_first_parent_line() {
    let s = story();
    let h = s.repo.read(Some(100), None).expect("history");
    assert_eq!(
        units(&h),
        [
            unit(s.c6, None, &["CHANGELOG.md", "src/a.py"]),
            unit(s.oct, None, &["README.md", "x.txt"]),
            unit(s.c5, Some(35), &["CHANGELOG.md", "src/c.py"]),
            unit(s.c4, None, &["src/lib/b.py"]),
            unit(s.c3, Some(34), &["CHANGELOG.md", "docs/guide.md"]),
            unit(s.m1, Some(12), &["src/a.py", "src/c.py"]),
            unit(s.c2, None, &["CHANGELOG.md", "src/b.py"]),
            unit(
                s.c1,
                None,
                &["CHANGELOG.md", "README.md", "src/a.py", "src/b.py"]
            ),
        ]
    );
    assert_eq!(h.units[0].time, T0 + 8 * DAY);
    assert_eq!(h.units[0].author, "Dev One");
    assert_eq!(
        h.units[5].subject,
        "Merge pull request #12 from org/feature"
    );
    assert!(!h.shallow);
    assert_eq!(
        h.notes,
        [
            "the whole history is 8 change units (back to 2024-01-01T00:00:00Z), less than the \
          window of 100 change units: all of it is counted"
        ]
    );
    if let Some(git) = git_log(s.repo.path(), &[]) {
        assert_eq!(as_git(&h), git);
    }
}

#[test]
fn reads_sharing_their_diffs_read_the_same_units() {
    // Trend points and the goals' pace read overlapping windows through one
    // set of diffs: what a read finds in it must equal diffing afresh.
    let s = story();
    let repo = Repository::open(s.repo.path()).expect("open");
    let shared = history::Diffs::default();
    let at = |branch: Option<String>, diffs: &history::Diffs| {
        let settings = History {
            window: Some(100),
            since: None,
            branch,
            min_units: 1,
        };
        history::read_with(&repo, &settings, &history::NoProgress, diffs).expect("history")
    };
    let older = at(Some(s.c4.to_string()), &shared);
    let newest = at(None, &shared);
    let older_again = at(Some(s.c4.to_string()), &shared);
    assert_eq!(
        units(&newest),
        units(&s.repo.read(Some(100), None).expect("history"))
    );
    assert_eq!(units(&older), units(&older_again));
    assert_eq!(
        units(&older),
        units(&at(Some(s.c4.to_string()), &history::Diffs::default()))
    );
    // c4, c3, the merge m1, c2, c1.
    assert_eq!(older.units.len(), 5);
}

#[test]
fn a_window_smaller_than_the_history_takes_the_newest_units() {
    let s = story();
    let h = s.repo.read(Some(3), None).expect("history");
    let ids: Vec<_> = h.units.iter().map(|u| u.id.clone()).collect();
    assert_eq!(ids, [s.c6.to_string(), s.oct.to_string(), s.c5.to_string()]);
    assert!(h.notes.is_empty(), "{:?}", h.notes);
    if let Some(git) = git_log(s.repo.path(), &["-n", "3"]) {
        assert_eq!(as_git(&h), git);
    }
    // Exactly the history's length: full, no note.
    let h = s.repo.read(Some(8), None).expect("history");
    assert_eq!(h.units.len(), 8);
    assert!(h.notes.is_empty(), "{:?}", h.notes);
}

#[test]
fn since_counts_back_from_the_newest_unit() {
    let s = story();
    // Newest at day 8: "2 days" keeps days 6, 7 and 8.
    let h = s.repo.read(None, Some(2 * DAY)).expect("history");
    let ids: Vec<_> = h.units.iter().map(|u| u.id.clone()).collect();
    assert_eq!(ids, [s.c6.to_string(), s.oct.to_string(), s.c5.to_string()]);
    assert!(h.notes.is_empty(), "{:?}", h.notes);
    // Both given: the narrower wins.
    assert_eq!(
        s.repo
            .read(Some(2), Some(2 * DAY))
            .expect("history")
            .units
            .len(),
        2
    );
    assert_eq!(
        s.repo
            .read(Some(5), Some(DAY))
            .expect("history")
            .units
            .len(),
        2
    );
    // A span longer than the history counts all of it, and says so.
    let h = s.repo.read(None, Some(30 * DAY)).expect("history");
    assert_eq!(h.units.len(), 8);
    assert_eq!(
        h.notes,
        [
            "the whole history is 8 change units (back to 2024-01-01T00:00:00Z), less than the \
          window of 30 days: all of it is counted"
        ]
    );
    if let Some(git) = git_log(s.repo.path(), &["--since", &format!("@{}", T0 + 6 * DAY)]) {
        assert_eq!(
            as_git(&s.repo.read(None, Some(2 * DAY)).expect("history")),
            git
        );
    }
}

#[test]
fn history_metrics_in_json() {
    let s = story();
    let (code, r, _) = scan_json(&s.repo, HISTORY_ONLY);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(r["history"]["change_units"], 8);
    assert_eq!(r["history"]["first"], s.c1.to_string());
    assert_eq!(r["history"]["last"], s.c6.to_string());
    assert_eq!(r["history"]["first_time"], "2024-01-01T00:00:00Z");
    assert_eq!(r["history"]["last_time"], "2024-01-09T00:00:00Z");
    assert_eq!(r["history"]["shallow"], false);
    // Files that still exist: CHANGELOG.md (5 of 8), src/a.py (3), README.md
    // (2), docs/guide.md, src/lib/b.py, x.txt (1 each). src/b.py and src/c.py
    // are gone.
    assert_eq!(common::counts(&r, "hot-files"), (5, 6));
    let hot = &common::metric(&r, "hot-files")["offenders"][0];
    assert_eq!(hot["path"], "CHANGELOG.md");
    assert_eq!(hot["detail"], "changed in 5 of 8 change units (62.5%)");
    assert_eq!(common::counts(&r, "change-size"), (7, 8));
    let c1 = s.c1.to_string();
    assert_eq!(
        common::offenders(&r, "change-size"),
        [format!(" {}", &c1[..12])]
    );
    assert_eq!(
        common::metric(&r, "change-size")["offenders"][0]["detail"],
        "touches 4 files (max 2): Initial import"
    );
    // No file metric: no hotspots, and the report says why.
    assert!(r.get("hotspots").is_none());
    assert!(
        r["notes"].as_array().expect("notes").iter().any(|n| n
            .as_str()
            .is_some_and(|n| n.starts_with("hotspots are not listed"))),
        "{r:#}"
    );
}

#[test]
fn window_of_three_in_json_and_pr_numbers_name_offenders() {
    let s = story();
    let config = HISTORY_ONLY
        .replace("window = 100", "window = 3")
        .replace("max_files = 2", "max_files = 1");
    let (_, r, _) = scan_json(&s.repo, &config);
    assert_eq!(r["history"]["change_units"], 3);
    assert_eq!(r["history"]["first"], s.c5.to_string());
    assert_eq!(r["history"]["last"], s.c6.to_string());
    // CHANGELOG.md in 2 of 3 is hot; README.md, x.txt and src/a.py are not.
    assert_eq!(common::counts(&r, "hot-files"), (3, 4));
    assert_eq!(
        common::metric(&r, "hot-files")["offenders"][0]["detail"],
        "changed in 2 of 3 change units (66.7%)"
    );
    // Every unit touches 2 files; ties listed by item.
    let c5 = s.c5.to_string();
    let c6 = s.c6.to_string();
    let oct = s.oct.to_string();
    let mut expected = vec![
        format!(" #35 ({})", &c5[..12]),
        format!(" {}", &c6[..12]),
        format!(" {}", &oct[..12]),
    ];
    expected.sort();
    assert_eq!(common::offenders(&r, "change-size"), expected);
}

#[test]
fn text_report_shows_window_hot_files_offenders_and_hotspots() {
    let s = story();
    let cfg = tempfile::tempdir().expect("temp dir");
    let config = format!("{HISTORY_ONLY}\n[metrics.large-files]\nmax_lines = 500\n");
    let path = common::config_file(&cfg, &config);
    let out = common::qscan()
        .args([s.repo.arg(), "--config", path.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let c1 = s.c1.to_string();
    let c6 = s.c6.to_string();
    for want in [
        format!(
            "history: 8 change units, {} 2024-01-01T00:00:00Z .. {} 2024-01-09T00:00:00Z",
            &c1[..12],
            &c6[..12]
        ),
        "hot-files (failing) — 1 offender in 1 file, by impact (offenders × changes):".to_string(),
        "  CHANGELOG.md — changed in 5 of 8 change units (62.5%)".to_string(),
        "change-size (failing) — 1 offender, worst first:".to_string(),
        format!("  {} — touches 4 files (max 2): Initial import", &c1[..12]),
        "hotspots (change units × code lines: fix these first)".to_string(),
        "         9  src/a.py  3 changes × 3 code lines".to_string(),
        "         2  src/lib/b.py  1 change × 2 code lines".to_string(),
    ] {
        assert!(text.contains(&want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn hotspots_in_json() {
    let s = story();
    let config = format!("{HISTORY_ONLY}\n[metrics.large-files]\nmax_lines = 500\n");
    let (_, r, _) = scan_json(&s.repo, &config);
    assert_eq!(
        r["hotspots"],
        serde_json::json!([
            { "path": "src/a.py", "changes": 3, "code_lines": 3, "score": 9 },
            { "path": "src/lib/b.py", "changes": 1, "code_lines": 2, "score": 2 },
        ])
    );
}

#[test]
fn history_metrics_alone_parse_no_file() {
    let s = story();
    let cfg = tempfile::tempdir().expect("temp dir");
    let path = common::config_file(&cfg, HISTORY_ONLY);
    let out = common::qscan()
        .env("QSCAN_TRACE", "1")
        .args([s.repo.arg(), "--config", path.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("trace: parsed 0 files"), "{stderr}");
    // The same repository with a file metric parses its two Python files.
    let path = common::config_file(&cfg, &format!("{HISTORY_ONLY}\n[metrics.large-files]\n"));
    let out = common::qscan()
        .env("QSCAN_TRACE", "1")
        .args([s.repo.arg(), "--config", path.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("trace: parsed 2 files"), "{stderr}");
}

#[test]
fn inexact_renames_are_reported_under_the_new_path() {
    let r = Repo::new();
    let body: String = (0..20).map(|i| format!("line {i}\n")).collect();
    let c1 = r.commit(
        T0,
        &[],
        &[("old/util.py", Some(&body)), ("keep.py", Some("k = 1\n"))],
        "start",
    );
    let edited = body.replace("line 3\n", "line three\n");
    let c2 = r.commit(
        T0 + DAY,
        &[c1],
        &[
            ("old/util.py", None),
            ("new/helpers.py", Some(&edited)),
            ("gone.py", Some("g\n")),
        ],
        "move and edit util",
    );
    // Unrelated content: a deletion and an addition, not a rename.
    let c3 = r.commit(
        T0 + 2 * DAY,
        &[c2],
        &[
            ("gone.py", None),
            ("fresh.py", Some("completely different\ncontent here\n")),
        ],
        "replace gone",
    );
    r.finish(c3);
    let h = r.read(Some(10), None).expect("history");
    assert_eq!(
        units(&h),
        [
            unit(c3, None, &["fresh.py", "gone.py"]),
            unit(c2, None, &["gone.py", "new/helpers.py"]),
            unit(c1, None, &["keep.py", "old/util.py"]),
        ]
    );
    if let Some(git) = git_log(r.path(), &[]) {
        assert_eq!(as_git(&h), git);
    }
}

#[test]
fn renames_are_libgit2s_similarity_of_at_least_half() {
    let r = Repo::new();
    let lines = |tag: &str| -> Vec<String> { (0..20).map(|i| format!("{tag} {i}\n")).collect() };
    // Keeps the first `kept` lines of `old` and rewrites the rest.
    let edit = |old: &[String], kept: usize| -> String {
        let mut out: String = old[..kept].concat();
        out.extend((kept..old.len()).map(|i| format!("rewritten {i}\n")));
        out
    };
    let (above, below, indent) = (lines("above"), lines("below"), lines("indent"));
    let c1 = r.commit(
        T0,
        &[],
        &[
            ("a/above.py", Some(&above.concat())),
            ("a/below.py", Some(&below.concat())),
            ("a/indent.py", Some(&indent.concat())),
        ],
        "start",
    );
    let reindented: String = indent.iter().map(|l| format!("        {l}")).collect();
    let c2 = r.commit(
        T0 + DAY,
        &[c1],
        &[
            ("a/above.py", None),
            ("a/below.py", None),
            ("a/indent.py", None),
            // 14 of 20 lines kept: 70% similar, a rename.
            ("b/above.py", Some(&edit(&above, 14))),
            // 6 of 20 lines kept: 30% similar, a deletion and an addition.
            ("b/below.py", Some(&edit(&below, 6))),
            // Every line indented: libgit2 ignores the whitespace that
            // opens a line, git does not.
            ("b/indent.py", Some(&reindented)),
        ],
        "move",
    );
    r.finish(c2);
    let h = r.read(Some(10), None).expect("history");
    assert_eq!(
        units(&h)[0],
        unit(
            c2,
            None,
            &["a/below.py", "b/above.py", "b/below.py", "b/indent.py"]
        )
    );
    if let Some(git) = git_log(r.path(), &["-n", "1"]) {
        let git_paths: Vec<&str> = git[0].1.iter().map(String::as_str).collect();
        assert_eq!(
            git_paths,
            [
                "a/below.py",
                "a/indent.py",
                "b/above.py",
                "b/below.py",
                "b/indent.py"
            ]
        );
    }
}

const LINK: u32 = 0o120000;
const FILE: u32 = 0o100644;

#[test]
fn a_tracked_symlink_is_a_path_like_any_other() {
    let r = Repo::new();
    let c1 = r.commit_modes(
        T0,
        &[],
        &[
            ("src/a.py", Some((FILE, "a = 1\n"))),
            ("current", Some((LINK, "src/a.py"))),
        ],
        "start",
    );
    let c2 = r.commit_modes(
        T0 + DAY,
        &[c1],
        &[
            ("src/b.py", Some((FILE, "b = 1\n"))),
            ("current", Some((LINK, "src/b.py"))),
        ],
        "switch to b",
    );
    let c3 = r.commit(
        T0 + 2 * DAY,
        &[c2],
        &[("src/a.py", Some("a = 2\n"))],
        "edit a",
    );
    let c4 = r.commit_modes(
        T0 + 3 * DAY,
        &[c3],
        &[("current", Some((LINK, "src/a.py")))],
        "back to a",
    );
    r.finish(c4);
    let h = r.read(Some(10), None).expect("history");
    assert_eq!(
        units(&h),
        [
            unit(c4, None, &["current"]),
            unit(c3, None, &["src/a.py"]),
            unit(c2, None, &["current", "src/b.py"]),
            unit(c1, None, &["current", "src/a.py"]),
        ]
    );
    if let Some(git) = git_log(r.path(), &[]) {
        assert_eq!(as_git(&h), git);
    }
    // The link changed in 3 of 4 units: hot, as a file would be. It is
    // still a skipped file for the analysis (never followed).
    let config = "[history]\nwindow = 10\n[metrics.hot-files]\nshare = 0.5\n\
                  [metrics.change-size]\nmax_files = 1\n";
    for args in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let cfg = tempfile::tempdir().expect("temp dir");
        let path = common::config_file(&cfg, config);
        let mut all = vec![r.arg(), "--config", path.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        let (_, report, stderr) = common::json(&all);
        assert_eq!(
            common::counts(&report, "hot-files"),
            (2, 3),
            "{args:?} {stderr}"
        );
        let hot = &common::metric(&report, "hot-files")["offenders"][0];
        assert_eq!(hot["path"], "current", "{args:?}");
        assert_eq!(hot["detail"], "changed in 3 of 4 change units (75.0%)");
        assert_eq!(common::counts(&report, "change-size"), (2, 4), "{args:?}");
        assert_eq!(
            report["files"]["skipped"],
            serde_json::json!([{ "path": "current", "reason": "symbolic link (not followed)" }]),
            "{args:?}"
        );
    }
}

#[test]
fn a_symlink_and_a_file_are_never_one_rename() {
    let r = Repo::new();
    let c1 = r.commit_modes(
        T0,
        &[],
        &[
            ("notes.txt", Some((FILE, "n\n"))),
            ("link", Some((LINK, "notes.txt"))),
        ],
        "start",
    );
    // A file whose content is the link's target has the link's blob id;
    // git pairs an exact rename only between entries of the same kind.
    let c2 = r.commit_modes(
        T0 + DAY,
        &[c1],
        &[("link", None), ("copy.txt", Some((FILE, "notes.txt")))],
        "replace the link by a file",
    );
    // A link moved as it is: an exact rename, under its new path.
    let c3 = r.commit_modes(
        T0 + 2 * DAY,
        &[c2],
        &[
            ("copy.txt", None),
            ("other", Some((LINK, "notes.txt"))),
            ("moved", Some((LINK, "x"))),
        ],
        "add two links",
    );
    let c4 = r.commit_modes(
        T0 + 3 * DAY,
        &[c3],
        &[("moved", None), ("dir/moved", Some((LINK, "x")))],
        "move a link",
    );
    r.finish(c4);
    let h = r.read(Some(10), None).expect("history");
    assert_eq!(
        units(&h),
        [
            unit(c4, None, &["dir/moved"]),
            unit(c3, None, &["copy.txt", "moved", "other"]),
            unit(c2, None, &["copy.txt", "link"]),
            unit(c1, None, &["link", "notes.txt"]),
        ]
    );
    if let Some(git) = git_log(r.path(), &[]) {
        assert_eq!(as_git(&h), git);
    }
}

#[test]
fn empty_repository_skips_history_metrics() {
    let r = Repo::new();
    std::fs::write(r.path().join("a.py"), "x = 1\n").expect("write");
    let (code, report, _) = scan_json(&r, HISTORY_ONLY);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["history"], Value::Null);
    let note = "the repository has no commits yet: history metrics are skipped";
    // Nothing to read is no missing input: not applicable, with the reason.
    for name in ["hot-files", "change-size"] {
        let m = common::metric(&report, name);
        assert_eq!(m["status"], "not_applicable");
        assert_eq!(m["reason"], "the repository has no commits yet");
    }
    assert!(
        report["notes"]
            .as_array()
            .expect("notes")
            .contains(&note.into())
    );
}

#[test]
fn unborn_branch_skips_history_metrics() {
    let s = story();
    s.repo.repo.set_head("refs/heads/fresh").expect("head");
    let (code, r, _) = scan_json(&s.repo, HISTORY_ONLY);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["history"], Value::Null);
    assert_eq!(
        common::metric(&r, "hot-files")["reason"],
        "HEAD is on branch `fresh`, which has no commits yet"
    );
    assert_eq!(common::metric(&r, "hot-files")["status"], "not_applicable");
    // The configured branch is read instead.
    let (_, r, _) = scan_json(
        &s.repo,
        &HISTORY_ONLY.replace("window = 100", "window = 100\nbranch = \"main\""),
    );
    assert_eq!(r["history"]["change_units"], 8);
    // A branch that is not there measures nothing: an error, not a pass.
    let cfg = tempfile::tempdir().expect("temp dir");
    let path = common::config_file(
        &cfg,
        &HISTORY_ONLY.replace("window = 100", "branch = \"nope\""),
    );
    let out = common::qscan()
        .args([s.repo.arg(), "--config", path.to_str().expect("utf-8")])
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(
            "qscan: error: metrics 'hot-files' and 'change-size' are not measured: [history] \
             branch `nope` is not a branch or commit of this repository\n  hint: set [history] \
             branch to a branch or commit this clone holds, or fetch it;"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn detached_head_reads_from_that_commit() {
    let s = story();
    s.repo.repo.set_head_detached(s.c3).expect("detach");
    let (_, r, _) = scan_json(&s.repo, HISTORY_ONLY);
    assert_eq!(r["history"]["change_units"], 4);
    assert_eq!(r["history"]["last"], s.c3.to_string());
    let c3 = s.c3.to_string();
    let note = format!(
        "HEAD is detached at {}: history is read along that commit's first-parent line",
        &c3[..12]
    );
    assert!(
        r["notes"].as_array().expect("notes").contains(&note.into()),
        "{r:#}"
    );
    // Units c3, m1, c2, c1; the root commit touches 4 files.
    assert_eq!(common::counts(&r, "change-size"), (3, 4));
}

#[test]
fn shallow_clone_says_how_far_the_history_reaches() {
    let s = story();
    std::fs::write(s.repo.path().join(".git/shallow"), format!("{}\n", s.c4)).expect("shallow");
    let repo = Repository::open(s.repo.path()).expect("open");
    assert!(repo.is_shallow());
    let h = s.repo.read(Some(100), None).expect("history");
    // c4 is the boundary: its parents are cut off, so its own changes are
    // unknown; git would list it as if it added every file.
    let ids: Vec<_> = h.units.iter().map(|u| u.id.clone()).collect();
    assert_eq!(ids, [s.c6.to_string(), s.oct.to_string(), s.c5.to_string()]);
    assert!(h.shallow);
    assert_eq!(h.reaches, Some(T0 + 5 * DAY));
    let c4 = s.c4.to_string();
    assert_eq!(
        h.notes,
        [format!(
            "shallow clone: the history is truncated at {} (2024-01-06T00:00:00Z); it reaches \
             back 3 change units to 2024-01-07T00:00:00Z, less than the window of 100 change \
             units (the boundary commit's own changes are unknown and not counted)",
            &c4[..12]
        )]
    );
    if let Some(mut git) = git_log(s.repo.path(), &[]) {
        let boundary = git.pop().expect("the boundary commit");
        assert_eq!(boundary.0, c4);
        assert_eq!(
            boundary.1.len(),
            6,
            "git lists every file of the boundary commit"
        );
        assert_eq!(as_git(&h), git);
    }
    // Cut short of the window, the history metrics are not measured: left
    // out on request, with the fix.
    let (_, r, _) = scan_json_with(
        &s.repo,
        &format!("{HISTORY_ONLY}\n[metrics.large-files]\n"),
        &["--skip-unmeasured"],
    );
    let hot = common::metric(&r, "hot-files");
    assert_eq!(hot["status"], "not_measured");
    assert_eq!(
        hot["reason"],
        "shallow clone: the history reaches back 3 change units to 2024-01-06T00:00:00Z, less \
         than the window"
    );
    assert_eq!(r["history"]["shallow"], true);
    assert_eq!(r["history"]["reaches"], "2024-01-06T00:00:00Z");
    assert_eq!(r["history"]["change_units"], 3);
    // A window inside the shallow history is whole: only a mild note.
    let h = s.repo.read(Some(2), None).expect("history");
    assert_eq!(h.units.len(), 2);
    assert_eq!(h.reaches, None);
    assert_eq!(
        h.notes,
        ["shallow clone, but the window's 2 change units all lie within the history it holds"]
    );
}

#[test]
fn shallow_clone_of_depth_one_skips_history_metrics() {
    let s = story();
    std::fs::write(s.repo.path().join(".git/shallow"), format!("{}\n", s.c6)).expect("shallow");
    let (_, r, _) = scan_json_with(
        &s.repo,
        &format!("{HISTORY_ONLY}\n[metrics.large-files]\n"),
        &["--skip-unmeasured"],
    );
    assert_eq!(r["history"], Value::Null);
    let c6 = s.c6.to_string();
    assert_eq!(common::metric(&r, "hot-files")["status"], "not_measured");
    assert_eq!(
        common::metric(&r, "hot-files")["reason"],
        format!(
            "shallow clone: the history is cut at HEAD's own commit {} (2024-01-09T00:00:00Z), \
             whose changes are unknown",
            &c6[..12]
        )
    );
}

#[test]
fn not_a_repository_skips_history_metrics() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.py"), "x = 1\n").expect("write");
    let cfg = tempfile::tempdir().expect("temp dir");
    let path = common::config_file(&cfg, HISTORY_ONLY);
    let (code, r, _) = common::json(&[
        dir.path().to_str().expect("utf-8"),
        "--config",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0);
    assert_eq!(r["history"], Value::Null);
    assert_eq!(
        common::metric(&r, "change-size")["reason"],
        "not a git repository"
    );
}

#[test]
fn a_long_history_reuses_trees_between_units_correctly() {
    // Each unit's parent tree is the next unit's tree, and the differ keeps
    // the last two units' trees: 400 units over 7 folders exercise that.
    let r = Repo::new();
    let mut head = r.commit(T0, &[], &[("f0.txt", Some("0"))], "root");
    let mut expected = vec![(head.to_string(), vec!["f0.txt".to_string()])];
    for i in 1..400 {
        let path = format!("d{}/f{}.txt", i % 7, i % 50);
        head = r.commit(T0 + i, &[head], &[(&path, Some(&i.to_string()))], "step");
        expected.push((head.to_string(), vec![path]));
    }
    r.finish(head);
    expected.reverse();
    let h = r.read(Some(1000), None).expect("history");
    assert_eq!(as_git(&h), expected);
    if let Some(git) = git_log(r.path(), &[]) {
        assert_eq!(as_git(&h), git);
    }
}

/// The benchmark's repository against git, unit by unit:
/// `QSCAN_HISTORY_REPO=/tmp/qscan-bench-history cargo test --test it history:: -- --ignored`
/// (bench/gen_history.py makes one).
#[test]
#[ignore = "needs a generated repository in QSCAN_HISTORY_REPO"]
fn matches_git_log_on_a_generated_repository() {
    let Some(dir) = std::env::var_os("QSCAN_HISTORY_REPO") else {
        return;
    };
    let dir = Path::new(&dir);
    let repo = Repository::open(dir).expect("open");
    let h = history::read(
        &repo,
        &History {
            window: None,
            since: Some(i64::MAX / 2),
            branch: None,
            min_units: 1,
        },
    )
    .expect("history");
    let git = git_log(dir, &[]).expect("git is installed");
    assert_eq!(h.units.len(), git.len());
    for (ours, theirs) in as_git(&h).iter().zip(&git) {
        assert_eq!(ours, theirs);
    }
}
