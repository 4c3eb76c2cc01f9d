//! `interface-width`: the share of modules with a narrow public interface.

use super::{Facts, KindInfo, Offender, Outcome, Source};
use crate::config::{MetricDef, Params};

pub const INFO: KindInfo = KindInfo {
    kind: super::Kind::InterfaceWidth,
    name: "interface-width",
    unit: "module",
    source: Source::Files,
    keys: &["max_items"],
    summary: "The share of modules whose public interface stays narrow.",
    rule: "A module (a non-test source file) is compliant when it exports at most `max_items` \
           (default 20) public items: Python top-level def, class and assigned names not starting \
           with _ (or the entries of a literal __all__); JS/TS each exported binding (export \
           default counts once, each key of module.exports = {...}, each exports.x =); Rust \
           top-level items with a bare `pub` (not pub(crate)/pub(super)), each name of a pub use.",
};

pub fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let max = match def.params {
        Params::InterfaceWidth { max_items } => max_items,
        _ => 20,
    };
    let mut out = Outcome::default();
    for file in facts.files {
        if file.is_test || !def.sees(file.language, &file.path) {
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
