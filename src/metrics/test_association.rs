//! `test-association`: the share of source files that some test exercises.
//!
//! Association is read from names (test_x.py, x.test.js, __tests__/x.js) and
//! from imports (a test file that imports a module associates its file), and,
//! in Rust, from inline test modules and integration tests naming a module path.

use std::collections::HashSet;

use std::sync::Arc;

use super::RuleText;
use super::{Facts, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, plural};
use crate::facts::{FileFacts, JsPackage, RustCrate};
use crate::lang::{Language, Lookup};

pub const INFO: KindInfo = KindInfo {
    name: "test-association",
    unit: "source file that defines a function",
    offender: "untested file",
    source: Source::Files,
    roles: super::SOURCE,
    keys: &[],
    min: Min::Percent,
    hint: "add a test named after the file, or one that imports it",
    parse: |_| Some(Arc::new(Params)),
    summary: "The share of source files (that define at least one function) that some test exercises.",
    rule: RuleText::Built(rule),
};

/// The rule, with what each language's spec says of its tests.
fn rule() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(crate::lang::docs::test_association)
}

/// The kind takes no settings of its own.
#[derive(Debug)]
pub struct Params;

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(def, facts)
    }

    fn settings(&self) -> Vec<String> {
        Vec::new()
    }
}

fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let associated = associated(facts.files, facts.crates, facts.packages);
    let mut out = Outcome::default();
    for file in facts.files {
        if file.role.is_test() || file.functions.is_empty() || !def.sees(file) {
            continue;
        }
        let n = file.functions.len() as u64;
        out.unit(
            &file.path,
            (!associated.contains(file.path.as_str())).then(|| {
                Offender::file(
                    &file.path,
                    format!(
                        "{}, and no test is named after it or imports it",
                        plural(n, "function")
                    ),
                    n as f64,
                )
            }),
        );
    }
    out
}

/// The paths of every source file some test exercises. What a test's name
/// and imports point at is each language's own rule (`lang`).
pub fn associated<'a>(
    files: &'a [FileFacts],
    crates: &'a [RustCrate],
    packages: &'a [JsPackage],
) -> HashSet<&'a str> {
    let lookup = Lookup::new(files, crates, packages);
    let mut out: HashSet<&str> = HashSet::new();
    let mut named: HashSet<(Language, &str)> = HashSet::new();
    for file in files {
        if file.has_inline_tests {
            out.insert(&file.path);
        }
        if !file.role.is_test() {
            continue;
        }
        let rules = &file.language.spec().tests;
        if let Some(stem) = (rules.subject)(&file.path) {
            named.insert((file.language.family(), stem));
        }
        out.extend((rules.exercised)(file, &lookup));
    }
    for file in files {
        if !file.role.is_test() && named.contains(&(file.language.family(), file_stem(&file.path)))
        {
            out.insert(&file.path);
        }
    }
    out
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split_once('.').map_or(name, |(stem, _)| stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Import;

    fn file(path: &str, is_test: bool, imports: &[(&str, u32)]) -> FileFacts {
        FileFacts {
            path: path.into(),
            language: Language::from_path(path).unwrap(),
            role: if is_test {
                crate::snapshot::Role::Test
            } else {
                crate::snapshot::Role::Source
            },
            imports: imports
                .iter()
                .map(|(m, level)| Import {
                    module: m.to_string(),
                    level: *level,
                    line: 1,
                })
                .collect(),
            ..FileFacts::default()
        }
    }

    #[test]
    fn python_absolute_relative_and_names() {
        let files = vec![
            file("src/pkg/__init__.py", false, &[]),
            file("src/pkg/models.py", false, &[]),
            file("src/pkg/views.py", false, &[]),
            file("src/pkg/util.py", false, &[]),
            file("src/pkg/lonely.py", false, &[]),
            file("tests/test_views.py", true, &[]),
            file(
                "tests/test_a.py",
                true,
                &[("pkg.models", 0), ("pkg.models.User", 0)],
            ),
            file("src/pkg/tests/test_b.py", true, &[("", 2), ("util", 2)]),
        ];
        let a = associated(&files, &[], &[]);
        let mut got: Vec<&str> = a.into_iter().collect();
        got.sort();
        assert_eq!(
            got,
            [
                "src/pkg/__init__.py",
                "src/pkg/models.py",
                "src/pkg/util.py",
                "src/pkg/views.py"
            ]
        );
    }

    #[test]
    fn js_relative_imports_and_names() {
        let files = vec![
            file("src/api.js", false, &[]),
            file("src/db/index.ts", false, &[]),
            file("src/util.ts", false, &[]),
            file("src/other.js", false, &[]),
            file("src/__tests__/api.js", true, &[]),
            file(
                "test/db.spec.ts",
                true,
                &[("../src/db", 0), ("../src/util.js", 0), ("axios", 0)],
            ),
        ];
        let mut got: Vec<&str> = associated(&files, &[], &[]).into_iter().collect();
        got.sort();
        assert_eq!(got, ["src/api.js", "src/db/index.ts", "src/util.ts"]);
    }

    #[test]
    fn rust_integration_tests_name_modules() {
        let mut t = file("tests/cli.rs", true, &[]);
        t.rust_paths = vec!["my_crate::config::raw::RawConfig".into(), "std::fs".into()];
        let files = vec![
            file("src/lib.rs", false, &[]),
            file("src/config/mod.rs", false, &[]),
            file("src/config/raw.rs", false, &[]),
            file("src/fs.rs", false, &[]),
            t,
        ];
        let crates = [RustCrate {
            dir: String::new(),
            name: "my_crate".into(),
        }];
        let mut got: Vec<&str> = associated(&files, &crates, &[]).into_iter().collect();
        got.sort();
        assert_eq!(got, ["src/config/raw.rs"]);
    }
}
