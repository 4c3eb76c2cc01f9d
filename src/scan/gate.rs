//! The gate: which failures a run reports (thresholds, the minimum score,
//! regressions against a baseline), and when a run that measured nothing is
//! an error rather than a pass.

use crate::config::Definition;
use crate::error::Error;
use crate::metrics;
use crate::model::{HistorySkip, Note};

use super::request::{Request, Target};

/// When no metric could be measured: an error unless every metric was
/// skipped for the history's reason and that reason is how the repository
/// is ([`HistorySkip::is_benign`]: no git, no commits yet, a shallow clone
/// cut at HEAD, no change unit in the window), for a gate that checked
/// nothing because something failed has not passed.
pub(super) fn unmeasured(
    results: &[metrics::MetricResult],
    history_skip: Option<&HistorySkip>,
) -> Result<(), Error> {
    // A history metric without history is skipped with the reason's text.
    let benign = history_skip
        .filter(|why| why.is_benign())
        .map(HistorySkip::to_string);
    let mut reasons: Vec<&str> = results
        .iter()
        .filter_map(|r| r.skipped.as_deref())
        .collect();
    reasons.dedup();
    if reasons.iter().all(|why| Some(*why) == benign.as_deref()) {
        return Ok(());
    }
    Err(Error::input(
        format!("no metric could be measured: {}", reasons.join("; ")),
        Some("with no metric measured, the gate has nothing to judge"),
    ))
}

/// How many metrics were measured. When none of several was, the run is an
/// error (see [`unmeasured`]) or says that the gate checked nothing.
pub(super) fn measured(
    results: &[metrics::MetricResult],
    history_skip: Option<&HistorySkip>,
    notes: &mut Vec<Note>,
) -> Result<usize, Error> {
    let metrics_measured = results.iter().filter(|r| r.skipped.is_none()).count();
    if !results.is_empty() && metrics_measured == 0 {
        unmeasured(results, history_skip)?;
        notes.push(Note::NothingMeasured);
    }
    Ok(metrics_measured)
}

/// The gate's failures: thresholds and the minimum score (not under
/// `--new-only` or `--staged`, which judge only what changed), and with a
/// baseline, what got worse.
pub(super) fn failures(
    def: &Definition,
    req: &Request,
    min_score: Option<f64>,
    score: f64,
    results: &[metrics::MetricResult],
    compared: bool,
) -> Vec<String> {
    let staged = req.target == Target::Index;
    let mut failures = if req.new_only || staged {
        Vec::new()
    } else {
        metrics::gate_failures(min_score, score, results)
    };
    if compared {
        let regression = req.fail_on_regression || def.gate.no_regression;
        // A pre-commit hook blocks only what the commit adds; a CI baseline
        // gate also blocks a metric that gets worse.
        failures.extend(metrics::regression_failures(
            results,
            regression || staged || req.new_only,
            regression && !staged,
        ));
    }
    failures
}
