//! History: change units read from the repository's first-parent line through
//! libgit2, as plain facts for the history metrics.

use serde::Serialize;

/// One change unit: a first-parent commit (a merge stands for its pull request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeUnit {
    pub id: String,
    /// Commit time, seconds since the epoch.
    pub time: i64,
    /// The pull request number when the subject names one.
    pub pr: Option<u64>,
    pub subject: String,
    /// Paths changed against the first parent (renames under the new path), sorted.
    pub paths: Vec<String>,
}

/// The change units of the window, newest first, and how the window was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistoryFacts {
    pub units: Vec<ChangeUnit>,
    /// The history ends at a shallow boundary: older units are missing.
    pub shallow: bool,
    /// Things the report should say about the history (truncation, limits).
    pub notes: Vec<String>,
}

/// Reads the change units of the window from HEAD's first-parent line (or the
/// configured branch). The error is a note for the report: history metrics are
/// then skipped.
pub fn read(
    repo: &git2::Repository,
    settings: &crate::config::History,
) -> Result<HistoryFacts, String> {
    let _ = (repo, settings);
    Err("history reading is not implemented yet".into())
}
