//! A command line that forgives: a mistyped command is suggested, not
//! scanned as a path; the global flags go before or after a command; a
//! mistyped key of quality.toml is compared with the keys of its kind.

use crate::common;

use common::repo::TestRepo as Repo;

fn run(dir: &str, args: &[&str]) -> (i32, String, String) {
    let out = common::qscan()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_mistyped_command_is_suggested_not_scanned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let here = dir.path().to_str().expect("utf-8");
    let (code, out, err) = run(here, &["tren"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "qscan: error: `tren` is no command and no folder here\n  hint: did you mean `qscan trend`?\n"
    );
    let (code, _, err) = run(here, &["expalin", "typed"]);
    assert_eq!(code, 2, "{err}");
    // A folder by that name is a path, as always.
    std::fs::create_dir(dir.path().join("tren")).expect("mkdir");
    let (code, _, err) = run(here, &["tren", "--format", "json"]);
    assert!(!err.contains("did you mean"), "{err}");
    assert_ne!(code, -1);
    // Far from every command: the missing path's own error.
    let (code, _, err) = run(here, &["nothing-here"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("qscan: error: cannot scan nothing-here"),
        "{err}"
    );
}

#[test]
fn global_flags_go_before_or_after_a_command() {
    let mut r = Repo::new();
    r.commit_files(
        "Initial import",
        &[
            ("ci/q.toml", "[metrics.typed]\n"),
            ("a.py", "def f(x):\n    return x\n"),
        ],
    );
    let after = run(
        r.path(),
        &[
            "trend",
            "--config",
            "ci/q.toml",
            "--color",
            "never",
            "--no-cache",
            "-q",
        ],
    );
    let before = run(
        r.path(),
        &[
            "--config",
            "ci/q.toml",
            "--color",
            "never",
            "--no-cache",
            "-q",
            "trend",
        ],
    );
    assert_eq!(after.0, 0, "{}", after.2);
    assert!(after.1.contains("definition: "), "{}", after.1);
    assert!(after.1.contains("ci/q.toml"), "{}", after.1);
    assert_eq!(before, after);
    // -q silences init's summary, wherever it is written.
    let (code, out, err) = run(r.path(), &["-q", "init", "--config", "new.toml"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert!(
        r.repo
            .workdir()
            .expect("work tree")
            .join("new.toml")
            .is_file()
    );
    // A scan's own flag with a command would be ignored: refused instead.
    let (code, _, err) = run(r.path(), &["--format", "json", "trend"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: --format is for scanning and cannot be used with `qscan trend`\n"),
        "{err}"
    );
}

#[test]
fn a_mistyped_key_suggests_the_nearest_key_of_its_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("quality.toml"),
        "[metrics.typed]\nmni = 50\n",
    )
    .expect("write");
    let (code, out, err) = run(dir.path().to_str().expect("utf-8"), &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("quality.toml:2:1: unknown field `mni` (did you mean `min`?), expected one of `kind`, `min`,"),
        "{err}"
    );
    // typed's keys only: not large-files' or any other kind's.
    assert!(!err.contains("`max_lines`"), "{err}");
}
