//! Snapshots read straight from the git object database: a commit's tree
//! (`--rev`, `--baseline`) or the index (`--staged`). Nothing is checked out
//! and nothing in the repository is written.
//!
//! Unlike the working tree, `.gitignore` does not apply (what is committed is
//! part of the snapshot), but vendored folders and `exclude` globs do.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

use super::{PathRules, Snapshot, SourceFile, is_vendored};
use crate::history::diff::{Entries, MODE_TREE};
use crate::lang::{self, Language};
use crate::odb::{Loose, Odb, OdbError};
use crate::snapshot::{Skipped, Source};

const MODE_LINK: u32 = 0o120000;
const MODE_GITLINK: u32 = 0o160000;

/// The snapshot of a commit's tree, walked with an explicit stack (a deep
/// tree cannot overflow it) and every tree read through [`Odb`].
pub fn from_tree(odb: &Odb, tree: Oid, rules: &PathRules) -> Result<Snapshot, OdbError> {
    let mut entries: Vec<(String, Oid, u32)> = Vec::new();
    let mut unnamed: Vec<Skipped> = Vec::new();
    let mut stack: Vec<(String, Oid)> = vec![(String::new(), tree)];
    while let Some((dir, id)) = stack.pop() {
        let raw = odb.read(id)?;
        if raw.kind != ObjectType::Tree {
            return Err(OdbError::Git {
                id: Some(id),
                error: git2::Error::from_str("it is not a tree"),
            });
        }
        for entry in Entries(&raw.data) {
            let entry = entry.map_err(|error| OdbError::Git {
                id: Some(id),
                error,
            })?;
            let folder = entry.mode == MODE_TREE;
            let Ok(name) = std::str::from_utf8(entry.name) else {
                // Counted, as the working-tree walk counts it, not dropped.
                let lossy = String::from_utf8_lossy(entry.name).to_string();
                unnamed.push(Skipped {
                    path: format!("{dir}{lossy}"),
                    reason: if folder {
                        "folder name is not UTF-8 (its files are not scanned)".into()
                    } else {
                        "file name is not UTF-8".into()
                    },
                });
                continue;
            };
            let oid = entry.oid().map_err(|error| OdbError::Git {
                id: Some(id),
                error,
            })?;
            if folder {
                if !super::VENDORED_DIRS.contains(&name) {
                    stack.push((format!("{dir}{name}/"), oid));
                }
                continue;
            }
            entries.push((format!("{dir}{name}"), oid, entry.mode));
        }
    }
    let mut snapshot = build(odb, entries, rules)?;
    snapshot.skipped.extend(unnamed);
    snapshot.skipped.sort();
    Ok(snapshot)
}

/// The snapshot of the index (what `git commit` would record).
pub fn from_index(odb: &Odb, rules: &PathRules) -> Result<Snapshot, OdbError> {
    let index = odb
        .repo()
        .index()
        .map_err(|error| OdbError::Git { id: None, error })?;
    from_index_file(odb, &index, rules)
}

/// The snapshot of a given index (git hands hooks a temporary one for
/// `commit -a` and `commit PATH`, through GIT_INDEX_FILE).
pub fn from_index_file(
    odb: &Odb,
    index: &git2::Index,
    rules: &PathRules,
) -> Result<Snapshot, OdbError> {
    let mut entries = Vec::new();
    let mut conflicted: Vec<String> = Vec::new();
    let mut unnamed = Vec::new();
    for e in index.iter() {
        let Ok(path) = String::from_utf8(e.path.clone()) else {
            unnamed.push(Skipped {
                path: String::from_utf8_lossy(&e.path).to_string(),
                reason: "file name is not UTF-8".into(),
            });
            continue;
        };
        // Stage bits 12-13 of the flags: non-zero while a merge conflict is unresolved.
        if (e.flags >> 12) & 0x3 != 0 {
            if !conflicted.contains(&path) {
                conflicted.push(path);
            }
            continue;
        }
        if is_vendored(&path) {
            continue;
        }
        entries.push((path, e.id, e.mode));
    }
    let mut snapshot = build(odb, entries, rules)?;
    snapshot
        .skipped
        .extend(conflicted.into_iter().map(|path| Skipped {
            path,
            reason: "unresolved merge conflict in the index".into(),
        }));
    snapshot.skipped.extend(unnamed);
    snapshot.skipped.sort();
    Ok(snapshot)
}

/// The size of a blob the snapshot will read, checked first: a damaged or
/// absent object stops the run (the snapshot would be measured without it).
fn blob_size(odb: &Odb, id: Oid, path: &str) -> Result<u64, OdbError> {
    match odb.header(id) {
        Ok((_, size)) => Ok(size),
        Err(e) if e.is_missing() => Err(OdbError::Absent {
            id,
            what: format!("the content of {path}"),
        }),
        Err(e) => Err(e),
    }
}

fn build(
    odb: &Odb,
    entries: Vec<(String, Oid, u32)>,
    rules: &PathRules,
) -> Result<Snapshot, OdbError> {
    let mut snapshot = Snapshot::default();
    for (path, id, mode) in entries {
        if mode != MODE_LINK
            && mode != MODE_GITLINK
            && crate::owners::LOCATIONS.contains(&path.as_str())
        {
            blob_size(odb, id, &path)?;
            snapshot.codeowners.push((path.clone(), id));
        }
        if mode != MODE_LINK
            && mode != MODE_GITLINK
            && (path == ".gitattributes" || path.ends_with("/.gitattributes"))
        {
            let size = blob_size(odb, id, &path)?;
            snapshot.attributes.push((path.clone(), id, size));
        }
        if rules.is_excluded(&path) {
            continue;
        }
        if mode == MODE_LINK {
            // Never followed, but a path of the snapshot, as in the walk.
            snapshot.all_paths.push(path.clone());
            snapshot.skipped.push(Skipped {
                path,
                reason: "symbolic link (not followed)".into(),
            });
            continue;
        }
        if lang::manifest_names().any(|m| {
            path.strip_suffix(m)
                .is_some_and(|dir| dir.is_empty() || dir.ends_with('/'))
        }) {
            blob_size(odb, id, &path)?;
            snapshot.manifests.push((path.clone(), id));
        }
        if mode == MODE_GITLINK {
            snapshot.skipped.push(Skipped {
                path,
                reason: "submodule (not scanned)".into(),
            });
            continue;
        }
        if let Some(language) = Language::from_path(&path) {
            let size = blob_size(odb, id, &path)?;
            snapshot.sources.push(SourceFile {
                decided: Default::default(),
                abs: PathBuf::new(),
                blob: Some(id),
                path: path.clone(),
                language,
                size,
            });
        }
        snapshot.all_paths.push(path);
    }
    snapshot.all_paths.sort();
    snapshot.sources.sort_by(|a, b| a.path.cmp(&b.path));
    snapshot.skipped.sort();
    Ok(snapshot)
}

thread_local! {
    /// One repository handle per thread: git2 handles are not shared across threads.
    static REPO: RefCell<Option<(PathBuf, Repository)>> = const { RefCell::new(None) };
}

/// Reads file contents from blobs (or, for files without one, the working
/// tree), in parallel with a repository handle per thread.
pub struct BlobSource {
    git_dir: PathBuf,
    loose: Loose,
}

impl BlobSource {
    pub fn new(repo: &Repository) -> BlobSource {
        BlobSource {
            git_dir: repo.path().to_path_buf(),
            loose: Loose::of(repo),
        }
    }
}

impl Source for BlobSource {
    fn read(&self, file: &SourceFile) -> std::io::Result<Vec<u8>> {
        let Some(id) = file.blob else {
            return std::fs::read(&file.abs);
        };
        REPO.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.as_ref().is_none_or(|(dir, _)| dir != &self.git_dir) {
                let repo = Repository::open(Path::new(&self.git_dir)).map_err(io_error)?;
                *cell = Some((self.git_dir.clone(), repo));
            }
            let Some((_, repo)) = cell.as_ref() else {
                return Err(std::io::Error::other("no repository"));
            };
            // libgit2 would loop forever on a truncated loose object.
            self.loose
                .check(id)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let blob = repo.find_blob(id).map_err(io_error)?;
            Ok(blob.content().to_vec())
        })
    }
}

fn io_error(e: git2::Error) -> std::io::Error {
    std::io::Error::other(e.message().to_string())
}
