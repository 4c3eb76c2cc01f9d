//! `test-association`: the share of source files that some test exercises.
//!
//! Association is read from names (test_x.py, x.test.js, __tests__/x.js) and
//! from imports (a test file that imports a module associates its file), and,
//! in Rust, from inline test modules and integration tests naming a module path.

use std::collections::{HashMap, HashSet};

use std::any::Any;
use std::sync::Arc;

use super::{Facts, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, plural};
use crate::facts::{FileFacts, RustCrate};
use crate::lang::Language;

pub const INFO: KindInfo = KindInfo {
    name: "test-association",
    unit: "source file that defines a function",
    source: Source::Files,
    keys: &[],
    min: Min::Percent,
    hint: "add a test named after the file, or one that imports it",
    parse: |_| Some(Arc::new(Params)),
    summary: "The share of source files (that define at least one function) that some test exercises.",
    rule: "A non-test source file that defines a function is associated when a test file of the \
           same language is named after it (test_x.py or x_test.py for x.py; x.test.js, x.spec.ts \
           or __tests__/x.js for x.js/x.ts, anywhere in the repository), or a test file imports it \
           (Python absolute and relative imports, JS/TS relative require/import), or, in Rust, the \
           file holds #[test] or #[cfg(test)] items, or an integration test under tests/ names its \
           module path (use my_crate::a::b associates src/a/b.rs or src/a/b/mod.rs).",
};

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

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn evaluate(def: &MetricDef, facts: &Facts) -> Outcome {
    let associated = associated(facts.files, facts.crates);
    let mut out = Outcome::default();
    for file in facts.files {
        if file.is_test || file.functions.is_empty() || !def.sees(file.language, &file.path) {
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

/// The paths of every source file some test exercises.
pub fn associated<'a>(files: &'a [FileFacts], crates: &[RustCrate]) -> HashSet<&'a str> {
    let index = Index::new(files);
    let mut out: HashSet<&str> = HashSet::new();
    let mut named: HashSet<(Language, &str)> = HashSet::new();
    for file in files {
        if file.has_inline_tests {
            out.insert(&file.path);
        }
        if !file.is_test {
            continue;
        }
        if let Some(stem) = subject_stem(file) {
            named.insert((file.language.family(), stem));
        }
        match file.language {
            Language::Python => {
                for import in &file.imports {
                    if let Some(p) = index.python_module(&file.path, &import.module, import.level) {
                        out.insert(p);
                    }
                }
            }
            Language::JavaScript | Language::TypeScript => {
                for import in &file.imports {
                    if let Some(p) = index.js_relative(&file.path, &import.module) {
                        out.insert(p);
                    }
                }
            }
            Language::Rust => {
                for path in &file.rust_paths {
                    if let Some(p) = index.rust_module(&file.path, path, crates) {
                        out.insert(p);
                    }
                }
            }
        }
    }
    for file in files {
        if !file.is_test && named.contains(&(file.language.family(), file_stem(&file.path))) {
            out.insert(&file.path);
        }
    }
    out
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn file_stem(path: &str) -> &str {
    let name = file_name(path);
    name.split_once('.').map_or(name, |(stem, _)| stem)
}

/// The name of the file a test file is named after, if its name says so.
fn subject_stem(test: &FileFacts) -> Option<&str> {
    let name = file_name(&test.path);
    match test.language {
        Language::Python => {
            let stem = name.strip_suffix(".py")?;
            stem.strip_prefix("test_")
                .or_else(|| stem.strip_suffix("_test"))
                .filter(|s| !s.is_empty())
        }
        Language::JavaScript | Language::TypeScript => {
            let mut parts = name.split('.');
            let stem = parts.next()?;
            let marked = parts.any(|p| p == "test" || p == "spec");
            let in_tests_dir = test.path.split('/').any(|d| d == "__tests__");
            (marked || in_tests_dir)
                .then_some(stem)
                .filter(|s| !s.is_empty())
        }
        Language::Rust => None,
    }
}

/// Lookups from module names and relative specifiers to source files.
struct Index<'a> {
    /// Every source path.
    paths: HashSet<&'a str>,
    /// Python: last module component → (module components, path).
    python: HashMap<&'a str, Vec<(Vec<&'a str>, &'a str)>>,
}

impl<'a> Index<'a> {
    fn new(files: &'a [FileFacts]) -> Index<'a> {
        let mut python: HashMap<&str, Vec<(Vec<&str>, &str)>> = HashMap::new();
        for f in files.iter().filter(|f| f.language == Language::Python) {
            let comps = python_components(&f.path);
            if let Some(last) = comps.last() {
                python
                    .entry(last)
                    .or_default()
                    .push((comps.clone(), &f.path));
            }
        }
        Index {
            paths: files.iter().map(|f| f.path.as_str()).collect(),
            python,
        }
    }

    /// The file a Python import names. Absolute imports match any file whose
    /// module path ends with the import (so `src/` layouts resolve); relative
    /// ones resolve from the importing file's package.
    fn python_module(&self, from: &str, module: &str, level: u32) -> Option<&'a str> {
        let mut wanted: Vec<&str> = Vec::new();
        if level > 0 {
            let mut base: Vec<&str> = from.split('/').collect();
            base.pop(); // the file itself
            for _ in 1..level {
                base.pop()?;
            }
            wanted.extend(base);
        }
        wanted.extend(module.split('.').filter(|s| !s.is_empty()));
        let last = wanted.last()?;
        let candidates = self.python.get(last)?;
        candidates
            .iter()
            .filter(|(comps, _)| {
                if level > 0 {
                    comps.as_slice() == wanted.as_slice()
                } else {
                    comps.ends_with(&wanted)
                }
            })
            // The shortest path is the likeliest import root.
            .min_by_key(|(comps, path)| (comps.len(), *path))
            .map(|(_, path)| *path)
    }

    /// The file a relative JS/TS specifier names, trying extensions and index files.
    fn js_relative(&self, from: &str, spec: &str) -> Option<&'a str> {
        if !spec.starts_with("./") && !spec.starts_with("../") && spec != "." && spec != ".." {
            return None;
        }
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let target = normalize(&format!("{dir}/{spec}"))?;
        let exts = ["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts"];
        let mut candidates = vec![target.clone()];
        // TypeScript imports name the compiled `.js`; the source is `.ts`.
        if let Some(stem) = target
            .strip_suffix(".js")
            .or_else(|| target.strip_suffix(".mjs"))
            .or_else(|| target.strip_suffix(".cjs"))
            .or_else(|| target.strip_suffix(".jsx"))
        {
            candidates.extend(exts.iter().map(|e| format!("{stem}.{e}")));
        }
        candidates.extend(exts.iter().map(|e| format!("{target}.{e}")));
        candidates.extend(exts.iter().map(|e| format!("{target}/index.{e}")));
        candidates
            .iter()
            .find_map(|c| self.paths.get(c.as_str()).copied())
    }

    /// The file of the longest module prefix of a Rust path used in an
    /// integration test, within the crate that owns the test.
    fn rust_module(&self, test: &str, path: &str, crates: &[RustCrate]) -> Option<&'a str> {
        let krate = crates
            .iter()
            .filter(|c| c.dir.is_empty() || test.starts_with(&format!("{}/", c.dir)))
            .max_by_key(|c| c.dir.len())?;
        let mut segments = path.split("::");
        if segments.next()? != krate.name {
            return None;
        }
        let rest: Vec<&str> = segments.collect();
        let src = if krate.dir.is_empty() {
            "src".to_string()
        } else {
            format!("{}/src", krate.dir)
        };
        for n in (0..=rest.len()).rev() {
            let module = rest[..n].join("/");
            let candidates = if n == 0 {
                vec![format!("{src}/lib.rs"), format!("{src}/main.rs")]
            } else {
                vec![
                    format!("{src}/{module}.rs"),
                    format!("{src}/{module}/mod.rs"),
                ]
            };
            if let Some(p) = candidates.iter().find_map(|c| self.paths.get(c.as_str())) {
                return Some(p);
            }
        }
        None
    }
}

/// Python module components of a path: `pkg/sub/__init__.py` → [pkg, sub].
fn python_components(path: &str) -> Vec<&str> {
    let without_ext = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".pyi"))
        .unwrap_or(path);
    let mut comps: Vec<&str> = without_ext.split('/').collect();
    if comps.last() == Some(&"__init__") {
        comps.pop();
    }
    comps
}

/// Resolves `.` and `..` in a relative path; None when it climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Import;

    fn file(path: &str, is_test: bool, imports: &[(&str, u32)]) -> FileFacts {
        FileFacts {
            path: path.into(),
            language: Language::from_path(path).unwrap(),
            is_test,
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
        let a = associated(&files, &[]);
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
        let mut got: Vec<&str> = associated(&files, &[]).into_iter().collect();
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
        let mut got: Vec<&str> = associated(&files, &crates).into_iter().collect();
        got.sort();
        assert_eq!(got, ["src/config/raw.rs"]);
    }
}
