//! The gate: which failures a run reports (thresholds, the minimum score,
//! regressions against a baseline), and when a run that measured nothing is
//! an error rather than a pass.

use crate::config::Definition;
use crate::config::Origin;
use crate::error::Error;
use crate::metrics;
use crate::model::{Note, Status, quoted_list};

use super::request::{Request, Target};

/// Stops the run when a metric that must be measured was not (README,
/// "Not applicable and not measured"): a verdict must not depend silently on
/// what could not be read. An optional metric, or any under
/// `--skip-unmeasured`, is left out instead, and the report says so.
pub(super) fn not_measured(
    results: &[metrics::MetricResult],
    skip_unmeasured: bool,
    notes: &mut Vec<Note>,
) -> Result<(), Error> {
    // (reason, fix) → the metrics it stops, in the definition's order.
    let mut stop: Vec<((&str, &str), Vec<String>)> = Vec::new();
    let mut left_out = Vec::new();
    for r in results {
        if let Status::NotMeasured { reason, fix } = &r.status {
            if r.optional || skip_unmeasured {
                left_out.push(r.name.clone());
            } else {
                match stop
                    .iter_mut()
                    .find(|(why, _)| *why == (reason.as_str(), fix.as_str()))
                {
                    Some((_, names)) => names.push(r.name.clone()),
                    None => stop.push(((reason, fix), vec![r.name.clone()])),
                }
            }
        }
    }
    if !stop.is_empty() {
        let message: Vec<String> = stop
            .iter()
            .map(|((reason, _), names)| format!("{} not measured: {reason}", quoted_list(names)))
            .collect();
        let mut fixes: Vec<&str> = Vec::new();
        for ((_, fix), _) in &stop {
            if !fixes.contains(fix) {
                fixes.push(fix);
            }
        }
        return Err(Error::input(
            message.join("; "),
            Some(&format!(
                "{}; or leave {} out of the score and the gate: `--skip-unmeasured`, or \
                 `optional = true` in its table",
                fixes.join("; "),
                if stop.iter().map(|(_, n)| n.len()).sum::<usize>() == 1 {
                    "the metric"
                } else {
                    "each metric"
                }
            )),
        ));
    }
    if !left_out.is_empty() {
        notes.push(Note::LeftOut { metrics: left_out });
    }
    Ok(())
}

/// How many metrics were measured. When none of several was, the run says
/// that the gate checked nothing; when one of them was left out for want of
/// its input, that is an error, for a gate that checked nothing because
/// something failed has not passed.
pub(super) fn measured(
    results: &[metrics::MetricResult],
    notes: &mut Vec<Note>,
) -> Result<usize, Error> {
    let metrics_measured = results.iter().filter(|r| r.status.is_measured()).count();
    if !results.is_empty() && metrics_measured == 0 {
        let missing: Vec<String> = results
            .iter()
            .filter(|r| r.status.is_not_measured())
            .filter_map(|r| Some(format!("'{}': {}", r.name, r.status.reason()?)))
            .collect();
        if !missing.is_empty() {
            return Err(Error::input(
                format!("no metric could be measured: {}", missing.join("; ")),
                Some("with no metric measured, the gate has nothing to judge"),
            ));
        }
        notes.push(Note::NothingMeasured);
    }
    Ok(metrics_measured)
}

/// The minimum score over the measured metrics: `min_score` moved by the
/// difference between the weighted mean of every scored metric's `min` and
/// that of the measured ones (metrics left out for want of their input are
/// not measured; n/a metrics are out of both). `qscan init` writes
/// `min_score` as the weighted mean of the minimums it writes, rounded down,
/// so the moved minimum is at most the measured metrics' own mean minimum:
/// a clone that cannot see some metrics passes whenever the full one would.
pub(super) fn min_score_over_measured(
    min_score: Option<f64>,
    results: &[metrics::MetricResult],
    notes: &mut Vec<Note>,
) -> Option<f64> {
    let from = min_score?;
    if !results.iter().any(|r| r.status.is_not_measured()) {
        return Some(from);
    }
    let mean_min = |keep: &dyn Fn(&Status) -> bool| {
        let (sum, weights) = results
            .iter()
            .filter(|r| keep(&r.status))
            .filter_map(|r| Some((r.min?, r.weight)))
            .fold((0.0, 0.0), |(s, w), (min, weight)| {
                (s + min * weight, w + weight)
            });
        (weights > 0.0).then(|| sum / weights)
    };
    let all = mean_min(&|s| !matches!(s, Status::NotApplicable { .. }));
    let measured = mean_min(&Status::is_measured);
    let (Some(all), Some(measured)) = (all, measured) else {
        return Some(from);
    };
    let to = metrics::round1((from - all + measured).clamp(0.0, 100.0));
    if to != from {
        notes.push(Note::MinScoreMoved {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    Some(to)
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
        // The built-in default gates clean-as-you-code: new offenders only.
        let built_in = def.origin == Origin::BuiltIn;
        let regression = req.fail_on_regression || def.gate.no_regression;
        // A pre-commit hook blocks only what the commit adds; a CI baseline
        // gate also blocks a metric that gets worse.
        failures.extend(metrics::regression_failures(
            results,
            regression || staged || req.new_only || built_in,
            regression && !staged,
        ));
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricResult;

    fn result(name: &str, min: f64, weight: f64, status: Status, optional: bool) -> MetricResult {
        MetricResult {
            name: name.into(),
            kind: "typed",
            unit: "function",
            value: 90.0,
            compliant: 9,
            total: 10,
            min: Some(min),
            max_offenders: None,
            weight,
            passed: true,
            hint: "",
            status,
            optional,
            measured: None,
            unmatched_report_paths: Vec::new(),
            offenders: Vec::new(),
            worklist: Vec::new(),
            baseline: None,
            delta: None,
            new_offenders: None,
            tallies: Vec::new(),
        }
    }

    fn shallow() -> Status {
        Status::NotMeasured {
            reason: "shallow".into(),
            fix: "fetch".into(),
        }
    }

    #[test]
    fn a_metric_not_measured_stops_the_run_unless_it_may_be_left_out() {
        let results = vec![
            result("a", 80.0, 1.0, Status::Measured, false),
            result("hot", 99.0, 1.0, shallow(), false),
        ];
        let mut notes = Vec::new();
        let e = not_measured(&results, false, &mut notes).err();
        assert_eq!(
            e.as_ref().map(|e| e.to_string()).as_deref(),
            Some("metric 'hot' is not measured: shallow")
        );
        assert_eq!(
            e.as_ref().and_then(Error::hint),
            Some(
                "fetch; or leave the metric out of the score and the gate: \
                 `--skip-unmeasured`, or `optional = true` in its table"
            )
        );
        let two = vec![
            result("hot", 99.0, 1.0, shallow(), false),
            result("size", 99.0, 1.0, shallow(), false),
        ];
        let e = not_measured(&two, false, &mut notes).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("metrics 'hot' and 'size' are not measured: shallow")
        );
        assert!(not_measured(&results, true, &mut notes).is_ok());
        assert_eq!(
            notes,
            vec![Note::LeftOut {
                metrics: vec!["hot".into()]
            }]
        );
        let optional = vec![result("hot", 99.0, 1.0, shallow(), true)];
        let mut notes = Vec::new();
        assert!(not_measured(&optional, false, &mut notes).is_ok());
        assert_eq!(notes.len(), 1);
        // Nothing measured because an input is missing is no pass.
        assert!(measured(&optional, &mut notes).is_err());
        let na = vec![result(
            "typed",
            50.0,
            1.0,
            Status::NotApplicable {
                reason: "no function to measure".into(),
            },
            false,
        )];
        assert_eq!(measured(&na, &mut notes).ok(), Some(0));
        assert_eq!(notes.last(), Some(&Note::NothingMeasured));
    }

    #[test]
    fn min_score_moves_to_the_measured_metrics() {
        let na = Status::NotApplicable {
            reason: "n/a".into(),
        };
        let results = vec![
            result("a", 80.0, 1.0, Status::Measured, false),
            result("b", 70.0, 1.0, Status::Measured, false),
            result("hot", 99.0, 2.0, shallow(), true),
            result("typed", 10.0, 5.0, na, false),
        ];
        let mut notes = Vec::new();
        // Every scored metric's mean minimum is (80 + 70 + 2 × 99) / 4 = 87,
        // the measured ones' 75: min_score 87 becomes 75.
        assert_eq!(
            min_score_over_measured(Some(87.0), &results, &mut notes),
            Some(75.0)
        );
        assert_eq!(
            notes,
            vec![Note::MinScoreMoved {
                from: "87".into(),
                to: "75".into()
            }]
        );
        assert_eq!(min_score_over_measured(None, &results, &mut notes), None);
        // With everything measured, it stays.
        let mut notes = Vec::new();
        assert_eq!(
            min_score_over_measured(Some(87.0), &results[..2], &mut notes),
            Some(87.0)
        );
        assert!(notes.is_empty());
    }
}
