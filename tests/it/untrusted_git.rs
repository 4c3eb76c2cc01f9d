//! Untrusted git object databases and environments: a truncated loose
//! object, a truncated or missing pack, a missing parent commit, blobs
//! absent as in a partial clone, a bare repository and one owned by another
//! user. Every run has a deadline (a hang fails the test), a damaged
//! database is exit 2 naming the object in every mode, and nothing under
//! the repository changes.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::repo::TestRepo;
use git2::Oid;
use serde_json::Value;

const DEFINITION: &str = "[history]\nwindow = 4\n\n[metrics.hot-files]\nshare = 0.9\n\n\
                          [metrics.change-size]\nmax_files = 50\n\n[metrics.large-files]\n\
                          max_lines = 500\n";

/// A function long enough that a one-line edit keeps it 50% similar.
fn module(name: &str, extra: &str) -> String {
    let mut text = String::new();
    for i in 0..20 {
        text.push_str(&format!(
            "def {name}_{i}(a: int) -> int:\n    return a + {i}\n\n\n"
        ));
    }
    text.push_str(extra);
    text
}

/// Four commits: add a.py and b.py; edit b.py; rename a.py to moved.py
/// with an edit (an inexact rename, found by reading both blobs) and add
/// c.py; edit b.py.
struct Story {
    repo: TestRepo,
    commits: Vec<Oid>,
    /// The blob of a.py: only history still refers to it.
    old_blob: Oid,
}

fn story() -> Story {
    let mut repo = TestRepo::new();
    let mut commits = Vec::new();
    commits.push(repo.commit_files(
        "add",
        &[
            ("quality.toml", DEFINITION),
            ("src/a.py", &module("a", "")),
            ("src/b.py", &module("b", "")),
        ],
    ));
    commits.push(repo.commit_files("edit b", &[("src/b.py", &module("b", "X = 1\n"))]));
    std::fs::remove_file(repo.dir.path().join("src/a.py")).expect("rm");
    repo.write("src/moved.py", &module("a", "Y = 2\n"));
    repo.write("src/c.py", "C = 3\n");
    commits.push(repo.commit("move a", &["src/a.py", "src/moved.py", "src/c.py"]));
    commits.push(repo.commit_files("edit b again", &[("src/b.py", &module("b", "X = 2\n"))]));
    let old_blob =
        Oid::hash_object(git2::ObjectType::Blob, module("a", "").as_bytes()).expect("hash");
    Story {
        repo,
        commits,
        old_blob,
    }
}

fn git_dir(repo: &TestRepo) -> PathBuf {
    repo.dir.path().join(".git")
}

fn loose_path(git_dir: &Path, id: Oid) -> PathBuf {
    let hex = id.to_string();
    git_dir.join("objects").join(&hex[..2]).join(&hex[2..])
}

/// Cuts a file to half its length (as a crash or a full disk leaves it).
fn truncate(path: &Path) {
    let bytes = std::fs::read(path).expect("read object");
    assert!(bytes.len() > 4, "{}", path.display());
    std::fs::write(path, &bytes[..bytes.len() / 2]).expect("truncate");
}

/// Every file under `dir` with its length and modification time.
fn listing(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let m = std::fs::symlink_metadata(e.path()).expect("metadata");
            if m.is_dir() {
                stack.push(e.path());
            }
            out.push((e.path(), m.len(), m.modified().ok()));
        }
    }
    out.sort();
    out
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs qscan with `args` in a clean environment; fails the test if it has
/// not finished within 20 seconds (the process is killed).
fn run(args: &[&str]) -> Run {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let (out_path, err_path) = (out_dir.path().join("out"), out_dir.path().join("err"));
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("qscan"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("QSCAN_NO_CACHE", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        // libgit2 reads the global configuration from $HOME.
        .env("HOME", out_dir.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("qscan starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "qscan {args:?} hung (killed after 20 s); stderr so far:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let r = Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out_path).expect("stdout"),
        stderr: std::fs::read_to_string(&err_path).expect("stderr"),
    };
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

fn json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["--format", "json"];
    if args.first() == Some(&"trend") {
        all.insert(0, "trend");
        all.extend_from_slice(&args[1..]);
    } else {
        all.extend_from_slice(args);
    }
    let r = run(&all);
    let value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", r.stdout, r.stderr));
    (r.code, value, r.stderr)
}

/// Every mode: exit 2 within the deadline, stderr naming `names`, nothing
/// on stdout, nothing under the repository changed.
fn every_mode_fails(repo: &TestRepo, names: &str) {
    let before = listing(repo.dir.path());
    let path = repo.path();
    for args in [
        vec![path],
        vec!["--staged", path],
        vec!["--rev", "HEAD~2", path],
        vec!["--rev", "HEAD", path],
        vec!["--baseline", "HEAD~2", path],
        vec!["trend", path],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}\n{}", r.stderr, r.stdout);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(
            r.stderr.contains(names),
            "{args:?} does not name {names}:\n{}",
            r.stderr
        );
        assert!(r.stderr.contains("git fsck"), "{args:?}: {}", r.stderr);
    }
    assert_eq!(listing(repo.dir.path()), before, "the repository changed");
}

#[test]
fn the_story_scans_cleanly_when_intact() {
    let s = story();
    let (code, r, stderr) = json(&[s.repo.path()]);
    assert_eq!(code, 0, "{stderr}\n{r:#}");
    assert_eq!(r["history"]["change_units"], 4);
    // The rename is found: a.py is not among the changed paths.
    assert_eq!(common::counts(&r, "hot-files"), (4, 4));
    assert_eq!(r["notes"], Value::Array(vec![]));
}

#[test]
fn a_truncated_loose_blob_stops_every_mode() {
    let s = story();
    let object = loose_path(&git_dir(&s.repo), s.old_blob);
    truncate(&object);
    every_mode_fails(&s.repo, &s.old_blob.to_string());
    let r = run(&[s.repo.path()]);
    assert!(
        r.stderr.contains(&object.display().to_string()),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("truncated"), "{}", r.stderr);
}

#[test]
fn a_truncated_loose_tree_or_commit_stops_every_mode() {
    for which in ["tree", "commit"] {
        let s = story();
        // The first commit (and its tree) lies in every mode's window.
        let commit = s.repo.repo.find_commit(s.commits[0]).expect("commit");
        let id = if which == "tree" {
            commit.tree_id()
        } else {
            commit.id()
        };
        drop(commit);
        truncate(&loose_path(&git_dir(&s.repo), id));
        every_mode_fails(&s.repo, &id.to_string());
    }
    // `qscan init` reads HEAD's commit too: it must not hang on it.
    let s = story();
    let head = s.commits[3];
    truncate(&loose_path(&git_dir(&s.repo), head));
    let out = tempfile::tempdir().expect("temp dir");
    let target = out.path().join("quality.toml");
    let r = run(&[
        "init",
        "--config",
        target.to_str().expect("utf-8"),
        s.repo.path(),
    ]);
    assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
}

#[test]
fn a_missing_parent_commit_stops_every_mode() {
    let s = story();
    let parent = s.commits[1];
    std::fs::remove_file(loose_path(&git_dir(&s.repo), parent)).expect("rm");
    every_mode_fails(&s.repo, &parent.to_string());
    let r = run(&[s.repo.path()]);
    assert!(
        r.stderr
            .contains(&format!("the first parent of commit {}", s.commits[2])),
        "{}",
        r.stderr
    );
}

/// Packs every object of the story into one pack and removes the loose
/// copies; returns the pack's path.
fn pack_everything(s: &Story) -> PathBuf {
    let repo = &s.repo.repo;
    let mut builder = repo.packbuilder().expect("packbuilder");
    let mut walk = repo.revwalk().expect("revwalk");
    walk.push_head().expect("push head");
    builder.insert_walk(&mut walk).expect("insert");
    let pack_dir = git_dir(&s.repo).join("objects").join("pack");
    builder.write(&pack_dir, 0o444).expect("write pack");
    let objects = git_dir(&s.repo).join("objects");
    for e in std::fs::read_dir(&objects).expect("objects").flatten() {
        let name = e.file_name();
        if name.len() == 2 {
            std::fs::remove_dir_all(e.path()).expect("rm loose");
        }
    }
    std::fs::read_dir(&pack_dir)
        .expect("pack dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .expect("a pack")
}

#[test]
fn a_packed_repository_scans_as_the_loose_one() {
    let s = story();
    pack_everything(&s);
    let (code, r, stderr) = json(&[s.repo.path()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["history"]["change_units"], 4);
    assert_eq!(common::counts(&r, "hot-files"), (4, 4));
}

#[test]
fn a_truncated_or_missing_pack_stops_every_mode() {
    for missing in [false, true] {
        let s = story();
        let pack = pack_everything(&s);
        if missing {
            std::fs::remove_file(&pack).expect("rm pack");
        } else {
            truncate(&pack);
        }
        let before = listing(s.repo.dir.path());
        let path = s.repo.path();
        for args in [
            vec![path],
            vec!["--staged", path],
            vec!["--rev", "HEAD", path],
            vec!["--baseline", "HEAD", path],
            vec!["trend", path],
        ] {
            let r = run(&args);
            assert_eq!(
                r.code, 2,
                "{args:?} (missing: {missing}): {}\n{}",
                r.stderr, r.stdout
            );
            assert!(r.stdout.is_empty(), "{}", r.stdout);
        }
        assert_eq!(listing(s.repo.dir.path()), before, "the repository changed");
    }
}

#[test]
fn absent_old_blobs_keep_the_history_metrics() {
    let s = story();
    // As in a blob-filtered clone: the blobs only old commits use are absent.
    let old_b = Oid::hash_object(git2::ObjectType::Blob, module("b", "").as_bytes()).expect("hash");
    for id in [s.old_blob, old_b] {
        std::fs::remove_file(loose_path(&git_dir(&s.repo), id)).expect("rm");
    }
    let before = listing(s.repo.dir.path());
    let (code, r, stderr) = json(&[s.repo.path()]);
    assert_eq!(code, 0, "{stderr}\n{r:#}");
    assert_eq!(r["history"]["change_units"], 4);
    // moved.py's rename could not be seen: src/a.py counts as deleted (gone
    // from HEAD, so not a file of the report) and src/moved.py as added.
    assert_eq!(common::counts(&r, "hot-files"), (4, 4));
    assert_eq!(
        r["notes"],
        serde_json::json!([
            "rename detection could not compare 1 added or deleted file whose content is \
             absent from this clone (a partial clone?): each counts as deleted or added, not renamed"
        ])
    );
    assert_eq!(common::counts(&r, "change-size"), (4, 4));
    let m = common::metric(&r, "change-size");
    assert!(m["skipped"].is_null(), "{m:#}");
    assert_eq!(listing(s.repo.dir.path()), before, "the repository changed");
}

#[test]
fn a_missing_blob_of_the_scanned_snapshot_stops_the_scan() {
    let s = story();
    let blob = Oid::hash_object(git2::ObjectType::Blob, b"C = 3\n").expect("hash");
    std::fs::remove_file(loose_path(&git_dir(&s.repo), blob)).expect("rm");
    let before = listing(s.repo.dir.path());
    for args in [
        vec!["--rev", "HEAD", s.repo.path()],
        vec!["--staged", s.repo.path()],
        vec!["--baseline", "HEAD", s.repo.path()],
        vec!["trend", s.repo.path()],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}\n{}", r.stderr, r.stdout);
        assert!(
            r.stderr.contains(&format!(
                "git object {blob} (the content of src/c.py) is missing from the repository"
            )),
            "{args:?}: {}",
            r.stderr
        );
    }
    // The working tree has the file; history only could not compare it for
    // a rename.
    let (code, r, stderr) = json(&[s.repo.path()]);
    assert_eq!(code, 0, "{stderr}\n{r:#}");
    assert_eq!(r["files"]["scanned"], 3);
    assert_eq!(r["history"]["change_units"], 4);
    assert_eq!(r["notes"].as_array().map(Vec::len), Some(1), "{r:#}");
    assert_eq!(listing(s.repo.dir.path()), before, "the repository changed");
}

/// A bare copy of the story's repository.
fn bare_copy(s: &Story) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new("cp")
        .args(["-a"])
        .arg(format!("{}/.", git_dir(&s.repo).display()))
        .arg(dir.path())
        .output()
        .expect("cp");
    assert!(out.status.success());
    let repo = git2::Repository::open(dir.path()).expect("open");
    repo.config()
        .expect("config")
        .set_bool("core.bare", true)
        .expect("set bare");
    drop(repo);
    assert!(
        git2::Repository::open(dir.path())
            .expect("reopen")
            .is_bare()
    );
    dir
}

#[test]
fn a_bare_repository_scans_by_revision_and_trends() {
    let s = story();
    let bare = bare_copy(&s);
    let path = bare.path().to_str().expect("utf-8");
    let before = listing(bare.path());

    let (code, r, stderr) = json(&["--rev", "HEAD", path]);
    assert_eq!(code, 0, "{stderr}\n{r:#}");
    assert_eq!(r["revision"], s.commits[3].to_string());
    assert_eq!(r["definition"], "HEAD:quality.toml");
    assert_eq!(r["files"]["scanned"], 3);
    assert_eq!(r["history"]["change_units"], 4);
    // The same numbers as the working copy's own --rev HEAD.
    let (_, w, _) = json(&["--rev", "HEAD", s.repo.path()]);
    assert_eq!(r["metrics"], w["metrics"]);

    let (code, t, stderr) = json(&["trend", path]);
    assert_eq!(code, 0, "{stderr}\n{t:#}");
    assert_eq!(t["points"].as_array().map(Vec::len), Some(4), "{t:#}");

    // No work tree, no index: plain, --staged and init are refused.
    for args in [vec![path], vec!["--staged", path], vec!["init", path]] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("bare repository"), "{}", r.stderr);
        if args[0] != "init" {
            assert!(r.stderr.contains("--rev HEAD"), "{}", r.stderr);
        }
    }
    assert_eq!(listing(bare.path()), before, "the repository changed");
}

#[test]
fn a_repository_owned_by_another_user_explains_safe_directory() {
    let s = story();
    // chown needs root (CI containers run tests as root); elsewhere the
    // message itself is checked by the unit test in src/odb.rs.
    if own_uid() != 0 {
        eprintln!("not root: cannot give the repository another owner; skipped");
        return;
    }
    let mut stack = vec![s.repo.dir.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        std::os::unix::fs::lchown(&p, Some(4242), Some(4242)).expect("chown");
        if p.is_dir() && !p.is_symlink() {
            stack.extend(
                std::fs::read_dir(&p)
                    .expect("dir")
                    .flatten()
                    .map(|e| e.path()),
            );
        }
    }
    let before = listing(s.repo.dir.path());
    for args in [
        vec![s.repo.path()],
        vec!["--rev", "HEAD", s.repo.path()],
        vec!["trend", s.repo.path()],
        vec!["hook", "install", s.repo.path()],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}\n{}", r.stderr, r.stdout);
        assert!(r.stderr.contains("owned by another user"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("git config --global --add safe.directory"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("not a git repository"), "{}", r.stderr);
    }
    assert_eq!(listing(s.repo.dir.path()), before, "the repository changed");
}

fn own_uid() -> u32 {
    // The test's own user: the owner of a file it just created.
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::metadata(dir.path()).expect("metadata").uid()
}
