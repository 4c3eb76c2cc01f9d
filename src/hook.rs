//! `qscan hook install|uninstall`: the git pre-commit hook that runs
//! `qscan --staged`.
//!
//! A hook is someone's code, so qscan only ever replaces or removes a hook it
//! wrote itself, recognized by its marker line. A foreign hook is left alone
//! unless `--force`, which first moves it aside to a backup that uninstall puts
//! back. The hook runs `qscan` from PATH and nothing from the repository.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The line that marks a hook as qscan's.
pub const MARKER: &str = "# installed by qscan hook install";

/// Where a displaced hook is kept, next to the hook.
pub const BACKUP_NAME: &str = "pre-commit.qscan-backup";

/// The pre-commit hook qscan writes. POSIX sh, as git runs hooks with it on
/// every platform; `exec` hands qscan's exit code to git unchanged.
pub const SCRIPT: &str = r#"#!/bin/sh
# installed by qscan hook install
# Runs qscan on what is staged and blocks the commit when it adds new offenders
# to the quality definition. `qscan hook uninstall` removes this hook (and puts
# back the hook it replaced, if any); `git commit --no-verify` skips it once.
if ! command -v qscan >/dev/null 2>&1; then
    echo "qscan pre-commit hook: qscan is not on PATH." >&2
    echo "  Install it (pipx install qscan-cli, or cargo install --locked qscan-cli)," >&2
    echo "  or remove this hook: $0" >&2
    exit 1
fi
exec qscan --staged
"#;

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// There was no pre-commit hook.
    Fresh,
    /// qscan's own hook was rewritten.
    Updated,
    /// A foreign hook was moved to the backup path.
    Replaced { backup: PathBuf },
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// qscan's hook was removed.
    Removed,
    /// The hook install displaced was put back from its backup, after
    /// removing qscan's hook when it was still there.
    Restored { backup: PathBuf, removed: bool },
    /// There was neither a hook nor a backup.
    Nothing,
}

/// The hook file and what happened to it.
#[derive(Debug, Clone)]
pub struct Outcome<T> {
    pub hook: PathBuf,
    /// Set when the hook lives under `core.hooksPath`.
    pub hooks_path: bool,
    pub what: T,
}

/// Installs qscan's pre-commit hook in the repository around `path`.
pub fn install(path: &Path, force: bool) -> Result<Outcome<Installed>, Error> {
    let (dir, hooks_path) = hooks_dir(path)?;
    let hook = dir.join("pre-commit");
    let backup = dir.join(BACKUP_NAME);
    let what = match ownership(&hook)? {
        None => Installed::Fresh,
        Some(true) => Installed::Updated,
        Some(false) if !force => {
            return Err(Error::usage(
                format!(
                    "{} exists and was not written by qscan; it is left untouched",
                    hook.display()
                ),
                Some(
                    "`qscan hook install --force` moves it to pre-commit.qscan-backup and installs qscan's \
                     (uninstall puts it back); or call `qscan --staged` from your own hook",
                ),
            ));
        }
        Some(false) => {
            if exists(&backup) {
                return Err(Error::usage(
                    format!(
                        "{} already exists, so the current hook cannot be backed up there",
                        backup.display()
                    ),
                    Some("move the old backup away (or delete it), then run the command again"),
                ));
            }
            std::fs::rename(&hook, &backup).map_err(|e| io("move the hook to", &backup, e))?;
            Installed::Replaced { backup }
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| io("create", &dir, e))?;
    write_script(&hook)?;
    Ok(Outcome {
        hook,
        hooks_path,
        what,
    })
}

/// Removes qscan's pre-commit hook and puts back the one it replaced.
pub fn uninstall(path: &Path) -> Result<Outcome<Uninstalled>, Error> {
    let (dir, hooks_path) = hooks_dir(path)?;
    let hook = dir.join("pre-commit");
    let backup = dir.join(BACKUP_NAME);
    let removed = match ownership(&hook)? {
        Some(false) => {
            return Err(Error::usage(
                format!(
                    "{} was not written by qscan (it lacks the line `{MARKER}`); it is left untouched",
                    hook.display()
                ),
                Some("remove it yourself if it should go"),
            ));
        }
        Some(true) => {
            std::fs::remove_file(&hook).map_err(|e| io("remove", &hook, e))?;
            true
        }
        None => false,
    };
    // The hook is gone now (or was already): the one install displaced, if
    // any, goes back in its place.
    let what = if exists(&backup) {
        std::fs::rename(&backup, &hook).map_err(|e| io("restore the hook from", &backup, e))?;
        Uninstalled::Restored { backup, removed }
    } else if removed {
        Uninstalled::Removed
    } else {
        Uninstalled::Nothing
    };
    Ok(Outcome {
        hook,
        hooks_path,
        what,
    })
}

/// The folder git runs hooks from: `core.hooksPath` when set (relative to the
/// work tree root, as git reads it), else the hooks folder of the common git
/// directory (shared by all worktrees). The flag says which.
pub fn hooks_dir(path: &Path) -> Result<(PathBuf, bool), Error> {
    let start = path.canonicalize().map_err(|e| {
        Error::usage(
            format!("cannot use {}: {e}", path.display()),
            Some("give a folder inside a git repository"),
        )
    })?;
    let repo = git2::Repository::discover(&start).map_err(|e| {
        if e.code() == git2::ErrorCode::Owner {
            return crate::error::dubious_ownership(&start);
        }
        Error::usage(
            format!("{} is not inside a git repository", start.display()),
            Some("git hooks live in a repository: run this inside one (`git init` makes one)"),
        )
    })?;
    let Some(workdir) = repo.workdir() else {
        return Err(Error::usage(
            format!(
                "{} is a bare repository: nothing is committed there, so a pre-commit hook never runs",
                repo.path().display()
            ),
            None,
        ));
    };
    let config = repo.config().map_err(|e| Error::Io {
        message: format!("cannot read the git configuration: {}", e.message()),
    })?;
    match config.get_path("core.hooksPath") {
        Ok(p) if !p.as_os_str().is_empty() => Ok((workdir.join(p), true)),
        Ok(_) => Ok((repo.commondir().join("hooks"), false)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            Ok((repo.commondir().join("hooks"), false))
        }
        Err(e) => Err(Error::Io {
            message: format!("cannot read core.hooksPath: {}", e.message()),
        }),
    }
}

/// None when there is no hook; else whether qscan wrote it. A hook that
/// cannot be read (a dangling link, say) is not qscan's.
fn ownership(hook: &Path) -> Result<Option<bool>, Error> {
    if !exists(hook) {
        return Ok(None);
    }
    if hook.is_dir() {
        return Err(Error::usage(
            format!("{} is a folder, not a hook", hook.display()),
            None,
        ));
    }
    let ours = std::fs::read(hook).is_ok_and(|bytes| {
        bytes
            .split(|b| *b == b'\n')
            .any(|line| line.trim_ascii_end() == MARKER.as_bytes())
    });
    Ok(Some(ours))
}

/// Whether anything (a dangling link included) is at the path.
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

fn write_script(hook: &Path) -> Result<(), Error> {
    std::fs::write(hook, SCRIPT).map_err(|e| io("write", hook, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(hook, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io("make executable", hook, e))?;
    }
    Ok(())
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        message: format!("cannot {what} {}: {e}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_carries_the_marker_on_its_own_line() {
        assert!(SCRIPT.starts_with("#!/bin/sh\n"));
        assert!(SCRIPT.lines().any(|l| l == MARKER));
        assert!(SCRIPT.contains("exec qscan --staged\n"));
    }
}
