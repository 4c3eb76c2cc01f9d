//! Languages: one spec per language, and the registry that lists them.
//!
//! A spec ([`LanguageSpec`]) holds everything qscan knows about a language:
//! its name and extensions, its grammar, how a syntax tree becomes
//! [`FileFacts`] (functions, imports, public items), its default test-file
//! patterns, how its tests name and import the files they exercise, its
//! library families and how its imports name a library, and its manifests.
//! Every other stage reads language knowledge through [`LANGUAGES`] and
//! [`Language::spec`], never by naming a language.
//!
//! Adding a language: a spec file beside this one (its `mod` line and a line
//! in [`LANGUAGES`] here), the grammar crate in Cargo.toml, and a fixture.

pub mod docs;
pub mod go;
pub mod java;
pub mod javascript;
pub mod lines;
pub mod python;
pub mod rust;
pub mod typescript;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use crate::facts::{ALL_NAMES, FileFacts, JsPackage, NameImport, RustCrate, WHOLE_MODULE};
pub use crate::snapshot::Language;

/// The languages qscan reads. A [`Language`] is its place here: languages
/// sort in this order, and the facts cache records them by it.
pub const LANGUAGES: &[&LanguageSpec] = &[
    &python::SPEC,
    &javascript::SPEC,
    &typescript::SPEC,
    &rust::SPEC,
    &go::SPEC,
    &java::SPEC,
];

/// Everything about one language.
pub struct LanguageSpec {
    /// Its name in definitions and reports (`languages = ["python"]`).
    pub name: &'static str,
    /// Its name in sentences ("Python").
    pub title: &'static str,
    /// File name extensions, without the dot.
    pub extensions: &'static [&'static str],
    /// The language whose files this one imports and names freely, itself
    /// when none (TypeScript: JavaScript). Test association and relative
    /// imports look across a family.
    pub family: &'static str,
    /// Its grammars; the first whose suffix the path ends with parses it,
    /// else the one without suffixes. Queries compile for each, in order.
    pub grammars: &'static [Grammar],
    /// Fills in the facts of one parsed file: functions, imports, public
    /// items (the language's public-item rules live here), typing.
    pub analyze: fn(&Tree, &str, &mut FileFacts, &mut Scratch),
    /// Which files are tests and which files they exercise.
    pub tests: TestRules,
    /// How imports name libraries, and the built-in library families.
    pub libraries: Libraries,
    /// Node kinds of its string literals (template strings included): a
    /// whitespace-only line inside one is a code line, as the language's
    /// own tokenizer reads it.
    pub strings: &'static [&'static str],
    /// Manifest file names whose packages the language's rules read
    /// (`Cargo.toml`: a Rust integration test names its crate).
    pub manifests: &'static [&'static str],
    /// What the kinds' rule texts say of it.
    pub docs: Docs,
}

/// A language's part of the kinds' rule texts (composed in [`docs`]).
pub struct Docs {
    /// `test-association`: the names of a file's tests.
    pub test_names: Option<&'static str>,
    /// `test-association`: the imports that associate a file.
    pub test_imports: Option<&'static str>,
    /// `test-association`: any other way its tests associate, as a clause.
    pub test_other: Option<&'static str>,
    /// `preferred-library`: how its imports match an entry.
    pub libraries: &'static str,
    /// `interface-width`: what its public items are.
    pub public_items: &'static str,
    /// `typed`: when its functions are typed, as whole sentences.
    pub typed: &'static str,
}

/// One tree-sitter grammar of a language.
pub struct Grammar {
    /// Its name in query error messages and the parser cache.
    pub key: &'static str,
    /// Path suffixes it is for; empty for the language's default grammar.
    pub suffixes: &'static [&'static str],
    pub load: fn() -> tree_sitter::Language,
}

/// A language's test files and how they associate with the files they test.
pub struct TestRules {
    /// Default `[scan] test_patterns` (globs, gitignore-like).
    pub patterns: &'static [&'static str],
    /// Folders whose files of this language are tests (`test/`, `testing/`).
    pub dirs: &'static [&'static str],
    /// The file stem a test file is named after (`test_x.py` → `x`).
    pub subject: fn(&str) -> Option<&str>,
    /// The names an absolute import reaches a file by, for languages whose
    /// imports name modules (Python: `pkg.sub` for `pkg/sub/__init__.py`),
    /// given which folders hold an `__init__` file; indexed by [`Lookup`].
    pub module_names: Option<ModuleNames>,
    /// The files a test file's imports or paths name.
    pub exercised: for<'a> fn(&'a FileFacts, &Lookup<'a>) -> Vec<&'a str>,
    /// The file a re-export's module names, seen from the file holding it,
    /// and the name taken there when the module path ended inside that file
    /// (Rust `pub use crate::a::Enum::Variant` takes `Enum` of `a.rs`).
    pub resolve: for<'a> fn(&Lookup<'a>, &'a FileFacts, &NameImport) -> Option<Resolved<'a>>,
    /// The module a name of a module is, when it is a submodule (Python
    /// `from pkg import mod`, Rust `pub use self::m`).
    pub submodule: for<'a> fn(&Lookup<'a>, &'a FileFacts, &str) -> Option<&'a str>,
}

/// A file's module names, given its path and which folders hold an
/// `__init__` file.
pub type ModuleNames = fn(&str, &dyn Fn(&str) -> bool) -> Vec<String>;

/// Where a re-export's module leads: a file, and the name taken there when
/// it is not the re-export's own.
pub type Resolved<'a> = (&'a str, Option<String>);

/// Re-exports followed from an import, at most: a re-export chain longer
/// than this is not followed further (no repository nests facades so deep).
pub const REEXPORT_DEPTH: usize = 16;
/// (file, name) pairs visited while following one import, at most.
const REEXPORT_STATES: usize = 4096;

/// How a language's imports name libraries.
pub struct Libraries {
    /// Built-in families (`http`) and their members in this language.
    pub families: &'static [(&'static str, &'static [&'static str])],
    /// The library an import names, as [`Libraries::matches`] sees it.
    pub name: fn(&str) -> Option<String>,
    /// Whether an imported library name falls under a configured entry.
    pub matches: fn(&str, &str) -> bool,
}

/// What a language module hands back besides the facts it fills in.
#[derive(Default)]
pub struct Scratch {
    /// Byte ranges of comments and docstrings, for line counting.
    pub comments: Vec<Range<usize>>,
    /// The byte range of each of `FileFacts::functions`, in the same order,
    /// to find the function a query match is in.
    pub function_ranges: Vec<Range<usize>>,
}

/// Lookups over every analyzed file, for resolving what tests exercise.
pub struct Lookup<'a> {
    /// Every source path.
    pub paths: HashSet<&'a str>,
    /// Every file by its path.
    files: HashMap<&'a str, &'a FileFacts>,
    /// Per language with module names: module name → paths.
    modules: HashMap<Language, HashMap<String, Vec<&'a str>>>,
    /// The Rust packages of the snapshot.
    pub crates: &'a [RustCrate],
    /// The JavaScript packages of the snapshot.
    pub packages: &'a [JsPackage],
    /// Per language: each name non-test files declare → their paths.
    declared: HashMap<Language, HashMap<&'a str, Vec<&'a str>>>,
    /// What [`Lookup::follow`] found, by file and name.
    followed: RefCell<HashMap<(&'a str, String), Vec<&'a str>>>,
}

impl<'a> Lookup<'a> {
    pub fn new(
        files: &'a [FileFacts],
        crates: &'a [RustCrate],
        packages: &'a [JsPackage],
    ) -> Lookup<'a> {
        let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        // Folders holding an `__init__` file, for the languages that name modules.
        let mut inits: HashSet<&str> = HashSet::new();
        for f in files {
            let (dir, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            if name.starts_with("__init__.") {
                inits.insert(dir);
            }
        }
        let has_init = |dir: &str| inits.contains(dir);
        let mut modules: HashMap<Language, HashMap<String, Vec<&str>>> = HashMap::new();
        let mut declared: HashMap<Language, HashMap<&str, Vec<&str>>> = HashMap::new();
        for f in files {
            for name in &f.declared {
                declared
                    .entry(f.language)
                    .or_default()
                    .entry(name.as_str())
                    .or_default()
                    .push(&f.path);
            }
            let Some(module_names) = f.language.spec().tests.module_names else {
                continue;
            };
            for name in module_names(&f.path, &has_init) {
                modules
                    .entry(f.language)
                    .or_default()
                    .entry(name)
                    .or_default()
                    .push(&f.path);
            }
        }
        Lookup {
            paths,
            files: files.iter().map(|f| (f.path.as_str(), f)).collect(),
            modules,
            crates,
            packages,
            declared,
            followed: RefCell::default(),
        }
    }

    /// The files of `language` that declare `name` ([`FileFacts::declared`]).
    pub fn declaring(&self, language: Language, name: &str) -> &[&'a str] {
        self.declared
            .get(&language)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// The files of `language` an absolute import of `name` reaches.
    pub fn modules(&self, language: Language, name: &str) -> &[&'a str] {
        self.modules
            .get(&language)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// The facts of the file at `path`.
    pub fn file(&self, path: &str) -> Option<&'a FileFacts> {
        self.files.get(path).copied()
    }

    /// The files that define `name` of the module in `file`, following its
    /// re-exports to the files that define the name (README, "Precise
    /// definitions"): pushed onto `out`. [`WHOLE_MODULE`] (or
    /// [`ALL_NAMES`]) takes the module whole: the file itself and everything
    /// it re-exports. A name a star re-export could bring is looked for in
    /// every such module, and each that defines it is pushed. Cycle-safe, and
    /// bounded by [`REEXPORT_DEPTH`].
    pub fn follow(&self, file: &'a str, name: &str, out: &mut Vec<&'a str>) {
        // Many tests import the same names of the same facade: each is
        // followed once.
        let key = (file, name.to_string());
        if let Some(found) = self.followed.borrow().get(&key) {
            out.extend(found.iter().copied());
            return;
        }
        let mut found = Vec::new();
        self.follow_uncached(file, name, &mut found);
        out.extend(found.iter().copied());
        self.followed.borrow_mut().insert(key, found);
    }

    fn follow_uncached(&self, file: &'a str, name: &str, out: &mut Vec<&'a str>) {
        // (file, name, reached through a star re-export), level by level.
        let mut level: Vec<(&'a str, String, bool)> = vec![(file, name.to_string(), false)];
        let mut seen: HashSet<(&'a str, String)> = HashSet::new();
        for _ in 0..=REEXPORT_DEPTH {
            let mut next = Vec::new();
            for (path, name, via_star) in level {
                if seen.len() >= REEXPORT_STATES || !seen.insert((path, name.clone())) {
                    continue;
                }
                let Some(f) = self.file(path) else { continue };
                self.step(f, &name, via_star, out, &mut next);
            }
            if next.is_empty() {
                return;
            }
            level = next;
        }
    }

    /// One step of [`Lookup::follow`]: what `name` of `f` is, and where to
    /// look next.
    fn step(
        &self,
        f: &'a FileFacts,
        name: &str,
        via_star: bool,
        out: &mut Vec<&'a str>,
        next: &mut Vec<(&'a str, String, bool)>,
    ) {
        let rules = &f.language.spec().tests;
        let resolve = |r: &NameImport| (rules.resolve)(self, f, r);
        if name == WHOLE_MODULE || name == ALL_NAMES {
            out.push(&f.path);
            for r in &f.reexports {
                if let Some((target, inner)) = resolve(r) {
                    let taken = inner.unwrap_or_else(|| match r.name.as_str() {
                        ALL_NAMES => WHOLE_MODULE.to_string(),
                        n => n.to_string(),
                    });
                    next.push((target, taken, false));
                }
            }
            return;
        }
        if f.defines.iter().any(|d| d == name) {
            // A star import does not take a name the module keeps to itself
            // (Python: not in `__all__`, or private).
            if !via_star || f.public_items.iter().any(|p| p.name == name) {
                out.push(&f.path);
            }
            return;
        }
        let mut found = false;
        for r in f.reexports.iter().filter(|r| r.alias == name) {
            if let Some((target, inner)) = resolve(r) {
                let taken = inner.unwrap_or_else(|| r.name.clone());
                // Python `from . import x` in a package names the package
                // itself: `x` is its submodule, found below.
                if target == f.path && taken == name {
                    continue;
                }
                next.push((target, taken, false));
                found = true;
            }
        }
        if found {
            return;
        }
        if let Some(sub) = (rules.submodule)(self, f, name) {
            out.push(sub);
            return;
        }
        for r in f.reexports.iter().filter(|r| r.name == ALL_NAMES) {
            if let Some((target, inner)) = resolve(r) {
                next.push((target, inner.unwrap_or_else(|| name.to_string()), true));
            }
        }
    }
}

impl Language {
    /// Every language, in registry order.
    pub fn all() -> impl Iterator<Item = Language> {
        (0..LANGUAGES.len()).map(|i| Language(i as u8))
    }

    pub fn spec(self) -> &'static LanguageSpec {
        // Only the registry makes a `Language`, so the index is in range;
        // the first spec stands in rather than panicking.
        LANGUAGES
            .get(self.0 as usize)
            .copied()
            .unwrap_or(LANGUAGES[0])
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<Language> {
        Language::all().find(|l| l.name() == name)
    }

    /// The language of a path, by its extension.
    pub fn from_path(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.')?.1;
        Language::all().find(|l| l.spec().extensions.contains(&ext))
    }

    /// The first language of its family; the same for every member.
    pub fn family(self) -> Language {
        Language::from_name(self.spec().family).unwrap_or(self)
    }

    pub fn extensions(self) -> &'static [&'static str] {
        self.spec().extensions
    }

    /// The extensions of every language of this one's family, in registry order.
    pub fn family_extensions(self) -> Vec<&'static str> {
        let family = self.family();
        Language::all()
            .filter(|l| l.family() == family)
            .flat_map(|l| l.extensions().iter().copied())
            .collect()
    }

    /// The grammar that parses `path`, and its position among the language's.
    pub fn grammar(self, path: &str) -> (usize, &'static Grammar) {
        let grammars = self.spec().grammars;
        let by_suffix = grammars
            .iter()
            .position(|g| g.suffixes.iter().any(|s| path.ends_with(s)));
        let at = by_suffix
            .or_else(|| grammars.iter().position(|g| g.suffixes.is_empty()))
            .unwrap_or(0);
        (at, &grammars[at])
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::fmt::Debug for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.spec().title)
    }
}

/// By name in JSON; by registry position in the binary facts cache (the
/// bytes a unit enum variant has there, so saved caches still read).
impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(self.name())
        } else {
            s.serialize_u32(u32::from(self.0))
        }
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
        use serde::de::Error;
        if d.is_human_readable() {
            let name = String::deserialize(d)?;
            Language::from_name(&name)
                .ok_or_else(|| D::Error::custom(format!("unknown language `{name}`")))
        } else {
            let at = u32::deserialize(d)?;
            u8::try_from(at)
                .ok()
                .filter(|&i| usize::from(i) < LANGUAGES.len())
                .map(Language)
                .ok_or_else(|| D::Error::custom(format!("unknown language #{at}")))
        }
    }
}

/// The names of every language, for messages: "python, javascript, …".
pub fn names() -> String {
    Language::all()
        .map(Language::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The languages qscan reads, in a sentence: "Python, JavaScript and Rust".
pub fn titles() -> String {
    let titles: Vec<&str> = LANGUAGES.iter().map(|s| s.title).collect();
    match titles.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => titles.join(""),
    }
}

/// The default `[scan] test_patterns`: every language's patterns (each
/// once), then one pattern per test folder over the extensions of the
/// languages that name it.
pub fn default_test_patterns() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for spec in LANGUAGES {
        for p in spec.tests.patterns {
            if !out.iter().any(|o| o == p) {
                out.push(p.to_string());
            }
        }
    }
    let mut dirs: Vec<&str> = Vec::new();
    for spec in LANGUAGES {
        for d in spec.tests.dirs {
            if !dirs.contains(d) {
                dirs.push(d);
            }
        }
    }
    for dir in dirs {
        let exts: Vec<&str> = LANGUAGES
            .iter()
            .filter(|s| s.tests.dirs.contains(&dir))
            .flat_map(|s| s.extensions.iter().copied())
            .collect();
        out.push(format!("**/{dir}/**/*.{{{}}}", exts.join(",")));
    }
    out
}

/// The names of every manifest some language reads.
pub fn manifest_names() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().flat_map(|s| s.manifests.iter().copied())
}

/// The libraries of a built-in family, per language (None for an unknown family).
pub fn library_family(name: &str) -> Option<Vec<(Language, Vec<String>)>> {
    let rows: Vec<(Language, Vec<String>)> = Language::all()
        .filter_map(|l| {
            let (_, libs) = l
                .spec()
                .libraries
                .families
                .iter()
                .find(|(f, _)| *f == name)?;
            Some((l, libs.iter().map(|s| s.to_string()).collect()))
        })
        .collect();
    (!rows.is_empty()).then_some(rows)
}

thread_local! {
    static PARSERS: RefCell<HashMap<&'static str, Parser>> = RefCell::new(HashMap::new());
}

/// Parses with a per-thread parser per grammar (parsers are costly to build).
pub fn parse(language: Language, path: &str, text: &str) -> Result<Tree, String> {
    let (_, grammar) = language.grammar(path);
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = match parsers.entry(grammar.key) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut p = Parser::new();
                p.set_language(&(grammar.load)())
                    .map_err(|e| format!("grammar for {language} failed to load: {e}"))?;
                e.insert(p)
            }
        };
        parser
            .parse(text, None)
            .ok_or_else(|| "the parser gave up".to_string())
    })
}

/// Parses `src` as `language` at `path` and runs the language's analysis, as
/// the analysis stage does for one file (for the specs' unit tests).
/// The 1-based line where a node starts.
pub(crate) fn line(node: Node) -> u32 {
    node.start_position().row as u32 + 1
}

/// A node's source text ("" when its range is not on character
/// boundaries of `src`).
pub(crate) fn text<'s>(src: &'s str, node: Node) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

#[cfg(test)]
pub(crate) fn analyzed(
    language: &str,
    path: &str,
    src: &str,
    is_test: bool,
) -> (FileFacts, Scratch) {
    let language = Language::from_name(language).expect("a registered language");
    let tree = parse(language, path, src).expect("parses");
    assert!(!tree.root_node().has_error(), "test source must parse");
    let mut facts = FileFacts {
        path: path.into(),
        language,
        role: if is_test {
            crate::snapshot::Role::Test
        } else {
            crate::snapshot::Role::Source
        },
        ..FileFacts::default()
    };
    let mut scratch = Scratch::default();
    (language.spec().analyze)(&tree, src, &mut facts, &mut scratch);
    (facts, scratch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Language {
        Language::from_name(name).unwrap()
    }

    #[test]
    fn languages_by_extension() {
        assert_eq!(Language::from_path("a/b.py"), Some(named("python")));
        assert_eq!(Language::from_path("stubs/x.pyi"), Some(named("python")));
        assert_eq!(
            Language::from_path("web/app.mjs"),
            Some(named("javascript"))
        );
        assert_eq!(
            Language::from_path("web/App.tsx"),
            Some(named("typescript"))
        );
        assert_eq!(
            Language::from_path("types/index.d.ts"),
            Some(named("typescript"))
        );
        assert_eq!(Language::from_path("src/lib.rs"), Some(named("rust")));
        assert_eq!(Language::from_path("cmd/main.go"), Some(named("go")));
        assert_eq!(
            Language::from_path("src/main/java/a/App.java"),
            Some(named("java"))
        );
        assert_eq!(Language::from_path("README.md"), None);
        assert_eq!(Language::from_path("Makefile"), None);
    }

    #[test]
    fn names_round_trip_and_families() {
        for l in Language::all() {
            assert_eq!(Language::from_name(l.name()), Some(l));
        }
        assert_eq!(named("typescript").family(), named("javascript"));
        assert_eq!(named("python").family(), named("python"));
        assert_eq!(names(), "python, javascript, typescript, rust, go, java");
        assert_eq!(
            titles(),
            "Python, JavaScript, TypeScript, Rust, Go and Java"
        );
    }

    /// Every spec is whole: a default grammar that loads, a family in the
    /// registry, extensions no other language claims.
    #[test]
    fn every_spec_is_complete() {
        assert!(LANGUAGES.len() < usize::from(u8::MAX));
        let mut seen = HashSet::new();
        for l in Language::all() {
            let spec = l.spec();
            assert!(!spec.extensions.is_empty(), "{}", spec.name);
            for e in spec.extensions {
                assert!(seen.insert(*e), "{} claims .{e} twice", spec.name);
            }
            assert!(Language::from_name(spec.family).is_some(), "{}", spec.name);
            assert!(
                spec.grammars.iter().any(|g| g.suffixes.is_empty()),
                "{} has no default grammar",
                spec.name
            );
            for g in spec.grammars {
                let mut p = Parser::new();
                assert!(p.set_language(&(g.load)()).is_ok(), "{}", g.key);
            }
        }
    }

    /// The default test patterns as the README lists them.
    #[test]
    fn default_test_patterns_in_order() {
        assert_eq!(
            default_test_patterns(),
            [
                "test_*.py",
                "*_test.py",
                "conftest.py",
                "*.test.*",
                "*.spec.*",
                "**/__tests__/**",
                "**/tests/**",
                "tests.rs",
                "*_test.go",
                "*Test.java",
                "*Tests.java",
                "*IT.java",
                "Test*.java",
                "**/test/**/*.{py,pyi,js,mjs,cjs,jsx,ts,tsx,mts,cts}",
                "**/testing/**/*.{py,pyi,js,mjs,cjs,jsx,ts,tsx,mts,cts}",
                "**/testdata/**/*.{go}",
                "**/src/test/**/*.{java}",
            ]
        );
    }

    #[test]
    fn library_families_by_language() {
        let http = library_family("http").unwrap();
        let langs: Vec<&str> = http.iter().map(|(l, _)| l.name()).collect();
        assert_eq!(
            langs,
            ["python", "javascript", "typescript", "rust", "go", "java"]
        );
        assert_eq!(
            http[1].1, http[2].1,
            "TypeScript shares JavaScript's packages"
        );
        assert_eq!(
            http[3].1,
            ["reqwest", "ureq", "hyper", "surf", "isahc", "attohttpc"]
        );
        assert!(library_family("sql").is_none());
    }

    /// A JavaScript file re-exporting everything of each module in `stars`
    /// and defining `defines`.
    fn facade(path: &str, stars: &[&str], defines: &[&str]) -> FileFacts {
        FileFacts {
            path: path.into(),
            language: named("javascript"),
            reexports: stars
                .iter()
                .map(|m| NameImport {
                    module: format!("./{m}"),
                    level: 0,
                    name: ALL_NAMES.into(),
                    alias: String::new(),
                })
                .collect(),
            defines: defines.iter().map(|d| d.to_string()).collect(),
            public_items: defines
                .iter()
                .map(|d| crate::facts::PublicItem {
                    name: d.to_string(),
                    line: 1,
                })
                .collect(),
            ..FileFacts::default()
        }
    }

    fn followed(files: &[FileFacts], from: &str, name: &str) -> Vec<String> {
        let lookup = Lookup::new(files, &[], &[]);
        let mut out = Vec::new();
        lookup.follow(
            files.iter().find(|f| f.path == from).unwrap().path.as_str(),
            name,
            &mut out,
        );
        let mut out: Vec<String> = out.into_iter().map(String::from).collect();
        out.sort();
        out
    }

    #[test]
    fn reexports_are_followed_to_every_definition_and_through_cycles() {
        let files = [
            facade("a.js", &["b.js"], &[]),
            facade("b.js", &["a.js", "c.js", "d.js"], &[]),
            facade("c.js", &[], &["x"]),
            facade("d.js", &[], &["x", "y"]),
        ];
        // Both modules a star re-export could take `x` from.
        assert_eq!(followed(&files, "a.js", "x"), ["c.js", "d.js"]);
        assert_eq!(followed(&files, "a.js", "y"), ["d.js"]);
        // The cycle a → b → a ends; a name no module defines leads nowhere.
        assert!(followed(&files, "a.js", "nowhere").is_empty());
        // Whole: the module and everything it re-exports.
        assert_eq!(
            followed(&files, "b.js", WHOLE_MODULE),
            ["a.js", "b.js", "c.js", "d.js"]
        );
    }

    #[test]
    fn reexport_chains_are_followed_to_a_bounded_depth() {
        let chain = |n: usize| -> Vec<FileFacts> {
            let mut files: Vec<FileFacts> = (0..n)
                .map(|i| facade(&format!("f{i}.js"), &[&format!("f{}.js", i + 1)], &[]))
                .collect();
            files.push(facade(&format!("f{n}.js"), &[], &["x"]));
            files
        };
        assert_eq!(
            followed(&chain(REEXPORT_DEPTH), "f0.js", "x"),
            [format!("f{REEXPORT_DEPTH}.js")]
        );
        assert!(followed(&chain(REEXPORT_DEPTH + 1), "f0.js", "x").is_empty());
        // A long chain costs its depth, not more.
        assert!(followed(&chain(100_000), "f0.js", "x").is_empty());
    }

    #[test]
    fn lookup_finds_the_files_declaring_a_name() {
        let python = named("python");
        let file = |path: &str, declared: &[&str]| FileFacts {
            path: path.into(),
            language: python,
            declared: declared.iter().map(|d| d.to_string()).collect(),
            ..FileFacts::default()
        };
        let files = [file("a.py", &["X", "Y"]), file("b.py", &["Y"])];
        let lookup = Lookup::new(&files, &[], &[]);
        assert_eq!(lookup.declaring(python, "Y"), ["a.py", "b.py"]);
        assert_eq!(lookup.declaring(python, "X"), ["a.py"]);
        assert!(lookup.declaring(python, "Z").is_empty());
        assert!(lookup.declaring(named("rust"), "X").is_empty());
    }

    #[test]
    fn grammars_by_path() {
        let ts = named("typescript");
        assert_eq!(ts.grammar("a/App.tsx").1.key, "tsx");
        assert_eq!(ts.grammar("a/app.ts").1.key, "typescript");
        assert_eq!(ts.grammar("a/app.ts").0, 0);
        assert_eq!(named("python").grammar("x.py").1.key, "python");
    }

    #[test]
    fn facts_cache_bytes_and_json_names() {
        let rust = named("rust");
        assert_eq!(serde_json::to_string(&rust).unwrap(), "\"rust\"");
        let back: Language = serde_json::from_str("\"rust\"").unwrap();
        assert_eq!(back, rust);
        let bytes = postcard::to_stdvec(&rust).unwrap();
        assert_eq!(bytes, [3]);
        assert_eq!(postcard::from_bytes::<Language>(&bytes).unwrap(), rust);
        assert!(postcard::from_bytes::<Language>(&[9]).is_err());
    }
}
