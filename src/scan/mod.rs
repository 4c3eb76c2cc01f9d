//! The scan pipeline: find the root, load the definition, discover files,
//! analyze them, read history, evaluate metrics, and assemble the report.
//!
//! Only the facts the definition needs are gathered: with no file metric no
//! file is parsed, with no history metric no history is read.
//!
//! This file is the orchestration only; each stage has its room:
//! [`request`] what to scan, [`place`] where the scan runs, [`snapshot`]
//! which files a target names, [`measure`] one snapshot measured,
//! [`baseline`] the comparison with another, [`gate`] the verdict, and
//! [`assemble`] the report.

mod assemble;
mod baseline;
mod gate;
mod measure;
mod place;
mod request;
mod snapshot;

use crate::analyze::{self, Analysis};
use crate::config::{self, Definition};
use crate::error::Error;
use crate::metrics::{self, MetricResult};
use crate::report::Report;

pub use assemble::repository_name;
use measure::{Measured, measure, query_jobs};
pub use measure::{Session, trace};
use place::bare_refused;
pub use place::{Place, bare_definition, locate, locate_commits};
pub use request::{Request, Target};
use snapshot::{Snap, list_files, path_rules, resolve};

/// How many files this process has parsed (for traces and tests).
pub use crate::analyze::FILES_PARSED;

pub fn run(req: &Request) -> Result<Report, Error> {
    run_then(req, |_, _| Ok(()))
}

/// What a stage above the scan adds to its finished report, measuring more
/// snapshots through the scan's own session (the goals' pace): one facts
/// cache loaded, filled and saved for both.
pub type Then<'t> = dyn FnOnce(&Session, &mut Report) -> Result<(), Error> + 't;

/// [`run`], then `then` on the finished report.
pub fn run_then(
    req: &Request,
    then: impl FnOnce(&Session, &mut Report) -> Result<(), Error>,
) -> Result<Report, Error> {
    let place = locate_commits(&req.path)?;
    let def = match (&req.target, place.bare) {
        (Target::Revision(rev), true) => bare_definition(&place, rev, req.config.as_deref())?,
        (_, true) => return Err(bare_refused(&place)),
        _ => config::load(&place.root, req.config.as_deref())?,
    };
    scan_request_then(&place, &def, req, Box::new(then))
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

/// Every path of the snapshot a request names, with its language (None for
/// files qscan does not analyze) and its role, as a scan decides them
/// (`qscan files`). The generated-file markers are read from the files qscan
/// would analyze: those of a language, within `max_file_bytes`, UTF-8
/// without a NUL byte.
pub fn roles(
    req: &Request,
) -> Result<
    Vec<(
        String,
        Option<crate::lang::Language>,
        crate::snapshot::Decided,
    )>,
    Error,
> {
    let place = match req.target {
        Target::Revision(_) => locate_commits(&req.path)?,
        _ => locate(&req.path)?,
    };
    let def = match (&req.target, place.bare) {
        (Target::Revision(rev), true) => bare_definition(&place, rev, req.config.as_deref())?,
        _ => config::load(&place.root, req.config.as_deref())?,
    };
    let rules = path_rules(&def)?;
    let snap = resolve(&place, &req.target)?;
    let (snapshot, source) = list_files(&place, &snap, &rules, 0)?;
    let mut out: Vec<_> = snapshot
        .all_paths
        .iter()
        .map(|p| (p.clone(), None, snapshot.decided(p)))
        .collect();
    for file in &snapshot.sources {
        let Ok(i) = out.binary_search_by(|(p, ..)| p.as_str().cmp(&file.path)) else {
            continue;
        };
        let marker = if file.size > def.scan.max_file_bytes {
            None
        } else {
            source
                .read(file)
                .ok()
                .filter(|b| {
                    b.len() as u64 <= def.scan.max_file_bytes
                        && !b.contains(&0)
                        && std::str::from_utf8(b).is_ok()
                })
                .and_then(|b| crate::snapshot::generated_marker(&b))
        };
        if let Some(entry) = out.get_mut(i) {
            entry.1 = Some(file.language);
            entry.2 = crate::snapshot::with_marker(&file.decided, marker.as_ref());
        }
    }
    Ok(out)
}

/// A commit measured per group.
pub struct Grouped {
    pub results: Vec<MetricResult>,
    pub groups: Vec<crate::metrics::groups::Group>,
    pub notes: Vec<crate::model::Note>,
}

impl Session<'_> {
    /// Commit `id` measured as `qscan --rev ID --by BY` measures it: the
    /// metric results with their worklists, the groups by the commit's own
    /// CODEOWNERS, and the notes that grouping owes the reader.
    pub fn measure_commit_grouped(
        &self,
        id: git2::Oid,
        read_inputs: bool,
        why_not_read: &str,
        by: crate::metrics::groups::By,
    ) -> Result<Grouped, Error> {
        let snap = Snap::Commit(id);
        let mut now = self.measured_commit(id, read_inputs, why_not_read)?;
        let mut notes = Vec::new();
        assemble::worklists(
            self.definition(),
            &mut now.results,
            now.history.as_ref(),
            &mut notes,
        );
        let groups =
            assemble::groups(self.place(), &snap, &now, Some(by), &mut notes)?.unwrap_or_default();
        Ok(Grouped {
            results: now.results,
            groups,
            notes,
        })
    }
}

/// Scans the working tree of `place` against `def`.
pub fn scan(place: &Place, def: &Definition, min_score: Option<f64>) -> Result<Report, Error> {
    let req = Request {
        min_score,
        ..Request::default()
    };
    scan_request(place, def, &req)
}

/// Scans what the request asks for: a snapshot, and a baseline to compare with.
pub fn scan_request(place: &Place, def: &Definition, req: &Request) -> Result<Report, Error> {
    scan_request_then(place, def, req, Box::new(|_, _| Ok(())))
}

/// [`scan_request`], then `then` on the report, through the same session.
fn scan_request_then(
    place: &Place,
    def: &Definition,
    req: &Request,
    then: Box<Then>,
) -> Result<Report, Error> {
    let session = Session::new(place, def, req.no_cache)?;
    let report = assemble_request(place, def, req, &session).and_then(|mut report| {
        then(&session, &mut report)?;
        Ok(report)
    });
    // Saved whether or not the gate could judge: what was analyzed is
    // valid either way.
    session.save();
    report
}

fn assemble_request(
    place: &Place,
    def: &Definition,
    req: &Request,
    session: &Session,
) -> Result<Report, Error> {
    let current = resolve(place, &req.target)?;
    let baseline = baseline::resolve(place, req)?;
    let ctx = session.context();
    let mut now = measure(&ctx, &current, None, None, &req.progress)?;
    let before = baseline::measure_before(&ctx, req, &current, baseline.as_ref(), &now)?;

    let mut notes = assemble::opening_notes(place, def, &now, baseline.as_ref());
    assemble::worklists(def, &mut now.results, now.history.as_ref(), &mut notes);
    let groups = assemble::groups(place, &current, &now, req.by, &mut notes)?;
    let Measured {
        snapshot,
        mut analysis,
        history,
        mut results,
        ..
    } = now;
    notes.extend(assemble::unmatched_notes(&results));
    if let Some(before) = &before {
        baseline::compare(&mut results, before, &mut notes);
    }
    gate::not_measured(&results, req.skip_unmeasured, &mut notes)?;
    let metrics_measured = gate::measured(&results, &mut notes)?;
    let score = metrics::score(&results);
    let min_score =
        gate::min_score_over_measured(req.min_score.or(def.gate.min_score), &results, &mut notes);
    let failures = gate::failures(def, req, min_score, score, &results, before.is_some());
    let hotspots = assemble::hotspots(def, history.as_ref(), &analysis, &mut notes);
    analysis.skipped.extend(snapshot.skipped.iter().cloned());
    analysis.skipped.sort();
    Ok(assemble::report(assemble::Parts {
        place,
        def,
        req,
        current: &current,
        baseline: baseline.as_ref(),
        score,
        metrics_measured,
        min_score,
        failures,
        results,
        analysis,
        history: history.as_ref(),
        hotspots,
        notes,
        groups,
    }))
}
