//! Facts: what analysis learns about a file, in plain serializable data.
//!
//! Every later stage (metrics, reports, baselines) works from these facts alone,
//! never from source text or syntax trees, so a file is read and parsed exactly
//! once and the facts can be cached by blob id or compared across snapshots.

use serde::{Deserialize, Serialize};

use crate::snapshot::{Language, Role};

/// Everything analysis knows about one source file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// Path relative to the repository root, with forward slashes.
    pub path: String,
    pub language: Language,
    /// The file's role (README, Precise definitions, "File roles"). While the
    /// file is analyzed: the role its path, `.gitattributes` and `[scan.roles]`
    /// give it; after: with its generated-file marker taken into account.
    pub role: Role,
    /// The generated-file marker in its first lines: 1-based line, and the
    /// words that matched. Read from the content, so cached with it.
    pub marker: Option<(u32, String)>,
    pub lines: LineCounts,
    pub functions: Vec<Function>,
    pub imports: Vec<Import>,
    pub public_items: Vec<PublicItem>,
    /// Rust: the file holds `#[test]` or `#[cfg(test)]` items.
    pub has_inline_tests: bool,
    /// Rust: module paths this file names (`use a::b::c`, `a::b::f()`), joined
    /// with `::`. Only gathered for test files, where test association needs them.
    pub rust_paths: Vec<String>,
    /// Names the file itself defines at its top level, as another module
    /// imports them (Python: every def, class and assigned name; JS/TS: its
    /// exported bindings that are not re-exports, `default` included; Rust:
    /// its `pub` items).
    pub defines: Vec<String>,
    /// What the file makes importable from elsewhere (a package facade):
    /// Python module-level `from … import …` of `__init__.py`; JS/TS
    /// `export … from`, `module.exports = require(…)`, `exports.x =
    /// require(…)`; Rust `pub use`.
    pub reexports: Vec<NameImport>,
    /// Each name the file imports and from which module (Python `from m
    /// import a`; JS/TS named imports and destructured `require`, or the
    /// whole module; Rust is read from `rust_paths`).
    pub imported_names: Vec<NameImport>,
    /// Names the file declares that a test may name it by, as its language's
    /// test rules read them (Go: top-level identifiers and method names; Java:
    /// package-qualified top-level types). Only gathered for non-test files.
    pub declared: Vec<String>,
    /// Names a test file refers to, in the form of [`FileFacts::declared`]
    /// (Go: identifiers; Java: the classes its imports and names may mean).
    /// Only gathered for test files.
    pub referenced: Vec<String>,
    /// Matches of the definition's `query` metrics in this file.
    // No skip_serializing_if: the facts cache uses a format that is not
    // self-describing, where a skipped field breaks reading back.
    pub query_hits: Vec<QueryHit>,
    /// When the file is partly parsed: the 1-based line of its first syntax
    /// error. Its functions that touch an error are left out of
    /// `functions`, and query matches inside an error are dropped.
    pub parse_error: Option<u32>,
    /// What the definition's `rule` metrics found in this file.
    pub rule_units: Vec<RuleUnit>,
}

/// A unit a `rule` metric found something to say about: an offending
/// function or file, or any unit its `units` rule selected (compliant or not).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RuleUnit {
    /// The name of the rule metric.
    pub metric: String,
    /// 1-based first line of a selected unit (0 for a function or file).
    pub line: u32,
    /// Index in [`FileFacts::functions`] of the function the unit is, or
    /// (a selected unit) the innermost one it starts in.
    pub function: Option<usize>,
    /// 1-based lines of the matches that count.
    pub lines: Vec<u32>,
    pub offends: bool,
}

/// One match of a `query` metric's tree-sitter query.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QueryHit {
    /// The name of the query metric.
    pub metric: String,
    /// 1-based line of the match: where its first captured node starts.
    pub line: u32,
    /// Index in [`FileFacts::functions`] of the innermost function holding
    /// the match; None outside every function.
    pub function: Option<usize>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCounts {
    pub code: u32,
    pub comment: u32,
    pub blank: u32,
}

impl LineCounts {
    pub fn total(&self) -> u32 {
        self.code + self.comment + self.blank
    }
}

/// A function as the README's Precise definitions define it (methods and nested functions included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    /// 1-based line of the definition (its `def`/`fn`/`function` keyword, not decorators).
    pub line: u32,
    /// Whether the function is a unit of the `typed` metric. Python: not nested
    /// inside another function (the functions mypy counts). Other languages: always.
    pub typed_unit: bool,
    pub typing: Typing,
}

/// How well a function is statically typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Typing {
    /// Typed by the language (Rust, TypeScript).
    Static,
    /// Not typed by the language (JavaScript without `// @ts-check`).
    Untyped,
    /// TypeScript with an explicit `any`: the parameters annotated `any`
    /// (as written), and whether the return is.
    ExplicitAny { params: Vec<String>, ret: bool },
    /// JavaScript in a `// @ts-check` file whose JSDoc leaves parameters
    /// without a type: those parameters (as written).
    JsDocMissing { params: Vec<String> },
    /// Python: annotation facts from which both modes are decided.
    Python {
        /// Parameters that need an annotation in `complete` mode and lack one.
        unannotated_params: u32,
        /// The return annotation is missing (and required: `__init__` with an
        /// annotated parameter is exempt).
        return_missing: bool,
        /// The function has at least one parameter or return annotation (mypy mode).
        any_annotation: bool,
    },
}

/// An imported module, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// Python: the dotted module (`a.b`; for `from a.b import c` two imports,
    /// `a.b` and `a.b.c`; without the leading dots of a relative import).
    /// JS/TS: the specifier string (`axios`, `./models`, `node:http`).
    /// Rust: the first path segment (`reqwest`).
    pub module: String,
    /// Python relative-import level (number of leading dots); 0 otherwise.
    pub level: u32,
    pub line: u32,
}

/// A name taken from another module, or the whole module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameImport {
    /// The module, as [`Import::module`] writes it (Rust: the path before
    /// the name, `crate::a::b`).
    pub module: String,
    /// Python relative-import level; 0 otherwise.
    pub level: u32,
    /// The name in that module; [`ALL_NAMES`] for all of its names (`from m
    /// import *`, `export * from`, `pub use m::*`, `module.exports =
    /// require(m)`); [`WHOLE_MODULE`] for the module itself as one value
    /// (`exports.x = require(m)`, a default or namespace import).
    pub name: String,
    /// The name it is bound to here (an alias, or the name itself); empty
    /// for [`ALL_NAMES`].
    pub alias: String,
}

/// [`NameImport::name`] for every name of a module.
pub const ALL_NAMES: &str = "*";
/// [`NameImport::name`] for a module taken whole.
pub const WHOLE_MODULE: &str = "";

/// A public item of a module (interface width).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicItem {
    pub name: String,
    pub line: u32,
}

/// A Rust package found in the snapshot (from its `Cargo.toml`): where it is
/// and the name its integration tests use for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustCrate {
    /// The folder holding `Cargo.toml`, relative to the root ("" for the root).
    pub dir: String,
    /// The library name as code writes it (hyphens as underscores).
    pub name: String,
}

/// A JavaScript/TypeScript package found in the snapshot (from its
/// `package.json`): where it is, its name, and its entry points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsPackage {
    /// The folder holding `package.json`, relative to the root ("" for the root).
    pub dir: String,
    /// Its `name`, if it has one.
    pub name: Option<String>,
    /// Its entry points as written (`exports` for `.`, else `main`),
    /// relative to `dir`.
    pub entries: Vec<String>,
}

/// What a coverage report says about the repository's files (the
/// `coverage` metric's facts), after its paths are mapped to the repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageFacts {
    /// The report files read (relative to the root when under it).
    pub reports: Vec<String>,
    /// Repository files the report covers, sorted by path.
    pub files: Vec<FileCoverage>,
    /// Paths the report names that match no file of the repository, as the
    /// report writes them, sorted.
    pub unmatched: Vec<String>,
}

/// The coverable lines of one repository file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCoverage {
    /// Path relative to the repository root.
    pub path: String,
    /// Lines the report counts as coverable.
    pub coverable: u64,
    /// The coverable lines no test ran, ascending.
    pub uncovered: Vec<u32>,
}

/// A number read from a JSON file another tool produced (the `external`
/// metric's facts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalValue {
    /// The file, as the definition names it.
    pub file: String,
    pub pointer: String,
    pub value: f64,
}
