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
pub mod go_cover;
pub mod jacoco;
pub mod lcov;
pub mod llvm_cov;
pub mod report_file;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::config::Definition;
use crate::discover::confine::{self, escape};
use crate::error::Error;
use crate::facts::{CoverageFacts, ExternalValue};
use crate::metrics::coverage::{is_glob, report_glob};
use crate::metrics::{coverage as coverage_kind, external as external_kind};
use crate::model::{Note, PATHS_SHOWN, Status};

/// What the definition's report-reading metrics need, by metric name.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub coverage: BTreeMap<String, CoverageFacts>,
    pub external: BTreeMap<String, ExternalValue>,
    /// What the reports say that is not scored, for the report's notes.
    pub notes: Vec<Note>,
    /// The metrics whose file is missing or broken: why, and the fix.
    pub unread: BTreeMap<String, Status>,
}

const COVERAGE_HINT: &str = "qscan reads lcov (.info), Cobertura XML, JaCoCo XML, llvm-cov \
                             JSON (`cargo llvm-cov --json`) and Go cover profiles; `report` is a \
                             path or glob relative to the repository root";
const EXTERNAL_HINT: &str = "`file` is relative to the repository root and `pointer` is a JSON \
                             pointer such as \"/latency/p95\" to a number in it";

/// Reads every report and JSON file the definition's metrics name.
pub fn gather(root: &Path, def: &Definition, all_paths: &[String]) -> Result<Inputs, Error> {
    let mut inputs = Inputs::default();
    let mut read: HashMap<&str, coverage::Read> = HashMap::new();
    for m in &def.metrics {
        if let Some(coverage_kind::Params { report }) = m.params() {
            let found = match read.get(report.as_str()) {
                Some(f) => f.clone(),
                None => match coverage::read(root, report, all_paths) {
                    Ok(f) => {
                        read.insert(report, f.clone());
                        f
                    }
                    Err(e) => {
                        inputs
                            .unread
                            .insert(m.name.clone(), unread(e, COVERAGE_HINT));
                        continue;
                    }
                },
            };
            if let Some(note) = past_end_note(&m.name, &found.past_end) {
                inputs.notes.push(note);
            }
            inputs.coverage.insert(m.name.clone(), found.facts);
        } else if let Some(external_kind::Params { file, pointer, .. }) = m.params() {
            let value = match external::read(root, file, pointer) {
                Ok(v) => v,
                Err(e) => {
                    inputs
                        .unread
                        .insert(m.name.clone(), unread(e, EXTERNAL_HINT));
                    continue;
                }
            };
            inputs.external.insert(
                m.name.clone(),
                ExternalValue {
                    file: file.clone(),
                    pointer: pointer.clone(),
                    value,
                },
            );
        }
    }
    Ok(inputs)
}

/// A metric whose file is missing or broken is not measured; the run
/// stops on it unless the metric is optional (README, "Not applicable and
/// not measured").
fn unread(e: impl std::fmt::Display, hint: &str) -> Status {
    Status::NotMeasured {
        reason: e.to_string(),
        fix: format!("write the file before qscan runs ({hint})"),
    }
}

/// The note for lines a coverage report names past the end of files.
fn past_end_note(metric: &str, past_end: &[(String, u64)]) -> Option<Note> {
    if past_end.is_empty() {
        return None;
    }
    Some(Note::CoveragePastEnd {
        metric: metric.to_string(),
        lines: past_end.iter().fold(0u64, |t, (_, n)| t.saturating_add(*n)),
        shown: past_end
            .iter()
            .take(PATHS_SHOWN)
            .map(|(path, n)| (escape(path), *n))
            .collect(),
        files: past_end.len(),
    })
}

/// The files a report path or glob names, relative to the root, sorted. A
/// plain path is returned as is, for [`coverage::read`] to read (or refuse);
/// a glob is matched below its literal leading folders, which must lie inside
/// the root, without following links; one that matches nothing is an error.
pub fn resolve(root: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let matcher = match report_glob(pattern) {
        Err(e) => return Err(format!("invalid glob `{}`: {}", escape(pattern), e.kind())),
        Ok(None) => return Ok(vec![pattern.to_string()]),
        Ok(Some(m)) => m,
    };
    let none = || {
        format!(
            "no file matches the coverage report pattern `{}` under {}",
            escape(pattern),
            escape(&root.display().to_string())
        )
    };
    let refused = |e: confine::Refused| {
        if e.is_missing() {
            none()
        } else {
            format!(
                "cannot read the coverage reports `{}`: {e}",
                escape(pattern)
            )
        }
    };
    if !confine::stays_inside(pattern) {
        return Err(refused(confine::Refused::Outside));
    }
    // Walk only below the glob's literal leading folders.
    let prefix = pattern
        .split('/')
        .take_while(|part| !is_glob(part))
        .collect::<Vec<_>>()
        .join("/");
    let base = confine::folder(root, &prefix).map_err(refused)?;
    // Without `**` a glob cannot match deeper than it has parts.
    let literal = prefix.split('/').filter(|p| !p.is_empty()).count();
    let depth = (!pattern.contains("**")).then(|| pattern.split('/').count() - literal);
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(&base)
        .max_depth(depth)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|e| !e.file_name().eq_ignore_ascii_case(".git"))
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        // A name that is not UTF-8 could not be shown or read back by name.
        let Some(below) = entry.path().strip_prefix(&base).ok().and_then(Path::to_str) else {
            continue;
        };
        let below = below.replace('\\', "/");
        let candidate = if prefix.is_empty() {
            below
        } else {
            format!("{prefix}/{below}")
        };
        if matcher.is_match(&candidate) {
            found.push(candidate);
        }
    }
    if found.is_empty() {
        return Err(none());
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_end_notes_count_and_list_files() {
        assert_eq!(past_end_note("cov", &[]), None);
        assert_eq!(
            past_end_note("cov", &[("a.py".into(), 1)])
                .unwrap()
                .to_string(),
            "metric 'cov': the coverage report names 1 line past the end of the repository's file (not scored): a.py (1)"
        );
        let many: Vec<(String, u64)> = (0..7).map(|i| (format!("f{i}.py"), 2)).collect();
        assert_eq!(
            past_end_note("cov", &many).unwrap().to_string(),
            "metric 'cov': the coverage report names 14 lines past the end of the repository's files (not scored): \
             f0.py (2), f1.py (2), f2.py (2), f3.py (2), f4.py (2), 2 more"
        );
    }

    #[test]
    fn globs_resolve_under_the_root_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("cov/a")).unwrap();
        std::fs::create_dir_all(root.join("cov/b")).unwrap();
        std::fs::write(root.join("cov/b/lcov.info"), "").unwrap();
        std::fs::write(root.join("cov/a/lcov.info"), "").unwrap();
        std::fs::write(root.join("cov/a/other.txt"), "").unwrap();
        let shown = resolve(root, "cov/*/lcov.info").unwrap();
        assert_eq!(shown, ["cov/a/lcov.info", "cov/b/lcov.info"]);
        assert_eq!(resolve(root, "cov/**/*.info").unwrap().len(), 2);
        assert!(resolve(root, "*.info").is_err());
        std::fs::write(root.join("top.info"), "").unwrap();
        assert_eq!(resolve(root, "*.info").unwrap()[0], "top.info");
        let e = resolve(root, "nope/*.info").unwrap_err();
        assert!(
            e.starts_with("no file matches the coverage report pattern `nope/*.info`"),
            "{e}"
        );
        assert_eq!(resolve(root, "plain.info").unwrap()[0], "plain.info");
    }
}
