//! Coverage reports: which format a report is, and how its paths map to the
//! repository's files.
//!
//! The format is told by the content, not the file name: XML is Cobertura
//! (root `<coverage>`) or JaCoCo (root `<report>`), a JSON object is an
//! llvm-cov export, a `mode:` line opens a Go cover profile, anything else is
//! read as lcov. Tools
//! write paths in many ways (absolute on a CI agent, relative to a `source`
//! folder, with a build prefix), so a report path maps to the repository file
//! it equals, or that it names absolutely under the root, or else the longest
//! repository path it ends with at a `/`. A report path that maps to nothing
//! is counted and listed, never silently dropped.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use crate::discover::confine;
use crate::facts::{CoverageFacts, FileCoverage};

pub use super::report_file::{LineRun, ReportFile};

/// Parses a report of any supported format.
pub fn parse(text: &str) -> Result<Vec<ReportFile>, String> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.is_empty() {
        Err("it is empty".to_string())
    } else if start.starts_with('<') {
        let doc = super::cobertura::document(text)?;
        match doc.root_element().tag_name().name() {
            "coverage" => super::cobertura::read(&doc),
            "report" => super::jacoco::read(&doc),
            _ => Err(
                "it is XML but neither Cobertura (root <coverage>) nor JaCoCo \
                      (root <report>)"
                    .to_string(),
            ),
        }
    } else if start.starts_with("mode:") {
        super::go_cover::parse(text)
    } else if start.starts_with('{') {
        super::llvm_cov::parse(text)
    } else {
        super::lcov::parse(text)
    }
}

/// What the reports of one `report` say about the repository's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    pub facts: CoverageFacts,
    /// Lines named past the end of a repository file (the file as it is
    /// under the root; one that cannot be read counts as empty), by path,
    /// sorted: not scored, and told in a note.
    pub past_end: Vec<(String, u64)>,
}

/// Reads the report(s) a `report` path or glob names and maps them onto the
/// repository's paths.
pub fn read(root: &Path, pattern: &str, all_paths: &[String]) -> Result<Read, String> {
    let mut parsed = Vec::new();
    let mut reports = Vec::new();
    for shown in super::resolve(root, pattern)? {
        // Named by the repository's definition: only a regular file inside
        // the root is read, and what is wrong with it is said without
        // quoting it (it may not be a report at all).
        let bytes = confine::read(root, &shown, confine::MAX_REPORT_BYTES).map_err(|e| {
            format!(
                "cannot read the coverage report `{}`: {e}",
                confine::escape(&shown)
            )
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            format!(
                "the coverage report `{}` is malformed: invalid UTF-8 at byte {}",
                confine::escape(&shown),
                e.valid_up_to()
            )
        })?;
        let files = parse(text).map_err(|e| {
            format!(
                "the coverage report `{}` is malformed: {e}",
                confine::escape(&shown)
            )
        })?;
        parsed.extend(files);
        reports.push(shown);
    }
    let index = PathIndex::new(root, all_paths);
    let mut merged: BTreeMap<&str, BTreeMap<u32, u64>> = BTreeMap::new();
    let mut lengths: HashMap<&str, u32> = HashMap::new();
    let mut past_end: BTreeMap<&str, u64> = BTreeMap::new();
    let mut unmatched = BTreeSet::new();
    for file in &parsed {
        match index.map_file(file) {
            Some(path) => {
                let length = *lengths
                    .entry(path)
                    .or_insert_with(|| line_count(root, path).unwrap_or(0));
                let lines = merged.entry(path).or_default();
                let mut past = 0u64;
                let mut add = |line: u32, hits: u64| {
                    let h = lines.entry(line).or_insert(0);
                    *h = h.saturating_add(hits);
                };
                for (&line, &hits) in &file.lines {
                    if line > length {
                        past += 1;
                    } else {
                        add(line, hits);
                    }
                }
                for run in &file.runs {
                    for line in run.first..=run.last.min(length) {
                        add(line, run.hits);
                    }
                    if run.last > length {
                        past += u64::from(run.last - length.max(run.first.saturating_sub(1)));
                    }
                }
                if past > 0 {
                    let p = past_end.entry(path).or_insert(0);
                    *p = p.saturating_add(past);
                }
            }
            None => {
                unmatched.insert(file.name.clone());
            }
        }
    }
    let facts = CoverageFacts {
        reports,
        files: merged
            .into_iter()
            .map(|(path, lines)| FileCoverage {
                path: path.to_string(),
                coverable: lines.len() as u64,
                uncovered: lines
                    .iter()
                    .filter(|(_, hits)| **hits == 0)
                    .map(|(line, _)| *line)
                    .collect(),
            })
            .collect(),
        unmatched: unmatched.into_iter().collect(),
    };
    Ok(Read {
        facts,
        past_end: past_end
            .into_iter()
            .map(|(path, n)| (path.to_string(), n))
            .collect(),
    })
}

/// How many lines the repository's file at `path` has (a last line without
/// a newline counts); None when it cannot be read.
fn line_count(root: &Path, path: &str) -> Option<u32> {
    let bytes = confine::read(root, path, confine::MAX_REPORT_BYTES).ok()?;
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    let unterminated = bytes.last().is_some_and(|&b| b != b'\n');
    u32::try_from(newlines + usize::from(unterminated)).ok()
}

/// The repository's paths, for mapping report paths onto them.
pub struct PathIndex<'a> {
    /// The root as a path string with forward slashes and no trailing one.
    root: String,
    all: HashSet<&'a str>,
    by_name: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> PathIndex<'a> {
    pub fn new(root: &Path, all_paths: &'a [String]) -> PathIndex<'a> {
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        for p in all_paths {
            by_name.entry(file_name(p)).or_default().push(p);
        }
        PathIndex {
            root: normalize(&root.to_string_lossy())
                .trim_end_matches('/')
                .to_string(),
            all: all_paths.iter().map(String::as_str).collect(),
            by_name,
        }
    }

    /// The repository path of a report's file: the best mapping of its
    /// candidates (an exact one, else the longest suffix), else of its name.
    pub fn map_file(&self, file: &ReportFile) -> Option<&'a str> {
        file.candidates
            .iter()
            .filter_map(|c| self.map(c))
            .max_by_key(|(_, score)| *score)
            .or_else(|| self.map(&file.name))
            .map(|(p, _)| p)
    }

    /// The repository path a report path names, and how sure the match is
    /// (exact beats any suffix; a longer suffix beats a shorter one).
    fn map(&self, candidate: &str) -> Option<(&'a str, usize)> {
        let path = normalize(candidate);
        let relative = path
            .strip_prefix(&self.root)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(&path);
        if let Some(p) = self.all.get(relative) {
            return Some((*p, usize::MAX));
        }
        let named = self.by_name.get(file_name(&path))?;
        let longest = named
            .iter()
            .filter(|p| {
                path.len() > p.len()
                    && path.ends_with(**p)
                    && path.as_bytes()[path.len() - p.len() - 1] == b'/'
            })
            .max_by_key(|p| p.len())
            .map(|p| (*p, p.len()));
        if longest.is_some() || path.starts_with('/') {
            return longest;
        }
        // A path below a source folder the report does not name (JaCoCo's
        // `com/acme/Foo.java` is `src/main/java/com/acme/Foo.java`): the one
        // repository path that ends with it at a `/`; none when several do.
        let mut below = named.iter().filter(|p| {
            p.len() > path.len()
                && p.ends_with(path.as_str())
                && p.as_bytes()[p.len() - path.len() - 1] == b'/'
        });
        match (below.next(), below.next()) {
            (Some(p), None) => Some((*p, 0)),
            _ => None,
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Forward slashes, no `.` segments, `..` applied where it can be, no doubled
/// slashes; a leading `/` is kept.
fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn report_paths_map_to_the_repository() {
        let all = paths(&[
            "src/app/x.py",
            "app/x.py",
            "lib.rs",
            "src/lib.rs",
            "pkg/m.py",
        ]);
        let index = PathIndex::new(Path::new("/work/repo"), &all);
        let map = |c: &str| index.map_file(&ReportFile::new(c));
        assert_eq!(map("src/app/x.py"), Some("src/app/x.py"));
        assert_eq!(map("./src/app/../app/x.py"), Some("src/app/x.py"));
        assert_eq!(map("/work/repo/src/lib.rs"), Some("src/lib.rs"));
        assert_eq!(map("/work/repo/lib.rs"), Some("lib.rs"));
        // Prefixed: the longest repository path that ends it wins.
        assert_eq!(map("/build/agent/src/app/x.py"), Some("src/app/x.py"));
        assert_eq!(map("/build/agent/app/x.py"), Some("app/x.py"));
        assert_eq!(map("C:\\agent\\pkg\\m.py"), Some("pkg/m.py"));
        // Only at a `/`: `xpkg/m.py` is not `pkg/m.py`.
        assert_eq!(map("/build/xpkg/m.py"), None);
        assert_eq!(map("/elsewhere/other.py"), None);
        // A Cobertura file is tried under its sources first (the surest
        // mapping wins), then as written.
        let mut file = ReportFile::new("app/x.py");
        file.candidates = paths(&["/ci/checkout/src/app/x.py", "/ci/checkout/lib/app/x.py"]);
        assert_eq!(index.map_file(&file), Some("src/app/x.py"));
        file.candidates = paths(&["/ci/checkout/lib/app/x.py"]);
        assert_eq!(index.map_file(&file), Some("app/x.py"));
        file.candidates = paths(&["/work/repo/pkg/m.py"]);
        assert_eq!(index.map_file(&file), Some("pkg/m.py"));
        // Below a source folder: the one repository path ending with it.
        assert_eq!(map("app/x.py"), Some("app/x.py"));
        assert_eq!(map("m.py"), Some("pkg/m.py"));
        assert_eq!(
            map("x.py"),
            None,
            "src/app/x.py and app/x.py both end with it"
        );
        assert_eq!(map("/m.py"), None, "an absolute path is not below a folder");
        let java = paths(&[
            "a/src/main/java/com/acme/Foo.java",
            "b/src/main/java/com/acme/Bar.java",
        ]);
        let index = PathIndex::new(Path::new("/work/repo"), &java);
        assert_eq!(
            index.map_file(&ReportFile::new("com/acme/Foo.java")),
            Some("a/src/main/java/com/acme/Foo.java")
        );
        assert_eq!(
            index.map_file(&ReportFile::new("acme/Foo.java")),
            Some("a/src/main/java/com/acme/Foo.java")
        );
        assert_eq!(index.map_file(&ReportFile::new("org/acme/Foo.java")), None);
    }

    #[test]
    fn lines_past_the_end_of_a_file_are_counted_not_scored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.py"), "x = 1\ny = 2\nz = 3").unwrap();
        std::fs::write(root.join("b.py"), "x = 1\n").unwrap();
        std::fs::write(
            root.join("lcov.info"),
            "SF:a.py\nDA:1,1\nDA:3,0\nDA:4,0\nDA:900,1\nend_of_record\n\
             SF:b.py\nDA:1,0\nend_of_record\n",
        )
        .unwrap();
        let all = paths(&["a.py", "b.py"]);
        let read = read(root, "lcov.info", &all).unwrap();
        let a = &read.facts.files[0];
        assert_eq!((a.path.as_str(), a.coverable), ("a.py", 2));
        assert_eq!(a.uncovered, [3]);
        assert_eq!(read.past_end, [("a.py".to_string(), 2)]);
        assert_eq!(read.facts.files[1].coverable, 1);
    }

    #[test]
    fn an_llvm_cov_segment_far_past_the_end_costs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("lib.rs"), "fn f() {\n    g();\n}\n").unwrap();
        // A region running from line 1 to a segment on line 4,000,000,000:
        // every line between is coverable, as llvm-cov counts them.
        std::fs::write(
            root.join("cov.json"),
            r#"{"data":[{"files":[{"filename":"lib.rs","segments":[[1,1,1,true,true,false],[4000000000,1,0,false,false,false]]}]}]}"#,
        )
        .unwrap();
        let all = paths(&["lib.rs"]);
        let read = read(root, "cov.json", &all).unwrap();
        let file = &read.facts.files[0];
        assert_eq!(file.coverable, 3);
        assert!(file.uncovered.is_empty());
        assert_eq!(read.past_end, [("lib.rs".to_string(), 3_999_999_997)]);
    }

    #[test]
    fn a_go_block_far_past_the_end_costs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("x.go"), "package x\n\nfunc f() {}\n").unwrap();
        std::fs::write(
            root.join("cover.out"),
            "mode: set\nexample.com/m/x.go:3.11,4000000000.1 1 0\n",
        )
        .unwrap();
        let all = paths(&["x.go"]);
        let read = read(root, "cover.out", &all).unwrap();
        let file = &read.facts.files[0];
        assert_eq!((file.path.as_str(), file.coverable), ("x.go", 1));
        assert_eq!(file.uncovered, [3]);
        assert_eq!(read.past_end, [("x.go".to_string(), 3_999_999_997)]);
    }

    #[test]
    fn formats_are_told_by_content() {
        assert_eq!(parse("  \n").unwrap_err(), "it is empty");
        assert_eq!(
            parse("<?xml version=\"1.0\"?>\n<report/>").unwrap_err(),
            "it holds no <sourcefile name=…> elements"
        );
        assert_eq!(
            parse("<coverage/>").unwrap_err(),
            "it holds no <class filename=…> elements"
        );
        assert_eq!(
            parse("<html/>").unwrap_err(),
            "it is XML but neither Cobertura (root <coverage>) nor JaCoCo (root <report>)"
        );
        assert_eq!(
            parse("mode: set\na.go:1.1,1.5 1 1\n").unwrap()[0].name,
            "a.go"
        );
        assert!(parse("{\"x\": 1}").unwrap_err().contains("llvm-cov"));
        assert!(parse("hello\n").unwrap_err().contains("lcov"));
    }
}
