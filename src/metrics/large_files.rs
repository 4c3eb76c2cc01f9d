//! `large-files`: the share of source files within a code-line budget.

use super::{Facts, KindInfo, Offender, Outcome, Source};
use crate::config::{MetricDef, Params};

pub const INFO: KindInfo = KindInfo {
    kind: super::Kind::LargeFiles,
    name: "large-files",
    unit: "source file",
    source: Source::Files,
    keys: &["max_lines"],
    summary: "The share of source files that stay within a size budget.",
    rule: "A source file (test files included) is compliant when it has at most `max_lines` \
           (default 500) code lines: lines holding anything but whitespace and comments \
           (Python docstrings count as comments).",
};

pub fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let max = match def.params {
        Params::LargeFiles { max_lines } => max_lines,
        _ => 500,
    };
    let mut out = Outcome::default();
    for file in facts.files {
        if !def.sees(file.language, &file.path) {
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
