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
/// nothing because something failed has not passed. `reasons` are the
/// metrics' reasons for being skipped, in the definition's order.
fn unmeasured(mut reasons: Vec<&str>, history_skip: Option<&HistorySkip>) -> Result<(), Error> {
    // A history metric without history is skipped with the reason's text.
    let benign = history_skip
        .filter(|why| why.is_benign())
        .map(HistorySkip::to_string);
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
        let reasons = results.iter().filter_map(|r| r.skipped.as_deref());
        unmeasured(reasons.collect(), history_skip)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_measured_is_an_error_unless_the_history_is_benignly_absent() {
        let benign = HistorySkip::NoUnitInWindow;
        let why = benign.to_string();
        assert!(unmeasured(vec![&why, &why], Some(&benign)).is_ok());
        let shallow = HistorySkip::ShallowAtHead {
            id: "0123456789ab".into(),
            time: 0,
        };
        let cut = shallow.to_string();
        assert!(unmeasured(vec![&cut], Some(&shallow)).is_ok());
        // A failure reading the history is no pass.
        let failed = HistorySkip::CannotOpen {
            error: "denied".into(),
        };
        let text = failed.to_string();
        let e = unmeasured(vec![&text], Some(&failed))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(
                "no metric could be measured: cannot open the repository (denied): history \
                 metrics are skipped"
            )
        );
        // Nor is another metric skipped for its own reason beside a benign history.
        let e = unmeasured(
            vec![&why, "the coverage report was not read"],
            Some(&benign),
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(&*format!(
                "no metric could be measured: {why}; the coverage report was not read"
            ))
        );
        // A reason that only begins like a benign one is not one.
        let e = unmeasured(
            vec!["no commits yet, or so"],
            Some(&HistorySkip::NoCommitsYet),
        );
        assert!(e.is_err());
    }
}
