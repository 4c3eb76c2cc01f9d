//! Facts: what analysis learns about a file, in plain serializable data.
//!
//! Every later stage (metrics, reports, baselines) works from these facts alone,
//! never from source text or syntax trees, so a file is read and parsed exactly
//! once and the facts can be cached by blob id or compared across snapshots.

use serde::{Deserialize, Serialize};

use crate::lang::Language;

/// Everything analysis knows about one source file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// Path relative to the repository root, with forward slashes.
    pub path: String,
    pub language: Language,
    /// Whether the path matches the test-file patterns (`[scan] test_patterns`).
    pub is_test: bool,
    pub lines: LineCounts,
    pub functions: Vec<Function>,
    pub imports: Vec<Import>,
    pub public_items: Vec<PublicItem>,
    /// Rust: the file holds `#[test]` or `#[cfg(test)]` items.
    pub has_inline_tests: bool,
    /// Rust: module paths this file names (`use a::b::c`, `a::b::f()`), joined
    /// with `::`. Only gathered for test files, where test association needs them.
    pub rust_paths: Vec<String>,
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

/// A function as PRODUCT.md defines it (methods and nested functions included).
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
    /// Not typed by the language (JavaScript).
    Untyped,
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
