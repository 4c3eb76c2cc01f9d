//! `change-size`: the share of change units that touch few files.

use super::{Facts, KindInfo, Offender, Outcome, Source};
use crate::config::{MetricDef, Params};

pub const INFO: KindInfo = KindInfo {
    kind: super::Kind::ChangeSize,
    name: "change-size",
    unit: "change unit",
    source: Source::History,
    keys: &["max_files"],
    summary: "The share of change units (pull requests, direct commits) that stay small.",
    rule: "A change unit of the window (a first-parent commit; a merge stands for its whole pull \
           request, diffed against its first parent) is compliant when it touches at most \
           `max_files` (default 25) files that the metric sees.",
};

pub fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let max = match def.params {
        Params::ChangeSize { max_files } => max_files,
        _ => 25,
    };
    let Some(history) = facts.history else {
        return Outcome {
            skipped: Some(facts.history_note.unwrap_or("no history").to_string()),
            ..Outcome::default()
        };
    };
    let mut out = Outcome::default();
    for unit in &history.units {
        let seen: Vec<String> = unit
            .paths
            .iter()
            .filter(|p| def.sees_path(p))
            .cloned()
            .collect();
        let n = seen.len() as u64;
        let short = &unit.id[..unit.id.len().min(12)];
        // For `--by`, a change unit belongs to every group whose files it touched.
        out.unit_across(
            seen,
            (n > max).then(|| Offender {
                path: String::new(),
                line: None,
                item: match unit.pr {
                    Some(pr) => format!("#{pr} ({short})"),
                    None => short.to_string(),
                },
                detail: format!("touches {n} files (max {max}): {}", unit.subject),
                weight: n as f64,
            }),
        );
    }
    out
}
