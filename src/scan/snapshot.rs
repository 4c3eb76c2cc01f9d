//! One snapshot resolved and listed: which tree a target names (the working
//! tree, the index, a commit, or nothing yet) and its files, with where
//! their contents are read from. Reading and measuring them is `measure`'s.

use std::path::PathBuf;

use crate::analyze;
use crate::config::Definition;
use crate::discover::{self, PathRules};
use crate::error::Error;

use super::place::{Place, repo_of, resolve_rev};
use super::request::Target;

/// A snapshot resolved to what it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Snap {
    WorkingTree,
    Index,
    Commit(git2::Oid),
    /// The baseline of an unborn branch: nothing yet.
    Nothing,
}

pub(super) fn path_rules(def: &Definition) -> Result<PathRules, Error> {
    PathRules::new(&def.scan.exclude, &def.scan.test_patterns)
        .map_err(|e| Error::usage(format!("invalid glob in [scan]: {e}"), None))
}

pub(super) fn resolve(place: &Place, target: &Target) -> Result<Snap, Error> {
    match target {
        Target::WorkingTree => Ok(Snap::WorkingTree),
        Target::Index => repo_of(place, "--staged").map(|_| Snap::Index),
        Target::Revision(rev) => resolve_rev(place, rev, "--rev").map(Snap::Commit),
    }
}

/// The files of a snapshot, and where their contents are read from.
/// `walk_threads` is for the working tree (0: one per core).
pub(super) fn list_files(
    place: &Place,
    snap: &Snap,
    rules: &PathRules,
    walk_threads: usize,
) -> Result<(discover::Snapshot, Box<dyn analyze::Source>), Error> {
    let git_error = |e: git2::Error| Error::Io {
        message: format!("cannot read the repository: {}", e.message()),
    };
    let odb_of = |repo| crate::odb::Odb::new(repo).map_err(|e| e.to_error());
    Ok(match snap {
        Snap::WorkingTree => {
            let mut snapshot = discover::walk_with(&place.root, rules, walk_threads);
            if let Some(index) = place.repo.as_ref().and_then(|r| r.index().ok()) {
                discover::add_tracked(&place.root, rules, &index, &mut snapshot);
            }
            (snapshot, Box::new(analyze::WorkingTree))
        }
        Snap::Nothing => (
            discover::Snapshot::default(),
            Box::new(analyze::WorkingTree),
        ),
        Snap::Index => {
            let repo = repo_of(place, "--staged")?;
            let snapshot = match std::env::var_os("GIT_INDEX_FILE") {
                // git points hooks at the index being committed (`commit -a`,
                // `commit PATH` use a temporary one).
                Some(file) => {
                    let path = place.root.join(PathBuf::from(file));
                    let index = git2::Index::open(&path).map_err(git_error)?;
                    discover::git::from_index_file(&odb_of(repo)?, &index, rules)
                        .map_err(|e| e.to_error())?
                }
                None => {
                    discover::git::from_index(&odb_of(repo)?, rules).map_err(|e| e.to_error())?
                }
            };
            (snapshot, Box::new(discover::git::BlobSource::new(repo)))
        }
        Snap::Commit(id) => {
            let repo = repo_of(place, "--rev")?;
            let odb = odb_of(repo)?;
            let tree = odb.commit(*id).map_err(|e| e.to_error())?.tree_id();
            (
                discover::git::from_tree(&odb, tree, rules).map_err(|e| e.to_error())?,
                Box::new(discover::git::BlobSource::new(repo)),
            )
        }
    })
}

pub(super) fn head_or_nothing(place: &Place) -> Result<Snap, Error> {
    let repo = repo_of(place, "--staged")?;
    let odb = crate::odb::Odb::new(repo).map_err(|e| e.to_error())?;
    match odb.head_commit().map_err(|e| e.to_error())? {
        Some(id) => Ok(Snap::Commit(id)),
        None => Ok(Snap::Nothing),
    }
}
