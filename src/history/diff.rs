//! The paths one change unit changed: a tree-to-tree diff against its first
//! parent, done by hand on raw tree objects because that is the hot path.
//!
//! Entries of two trees are merged in git's tree order; a subtree whose id did
//! not change is skipped without being read, and no blob is read in the common
//! case. Trees are read straight from the object database and parsed here:
//! libgit2's object layer (its cache, parsed entries, locks) cost more than the
//! reading itself. A unit's parent tree is the next unit's tree, so the trees
//! of the last two units are kept. Renames are reported under the new path, as
//! `git log` does by default: an added path whose blob id equals a deleted
//! path's is an exact rename; only when adds and deletes remain unpaired is
//! libgit2's similarity search run, on those paths alone (it reads their blobs).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Odb, OdbObject, Oid, Repository};

const MODE_TREE: u32 = 0o040000;
const MODE_GITLINK: u32 = 0o160000;
/// SHA-1 ids: libgit2 as git2 builds it knows no other.
const ID_LEN: usize = 20;

/// What changed between two trees, by path (bytes, joined with `/`).
#[derive(Debug, Default)]
struct Changes {
    modified: Vec<Vec<u8>>,
    added: Vec<(Vec<u8>, Oid, u32)>,
    deleted: Vec<(Vec<u8>, Oid, u32)>,
}

/// Object ids are already uniformly random: their first bytes are the hash.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
}

type Trees<'o> = HashMap<Oid, Rc<OdbObject<'o>>, BuildHasherDefault<IdHasher>>;

/// Diffs the units one after the other, keeping the trees of the last two.
pub struct TreeDiff<'o> {
    repo: &'o Repository,
    odb: &'o Odb<'o>,
    recent: Trees<'o>,
    older: Trees<'o>,
}

impl<'o> TreeDiff<'o> {
    pub fn new(repo: &'o Repository, odb: &'o Odb<'o>) -> TreeDiff<'o> {
        TreeDiff {
            repo,
            odb,
            recent: Trees::default(),
            older: Trees::default(),
        }
    }

    /// The paths changed from `old` (None: the empty tree) to `new`: added,
    /// modified and deleted files, renames under their new path only; sorted.
    pub fn changed_paths(
        &mut self,
        old: Option<Oid>,
        new: Oid,
    ) -> Result<Vec<String>, git2::Error> {
        std::mem::swap(&mut self.recent, &mut self.older);
        self.recent.clear();
        if old == Some(new) {
            return Ok(Vec::new());
        }
        let mut changes = Changes::default();
        let mut prefix = Vec::new();
        let old_tree = old.map(|id| self.tree(id)).transpose()?;
        let new_tree = self.tree(new)?;
        self.diff_trees(
            old_tree.as_ref().map(|t| t.data()),
            Some(new_tree.data()),
            &mut prefix,
            &mut changes,
        )?;
        if !changes.added.is_empty() && !changes.deleted.is_empty() {
            pair_renames(self.repo, old, new, &mut changes)?;
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

    /// A tree object's raw entries, from the last two units' trees or the odb.
    fn tree(&mut self, id: Oid) -> Result<Rc<OdbObject<'o>>, git2::Error> {
        if let Some(t) = self.recent.get(&id) {
            return Ok(t.clone());
        }
        let data = match self.older.remove(&id) {
            Some(t) => t,
            None => {
                let object = self.odb.read(id)?;
                if object.kind() != ObjectType::Tree {
                    return Err(git2::Error::from_str(&format!("{id} is not a tree")));
                }
                Rc::new(object)
            }
        };
        self.recent.insert(id, data.clone());
        Ok(data)
    }

    fn diff_trees(
        &mut self,
        old: Option<&[u8]>,
        new: Option<&[u8]>,
        prefix: &mut Vec<u8>,
        out: &mut Changes,
    ) -> Result<(), git2::Error> {
        let mut a_iter = Entries(old.unwrap_or_default());
        let mut b_iter = Entries(new.unwrap_or_default());
        let mut a = a_iter.next().transpose()?;
        let mut b = b_iter.next().transpose()?;
        loop {
            let order = match (&a, &b) {
                (Some(x), Some(y)) => {
                    tree_order(x.name, x.mode == MODE_TREE, y.name, y.mode == MODE_TREE)
                }
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => return Ok(()),
            };
            match order {
                Ordering::Less => {
                    if let Some(x) = &a {
                        self.one_side(x, prefix, out, false)?;
                    }
                    a = a_iter.next().transpose()?;
                }
                Ordering::Greater => {
                    if let Some(y) = &b {
                        self.one_side(y, prefix, out, true)?;
                    }
                    b = b_iter.next().transpose()?;
                }
                Ordering::Equal => {
                    if let (Some(x), Some(y)) = (&a, &b)
                        && (x.id != y.id || x.mode != y.mode)
                    {
                        let len = push_name(prefix, x.name);
                        if x.mode == MODE_TREE {
                            let ta = self.tree(x.oid()?)?;
                            let tb = self.tree(y.oid()?)?;
                            self.diff_trees(Some(ta.data()), Some(tb.data()), prefix, out)?;
                        } else {
                            out.modified.push(prefix.clone());
                        }
                        prefix.truncate(len);
                    }
                    a = a_iter.next().transpose()?;
                    b = b_iter.next().transpose()?;
                }
            }
        }
    }

    /// An entry only one side has: a file added or deleted, or every file of
    /// a subtree added or deleted.
    fn one_side(
        &mut self,
        entry: &Entry<'_>,
        prefix: &mut Vec<u8>,
        out: &mut Changes,
        added: bool,
    ) -> Result<(), git2::Error> {
        let len = push_name(prefix, entry.name);
        if entry.mode == MODE_TREE {
            let tree = self.tree(entry.oid()?)?;
            if added {
                self.diff_trees(None, Some(tree.data()), prefix, out)?;
            } else {
                self.diff_trees(Some(tree.data()), None, prefix, out)?;
            }
        } else {
            let item = (prefix.clone(), entry.oid()?, entry.mode);
            if added {
                out.added.push(item);
            } else {
                out.deleted.push(item);
            }
        }
        prefix.truncate(len);
        Ok(())
    }
}

/// One entry of a raw tree object: `MODE SP NAME NUL ID`.
struct Entry<'a> {
    mode: u32,
    name: &'a [u8],
    id: &'a [u8; ID_LEN],
}

impl Entry<'_> {
    fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

/// The entries of a raw tree object, in stored (git tree) order.
struct Entries<'a>(&'a [u8]);

impl<'a> Iterator for Entries<'a> {
    type Item = Result<Entry<'a>, git2::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let corrupt = || Some(Err(git2::Error::from_str("corrupt tree object")));
        let Some(space) = self.0.iter().position(|&b| b == b' ') else {
            return corrupt();
        };
        let mut mode = 0u32;
        for &d in &self.0[..space] {
            if !(b'0'..=b'7').contains(&d) || mode > 0o7777777 {
                return corrupt();
            }
            mode = mode * 8 + u32::from(d - b'0');
        }
        let rest = &self.0[space + 1..];
        let Some(nul) = rest.iter().position(|&b| b == 0) else {
            return corrupt();
        };
        let Some(Ok(id)) = rest
            .get(nul + 1..nul + 1 + ID_LEN)
            .map(<&[u8; ID_LEN]>::try_from)
        else {
            return corrupt();
        };
        let entry = Entry {
            mode,
            name: &rest[..nul],
            id,
        };
        self.0 = &rest[nul + 1 + ID_LEN..];
        Some(Ok(entry))
    }
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
    old: Option<Oid>,
    new: Oid,
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
    old: Option<Oid>,
    new: Oid,
    adds: &[Vec<u8>],
    deletes: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, git2::Error> {
    let old = old.map(|id| repo.find_tree(id)).transpose()?;
    let new = repo.find_tree(new)?;
    let mut opts = DiffOptions::new();
    opts.disable_pathspec_match(true)
        .skip_binary_check(true)
        .ignore_submodules(true);
    for p in adds.iter().chain(deletes) {
        opts.pathspec(p.as_slice());
    }
    let mut diff = repo.diff_tree_to_tree(old.as_ref(), Some(&new), Some(&mut opts))?;
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
    fn parses_raw_tree_entries() {
        let mut raw = b"100644 a.txt\0".to_vec();
        raw.extend([1u8; 20]);
        raw.extend(b"40000 dir\0");
        raw.extend([2u8; 20]);
        let entries: Vec<_> = Entries(&raw)
            .map(|e| e.map(|e| (e.mode, e.name.to_vec(), e.id[0])))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            entries,
            [
                (0o100644, b"a.txt".to_vec(), 1),
                (0o40000, b"dir".to_vec(), 2)
            ]
        );
        assert!(Entries(&raw[..raw.len() - 1]).nth(1).unwrap().is_err());
        assert!(Entries(b"10x644 a\0").next().unwrap().is_err());
    }

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
