//! Analysis: each source file is read once and parsed once into [`FileFacts`].
//!
//! Files are analyzed in parallel; a file that cannot be analyzed (binary,
//! invalid UTF-8, too large, does not parse) becomes a [`Skipped`] entry with a
//! reason instead of stopping the run.

pub mod lines;
pub mod query;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;
use tree_sitter::{Parser, Tree};

use crate::discover::SourceFile;
use crate::facts::{FileFacts, QueryHit};
use crate::lang::{self, Language};
use query::QueryJob;

/// A file left out of the analysis, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
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

/// Result of analyzing a set of files, sorted by path.
#[derive(Debug, Default)]
pub struct Analysis {
    pub files: Vec<FileFacts>,
    pub skipped: Vec<Skipped>,
}

/// Where file contents come from: the working tree today, git blobs later.
pub trait Source: Sync {
    fn read(&self, file: &SourceFile) -> std::io::Result<Vec<u8>>;
}

/// Analyzes every file in parallel and returns facts sorted by path; the
/// query metrics' queries run on the trees as they are parsed.
pub fn analyze_all(
    files: &[SourceFile],
    source: &dyn Source,
    max_file_bytes: u64,
    queries: &[QueryJob],
) -> Analysis {
    let results: Vec<Result<FileFacts, Skipped>> = files
        .par_iter()
        .map(|f| {
            if f.size > max_file_bytes {
                return Err(Skipped {
                    path: f.path.clone(),
                    reason: too_large(f.size, max_file_bytes),
                });
            }
            let bytes = source.read(f).map_err(|e| Skipped {
                path: f.path.clone(),
                reason: format!("unreadable: {e}"),
            })?;
            analyze_bytes(f, &bytes, max_file_bytes, queries)
        })
        .collect();
    let mut analysis = Analysis::default();
    for r in results {
        match r {
            Ok(facts) => analysis.files.push(facts),
            Err(skip) => analysis.skipped.push(skip),
        }
    }
    analysis.files.sort_by(|a, b| a.path.cmp(&b.path));
    analysis.skipped.sort();
    analysis
}

/// Analyzes one file's bytes. Checks size, binary content and UTF-8 first.
pub fn analyze_bytes(
    file: &SourceFile,
    bytes: &[u8],
    max_file_bytes: u64,
    queries: &[QueryJob],
) -> Result<FileFacts, Skipped> {
    let skip = |reason: String| Skipped {
        path: file.path.clone(),
        reason,
    };
    if bytes.len() as u64 > max_file_bytes {
        return Err(skip(too_large(bytes.len() as u64, max_file_bytes)));
    }
    if bytes.contains(&0) {
        return Err(skip("binary (contains a NUL byte)".into()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| skip(format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    analyze_text(file, text, queries).map_err(skip)
}

/// Names the limit, so a user sees which setting to raise.
fn too_large(size: u64, max_file_bytes: u64) -> String {
    format!("larger than max_file_bytes = {max_file_bytes} ({size} bytes)")
}

/// Parses and analyzes UTF-8 text; the error is a skip reason.
pub fn analyze_text(
    file: &SourceFile,
    text: &str,
    queries: &[QueryJob],
) -> Result<FileFacts, String> {
    let tree = parse(file.language, &file.path, text)?;
    let root = tree.root_node();
    if root.has_error() {
        let line = first_error_line(&tree).unwrap_or(1);
        return Err(format!("does not parse (syntax error at line {line})"));
    }
    let mut facts = FileFacts {
        path: file.path.clone(),
        language: file.language,
        is_test: file.is_test,
        ..FileFacts::default()
    };
    let mut scratch = Scratch::default();
    match file.language {
        Language::Python => lang::python::analyze(&tree, text, &mut facts, &mut scratch),
        Language::JavaScript | Language::TypeScript => {
            lang::javascript::analyze(&tree, text, &mut facts, &mut scratch)
        }
        Language::Rust => lang::rust::analyze(&tree, text, &mut facts, &mut scratch),
    }
    facts.lines = lines::count(text.as_bytes(), &mut scratch.comments);
    let key = grammar(file.language, &file.path).0;
    for job in queries.iter().filter(|j| j.language == file.language) {
        for (at, line) in query::run(&job.query, key, &tree, text) {
            let hit = QueryHit {
                metric: job.metric.clone(),
                line,
                function: innermost(&scratch.function_ranges, at),
            };
            if !facts.query_hits.contains(&hit) {
                facts.query_hits.push(hit);
            }
        }
    }
    Ok(facts)
}

/// The index of the innermost range that holds `at` (the one starting last).
fn innermost(ranges: &[Range<usize>], at: usize) -> Option<usize> {
    ranges
        .iter()
        .enumerate()
        .filter(|(_, r)| r.contains(&at))
        .max_by_key(|(_, r)| r.start)
        .map(|(i, _)| i)
}

thread_local! {
    static PARSERS: RefCell<HashMap<&'static str, Parser>> = RefCell::new(HashMap::new());
}

fn grammar(language: Language, path: &str) -> (&'static str, tree_sitter::Language) {
    match language {
        Language::Python => ("python", tree_sitter_python::LANGUAGE.into()),
        Language::JavaScript => ("javascript", tree_sitter_javascript::LANGUAGE.into()),
        Language::TypeScript if path.ends_with(".tsx") => {
            ("tsx", tree_sitter_typescript::LANGUAGE_TSX.into())
        }
        Language::TypeScript => (
            "typescript",
            tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        ),
        Language::Rust => ("rust", tree_sitter_rust::LANGUAGE.into()),
    }
}

/// Every grammar of a language, by key (TypeScript has one for `.tsx`).
pub fn grammars(language: Language) -> Vec<(&'static str, tree_sitter::Language)> {
    match language {
        Language::TypeScript => vec![grammar(language, "x.ts"), grammar(language, "x.tsx")],
        other => vec![grammar(other, "")],
    }
}

/// Parses with a per-thread parser per grammar (parsers are costly to build).
pub fn parse(language: Language, path: &str, text: &str) -> Result<Tree, String> {
    let (key, grammar) = grammar(language, path);
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = match parsers.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut p = Parser::new();
                p.set_language(&grammar)
                    .map_err(|e| format!("grammar for {language} failed to load: {e}"))?;
                e.insert(p)
            }
        };
        parser
            .parse(text, None)
            .ok_or_else(|| "the parser gave up".to_string())
    })
}

fn first_error_line(tree: &Tree) -> Option<u32> {
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node.start_position().row as u32 + 1);
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}

/// Reads files from the working tree.
pub struct WorkingTree;

impl Source for WorkingTree {
    fn read(&self, file: &SourceFile) -> std::io::Result<Vec<u8>> {
        std::fs::read(&file.abs)
    }
}
