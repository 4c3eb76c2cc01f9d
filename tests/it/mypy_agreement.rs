//! qscan's `typed` mypy mode agrees with `mypy --linecount-report`, module by
//! module, on the Python fixture. Runs bench/mypy_agreement.py, which needs
//! python3 with mypy: skipped when mypy is missing, unless QSCAN_REQUIRE_MYPY
//! is set (as .ci/run does after installing it), where it fails instead.

use crate::common;

use std::process::Command;

#[test]
fn mypy_mode_matches_mypy_linecount_report() {
    let has_mypy = Command::new("python3")
        .args(["-c", "import mypy"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_mypy {
        assert!(
            std::env::var_os("QSCAN_REQUIRE_MYPY").is_none(),
            "QSCAN_REQUIRE_MYPY is set but python3 cannot import mypy"
        );
        eprintln!("skipped: python3 with mypy is not installed");
        return;
    }
    let dir = common::fixture_copy("python");
    let script = common::fixtures().join("../bench/mypy_agreement.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--qscan", env!("CARGO_BIN_EXE_qscan")])
        .env("QSCAN_NO_CACHE", "1")
        .arg(dir.path())
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("modules: 11 agree, 0 differ where mypy synthesizes methods, 0 disagree"),
        "{stdout}"
    );
    assert!(
        stdout.contains("annotated/total functions: qscan 26/33, mypy 26/33"),
        "{stdout}"
    );
}
