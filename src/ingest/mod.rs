//! Ingest: facts from files other tools wrote — coverage reports for the
//! `coverage` kind, JSON numbers for the `external` kind.
//!
//! They are read in the pipeline before any metric is evaluated (metrics stay
//! pure functions of facts), each named file once even when several metrics
//! name it. A report that is missing or malformed stops the run with a message
//! naming the metric, the file and what is wrong: a metric measured from a
//! broken report would be a silent wrong number.

pub mod cobertura;
pub mod coverage;
pub mod external;
pub mod lcov;
pub mod llvm_cov;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use crate::config::{Definition, Params};
use crate::error::Error;
use crate::facts::{CoverageFacts, ExternalValue};

/// What the definition's report-reading metrics need, by metric name.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub coverage: BTreeMap<String, CoverageFacts>,
    pub external: BTreeMap<String, ExternalValue>,
}

const COVERAGE_HINT: &str = "qscan reads lcov (.info), Cobertura XML and llvm-cov JSON \
                             (`cargo llvm-cov --json`); `report` is a path or glob relative to \
                             the repository root";
const EXTERNAL_HINT: &str = "`file` is relative to the repository root and `pointer` is a JSON \
                             pointer such as \"/latency/p95\" to a number in it";

/// Reads every report and JSON file the definition's metrics name.
pub fn gather(root: &Path, def: &Definition, all_paths: &[String]) -> Result<Inputs, Error> {
    let mut inputs = Inputs::default();
    let mut read: HashMap<&str, CoverageFacts> = HashMap::new();
    for m in &def.metrics {
        match &m.params {
            Params::Coverage { report } => {
                let facts = match read.get(report.as_str()) {
                    Some(f) => f.clone(),
                    None => {
                        let f = coverage::read(root, report, all_paths).map_err(|e| {
                            Error::input(format!("metric `{}`: {e}", m.name), Some(COVERAGE_HINT))
                        })?;
                        read.insert(report, f.clone());
                        f
                    }
                };
                inputs.coverage.insert(m.name.clone(), facts);
            }
            Params::External { file, pointer, .. } => {
                let value = external::read(root, file, pointer).map_err(|e| {
                    Error::input(format!("metric `{}`: {e}", m.name), Some(EXTERNAL_HINT))
                })?;
                inputs.external.insert(
                    m.name.clone(),
                    ExternalValue {
                        file: file.clone(),
                        pointer: pointer.clone(),
                        value,
                    },
                );
            }
            _ => {}
        }
    }
    Ok(inputs)
}

/// Whether a report path holds glob syntax.
fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

/// The matcher of a report glob (`*` does not cross `/`); None for a plain
/// path. Validation calls this so a bad glob is reported at its line.
pub fn report_glob(pattern: &str) -> Result<Option<GlobMatcher>, globset::Error> {
    if !is_glob(pattern) {
        return Ok(None);
    }
    let glob = GlobBuilder::new(pattern).literal_separator(true).build()?;
    Ok(Some(glob.compile_matcher()))
}

/// The files a report path or glob names, sorted, each with the path to show
/// (relative to the root when under it). A plain path is returned as is, to
/// fail when read; a glob that matches nothing is an error.
pub fn resolve(root: &Path, pattern: &str) -> Result<Vec<(PathBuf, String)>, String> {
    let matcher = match report_glob(pattern) {
        Err(e) => return Err(format!("invalid glob `{pattern}`: {e}")),
        Ok(None) => return Ok(vec![(root.join(pattern), pattern.to_string())]),
        Ok(Some(m)) => m,
    };
    // Walk only below the glob's literal leading folders.
    let literal: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !is_glob(part))
        .collect();
    let absolute = Path::new(pattern).is_absolute();
    let base = match literal.len() {
        0 => root.to_path_buf(),
        n if absolute && n == 1 => PathBuf::from("/"),
        n => root.join(literal[..n].join("/")),
    };
    // Without `**` a glob cannot match deeper than it has parts.
    let depth = (!pattern.contains("**")).then(|| pattern.split('/').count() - literal.len());
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(&base)
        .max_depth(depth)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let shown = match path.strip_prefix(root) {
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => path.to_string_lossy().to_string(),
        };
        let candidate = if absolute {
            path.to_string_lossy().to_string()
        } else {
            shown.clone()
        };
        if matcher.is_match(&candidate) {
            found.push((path.to_path_buf(), shown));
        }
    }
    if found.is_empty() {
        return Err(format!(
            "no file matches the coverage report pattern `{pattern}` under {}",
            root.display()
        ));
    }
    found.sort();
    Ok(found)
}

/// A line of a report as shown in a message, cut to a readable length.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_resolve_under_the_root_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("cov/a")).unwrap();
        std::fs::create_dir_all(root.join("cov/b")).unwrap();
        std::fs::write(root.join("cov/b/lcov.info"), "").unwrap();
        std::fs::write(root.join("cov/a/lcov.info"), "").unwrap();
        std::fs::write(root.join("cov/a/other.txt"), "").unwrap();
        let shown: Vec<String> = resolve(root, "cov/*/lcov.info")
            .unwrap()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(shown, ["cov/a/lcov.info", "cov/b/lcov.info"]);
        assert_eq!(resolve(root, "cov/**/*.info").unwrap().len(), 2);
        assert!(resolve(root, "*.info").is_err());
        std::fs::write(root.join("top.info"), "").unwrap();
        assert_eq!(resolve(root, "*.info").unwrap()[0].1, "top.info");
        let e = resolve(root, "nope/*.info").unwrap_err();
        assert!(
            e.starts_with("no file matches the coverage report pattern `nope/*.info`"),
            "{e}"
        );
        assert_eq!(resolve(root, "plain.info").unwrap()[0].1, "plain.info");
    }
}
