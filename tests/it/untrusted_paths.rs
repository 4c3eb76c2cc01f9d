//! Safe on untrusted repositories: nothing outside the scanned root is read
//! because the repository names it, nothing that is not a regular file is
//! opened, no content of a file that is not what it should be is quoted, and
//! nothing is written under the repository.
//!
//! Each attack is built in the test: a secret planted next to the repository
//! (or in a place only a link reaches), then a run whose stdout and stderr
//! must not hold it.

#![cfg(unix)]

use crate::common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::repo::TestRepo;

const SECRET: &str = "SECRET_TOKEN=hunter2-never-print-me";
const TIMEOUT: Duration = Duration::from_secs(60);

/// A repository folder `repo` with one Python file, next to a file
/// `secret` (and `secret.json`) holding the planted secret.
struct Setup {
    _dir: tempfile::TempDir,
    outside: PathBuf,
    repo: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let outside = dir.path().canonicalize().expect("canonical");
        let repo = outside.join("repo");
        std::fs::create_dir(&repo).expect("mkdir");
        std::fs::write(repo.join("a.py"), "def f(x: int) -> int:\n    return x\n").expect("write");
        std::fs::write(outside.join("secret"), format!("{SECRET}\n")).expect("write");
        std::fs::write(
            outside.join("secret.json"),
            format!("{{\"p95\": \"{SECRET}\"}}\n"),
        )
        .expect("write");
        Setup {
            _dir: dir,
            outside,
            repo,
        }
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.repo.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn link(&self, target: impl AsRef<Path>, rel: &str) {
        let p = self.repo.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        symlink(target, p).expect("symlink");
    }

    fn run(&self, args: &[&str]) -> Output {
        common::qscan()
            .arg(&self.repo)
            .args(args)
            .timeout(TIMEOUT)
            .output()
            .expect("qscan runs")
    }
}

/// Expects an error run (exit 2, nothing on stdout) that printed no secret;
/// returns stderr.
fn refused(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stdout.contains("hunter2") && !stderr.contains("hunter2"),
        "the secret was printed:\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_quality_toml_linking_outside_is_an_error_not_a_read() {
    for target in ["../secret", "ABS"] {
        let s = Setup::new();
        let target = if target == "ABS" {
            s.outside.join("secret")
        } else {
            PathBuf::from(target)
        };
        s.link(&target, "quality.toml");
        let stderr = refused(&s.run(&[]));
        assert!(
            stderr.starts_with(&format!(
                "qscan: error: cannot read {}: `quality.toml` is a symbolic link leading outside the repository",
                s.repo.join("quality.toml").display()
            )),
            "{stderr}"
        );
        assert!(stderr.contains("hint: "), "{stderr}");
    }
    // Through a link to /proc as well (the example of the README).
    let s = Setup::new();
    s.link("/proc/self/environ", "quality.toml");
    let out = common::qscan()
        .arg(&s.repo)
        .env("LEAK_CHECK", "hunter2")
        .timeout(TIMEOUT)
        .output()
        .expect("qscan runs");
    refused(&out);
}

#[test]
fn a_fifo_named_quality_toml_is_refused_without_blocking() {
    let s = Setup::new();
    let status = Command::new("mkfifo")
        .arg(s.repo.join("quality.toml"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let stderr = refused(&s.run(&[]));
    assert!(
        stderr.contains("quality.toml: it is a FIFO (named pipe), not a regular file"),
        "{stderr}"
    );
}

#[test]
fn a_quality_toml_that_is_no_toml_is_not_quoted() {
    let s = Setup::new();
    s.write("quality.toml", &format!("{SECRET}\n[metrics.typed]\n"));
    let stderr = refused(&s.run(&[]));
    assert_eq!(
        stderr,
        format!(
            "qscan: error: {}:1:14: string values must be quoted, expected literal string\n  \
             hint: every quality.toml key is documented in the README; `qscan explain KIND` \
             lists a kind's keys\n",
            s.repo.join("quality.toml").display()
        )
    );
}

#[test]
fn a_valid_toml_with_a_wrong_value_quotes_at_most_that_token_cut_short() {
    let s = Setup::new();
    let long = "x".repeat(200);
    s.write(
        "quality.toml",
        &format!("\"bad\\u001b[2Jkey\" = 1\n[metrics.typed]\nmin = 50\npython = \"{long}\"\n"),
    );
    let stderr = refused(&s.run(&[]));
    // No line of the file, the token cut, a control character escaped.
    assert!(!stderr.contains(" | "), "{stderr}");
    assert!(!stderr.contains(&"x".repeat(41)), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(stderr.contains(&format!("{}…", "x".repeat(40))), "{stderr}");
}

#[test]
fn codeowners_linking_outside_is_an_error_not_a_read() {
    // The file itself a link; then the folder it is in.
    let s = Setup::new();
    std::fs::write(s.outside.join("owners"), format!("/x {SECRET}\n")).expect("write");
    s.link("../../owners", ".github/CODEOWNERS");
    let stderr = refused(&s.run(&["--by", "owner"]));
    assert!(
        stderr.starts_with(
            "qscan: error: cannot read .github/CODEOWNERS: `.github/CODEOWNERS` is a symbolic link leading outside the repository"
        ),
        "{stderr}"
    );

    let s = Setup::new();
    let elsewhere = s.outside.join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("CODEOWNERS"), format!("/x {SECRET}\n")).expect("write");
    s.link(&elsewhere, ".github");
    let stderr = refused(&s.run(&["--by", "owner"]));
    assert!(
        stderr.contains("`.github` is a symbolic link leading outside the repository"),
        "{stderr}"
    );
}

#[test]
fn codeowners_problems_are_told_by_line_without_quoting_it() {
    let s = Setup::new();
    s.write("quality.toml", "[metrics.typed]\nmin = 50\n");
    s.write(
        ".github/CODEOWNERS",
        "* @org/all\n/x hunter2-token\n!y @org/y\n",
    );
    let out = s.run(&["--by", "owner"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("hunter2"), "{stdout}");
    assert!(
        stdout.contains(".github/CODEOWNERS:2: its owner number 1 is no owner"),
        "{stdout}"
    );
}

#[test]
fn coverage_reports_outside_the_root_are_refused() {
    let s = Setup::new();
    let abs = s.outside.join("secret");
    for report in [
        abs.to_str().expect("utf-8"),
        "../secret",
        "sub/../../secret",
    ] {
        s.write(
            "quality.toml",
            &format!("[metrics.coverage]\nreport = \"{report}\"\n"),
        );
        let stderr = refused(&s.run(&[]));
        assert!(
            stderr.contains(":2:10: report `") && stderr.contains("` is outside the repository"),
            "{stderr}"
        );
    }
    // A link out, as the report, as a folder a glob walks, and into .git.
    s.link("../secret", "cov.info");
    s.link(&s.outside, "reports");
    s.write(
        ".git/config",
        &format!("[http]\n\textraheader = {SECRET}\n"),
    );
    for (report, why) in [
        (
            "cov.info",
            "`cov.info` is a symbolic link leading outside the repository",
        ),
        (
            "reports/*",
            "`reports` is a symbolic link leading outside the repository",
        ),
        (
            "reports/secret",
            "`reports` is a symbolic link leading outside the repository",
        ),
        (
            ".git/config",
            "it is inside the .git folder, which qscan never reads",
        ),
    ] {
        s.write(
            "quality.toml",
            &format!("[metrics.coverage]\nreport = \"{report}\"\n"),
        );
        let stderr = refused(&s.run(&[]));
        assert!(
            stderr.starts_with(
                "qscan: error: metric 'coverage' is not measured: cannot read the coverage report"
            ) && stderr.contains(why),
            "{report}: {stderr}"
        );
    }
}

#[test]
fn a_report_naming_dev_stdin_is_refused_before_any_read() {
    let s = Setup::new();
    s.write(
        "quality.toml",
        "[metrics.coverage]\nreport = \"/dev/stdin\"\n",
    );
    let out = common::qscan()
        .arg(&s.repo)
        .write_stdin(format!("{SECRET}\n"))
        .timeout(TIMEOUT)
        .output()
        .expect("qscan runs");
    let stderr = refused(&out);
    assert!(
        stderr.contains("report `/dev/stdin` is outside the repository"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_report_inside_is_not_quoted() {
    let s = Setup::new();
    s.write("cov.info", &format!("{SECRET}\n"));
    s.write(
        "quality.toml",
        "[metrics.coverage]\nreport = \"cov.info\"\n",
    );
    let stderr = refused(&s.run(&[]));
    assert!(
        stderr.starts_with(
            "qscan: error: metric 'coverage' is not measured: the coverage report `cov.info` is malformed: line 1 is not an lcov line"
        ),
        "{stderr}"
    );
}

#[test]
fn an_external_file_linking_outside_is_refused_and_values_are_not_quoted() {
    let s = Setup::new();
    s.link("../secret.json", "m.json");
    s.write(
        "quality.toml",
        "[metrics.p95]\nkind = \"external\"\nfile = \"m.json\"\npointer = \"/p95\"\nmax = 1\n",
    );
    let stderr = refused(&s.run(&[]));
    assert!(
        stderr.contains(
            "cannot read the JSON file `m.json`: `m.json` is a symbolic link leading outside the repository"
        ),
        "{stderr}"
    );
    // Inside, the string found where a number should be is not shown.
    std::fs::remove_file(s.repo.join("m.json")).expect("rm");
    std::fs::copy(s.outside.join("secret.json"), s.repo.join("m.json")).expect("copy");
    let stderr = refused(&s.run(&[]));
    assert!(
        stderr.contains("`m.json` holds a string at `/p95`, not a number"),
        "{stderr}"
    );
    // An absolute file is refused where the definition names it.
    s.write(
        "quality.toml",
        &format!(
            "[metrics.p95]\nkind = \"external\"\nfile = \"{}\"\nmax = 1\n",
            s.outside.join("secret.json").display()
        ),
    );
    let stderr = refused(&s.run(&[]));
    assert!(stderr.contains(":3:8: file `"), "{stderr}");
}

#[test]
fn links_that_stay_inside_are_followed() {
    let s = Setup::new();
    s.write(
        "ci/quality.toml",
        "[metrics.typed]\nmin = 50\n[metrics.coverage]\nreport = \"cov.info\"\n",
    );
    s.link("ci/quality.toml", "quality.toml");
    s.write("out/lcov.info", "SF:a.py\nDA:1,1\nDA:2,1\nend_of_record\n");
    s.link("out/lcov.info", "cov.info");
    let (code, report, stderr) = common::json(&[s.repo.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(common::counts(&report, "typed"), (1, 1));
    assert_eq!(common::counts(&report, "coverage"), (2, 2));
}

#[test]
fn an_explicit_config_outside_the_root_is_the_users_own() {
    let s = Setup::new();
    let own = s.outside.join("own.toml");
    std::fs::write(&own, "[metrics.typed]\nmin = 50\n").expect("write");
    let out = s.run(&["--config", own.to_str().expect("utf-8")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn git_snapshots_do_not_follow_committed_links() {
    let secret_dir = tempfile::tempdir().expect("temp dir");
    let secret = secret_dir.path().join("secret");
    std::fs::write(&secret, format!("* hunter2-owner\n{SECRET}\n")).expect("write");
    let mut repo = TestRepo::new();
    repo.write("a.py", "def f(x: int) -> int:\n    return x\n");
    for link in ["quality.toml", ".github/CODEOWNERS", "CODEOWNERS"] {
        let p = repo.dir.path().join(link);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        symlink(&secret, p).expect("symlink");
    }
    repo.commit(
        "links",
        &["a.py", "quality.toml", ".github/CODEOWNERS", "CODEOWNERS"],
    );
    // The blobs are links (mode 120000).
    let head = repo
        .repo
        .head()
        .expect("head")
        .peel_to_tree()
        .expect("tree");
    let entry = head.get_name("quality.toml").expect("entry");
    assert_eq!(entry.filemode(), 0o120000);

    // As checked out, the links are refused.
    let out = common::qscan()
        .args([repo.path(), "--rev", "HEAD", "--by", "owner"])
        .timeout(TIMEOUT)
        .output()
        .expect("qscan runs");
    refused(&out);

    // Read from the objects, a link blob is no CODEOWNERS file.
    for link in ["quality.toml", ".github/CODEOWNERS", "CODEOWNERS"] {
        std::fs::remove_file(repo.dir.path().join(link)).expect("rm");
    }
    let out = common::qscan()
        .args([
            repo.path(),
            "--rev",
            "HEAD",
            "--by",
            "owner",
            "--format",
            "json",
        ])
        .timeout(TIMEOUT)
        .output()
        .expect("qscan runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains("hunter2") && !stderr.contains("hunter2"),
        "{stdout}{stderr}"
    );
    // The built-in definition's gate may fail; it is a verdict, not an error.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(stdout.contains("no CODEOWNERS file"), "{stdout}");
}

/// Every file under `dir`, for comparing a tree before and after a run.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                todo.push(p.clone());
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn a_relative_cache_folder_is_ignored_not_written_in_the_repository() {
    for (var, value) in [("QSCAN_CACHE_DIR", "qcache"), ("XDG_CACHE_HOME", "cache")] {
        let s = Setup::new();
        s.write("quality.toml", "[metrics.typed]\nmin = 50\n");
        let home = tempfile::tempdir().expect("temp dir");
        let before = tree(&s.repo);
        let out = common::qscan()
            .env_remove("QSCAN_NO_CACHE")
            .env_remove("QSCAN_CACHE_DIR")
            .env_remove("XDG_CACHE_HOME")
            .env(var, value)
            .env("HOME", home.path())
            .current_dir(&s.repo)
            .timeout(TIMEOUT)
            .output()
            .expect("qscan runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(tree(&s.repo), before, "{var}={value}");
        // The cache went to the next place in line: the home folder.
        assert!(
            home.path().join(".cache/qscan").is_dir(),
            "{var}={value}: {:?}",
            tree(home.path())
        );
    }
}

#[test]
fn a_closed_stdout_is_an_error() {
    let s = Setup::new();
    let bin = env!("CARGO_BIN_EXE_qscan");
    let out = Command::new("sh")
        .args(["-c", "exec \"$0\" \"$@\" >&-"])
        .arg(bin)
        .arg(&s.repo)
        .env("QSCAN_NO_CACHE", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "qscan: error: cannot write the output: standard output is closed\n  hint: redirect it \
         instead (`qscan > /dev/null` to drop it), or write to a file with --output FILE\n"
    );
    // With --output, stdout is not needed.
    s.write("quality.toml", "[metrics.typed]\nmin = 50\n");
    let file = s.outside.join("report.txt");
    let out = Command::new("sh")
        .args(["-c", "exec \"$0\" \"$@\" >&-"])
        .arg(bin)
        .arg(&s.repo)
        .arg("--output")
        .arg(&file)
        .env("QSCAN_NO_CACHE", "1")
        .stdin(Stdio::null())
        .output()
        .expect("sh runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(file.is_file());
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `qscan | head -1`: the exit code stays the verdict, and stderr is quiet.
    let s = Setup::new();
    s.write("quality.toml", "[metrics.typed]\nmin = 50\n");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qscan"))
        .arg(&s.repo)
        .env("QSCAN_NO_CACHE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qscan runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("qscan ends");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
