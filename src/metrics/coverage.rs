//! `coverage`: the share of coverable lines that tests ran, per a coverage
//! report another tool wrote (read by [`crate::ingest`] before evaluation).

use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};

use super::RuleText;
use super::keys::token;
use super::{
    Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Table, Type,
    plural,
};
use crate::discover::confine;

const REPORT: Key = Key {
    name: "report",
    ty: Type::Text,
    doc: "the coverage report's path or glob (lcov, Cobertura XML or llvm-cov JSON), relative to the repository root",
};

pub const INFO: KindInfo = KindInfo {
    name: "coverage",
    unit: "coverable line",
    offender: "file with uncovered lines",
    source: Source::Report,
    roles: super::SOURCE,
    keys: &[REPORT],
    min: Min::Percent,
    hint: "cover the uncovered lines with tests",
    parse,
    summary: "The share of coverable lines that the tests ran, per a coverage report.",
    rule: RuleText::Fixed(
        "A coverable line is compliant when the coverage report named by `report` (a path or \
           glob relative to the repository root; several matching reports are merged, a line \
           being covered when any of them ran it) says it ran at least once. lcov counts each DA: \
           line, Cobertura XML each <line> of a <class>, llvm-cov JSON each line its segments \
           map, as llvm-cov's own line summary does, JaCoCo XML each <line> of a <sourcefile> \
           with instructions (covered when ci > 0), a Go cover profile each line of a block with \
           statements. Report paths are mapped to repository files when equal, absolute under the \
           root, or ending in a repository path at a / (the longest such path wins; Cobertura \
           paths are tried under each <source> too), or else, when relative, ending exactly one \
           repository path at a / (JaCoCo's com/acme/Foo.java is \
           src/main/java/com/acme/Foo.java); report paths that match no file are counted and \
           listed, not scored. Offenders are files, by uncovered lines.",
    ),
};

/// Uncovered ranges shown in an offender's detail; the rest is elided.
const RANGES_SHOWN: usize = 6;

#[derive(Debug)]
pub struct Params {
    /// The report's path or glob, relative to the repository root.
    pub report: String,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(def, facts)
    }

    fn settings(&self) -> Vec<String> {
        vec![format!("report = {:?}", self.report)]
    }
}

/// The report's path or glob, checked now so a bad one has a line.
fn parse(t: &mut Table) -> Option<super::Params> {
    let Some(v) = t.text(&REPORT) else {
        t.needs("`report`", REPORT.doc);
        return Some(Arc::new(Params {
            report: String::new(),
        }));
    };
    if v.get_ref().trim().is_empty() {
        t.error(
            v.span(),
            "report is empty; name the coverage report's path or glob",
        );
    } else if !confine::stays_inside(v.get_ref()) {
        t.error(v.span(), outside("report", v.get_ref()));
    } else if let Err(e) = report_glob(v.get_ref()) {
        t.error(
            v.span(),
            format!(
                "invalid glob `{}` in report: {}",
                token(v.get_ref()),
                e.kind()
            ),
        );
    }
    Some(Arc::new(Params {
        report: v.into_inner(),
    }))
}

/// A `report` or `file` path naming a place outside the repository.
pub(super) fn outside(key: &str, path: &str) -> String {
    format!(
        "{key} `{}` is outside the repository; qscan reads only files inside the repository \
         it scans: give a path relative to the repository root, without `..` leaving it",
        token(path)
    )
}

/// Whether a report path is a glob (it holds `*`, `?`, `[` or `{`).
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

/// The matcher of a report glob; None for a plain path.
pub fn report_glob(pattern: &str) -> Result<Option<GlobMatcher>, globset::Error> {
    if !is_glob(pattern) {
        return Ok(None);
    }
    let glob = GlobBuilder::new(pattern).literal_separator(true).build()?;
    Ok(Some(glob.compile_matcher()))
}

fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let Some(coverage) = facts.coverage.get(&def.name) else {
        return Outcome {
            status: crate::model::Status::NotMeasured {
                reason: "the coverage report was not read".to_string(),
                fix: "generate the coverage report before qscan runs".to_string(),
            },
            ..Outcome::default()
        };
    };
    let mut out = Outcome {
        unmatched: coverage.unmatched.clone(),
        ..Outcome::default()
    };
    for file in &coverage.files {
        if !def.sees_path(&file.path, facts.role(&file.path)) {
            continue;
        }
        let uncovered = file.uncovered.len() as u64;
        let offender = (uncovered > 0).then(|| {
            Offender::file(
                &file.path,
                format!(
                    "{} of {} uncovered: {}",
                    plural(uncovered, "line"),
                    file.coverable,
                    ranges(&file.uncovered)
                ),
                uncovered as f64,
            )
        });
        out.units_of(
            &file.path,
            file.coverable.saturating_sub(uncovered),
            file.coverable,
            offender,
        );
    }
    out
}

/// "3-5, 9, 20-27", the first few ranges of ascending line numbers.
fn ranges(lines: &[u32]) -> String {
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for &l in lines {
        match spans.last_mut() {
            Some((_, end)) if *end + 1 == l => *end = l,
            _ => spans.push((l, l)),
        }
    }
    let mut parts: Vec<String> = spans
        .iter()
        .take(RANGES_SHOWN)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    if spans.len() > RANGES_SHOWN {
        parts.push("…".to_string());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_collapse_runs() {
        assert_eq!(ranges(&[3, 4, 5, 9, 20, 21]), "3-5, 9, 20-21");
        assert_eq!(ranges(&[1, 3, 5, 7, 9, 11, 13]), "1, 3, 5, 7, 9, 11, …");
    }
}
