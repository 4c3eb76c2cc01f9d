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

use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Oid};

use crate::odb::{Odb, OdbError, Raw};

pub(crate) const MODE_TREE: u32 = 0o040000;
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

type Trees = HashMap<Oid, Rc<Raw>, BuildHasherDefault<IdHasher>>;

/// Diffs the units one after the other, keeping the trees of the last two.
pub struct TreeDiff<'o> {
    odb: &'o Odb<'o>,
    recent: Trees,
    older: Trees,
    /// Added or deleted files whose blob is absent (a partial clone), so
    /// that rename detection could not compare them: each counts as a
    /// delete and an add.
    pub absent_blobs: u64,
}

impl<'o> TreeDiff<'o> {
    pub fn new(odb: &'o Odb<'o>) -> TreeDiff<'o> {
        TreeDiff {
            odb,
            recent: Trees::default(),
            older: Trees::default(),
            absent_blobs: 0,
        }
    }

    /// The paths changed from `old` (None: the empty tree) to `new`: added,
    /// modified and deleted files, renames under their new path only; sorted.
    pub fn changed_paths(&mut self, old: Option<Oid>, new: Oid) -> Result<Vec<String>, OdbError> {
        std::mem::swap(&mut self.recent, &mut self.older);
        self.recent.clear();
        if old == Some(new) {
            return Ok(Vec::new());
        }
        let mut changes = Changes::default();
        self.diff_trees(old, new, &mut changes)?;
        if !changes.added.is_empty() && !changes.deleted.is_empty() {
            // git's tree order of whole paths is their byte order: the order
            // a recursive walk would have found them in.
            changes.added.sort_by(|a, b| a.0.cmp(&b.0));
            changes.deleted.sort_by(|a, b| a.0.cmp(&b.0));
            self.absent_blobs += pair_renames(self.odb, old, new, &mut changes)?;
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
    fn tree(&mut self, id: Oid) -> Result<Rc<Raw>, OdbError> {
        if let Some(t) = self.recent.get(&id) {
            return Ok(t.clone());
        }
        let data = match self.older.remove(&id) {
            Some(t) => t,
            None => {
                let object = self.odb.read(id)?;
                if object.kind != ObjectType::Tree {
                    return Err(OdbError::Git {
                        id: Some(id),
                        error: git2::Error::from_str("it is not a tree"),
                    });
                }
                Rc::new(object)
            }
        };
        self.recent.insert(id, data.clone());
        Ok(data)
    }

    /// Merges the entries of the two trees level by level, with an explicit
    /// stack of subtrees still to compare (a deep tree cannot overflow it).
    fn diff_trees(
        &mut self,
        old: Option<Oid>,
        new: Oid,
        out: &mut Changes,
    ) -> Result<(), OdbError> {
        let mut stack: Vec<(Vec<u8>, Option<Oid>, Option<Oid>)> =
            vec![(Vec::new(), old, Some(new))];
        while let Some((prefix, old, new)) = stack.pop() {
            let old = old.map(|id| self.tree(id)).transpose()?;
            let new = new.map(|id| self.tree(id)).transpose()?;
            let mut a_iter = Entries(old.as_ref().map(|t| t.data.as_slice()).unwrap_or_default());
            let mut b_iter = Entries(new.as_ref().map(|t| t.data.as_slice()).unwrap_or_default());
            let mut a = a_iter.next().transpose()?;
            let mut b = b_iter.next().transpose()?;
            loop {
                let order = match (&a, &b) {
                    (Some(x), Some(y)) => {
                        tree_order(x.name, x.mode == MODE_TREE, y.name, y.mode == MODE_TREE)
                    }
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => break,
                };
                match order {
                    Ordering::Less => {
                        if let Some(x) = &a {
                            one_side(x, &prefix, out, &mut stack, false)?;
                        }
                        a = a_iter.next().transpose()?;
                    }
                    Ordering::Greater => {
                        if let Some(y) = &b {
                            one_side(y, &prefix, out, &mut stack, true)?;
                        }
                        b = b_iter.next().transpose()?;
                    }
                    Ordering::Equal => {
                        if let (Some(x), Some(y)) = (&a, &b)
                            && (x.id != y.id || x.mode != y.mode)
                        {
                            let path = join(&prefix, x.name);
                            if x.mode == MODE_TREE {
                                stack.push((path, Some(x.oid()?), Some(y.oid()?)));
                            } else {
                                out.modified.push(path);
                            }
                        }
                        a = a_iter.next().transpose()?;
                        b = b_iter.next().transpose()?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Subtrees still to compare: (path, old tree, new tree).
type Pending = Vec<(Vec<u8>, Option<Oid>, Option<Oid>)>;

/// An entry only one side has: a file added or deleted, or a subtree whose
/// files are all added or deleted (queued).
fn one_side(
    entry: &Entry<'_>,
    prefix: &[u8],
    out: &mut Changes,
    stack: &mut Pending,
    added: bool,
) -> Result<(), git2::Error> {
    let path = join(prefix, entry.name);
    let id = entry.oid()?;
    if entry.mode == MODE_TREE {
        stack.push(if added {
            (path, None, Some(id))
        } else {
            (path, Some(id), None)
        });
    } else if added {
        out.added.push((path, id, entry.mode));
    } else {
        out.deleted.push((path, id, entry.mode));
    }
    Ok(())
}

/// `prefix/name` (or `name` at the root).
fn join(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut path = Vec::with_capacity(prefix.len() + 1 + name.len());
    path.extend_from_slice(prefix);
    if !prefix.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    path
}

/// One entry of a raw tree object: `MODE SP NAME NUL ID`.
pub(crate) struct Entry<'a> {
    pub(crate) mode: u32,
    pub(crate) name: &'a [u8],
    id: &'a [u8; ID_LEN],
}

impl Entry<'_> {
    pub(crate) fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

/// The entries of a raw tree object, in stored (git tree) order.
pub(crate) struct Entries<'a>(pub(crate) &'a [u8]);

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

/// Drops the old path of each rename from the deleted paths. Returns how
/// many added or deleted files could not be compared for an inexact rename
/// because their blob is absent.
fn pair_renames(
    odb: &Odb,
    old: Option<Oid>,
    new: Oid,
    changes: &mut Changes,
) -> Result<u64, OdbError> {
    // Exact renames: same blob id (the empty blob too, as git pairs it) and
    // the same kind of entry (a symbolic link's blob is its target's name: a
    // file holding that name is no rename of it, as git decides); like git,
    // a source with the destination's file name is preferred, then the first
    // in tree order. Submodules are never renamed.
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
            let kin = |k: usize| same_kind(changes.deleted[k].2, *mode);
            let at = c
                .iter()
                .position(|&k| kin(k) && file_name(&changes.deleted[k].0) == file_name(path))
                .or_else(|| c.iter().position(|&k| kin(k)))?;
            Some(c.remove(at))
        });
        match pick {
            Some(k) => renamed[k] = true,
            None => unpaired_adds.push((path.clone(), *id)),
        }
    }
    let unpaired_deletes: Vec<(Vec<u8>, Oid)> = changes
        .deleted
        .iter()
        .zip(&renamed)
        .filter(|((_, _, mode), done)| !**done && *mode != MODE_GITLINK)
        .map(|((p, id, _), _)| (p.clone(), *id))
        .collect();
    let mut absent = 0;
    if !unpaired_adds.is_empty() && !unpaired_deletes.is_empty() {
        // libgit2 reads these blobs to compare them: each is checked first
        // (a damaged one stops the run), and one that is absent (a partial
        // clone) stays a plain add or delete instead of failing the diff.
        let mut present = |files: Vec<(Vec<u8>, Oid)>| -> Result<Vec<Vec<u8>>, OdbError> {
            let mut kept = Vec::with_capacity(files.len());
            for (path, id) in files {
                match odb.check(id) {
                    Ok(()) => kept.push(path),
                    Err(e) if e.is_missing() => absent += 1,
                    Err(e) => return Err(e),
                }
            }
            Ok(kept)
        };
        let adds = present(unpaired_adds)?;
        let deletes = present(unpaired_deletes)?;
        let found = if adds.is_empty() || deletes.is_empty() {
            Vec::new()
        } else {
            similar_renames(odb, old, new, &adds, &deletes)?
        };
        for old_path in found {
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
    Ok(absent)
}

/// Whether two tree entries may pair as an exact rename: regular files
/// whatever their executable bit, anything else only with its own mode.
fn same_kind(a: u32, b: u32) -> bool {
    const TYPE: u32 = 0o170000;
    const FILE: u32 = 0o100000;
    a == b || (a & TYPE == FILE && b & TYPE == FILE)
}

fn file_name(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

/// The old paths of inexact renames among these adds and deletes, found by
/// libgit2's similarity search (50% similar, git's default).
fn similar_renames(
    odb: &Odb,
    old: Option<Oid>,
    new: Oid,
    adds: &[Vec<u8>],
    deletes: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, OdbError> {
    let repo = odb.repo();
    let old = old.map(|id| odb.tree(id)).transpose()?;
    let new = odb.tree(new)?;
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
    fn renames_pair_entries_of_one_kind() {
        assert!(same_kind(0o100644, 0o100755));
        assert!(same_kind(0o120000, 0o120000));
        assert!(!same_kind(0o120000, 0o100644));
        assert!(!same_kind(0o100644, 0o120000));
        assert!(!same_kind(0o160000, 0o100644));
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
