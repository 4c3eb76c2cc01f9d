//! `hot-files`: the share of recently changed files that are not changed in
//! most change units.

use std::collections::HashMap;

use std::sync::Arc;

use super::RuleText;
use super::{Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Type};

const SHARE: Key = Key {
    name: "share",
    ty: Type::Fraction { default: 0.5 },
    doc: "hot: changed in more than this share of the change units",
};

pub const INFO: KindInfo = KindInfo {
    name: "hot-files",
    unit: "file changed in the window",
    offender: "hot file",
    source: Source::History,
    roles: super::EVERY_ROLE,
    keys: &[SHARE],
    min: Min::Percent,
    hint: "split the file so unrelated changes stop meeting in it",
    parse: |t| {
        let share = t.fraction(&SHARE, |x| {
            format!(
                "share is a fraction above 0 and at most 1 (0.5 = half of the change units), found {x}"
            )
        });
        Some(Arc::new(Params { share }))
    },
    summary: "The share of files changed in the history window that are not changed in most change units.",
    rule: RuleText::Fixed(
        "A file that a change unit of the window changed and that still exists in the snapshot \
           (any file, not only source files; a tracked symbolic link too) is compliant when it \
           was changed in at most `share` of the window's change units; above that it is hot. \
           A renamed file counts under its new path (renames as `git log` finds them: exact, \
           then at least 50% similar by libgit2's measure).",
    ),
};

#[derive(Debug)]
pub struct Params {
    pub share: f64,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self.share, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        vec![format!("share = {}", self.share)]
    }
}

fn evaluate(limit: f64, def: &MetricDef, facts: &Facts) -> Outcome {
    if let Some(unread) = super::history_unread(facts) {
        return unread;
    }
    let Some(history) = facts.history else {
        return Outcome::default();
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
        if !def.sees_path(path, facts.role(path)) {
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
