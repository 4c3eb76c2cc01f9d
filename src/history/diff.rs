//! The paths one change unit changed: a tree-to-tree diff against its first
//! parent, done by hand on tree objects because that is the hot path.
//!
//! Entries of two trees are merged in git's tree order; a subtree whose id did
//! not change is skipped without being read, and no blob is ever read for the
//! common case. Renames are reported under the new path, as `git log` does by
//! default: an added path whose blob id equals a deleted path's is an exact
//! rename; only when adds and deletes remain unpaired is libgit2's similarity
//! search run, on those paths alone (it reads their blobs).

use std::cmp::Ordering;
use std::collections::HashMap;

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository, Tree};

const MODE_TREE: i32 = 0o040000;
const MODE_GITLINK: i32 = 0o160000;

/// What changed between two trees, by path (bytes, joined with `/`).
#[derive(Debug, Default)]
struct Changes {
    modified: Vec<Vec<u8>>,
    added: Vec<(Vec<u8>, Oid, i32)>,
    deleted: Vec<(Vec<u8>, Oid, i32)>,
}

/// The paths changed from `old` (None: the empty tree) to `new`: added,
/// modified and deleted files, renames under their new path only; sorted.
pub fn changed_paths(
    repo: &Repository,
    old: Option<Oid>,
    new: Oid,
) -> Result<Vec<String>, git2::Error> {
    if old == Some(new) {
        return Ok(Vec::new());
    }
    let old_tree = old.map(|id| repo.find_tree(id)).transpose()?;
    let new_tree = repo.find_tree(new)?;
    let mut changes = Changes::default();
    let mut prefix = Vec::new();
    diff_trees(
        repo,
        old_tree.as_ref(),
        Some(&new_tree),
        &mut prefix,
        &mut changes,
    )?;
    if !changes.added.is_empty() && !changes.deleted.is_empty() {
        pair_renames(repo, old_tree.as_ref(), &new_tree, &mut changes)?;
    }
    let mut paths: Vec<String> = changes
        .modified
        .into_iter()
        .chain(changes.added.into_iter().map(|(p, _, _)| p))
        .chain(changes.deleted.into_iter().map(|(p, _, _)| p))
        .map(|p| match String::from_utf8(p) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
        .collect();
    paths.sort_unstable();
    paths.dedup();
    Ok(paths)
}

/// git's tree order: names compare bytewise, a tree as if it ended in `/`.
fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        other => return other,
    }
    let next = |name: &[u8], tree: bool| match name.get(n) {
        Some(&c) => c,
        None if tree => b'/',
        None => 0,
    };
    next(a, a_tree).cmp(&next(b, b_tree))
}

fn diff_trees(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    prefix: &mut Vec<u8>,
    out: &mut Changes,
) -> Result<(), git2::Error> {
    let (old_len, new_len) = (old.map_or(0, Tree::len), new.map_or(0, Tree::len));
    let (mut i, mut j) = (0, 0);
    while i < old_len || j < new_len {
        let a = old.and_then(|t| t.get(i)).filter(|_| i < old_len);
        let b = new.and_then(|t| t.get(j)).filter(|_| j < new_len);
        let order = match (&a, &b) {
            (Some(a), Some(b)) => tree_order(
                a.name_bytes(),
                a.filemode() == MODE_TREE,
                b.name_bytes(),
                b.filemode() == MODE_TREE,
            ),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => break,
        };
        match order {
            Ordering::Less => {
                if let Some(a) = &a {
                    one_side(repo, a, prefix, out, false)?;
                }
                i += 1;
            }
            Ordering::Greater => {
                if let Some(b) = &b {
                    one_side(repo, b, prefix, out, true)?;
                }
                j += 1;
            }
            Ordering::Equal => {
                if let (Some(a), Some(b)) = (&a, &b)
                    && (a.id() != b.id() || a.filemode() != b.filemode())
                {
                    let len = push_name(prefix, a.name_bytes());
                    if a.filemode() == MODE_TREE {
                        let (ta, tb) = (repo.find_tree(a.id())?, repo.find_tree(b.id())?);
                        diff_trees(repo, Some(&ta), Some(&tb), prefix, out)?;
                    } else {
                        out.modified.push(prefix.clone());
                    }
                    prefix.truncate(len);
                }
                i += 1;
                j += 1;
            }
        }
    }
    Ok(())
}

/// An entry only one side has: a file added or deleted, or every file of a
/// subtree added or deleted.
fn one_side(
    repo: &Repository,
    entry: &git2::TreeEntry<'_>,
    prefix: &mut Vec<u8>,
    out: &mut Changes,
    added: bool,
) -> Result<(), git2::Error> {
    let len = push_name(prefix, entry.name_bytes());
    if entry.filemode() == MODE_TREE {
        let tree = repo.find_tree(entry.id())?;
        if added {
            diff_trees(repo, None, Some(&tree), prefix, out)?;
        } else {
            diff_trees(repo, Some(&tree), None, prefix, out)?;
        }
    } else {
        let item = (prefix.clone(), entry.id(), entry.filemode());
        if added {
            out.added.push(item);
        } else {
            out.deleted.push(item);
        }
    }
    prefix.truncate(len);
    Ok(())
}

/// Appends `/name` (or `name` at the root) and returns the length to restore.
fn push_name(prefix: &mut Vec<u8>, name: &[u8]) -> usize {
    let len = prefix.len();
    if len > 0 {
        prefix.push(b'/');
    }
    prefix.extend_from_slice(name);
    len
}

/// Drops the old path of each rename from the deleted paths.
fn pair_renames(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
    changes: &mut Changes,
) -> Result<(), git2::Error> {
    // Exact renames: same blob id (the empty blob too, as git pairs it); like
    // git, a source with the destination's file name is preferred, then the
    // first in tree order. Submodules are never renamed.
    let mut sources: HashMap<Oid, Vec<usize>> = HashMap::new();
    for (k, (_, id, mode)) in changes.deleted.iter().enumerate() {
        if *mode != MODE_GITLINK {
            sources.entry(*id).or_default().push(k);
        }
    }
    let mut renamed = vec![false; changes.deleted.len()];
    let mut unpaired_adds = Vec::new();
    for (path, id, mode) in &changes.added {
        if *mode == MODE_GITLINK {
            continue;
        }
        let candidates = sources.get_mut(id);
        let pick = candidates.and_then(|c| {
            let at = c
                .iter()
                .position(|&k| file_name(&changes.deleted[k].0) == file_name(path))
                .or((!c.is_empty()).then_some(0))?;
            Some(c.remove(at))
        });
        match pick {
            Some(k) => renamed[k] = true,
            None => unpaired_adds.push(path.clone()),
        }
    }
    let unpaired_deletes: Vec<Vec<u8>> = changes
        .deleted
        .iter()
        .zip(&renamed)
        .filter(|((_, _, mode), done)| !**done && *mode != MODE_GITLINK)
        .map(|((p, _, _), _)| p.clone())
        .collect();
    if !unpaired_adds.is_empty() && !unpaired_deletes.is_empty() {
        for old_path in similar_renames(repo, old, new, &unpaired_adds, &unpaired_deletes)? {
            if let Some(k) = changes
                .deleted
                .iter()
                .zip(&renamed)
                .position(|((p, _, _), done)| !*done && *p == old_path)
            {
                renamed[k] = true;
            }
        }
    }
    let mut keep = renamed.iter().map(|r| !r);
    changes.deleted.retain(|_| keep.next().unwrap_or(true));
    Ok(())
}

fn file_name(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

/// The old paths of inexact renames among these adds and deletes, found by
/// libgit2's similarity search (50% similar, git's default).
fn similar_renames(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
    adds: &[Vec<u8>],
    deletes: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, git2::Error> {
    let mut opts = DiffOptions::new();
    opts.disable_pathspec_match(true)
        .skip_binary_check(true)
        .ignore_submodules(true);
    for p in adds.iter().chain(deletes) {
        opts.pathspec(p.as_slice());
    }
    let mut diff = repo.diff_tree_to_tree(old, Some(new), Some(&mut opts))?;
    let mut find = DiffFindOptions::new();
    find.renames(true)
        .rename_threshold(50)
        .copies(false)
        .exact_match_only(false);
    diff.find_similar(Some(&mut find))?;
    Ok(diff
        .deltas()
        .filter(|d| d.status() == Delta::Renamed)
        .filter_map(|d| d.old_file().path_bytes().map(<[u8]>::to_vec))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_tree_order() {
        // "a.b" < "a/" (as a tree) since '.' < '/'; blob "a" < tree "a".
        assert_eq!(tree_order(b"a.b", false, b"a", true), Ordering::Less);
        assert_eq!(tree_order(b"a", false, b"a", true), Ordering::Less);
        assert_eq!(tree_order(b"a", true, b"a0", false), Ordering::Less);
        assert_eq!(tree_order(b"ab", false, b"ab", false), Ordering::Equal);
        assert_eq!(tree_order(b"a", true, b"a", true), Ordering::Equal);
    }
}
