//! `large-files`: the share of source files within a code-line budget.

use std::sync::Arc;

use super::RuleText;
use super::{Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Type};

const MAX_LINES: Key = Key {
    name: "max_lines",
    ty: Type::Count { default: 500 },
    doc: "code lines (not blank, not comment)",
};

pub const INFO: KindInfo = KindInfo {
    name: "large-files",
    unit: "source file",
    offender: "large file",
    source: Source::Files,
    roles: super::SOURCE,
    keys: &[MAX_LINES],
    min: Min::Percent,
    hint: "split the file by responsibility",
    parse: |t| {
        Some(Arc::new(Params {
            max_lines: t.count(&MAX_LINES),
        }))
    },
    summary: "The share of source files that stay within a size budget.",
    rule: RuleText::Fixed(
        "A source file is compliant when it has at most `max_lines` code \
           lines: lines holding anything but whitespace and comments \
           (Python docstrings count as comments; a whitespace-only line inside another string \
           literal is code).",
    ),
};

#[derive(Debug)]
pub struct Params {
    pub max_lines: u64,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self.max_lines, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        vec![format!("max_lines = {}", self.max_lines)]
    }
}

fn evaluate(max: u64, def: &MetricDef, facts: &Facts) -> Outcome {
    let mut out = Outcome::default();
    for file in facts.files {
        if !def.sees(file) {
            continue;
        }
        let code = u64::from(file.lines.code);
        out.unit(
            &file.path,
            (code > max).then(|| {
                Offender::file(
                    &file.path,
                    format!("{code} code lines (max {max})"),
                    code as f64,
                )
            }),
        );
    }
    out
}
