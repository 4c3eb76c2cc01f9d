//! The snapshot every stage reads: the files of one state of the repository,
//! the ones left out and why, and where their contents come from.
//!
//! A leaf: it imports no other module of the crate, so discovery, analysis
//! and the languages can all read it without importing each other.

use std::path::PathBuf;

/// A language qscan analyzes: its position in the languages registry
/// (`lang::LANGUAGES`), which also orders languages in reports. Its name,
/// grammar and rules are read through `Language::spec`; the default is the
/// first in the registry.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Language(pub(crate) u8);

/// A source file to analyze.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the repository root, forward slashes.
    pub path: String,
    /// Where to read it from in the working tree.
    pub abs: PathBuf,
    /// The blob holding its content, when the snapshot comes from git.
    pub blob: Option<git2::Oid>,
    pub language: Language,
    pub is_test: bool,
    pub size: u64,
}

/// A file left out of the analysis, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// One snapshot of the repository: every path, and the source files among them.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Every file path that is not ignored or excluded, sorted.
    pub all_paths: Vec<String>,
    /// Source files in a language qscan analyzes, sorted by path.
    pub sources: Vec<SourceFile>,
    /// Entries that could not be taken in (links, unreadable folders).
    pub skipped: Vec<Skipped>,
    /// Blob ids of the manifests languages read (`Cargo.toml`), when the
    /// snapshot comes from git.
    pub manifests: Vec<(String, git2::Oid)>,
    /// Blob ids of the CODEOWNERS files GitHub reads, when the snapshot comes
    /// from git; recorded even when `exclude` leaves them out, since they
    /// are read for ownership, not measured.
    pub codeowners: Vec<(String, git2::Oid)>,
}

/// Where file contents come from: the working tree, or git blobs.
pub trait Source: Sync {
    fn read(&self, file: &SourceFile) -> std::io::Result<Vec<u8>>;
}

/// Reads files from the working tree.
pub struct WorkingTree;

impl Source for WorkingTree {
    fn read(&self, file: &SourceFile) -> std::io::Result<Vec<u8>> {
        std::fs::read(&file.abs)
    }
}
