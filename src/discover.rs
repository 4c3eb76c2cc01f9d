//! Discovery: which files make up the working-tree snapshot, and which of them
//! are source files of a language qscan analyzes.
//!
//! Respects `.gitignore`/`.ignore`, skips `.git` and vendored trees, applies the
//! definition's `exclude` globs, never follows symbolic links (so a link loop
//! cannot trap the walk) and never opens FIFOs, sockets or devices (a read
//! could block forever); both are counted as skipped.

pub mod confine;
pub mod git;
pub mod roles;

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::snapshot::{Language, Skipped};
pub use crate::snapshot::{Snapshot, SourceFile};

/// Folders that hold someone else's code or build output; never scanned.
pub const VENDORED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "vendor",
    "third_party",
    "target",
    "dist",
    "build",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    "bower_components",
    ".next",
    ".nuxt",
];

/// Compiled path rules: excludes, test-file patterns, `[scan.roles]`.
#[derive(Debug, Clone)]
pub struct PathRules {
    exclude: GlobSet,
    tests: GlobSet,
    pub(crate) test_names: roles::NamedGlobs,
    pub(crate) roles: Vec<(crate::snapshot::Role, roles::NamedGlobs)>,
}

impl PathRules {
    pub fn new(exclude: &[String], test_patterns: &[String]) -> Result<PathRules, globset::Error> {
        Ok(PathRules {
            exclude: glob_set(exclude)?,
            tests: glob_set(test_patterns)?,
            test_names: roles::NamedGlobs::new(test_patterns)?,
            roles: Vec::new(),
        })
    }

    /// With the `[scan.roles]` globs.
    pub fn with_roles(
        mut self,
        by_role: &[(crate::snapshot::Role, Vec<String>)],
    ) -> Result<PathRules, globset::Error> {
        for (role, globs) in by_role {
            self.roles.push((*role, roles::NamedGlobs::new(globs)?));
        }
        Ok(self)
    }

    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.is_match(path)
    }

    pub fn is_test(&self, path: &str) -> bool {
        self.tests.is_match(path)
    }
}

/// Builds a glob set where `*` does not cross `/` (gitignore-like), and a
/// pattern without a slash also matches at any depth.
pub fn glob_set(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(compile_glob(p)?);
        if !p.contains('/') {
            builder.add(compile_glob(&format!("**/{p}"))?);
        }
    }
    builder.build()
}

fn compile_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .or_else(|_| Glob::new(pattern))
}

/// Adds the files git tracks that the walk did not list because a
/// `.gitignore` matches them (`git add -f`): they are part of the snapshot,
/// as they are in the index and in commits.
pub fn add_tracked(root: &Path, rules: &PathRules, index: &git2::Index, snapshot: &mut Snapshot) {
    let listed: std::collections::HashSet<&str> =
        snapshot.all_paths.iter().map(String::as_str).collect();
    let mut extra: Vec<(String, u64)> = Vec::new();
    for e in index.iter() {
        // Stage bits 12-13: only resolved entries; gitlinks are submodules.
        if (e.flags >> 12) & 0x3 != 0 || e.mode == 0o160000 {
            continue;
        }
        let Ok(path) = String::from_utf8(e.path.clone()) else {
            continue;
        };
        if listed.contains(path.as_str())
            || rules.is_excluded(&path)
            || is_vendored(&path)
            || extra.iter().any(|(p, _)| *p == path)
        {
            continue;
        }
        // Still on disk, and a plain file (a deleted one is simply gone).
        match std::fs::symlink_metadata(root.join(&path)) {
            Ok(m) if m.is_file() => extra.push((path, m.len())),
            _ => {}
        }
    }
    for (path, size) in extra {
        if let Some(language) = Language::from_path(&path) {
            snapshot.sources.push(SourceFile {
                decided: Default::default(),
                abs: root.join(&path),
                blob: None,
                path: path.clone(),
                language,
                size,
            });
        }
        snapshot.all_paths.push(path);
    }
    snapshot.all_paths.sort();
    snapshot.sources.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Whether a path lies under a vendored or build folder.
pub fn is_vendored(path: &str) -> bool {
    let mut parts = path.split('/');
    parts.next_back();
    parts.any(|dir| VENDORED_DIRS.contains(&dir))
}

/// Walks the working tree under `root`.
pub fn walk(root: &Path, rules: &PathRules) -> Snapshot {
    walk_with(root, rules, 0)
}

/// [`walk`] on `threads` threads (0: one per core). A scan that reads the
/// history at the same time walks on one thread, leaving the other core to
/// the history reader.
pub fn walk_with(root: &Path, rules: &PathRules, threads: usize) -> Snapshot {
    // The walk runs on every core (ignore's parallel walker); each thread
    // fills its own snapshot, and the parts are merged and sorted after, so
    // the result does not depend on the order threads saw entries in.
    let parts: std::sync::Mutex<Vec<Snapshot>> = std::sync::Mutex::new(Vec::new());
    // Submodules and nested repositories are other projects: the tree and
    // the index record them as gitlinks, and the walk leaves them out too.
    let nested: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let nested_seen = std::sync::Arc::clone(&nested);
    let walk_root = root.to_path_buf();
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .filter_entry(move |e| {
            if !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            if e.file_name()
                .to_str()
                .is_some_and(|n| VENDORED_DIRS.contains(&n))
            {
                return false;
            }
            if e.depth() > 0 && e.path().join(".git").exists() {
                if let (Some(rel), Ok(mut seen)) =
                    (relative(&walk_root, e.path()), nested_seen.lock())
                {
                    seen.push(rel);
                }
                return false;
            }
            true
        })
        .threads(threads)
        .build_parallel()
        .run(|| {
            let mut part = Part {
                snapshot: Snapshot::default(),
                sink: &parts,
            };
            Box::new(move |entry| {
                take(root, rules, entry, &mut part.snapshot);
                ignore::WalkState::Continue
            })
        });
    let mut snapshot = Snapshot::default();
    if let Ok(nested) = nested.lock() {
        snapshot.skipped.extend(
            nested
                .iter()
                .filter(|p| !rules.is_excluded(p))
                .map(|p| Skipped {
                    path: p.clone(),
                    reason: "submodule or nested repository (not scanned)".into(),
                }),
        );
    }
    for part in parts.into_inner().unwrap_or_default() {
        snapshot.all_paths.extend(part.all_paths);
        snapshot.sources.extend(part.sources);
        snapshot.skipped.extend(part.skipped);
    }
    snapshot.all_paths.sort();
    snapshot.sources.sort_by(|a, b| a.path.cmp(&b.path));
    snapshot.skipped.sort();
    snapshot
}

/// One walker thread's share, handed over when the thread is done with it.
struct Part<'a> {
    snapshot: Snapshot,
    sink: &'a std::sync::Mutex<Vec<Snapshot>>,
}

impl Drop for Part<'_> {
    fn drop(&mut self) {
        if let Ok(mut parts) = self.sink.lock() {
            parts.push(std::mem::take(&mut self.snapshot));
        }
    }
}

/// Takes one walk entry into the snapshot: a path, a source file, or a skip.
fn take(
    root: &Path,
    rules: &PathRules,
    entry: Result<ignore::DirEntry, ignore::Error>,
    snapshot: &mut Snapshot,
) {
    let entry = match entry {
        Ok(e) => e,
        Err(err) => {
            snapshot.skipped.push(Skipped {
                path: error_path(&err, root),
                reason: format!("unreadable: {}", error_message(&err)),
            });
            return;
        }
    };
    let Some(file_type) = entry.file_type() else {
        return;
    };
    if file_type.is_dir() {
        return;
    }
    let Some(rel) = relative(root, entry.path()) else {
        // No report can name it faithfully, but dropping it silently
        // would hide a file from every number.
        if let Ok(rel) = entry.path().strip_prefix(root) {
            let lossy = rel.to_string_lossy().replace('\\', "/");
            if !rules.is_excluded(&lossy) {
                snapshot.skipped.push(Skipped {
                    path: lossy,
                    reason: "file name is not UTF-8".into(),
                });
            }
        }
        return;
    };
    if rules.is_excluded(&rel) {
        return;
    }
    if file_type.is_symlink() {
        // Never followed, but a path of the snapshot (history metrics count
        // the changes to a tracked link like any file's).
        snapshot.all_paths.push(rel.clone());
        snapshot.skipped.push(Skipped {
            path: rel,
            reason: "symbolic link (not followed)".into(),
        });
        return;
    }
    if !file_type.is_file() {
        // A FIFO, socket or device: reading it could block forever.
        snapshot.skipped.push(Skipped {
            path: rel,
            reason: "not a regular file".into(),
        });
        return;
    }
    if let Some(language) = Language::from_path(&rel) {
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        snapshot.sources.push(SourceFile {
            decided: Default::default(),
            abs: entry.path().to_path_buf(),
            blob: None,
            path: rel.clone(),
            language,
            size,
        });
    }
    snapshot.all_paths.push(rel);
}

/// The path relative to root with forward slashes; None for the root itself or
/// a name that is not UTF-8 (which no report could show faithfully, so the
/// walk counts it as skipped).
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for part in rel.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(part.as_os_str().to_str()?);
    }
    (!out.is_empty()).then_some(out)
}

fn error_path(err: &ignore::Error, root: &Path) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => {
            relative(root, path).unwrap_or_else(|| path.display().to_string())
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err, root)
        }
        _ => ".".into(),
    }
}

fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_message(err),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PathRules {
        PathRules::new(&["docs/**".into()], &crate::lang::default_test_patterns()).unwrap()
    }

    #[test]
    fn default_test_patterns() {
        let r = rules();
        for p in [
            "tests/test_a.py",
            "pkg/test_a.py",
            "pkg/a_test.py",
            "conftest.py",
            "pkg/tests/helpers.py",
            "src/test/util.js",
            "testing/x.py",
            "a.test.js",
            "src/a.spec.ts",
            "src/__tests__/a.js",
            "tests/cli.rs",
            "src/tests.rs",
        ] {
            assert!(r.is_test(p), "{p} should be a test file");
        }
        for p in [
            "pkg/a.py",
            "pkg/contest.py",
            "src/test/util.rs",
            "src/lib.rs",
            "src/latest.js",
        ] {
            assert!(!r.is_test(p), "{p} should not be a test file");
        }
    }

    #[test]
    fn excludes_match_relative_paths() {
        let r = rules();
        assert!(r.is_excluded("docs/conf.py"));
        assert!(!r.is_excluded("src/docs.py"));
    }
}
