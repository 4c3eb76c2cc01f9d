//! `external`: a number another tool measured (a load test's p95 latency, a
//! bundle size), read from its JSON output by [`crate::ingest`] and held to a
//! bound, so runtime qualities sit in the same score as the code's.

use std::sync::Arc;

use super::RuleText;
use super::coverage::outside;
use super::keys::token;
use super::{
    Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Table, Type,
};

const FILE: Key = Key {
    name: "file",
    ty: Type::Text,
    doc: "the JSON file to read, relative to the repository root",
};
const POINTER: Key = Key {
    name: "pointer",
    ty: Type::Text,
    doc: "an RFC 6901 JSON pointer to the number (\"\" is the whole document), like \"/latency/p95\"",
};
const MAX: Key = Key {
    name: "max",
    ty: Type::Number,
    doc: "the most the number may be (`min` is the least)",
};

pub const INFO: KindInfo = KindInfo {
    name: "external",
    unit: "number",
    offender: "number out of bounds",
    source: Source::Report,
    roles: super::EVERY_ROLE,
    keys: &[FILE, POINTER, MAX],
    min: Min::Bound,
    hint: "bring the measured number back within its bound",
    parse,
    summary: "A number another tool wrote to a JSON file, held to a bound.",
    rule: RuleText::Fixed(
        "The number at `pointer` (an RFC 6901 JSON pointer such as \"/latency/p95\"; \"\" \
           for the whole document) in the JSON file `file` (relative to the repository root) is \
           compliant when it is at most `max` and at least `min` (give either or both). For \
           this kind `min` bounds the number, not a percentage: the metric's one unit makes its \
           value 100 or 0, and it fails the gate when the number is out of bounds. A missing \
           file, invalid JSON, a pointer to nothing or a value that is not a number is an \
           error.",
    ),
};

#[derive(Debug, PartialEq)]
pub struct Params {
    /// The JSON file, relative to the repository root.
    pub file: String,
    /// An RFC 6901 JSON pointer ("" is the whole document).
    pub pointer: String,
    /// The bounds on the number (at least one is set).
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        let mut parts = vec![format!(
            "file = {:?}, pointer = {:?}",
            self.file, self.pointer
        )];
        if let Some(min) = self.min {
            parts.push(format!("at least {min}"));
        }
        if let Some(max) = self.max {
            parts.push(format!("at most {max}"));
        }
        parts
    }
}

fn parse(t: &mut Table) -> Option<super::Params> {
    let lower = t.min_bound;
    let max = t.finite(&MAX);
    if let (Some(lo), Some(hi)) = (lower, max)
        && lo > hi
    {
        let message = format!(
            "metric `{}`: min ({lo}) is above max ({hi}), so no number passes",
            token(t.name)
        );
        t.error(t.span.clone(), message);
    }
    if lower.is_none() && max.is_none() {
        t.needs("`max` or `min`", "the bound on the number");
    }
    let file = match t.text(&FILE) {
        Some(f) if f.get_ref().trim().is_empty() => {
            t.error(f.span(), "file is empty; name the JSON file to read");
            String::new()
        }
        Some(f) if !crate::discover::confine::stays_inside(f.get_ref()) => {
            t.error(f.span(), outside("file", f.get_ref()));
            String::new()
        }
        Some(f) => f.into_inner(),
        None => {
            t.needs("`file`", FILE.doc);
            String::new()
        }
    };
    let pointer = match t.text(&POINTER) {
        Some(p) if !(p.get_ref().is_empty() || p.get_ref().starts_with('/')) => {
            t.error(
                p.span(),
                format!(
                    "`{}` is not a JSON pointer: it is empty (the whole document) or starts with `/`, like \"/metrics/p95\"",
                    token(p.get_ref())
                ),
            );
            String::new()
        }
        Some(p) => p.into_inner(),
        None => String::new(),
    };
    Some(Arc::new(Params {
        file,
        pointer,
        min: lower,
        max,
    }))
}

fn evaluate(params: &Params, def: &MetricDef, facts: &Facts) -> Outcome {
    let Params { min, max, .. } = params;
    let Some(found) = facts.external.get(&def.name) else {
        return Outcome {
            status: crate::model::Status::NotMeasured {
                reason: "the external number was not read".to_string(),
                fix: "write the file before qscan runs".to_string(),
            },
            ..Outcome::default()
        };
    };
    let value = found.value;
    let broken = match (min, max) {
        (_, Some(max)) if value > *max => Some(format!("above the maximum {max}")),
        (Some(min), _) if value < *min => Some(format!("below the minimum {min}")),
        _ => None,
    };
    let mut out = Outcome {
        measured: Some(value),
        ..Outcome::default()
    };
    let shown = if found.pointer.is_empty() {
        "the document".to_string()
    } else {
        format!("`{}`", found.pointer)
    };
    // The number describes the whole system, not the file it was read
    // from: it belongs to no group of `--by`.
    out.unit_across(
        Vec::new(),
        broken.map(|why| Offender {
            path: found.file.clone(),
            line: None,
            item: found.pointer.clone(),
            detail: format!("{shown} is {value}, {why}"),
            weight: 1.0,
        }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ExternalValue;
    use std::collections::BTreeMap;

    fn outcome(value: f64, min: Option<f64>, max: Option<f64>) -> Outcome {
        let def = MetricDef {
            name: "n".into(),
            kind: INFO.kind(),
            min: Some(100.0),
            max_offenders: None,
            weight: 1.0,
            optional: false,
            languages: None,
            exclude: globset::GlobSet::empty(),
            roles: INFO.roles.to_vec(),
            params: Arc::new(Params {
                file: "m.json".into(),
                pointer: String::new(),
                min,
                max,
            }),
        };
        let mut external = BTreeMap::new();
        external.insert(
            "n".to_string(),
            ExternalValue {
                file: "m.json".into(),
                pointer: String::new(),
                value,
            },
        );
        let facts = Facts {
            files: &[],
            all_paths: &[],
            role_of: &|_| crate::snapshot::Role::Source,
            crates: &[],
            packages: &[],
            history: None,
            history_status: &crate::model::Status::Measured,
            coverage: &BTreeMap::new(),
            external: &external,
        };
        def.params.evaluate(&def, &facts)
    }

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(outcome(800.0, None, Some(800.0)).compliant, 1);
        assert_eq!(outcome(5.0, Some(5.0), Some(9.0)).compliant, 1);
        let out = outcome(4.5, Some(5.0), Some(9.0));
        assert_eq!((out.compliant, out.total, out.measured), (0, 1, Some(4.5)));
        assert_eq!(
            out.offenders[0].detail,
            "the document is 4.5, below the minimum 5"
        );
    }
}
