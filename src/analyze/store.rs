//! The facts cache on disk: facts keyed by content id, kept between runs so a
//! pre-commit check re-parses only what changed since the last run.
//!
//! It lives in the user's cache folder (`$QSCAN_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/qscan`, else `~/.cache/qscan`), one file per repository,
//! never in the repository itself. A relative folder in any of these is
//! ignored, as the XDG base directory spec says: it would be relative to
//! wherever qscan runs, most often the repository being scanned. A file written by another qscan version or
//! for another definition's analysis settings (its *salt*) is ignored, and a
//! damaged one is ignored and replaced: the cache can only save time, never
//! change a number. `QSCAN_NO_CACHE=1` or `--no-cache` turns it off.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{CacheKey, FactsCache};
use crate::facts::FileFacts;
use crate::lang::Language;

const MAGIC: &str = "qscan-facts-3";

#[derive(Serialize, Deserialize)]
struct Stored {
    magic: String,
    salt: String,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    oid: [u8; 20],
    language: Language,
    tsx: bool,
    is_test: bool,
    facts: Result<FileFacts, String>,
}

/// Where the cache of the repository at `root` lives, unless caching is off.
pub fn location(root: &Path) -> Option<PathBuf> {
    let off = std::env::var_os("QSCAN_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0");
    if off {
        return None;
    }
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|d| d.is_absolute())
    };
    let dir = absolute("QSCAN_CACHE_DIR")
        .or_else(|| absolute("XDG_CACHE_HOME").map(|d| d.join("qscan")))
        .or_else(|| absolute("HOME").map(|h| h.join(".cache").join("qscan")))?;
    Some(dir.join(format!(
        "{:016x}.facts",
        fnv1a(root.to_string_lossy().as_bytes())
    )))
}

/// The salt of a run: what besides content decides the facts (the qscan
/// version, the size limit, and the query metrics' queries, whose matches are
/// facts too).
pub fn salt(max_file_bytes: u64, queries: &[crate::analyze::query::QueryJob]) -> String {
    // The version alone does not name the analyzers: builds from git share
    // it. The binary's size and time tell one build from another.
    let build = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let time = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}-{time}", m.len())
        })
        .unwrap_or_default();
    // Cached facts name a language by its place in the registry.
    let mut salt = format!(
        "{} build={build} max_file_bytes={max_file_bytes} languages={}",
        env!("CARGO_PKG_VERSION"),
        crate::lang::names()
    );
    for q in queries {
        salt.push_str(&format!(
            "\n{} {} {}",
            q.metric,
            q.language.name(),
            q.engine.source()
        ));
    }
    salt
}

/// Reads a cache; a missing, foreign or damaged file gives an empty cache.
pub fn load(path: &Path, salt: &str) -> FactsCache {
    let Ok(bytes) = std::fs::read(path) else {
        return FactsCache::default();
    };
    match postcard::from_bytes::<Stored>(&bytes) {
        Ok(stored) if stored.magic == MAGIC && stored.salt == salt => {
            let entries: HashMap<CacheKey, Result<FileFacts, String>> = stored
                .entries
                .into_iter()
                .map(|e| {
                    (
                        (
                            git2::Oid::from_bytes(&e.oid).unwrap_or_else(|_| git2::Oid::zero()),
                            e.language,
                            e.tsx,
                            e.is_test,
                        ),
                        e.facts,
                    )
                })
                .filter(|((oid, ..), _)| !oid.is_zero())
                .collect();
            FactsCache::with(entries)
        }
        _ => FactsCache::default(),
    }
}

/// Writes the entries this run used, when it added any; atomically (a
/// temporary file renamed over the old one), so a reader never sees half.
/// Failing to write a cache is not an error of the run: it is only slower.
pub fn save(cache: &FactsCache, path: &Path, salt: &str) {
    let Some(entries) = cache.used_if_changed() else {
        return;
    };
    let stored = Stored {
        magic: MAGIC.to_string(),
        salt: salt.to_string(),
        entries: entries
            .into_iter()
            .filter_map(|((oid, language, tsx, is_test), facts)| {
                let oid: [u8; 20] = oid.as_bytes().try_into().ok()?;
                Some(Entry {
                    oid,
                    language,
                    tsx,
                    is_test,
                    facts,
                })
            })
            .collect(),
    };
    let Ok(bytes) = postcard::to_stdvec(&stored) else {
        return;
    };
    let Some(dir) = path.parent() else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(&bytes));
    if written.is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Source, analyze_cached};
    use crate::snapshot::SourceFile;

    struct Text(&'static [u8]);

    impl Source for Text {
        fn read(&self, _: &SourceFile) -> std::io::Result<Vec<u8>> {
            Ok(self.0.to_vec())
        }
    }

    fn file(path: &str) -> SourceFile {
        SourceFile {
            path: path.into(),
            abs: path.into(),
            blob: None,
            language: Language::from_name("python").unwrap(),
            decided: Default::default(),
            size: 0,
        }
    }

    #[test]
    fn round_trip_and_salt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.facts");
        let cache = FactsCache::default();
        let first = analyze_cached(
            &[file("a.py")],
            &Text(b"def f(x): ...\n"),
            1000,
            &[],
            &cache,
        );
        save(&cache, &path, "s1");
        let loaded = load(&path, "s1");
        let again = analyze_cached(
            &[file("b.py")],
            &Text(b"def f(x): ...\n"),
            1000,
            &[],
            &loaded,
        );
        assert_eq!(again.files[0].functions, first.files[0].functions);
        assert_eq!(again.files[0].path, "b.py");
        // Nothing was parsed again: the loaded cache has nothing to add.
        assert!(loaded.used_if_changed().is_none());
        assert!(load(&path, "other salt").used_if_changed().is_none());
        assert!(load(&path, "other salt").map.lock().unwrap().is_empty());
    }

    #[test]
    fn a_partly_parsed_file_stays_partly_parsed_when_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.facts");
        let text = Text(b"def f():\n    pass\n\nfor [*[*a]], b in d:\n    pass\n");
        let blob = git2::Oid::hash_object(git2::ObjectType::Blob, text.0).unwrap();
        let mut a = file("a.py");
        a.blob = Some(blob);
        let cache = FactsCache::default();
        let first = analyze_cached(std::slice::from_ref(&a), &text, 1000, &[], &cache);
        assert_eq!(first.files[0].parse_error, Some(4));
        save(&cache, &path, "s");
        let loaded = load(&path, "s");
        let again = analyze_cached(&[a], &text, 1000, &[], &loaded);
        assert!(loaded.used_if_changed().is_none(), "read from the cache");
        assert_eq!(again.files[0].parse_error, Some(4));
        assert_eq!(again.files[0].functions, first.files[0].functions);
    }

    #[test]
    fn damaged_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.facts");
        std::fs::write(&path, b"\xff\x00garbage").unwrap();
        assert!(load(&path, "s").map.lock().unwrap().is_empty());
        assert!(
            load(&dir.path().join("missing"), "s")
                .map
                .lock()
                .unwrap()
                .is_empty()
        );
    }
}
