//! `external`: a number another tool measured (a load test's p95 latency, a
//! bundle size), read from its JSON output by [`crate::ingest`] and held to a
//! bound, so runtime qualities sit in the same score as the code's.

use super::{Facts, KindInfo, Offender, Outcome, Source};
use crate::config::{MetricDef, Params};

pub const INFO: KindInfo = KindInfo {
    kind: super::Kind::External,
    name: "external",
    unit: "number",
    source: Source::Report,
    keys: &["file", "pointer", "max"],
    summary: "A number another tool wrote to a JSON file, held to a bound.",
    rule: "The number at `pointer` (an RFC 6901 JSON pointer such as \"/latency/p95\"; \"\" \
           for the whole document) in the JSON file `file` (relative to the repository root) is \
           compliant when it is at most `max` and at least `min` (give either or both). For \
           this kind `min` bounds the number, not a percentage: the metric's one unit makes its \
           value 100 or 0, and it fails the gate when the number is out of bounds. A missing \
           file, invalid JSON, a pointer to nothing or a value that is not a number is an \
           error.",
};

pub fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let (Some(found), Params::External { min, max, .. }) =
        (facts.external.get(&def.name), &def.params)
    else {
        return Outcome {
            skipped: Some("the external number was not read".to_string()),
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
            kind: super::super::Kind::External,
            min: Some(100.0),
            max_offenders: None,
            weight: 1.0,
            languages: None,
            exclude: globset::GlobSet::empty(),
            params: Params::External {
                file: "m.json".into(),
                pointer: String::new(),
                min,
                max,
            },
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
            crates: &[],
            history: None,
            history_note: None,
            coverage: &BTreeMap::new(),
            external: &external,
        };
        evaluate(&def, &facts)
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
