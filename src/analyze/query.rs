//! User-written tree-sitter queries, the `query` metric kind's engine.
//!
//! A query is compiled once, when the definition is validated, so a mistake
//! in it is reported at its line of quality.toml before anything is scanned;
//! it then runs over the tree each file is already parsed into, and its
//! matches become facts ([`QueryHit`](crate::facts::QueryHit)). qscan only
//! ever reports where a query matched, so every pattern must capture a node
//! (the match's place is its first captured node), and only the predicates
//! tree-sitter evaluates itself are accepted: a predicate it would silently
//! ignore would silently change the numbers.

use std::fmt;
use std::sync::Arc;

use tree_sitter::{CaptureQuantifier, Query, QueryCursor, QueryErrorKind, StreamingIterator, Tree};

use crate::lang::Language;

/// A query compiled for every grammar of its language (TypeScript has two,
/// for `.ts` and `.tsx`).
pub struct CompiledQuery {
    source: String,
    grammars: Vec<(&'static str, Query)>,
}

impl CompiledQuery {
    pub fn source(&self) -> &str {
        &self.source
    }

    fn for_grammar(&self, key: &str) -> Option<&Query> {
        self.grammars
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, q)| q)
    }
}

impl fmt::Debug for CompiledQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompiledQuery")
            .field("source", &self.source)
            .finish()
    }
}

impl PartialEq for CompiledQuery {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// What is wrong with a query, and where in its text (0-based row, byte
/// column within that row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    pub row: usize,
    pub column: usize,
    pub message: String,
}

/// A query or rule metric to run during analysis.
#[derive(Debug, Clone)]
pub struct QueryJob {
    /// The metric's name, which its hits carry.
    pub metric: String,
    pub language: Language,
    pub engine: Engine,
}

/// What a job runs over a file's tree.
#[derive(Debug, Clone)]
pub enum Engine {
    /// A `query` metric's tree-sitter query.
    Query(Arc<CompiledQuery>),
    /// A `rule` metric's document for the job's language.
    Rule(Arc<super::rule::RuleDoc>),
}

impl Engine {
    /// Its text, which the facts cache's salt holds.
    pub fn source(&self) -> &str {
        match self {
            Engine::Query(q) => q.source(),
            Engine::Rule(r) => r.source(),
        }
    }
}

/// The predicates tree-sitter's query cursor evaluates.
const EVALUATED: &str = "#eq?, #not-eq?, #any-eq?, #any-not-eq?, #match?, #not-match?, \
                         #any-match?, #any-not-match?, #any-of?, #not-any-of?";

/// Compiles `source` for every grammar of `language`.
pub fn compile(language: Language, source: &str) -> Result<CompiledQuery, QueryProblem> {
    let mut grammars = Vec::new();
    for (key, grammar) in super::grammars(language) {
        let query = Query::new(&grammar, source).map_err(|e| QueryProblem {
            row: e.row,
            column: e.column,
            message: describe(&e.kind, &e.message, key),
        })?;
        check(&query, source)?;
        grammars.push((key, query));
    }
    Ok(CompiledQuery {
        source: source.to_string(),
        grammars,
    })
}

fn describe(kind: &QueryErrorKind, message: &str, grammar: &str) -> String {
    // tree-sitter 0.27 quotes the name it could not find; the message quotes it itself.
    let message = message.trim_matches('"');
    match kind {
        QueryErrorKind::Syntax => "invalid query: syntax error".to_string(),
        QueryErrorKind::NodeType => {
            format!("invalid query: the {grammar} grammar has no node type `{message}`")
        }
        QueryErrorKind::Field => {
            format!("invalid query: the {grammar} grammar has no field `{message}`")
        }
        QueryErrorKind::Capture => {
            format!(
                "invalid query: the predicate uses `@{message}`, which the pattern does not capture"
            )
        }
        QueryErrorKind::Predicate => format!("invalid query: {message}"),
        QueryErrorKind::Structure => format!(
            "invalid query: impossible pattern, the {grammar} grammar never nests these nodes this way"
        ),
        QueryErrorKind::Language => format!("invalid query: {message}"),
    }
}

/// What compiles but cannot be measured: an empty query, a pattern without a
/// capture, a predicate tree-sitter would ignore.
fn check(query: &Query, source: &str) -> Result<(), QueryProblem> {
    let at = |offset: usize, message: String| {
        let before = source.get(..offset).unwrap_or(source);
        let row = before.matches('\n').count();
        let column = offset - before.rfind('\n').map_or(0, |i| i + 1);
        QueryProblem {
            row,
            column,
            message,
        }
    };
    if query.pattern_count() == 0 {
        return Err(at(0, "the query has no pattern".to_string()));
    }
    for i in 0..query.pattern_count() {
        let start = query.start_byte_for_pattern(i);
        let always_captures = query
            .capture_quantifiers(i)
            .iter()
            .any(|q| matches!(q, CaptureQuantifier::One | CaptureQuantifier::OneOrMore));
        if !always_captures {
            return Err(at(
                start,
                "this pattern captures no node: qscan reports a match at its first captured \
                 node, so add a capture such as `@match` after a node that is always there"
                    .to_string(),
            ));
        }
        if let Some(p) = query.general_predicates(i).first() {
            return Err(at(
                start,
                format!(
                    "predicate `#{}` is not evaluated by tree-sitter, so it would be ignored; \
                     use one of {EVALUATED}",
                    p.operator
                ),
            ));
        }
        if let Some(p) = query.property_predicates(i).first() {
            return Err(at(
                start,
                format!(
                    "predicate `#{}is?` is not evaluated by tree-sitter, so it would be ignored; \
                     use one of {EVALUATED}",
                    if p.1 { "" } else { "not-" }
                ),
            ));
        }
    }
    Ok(())
}

/// Where `query` matches in a tree of the grammar `key`: the start byte and
/// 1-based line of each match's first captured node, in order, without
/// repeats.
pub fn run(query: &CompiledQuery, key: &str, tree: &Tree, text: &str) -> Vec<(usize, u32)> {
    let Some(query) = query.for_grammar(key) else {
        return Vec::new();
    };
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    let mut places = Vec::new();
    while let Some(m) = matches.next() {
        if let Some(node) = m
            .captures()
            .iter()
            .map(|c| c.node)
            .min_by_key(|n| n.start_byte())
        {
            places.push((node.start_byte(), node.start_position().row as u32 + 1));
        }
    }
    places.sort_unstable();
    places.dedup();
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(language: Language, q: &str) -> QueryProblem {
        compile(language, q).expect_err("the query is invalid")
    }

    #[test]
    fn compiles_for_every_grammar_of_the_language() {
        let q = compile(
            Language::from_name("typescript").unwrap(),
            "(arrow_function) @f",
        )
        .unwrap();
        assert!(q.for_grammar("typescript").is_some() && q.for_grammar("tsx").is_some());
    }

    #[test]
    fn errors_name_what_and_where() {
        let p = problem(
            Language::from_name("rust").unwrap(),
            "(function_item)\n  (funtion_item) @f",
        );
        assert_eq!((p.row, p.column), (1, 3));
        assert_eq!(
            p.message,
            "invalid query: the rust grammar has no node type `funtion_item`"
        );
        let p = problem(
            Language::from_name("python").unwrap(),
            "(call function: (identifier) @f",
        );
        assert_eq!(p.message, "invalid query: syntax error");
        let p = problem(
            Language::from_name("python").unwrap(),
            "(call nme: (identifier)) @f",
        );
        assert_eq!(
            p.message,
            "invalid query: the python grammar has no field `nme`"
        );
    }

    #[test]
    fn rejects_what_could_not_be_measured() {
        assert_eq!(
            problem(Language::from_name("rust").unwrap(), "; nothing\n").message,
            "the query has no pattern"
        );
        let p = problem(
            Language::from_name("rust").unwrap(),
            "(function_item) @f\n(call_expression)",
        );
        assert_eq!((p.row, p.column), (1, 0));
        assert!(
            p.message.starts_with("this pattern captures no node"),
            "{}",
            p.message
        );
        let p = problem(
            Language::from_name("rust").unwrap(),
            "((identifier) @i (#is-not? local))",
        );
        assert!(p.message.contains("would be ignored"), "{}", p.message);
        let p = problem(
            Language::from_name("rust").unwrap(),
            "((identifier) @i (#frob? @i))",
        );
        assert!(
            p.message.starts_with("predicate `#frob?` is not evaluated"),
            "{}",
            p.message
        );
        // An optional capture alone is not enough.
        let p = problem(
            Language::from_name("rust").unwrap(),
            "(function_item (visibility_modifier)? @v)",
        );
        assert!(
            p.message.starts_with("this pattern captures no node"),
            "{}",
            p.message
        );
    }

    #[test]
    fn matches_at_the_first_capture_once() {
        let text = "fn a() { x.lock(); }\nfn b() {\n    y.lock().unwrap();\n}\n";
        let tree = crate::lang::parse(Language::from_name("rust").unwrap(), "x.rs", text).unwrap();
        let q = compile(
            Language::from_name("rust").unwrap(),
            // Two patterns matching the same place: one place.
            r#"(call_expression function: (field_expression field: (field_identifier) @m (#eq? @m "lock")))
               (field_expression field: (field_identifier) @m (#eq? @m "lock"))"#,
        )
        .unwrap();
        let lines: Vec<u32> = run(&q, "rust", &tree, text).iter().map(|p| p.1).collect();
        assert_eq!(lines, [1, 3]);
    }
}
