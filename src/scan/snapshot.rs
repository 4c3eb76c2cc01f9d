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
        .and_then(|r| r.with_roles(&def.scan.roles))
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
    let (mut snapshot, source): (discover::Snapshot, Box<dyn analyze::Source>) = match snap {
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
    };
    assign_roles(place, snap, &mut snapshot, source.as_ref(), rules);
    Ok((snapshot, source))
}

/// Gives every path of the snapshot its role, from the snapshot's own
/// `.gitattributes` files (the working tree's, or the blobs of the tree or
/// index measured), `[scan.roles]` and the path conventions. An attributes
/// file that cannot be read (too large, a link leading outside) counts as
/// empty: roles only narrow what metrics see.
fn assign_roles(
    place: &Place,
    snap: &Snap,
    snapshot: &mut discover::Snapshot,
    source: &dyn analyze::Source,
    rules: &PathRules,
) {
    use discover::roles::{MAX_ATTRIBUTES_BYTES, Resolver};
    let mut attributes: Vec<(String, Vec<u8>)> = Vec::new();
    if *snap == Snap::WorkingTree {
        for path in &snapshot.all_paths {
            if (path == ".gitattributes" || path.ends_with("/.gitattributes"))
                && let Ok(bytes) = discover::confine::read(&place.root, path, MAX_ATTRIBUTES_BYTES)
            {
                attributes.push((path.clone(), bytes));
            }
        }
    }
    for (path, blob, size) in &snapshot.attributes {
        if *size > MAX_ATTRIBUTES_BYTES {
            continue;
        }
        let file = discover::SourceFile {
            path: path.clone(),
            abs: PathBuf::new(),
            blob: Some(*blob),
            language: crate::lang::Language::default(),
            decided: Default::default(),
            size: *size,
        };
        if let Ok(bytes) = source.read(&file) {
            attributes.push((path.clone(), bytes));
        }
    }
    let resolver = Resolver::new(&attributes, &rules.roles, &rules.test_names);
    snapshot.roles = snapshot
        .all_paths
        .iter()
        .map(|p| resolver.decide(p))
        .collect();
    snapshot.role_rules =
        crate::snapshot::RoleRules(std::sync::Arc::new(move |p| resolver.decide(p)));
    let decided: Vec<_> = snapshot
        .sources
        .iter()
        .map(|f| snapshot.decided(&f.path))
        .collect();
    for (file, d) in snapshot.sources.iter_mut().zip(decided) {
        file.decided = d;
    }
}

pub(super) fn head_or_nothing(place: &Place) -> Result<Snap, Error> {
    let repo = repo_of(place, "--staged")?;
    let odb = crate::odb::Odb::new(repo).map_err(|e| e.to_error())?;
    match odb.head_commit().map_err(|e| e.to_error())? {
        Some(id) => Ok(Snap::Commit(id)),
        None => Ok(Snap::Nothing),
    }
}
