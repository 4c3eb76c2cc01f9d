//! `hot-files`: the share of recently changed files that are not changed in
//! most change units.

use std::collections::HashMap;

use super::{Facts, KindInfo, Offender, Outcome, Source};
use crate::config::{MetricDef, Params};

pub const INFO: KindInfo = KindInfo {
    kind: super::Kind::HotFiles,
    name: "hot-files",
    unit: "file changed in the window",
    source: Source::History,
    keys: &["share"],
    summary: "The share of files changed in the history window that are not changed in most change units.",
    rule: "A file that a change unit of the window changed and that still exists in the snapshot \
           (any file, not only source files) is compliant when it was changed in at most `share` \
           (default 0.5) of the window's change units; above that it is hot.",
};

pub fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let limit = match def.params {
        Params::HotFiles { share } => share,
        _ => 0.5,
    };
    let Some(history) = facts.history else {
        return Outcome {
            skipped: Some(facts.history_note.unwrap_or("no history").to_string()),
            ..Outcome::default()
        };
    };
    let units = history.units.len();
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for unit in &history.units {
        for path in &unit.paths {
            *counts.entry(path.as_str()).or_default() += 1;
        }
    }
    let mut out = Outcome::default();
    for path in facts.all_paths {
        let Some(&n) = counts.get(path.as_str()) else {
            continue;
        };
        if !def.sees_path(path) {
            continue;
        }
        let share = n as f64 / units as f64;
        out.unit(
            path,
            (share > limit).then(|| {
                Offender::file(
                    path,
                    format!(
                        "changed in {n} of {units} change units ({:.1}%)",
                        100.0 * share
                    ),
                    n as f64,
                )
            }),
        );
    }
    out
}
