//! `rule`: the share of units (functions, files, or the units a rule
//! selects, such as endpoints) that a pattern rule in ast-grep's format does
//! not find offending — the state and concurrency questions (writes outside
//! one transaction, locks global to the process) as one line of
//! quality.toml. The rule ran during analysis (`analyze::rule`); what it
//! found are facts.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::RuleText;
use super::keys::token;
use super::{
    Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Table, Type,
};
use crate::analyze::rule::{self, MAX_RULE_BYTES, RuleDoc, UnitKind};
use crate::discover::confine;

const RULE: Key = Key {
    name: "rule",
    ty: Type::Text,
    doc: "a rule of qscan's pack, by name (`qscan explain rules` lists them)",
};
const RULE_FILE: Key = Key {
    name: "rule_file",
    ty: Type::Text,
    doc: "a rule file in ast-grep's YAML format, a path inside the repository",
};
const RULE_TEXT: Key = Key {
    name: "rule_text",
    ty: Type::Text,
    doc: "a rule in ast-grep's YAML format, written in quality.toml",
};
const REPLICA_ALIASES: Key = Key {
    name: "replica_aliases",
    ty: Type::Texts,
    doc: "the database aliases of read replicas, for a rule that takes them",
};
const PRIMARY_ALIASES: Key = Key {
    name: "primary_aliases",
    ty: Type::Texts,
    doc: "the database aliases of the primary, for a rule that takes them",
};

/// The keys that are a rule's parameters (`{{name}}` in its text).
const PARAMS: [Key; 2] = [REPLICA_ALIASES, PRIMARY_ALIASES];

pub const INFO: KindInfo = KindInfo {
    name: "rule",
    unit: "function or file",
    offender: "rule offence",
    source: Source::Files,
    roles: super::SOURCE,
    keys: &[RULE, RULE_FILE, RULE_TEXT, REPLICA_ALIASES, PRIMARY_ALIASES],
    min: Min::Percent,
    hint: "rewrite the code the rule matches (its message says why)",
    parse,
    summary: "The share of functions, files or selected units (such as endpoints) a pattern rule in ast-grep's format finds no offence in.",
    rule: RuleText::Fixed(
        "The rule is one of qscan's pack (`rule`, by name), a file of the repository \
         (`rule_file`) or YAML text in quality.toml (`rule_text`): ast-grep's rule format, one \
         document per language. A document's `units` are `function` (the default: the \
         language's functions; a match belongs to the innermost function it starts in), `file`, \
         or a rule whose matches are the units (a match belongs to the innermost unit holding \
         it). A unit offends when it holds at least `min_matches` (default 1) matches of the \
         document's `rule`, unless one match of its `not_all_inside` rule holds them all; with \
         `after`, only matches that start after a match of that rule in the same unit count. \
         `replica_aliases` and `primary_aliases` fill in a rule's parameters of those names \
         (else the rule's defaults apply). Files of a language the rule has no document for are \
         not counted. A rule that does not compile is an error at its line and column in \
         quality.toml or in the rule file.",
    ),
};

#[derive(Debug)]
pub struct Params {
    /// How the definition named the rule (`rule = "NAME"`, a file, inline).
    pub origin: String,
    /// One document per language.
    pub docs: Vec<Arc<RuleDoc>>,
    pub params: Vec<(String, Vec<String>)>,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        let mut out = vec![self.origin.clone()];
        for (name, values) in &self.params {
            out.push(format!("{name} = {values:?}"));
        }
        out
    }
}

fn parse(t: &mut Table) -> Option<super::Params> {
    let named = t.text(&RULE);
    let file = t.text(&RULE_FILE);
    let inline = t.text(&RULE_TEXT);
    let mut params = HashMap::new();
    let mut shown = Vec::new();
    for key in &PARAMS {
        let values = t.texts(key);
        if !values.is_empty() {
            params.insert(key.name.to_string(), values.clone());
            shown.push((key.name.to_string(), values));
        }
    }
    let given = [&named, &file, &inline]
        .iter()
        .filter(|v| v.is_some())
        .count();
    if given > 1 {
        let span = [&named, &file, &inline]
            .iter()
            .filter_map(|v| v.as_ref().map(|v| v.span()))
            .nth(1)
            .unwrap_or(t.span.clone());
        t.error(
            span,
            "give one of `rule`, `rule_file` and `rule_text`, not several",
        );
        return None;
    }
    let (origin, docs) = if let Some(name) = named {
        let Some(text) = rule::pack_rule(name.get_ref()) else {
            let names: Vec<&str> = rule::PACK.iter().map(|(n, _)| *n).collect();
            t.error(
                name.span(),
                format!(
                    "qscan has no rule `{}`; its rules are {}",
                    token(name.get_ref()),
                    names.join(", ")
                ),
            );
            return None;
        };
        let docs = match rule::compile(text, &params) {
            Ok(docs) => docs,
            Err(p) => {
                t.error(
                    name.span(),
                    format!("rule `{}`: {}", token(name.get_ref()), p.message),
                );
                return None;
            }
        };
        (format!("rule = {:?}", name.get_ref()), docs)
    } else if let Some(path) = file {
        let text = match read_rule_file(t.dir.as_deref(), path.get_ref()) {
            Ok(text) => text,
            Err(why) => {
                t.error(path.span(), why);
                return None;
            }
        };
        match rule::compile(&text, &params) {
            Ok(docs) => (format!("rule_file = {:?}", path.get_ref()), docs),
            Err(p) => {
                t.error(
                    path.span(),
                    format!(
                        "{}:{}:{}: {}",
                        token(path.get_ref()),
                        p.line,
                        p.column,
                        p.message
                    ),
                );
                return None;
            }
        }
    } else if let Some(text) = inline {
        match rule::compile(text.get_ref(), &params) {
            Ok(docs) => ("rule_text = '''…'''".to_string(), docs),
            Err(p) => {
                let at = inline_offset(t.text, text.span(), p.line, p.column);
                t.error(at..at, p.message);
                return None;
            }
        }
    } else {
        t.needs(
            "`rule`, `rule_file` or `rule_text`",
            "a rule of qscan's pack by name, a rule file, or a rule written inline",
        );
        return None;
    };
    Some(Arc::new(Params {
        origin,
        docs: docs.into_iter().map(Arc::new).collect(),
        params: shown,
    }))
}

/// A rule file's text, read inside the definition's folder.
fn read_rule_file(dir: Option<&std::path::Path>, path: &str) -> Result<String, String> {
    let Some(dir) = dir else {
        return Err("the built-in definition names no rule file".to_string());
    };
    let bytes = confine::read(dir, path, MAX_RULE_BYTES)
        .map_err(|e| format!("cannot read rule file `{}`: {e}", token(path)))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "rule file `{}` is not UTF-8 text (invalid byte at offset {})",
            token(path),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The byte offset in quality.toml of a place (1-based line and column) in
/// an inline rule's string.
fn inline_offset(text: &str, span: Range<usize>, line: usize, column: usize) -> usize {
    super::query::query_offset(text, span, line.saturating_sub(1), column.saturating_sub(1))
}

fn evaluate(params: &Params, def: &MetricDef, facts: &Facts) -> Outcome {
    let mut out = Outcome::default();
    for file in facts.files {
        let Some(doc) = params.docs.iter().find(|d| d.language == file.language) else {
            continue;
        };
        if !def.sees(file) {
            continue;
        }
        let message = doc
            .message
            .clone()
            .unwrap_or_else(|| format!("matches the rule `{}`", doc.id));
        let found = file.rule_units.iter().filter(|u| u.metric == def.name);
        let offender = |line: Option<u32>, item: String, lines: &[u32]| Offender {
            path: file.path.clone(),
            line,
            item,
            detail: detail(&message, lines),
            weight: lines.len() as f64,
        };
        match doc.units {
            UnitKind::Function => {
                let mut offending: Vec<Option<&[u32]>> = vec![None; file.functions.len()];
                for u in found.filter(|u| u.offends) {
                    if let Some(slot) = u.function.and_then(|i| offending.get_mut(i)) {
                        *slot = Some(&u.lines);
                    }
                }
                for (f, lines) in file.functions.iter().zip(offending) {
                    out.unit(
                        &file.path,
                        lines.map(|l| offender(Some(f.line), f.name.clone(), l)),
                    );
                }
            }
            UnitKind::File => {
                let lines = found.filter(|u| u.offends).map(|u| &u.lines[..]).next();
                out.unit(
                    &file.path,
                    lines.map(|l| {
                        let mut o = Offender::file(&file.path, detail(&message, l), 0.0);
                        o.weight = l.len() as f64;
                        o
                    }),
                );
            }
            UnitKind::Selected => {
                let mut any = false;
                for u in found {
                    any = true;
                    let name = u
                        .function
                        .and_then(|i| file.functions.get(i))
                        .map_or_else(|| format!("(line {})", u.line), |f| f.name.clone());
                    out.unit(
                        &file.path,
                        u.offends.then(|| offender(Some(u.line), name, &u.lines)),
                    );
                }
                if !any {
                    // The file is still seen: its tally has no units.
                    out.units_of(&file.path, 0, 0, None);
                }
            }
        }
    }
    out
}

fn detail(message: &str, lines: &[u32]) -> String {
    let at: Vec<String> = lines.iter().map(u32::to_string).collect();
    format!(
        "{message} (line{} {})",
        if lines.len() == 1 { "" } else { "s" },
        at.join(", ")
    )
}

/// What `qscan explain rules` prints: each rule of the pack, its languages
/// and its message, and how to use or copy it.
pub fn explain_pack() -> String {
    let mut out = String::from(
        "qscan's rule pack: each rule is a file of ast-grep rules, one document per language.\n\
         Use one as `rule = \"NAME\"` in a `kind = \"rule\"` metric, or copy it as a starting\n\
         point with `qscan explain NAME > rules/NAME.yml` and name the copy with `rule_file`.\n\n",
    );
    for (name, text) in rule::PACK {
        let docs = rule::compile(text, &HashMap::new()).unwrap_or_default();
        let languages: Vec<&str> = docs.iter().map(|d| d.language.name()).collect();
        let message = docs
            .first()
            .and_then(|d| d.message.clone())
            .unwrap_or_default();
        out.push_str(&format!("{name} ({})\n  {message}\n", languages.join(", ")));
    }
    out
}

/// A pack rule's text, for `qscan explain rules NAME`.
pub fn pack_text(name: &str) -> Option<&'static str> {
    rule::pack_rule(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{FileFacts, Function, RuleUnit, Typing};
    use crate::lang::Language;
    use std::collections::BTreeMap;

    fn def(text: &str) -> MetricDef {
        let docs = rule::compile(text, &HashMap::new()).unwrap();
        MetricDef {
            name: "r".into(),
            kind: INFO.kind(),
            min: None,
            max_offenders: None,
            weight: 1.0,
            languages: None,
            exclude: globset::GlobSet::empty(),
            roles: INFO.roles.to_vec(),
            optional: false,
            params: Arc::new(Params {
                origin: "rule_text".into(),
                docs: docs.into_iter().map(Arc::new).collect(),
                params: Vec::new(),
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

    fn unit(line: u32, function: Option<usize>, lines: &[u32], offends: bool) -> RuleUnit {
        RuleUnit {
            metric: "r".into(),
            line,
            function,
            lines: lines.to_vec(),
            offends,
        }
    }

    fn outcome(d: &MetricDef, files: &[FileFacts]) -> Outcome {
        let empty = BTreeMap::new();
        let facts = Facts {
            files,
            all_paths: &[],
            role_of: &|_| crate::snapshot::Role::Source,
            crates: &[],
            packages: &[],
            history: None,
            history_status: &crate::model::Status::Measured,
            coverage: &BTreeMap::new(),
            external: &empty,
        };
        d.params.evaluate(d, &facts)
    }

    #[test]
    fn function_units_count_every_function_of_the_rule_languages() {
        let d = def("id: x\nlanguage: python\nmessage: bad\nrule:\n  kind: call\n");
        let files = vec![
            FileFacts {
                path: "a.py".into(),
                functions: vec![function("f", 1), function("g", 5)],
                rule_units: vec![unit(0, Some(1), &[6, 7], true)],
                ..FileFacts::default()
            },
            FileFacts {
                path: "b.rs".into(),
                language: Language::from_name("rust").unwrap(),
                functions: vec![function("r", 1)],
                ..FileFacts::default()
            },
        ];
        let out = outcome(&d, &files);
        assert_eq!((out.compliant, out.total), (1, 2));
        assert_eq!(out.offenders[0].item, "g");
        assert_eq!(out.offenders[0].detail, "bad (lines 6, 7)");
    }

    #[test]
    fn selected_units_are_the_recorded_ones() {
        let d = def(
            "id: x\nlanguage: python\nunits:\n  kind: function_definition\nrule:\n  kind: call\n",
        );
        let files = vec![FileFacts {
            path: "a.py".into(),
            functions: vec![function("f", 1), function("g", 5)],
            rule_units: vec![unit(1, Some(0), &[], false), unit(5, Some(1), &[6], true)],
            ..FileFacts::default()
        }];
        let out = outcome(&d, &files);
        assert_eq!((out.compliant, out.total), (1, 2));
        assert_eq!(out.offenders[0].detail, "matches the rule `x` (line 6)");
    }

    #[test]
    fn inline_problems_point_into_the_string() {
        let text = "[m]\nrule_text = '''\nid: x\nlanguage: python\nrule:\n  kind: nope\n'''\n";
        let span = text.find("'''").unwrap()..text.len() - 1;
        let at = inline_offset(text, span, 4, 9);
        assert_eq!(&text[at..at + 4], "nope");
    }

    #[test]
    fn the_pack_is_listed() {
        let listing = explain_pack();
        for (name, _) in rule::PACK {
            assert!(listing.contains(name), "{name}");
        }
        assert!(pack_text("whole-table-lock").is_some());
    }
}
