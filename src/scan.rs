//! The scan pipeline: find the root, load the definition, discover files,
//! analyze them, read history, evaluate metrics, and assemble the report.
//!
//! Only the facts the definition needs are gathered: with no file metric no
//! file is parsed, with no history metric no history is read.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::analyze::query::QueryJob;
use crate::analyze::{self, Analysis};
use crate::config::{self, Definition, Origin, Params};
use crate::discover::{self, PathRules};
use crate::error::Error;
use crate::facts::RustCrate;
use crate::history::{self, HistoryFacts};
use crate::metrics::{self, Facts, Source};
use crate::report::{FilesReport, GateReport, HistoryReport, Report};

/// How many files this process has parsed (for traces and tests).
pub static FILES_PARSED: AtomicUsize = AtomicUsize::new(0);

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub path: PathBuf,
    pub config: Option<PathBuf>,
    /// Overrides `[gate] min_score`.
    pub min_score: Option<f64>,
}

/// Where a scan runs: the root folder and, when there is one, its repository.
pub struct Place {
    pub root: PathBuf,
    pub repo: Option<git2::Repository>,
}

/// Finds the repository that contains `path`, or takes the folder itself.
pub fn locate(path: &Path) -> Result<Place, Error> {
    let start = path.canonicalize().map_err(|e| {
        Error::usage(
            format!("cannot scan {}: {e}", path.display()),
            Some("give the path of a folder inside the repository to scan"),
        )
    })?;
    let start = if start.is_dir() {
        start
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    };
    match git2::Repository::discover(&start) {
        Ok(repo) => {
            let Some(workdir) = repo.workdir() else {
                return Err(Error::usage(
                    format!(
                        "{} is a bare repository: it has no files to scan",
                        start.display()
                    ),
                    None,
                ));
            };
            let root = workdir
                .canonicalize()
                .unwrap_or_else(|_| workdir.to_path_buf());
            Ok(Place {
                root,
                repo: Some(repo),
            })
        }
        Err(_) => Ok(Place {
            root: start,
            repo: None,
        }),
    }
}

pub fn run(req: &Request) -> Result<Report, Error> {
    let place = locate(&req.path)?;
    let def = config::load(&place.root, req.config.as_deref())?;
    scan(&place, &def, req.min_score)
}

/// Discovers and analyzes every source file, without evaluating metrics.
pub fn facts(req: &Request) -> Result<Analysis, Error> {
    let place = locate(&req.path)?;
    let def = config::load(&place.root, req.config.as_deref())?;
    let rules = PathRules::new(&def.scan.exclude, &def.scan.test_patterns)
        .map_err(|e| Error::usage(format!("invalid glob in [scan]: {e}"), None))?;
    let snapshot = discover::walk(&place.root, &rules);
    Ok(analyze::analyze_all(
        &snapshot.sources,
        &analyze::WorkingTree,
        def.scan.max_file_bytes,
        &query_jobs(&def),
    ))
}

/// The query metrics' queries, to run while files are parsed.
fn query_jobs(def: &Definition) -> Vec<QueryJob> {
    def.metrics
        .iter()
        .filter_map(|m| match &m.params {
            Params::Query {
                language, query, ..
            } => Some(QueryJob {
                metric: m.name.clone(),
                language: *language,
                query: Arc::clone(query),
            }),
            _ => None,
        })
        .collect()
}

/// Scans the working tree of `place` against `def`.
pub fn scan(place: &Place, def: &Definition, min_score: Option<f64>) -> Result<Report, Error> {
    let mut notes = Vec::new();
    if def.origin == Origin::BuiltIn {
        notes.push(
            "no quality.toml at the repository root: using the built-in default definition"
                .to_string(),
        );
    }
    if def.metrics.is_empty() {
        // Otherwise the score of 100 would read as a clean bill of health.
        notes.push(
            "the definition has no [metrics.NAME] tables: nothing is measured and the score is 100"
                .to_string(),
        );
    }
    let rules = PathRules::new(&def.scan.exclude, &def.scan.test_patterns)
        .map_err(|e| Error::usage(format!("invalid glob in [scan]: {e}"), None))?;
    let snapshot = discover::walk(&place.root, &rules);
    let needs = |source| def.metrics.iter().any(|m| m.kind.info().source == source);
    // Before parsing anything: a missing report stops the run at once.
    let inputs = crate::ingest::gather(&place.root, def, &snapshot.all_paths)?;

    let mut analysis = if needs(Source::Files) {
        FILES_PARSED.fetch_add(snapshot.sources.len(), Ordering::Relaxed);
        analyze::analyze_all(
            &snapshot.sources,
            &analyze::WorkingTree,
            def.scan.max_file_bytes,
            &query_jobs(def),
        )
    } else {
        Analysis::default()
    };
    analysis.skipped.extend(snapshot.skipped.iter().cloned());
    analysis.skipped.sort();
    if snapshot.sources.is_empty() {
        notes.push(format!(
            "no source files found under {} (qscan reads Python, JavaScript, TypeScript and Rust)",
            place.root.display()
        ));
    }
    let crates = rust_crates(&place.root, &snapshot.all_paths, &analysis);

    let (history, history_note) = if needs(Source::History) {
        match &place.repo {
            None => (
                None,
                Some("not a git repository: history metrics are skipped".to_string()),
            ),
            Some(repo) => match history::read(repo, &def.history) {
                Ok(h) => (Some(h), None),
                Err(why) => (None, Some(why)),
            },
        }
    } else {
        (None, None)
    };
    if let Some(note) = &history_note {
        notes.push(note.clone());
    }
    if let Some(h) = &history {
        notes.extend(h.notes.iter().cloned());
    }

    let facts = Facts {
        files: &analysis.files,
        all_paths: &snapshot.all_paths,
        crates: &crates,
        history: history.as_ref(),
        history_note: history_note.as_deref(),
        coverage: &inputs.coverage,
        external: &inputs.external,
    };
    let results: Vec<_> = def
        .metrics
        .iter()
        .map(|m| metrics::evaluate(m, &facts))
        .collect();
    for r in results
        .iter()
        .filter(|r| !r.unmatched_report_paths.is_empty())
    {
        let n = r.unmatched_report_paths.len();
        notes.push(format!(
            "metric '{}': {} the coverage report names {} not in the repository (not scored): {}",
            r.name,
            metrics::plural(n as u64, "file"),
            if n == 1 { "is" } else { "are" },
            r.unmatched_report_paths.join(", ")
        ));
    }
    let score = metrics::score(&results);
    let min_score = min_score.or(def.gate.min_score);
    let failures = metrics::gate_failures(min_score, score, &results);
    let hotspots = history
        .as_ref()
        .map(|h| metrics::hotspots(h, &analysis.files, &snapshot.all_paths))
        .unwrap_or_default();

    let mut by_language = std::collections::BTreeMap::new();
    for f in &analysis.files {
        *by_language
            .entry(f.language.name().to_string())
            .or_insert(0) += 1;
    }
    Ok(Report {
        version: env!("CARGO_PKG_VERSION").to_string(),
        root: place.root.display().to_string(),
        revision: None,
        definition: match &def.origin {
            Origin::File(p) => p.display().to_string(),
            Origin::BuiltIn => "built-in default".to_string(),
        },
        score,
        passed: failures.is_empty(),
        gate: GateReport {
            min_score,
            failures,
        },
        metrics: results,
        files: FilesReport {
            scanned: analysis.files.len(),
            by_language,
            skipped: analysis.skipped,
        },
        history: history.as_ref().map(history_report),
        hotspots,
        notes,
    })
}

fn history_report(h: &HistoryFacts) -> HistoryReport {
    // Units are newest first; the window's first unit is the oldest.
    let oldest = h.units.last();
    let newest = h.units.first();
    HistoryReport {
        change_units: h.units.len(),
        first: oldest.map(|u| u.id.clone()),
        last: newest.map(|u| u.id.clone()),
        first_time: oldest.map(|u| crate::report::rfc3339(u.time)),
        last_time: newest.map(|u| crate::report::rfc3339(u.time)),
        shallow: h.shallow,
    }
}

/// Rust packages from the snapshot's `Cargo.toml` files, when Rust files exist.
fn rust_crates(root: &Path, all_paths: &[String], analysis: &Analysis) -> Vec<RustCrate> {
    if !analysis
        .files
        .iter()
        .any(|f| f.language == crate::lang::Language::Rust)
    {
        return Vec::new();
    }
    all_paths
        .iter()
        .filter(|p| *p == "Cargo.toml" || p.ends_with("/Cargo.toml"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(root.join(p)).ok()?;
            let dir = p
                .strip_suffix("Cargo.toml")?
                .trim_end_matches('/')
                .to_string();
            crate_name(&text).map(|name| RustCrate { dir, name })
        })
        .collect()
}

/// The library name of a manifest: `[lib] name`, else `[package] name`.
pub fn crate_name(manifest: &str) -> Option<String> {
    let value: toml::Table = toml::from_str(manifest).ok()?;
    let lib = value
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str());
    let package = value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str());
    lib.or(package).map(|n| n.replace('-', "_"))
}
