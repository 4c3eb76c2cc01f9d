//! `query`: the share of functions or files where a team-written tree-sitter
//! query finds nothing — the team's own rules (a lock held across an await, a
//! write outside a transaction) measured like every other metric. The query
//! ran during analysis; its matches are facts.

use std::ops::Range;
use std::sync::Arc;

use super::RuleText;
use super::keys::token;
use super::{
    Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Table, Type,
};
use crate::analyze::query::{self, CompiledQuery};
use crate::facts::FileFacts;
use crate::lang::Language;

const LANGUAGE: Key = Key {
    name: "language",
    ty: Type::Language,
    doc: "the language its query is written for",
};
const QUERY: Key = Key {
    name: "query",
    ty: Type::Text,
    doc: "a tree-sitter query",
};
/// The words of `unit`, in [`QueryUnit`] order (the first is the default).
const UNIT: Key = Key {
    name: "unit",
    ty: Type::Choice {
        values: &["file", "function"],
    },
    doc: "what is counted: files, or functions (a match belongs to the function it starts in)",
};
const MESSAGE: Key = Key {
    name: "message",
    ty: Type::Text,
    doc: "an offender's detail, instead of \"matches the query\"",
};

pub const INFO: KindInfo = KindInfo {
    name: "query",
    unit: "function or file",
    offender: "rule match",
    source: Source::Files,
    roles: super::SOURCE,
    keys: &[LANGUAGE, QUERY, UNIT, MESSAGE],
    min: Min::Percent,
    hint: "rewrite the code the rule matches (its message says why)",
    parse,
    summary: "The share of functions or files where a team-written tree-sitter query finds nothing.",
    rule: RuleText::Fixed(
        "The tree-sitter `query`, written for the grammar of `language`, runs over every file \
           of that language the metric sees. With `unit = \"function\"` the units are those \
           files' functions, and a function is compliant when no match starts inside it (a \
           match inside a nested function belongs to the innermost one; matches outside every \
           function are not counted); with `unit = \"file\"` the units are the \
           files, compliant when the query matches nowhere in them. A match is placed at its \
           first captured node, so every pattern needs a capture; the predicates #eq?, \
           #not-eq?, #match?, #not-match?, #any-of? and #not-any-of? (and their any- forms) \
           are evaluated. An offender's detail is `message` (or \"matches the query\") and the \
           lines of its matches. A query that does not compile is an error at its line in \
           quality.toml.",
    ),
};

/// What a `query` metric counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryUnit {
    File,
    Function,
}

impl QueryUnit {
    pub fn name(self) -> &'static str {
        match self {
            QueryUnit::Function => "function",
            QueryUnit::File => "file",
        }
    }
}

#[derive(Debug)]
pub struct Params {
    pub language: Language,
    pub unit: QueryUnit,
    /// Shown for each offender instead of the default.
    pub message: Option<String>,
    pub query: Arc<CompiledQuery>,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        let mut parts = vec![
            format!("language = \"{}\"", self.language),
            format!("unit = \"{}\"", self.unit.name()),
        ];
        if let Some(m) = &self.message {
            parts.push(format!("message = {m:?}"));
        }
        parts
    }
}

/// The settings, the query compiled; None when they are not valid.
fn parse(t: &mut Table) -> Option<super::Params> {
    let names = crate::lang::names;
    let language = match t.text(&LANGUAGE) {
        None => {
            t.needs(
                "`language`",
                &format!("the language its query is written for, one of {}", names()),
            );
            None
        }
        Some(l) => {
            let found = Language::from_name(l.get_ref());
            if found.is_none() {
                t.error(
                    l.span(),
                    format!(
                        "unknown language `{}`; expected one of {}",
                        token(l.get_ref()),
                        names()
                    ),
                );
            }
            found
        }
    };
    let unit = match t.choice(&UNIT, |other| {
        format!(
            "unit `{}` is not known; expected \"function\" or \"file\"",
            token(other)
        )
    }) {
        1 => QueryUnit::Function,
        _ => QueryUnit::File,
    };
    let message = t.text(&MESSAGE).map(|m| m.into_inner());
    let Some(source) = t.text(&QUERY) else {
        t.needs("`query`", QUERY.doc);
        return None;
    };
    let compiled = match query::compile(language?, source.get_ref()) {
        Ok(q) => q,
        Err(p) => {
            let at = query_offset(t.text, source.span(), p.row, p.column);
            t.error(at..at, p.message);
            return None;
        }
    };
    Some(Arc::new(Params {
        language: language?,
        unit,
        message,
        query: Arc::new(compiled),
    }))
}

/// The byte offset in quality.toml of a place in a query string: `row` and
/// `column` count within the string's value, which starts after the opening
/// quote (and, in a multi-line string, after the newline that may follow it).
/// Exact for literal strings ('…', '''…'''); escapes in basic strings shift
/// the column by their length.
pub(super) fn query_offset(text: &str, span: Range<usize>, row: usize, column: usize) -> usize {
    let token = text.get(span.clone()).unwrap_or("");
    let mut pos = span.start;
    if token.starts_with("'''") || token.starts_with("\"\"\"") {
        pos += 3;
        let after = text.get(pos..).unwrap_or("");
        if after.starts_with("\r\n") {
            pos += 2;
        } else if after.starts_with('\n') {
            pos += 1;
        }
    } else {
        pos += 1;
    }
    for _ in 0..row {
        match text.get(pos..span.end).and_then(|t| t.find('\n')) {
            Some(i) => pos += i + 1,
            None => break,
        }
    }
    let mut at = (pos + column)
        .min(span.end.saturating_sub(1))
        .max(span.start);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn evaluate(params: &Params, def: &MetricDef, facts: &Facts) -> Outcome {
    let Params {
        language,
        unit,
        message,
        ..
    } = params;
    let message = message.as_deref().unwrap_or("matches the query");
    let mut out = Outcome::default();
    for file in facts.files {
        if file.language != *language || !def.sees(file) {
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
            kind: INFO.kind(),
            min: None,
            max_offenders: None,
            weight: 1.0,
            optional: false,
            languages: None,
            exclude: globset::GlobSet::empty(),
            roles: INFO.roles.to_vec(),
            params: Arc::new(Params {
                language: Language::from_name("python").unwrap(),
                unit,
                message: None,
                query: Arc::new(
                    compile(Language::from_name("python").unwrap(), "(identifier) @i").unwrap(),
                ),
            }),
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
            role_of: &|_| crate::snapshot::Role::Source,
            crates: &[],
            packages: &[],
            history: None,
            history_status: &crate::model::Status::Measured,
            coverage: &BTreeMap::new(),
            external: &empty,
        };
        let d = def(QueryUnit::Function);
        let out = d.params.evaluate(&d, &facts);
        assert_eq!((out.compliant, out.total), (2, 3));
        assert_eq!(out.offenders[0].item, "f");
        assert_eq!(out.offenders[0].detail, "matches the query (lines 2, 3)");
        let d = def(QueryUnit::File);
        let out = d.params.evaluate(&d, &facts);
        assert_eq!((out.compliant, out.total), (1, 2));
        assert_eq!(out.offenders[0].detail, "matches the query (lines 2, 3, 9)");
    }
}
