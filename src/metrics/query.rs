//! `query`: the share of functions or files where a team-written tree-sitter
//! query finds nothing — the team's own rules (a lock held across an await, a
//! write outside a transaction) measured like every other metric. The query
//! ran during analysis; its matches are facts.

use super::{Facts, KindInfo, Offender, Outcome, Source};
use crate::config::{MetricDef, Params, QueryUnit};
use crate::facts::FileFacts;

pub const INFO: KindInfo = KindInfo {
    kind: super::Kind::Query,
    name: "query",
    unit: "function or file",
    source: Source::Files,
    keys: &["language", "query", "unit", "message"],
    summary: "The share of functions or files where a team-written tree-sitter query finds nothing.",
    rule: "The tree-sitter `query`, written for the grammar of `language`, runs over every file \
           of that language the metric sees. With `unit = \"function\"` the units are those \
           files' functions, and a function is compliant when no match starts inside it (a \
           match inside a nested function belongs to the innermost one; matches outside every \
           function are not counted); with `unit = \"file\"` (the default) the units are the \
           files, compliant when the query matches nowhere in them. A match is placed at its \
           first captured node, so every pattern needs a capture; the predicates #eq?, \
           #not-eq?, #match?, #not-match?, #any-of? and #not-any-of? (and their any- forms) \
           are evaluated. An offender's detail is `message` (or \"matches the query\") and the \
           lines of its matches. A query that does not compile is an error at its line in \
           quality.toml.",
};

pub fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let Params::Query {
        language,
        unit,
        message,
        ..
    } = &def.params
    else {
        return Outcome::default();
    };
    let message = message.as_deref().unwrap_or("matches the query");
    let mut out = Outcome::default();
    for file in facts.files {
        if file.language != *language || !def.sees(file.language, &file.path) {
            continue;
        }
        match unit {
            QueryUnit::File => {
                let lines = hit_lines(file, &def.name, |_| true);
                out.unit(
                    &file.path,
                    (!lines.is_empty()).then(|| {
                        Offender::file(&file.path, detail(message, &lines), lines.len() as f64)
                    }),
                );
            }
            QueryUnit::Function => {
                // The lines of each function's matches, gathered in one pass
                // over the matches (not one per function).
                let mut by_function: Vec<Vec<u32>> = vec![Vec::new(); file.functions.len()];
                for h in file.query_hits.iter().filter(|h| h.metric == def.name) {
                    if let Some(lines) = h.function.and_then(|i| by_function.get_mut(i)) {
                        lines.push(h.line);
                    }
                }
                for (f, mut lines) in file.functions.iter().zip(by_function) {
                    lines.sort_unstable();
                    lines.dedup();
                    out.unit(
                        &file.path,
                        (!lines.is_empty()).then(|| Offender {
                            path: file.path.clone(),
                            line: Some(f.line),
                            item: f.name.clone(),
                            detail: detail(message, &lines),
                            weight: lines.len() as f64,
                        }),
                    );
                }
            }
        }
    }
    out
}

/// The distinct lines of a metric's matches in a file that `keep` accepts
/// (by the index of the function holding the match).
fn hit_lines(file: &FileFacts, metric: &str, keep: impl Fn(Option<usize>) -> bool) -> Vec<u32> {
    let mut lines: Vec<u32> = file
        .query_hits
        .iter()
        .filter(|h| h.metric == metric && keep(h.function))
        .map(|h| h.line)
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

fn detail(message: &str, lines: &[u32]) -> String {
    let at: Vec<String> = lines.iter().map(u32::to_string).collect();
    format!(
        "{message} (line{} {})",
        if lines.len() == 1 { "" } else { "s" },
        at.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::query::compile;
    use crate::facts::{Function, QueryHit, Typing};
    use crate::lang::Language;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn def(unit: QueryUnit) -> MetricDef {
        MetricDef {
            name: "q".into(),
            kind: super::super::Kind::Query,
            min: None,
            max_offenders: None,
            weight: 1.0,
            languages: None,
            exclude: globset::GlobSet::empty(),
            params: Params::Query {
                language: Language::from_name("python").unwrap(),
                unit,
                message: None,
                query: Arc::new(
                    compile(Language::from_name("python").unwrap(), "(identifier) @i").unwrap(),
                ),
            },
        }
    }

    fn function(name: &str, line: u32) -> Function {
        Function {
            name: name.into(),
            line,
            typed_unit: true,
            typing: Typing::Static,
        }
    }

    fn hit(metric: &str, line: u32, function: Option<usize>) -> QueryHit {
        QueryHit {
            metric: metric.into(),
            line,
            function,
        }
    }

    #[test]
    fn units_are_functions_or_files_of_the_language() {
        let files = vec![
            FileFacts {
                path: "a.py".into(),
                functions: vec![function("f", 1), function("g", 5)],
                query_hits: vec![
                    hit("q", 2, Some(0)),
                    hit("q", 3, Some(0)),
                    hit("other", 6, Some(1)),
                    hit("q", 9, None),
                ],
                ..FileFacts::default()
            },
            FileFacts {
                path: "b.py".into(),
                functions: vec![function("h", 1)],
                ..FileFacts::default()
            },
            FileFacts {
                path: "c.rs".into(),
                language: Language::from_name("rust").unwrap(),
                functions: vec![function("r", 1)],
                query_hits: vec![hit("q", 1, Some(0))],
                ..FileFacts::default()
            },
        ];
        let empty = BTreeMap::new();
        let facts = Facts {
            files: &files,
            all_paths: &[],
            crates: &[],
            history: None,
            history_note: None,
            coverage: &BTreeMap::new(),
            external: &empty,
        };
        let out = evaluate(&def(QueryUnit::Function), &facts);
        assert_eq!((out.compliant, out.total), (2, 3));
        assert_eq!(out.offenders[0].item, "f");
        assert_eq!(out.offenders[0].detail, "matches the query (lines 2, 3)");
        let out = evaluate(&def(QueryUnit::File), &facts);
        assert_eq!((out.compliant, out.total), (1, 2));
        assert_eq!(out.offenders[0].detail, "matches the query (lines 2, 3, 9)");
    }
}
