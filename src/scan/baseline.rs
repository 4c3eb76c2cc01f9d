//! The comparison with a baseline: which snapshot a run compares with
//! (`--baseline REV`, or HEAD under `--staged`), that snapshot measured with
//! what can be shared from the current one, and each metric compared so
//! that offenders the baseline did not have are marked new.

use crate::error::Error;
use crate::history;
use crate::metrics::{self, MetricResult};
use crate::model::Note;

use super::measure::{Context, Measured, measure};
use super::place::Place;
use super::place::resolve_rev;
use super::request::{Request, Target};
use super::snapshot::{Snap, head_or_nothing};

/// The baseline measured, and under `--staged` while concluding a merge, the
/// merged branch (MERGE_HEAD) measured too.
pub(super) struct Before {
    base: Measured,
    merged: Option<Measured>,
}

/// The snapshot to compare with, when there is one.
pub(super) fn resolve(place: &Place, req: &Request) -> Result<Option<Snap>, Error> {
    // --staged compares with HEAD unless told otherwise.
    Ok(match (&req.baseline, &req.target) {
        (Some(rev), _) => Some(Snap::Commit(resolve_rev(place, rev, "--baseline")?)),
        (None, Target::Index) => Some(head_or_nothing(place)?),
        (None, _) => None,
    })
}

/// Measures the baseline (and a merge's other side), reusing what the
/// current snapshot `now` already read where it is the same.
pub(super) fn measure_before(
    ctx: &Context,
    req: &Request,
    current: &Snap,
    baseline: Option<&Snap>,
    now: &Measured,
) -> Result<Option<Before>, Error> {
    let (place, def) = (ctx.place, ctx.def);
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
    let same_history = match (current, baseline) {
        (Snap::WorkingTree | Snap::Index, Some(Snap::Commit(id))) => {
            req.baseline.is_none() || (def.history.branch.is_none() && head == Some(*id))
        }
        _ => false,
    };
    // Coverage reports and external numbers describe the tree they were
    // produced for; a baseline reuses them (its values equal the current ones).
    let base = match baseline {
        Some(snap) => Some(measure(
            ctx,
            snap,
            Some(&now.inputs),
            same_history.then_some((&now.history, &now.history_skip)),
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
            ctx,
            &Snap::Commit(id),
            Some(&now.inputs),
            None,
            &history::ProgressHook::default(),
        )?),
        None => None,
    };
    Ok(base.map(|base| Before { base, merged }))
}

/// Marks what is new in `results` against the baseline, with the notes on
/// what could not be judged.
pub(super) fn compare(results: &mut [MetricResult], before: &Before, notes: &mut Vec<Note>) {
    let Before { base, merged } = before;
    // Files the baseline could not read (a partial clone's missing blob,
    // a file too large then) or read only in part (syntax errors): their
    // offenders cannot be judged new.
    let unknown: std::collections::HashSet<&str> = base
        .analysis
        .skipped
        .iter()
        .chain(&base.snapshot.skipped)
        .map(|s| s.path.as_str())
        .chain(
            base.analysis
                .files
                .iter()
                .filter(|f| f.parse_error.is_some())
                .map(|f| f.path.as_str()),
        )
        .collect();
    if !unknown.is_empty() {
        let mut paths: Vec<&str> = unknown.iter().copied().collect();
        paths.sort_unstable();
        notes.push(Note::BaselineUnanalyzed {
            paths: paths.into_iter().map(str::to_string).collect(),
        });
    }
    for (i, (r, b)) in results.iter_mut().zip(&base.results).enumerate() {
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
        notes.push(Note::ConcludingMerge);
    }
}
