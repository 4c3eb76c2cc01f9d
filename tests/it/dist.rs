//! How qscan is installed and what ships with it: `--version` naming the
//! commit, shell completions and the man page from the clap definitions, and
//! every install hint naming the published package (`qscan-cli`; `qscan` is
//! someone else's on crates.io and PyPI).

use crate::common;

fn stdout_of(args: &[&str]) -> (i32, String, String) {
    let out = common::qscan().args(args).output().expect("qscan runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn version_names_the_commit_or_says_it_came_from_a_package() {
    let (code, out, _) = stdout_of(&["--version"]);
    assert_eq!(code, 0);
    let line = out.trim_end();
    let expected = format!("qscan {} (", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&expected), "{line}");
    let detail = &line[expected.len()..];
    let detail = detail.strip_suffix(')').expect("closing parenthesis");
    if detail != "from package" && detail != "commit unknown" {
        // `HASH YYYY-MM-DD`: 12 hex digits and the commit's date.
        let (hash, date) = detail.split_once(' ').expect("hash and date");
        assert_eq!(hash.len(), 12, "{line}");
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        assert_eq!(date.len(), 10, "{line}");
        assert_eq!(date.matches('-').count(), 2, "{line}");
    }
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn version_is_the_commit_checked_out_when_built_from_git() {
    let root = env!("CARGO_MANIFEST_DIR");
    let Ok(git) = std::process::Command::new("git")
        .args([
            "-C",
            root,
            "log",
            "-1",
            "--format=%h %cs",
            "--abbrev=12",
            "HEAD",
        ])
        .output()
    else {
        return; // no git here: the test above covers the fallback
    };
    if !git.status.success() {
        return;
    }
    let head = String::from_utf8_lossy(&git.stdout).trim().to_string();
    let (_, out, _) = stdout_of(&["--version"]);
    assert_eq!(
        out.trim_end(),
        format!("qscan {} ({head})", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_for_every_shell_name_the_subcommands_and_flags() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = stdout_of(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(err.is_empty(), "{shell}: {err}");
        for word in [
            "explain",
            "init",
            "trend",
            "hook",
            "completions",
            "--baseline",
        ] {
            assert!(out.contains(word), "{shell} lacks {word}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let (code, out, err) = stdout_of(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("tcsh"), "{err}");
    assert!(err.contains("bash"), "{err}");
    let (code, _, _) = stdout_of(&["completions"]);
    assert_eq!(code, 2);
}

#[cfg(unix)]
#[test]
fn the_bash_script_loads_in_bash_and_completes_a_subcommand() {
    let Ok(probe) = std::process::Command::new("bash").arg("--version").output() else {
        return; // no bash on this machine
    };
    assert!(probe.status.success());
    let (_, script, _) = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("qscan.bash");
    std::fs::write(&file, script).expect("write the script");
    // Load the script, then ask it what follows `qscan tr`.
    let probe = format!(
        "source '{}'; COMP_WORDS=(qscan tr); COMP_CWORD=1; COMP_LINE='qscan tr'; \
         COMP_POINT=${{#COMP_LINE}}; _qscan qscan tr qscan; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "trend\n");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_man_page_documents_every_command() {
    let (code, page, err) = stdout_of(&["man"]);
    assert_eq!(code, 0, "{err}");
    // roff writes a hyphen as `\-`.
    let page = page.replace("\\-", "-");
    assert!(page.contains(".TH qscan 1"), "{page}");
    for sub in [
        "qscan-explain",
        "qscan-schema",
        "qscan-init",
        "qscan-trend",
        "qscan-hook",
        "qscan-hook-install",
        "qscan-hook-uninstall",
        "qscan-completions",
        "qscan-man",
    ] {
        assert!(page.contains(&format!(".TH {sub} 1")), "no page for {sub}");
    }
    assert!(page.contains("--fail-on-regression"), "flags are listed");
}

#[cfg(unix)]
#[test]
fn the_man_page_renders_without_warnings() {
    // groff is what `man -l` runs; -ww turns every warning on.
    let Ok(probe) = std::process::Command::new("groff")
        .arg("--version")
        .output()
    else {
        return; // no groff on this machine
    };
    assert!(probe.status.success());
    let (_, page, _) = stdout_of(&["man"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("qscan.1");
    std::fs::write(&file, page).expect("write the page");
    let out = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&file)
        .output()
        .expect("groff runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn every_install_hint_names_the_published_package() {
    assert!(qscan::hook::SCRIPT.contains("pipx install qscan-cli"));
    assert!(qscan::hook::SCRIPT.contains("cargo install --locked qscan-cli"));
    assert!(!qscan::hook::SCRIPT.contains("install qscan)"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    for command in [
        "cargo install --locked qscan-cli",
        "pipx install qscan-cli",
        "uv tool install qscan-cli",
        "pip install qscan-cli",
    ] {
        assert!(readme.contains(command), "README lacks `{command}`");
    }
    assert!(!readme.contains("cargo install qscan\n"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("name = \"qscan-cli\""));
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).expect("pyproject");
    assert!(pyproject.contains("name = \"qscan-cli\""));
}

#[test]
fn init_tells_how_to_install_qscan() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.py"),
        "def f(x: int) -> int:\n    return x\n",
    )
    .expect("write");
    let (code, _, err) = stdout_of(&["init", dir.path().to_str().expect("utf-8 path")]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(dir.path().join("quality.toml")).expect("written");
    assert!(written.contains("pipx install qscan-cli"), "{written}");
    assert!(
        written.contains("cargo install --locked qscan-cli"),
        "{written}"
    );
}
