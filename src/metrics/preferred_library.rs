//! `preferred-library`: among files that use a library of a family (HTTP
//! clients, say), the share that use only the preferred ones.

use std::sync::Arc;

use super::RuleText;
use super::keys::token;
use super::{
    Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Table, Type,
};
use crate::facts::FileFacts;
use crate::lang::Language;

const FAMILY: Key = Key {
    name: "family",
    ty: Type::OneOf {
        values: FAMILY_NAMES,
    },
    doc: "a built-in family whose libraries join the family (\"http\": the HTTP clients of each language)",
};
const PREFERRED: Key = Key {
    name: "preferred",
    ty: Type::Texts,
    doc: "the libraries a file may use",
};
const DISCOURAGED: Key = Key {
    name: "discouraged",
    ty: Type::Texts,
    doc: "libraries of the family a file should not use",
};

pub const INFO: KindInfo = KindInfo {
    name: "preferred-library",
    unit: "file that uses a library of the family",
    offender: "file using another library",
    source: Source::Files,
    roles: super::SOURCE,
    keys: &[FAMILY, PREFERRED, DISCOURAGED],
    min: Min::Percent,
    hint: "use the preferred library instead",
    parse,
    summary: "Among files that use any library of a family, the share that use only the preferred ones.",
    rule: RuleText::Built(rule),
};

/// The rule, with how each language's spec matches imports to libraries.
fn rule() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "The family is `preferred` plus `discouraged` plus, with `family = \"http\"`, the \
             built-in HTTP clients of each language. A file that imports \
             any of them is a unit; it is compliant when every one it imports is preferred. {}.",
            crate::lang::docs::library_matching()
        )
    })
}

pub const FAMILY_NAMES: &[&str] = &["http"];

/// The libraries of a built-in family, per language (each language's spec
/// lists its members).
pub fn family(name: &str) -> Option<Vec<(Language, Vec<String>)>> {
    crate::lang::library_family(name)
}

#[derive(Debug)]
pub struct Params {
    /// Per language: the family's libraries (preferred and discouraged).
    pub family: Vec<(Language, Vec<String>)>,
    pub preferred: Vec<String>,
    pub discouraged: Vec<String>,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        let mut parts = vec![format!("preferred = {:?}", self.preferred)];
        if !self.discouraged.is_empty() {
            parts.push(format!("discouraged = {:?}", self.discouraged));
        }
        if !self.family.is_empty() {
            parts.push("a built-in family".to_string());
        }
        parts
    }
}

fn parse(t: &mut Table) -> Option<super::Params> {
    let family = match t.text(&FAMILY) {
        None => Vec::new(),
        Some(f) => match family(f.get_ref()) {
            Some(libs) => libs,
            None => {
                t.error(
                    f.span(),
                    format!(
                        "unknown library family `{}`; expected one of {}",
                        token(f.get_ref()),
                        FAMILY_NAMES.join(", ")
                    ),
                );
                Vec::new()
            }
        },
    };
    let preferred = t.texts(&PREFERRED);
    let discouraged = t.texts(&DISCOURAGED);
    if preferred.is_empty() && discouraged.is_empty() && family.is_empty() && !t.any_mistyped() {
        let message = format!(
            "metric `{}` of kind `preferred-library` needs `preferred`, and `discouraged` or `family`",
            token(t.name)
        );
        t.error(t.span.clone(), message);
    }
    Some(Arc::new(Params {
        family,
        preferred,
        discouraged,
    }))
}

fn evaluate(params: &Params, def: &MetricDef, facts: &Facts) -> Outcome {
    let Params {
        family,
        preferred,
        discouraged,
    } = params;
    let mut out = Outcome::default();
    for file in facts.files {
        if !def.sees(file) {
            continue;
        }
        let mut members: Vec<&str> = preferred
            .iter()
            .chain(discouraged)
            .map(String::as_str)
            .collect();
        if let Some((_, libs)) = family.iter().find(|(l, _)| *l == file.language) {
            members.extend(libs.iter().map(String::as_str));
        }
        let used = used_libraries(file, &members);
        if used.is_empty() {
            continue;
        }
        let bad: Vec<&(String, u32)> = used
            .iter()
            .filter(|(lib, _)| {
                !preferred
                    .iter()
                    .any(|p| same_library(file.language, lib, p))
            })
            .collect();
        out.unit(
            &file.path,
            bad.first().map(|(_, line)| {
                let names: Vec<&str> = bad.iter().map(|(lib, _)| lib.as_str()).collect();
                let detail = if preferred.is_empty() {
                    format!("uses {}", names.join(", "))
                } else {
                    format!("uses {}; prefer {}", names.join(", "), preferred.join(", "))
                };
                Offender {
                    path: file.path.clone(),
                    line: Some(*line),
                    item: names.join(", "),
                    detail,
                    weight: bad.len() as f64,
                }
            }),
        );
    }
    out
}

/// The family members a file imports (as the member is written), each once,
/// with the line of its first import.
fn used_libraries(file: &FileFacts, members: &[&str]) -> Vec<(String, u32)> {
    let mut used: Vec<(String, u32)> = Vec::new();
    for import in &file.imports {
        if import.level > 0 {
            continue;
        }
        let Some(name) = library_name(file.language, &import.module) else {
            continue;
        };
        for member in members {
            if matches(file.language, &name, member) && !used.iter().any(|(m, _)| m == member) {
                used.push((member.to_string(), import.line));
            }
        }
    }
    used
}

/// The library an import names, as the language's matching sees it.
pub fn library_name(language: Language, module: &str) -> Option<String> {
    (language.spec().libraries.name)(module)
}

/// Whether an imported library name falls under a configured entry.
fn matches(language: Language, name: &str, entry: &str) -> bool {
    (language.spec().libraries.matches)(name, entry)
}

fn same_library(language: Language, a: &str, b: &str) -> bool {
    matches(language, a, b) || matches(language, b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every family some language spec lists is a name the definition accepts.
    #[test]
    fn family_names_are_the_specs_families() {
        let mut names: Vec<&str> = crate::lang::LANGUAGES
            .iter()
            .flat_map(|s| s.libraries.families.iter().map(|(f, _)| *f))
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names, FAMILY_NAMES);
    }

    #[test]
    fn python_submodules_match() {
        let python = Language::from_name("python").unwrap();
        assert!(matches(python, "urllib.request.urlopen", "urllib.request"));
        assert!(matches(python, "urllib.request", "urllib.request"));
        assert!(!matches(python, "urllib", "urllib.request"));
        assert!(!matches(python, "requestsx", "requests"));
    }
}
