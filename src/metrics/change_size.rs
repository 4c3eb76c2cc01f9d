//! `change-size`: the share of change units that touch few files.

use std::sync::Arc;

use super::RuleText;
use super::{Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Type};

const MAX_FILES: Key = Key {
    name: "max_files",
    ty: Type::Count { default: 25 },
    doc: "files a change unit may touch",
};

pub const INFO: KindInfo = KindInfo {
    name: "change-size",
    unit: "change unit",
    offender: "large change unit",
    source: Source::History,
    roles: super::EVERY_ROLE,
    keys: &[MAX_FILES],
    min: Min::Percent,
    hint: "split the change into smaller pull requests",
    parse: |t| {
        Some(Arc::new(Params {
            max_files: t.count(&MAX_FILES),
        }))
    },
    summary: "The share of change units (pull requests, direct commits) that stay small.",
    rule: RuleText::Fixed(
        "A change unit of the window (a first-parent commit; a merge stands for its whole pull \
           request, diffed against its first parent) is compliant when it touches at most \
           `max_files` files that the metric sees (a rename counts once, under its new path; \
           a tracked symbolic link is a file).",
    ),
};

#[derive(Debug)]
pub struct Params {
    pub max_files: u64,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self.max_files, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        vec![format!("max_files = {}", self.max_files)]
    }
}

fn evaluate(max: u64, def: &MetricDef, facts: &Facts) -> Outcome {
    if let Some(unread) = super::history_unread(facts) {
        return unread;
    }
    let Some(history) = facts.history else {
        return Outcome::default();
    };
    let mut out = Outcome::default();
    for unit in &history.units {
        let seen: Vec<String> = unit
            .paths
            .iter()
            .filter(|p| def.sees_path(p, facts.role(p)))
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
