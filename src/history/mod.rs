//! History: change units read from the repository's first-parent line through
//! libgit2, as plain facts for the history metrics.
//!
//! [`walk`] follows first parents from HEAD (or `[history] branch`) until the
//! window is full, reading commits only; [`diff`] then lists each unit's
//! changed paths by diffing raw trees against the first parent.
//! Whatever limits the history (a shallow clone, a short history, a detached
//! HEAD) becomes a note, never a silent number; when nothing can be read the
//! error is the note and the history metrics are skipped. Nothing here prints:
//! progress goes through [`Progress`].

pub mod diff;
pub mod subject;
pub mod walk;

use std::collections::HashMap;
use std::sync::Arc;

use git2::{Oid, Repository};
use serde::Serialize;

use crate::model::{HistorySkip, Note, WindowSpan};
use crate::odb::{Odb, OdbError};
use walk::{End, Step, Window};

/// The `[history]` settings of a definition: the window and the line read.
#[derive(Debug, Clone)]
pub struct Settings {
    pub window: Option<u64>,
    /// A time span in seconds, counted back from the newest change unit.
    pub since: Option<i64>,
    pub branch: Option<String>,
    /// A history with fewer change units than this (and than the window)
    /// is too short to judge: history metrics are not applicable.
    pub min_units: u64,
}

/// One change unit: a first-parent commit (a merge stands for its pull request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeUnit {
    pub id: String,
    /// Commit time, seconds since the epoch.
    pub time: i64,
    /// The author's name, as recorded (qscan keeps no per-author scores).
    pub author: String,
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
    /// The repository is a shallow clone; see `reaches` for where it is cut.
    pub shallow: bool,
    /// When the window was cut by a shallow boundary: that commit's time (the
    /// history reaches back to it, but its own changes are unknown).
    pub reaches: Option<i64>,
    /// Things the report should say about the history (truncation, limits).
    pub notes: Vec<Note>,
}

/// Told how far the reading has come, so the CLI can draw a progress bar.
/// Called from several threads.
pub trait Progress: Send + Sync {
    /// The number of change units about to be diffed.
    fn start(&self, units: u64);
    /// `done` units of them are diffed.
    fn advance(&self, done: u64);
    fn finish(&self);
}

/// A shareable progress sink for requests; none by default.
#[derive(Clone, Default)]
pub struct ProgressHook(pub Option<Arc<dyn Progress>>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ProgressHook(..)"
        } else {
            "ProgressHook(None)"
        })
    }
}

/// Why there are no history facts.
#[derive(Debug)]
pub enum Unread {
    /// Nothing to read (no commits, a shallow clone cut at HEAD): the
    /// reason, for the report, and the history metrics are skipped.
    Skipped(HistorySkip),
    /// The object database is damaged: the run stops (exit 2).
    Damaged(OdbError),
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unread::Skipped(why) => write!(f, "{why}"),
            Unread::Damaged(e) => write!(f, "{e}"),
        }
    }
}

impl From<OdbError> for Unread {
    fn from(e: OdbError) -> Unread {
        Unread::Damaged(e)
    }
}

pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Reads the change units of the window from HEAD's first-parent line (or the
/// configured branch). [`Unread::Skipped`] is a note for the report (history
/// metrics are then skipped); [`Unread::Damaged`] stops the run.
pub fn read(repo: &Repository, settings: &Settings) -> Result<HistoryFacts, Unread> {
    read_with(repo, settings, &NoProgress, &Diffs::default())
}

/// The change units already diffed by this process, by (parent tree, tree):
/// the paths each touched and how many of its added or deleted blobs were
/// absent. The points of a trend, a dashboard or a goals' pace read
/// overlapping windows of one line; with this each unit is diffed once.
#[derive(Debug, Default)]
pub struct Diffs(std::sync::Mutex<HashMap<DiffKey, Diffed>>);

/// A change unit's parent tree (None for a root commit) and tree.
type DiffKey = (Option<Oid>, Oid);
/// The paths it touched, and how many of its blobs were absent.
type Diffed = (Vec<String>, u64);

impl Diffs {
    fn get(&self, key: &DiffKey) -> Option<Diffed> {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: DiffKey, value: Diffed) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(key, value);
        }
    }
}

/// [`read`], reporting progress and sharing `diffs` with other reads.
pub fn read_with(
    repo: &Repository,
    settings: &Settings,
    progress: &dyn Progress,
    diffs: &Diffs,
) -> Result<HistoryFacts, Unread> {
    // libgit2 re-hashes every object it reads unless told not to; git itself
    // does not (checking objects is fsck's job), and the hashing was a fifth
    // of the walk's time. qscan only reads objects, so this loses nothing.
    git2::opts::strict_hash_verification(false);
    // Each commit and tree is read about once, so libgit2's object cache
    // only costs time and memory here (a third of the walk); it is off while
    // history is read, and on again for whatever reads objects later.
    git2::opts::enable_caching(false);
    let facts = read_units(repo, settings, progress, diffs);
    git2::opts::enable_caching(true);
    facts
}

fn read_units(
    repo: &Repository,
    settings: &Settings,
    progress: &dyn Progress,
    diffs: &Diffs,
) -> Result<HistoryFacts, Unread> {
    let odb = Odb::new(repo)?;
    let mut notes = Vec::new();
    let start = start_commit(&odb, settings, &mut notes)?;
    let window = Window {
        max_units: settings.window,
        since: settings.since,
    };
    let (steps, end) = walk::first_parent_line(&odb, start, window)?;
    let shallow = repo.is_shallow() || matches!(end, End::Shallow { .. });
    let reaches = match end {
        End::Shallow { time, .. } => Some(time),
        _ => None,
    };
    if steps.is_empty() {
        return Err(Unread::Skipped(match end {
            End::Shallow { id, time } => HistorySkip::ShallowAtHead {
                id: short(id),
                time,
            },
            _ => HistorySkip::NoUnitInWindow,
        }));
    }
    notes.extend(end_note(&end, &steps, window, repo.is_shallow()));

    progress.start(steps.len() as u64);
    let paths = diff_all(&odb, &steps, progress, diffs);
    progress.finish();
    let (paths, absent) = paths?;
    if absent > 0 {
        notes.push(Note::RenamesUnknown { files: absent });
    }
    let units = steps
        .into_iter()
        .zip(paths)
        .map(|(s, paths)| ChangeUnit {
            id: s.id.to_string(),
            time: s.time,
            pr: subject::pr_number(&s.subject),
            author: s.author,
            subject: s.subject,
            paths,
        })
        .collect();
    Ok(HistoryFacts {
        units,
        shallow,
        reaches,
        notes,
    })
}

/// The commit `[history] branch` names: a local branch, a remote-tracking
/// branch, any reference, or a revision. Objects are checked as they are read.
pub fn branch_commit(odb: &Odb, branch: &str) -> Result<Option<Oid>, OdbError> {
    for name in [
        format!("refs/heads/{branch}"),
        format!("refs/remotes/{branch}"),
        branch.to_string(),
    ] {
        if let Some(id) = odb.ref_commit(&name)? {
            return Ok(Some(id));
        }
    }
    odb.check_rev(branch)?;
    match odb.repo().revparse_single(branch) {
        Ok(o) => odb.peel_to_commit(o.id()).map(Some).or_else(|e| match e {
            OdbError::Git { .. } => Ok(None),
            e => Err(e),
        }),
        Err(_) => Ok(None),
    }
}

/// The commit the walk starts from, with a note when HEAD is detached; the
/// error when there is none.
fn start_commit(odb: &Odb, settings: &Settings, notes: &mut Vec<Note>) -> Result<Oid, Unread> {
    let repo = odb.repo();
    if let Some(branch) = &settings.branch {
        return branch_commit(odb, branch)?.ok_or_else(|| {
            Unread::Skipped(HistorySkip::BranchNotFound {
                branch: branch.clone(),
            })
        });
    }
    match repo.head() {
        Ok(head) => {
            let Some(id) = head.resolve().ok().and_then(|r| r.target()) else {
                return Err(Unread::Skipped(HistorySkip::HeadNotCommit));
            };
            let id = odb.peel_to_commit(id)?;
            if repo.head_detached().unwrap_or(false) {
                notes.push(Note::HeadDetached { id: short(id) });
            }
            Ok(id)
        }
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => {
            let branch = repo
                .find_reference("HEAD")
                .ok()
                .and_then(|r| r.symbolic_target().map(str::to_string))
                .map(|t| t.trim_start_matches("refs/heads/").to_string())
                .unwrap_or_else(|| "HEAD".to_string());
            // libgit2's `is_empty` only knows the default branch name; a
            // repository without a single reference has no commits at all.
            let no_refs = repo
                .references()
                .map(|mut refs| refs.next().is_none())
                .unwrap_or(true);
            Err(Unread::Skipped(if no_refs {
                HistorySkip::NoCommits
            } else {
                HistorySkip::UnbornBranch { branch }
            }))
        }
        Err(e) => Err(Unread::Skipped(HistorySkip::CannotReadHead {
            error: e.message().to_string(),
        })),
    }
}

/// What the report should say about where the walk stopped.
fn end_note(end: &End, steps: &[Step], window: Window, shallow_repo: bool) -> Option<Note> {
    let units = steps.len() as u64;
    let oldest = steps.last()?.time;
    let window = WindowSpan {
        max_units: window.max_units,
        since: window.since,
    };
    match end {
        End::WindowFull | End::SinceReached => {
            shallow_repo.then_some(Note::ShallowWithinWindow { units })
        }
        End::Root if window.max_units.is_some_and(|m| units >= m) => None,
        End::Root => Some(Note::WholeHistory {
            units,
            oldest,
            window,
        }),
        End::Shallow { id, time } => Some(Note::ShallowTruncated {
            id: short(*id),
            time: *time,
            units,
            oldest,
            window,
        }),
    }
}

fn short(id: Oid) -> String {
    let s = id.to_string();
    s[..12.min(s.len())].to_string()
}

/// Each step's changed paths, in step order, diffed one after the other.
///
/// Not spread over cores: libgit2 shares one handle per pack file (its locks
/// and its delta-base cache) between all repository handles of a process, so
/// threads diffing in parallel contend on every object read; measured on
/// 20,000 units, two threads took 1.7 times as long as one.
/// Also returns how many added or deleted files rename detection could not
/// compare because their blob is absent.
fn diff_all(
    odb: &Odb,
    steps: &[Step],
    progress: &dyn Progress,
    diffs: &Diffs,
) -> Result<(Vec<Vec<String>>, u64), OdbError> {
    let mut differ = diff::TreeDiff::new(odb);
    let mut out = Vec::with_capacity(steps.len());
    let mut absent = 0;
    for (n, s) in steps.iter().enumerate() {
        let key = (s.parent_tree, s.tree);
        let (paths, missing) = match diffs.get(&key) {
            Some(known) => known,
            None => {
                let before = differ.absent_blobs;
                let paths = differ.changed_paths(s.parent_tree, s.tree)?;
                let diffed = (paths, differ.absent_blobs - before);
                diffs.put(key, diffed.clone());
                diffed
            }
        };
        out.push(paths);
        absent += missing;
        if n % 64 == 63 {
            progress.advance(n as u64 + 1);
        }
    }
    Ok((out, absent))
}
