//! Helpers shared by the CLI tests: run the real binary, build throwaway
//! repositories with git2 (fixed authors and times, no machine git config).

#![allow(dead_code)]

pub mod cli;
pub mod expected;
pub mod repo;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A `qscan` command with a clean environment (no colour, no pager surprises).
pub fn qscan() -> Command {
    let mut cmd = Command::cargo_bin("qscan").expect("the qscan binary is built");
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // Tests are hermetic: no facts cache in the user's home.
        .env("QSCAN_NO_CACHE", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    cmd
}

/// A finished run's exit code, stdout and stderr (as text).
pub fn parts(out: &std::process::Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Runs `qscan --format json ARGS` and returns (exit code, parsed report, stderr).
pub fn json(args: &[&str]) -> (i32, Value, String) {
    let out = qscan()
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("qscan runs");
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}"));
    (code, value, stderr)
}

/// The metric named `name` in a JSON report.
pub fn metric<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["metrics"]
        .as_array()
        .and_then(|ms| ms.iter().find(|m| m["name"] == name))
        .unwrap_or_else(|| panic!("no metric {name} in {report:#}"))
}

/// (compliant, total) of a metric.
pub fn counts(report: &Value, name: &str) -> (u64, u64) {
    let m = metric(report, name);
    (
        m["compliant"].as_u64().expect("compliant"),
        m["total"].as_u64().expect("total"),
    )
}

/// "path:line item" of each offender of a metric, in report order.
pub fn offenders(report: &Value, name: &str) -> Vec<String> {
    metric(report, name)["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .map(describe)
        .collect()
}

/// "path:line item" of one offender (no ":line" for whole-file offenders).
pub fn describe(o: &Value) -> String {
    let line = o["line"]
        .as_u64()
        .map(|l| format!(":{l}"))
        .unwrap_or_default();
    format!(
        "{}{} {}",
        o["path"].as_str().unwrap_or(""),
        line,
        o["item"].as_str().unwrap_or("")
    )
}

/// Runs `qscan DIR`, expecting an error: exit 2, nothing on stdout, no
/// panic. Returns stderr, for the test to check the message.
pub fn error_in(dir: &Path) -> String {
    let out = qscan().arg(dir).output().expect("qscan runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Writes a quality definition into a temp file and returns its path.
pub fn config_file(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let p = dir.path().join("quality.toml");
    std::fs::write(&p, text).expect("write config");
    p
}

/// Every file role, as quality.toml writes them.
pub const ALL_ROLES: &str =
    r#"["source", "test", "stub", "generated", "vendored", "docs", "example", "bench"]"#;

/// Scans a copy of `fixtures/NAME` with its own quality.toml (every role
/// measured, see [`fixture_copy`]) and `extra` arguments: (exit code, JSON
/// report, stderr).
pub fn scan_fixture(name: &str, extra: &[&str]) -> (i32, Value, String) {
    let dir = fixture_copy(name);
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let config = dir.path().join("quality.toml");
    let config = config.to_str().expect("utf-8 temp path").to_string();
    let mut args = vec![root.as_str(), "--config", config.as_str()];
    args.extend_from_slice(extra);
    json(&args)
}

/// Copies `fixtures/NAME` into a fresh temp folder (no repository around it,
/// so the scan sees only the fixture) and returns the folder. Every metric
/// of its quality.toml is given `roles` = all eight roles: the numbers of
/// `expected.toml` were counted before file roles existed, when every
/// metric measured every file, and must stay what they were (README, "File
/// roles"). [`fixture_as_is`] keeps the definition unchanged.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = fixture_as_is(name);
    let def = dir.path().join("quality.toml");
    if let Ok(text) = std::fs::read_to_string(&def) {
        std::fs::write(&def, with_every_role(&text)).expect("write definition");
    }
    dir
}

/// `fixtures/NAME` copied into a fresh temp folder, unchanged.
pub fn fixture_as_is(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures().join(name), dir.path());
    dir
}

/// A definition with `roles` = all eight roles in each `[metrics.NAME]` table.
pub fn with_every_role(definition: &str) -> String {
    let mut out = String::new();
    for line in definition.lines() {
        out.push_str(line);
        out.push('\n');
        let t = line.trim();
        if t.starts_with("[metrics.") && t.ends_with(']') {
            out.push_str(&format!("roles = {ALL_ROLES}\n"));
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}
