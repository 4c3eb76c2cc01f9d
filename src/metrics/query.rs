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
                out.unit((!lines.is_empty()).then(|| Offender {
                    path: file.path.clone(),
                    line: lines.first().copied(),
                    item: file
                        .path
                        .rsplit('/')
                        .next()
                        .unwrap_or(&file.path)
                        .to_string(),
                    detail: detail(message, &lines),
                    weight: lines.len() as f64,
                }));
            }
            QueryUnit::Function => {
                for (i, f) in file.functions.iter().enumerate() {
                    let lines = hit_lines(file, &def.name, |h| h == Some(i));
                    out.unit((!lines.is_empty()).then(|| Offender {
                        path: file.path.clone(),
                        line: Some(f.line),
                        item: f.name.clone(),
                        detail: detail(message, &lines),
                        weight: lines.len() as f64,
                    }));
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
