//! Puts the commit qscan is built from into `qscan --version`, e.g.
//! `qscan 0.1.0 (3f2a9c1d0b7e 2026-12-03)`: the commit and its date (not the
//! build's, so two builds of one commit print the same). Only qscan's own
//! checkout counts: a crate unpacked from a package has no `.git` beside its
//! Cargo.toml and says `(from package)`, even inside someone else's repository.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let detail = if dir.join(".git").exists() {
        match commit(&dir) {
            Some((hash, date)) => format!("{hash} {date}"),
            None => "commit unknown".to_string(),
        }
    } else {
        "from package".to_string()
    };
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rustc-env=QSCAN_VERSION={version} ({detail})");
}

/// HEAD's short hash and commit date, asking git about `dir`'s own
/// repository; also says which files to watch so a new commit rebuilds.
fn commit(dir: &Path) -> Option<(String, String)> {
    for path in ["HEAD", "packed-refs"] {
        watch(dir, path);
    }
    if let Some(head) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch(dir, &head);
    }
    let out = git(
        dir,
        &["log", "-1", "--format=%h %cs", "--abbrev=12", "HEAD"],
    )?;
    let (hash, date) = out.split_once(' ')?;
    Some((hash.to_string(), date.to_string()))
}

/// Reruns this script when the git file `name` (resolved for worktrees)
/// changes; only files that exist, since a missing one would rerun it always.
fn watch(dir: &Path, name: &str) {
    let args = ["rev-parse", "--path-format=absolute", "--git-path", name];
    if let Some(path) = git(dir, &args)
        && Path::new(&path).exists()
    {
        println!("cargo:rerun-if-changed={path}");
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // The repository is qscan's own, whatever the environment points at.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_string())
}
