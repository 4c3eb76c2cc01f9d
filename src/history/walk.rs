//! The first-parent line and the window: which commits are the change units
//! to count, and why the walk stopped where it did.
//!
//! The walk follows first parents by hand from the start commit (no revwalk:
//! nothing to sort, and it stops the moment the window is full), reading only
//! commit objects; trees are diffed later, in parallel.

use git2::{Commit, Oid};

use crate::odb::{Odb, OdbError};

/// How many units to take: the last `max_units`, and/or those at most
/// `since` seconds older than the newest. Both given: the narrower wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub max_units: Option<u64>,
    pub since: Option<i64>,
}

/// One first-parent commit to diff.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: Oid,
    /// Committer time, seconds since the epoch: when the change landed.
    pub time: i64,
    pub author: String,
    pub subject: String,
    pub tree: Oid,
    /// The first parent's tree; None for a root commit (diffed against nothing).
    pub parent_tree: Option<Oid>,
}

/// Why the walk stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The window took its `max_units`.
    WindowFull,
    /// The next unit is older than `since` allows.
    SinceReached,
    /// The first commit of the history was reached: all of it is counted.
    Root,
    /// A shallow clone's boundary: this commit's parents are not in the
    /// clone, so its own changes are unknown and it is not counted.
    Shallow { id: Oid, time: i64 },
}

/// Walks the first-parent line from `start`, newest first. A parent missing
/// within the window is an error: the window's numbers would be wrong.
pub fn first_parent_line(
    odb: &Odb,
    start: Oid,
    window: Window,
) -> Result<(Vec<Step>, End), OdbError> {
    let mut steps: Vec<Step> = Vec::new();
    let mut commit = odb.commit(start)?;
    let cutoff = window
        .since
        .map(|s| commit.time().seconds().saturating_sub(s));
    let end = loop {
        if window
            .max_units
            .is_some_and(|max| steps.len() as u64 >= max)
        {
            break End::WindowFull;
        }
        let time = commit.time().seconds();
        // The window is contiguous: it ends at the first unit older than the
        // cutoff, even if an older-dated commit came before a newer one.
        if cutoff.is_some_and(|c| time < c) {
            break End::SinceReached;
        }
        if is_shallow_boundary(&commit) {
            break End::Shallow {
                id: commit.id(),
                time,
            };
        }
        let parent = match commit.parent_id(0) {
            Err(_) => None,
            Ok(pid) => match odb.commit(pid) {
                Ok(p) => Some(p),
                Err(e) if e.is_missing() => {
                    return Err(OdbError::Absent {
                        id: pid,
                        what: format!("the first parent of commit {}", commit.id()),
                    });
                }
                Err(e) => return Err(e),
            },
        };
        steps.push(Step {
            id: commit.id(),
            time,
            author: String::from_utf8_lossy(commit.author().name_bytes()).into_owned(),
            subject: commit
                .summary_bytes()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .unwrap_or_default(),
            tree: commit.tree_id(),
            parent_tree: parent.as_ref().map(Commit::tree_id),
        });
        match parent {
            Some(p) => commit = p,
            None => break End::Root,
        }
    };
    Ok((steps, end))
}

/// A commit whose object names parents that the repository's shallow file
/// cut off (libgit2 then reports no parents).
fn is_shallow_boundary(commit: &Commit<'_>) -> bool {
    commit.parent_count() == 0 && {
        let header = commit.raw_header_bytes();
        header.starts_with(b"parent ") || header.windows(8).any(|w| w == b"\nparent ")
    }
}
