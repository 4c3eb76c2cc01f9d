//! One snapshot measured: its files listed and analyzed (through the facts
//! cache a [`Session`] shares between snapshots), its history read on a
//! thread of its own, the reports other tools wrote gathered, and every
//! metric of the definition evaluated over those facts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analyze::query::{Engine, QueryJob};
use crate::analyze::{self, Analysis};
use crate::config::{self, Definition};
use crate::crates::{js_packages, rust_crates};
use crate::discover::{self, PathRules};
use crate::error::Error;
use crate::history::{self, HistoryFacts};
use crate::metrics::{self, Facts, MetricResult, Source};
use crate::model::{FETCH_HISTORY, HistorySkip, Status};

use super::place::Place;
use super::snapshot::{Snap, list_files, path_rules};

/// The query metrics' queries, to run while files are parsed.
pub(super) fn query_jobs(def: &Definition) -> Vec<QueryJob> {
    def.metrics
        .iter()
        .filter_map(|m| {
            let q: &crate::metrics::query::Params = m.params()?;
            Some(QueryJob {
                metric: m.name.clone(),
                language: q.language,
                engine: Engine::Query(Arc::clone(&q.query)),
            })
        })
        .chain(def.metrics.iter().flat_map(|m| {
            let docs = m
                .params::<crate::metrics::rule::Params>()
                .map_or(&[][..], |r| &r.docs[..]);
            docs.iter().map(|doc| QueryJob {
                metric: m.name.clone(),
                language: doc.language,
                engine: Engine::Rule(Arc::clone(doc)),
            })
        }))
        .collect()
}

/// What every snapshot of one run is measured with.
pub(super) struct Context<'a> {
    pub(super) place: &'a Place,
    pub(super) def: &'a Definition,
    rules: &'a PathRules,
    cache: &'a analyze::FactsCache,
    jobs: &'a [QueryJob],
    diffs: &'a history::Diffs,
}

/// One measured snapshot.
pub(super) struct Measured {
    pub(super) inputs: crate::ingest::Inputs,
    pub(super) snapshot: discover::Snapshot,
    /// Where the snapshot's contents are read from.
    pub(super) source: Box<dyn analyze::Source>,
    pub(super) analysis: Analysis,
    pub(super) history: Option<HistoryFacts>,
    /// Why there is no history, when there is none and it was needed.
    pub(super) history_skip: Option<HistorySkip>,
    pub(super) results: Vec<MetricResult>,
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
    /// The change units diffed so far, shared by the snapshots' histories.
    diffs: history::Diffs,
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
            diffs: history::Diffs::default(),
            stored,
        })
    }

    /// The repository measured.
    pub fn place(&self) -> &Place {
        self.place
    }

    /// The definition measured with.
    pub fn definition(&self) -> &Definition {
        self.def
    }

    pub(super) fn context(&self) -> Context<'_> {
        Context {
            place: self.place,
            def: self.def,
            rules: &self.rules,
            cache: &self.cache,
            jobs: &self.jobs,
            diffs: &self.diffs,
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
        Ok(self.measured_commit(id, read_inputs, why_not_read)?.results)
    }

    /// [`Session::measure_commit`], with everything the measurement holds.
    pub(super) fn measured_commit(
        &self,
        id: git2::Oid,
        read_inputs: bool,
        why_not_read: &str,
    ) -> Result<Measured, Error> {
        let none = crate::ingest::Inputs::default();
        let inputs = (!read_inputs).then_some(&none);
        let mut now = measure(
            &self.context(),
            &Snap::Commit(id),
            inputs,
            None,
            &history::ProgressHook::default(),
        )?;
        if !read_inputs {
            for (r, m) in now.results.iter_mut().zip(&self.def.metrics) {
                if m.kind.info().source == Source::Report {
                    r.status = Status::NotApplicable {
                        reason: why_not_read.to_string(),
                    };
                }
            }
        }
        Ok(now)
    }

    /// Writes the facts cache back, when caching is on.
    pub fn save(&self) {
        if let Some((path, salt)) = &self.stored {
            analyze::store::save(&self.cache, path, salt);
        }
    }
}

/// Lists, analyzes and evaluates one snapshot. History is read as of the
/// snapshot's commit (HEAD for the working tree and the index), on its own
/// thread while the files are analyzed.
/// History already read for another snapshot of this run, to reuse.
pub(super) type KnownHistory<'a> = (&'a Option<HistoryFacts>, &'a Option<HistorySkip>);

pub(super) fn measure(
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
            .then(|| s.spawn(|| read_history(git_dir.as_deref(), &settings, progress, ctx.diffs)));
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
            None if needs(Source::History) => (None, Some(HistorySkip::NoCommitsYet)),
            None => (None, None),
            Some(Ok(Ok(read))) => read,
            Some(Ok(Err(damaged))) => return (listed, Err(damaged)),
            Some(Err(_)) => (None, Some(HistorySkip::ReadFailed)),
        };
        (listed, Ok(history))
    });
    let (history, history_skip) = history?;
    let (snapshot, source, inputs, analysis) = listed?;
    trace(&format!(
        "analyzed and read history by {:?}",
        started.elapsed()
    ));
    let crates = rust_crates(&place.root, &snapshot, &analysis, source.as_ref());
    let packages = js_packages(&place.root, &snapshot, &analysis, source.as_ref());
    let history_status = history_status(history.as_ref(), history_skip.as_ref(), &def.history);
    let results: Vec<MetricResult> = {
        // An analyzed file's role takes its generated-file marker into account.
        let analyzed: std::collections::HashMap<&str, metrics::Role> = analysis
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.role))
            .collect();
        let role_of = |p: &str| {
            analyzed
                .get(p)
                .copied()
                .unwrap_or_else(|| snapshot.decided(p).role)
        };
        let facts = Facts {
            files: &analysis.files,
            all_paths: &snapshot.all_paths,
            role_of: &role_of,
            crates: &crates,
            packages: &packages,
            history: history.as_ref(),
            history_status: &history_status,
            coverage: &inputs.coverage,
            external: &inputs.external,
        };
        def.metrics
            .iter()
            .map(|m| {
                let mut r = metrics::evaluate(m, &facts);
                if let Some(status) = inputs.unread.get(&m.name) {
                    r.status = status.clone();
                    r.passed = true;
                }
                r
            })
            .collect()
    };
    trace(&format!("evaluated by {:?}", started.elapsed()));
    Ok(Measured {
        inputs,
        snapshot,
        source,
        analysis,
        history,
        history_skip,
        results,
    })
}

/// Whether the history metrics can be measured on what was read: not when
/// there is no history (see [`HistorySkip::status`]) or a shallow clone cut
/// the window short; not applicable when the history is shorter than
/// `[history] min_units` (or the window, when that is smaller).
fn history_status(
    history: Option<&HistoryFacts>,
    skip: Option<&HistorySkip>,
    settings: &config::History,
) -> Status {
    let Some(h) = history else {
        return skip.map_or(Status::Measured, HistorySkip::status);
    };
    let units = h.units.len() as u64;
    if let Some(reaches) = h.reaches {
        return Status::NotMeasured {
            reason: format!(
                "shallow clone: the history reaches back {} to {}, less than the window",
                crate::text::plural(units, "change unit"),
                crate::text::rfc3339(reaches)
            ),
            fix: FETCH_HISTORY.to_string(),
        };
    }
    let needed = settings.min_units.min(settings.window.unwrap_or(u64::MAX));
    if units < needed {
        return Status::NotApplicable {
            reason: format!(
                "the history holds {}, fewer than [history] min_units = {}",
                crate::text::plural(units, "change unit"),
                settings.min_units
            ),
        };
    }
    Status::Measured
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

/// The history facts, or why there are none.
/// A damaged object database is the error: the run stops.
fn read_history(
    git_dir: Option<&Path>,
    settings: &config::History,
    progress: &history::ProgressHook,
    diffs: &history::Diffs,
) -> Result<(Option<HistoryFacts>, Option<HistorySkip>), Error> {
    let Some(git_dir) = git_dir else {
        return Ok((None, Some(HistorySkip::NotGit)));
    };
    // A handle of this thread's own: libgit2 handles are not shared.
    let read = git2::Repository::open(git_dir)
        .map_err(|e| {
            history::Unread::Skipped(HistorySkip::CannotOpen {
                error: e.message().to_string(),
            })
        })
        .and_then(|repo| match &progress.0 {
            Some(p) => history::read_with(&repo, settings, p.as_ref(), diffs),
            None => history::read_with(&repo, settings, &history::NoProgress, diffs),
        });
    match read {
        Ok(h) => Ok((Some(h), None)),
        Err(history::Unread::Skipped(why)) => Ok((None, Some(why))),
        Err(history::Unread::Damaged(e)) => Err(e.to_error()),
    }
}

/// Prints a line to stderr when `QSCAN_TRACE` is set: where a run spends its
/// time, for benchmarks and bug reports.
pub fn trace(line: &str) {
    if std::env::var_os("QSCAN_TRACE").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("trace: {line}");
    }
}
