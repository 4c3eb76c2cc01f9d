//! What a scan is asked for: which snapshot, compared with what, judged
//! how. The CLI fills a [`Request`]; every stage of the scan reads it.

use std::path::PathBuf;

use crate::history;
use crate::metrics::groups::By;

/// Which snapshot of the repository to measure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Target {
    /// The files on disk, respecting .gitignore.
    #[default]
    WorkingTree,
    /// What is staged (`--staged`): the index, read from the object database.
    Index,
    /// A commit (`--rev REV`), read from the object database.
    Revision(String),
}

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub path: PathBuf,
    pub config: Option<PathBuf>,
    /// Overrides `[gate] min_score`.
    pub min_score: Option<f64>,
    /// Told how reading the history advances (the CLI's progress bar).
    pub progress: history::ProgressHook,
    pub target: Target,
    /// Compare with this revision (`--baseline`).
    pub baseline: Option<String>,
    /// Fail when a metric drops or a new offender appears (`--fail-on-regression`,
    /// or `[gate] no_regression`).
    pub fail_on_regression: bool,
    /// Judge only what changed: the thresholds and min score do not apply (`--new-only`).
    pub new_only: bool,
    /// Neither read nor write the facts cache on disk (`--no-cache`).
    pub no_cache: bool,
    /// Leave metrics whose input is missing out of the score and the gate
    /// instead of stopping the run (`--skip-unmeasured`).
    pub skip_unmeasured: bool,
    /// Also report every metric per team or folder (`--by`).
    pub by: Option<By>,
}
