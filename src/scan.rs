//! The scan pipeline: find the root, load the definition, discover files,
//! analyze them, read history, evaluate metrics, and assemble the report.
//!
//! Only the facts the definition needs are gathered: with no file metric no
//! file is parsed, with no history metric no history is read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analyze::query::QueryJob;
use crate::analyze::{self, Analysis};
use crate::config::{self, Definition, Origin};
use crate::discover::{self, PathRules};
use crate::error::Error;
use crate::facts::RustCrate;
use crate::history::{self, HistoryFacts};
use crate::metrics::groups::{self, By};
use crate::metrics::{self, Facts, MetricResult, Source};
use crate::owners::{self, Owners};
use crate::report::{FilesReport, GateReport, HistoryReport, Report};

/// How many files this process has parsed (for traces and tests).
pub use crate::analyze::FILES_PARSED;

/// Which snapshot of the repository to measure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Target {
    /// The files on disk, respecting .gitignore.
    #[default]
    WorkingTree,
    /// What is staged (`--staged`): the index, read from the object database.
    Index,
    /// A commit (`--rev REV`), read from the object database.
    Revision(String),
}

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub path: PathBuf,
    pub config: Option<PathBuf>,
    /// Overrides `[gate] min_score`.
    pub min_score: Option<f64>,
    /// Told how reading the history advances (the CLI's progress bar).
    pub progress: history::ProgressHook,
    pub target: Target,
    /// Compare with this revision (`--baseline`).
    pub baseline: Option<String>,
    /// Fail when a metric drops or a new offender appears (`--fail-on-regression`,
    /// or `[gate] no_regression`).
    pub fail_on_regression: bool,
    /// Judge only what changed: the thresholds and min score do not apply (`--new-only`).
    pub new_only: bool,
    /// Neither read nor write the facts cache on disk (`--no-cache`).
    pub no_cache: bool,
    /// Also report every metric per team or folder (`--by`).
    pub by: Option<By>,
}

/// Where a scan runs: the root folder and, when there is one, its repository.
pub struct Place {
    pub root: PathBuf,
    pub repo: Option<git2::Repository>,
    /// A bare repository: no work tree, only commits to scan (`--rev`,
    /// `trend`); `root` is its git directory.
    pub bare: bool,
}

/// Finds the repository that contains `path`, or takes the folder itself.
/// A bare repository is refused: it has no files (see [`locate_commits`]).
pub fn locate(path: &Path) -> Result<Place, Error> {
    let place = locate_commits(path)?;
    if place.bare {
        return Err(bare_refused(&place));
    }
    Ok(place)
}

fn bare_refused(place: &Place) -> Error {
    Error::usage(
        format!(
            "{} is a bare repository: it has no work tree or index to scan",
            place.root.display()
        ),
        Some("scan one of its commits instead, e.g. `qscan --rev HEAD PATH`"),
    )
}

/// [`locate`], also taking a bare repository, whose commits can be read
/// (`--rev`, `trend`).
pub fn locate_commits(path: &Path) -> Result<Place, Error> {
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
                let root = repo.path().canonicalize().unwrap_or(start);
                return Ok(Place {
                    root,
                    repo: Some(repo),
                    bare: true,
                });
            };
            let root = workdir
                .canonicalize()
                .unwrap_or_else(|_| workdir.to_path_buf());
            Ok(Place {
                root,
                repo: Some(repo),
                bare: false,
            })
        }
        // Not "no repository": git would refuse it too, and say why.
        Err(e) if e.code() == git2::ErrorCode::Owner => Err(crate::odb::dubious_ownership(&start)),
        Err(_) => Ok(Place {
            root: start,
            repo: None,
            bare: false,
        }),
    }
}

pub fn run(req: &Request) -> Result<Report, Error> {
    let place = locate_commits(&req.path)?;
    let def = match (&req.target, place.bare) {
        (Target::Revision(rev), true) => bare_definition(&place, rev, req.config.as_deref())?,
        (_, true) => return Err(bare_refused(&place)),
        _ => config::load(&place.root, req.config.as_deref())?,
    };
    scan_request(&place, &def, req)
}

/// A bare repository's definition: `--config FILE`, else the quality.toml
/// committed in `rev`'s tree (read from its blob: there is no work tree),
/// else the built-in default.
pub fn bare_definition(
    place: &Place,
    rev: &str,
    explicit: Option<&Path>,
) -> Result<Definition, Error> {
    if explicit.is_some() {
        return Ok(config::load(&place.root, explicit)?);
    }
    let repo = repo_of(place, "a bare repository")?;
    let odb = crate::odb::Odb::new(repo).map_err(|e| e.to_error())?;
    let commit = resolve_rev(place, rev, "--rev")?;
    let tree = odb.commit(commit).map_err(|e| e.to_error())?.tree_id();
    let entry = odb
        .tree(tree)
        .map_err(|e| e.to_error())?
        .get_name("quality.toml")
        .filter(|e| e.kind() == Some(git2::ObjectType::Blob) && e.filemode() != 0o120000)
        .map(|e| e.id());
    let Some(id) = entry else {
        return Ok(config::parse(
            config::DEFAULT_TOML,
            "built-in default definition",
            Origin::BuiltIn,
        )?);
    };
    let shown = format!("{rev}:quality.toml");
    let (_, size) = odb.header(id).map_err(|e| e.to_error())?;
    if size > 1024 * 1024 {
        return Err(Error::input(
            format!("{shown} is {size} bytes: too large for a definition"),
            None,
        ));
    }
    let blob = odb.blob(id).map_err(|e| e.to_error())?;
    let text = String::from_utf8(blob.content().to_vec())
        .map_err(|_| Error::input(format!("{shown} is not UTF-8 text"), None))?;
    // Shown without lines of its text, as a work tree's quality.toml is.
    config::parse(&text, &shown, Origin::File(PathBuf::from(&shown))).map_err(|e| {
        Error::Config(match e {
            config::ConfigError::Invalid { path, mut problems } => {
                for p in &mut problems {
                    p.snippet.clear();
                }
                config::ConfigError::Invalid { path, problems }
            }
            other => other,
        })
    })
}

/// Discovers and analyzes every source file, without evaluating metrics.
pub fn facts(req: &Request) -> Result<Analysis, Error> {
    let place = locate(&req.path)?;
    let def = config::load(&place.root, req.config.as_deref())?;
    let rules = path_rules(&def)?;
    let snap = resolve(&place, &req.target)?;
    let (snapshot, source) = list_files(&place, &snap, &rules, 0)?;
    Ok(analyze::analyze_all(
        &snapshot.sources,
        source.as_ref(),
        def.scan.max_file_bytes,
        &query_jobs(&def),
    ))
}

/// The query metrics' queries, to run while files are parsed.
fn query_jobs(def: &Definition) -> Vec<QueryJob> {
    def.metrics
        .iter()
        .filter_map(|m| {
            let q: &crate::metrics::query::Params = m.params()?;
            Some(QueryJob {
                metric: m.name.clone(),
                language: q.language,
                query: Arc::clone(&q.query),
            })
        })
        .collect()
}

/// Scans the working tree of `place` against `def`.
pub fn scan(place: &Place, def: &Definition, min_score: Option<f64>) -> Result<Report, Error> {
    let req = Request {
        min_score,
        ..Request::default()
    };
    scan_request(place, def, &req)
}

/// A snapshot resolved to what it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Snap {
    WorkingTree,
    Index,
    Commit(git2::Oid),
    /// The baseline of an unborn branch: nothing yet.
    Nothing,
}

fn path_rules(def: &Definition) -> Result<PathRules, Error> {
    PathRules::new(&def.scan.exclude, &def.scan.test_patterns)
        .map_err(|e| Error::usage(format!("invalid glob in [scan]: {e}"), None))
}

fn repo_of<'a>(place: &'a Place, what: &str) -> Result<&'a git2::Repository, Error> {
    place.repo.as_ref().ok_or_else(|| {
        Error::usage(
            format!(
                "{what} needs a git repository, and {} is none",
                place.root.display()
            ),
            None,
        )
    })
}

fn resolve(place: &Place, target: &Target) -> Result<Snap, Error> {
    match target {
        Target::WorkingTree => Ok(Snap::WorkingTree),
        Target::Index => repo_of(place, "--staged").map(|_| Snap::Index),
        Target::Revision(rev) => resolve_rev(place, rev, "--rev").map(Snap::Commit),
    }
}

fn resolve_rev(place: &Place, rev: &str, flag: &str) -> Result<git2::Oid, Error> {
    let repo = repo_of(place, flag)?;
    // libgit2 would loop forever on a truncated loose object on the way.
    let odb = crate::odb::Odb::new(repo).map_err(|e| e.to_error())?;
    odb.check_rev(rev).map_err(|e| e.to_error())?;
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|e| {
            Error::usage(
                format!(
                    "{flag} {rev}: not a commit of this repository ({})",
                    e.message()
                ),
                Some("give a branch, tag or commit id, e.g. `HEAD~1` or `origin/main`"),
            )
        })
}

/// The files of a snapshot, and where their contents are read from.
/// `walk_threads` is for the working tree (0: one per core).
fn list_files(
    place: &Place,
    snap: &Snap,
    rules: &PathRules,
    walk_threads: usize,
) -> Result<(discover::Snapshot, Box<dyn analyze::Source>), Error> {
    let git_error = |e: git2::Error| Error::Io {
        message: format!("cannot read the repository: {}", e.message()),
    };
    let odb_of = |repo| crate::odb::Odb::new(repo).map_err(|e| e.to_error());
    Ok(match snap {
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
    })
}

/// What every snapshot of one run is measured with.
struct Context<'a> {
    place: &'a Place,
    def: &'a Definition,
    rules: &'a PathRules,
    cache: &'a analyze::FactsCache,
    jobs: &'a [QueryJob],
}

/// One measured snapshot.
struct Measured {
    inputs: crate::ingest::Inputs,
    snapshot: discover::Snapshot,
    /// Where the snapshot's contents are read from.
    source: Box<dyn analyze::Source>,
    analysis: Analysis,
    history: Option<HistoryFacts>,
    history_note: Option<String>,
    results: Vec<MetricResult>,
}

/// Several snapshots of one repository measured with one definition: they
/// share the facts cache (loaded from disk, saved back by [`Session::save`]),
/// so a file unchanged between two snapshots is analyzed once.
pub struct Session<'a> {
    place: &'a Place,
    def: &'a Definition,
    rules: PathRules,
    jobs: Vec<QueryJob>,
    cache: analyze::FactsCache,
    /// Where the cache is kept, and the salt it is valid for.
    stored: Option<(PathBuf, String)>,
}

impl<'a> Session<'a> {
    pub fn new(place: &'a Place, def: &'a Definition, no_cache: bool) -> Result<Self, Error> {
        let rules = path_rules(def)?;
        let jobs = query_jobs(def);
        let stored = (!no_cache)
            .then(|| analyze::store::location(&place.root))
            .flatten()
            .map(|path| (path, analyze::store::salt(def.scan.max_file_bytes, &jobs)));
        let cache = match &stored {
            Some((path, salt)) => analyze::store::load(path, salt),
            None => analyze::FactsCache::default(),
        };
        Ok(Session {
            place,
            def,
            rules,
            jobs,
            cache,
            stored,
        })
    }

    fn context(&self) -> Context<'_> {
        Context {
            place: self.place,
            def: self.def,
            rules: &self.rules,
            cache: &self.cache,
            jobs: &self.jobs,
        }
    }

    /// The metric results of commit `id`, as `qscan --rev ID` evaluates them:
    /// the files of its tree, the history as of the commit. With `read_inputs`
    /// false, coverage reports and external numbers (files of the working tree,
    /// which describe today's code) are not read and their metrics are skipped
    /// with `why_not_read` as the reason.
    pub fn measure_commit(
        &self,
        id: git2::Oid,
        read_inputs: bool,
        why_not_read: &str,
    ) -> Result<Vec<MetricResult>, Error> {
        let none = crate::ingest::Inputs::default();
        let inputs = (!read_inputs).then_some(&none);
        let snap = Snap::Commit(id);
        let mut results = measure(
            &self.context(),
            &snap,
            inputs,
            None,
            &history::ProgressHook::default(),
        )?
        .results;
        if !read_inputs {
            for (r, m) in results.iter_mut().zip(&self.def.metrics) {
                if m.kind.info().source == Source::Report {
                    r.skipped = Some(why_not_read.to_string());
                }
            }
        }
        Ok(results)
    }

    /// Writes the facts cache back, when caching is on.
    pub fn save(&self) {
        if let Some((path, salt)) = &self.stored {
            analyze::store::save(&self.cache, path, salt);
        }
    }
}

/// Scans what the request asks for: a snapshot, and a baseline to compare with.
pub fn scan_request(place: &Place, def: &Definition, req: &Request) -> Result<Report, Error> {
    let session = Session::new(place, def, req.no_cache)?;
    let current = resolve(place, &req.target)?;
    // --staged compares with HEAD unless told otherwise.
    let baseline = match (&req.baseline, &req.target) {
        (Some(rev), _) => Some(Snap::Commit(resolve_rev(place, rev, "--baseline")?)),
        (None, Target::Index) => Some(head_or_nothing(place)?),
        (None, _) => None,
    };
    let ctx = session.context();
    let now = measure(&ctx, &current, None, None, &req.progress)?;
    // The baseline's history is the current one when both start at the same
    // commit: --staged's implicit HEAD baseline always (with or without a
    // [history] branch), and a --baseline naming HEAD when no branch is set.
    // Reading it once also keeps a history offender from looking new.
    let head = match &place.repo {
        Some(repo) => crate::odb::Odb::new(repo)
            .and_then(|odb| odb.head_commit())
            .map_err(|e| e.to_error())?,
        None => None,
    };
    let same_history = match (&current, &baseline) {
        (Snap::WorkingTree | Snap::Index, Some(Snap::Commit(id))) => {
            req.baseline.is_none() || (def.history.branch.is_none() && head == Some(*id))
        }
        _ => false,
    };
    // Coverage reports and external numbers describe the tree they were
    // produced for; a baseline reuses them (its values equal the current ones).
    let before = match &baseline {
        Some(snap) => Some(measure(
            &ctx,
            snap,
            Some(&now.inputs),
            same_history.then_some((&now.history, &now.history_note)),
            &history::ProgressHook::default(),
        )?),
        None => None,
    };
    // Concluding a merge under --staged: what the merged branch already had
    // is not new either (the commit brings it in, it does not write it).
    let merging = match (
        &place.repo,
        req.target == Target::Index && req.baseline.is_none(),
    ) {
        (Some(repo), true) => crate::odb::Odb::new(repo)
            .and_then(|odb| odb.ref_commit("MERGE_HEAD"))
            .map_err(|e| e.to_error())?,
        _ => None,
    };
    let merged = match merging {
        Some(id) => Some(measure(
            &ctx,
            &Snap::Commit(id),
            Some(&now.inputs),
            None,
            &history::ProgressHook::default(),
        )?),
        None => None,
    };
    session.save();

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
    if now.snapshot.sources.is_empty() {
        notes.push(format!(
            "no source files found under {} (qscan reads Python, JavaScript, TypeScript and Rust)",
            place.root.display()
        ));
    }
    if let Some(note) = &now.history_note {
        notes.push(note.clone());
    }
    if let Some(h) = &now.history {
        notes.extend(h.notes.iter().cloned());
    }
    notes.extend(now.inputs.notes.iter().cloned());
    if baseline == Some(Snap::Nothing) {
        notes
            .push("HEAD has no commit yet: the baseline is empty, so every offender is new".into());
    }

    let groups = match req.by {
        None => None,
        Some(by @ By::Dir(depth)) => Some(groups::groups(&now.results, by, |p| {
            vec![groups::dir_group(p, depth)]
        })),
        Some(by @ By::Owner) => {
            let owners = codeowners(place, &current, &now, &mut notes)?;
            Some(groups::groups(&now.results, by, |p| {
                groups::owner_groups(&owners, p)
            }))
        }
    };
    let Measured {
        snapshot,
        mut analysis,
        history,
        mut results,
        ..
    } = now;
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
    if let Some(before) = &before {
        // Files the baseline could not read (a partial clone's missing blob,
        // a file too large then): their offenders cannot be judged new.
        let unknown: std::collections::HashSet<&str> = before
            .analysis
            .skipped
            .iter()
            .chain(&before.snapshot.skipped)
            .map(|s| s.path.as_str())
            .collect();
        if !unknown.is_empty() {
            let mut paths: Vec<&str> = unknown.iter().copied().collect();
            paths.sort_unstable();
            notes.push(format!(
                "{} in the baseline could not be analyzed ({}{}): offenders there are not counted as new",
                metrics::plural(paths.len() as u64, "file"),
                paths.iter().take(3).copied().collect::<Vec<_>>().join(", "),
                if paths.len() > 3 { ", …" } else { "" }
            ));
        }
        for (i, (r, b)) in results.iter_mut().zip(&before.results).enumerate() {
            match merged.as_ref().and_then(|m| m.results.get(i)) {
                Some(other) => {
                    let mut known = b.clone();
                    known.offenders.extend(other.offenders.iter().cloned());
                    metrics::compare(r, &known, &unknown);
                }
                None => metrics::compare(r, b, &unknown),
            }
        }
        if merged.is_some() {
            notes.push(
                "concluding a merge: offenders the merged branch (MERGE_HEAD) already has are not new"
                    .to_string(),
            );
        }
    }
    let metrics_measured = results.iter().filter(|r| r.skipped.is_none()).count();
    if !results.is_empty() && metrics_measured == 0 {
        unmeasured(&results)?;
        notes.push(crate::report::NOTHING_MEASURED.to_string());
    }
    let score = metrics::score(&results);
    let min_score = req.min_score.or(def.gate.min_score);
    let staged = req.target == Target::Index;
    let mut failures = if req.new_only || staged {
        Vec::new()
    } else {
        metrics::gate_failures(min_score, score, &results)
    };
    if before.is_some() {
        let regression = req.fail_on_regression || def.gate.no_regression;
        // A pre-commit hook blocks only what the commit adds; a CI baseline
        // gate also blocks a metric that gets worse.
        failures.extend(metrics::regression_failures(
            &results,
            regression || staged || req.new_only,
            regression && !staged,
        ));
    }
    // Hotspots rank files by code lines, a fact of parsed files: they are
    // listed when the definition has file metrics too, and files are never
    // parsed for them alone.
    let needs_files = def
        .metrics
        .iter()
        .any(|m| m.kind.info().source == Source::Files);
    let hotspots = history
        .as_ref()
        .map(|h| metrics::hotspots(h, &analysis.files))
        .unwrap_or_default();
    if history.is_some() && !needs_files {
        notes.push(
            "hotspots are not listed: they need code-line counts, which qscan takes only \
             when a file metric (e.g. large-files) is defined"
                .to_string(),
        );
    }
    analysis.skipped.extend(snapshot.skipped.iter().cloned());
    analysis.skipped.sort();

    let mut by_language = std::collections::BTreeMap::new();
    for f in &analysis.files {
        *by_language
            .entry(f.language.name().to_string())
            .or_insert(0) += 1;
    }
    Ok(Report {
        version: env!("CARGO_PKG_VERSION").to_string(),
        root: place.root.display().to_string(),
        revision: match current {
            Snap::Commit(id) => Some(id.to_string()),
            _ => None,
        },
        snapshot: match current {
            Snap::Index => "index",
            Snap::Commit(_) => "revision",
            _ => "working tree",
        }
        .to_string(),
        baseline_revision: match &baseline {
            Some(Snap::Commit(id)) => Some(id.to_string()),
            _ => None,
        },
        definition: match &def.origin {
            Origin::File(p) => p.display().to_string(),
            Origin::BuiltIn => "built-in default".to_string(),
        },
        score,
        metrics_measured,
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
        groups,
        by: req.by,
    })
}

/// When no metric could be measured: an error unless every reason is how
/// the repository is (no git, no commits yet, a shallow clone cut at HEAD,
/// no change unit in the window), for a gate that checked nothing because
/// something failed has not passed.
fn unmeasured(results: &[metrics::MetricResult]) -> Result<(), Error> {
    // How the notes of `read_history` and `history::read` begin.
    const BENIGN: &[&str] = &[
        "not a git repository",
        "no commits yet",
        "the repository has no commits yet",
        "HEAD is on branch",
        "shallow clone: the history is cut at HEAD's own commit",
        "no change unit in the window",
    ];
    let mut reasons: Vec<&str> = results
        .iter()
        .filter_map(|r| r.skipped.as_deref())
        .collect();
    reasons.dedup();
    if reasons
        .iter()
        .all(|why| BENIGN.iter().any(|b| why.starts_with(b)))
    {
        return Ok(());
    }
    Err(Error::input(
        format!("no metric could be measured: {}", reasons.join("; ")),
        Some("with no metric measured, the gate has nothing to judge"),
    ))
}

/// The CODEOWNERS file GitHub would read in the measured snapshot: from disk
/// for the working tree, from its blob for a commit or the index (so
/// `--rev` groups by the owners of that commit; a committed symbolic link is
/// no CODEOWNERS file there). Notes say when there is none and what in it
/// was skipped. On disk it is read only as a regular file inside the root:
/// one that is a link leading outside, a FIFO or a device stops the run.
fn codeowners(
    place: &Place,
    snap: &Snap,
    measured: &Measured,
    notes: &mut Vec<String>,
) -> Result<Owners, Error> {
    for location in owners::LOCATIONS {
        let blob = measured
            .snapshot
            .codeowners
            .iter()
            .find(|(p, _)| p == location)
            .map(|(_, id)| *id);
        let read = match blob {
            Some(_) => {
                let file = discover::SourceFile {
                    path: location.to_string(),
                    abs: PathBuf::new(),
                    blob,
                    language: crate::lang::Language::Rust,
                    is_test: false,
                    size: 0,
                };
                measured.source.read(&file)
            }
            None if *snap == Snap::WorkingTree => {
                // A folder by that name is not the file; anything else is.
                match std::fs::symlink_metadata(place.root.join(location)) {
                    Ok(m) if !m.is_dir() => {}
                    _ => continue,
                }
                match discover::confine::read(
                    &place.root,
                    location,
                    discover::confine::MAX_CODEOWNERS_BYTES,
                ) {
                    Ok(bytes) => Ok(bytes),
                    Err(discover::confine::Refused::Io(e)) => Err(e),
                    Err(e) => {
                        return Err(Error::input(
                            format!("cannot read {location}: {e}"),
                            Some(
                                "qscan reads CODEOWNERS only as a regular file inside the \
                                 repository; replace the link with the file, or drop --by owner",
                            ),
                        ));
                    }
                }
            }
            None => continue,
        };
        return Ok(match read {
            Ok(bytes) => {
                let owners = Owners::parse(location, &String::from_utf8_lossy(&bytes));
                notes.extend(owners.problems.iter().cloned());
                let people = owners.people();
                if people > 0 {
                    notes.push(format!(
                        "{location} names {}: qscan reports on teams only, so a path that \
                         only people own counts as {}",
                        if people == 1 {
                            "1 person (a user or an email)".to_string()
                        } else {
                            format!("{people} people (users or emails)")
                        },
                        groups::UNOWNED
                    ));
                }
                owners
            }
            Err(e) => {
                notes.push(format!(
                    "cannot read {location} ({e}): every path counts as {}",
                    groups::UNOWNED
                ));
                Owners::default()
            }
        });
    }
    notes.push(format!(
        "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): every path \
         counts as {}",
        groups::UNOWNED
    ));
    Ok(Owners::default())
}

fn head_or_nothing(place: &Place) -> Result<Snap, Error> {
    let repo = repo_of(place, "--staged")?;
    let odb = crate::odb::Odb::new(repo).map_err(|e| e.to_error())?;
    match odb.head_commit().map_err(|e| e.to_error())? {
        Some(id) => Ok(Snap::Commit(id)),
        None => Ok(Snap::Nothing),
    }
}

/// Lists, analyzes and evaluates one snapshot. History is read as of the
/// snapshot's commit (HEAD for the working tree and the index), on its own
/// thread while the files are analyzed.
/// History already read for another snapshot of this run, to reuse.
type KnownHistory<'a> = (&'a Option<HistoryFacts>, &'a Option<String>);

fn measure(
    ctx: &Context,
    snap: &Snap,
    inputs: Option<&crate::ingest::Inputs>,
    known: Option<KnownHistory>,
    progress: &history::ProgressHook,
) -> Result<Measured, Error> {
    let (place, def) = (ctx.place, ctx.def);
    let needs = |source| def.metrics.iter().any(|m| m.kind.info().source == source);
    let started = std::time::Instant::now();
    let git_dir = place.repo.as_ref().map(|r| r.path().to_path_buf());
    let mut settings = def.history.clone();
    if let Snap::Commit(id) = snap {
        settings.branch = Some(id.to_string());
    }
    // History is read on its own thread while the files are listed and
    // analyzed: the two share nothing, and on a long history the walk is
    // the shorter of the two.
    let (listed, history) = std::thread::scope(|s| {
        let reader = (needs(Source::History) && *snap != Snap::Nothing && known.is_none())
            .then(|| s.spawn(|| read_history(git_dir.as_deref(), &settings, progress)));
        // (A damaged object database found by the reader stops the run below.)
        let listed = list_and_analyze(
            ctx,
            snap,
            inputs,
            needs(Source::Files),
            reader.is_some(),
            started,
        );
        let history = match reader.map(|r| r.join()) {
            None if let Some((h, note)) = known => (h.clone(), note.clone()),
            None if needs(Source::History) => (
                None,
                Some("no commits yet: history metrics are skipped".to_string()),
            ),
            None => (None, None),
            Some(Ok(Ok(read))) => read,
            Some(Ok(Err(damaged))) => return (listed, Err(damaged)),
            Some(Err(_)) => (
                None,
                Some(
                    "reading the history failed unexpectedly: history metrics are skipped"
                        .to_string(),
                ),
            ),
        };
        (listed, Ok(history))
    });
    let (history, history_note) = history?;
    let (snapshot, source, inputs, analysis) = listed?;
    trace(&format!(
        "analyzed and read history by {:?}",
        started.elapsed()
    ));
    let crates = rust_crates(place, &snapshot, &analysis, source.as_ref());
    let facts = Facts {
        files: &analysis.files,
        all_paths: &snapshot.all_paths,
        crates: &crates,
        history: history.as_ref(),
        history_note: history_note.as_deref(),
        coverage: &inputs.coverage,
        external: &inputs.external,
    };
    let results = def
        .metrics
        .iter()
        .map(|m| metrics::evaluate(m, &facts))
        .collect();
    trace(&format!("evaluated by {:?}", started.elapsed()));
    Ok(Measured {
        inputs,
        snapshot,
        source,
        analysis,
        history,
        history_note,
        results,
    })
}

/// Prints a line to stderr when `QSCAN_TRACE` is set: where a run spends its
/// time, for benchmarks and bug reports.
pub fn trace(line: &str) {
    if std::env::var_os("QSCAN_TRACE").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("trace: {line}");
    }
}

/// The files of a snapshot, the reports metrics read, and the files' facts.
type Listed = (
    discover::Snapshot,
    Box<dyn analyze::Source>,
    crate::ingest::Inputs,
    Analysis,
);

fn list_and_analyze(
    ctx: &Context,
    snap: &Snap,
    inputs: Option<&crate::ingest::Inputs>,
    needs_files: bool,
    reading_history: bool,
    started: std::time::Instant,
) -> Result<Listed, Error> {
    // While another thread reads the history, one walker thread leaves it a core.
    let walk_threads = usize::from(reading_history);
    let (snapshot, source) = list_files(ctx.place, snap, ctx.rules, walk_threads)?;
    trace(&format!(
        "listed {} files in {:?}",
        snapshot.all_paths.len(),
        started.elapsed()
    ));
    // Before parsing anything: a missing report stops the run at once.
    let inputs = match inputs {
        Some(i) => (*i).clone(),
        None => crate::ingest::gather(&ctx.place.root, ctx.def, &snapshot.all_paths)?,
    };
    let analysis = if needs_files {
        analyze::analyze_cached(
            &snapshot.sources,
            source.as_ref(),
            ctx.def.scan.max_file_bytes,
            ctx.jobs,
            ctx.cache,
        )
    } else {
        Analysis::default()
    };
    Ok((snapshot, source, inputs, analysis))
}

/// The history facts, or the note saying why there are none.
/// A damaged object database is the error: the run stops.
fn read_history(
    git_dir: Option<&Path>,
    settings: &config::History,
    progress: &history::ProgressHook,
) -> Result<(Option<HistoryFacts>, Option<String>), Error> {
    let Some(git_dir) = git_dir else {
        return Ok((
            None,
            Some("not a git repository: history metrics are skipped".to_string()),
        ));
    };
    // A handle of this thread's own: libgit2 handles are not shared.
    let read = git2::Repository::open(git_dir)
        .map_err(|e| {
            history::Unread::Skipped(format!(
                "cannot open the repository ({}): history metrics are skipped",
                e.message()
            ))
        })
        .and_then(|repo| match &progress.0 {
            Some(p) => history::read_with(&repo, settings, p.as_ref()),
            None => history::read(&repo, settings),
        });
    match read {
        Ok(h) => Ok((Some(h), None)),
        Err(history::Unread::Skipped(why)) => Ok((None, Some(why))),
        Err(history::Unread::Damaged(e)) => Err(e.to_error()),
    }
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
        reaches: h.reaches.map(crate::report::rfc3339),
    }
}

/// Rust packages from the snapshot's `Cargo.toml` files, when Rust files exist.
fn rust_crates(
    place: &Place,
    snapshot: &discover::Snapshot,
    analysis: &Analysis,
    source: &dyn analyze::Source,
) -> Vec<RustCrate> {
    if !analysis
        .files
        .iter()
        .any(|f| f.language == crate::lang::Language::Rust)
    {
        return Vec::new();
    }
    let blobs: std::collections::HashMap<&str, git2::Oid> = snapshot
        .manifests
        .iter()
        .map(|(p, id)| (p.as_str(), *id))
        .collect();
    snapshot
        .all_paths
        .iter()
        .filter(|p| *p == "Cargo.toml" || p.ends_with("/Cargo.toml"))
        .filter_map(|p| {
            let file = discover::SourceFile {
                path: p.clone(),
                abs: place.root.join(p),
                blob: blobs.get(p.as_str()).copied(),
                language: crate::lang::Language::Rust,
                is_test: false,
                size: 0,
            };
            let bytes = source.read(&file).ok()?;
            let text = String::from_utf8(bytes).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_manifests() {
        assert_eq!(
            crate_name("[package]\nname = \"my-tool\"\n").as_deref(),
            Some("my_tool")
        );
        assert_eq!(
            crate_name("[package]\nname = \"x\"\n[lib]\nname = \"x_core\"\n").as_deref(),
            Some("x_core")
        );
        assert_eq!(crate_name("[workspace]\nmembers = []\n"), None);
        assert_eq!(crate_name("not toml ["), None);
    }
}
