//! Pattern rules, the `rule` metric kind's engine: rules written in
//! ast-grep's rule format (code patterns with metavariables, `kind`, `regex`,
//! `inside`/`has`/`not`/`all`/`any`, `stopBy`, `field`), matched by
//! ast-grep itself over the tree each file is already parsed into.
//!
//! A rule file is a stream of YAML documents, one per language, each an
//! ast-grep rule (`id`, `language`, `rule`, `constraints`, `utils`,
//! `message`, `note`) with qscan's own keys for what is counted (the
//! README's "Pattern rules" section):
//!
//! - `units`: `function` (the default), `file`, or a rule whose matches are
//!   the units (endpoints: functions with a route decorator);
//! - `min_matches`: a unit offends when it holds at least this many matches
//!   of `rule` (1 by default);
//! - `not_all_inside`: … unless one node this rule matches holds them all
//!   (every write inside one transaction);
//! - `after`: only matches that start after a match of this rule ended, in
//!   the same unit, count (a read after a write);
//! - `metadata`: ast-grep's free-form table; qscan reads its `frameworks`
//!   (names of [`FRAMEWORKS`]), where `qscan init` proposes the rule;
//! - `params`: the rule's parameters and their defaults, written `{{name}}`
//!   in its strings, each replaced by its values joined as a regular
//!   expression alternation.
//!
//! The grammars come from the language registry: qscan's languages are
//! ast-grep languages through [`Grammar`], which learns from the grammar
//! itself whether `$` may start an identifier (else metavariables are
//! parsed with ast-grep's stand-in character, `µ`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use ast_grep_config::{DeserializeEnv, RuleCore, SerializableRule, SerializableRuleCore};
use ast_grep_core::matcher::PatternBuilder;
use ast_grep_core::tree_sitter::{LanguageExt, StrDoc, TSLanguage};
use ast_grep_core::{AstGrep, Pattern, PatternError};
use serde::Deserialize;
use tree_sitter::Tree;

use crate::lang::Language;

/// The most read of a rule file.
pub const MAX_RULE_BYTES: u64 = 1 << 20;

/// The rules qscan ships, each a file under `rules/` in the repository
/// (copyable as a starting point): name, text.
pub static PACK: &[(&str, &str)] = &[
    (
        "endpoint-writes-in-one-transaction",
        include_str!("../../rules/endpoint-writes-in-one-transaction.yml"),
    ),
    (
        "read-after-write-on-replica",
        include_str!("../../rules/read-after-write-on-replica.yml"),
    ),
    (
        "unnecessary-primary-read",
        include_str!("../../rules/unnecessary-primary-read.yml"),
    ),
    (
        "process-global-lock",
        include_str!("../../rules/process-global-lock.yml"),
    ),
    (
        "lock-guard-across-await",
        include_str!("../../rules/lock-guard-across-await.yml"),
    ),
    (
        "whole-table-lock",
        include_str!("../../rules/whole-table-lock.yml"),
    ),
];

/// A pack rule's text, by name.
/// The frameworks the pack's rules name in their `metadata`, each with the
/// languages whose imports reveal it: a file of one of those languages that
/// imports the module of the framework's name (`actix-web` as `actix_web` in
/// Rust) uses it.
pub static FRAMEWORKS: &[(&str, &[&str])] = &[
    ("django", &["python"]),
    ("flask", &["python"]),
    ("fastapi", &["python"]),
    ("express", &["javascript", "typescript"]),
    ("axum", &["rust"]),
    ("actix-web", &["rust"]),
    ("tokio", &["rust"]),
];

pub fn pack_rule(name: &str) -> Option<&'static str> {
    PACK.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// One grammar of a language, as ast-grep sees it.
#[derive(Clone)]
pub struct Grammar {
    ts: TSLanguage,
    expando: char,
}

impl Grammar {
    pub fn new(ts: TSLanguage) -> Grammar {
        // ast-grep's own stand-in for `$` where the grammar does not let an
        // identifier start with it (Python, Rust).
        let parses = |src: &str| {
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&ts).is_ok()
                && parser
                    .parse(src, None)
                    .is_some_and(|t| !t.root_node().has_error())
        };
        let expando = if !parses("$A;") && parses("µA;") {
            'µ'
        } else {
            '$'
        };
        Grammar { ts, expando }
    }
}

impl ast_grep_core::Language for Grammar {
    fn pre_process_pattern<'q>(&self, query: &'q str) -> Cow<'q, str> {
        if self.expando == '$' {
            Cow::Borrowed(query)
        } else {
            Cow::Owned(query.replace('$', &self.expando.to_string()))
        }
    }

    fn expando_char(&self) -> char {
        self.expando
    }

    fn kind_to_id(&self, kind: &str) -> u16 {
        self.ts.id_for_node_kind(kind, true)
    }

    fn field_to_id(&self, field: &str) -> Option<u16> {
        self.ts.field_id_for_name(field).map(|f| f.get())
    }

    fn build_pattern(&self, builder: &PatternBuilder) -> Result<Pattern, PatternError> {
        builder.build(|src| StrDoc::try_new(src, self.clone()))
    }
}

impl LanguageExt for Grammar {
    fn get_ts_language(&self) -> TSLanguage {
        self.ts.clone()
    }
}

/// What a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    Function,
    File,
    /// The nodes the document's `units` rule matches.
    Selected,
}

/// One document of a rule file: the rule for one language, compiled for
/// each of its grammars.
pub struct RuleDoc {
    pub id: String,
    pub language: Language,
    pub message: Option<String>,
    pub units: UnitKind,
    pub min_matches: u64,
    /// The frameworks (of [`FRAMEWORKS`]) whose code the document is for,
    /// from its `metadata`: `qscan init` proposes the rule where it finds
    /// one of them.
    pub frameworks: Vec<String>,
    /// The document's text after parameters were filled in (the facts
    /// cache's salt).
    source: String,
    grammars: Vec<(&'static str, Matchers)>,
}

struct Matchers {
    grammar: Grammar,
    rule: RuleCore,
    units: Option<RuleCore>,
    not_all_inside: Option<RuleCore>,
    after: Option<RuleCore>,
}

impl fmt::Debug for RuleDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleDoc")
            .field("id", &self.id)
            .field("language", &self.language)
            .finish()
    }
}

impl RuleDoc {
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// What is wrong with a rule: where in its text (1-based line and column),
/// and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    id: String,
    language: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    note: Option<String>,
    rule: SerializableRule,
    #[serde(default)]
    constraints: Option<HashMap<String, SerializableRule>>,
    #[serde(default)]
    utils: Option<HashMap<String, SerializableRule>>,
    #[serde(default)]
    units: Option<RawUnits>,
    #[serde(default)]
    min_matches: Option<u64>,
    #[serde(default)]
    not_all_inside: Option<SerializableRule>,
    #[serde(default)]
    after: Option<SerializableRule>,
    #[serde(default)]
    #[allow(dead_code, reason = "read before, by `ParamsOnly`")]
    params: Option<HashMap<String, Vec<String>>>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

/// ast-grep's free-form `metadata`: qscan reads `frameworks` and ignores
/// the rest.
#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    frameworks: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawUnits {
    Word(String),
    Rule(Box<SerializableRule>),
}

/// Only the parameters, read before they are filled in.
#[derive(Deserialize)]
struct ParamsOnly {
    #[serde(default)]
    params: Option<HashMap<String, Vec<String>>>,
}

/// A document's first line in the text (1-based) and its text.
fn documents(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut first_line = 1;
    let mut pos = 0;
    for (line_no, line) in (1..).zip(text.split_inclusive('\n')) {
        if line.trim_end() == "---" {
            out.push((first_line, &text[start..pos]));
            start = pos + line.len();
            first_line = line_no + 1;
        }
        pos += line.len();
    }
    out.push((first_line, &text[start..]));
    out.retain(|(_, t)| {
        t.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    out
}

fn yaml_problem(e: &serde_saphyr::Error, first_line: usize) -> RuleProblem {
    let (line, column) = e
        .location()
        .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    let message = e.without_snippet().to_string();
    // The message may repeat the place; the place is said once, before it.
    let message = message.lines().next().unwrap_or("");
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    RuleProblem {
        line: first_line + line.max(1) - 1,
        column: column.max(1),
        message: format!("invalid rule: {message}"),
    }
}

/// A name from the rule, cut short for a message (a rule file is the
/// repository's text; the message escapes it when it is shown).
fn short(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    cut.escape_debug().to_string()
}

/// The words a parameter's values become: a regular-expression alternation
/// of the values, each escaped.
fn alternation(values: &[String]) -> String {
    values
        .iter()
        .map(|v| regex::escape(v))
        .collect::<Vec<_>>()
        .join("|")
}

/// Compiles every document of a rule file. `params` are the values the
/// metric gives (they replace the rule's defaults).
pub fn compile(
    text: &str,
    params: &HashMap<String, Vec<String>>,
) -> Result<Vec<RuleDoc>, RuleProblem> {
    let docs = documents(text);
    if docs.is_empty() {
        return Err(RuleProblem {
            line: 1,
            column: 1,
            message: "the rule file holds no rule".into(),
        });
    }
    let mut declared_names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (first_line, doc_text) in docs {
        let declared: ParamsOnly =
            ast_grep_config::from_str(doc_text).map_err(|e| yaml_problem(&e, first_line))?;
        let declared = declared.params.unwrap_or_default();
        let mut filled = doc_text.to_string();
        for (name, default) in &declared {
            let values = params.get(name).unwrap_or(default);
            declared_names.push(name.clone());
            filled = filled.replace(&format!("{{{{{name}}}}}"), &alternation(values));
        }
        if let Some(at) = filled.find("{{") {
            let (line, column) = line_col(&filled, at);
            let name: String = filled[at + 2..]
                .chars()
                .take_while(|c| *c != '}')
                .take(40)
                .collect();
            return Err(RuleProblem {
                line: first_line + line - 1,
                column,
                message: format!("`{{{{{name}}}}}` names no parameter of the rule's `params`"),
            });
        }
        out.push(compile_doc(&filled, first_line)?);
    }
    if let Some(unused) = params.keys().find(|k| !declared_names.contains(k)) {
        return Err(RuleProblem {
            line: 1,
            column: 1,
            message: format!("the rule has no parameter `{unused}`"),
        });
    }
    Ok(out)
}

fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

fn compile_doc(text: &str, first_line: usize) -> Result<RuleDoc, RuleProblem> {
    let raw: RawDoc = ast_grep_config::from_str(text).map_err(|e| yaml_problem(&e, first_line))?;
    let at_key = |key: &str, message: String| {
        let at = text
            .find(&format!("\n{key}:"))
            .map_or(0, |i| i + 1)
            .min(text.len());
        let (line, column) = line_col(text, at);
        RuleProblem {
            line: first_line + line - 1,
            column,
            message,
        }
    };
    let _ = raw.note;
    let Some(language) = Language::from_name(&raw.language) else {
        return Err(at_key(
            "language",
            format!(
                "unknown language `{}`; expected one of {}",
                short(&raw.language),
                crate::lang::names()
            ),
        ));
    };
    let units = match &raw.units {
        None => UnitKind::Function,
        Some(RawUnits::Word(w)) if w == "function" => UnitKind::Function,
        Some(RawUnits::Word(w)) if w == "file" => UnitKind::File,
        Some(RawUnits::Word(w)) => {
            return Err(at_key(
                "units",
                format!(
                    "units `{}` is not known; expected \"function\", \"file\" or a rule",
                    short(w)
                ),
            ));
        }
        Some(RawUnits::Rule(_)) => UnitKind::Selected,
    };
    let min_matches = raw.min_matches.unwrap_or(1);
    if min_matches == 0 {
        return Err(at_key(
            "min_matches",
            "min_matches must be at least 1".into(),
        ));
    }
    let mut grammars = Vec::new();
    for (key, ts) in super::grammars(language) {
        let grammar = Grammar::new(ts);
        check_patterns(text, first_line, &grammar, key)?;
        let core = |rule: &SerializableRule, constraints: bool, key: &str| {
            let core = SerializableRuleCore {
                rule: rule.clone(),
                constraints: if constraints {
                    raw.constraints.clone()
                } else {
                    None
                },
                utils: raw.utils.clone(),
                transform: None,
            };
            core.get_matcher(DeserializeEnv::new(grammar.clone()))
                .map_err(|e| semantic_problem(text, first_line, key, &e))
        };
        let rule = core(&raw.rule, true, "rule")?;
        let units = match &raw.units {
            Some(RawUnits::Rule(r)) => Some(core(r, false, "units")?),
            _ => None,
        };
        let not_all_inside = match &raw.not_all_inside {
            Some(r) => Some(core(r, false, "not_all_inside")?),
            None => None,
        };
        let after = match &raw.after {
            Some(r) => Some(core(r, false, "after")?),
            None => None,
        };
        grammars.push((
            key,
            Matchers {
                grammar,
                rule,
                units,
                not_all_inside,
                after,
            },
        ));
    }
    Ok(RuleDoc {
        id: raw.id,
        language,
        message: raw.message,
        units,
        min_matches,
        frameworks: raw.metadata.unwrap_or_default().frameworks,
        source: text.to_string(),
        grammars,
    })
}

/// Every `pattern` string of a document must parse to a node that is not a
/// syntax error (ast-grep's own test, `Pattern::has_error`): ast-grep
/// accepts such a pattern and it then matches what the error node happens
/// to match, which would silently change the numbers.
fn check_patterns(
    text: &str,
    first_line: usize,
    grammar: &Grammar,
    key: &str,
) -> Result<(), RuleProblem> {
    let Ok(value) = ast_grep_config::from_str::<serde_json::Value>(text) else {
        return Ok(());
    };
    // An explicit stack: a rule file is the repository's text.
    let mut stack = vec![&value];
    let mut patterns = Vec::new();
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("pattern", serde_json::Value::String(p)) => patterns.push(p.as_str()),
                        _ => stack.push(v),
                    }
                }
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    for p in patterns {
        let Ok(pattern) = Pattern::try_new(p, grammar.clone()) else {
            // ast-grep's own error follows, with its words.
            continue;
        };
        if pattern.has_error() {
            let first = p.lines().next().unwrap_or(p);
            let at = text.find(first).unwrap_or(0);
            let (line, column) = line_col(text, at);
            return Err(RuleProblem {
                line: first_line + line - 1,
                column,
                message: format!(
                    "invalid rule: the pattern `{}` does not parse in the {key} grammar",
                    short(p.trim())
                ),
            });
        }
    }
    Ok(())
}

/// A rule that parsed as YAML but does not compile (a pattern that does not
/// parse, an unknown kind, a bad regular expression): placed at the value
/// the message names (in backticks) when it is in the document, else at the
/// key of the sub-rule that failed.
fn semantic_problem(
    text: &str,
    first_line: usize,
    key: &str,
    error: &dyn std::error::Error,
) -> RuleProblem {
    // Each cause on one line: a regex error draws a caret under its text.
    let one_line = |e: &dyn std::error::Error| {
        e.to_string()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && l.chars().any(|c| c != '^'))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut parts = vec![one_line(error)];
    let mut lines_of_causes = Vec::new();
    let mut source = error.source();
    while let Some(s) = source {
        parts.push(one_line(s));
        lines_of_causes.extend(s.to_string().lines().skip(1).map(|l| l.trim().to_string()));
        source = s.source();
    }
    parts.dedup();
    // The part of the rule, and the innermost cause.
    let message = match (parts.first(), parts.last()) {
        (Some(first), Some(last)) if parts.len() > 1 => {
            format!("invalid rule: {}: {}", first.trim_end_matches('.'), last)
        }
        _ => format!("invalid rule: {}", parts.join(": ")),
    };
    // Not the first part, which names the part of the rule (`rule`).
    let named = parts.iter().skip(1).rev().find_map(|p| {
        let start = p.find('`')? + 1;
        let len = p[start..].find('`')?;
        Some(p[start..start + len].to_string())
    });
    // The text a cause names: in backticks, or a line it quotes (a regex).
    let at = named
        .into_iter()
        .chain(lines_of_causes.into_iter().filter(|l| l.len() >= 3))
        .find_map(|n| text.find(&n))
        .or_else(|| text.find(&format!("\n{key}:")).map(|i| i + 1))
        .unwrap_or(0);
    let (line, column) = line_col(text, at);
    RuleProblem {
        line: first_line + line - 1,
        column,
        message,
    }
}

/// One unit a rule found something to say about: an offending function or
/// file, or any unit a `units` rule selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFound {
    /// The unit's first line (a selected unit's node; else unused).
    pub line: u32,
    /// The function the unit is (or starts in), by index in the file's functions.
    pub function: Option<usize>,
    /// The lines of the matches that count.
    pub lines: Vec<u32>,
    pub offends: bool,
}

/// Runs one document over a tree of grammar `key`. `functions` are the
/// file's function ranges (`Scratch::function_ranges`).
pub fn run(
    doc: &RuleDoc,
    key: &str,
    tree: &Tree,
    text: &str,
    functions: &[Range<usize>],
) -> Vec<UnitFound> {
    let Some((_, m)) = doc.grammars.iter().find(|(k, _)| *k == key) else {
        return Vec::new();
    };
    let root = AstGrep::doc(StrDoc {
        src: text.to_string(),
        lang: m.grammar.clone(),
        tree: tree.clone(),
    });
    let node = root.root();
    let found = |matcher: &RuleCore| -> Vec<(Range<usize>, u32)> {
        let mut v: Vec<(Range<usize>, u32)> = node
            .find_all(matcher)
            .map(|n| (n.range(), n.start_pos().line() as u32 + 1))
            .collect();
        v.sort_by_key(|(r, _)| (r.start, r.end));
        v.dedup_by_key(|(r, _)| (r.start, r.end));
        v
    };
    let matches = found(&m.rule);
    let wrappers = m.not_all_inside.as_ref().map(&found);
    let after = m.after.as_ref().map(&found);
    let file_range = 0..text.len();
    // The units, and for each match the unit it belongs to.
    let (units, unit_lines): (Vec<Range<usize>>, Vec<u32>) = match (doc.units, &m.units) {
        (UnitKind::Selected, Some(u)) => found(u).into_iter().unzip(),
        (UnitKind::File, _) => (vec![file_range], vec![1]),
        _ => (functions.to_vec(), vec![0; functions.len()]),
    };
    let starts: Vec<usize> = matches.iter().map(|(r, _)| r.start).collect();
    let owners = super::innermost(&units, &starts);
    let mut by_unit: Vec<Vec<&(Range<usize>, u32)>> = vec![Vec::new(); units.len()];
    for (owner, hit) in owners.iter().zip(&matches) {
        if let Some(list) = owner.and_then(|u| by_unit.get_mut(u)) {
            list.push(hit);
        }
    }
    let unit_starts: Vec<usize> = units.iter().map(|r| r.start).collect();
    let unit_functions = super::innermost(functions, &unit_starts);
    let mut out = Vec::new();
    for (i, hits) in by_unit.into_iter().enumerate() {
        let unit = &units[i];
        let hits: Vec<&(Range<usize>, u32)> = match &after {
            Some(after) => hits
                .into_iter()
                .filter(|(r, _)| {
                    after
                        .iter()
                        .any(|(a, _)| a.end <= r.start && a.start >= unit.start)
                })
                .collect(),
            None => hits,
        };
        let mut offends = hits.len() as u64 >= doc.min_matches;
        if offends
            && let Some(wrappers) = &wrappers
            && let (Some(first), Some(last)) = (
                hits.iter().map(|(r, _)| r.start).min(),
                hits.iter().map(|(r, _)| r.end).max(),
            )
        {
            offends = !wrappers
                .iter()
                .any(|(w, _)| w.start <= first && last <= w.end);
        }
        if doc.units != UnitKind::Selected && !offends {
            continue;
        }
        let mut lines: Vec<u32> = hits.iter().map(|(_, l)| *l).collect();
        lines.sort_unstable();
        lines.dedup();
        out.push(UnitFound {
            line: unit_lines.get(i).copied().unwrap_or(0),
            function: match doc.units {
                UnitKind::Function => Some(i),
                UnitKind::File => None,
                UnitKind::Selected => unit_functions.get(i).copied().flatten(),
            },
            lines,
            offends,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(name: &str) -> Language {
        Language::from_name(name).unwrap()
    }

    fn run_on(rule: &str, language: &str, path: &str, src: &str) -> Vec<UnitFound> {
        let docs = compile(rule, &HashMap::new()).unwrap();
        let tree = crate::lang::parse(lang(language), path, src).unwrap();
        let mut facts = crate::facts::FileFacts::default();
        let mut scratch = crate::lang::Scratch::default();
        (lang(language).spec().analyze)(&tree, src, &mut facts, &mut scratch);
        let key = lang(language).grammar(path).1.key;
        run(&docs[0], key, &tree, src, &scratch.function_ranges)
    }

    #[test]
    fn metavariables_work_in_python_and_rust() {
        let rule = "id: t\nlanguage: python\nrule:\n  pattern: $X.save()\n";
        let found = run_on(
            rule,
            "python",
            "a.py",
            "def f(a):\n    a.save()\n\ndef g(a):\n    a.load()\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].function, found[0].lines.clone()),
            (Some(0), vec![2])
        );
        let rule = "id: t\nlanguage: rust\nrule:\n  pattern: $M.lock()\n";
        let found = run_on(rule, "rust", "a.rs", "fn f() { m.lock(); }\nfn g() {}\n");
        assert_eq!(found[0].function, Some(0));
    }

    #[test]
    fn min_matches_not_all_inside_and_after() {
        let rule = "id: t\nlanguage: python\nrule:\n  pattern: $X.save()\nmin_matches: 2\n\
                    not_all_inside:\n  pattern: |\n    with atomic():\n      $$$\n";
        let src = "def one(a, b):\n    with atomic():\n        a.save()\n        b.save()\n\n\
                   def two(a, b):\n    with atomic():\n        a.save()\n    with atomic():\n        b.save()\n\n\
                   def single(a):\n    a.save()\n";
        let found = run_on(rule, "python", "a.py", src);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].function, found[0].lines.clone()),
            (Some(1), vec![8, 10])
        );
        let rule =
            "id: t\nlanguage: python\nrule:\n  pattern: $X.load()\nafter:\n  pattern: $X.save()\n";
        let src =
            "def w(a):\n    a.load()\n    a.save()\n\ndef r(a):\n    a.save()\n    a.load()\n";
        let found = run_on(rule, "python", "a.py", src);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].lines, [7]);
    }

    #[test]
    fn selected_units_are_all_reported() {
        let rule = "id: t\nlanguage: python\nunits:\n  kind: function_definition\n  regex: '^def view'\n\
                    rule:\n  pattern: $X.save()\n";
        let src = "def view_a(x):\n    x.save()\n\ndef view_b(x):\n    pass\n\ndef other(x):\n    x.save()\n";
        let found = run_on(rule, "python", "a.py", src);
        let got: Vec<(u32, Option<usize>, bool)> = found
            .iter()
            .map(|u| (u.line, u.function, u.offends))
            .collect();
        assert_eq!(got, [(1, Some(0), true), (4, Some(1), false)]);
    }

    #[test]
    fn problems_name_their_place() {
        let p = compile(
            "id: t\nlanguage: python\nrule:\n  kind: no_such_kind\n",
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!((p.line, p.column), (4, 9), "{}", p.message);
        let p = compile(
            "id: t\nlanguage: python\nrule:\n  any:\n    - pattern: 'f(x'\n",
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!((p.line, p.column), (5, 17), "{}", p.message);
        assert!(p.message.contains("does not parse"), "{}", p.message);
        let p = compile(
            "id: t\nlanguage: cobol\nrule:\n  kind: call\n",
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!(p.line, 2);
        assert!(
            p.message.starts_with("unknown language `cobol`"),
            "{}",
            p.message
        );
        let p = compile(
            "id: t\nlanguage: python\nrule:\n  kinds: call\n",
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!(p.line, 4, "{}", p.message);
        let p = compile(
            "a: 1\n---\nid: t\nlanguage: python\nrule:\n  pattern: '{{x}}'\n",
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!(p.line, 1, "{}", p.message);
        let p = compile(
            "id: t\nlanguage: python\nrule:\n  regex: '{{x}}'\n",
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!((p.line, p.column), (4, 11), "{}", p.message);
    }

    #[test]
    fn params_fill_in_their_defaults_or_given_values() {
        let rule = "id: t\nlanguage: python\nparams:\n  names: [save]\nrule:\n  regex: '^({{names}})$'\n  kind: identifier\n";
        let src = "def f(a):\n    a.save()\n\ndef g(a):\n    a.keep()\n";
        assert_eq!(run_on(rule, "python", "a.py", src)[0].function, Some(0));
        let given = HashMap::from([("names".to_string(), vec!["keep".to_string()])]);
        let docs = compile(rule, &given).unwrap();
        assert!(docs[0].source().contains("^(keep)$"));
        let other = HashMap::from([("nope".to_string(), vec![])]);
        assert!(
            compile(rule, &other)
                .unwrap_err()
                .message
                .contains("no parameter `nope`")
        );
    }

    /// Every framework a pack document names is known for the document's
    /// language, and every known framework has a rule `qscan init` proposes.
    #[test]
    fn pack_frameworks_are_the_known_ones() {
        let mut named = Vec::new();
        for (name, text) in PACK {
            for doc in compile(text, &HashMap::new()).unwrap() {
                assert!(!doc.frameworks.is_empty(), "{name} {:?}", doc.language);
                for f in &doc.frameworks {
                    let known = FRAMEWORKS.iter().find(|(n, _)| n == f);
                    let langs = known.map(|(_, l)| *l).unwrap_or_default();
                    assert!(langs.contains(&doc.language.name()), "{name}: {f}");
                    named.push(f.clone());
                }
            }
        }
        for (f, _) in FRAMEWORKS {
            assert!(named.iter().any(|n| n == f), "{f}");
        }
    }

    #[test]
    fn metadata_keeps_frameworks_and_ignores_the_rest() {
        let text = "id: x\nlanguage: python\nmetadata:\n  frameworks: [flask]\n  owner: {team: a}\nrule:\n  kind: call\n";
        let docs = compile(text, &HashMap::new()).unwrap();
        assert_eq!(docs[0].frameworks, ["flask"]);
        let bare = compile(
            "id: x\nlanguage: python\nrule:\n  kind: call\n",
            &HashMap::new(),
        );
        assert!(bare.unwrap()[0].frameworks.is_empty());
    }

    #[test]
    fn every_pack_rule_compiles() {
        for (name, text) in PACK {
            let docs = compile(text, &HashMap::new()).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert!(docs.iter().all(|d| d.id == *name), "{name}");
        }
    }
}
