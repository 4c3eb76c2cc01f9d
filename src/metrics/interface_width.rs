//! `interface-width`: the share of modules with a narrow public interface.

use std::sync::Arc;

use super::RuleText;
use super::{Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Type};

const MAX_ITEMS: Key = Key {
    name: "max_items",
    ty: Type::Count { default: 20 },
    doc: "public items per module",
};

pub const INFO: KindInfo = KindInfo {
    name: "interface-width",
    unit: "module",
    offender: "wide module",
    source: Source::Files,
    roles: &[super::Role::Source, super::Role::Stub],
    keys: &[MAX_ITEMS],
    min: Min::Percent,
    hint: "make helpers private (a leading _ in Python, no pub/export) or split the module",
    parse: |t| {
        Some(Arc::new(Params {
            max_items: t.count(&MAX_ITEMS),
        }))
    },
    summary: "The share of modules whose public interface stays narrow.",
    rule: RuleText::Built(rule),
};

/// The rule, with what each language's spec counts as a public item.
fn rule() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "A module (a non-test source file) is compliant when it exports at most `max_items` \
             public items: {}.",
            crate::lang::docs::public_items()
        )
    })
}

#[derive(Debug)]
pub struct Params {
    pub max_items: u64,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self.max_items, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        vec![format!("max_items = {}", self.max_items)]
    }
}

fn evaluate(max: u64, def: &MetricDef, facts: &Facts) -> Outcome {
    let mut out = Outcome::default();
    for file in facts.files {
        if file.role.is_test() || !def.sees(file) {
            continue;
        }
        let n = file.public_items.len() as u64;
        out.unit(
            &file.path,
            (n > max).then(|| {
                Offender::file(
                    &file.path,
                    format!("{n} public items (max {max})"),
                    n as f64,
                )
            }),
        );
    }
    out
}
