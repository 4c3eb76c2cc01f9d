//! Onboarding, end to end: `qscan init` writes a fitted quality.toml whose gate
//! passes on day one, and `qscan hook install|uninstall` manage the pre-commit
//! hook without ever clobbering a hook qscan did not write.
//!
//! Repositories are built with git2 in temp folders (fixed author and time);
//! qscan runs with HOME pointed at an empty folder, so no machine git
//! configuration (a global core.hooksPath, say) can steer or receive a hook.

use crate::common;

use std::path::{Path, PathBuf};

use qscan::config::{self, Origin};
use qscan::hook::{BACKUP_NAME, MARKER};
use qscan::metrics::preferred_library::Params;
use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs qscan in `cwd` with an empty HOME.
fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("temp home");
    let out = common::qscan()
        .current_dir(cwd)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .args(args)
        .output()
        .expect("qscan runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Expects exit 2 with a message on stderr and nothing on stdout.
fn expect_error(run: &Run) {
    assert_eq!(
        run.code, 2,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.starts_with("qscan: error: "), "{}", run.stderr);
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn write(dir: &Path, rel: &str, text: &str) {
    write_file(&dir.join(rel), text);
}

fn write_file(p: &Path, text: &str) {
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("create dir");
    }
    std::fs::write(p, text).expect("write file");
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// A repository with `files` committed once, by a fixed author at a fixed time.
fn repo_with(files: &[(&str, &str)]) -> (TempDir, git2::Repository) {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = git2::Repository::init(dir.path()).expect("git init");
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    commit(&repo, "first");
    (dir, repo)
}

fn commit(repo: &git2::Repository, message: &str) {
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("add");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("tree"))
        .expect("find tree");
    let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(1_700_000_000, 0))
        .expect("signature");
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .expect("commit");
}

// ---- qscan init ----

/// The kind and `min` of each metric of a definition, in file order.
fn metric_mins(def: &config::Definition) -> Vec<(String, &'static str, Option<f64>)> {
    def.metrics
        .iter()
        .map(|m| (m.name.clone(), m.kind.name(), m.min))
        .collect()
}

#[test]
fn init_fits_the_python_fixture_and_its_gate_passes() {
    let dir = common::fixture_copy("python");
    std::fs::remove_file(dir.path().join("quality.toml")).expect("remove fixture definition");
    let r = run_in(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "init reports on stderr:\n{}", r.stdout);
    let target = dir
        .path()
        .canonicalize()
        .expect("canonical")
        .join("quality.toml");
    assert!(
        r.stderr
            .starts_with(&format!("qscan: wrote {}\n", target.display())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("score 77.9, min_score 77"),
        "{}",
        r.stderr
    );

    let text = read(&target);
    let def = config::parse(&text, "quality.toml", Origin::BuiltIn).expect("it parses");
    // Today's values (fixtures/python/expected.toml), each rounded down; with
    // the default limits big.py (32 code lines, 16 public items) is fine.
    // typed measures source files by default: the four test functions of
    // expected.toml's typed offenders are not units, so 23/29 = 79.3%.
    assert_eq!(
        metric_mins(&def),
        [
            ("typed".to_string(), "typed", Some(79.0)),
            ("test-association".into(), "test-association", Some(60.0)),
            ("large-files".into(), "large-files", Some(100.0)),
            ("interface-width".into(), "interface-width", Some(100.0)),
            ("http-client".into(), "preferred-library", Some(50.0)),
        ]
    );
    // The mean of the minimums: (79 + 60 + 100 + 100 + 50) / 5 = 77.8.
    assert_eq!(def.gate.min_score, Some(77.0));
    let http = def.metrics.last().expect("http-client");
    let Some(Params {
        preferred, family, ..
    }) = http.params()
    else {
        panic!("http-client is a preferred-library metric");
    };
    // requests is imported by both files that use an HTTP client.
    assert_eq!(preferred, &["requests"]);
    assert!(!family.is_empty(), "family = \"http\"");

    // Comments: the registry's summary and today's value, and how to ratchet.
    for expected in [
        "# The share of functions that are statically typed.\n\
         # today: 79.3% (23/29 compliant; unit: function)\n\
         [metrics.typed]\nmin = 79\npython = \"complete\"",
        "#   python: requests (2 of 2 files)\n",
        "Ratchet from here",
        "# today: a score of 77.9; min_score is the mean of the minimums below\n[gate]\nmin_score = 77",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Not a repository: no history metric is proposed.
    assert!(!text.contains("hot-files"), "{text}");

    // Day one: the gate passes with the written definition.
    let (code, report, stderr) = common::json(&[path(dir.path())]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["score"], 77.9);
    assert_eq!(
        report["definition"],
        serde_json::json!(target.display().to_string())
    );
}

#[test]
fn init_refuses_to_replace_a_definition_without_force() {
    let dir = common::fixture_copy("python");
    let target = dir.path().join("quality.toml");
    let before = read(&target);
    let r = run_in(dir.path(), &["init"]);
    expect_error(&r);
    assert!(
        r.stderr.contains("quality.toml already exists"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: `qscan init --force`"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&target), before, "the file is untouched");

    let r = run_in(dir.path(), &["init", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("qscan: replaced "), "{}", r.stderr);
    let after = read(&target);
    assert_ne!(after, before);
    assert!(after.starts_with("# quality.toml: this repository's definition"));
    assert_eq!(run_in(dir.path(), &["--quiet"]).code, 0);
}

#[test]
fn init_writes_elsewhere_with_config() {
    let dir = common::fixture_copy("python");
    let before = read(&dir.path().join("quality.toml"));
    let r = run_in(dir.path(), &["init", "--config", "ci.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read(&dir.path().join("quality.toml")), before);
    let r = run_in(dir.path(), &["--config", "ci.toml", "--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The same refusal applies to the named file.
    expect_error(&run_in(dir.path(), &["init", "--config", "ci.toml"]));
}

#[test]
fn init_in_a_folder_without_sources_still_writes_a_passing_definition() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "README.md", "# nothing to analyze\n");
    let r = run_in(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("note: no source files found"),
        "{}",
        r.stderr
    );
    let text = read(&dir.path().join("quality.toml"));
    assert!(
        !text.contains("python ="),
        "no Python, no python mode:\n{text}"
    );
    assert!(!text.contains("http-client"), "{text}");
    assert_eq!(run_in(dir.path(), &["--quiet"]).code, 0);
}

#[test]
fn init_without_http_clients_takes_the_score_of_what_it_writes() {
    // typed 0%, test-association 0%, large-files and interface-width 100%:
    // a score of 50, and no HTTP client metric to lift it.
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "app.py", "def f(x):\n    return x\n");
    let r = run_in(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("score 50.0, min_score 50"),
        "{}",
        r.stderr
    );
    let text = read(&dir.path().join("quality.toml"));
    assert!(!text.contains("http-client"), "{text}");
    assert!(
        text.contains("[metrics.typed]\nmin = 0\npython = \"complete\""),
        "{text}"
    );
    let (code, report, stderr) = common::json(&[path(dir.path())]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["score"], 50.0);
    assert_eq!(report["gate"]["min_score"], 50.0);
}

#[test]
fn init_in_a_repository_fits_languages_clients_and_history() {
    let (dir, _repo) = repo_with(&[
        (
            "src/client.js",
            "import fetch from 'node-fetch';\nexport function get(u) { return fetch(u); }\n",
        ),
        (
            "src/old.js",
            "const got = require('got');\nmodule.exports = { f: () => got('x') };\n",
        ),
    ]);
    // From a subfolder: the file goes to the repository root.
    let r = run_in(&dir.path().join("src"), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = read(&dir.path().join("quality.toml"));
    let def = config::parse(&text, "quality.toml", Origin::BuiltIn).expect("it parses");
    assert!(
        !text.contains("python ="),
        "no Python, no python mode:\n{text}"
    );
    let Some(Params { preferred, .. }) = def
        .metrics
        .iter()
        .find(|m| m.name == "http-client")
        .and_then(|m| m.params())
    else {
        panic!("an http-client metric:\n{text}");
    };
    // node-fetch and got are used by one file each: the tie goes to the
    // client listed first in the built-in family (not the first by name).
    assert_eq!(preferred, &["node-fetch"]);
    assert!(
        text.contains("[metrics.http-client]\nkind = \"preferred-library\"\nmin = 50\n"),
        "{text}"
    );
    assert!(
        text.contains("#   javascript: node-fetch (1 of 2 files)\n"),
        "{text}"
    );
    // The history kinds are proposed in a repository with commits; with
    // one change unit, fewer than `[history] min_units`, they cannot fail
    // today and are left out, saying why.
    for kind in ["hot-files", "change-size"] {
        assert!(!text.contains(&format!("[metrics.{kind}]")), "{text}");
        assert!(
            text.contains(&format!(
                "#   {kind}: the history holds 1 change unit, fewer than [history] min_units = 20\n"
            )),
            "{text}"
        );
    }
    let r = run_in(dir.path(), &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn init_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope");
    let r = run_in(dir.path(), &["init", path(&missing)]);
    expect_error(&r);
    assert!(r.stderr.contains("nope"), "{}", r.stderr);

    let r = run_in(dir.path(), &["init", "--config", "no/such/folder/q.toml"]);
    expect_error(&r);
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
}

// ---- qscan hook install / uninstall ----

fn hook_path(repo: &git2::Repository) -> PathBuf {
    repo.path().join("hooks").join("pre-commit")
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o777 == 0o755)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    true
}

fn assert_ours(hook: &Path) {
    let text = read(hook);
    assert!(text.starts_with("#!/bin/sh\n"), "{text}");
    assert!(text.lines().any(|l| l == MARKER), "{text}");
    assert!(text.contains("exec qscan --staged\n"), "{text}");
    assert!(is_executable(hook), "{} is executable", hook.display());
}

#[test]
fn hook_install_is_fresh_then_idempotent() {
    let (dir, repo) = repo_with(&[("a.py", "x = 1\n")]);
    let hook = hook_path(&repo);
    let r = run_in(dir.path(), &["hook", "install"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("qscan: installed "), "{}", r.stderr);
    assert_ours(&hook);
    let first = read(&hook);

    let r = run_in(dir.path(), &["hook", "install"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("rewrote qscan's hook"), "{}", r.stderr);
    assert_eq!(read(&hook), first);
    assert!(!hook.with_file_name(BACKUP_NAME).exists());
}

#[test]
fn hook_install_refuses_a_foreign_hook_and_force_keeps_a_backup() {
    let (dir, repo) = repo_with(&[("a.py", "x = 1\n")]);
    let hook = hook_path(&repo);
    let backup = hook.with_file_name(BACKUP_NAME);
    let foreign = "#!/bin/sh\necho lint\n";
    write_file(&hook, foreign);

    let r = run_in(dir.path(), &["hook", "install"]);
    expect_error(&r);
    assert!(
        r.stderr.contains("was not written by qscan"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: `qscan hook install --force`"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&hook), foreign, "untouched");
    assert!(!backup.exists());

    let r = run_in(dir.path(), &["hook", "install", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(BACKUP_NAME), "{}", r.stderr);
    assert_ours(&hook);
    assert_eq!(read(&backup), foreign);

    // Uninstall removes qscan's hook and puts the foreign one back.
    let r = run_in(dir.path(), &["hook", "uninstall"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("put back"), "{}", r.stderr);
    assert_eq!(read(&hook), foreign);
    assert!(!backup.exists());
}

#[test]
fn hook_install_never_clobbers_an_existing_backup() {
    let (dir, repo) = repo_with(&[("a.py", "x = 1\n")]);
    let hook = hook_path(&repo);
    let backup = hook.with_file_name(BACKUP_NAME);
    write_file(&hook, "#!/bin/sh\necho new\n");
    write_file(&backup, "#!/bin/sh\necho old\n");
    let r = run_in(dir.path(), &["hook", "install", "--force"]);
    expect_error(&r);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(read(&hook), "#!/bin/sh\necho new\n");
    assert_eq!(read(&backup), "#!/bin/sh\necho old\n");
}

#[test]
fn hook_install_follows_core_hooks_path() {
    let (dir, repo) = repo_with(&[("a.py", "x = 1\n")]);
    repo.config()
        .expect("config")
        .set_str("core.hooksPath", "githooks")
        .expect("set core.hooksPath");
    let r = run_in(dir.path(), &["hook", "install"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(core.hooksPath)"), "{}", r.stderr);
    // Relative to the work tree root, created when missing.
    let hook = dir.path().join("githooks").join("pre-commit");
    assert_ours(&hook);
    assert!(!hook_path(&repo).exists());

    let r = run_in(dir.path(), &["hook", "uninstall"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!hook.exists());
}

#[test]
fn hook_in_a_worktree_goes_to_the_common_hooks_folder() {
    let (dir, repo) = repo_with(&[("a.py", "x = 1\n")]);
    let wt_parent = tempfile::tempdir().expect("temp dir");
    let wt_path = wt_parent.path().join("wt");
    repo.worktree("wt", &wt_path, None).expect("add worktree");
    let r = run_in(&wt_path, &["hook", "install"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ours(&hook_path(&repo));
    drop(dir);
}

#[test]
fn hook_uninstall_removes_only_qscans_hook() {
    let (dir, repo) = repo_with(&[("a.py", "x = 1\n")]);
    let hook = hook_path(&repo);

    // Nothing installed: nothing to do, and that is no error.
    let r = run_in(dir.path(), &["hook", "uninstall"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("nothing to uninstall"), "{}", r.stderr);

    assert_eq!(run_in(dir.path(), &["hook", "install"]).code, 0);
    let r = run_in(dir.path(), &["hook", "uninstall"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("qscan: removed "), "{}", r.stderr);
    assert!(!hook.exists());

    let foreign = "#!/bin/sh\nexec make lint\n";
    write_file(&hook, foreign);
    let r = run_in(dir.path(), &["hook", "uninstall"]);
    expect_error(&r);
    assert!(
        r.stderr.contains("was not written by qscan"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&hook), foreign, "untouched");
}

#[test]
fn hook_commands_outside_a_repository_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        &["hook", "install"][..],
        &["hook", "install", "--force"],
        &["hook", "uninstall"],
    ] {
        let r = run_in(dir.path(), args);
        expect_error(&r);
        assert!(
            r.stderr.contains("is not inside a git repository"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("hint: "), "{}", r.stderr);
    }
    let r = run_in(dir.path(), &["hook"]);
    assert_eq!(
        r.code, 2,
        "a missing action is a usage error:\n{}",
        r.stderr
    );
    let r = run_in(
        dir.path(),
        &["hook", "install", path(&dir.path().join("nope"))],
    );
    expect_error(&r);
}

#[cfg(unix)]
#[test]
fn the_hook_runs_qscan_from_path_and_passes_its_exit_code() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, repo) = repo_with(&[("a.py", "x = 1\n")]);
    assert_eq!(run_in(dir.path(), &["hook", "install"]).code, 0);
    let hook = hook_path(&repo);
    let bin = tempfile::tempdir().expect("temp bin");
    let hook_run = |path_var: &Path| {
        std::process::Command::new("/bin/sh")
            .arg(&hook)
            .current_dir(dir.path())
            .env("PATH", path_var)
            .output()
            .expect("sh runs the hook")
    };

    // No qscan on PATH: the commit is blocked with a clear message.
    let out = hook_run(bin.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("qscan is not on PATH"), "{stderr}");

    // A stand-in qscan: the hook calls it with --staged and hands back its code.
    let fake = bin.path().join("qscan");
    write_file(&fake, "#!/bin/sh\necho \"args: $*\"\nexit 3\n");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = hook_run(bin.path());
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "args: --staged\n");
}
