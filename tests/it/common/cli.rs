//! A whole run of the CLI as one insta snapshot: the exit code, stdout and
//! stderr together, so a change to any of them shows in one review.
//!
//! ```ignore
//! let out = common::qscan().arg(dir.path()).output().expect("qscan runs");
//! insta::assert_snapshot!("name", common::cli::outcome(&out, &[(dir.path(), "[ROOT]")]));
//! ```

use std::path::Path;
use std::process::Output;

/// The run as text: `success`, `exit_code`, then stdout and stderr, each
/// under its own rule. Each path in `redact` (a temp dir, say) is written as
/// its placeholder, in both its given and its canonical form. Panics if qscan
/// panicked: a snapshot must never hold a panic.
pub fn outcome(out: &Output, redact: &[(&Path, &str)]) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let exit_code = out.status.code().map_or_else(
        || "none (killed by a signal)".to_string(),
        |c| c.to_string(),
    );
    let mut text = format!(
        "success: {}\nexit_code: {exit_code}\n----- stdout -----\n{stdout}\n----- stderr -----\n{stderr}",
        out.status.success()
    );
    let mut paths: Vec<(String, &str)> = Vec::new();
    for (path, placeholder) in redact {
        paths.push((path.display().to_string(), placeholder));
        if let Ok(canonical) = path.canonicalize() {
            paths.push((canonical.display().to_string(), placeholder));
        }
    }
    // The longest first, so that a path is never half replaced by its parent.
    paths.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
    for (path, placeholder) in paths {
        text = text.replace(&path, placeholder);
    }
    text
}
