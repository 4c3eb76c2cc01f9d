//! rust: turns a Rust syntax tree into facts, in one walk of the tree.
//!
//! Functions are `fn` items with a body at any depth; imports are the first
//! segment of every path the file names (`use` trees, `extern crate`, paths in
//! code and inside macro arguments), because a crate is used as soon as one of
//! its paths is written, with or without a `use`; public items are the
//! top-level items with a bare `pub`; inline tests are `#[test]`-like and
//! `#[cfg(test)]` attributes. Test files also keep every full path they name, so
//! that test association can map `my_crate::a::b` to `src/a/b.rs`.

use tree_sitter::{Node, Tree};

use super::{Docs, Grammar, LanguageSpec, Libraries, Lookup, Resolved, Scratch, TestRules, line};
use crate::facts::{
    ALL_NAMES, FileFacts, Function, Import, NameImport, PublicItem, RustCrate, Typing, WHOLE_MODULE,
};

pub const SPEC: LanguageSpec = LanguageSpec {
    name: "rust",
    title: "Rust",
    extensions: &["rs"],
    family: "rust",
    grammars: &[Grammar {
        key: "rust",
        suffixes: &[],
        load: || tree_sitter_rust::LANGUAGE.into(),
    }],
    analyze,
    tests: TestRules {
        patterns: &["**/tests/**", "tests.rs"],
        dirs: &[],
        // Rust tests are inline or name module paths, not file names.
        subject: |_| None,
        module_names: None,
        exercised,
        resolve,
        submodule,
    },
    libraries: Libraries {
        families: &[(
            "http",
            &["reqwest", "ureq", "hyper", "surf", "isahc", "attohttpc"],
        )],
        // The first path segment; crate names read hyphens as underscores.
        name: |module| Some(module.replace('-', "_")),
        matches: |name, entry| name == entry.replace('-', "_"),
    },
    strings: &["string_literal", "raw_string_literal"],
    manifests: &["Cargo.toml"],
    docs: Docs {
        test_names: None,
        test_imports: None,
        test_other: Some(
            "in Rust, the file holds #[test] or #[cfg(test)] items, or an integration test under \
             tests/ names its module path (use my_crate::a::b associates src/a/b.rs or \
             src/a/b/mod.rs) or an item a pub use re-exports from it",
        ),
        libraries: "Rust matches the first path segment of use, extern crate and paths in code \
                    (hyphens read as underscores)",
        public_items: "Rust top-level items with a bare `pub` (not pub(crate)/pub(super)), each \
                       name of a pub use",
        typed: "Rust functions are typed.",
    },
};

/// The files an integration test's paths name (`use my_crate::a::b`), and
/// the files that define the item a path names after its module, through
/// `pub use` (README, "Precise definitions").
fn exercised<'a>(test: &'a FileFacts, lookup: &Lookup<'a>) -> Vec<&'a str> {
    let mut out = Vec::new();
    let Some(krate) = crate_of(lookup, &test.path) else {
        return out;
    };
    for path in &test.rust_paths {
        let mut segments = path.split("::");
        if segments.next() != Some(krate.name.as_str()) {
            continue;
        }
        let rest: Vec<&str> = segments.collect();
        if let Some((file, n)) = longest_module(lookup, krate, &rest) {
            out.push(file);
            if let Some(item) = rest.get(n) {
                lookup.follow(file, item, &mut out);
            }
        }
    }
    out
}

/// The package that owns a file: the deepest whose folder holds it.
fn crate_of<'a>(lookup: &Lookup<'a>, path: &str) -> Option<&'a RustCrate> {
    lookup
        .crates
        .iter()
        .filter(|c| c.dir.is_empty() || path.starts_with(&format!("{}/", c.dir)))
        .max_by_key(|c| c.dir.len())
}

/// The `src` folder of a package.
fn src_dir(krate: &RustCrate) -> String {
    if krate.dir.is_empty() {
        "src".to_string()
    } else {
        format!("{}/src", krate.dir)
    }
}

/// The file of the longest prefix of a module path (from the crate root)
/// that names one, and that prefix's length.
fn longest_module<'a>(
    lookup: &Lookup<'a>,
    krate: &RustCrate,
    path: &[&str],
) -> Option<(&'a str, usize)> {
    let src = src_dir(krate);
    (0..=path.len()).rev().find_map(|n| {
        let module = path[..n].join("/");
        let candidates = if n == 0 {
            vec![format!("{src}/lib.rs"), format!("{src}/main.rs")]
        } else {
            vec![
                format!("{src}/{module}.rs"),
                format!("{src}/{module}/mod.rs"),
            ]
        };
        candidates
            .iter()
            .find_map(|c| lookup.paths.get(c.as_str()).copied())
            .map(|p| (p, n))
    })
}

/// The module path of a file below its crate's `src` (`src/a/mod.rs` and
/// `src/a.rs` are `a`; `src/lib.rs` is the root).
fn module_of<'p>(krate: &RustCrate, path: &'p str) -> Option<Vec<&'p str>> {
    let src = src_dir(krate);
    let rel = path
        .strip_prefix(&src)?
        .strip_prefix('/')?
        .strip_suffix(".rs")?;
    let mut comps: Vec<&str> = rel.split('/').collect();
    if comps.last() == Some(&"mod") || comps.as_slice() == ["lib"] || comps.as_slice() == ["main"] {
        comps.pop();
    }
    Some(comps)
}

/// Where a `pub use` leads: `crate::`, `self::` and `super::` paths, and
/// paths that start with a child module of the file's own, inside its crate.
fn resolve<'a>(lookup: &Lookup<'a>, from: &'a FileFacts, r: &NameImport) -> Option<Resolved<'a>> {
    let krate = crate_of(lookup, &from.path)?;
    let own = module_of(krate, &from.path)?;
    let mut segments = r.module.split("::").filter(|s| !s.is_empty()).peekable();
    let mut full: Vec<&str> = Vec::new();
    let relative = match segments.peek().copied() {
        Some("crate") => {
            segments.next();
            false
        }
        Some("self") => {
            segments.next();
            full.extend(&own);
            false
        }
        Some("super") => {
            full.extend(&own);
            while segments.peek() == Some(&"super") {
                segments.next();
                full.pop()?;
            }
            false
        }
        _ => {
            full.extend(&own);
            true
        }
    };
    let base = full.len();
    full.extend(segments);
    if r.name != ALL_NAMES && r.name != WHOLE_MODULE {
        full.push(&r.name);
    }
    let (file, n) = longest_module(lookup, krate, &full)?;
    // A path that names no module of the crate is another crate's.
    if relative && n <= base {
        return None;
    }
    let name = if n == full.len() {
        // The path is a module: taken whole (or all its names, for `*`).
        (r.name != ALL_NAMES).then(|| WHOLE_MODULE.to_string())
    } else if n + 1 < full.len() || r.name == ALL_NAMES {
        Some(full[n].to_string())
    } else {
        None
    };
    Some((file, name))
}

/// `pub use self::m` where `m` is a module file below the file's own.
fn submodule<'a>(lookup: &Lookup<'a>, from: &'a FileFacts, name: &str) -> Option<&'a str> {
    let krate = crate_of(lookup, &from.path)?;
    let mut path = module_of(krate, &from.path)?;
    let len = path.len() + 1;
    path.push(name);
    longest_module(lookup, krate, &path)
        .filter(|(_, n)| *n == len)
        .map(|(p, _)| p)
}

// Node kinds of tree-sitter-rust 0.24 (see its `src/node-types.json`).
const LINE_COMMENT: &str = "line_comment";
const BLOCK_COMMENT: &str = "block_comment";
const FUNCTION_ITEM: &str = "function_item";
const USE_DECLARATION: &str = "use_declaration";
const EXTERN_CRATE: &str = "extern_crate_declaration";
const ATTRIBUTE_ITEM: &str = "attribute_item";
const INNER_ATTRIBUTE_ITEM: &str = "inner_attribute_item";
const VISIBILITY: &str = "visibility_modifier";
const TOKEN_TREE: &str = "token_tree";
const SCOPED_IDENTIFIER: &str = "scoped_identifier";
const SCOPED_TYPE_IDENTIFIER: &str = "scoped_type_identifier";
const SCOPED_USE_LIST: &str = "scoped_use_list";
const USE_LIST: &str = "use_list";
const USE_AS_CLAUSE: &str = "use_as_clause";
const USE_WILDCARD: &str = "use_wildcard";
const GENERIC_TYPE: &str = "generic_type";
const IDENTIFIER: &str = "identifier";
const TYPE_IDENTIFIER: &str = "type_identifier";
const SELF: &str = "self";
const SUPER: &str = "super";
const CRATE: &str = "crate";
const METAVARIABLE: &str = "metavariable";
const PATH_SEPARATOR: &str = "::";
const DOT: &str = ".";
const CLOSE_ANGLE: &str = ">";

/// Top-level item kinds that count as public items when marked bare `pub`
/// (`use` and `extern crate` are handled apart: they name what they bring in).
/// `macro_rules!` macros are left out even with `#[macro_export]`: they are
/// exported from the crate root, not from the module that defines them.
const NAMED_ITEMS: &[&str] = &[
    FUNCTION_ITEM,
    "struct_item",
    "enum_item",
    "union_item",
    "trait_item",
    "type_item",
    "const_item",
    "static_item",
    "mod_item",
];

/// Kinds under which paths are not uses of a crate: `use` trees are expanded
/// on their own, attributes name tools and lints (`clippy::`, `rustfmt::`), and
/// `pub(in a::b)` names the current crate.
const QUIET: &[&str] = &[
    USE_DECLARATION,
    ATTRIBUTE_ITEM,
    INNER_ATTRIBUTE_ITEM,
    VISIBILITY,
];

/// First path segments that name the current crate or scope, not a library.
const NOT_LIBRARIES: &[&str] = &["crate", "self", "super", "Self"];

/// What the walk remembers about each ancestor of the current node.
#[derive(Clone, Copy)]
struct Frame<'t> {
    kind: &'t str,
    /// Inside a [`QUIET`] node.
    quiet: bool,
    /// The node is the `path` part of a longer path (`a::b` in `a::b::c`),
    /// already recorded with the whole path.
    inner_path: bool,
}

pub fn analyze(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch) {
    let mut walk = Walk {
        src,
        facts,
        scratch,
        seen_imports: std::collections::HashSet::new(),
        seen_paths: std::collections::HashSet::new(),
    };
    walk.run(tree);
}

struct Walk<'a> {
    src: &'a str,
    facts: &'a mut FileFacts,
    scratch: &'a mut Scratch,
    /// `imports` already recorded, by module (a set keeps many imports linear).
    seen_imports: std::collections::HashSet<&'a str>,
    /// `rust_paths` already recorded (test files only).
    seen_paths: std::collections::HashSet<String>,
}

impl<'a> Walk<'a> {
    fn run(&mut self, tree: &Tree) {
        let mut cursor = tree.walk();
        let mut stack: Vec<Frame<'_>> = Vec::new();
        loop {
            let node = cursor.node();
            let kind = node.kind();
            let parent = stack.last().copied();
            let inner_path = parent.is_some_and(|p| {
                let field = cursor.field_name();
                (field == Some("path")
                    && (p.kind == SCOPED_IDENTIFIER || p.kind == SCOPED_TYPE_IDENTIFIER))
                    || (field == Some("type") && p.kind == GENERIC_TYPE && p.inner_path)
            });
            let quiet = parent.is_some_and(|p| p.quiet) || QUIET.contains(&kind);
            let top_level = stack.len() == 1;
            if top_level {
                self.top_level_item(node);
            }
            let descend = self.visit(node, kind, quiet, inner_path, top_level);
            if descend && cursor.goto_first_child() {
                stack.push(Frame {
                    kind,
                    quiet,
                    inner_path,
                });
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                stack.pop();
            }
        }
    }

    /// Records what `node` itself tells; false when its children hold nothing
    /// more to find.
    fn visit(
        &mut self,
        node: Node,
        kind: &str,
        quiet: bool,
        inner_path: bool,
        top_level: bool,
    ) -> bool {
        match kind {
            LINE_COMMENT | BLOCK_COMMENT => {
                self.scratch.comments.push(node.byte_range());
                return false;
            }
            FUNCTION_ITEM => {
                if let Some(name) = node.child_by_field_name("name") {
                    self.facts.functions.push(Function {
                        name: self.text(name).to_string(),
                        line: line(node),
                        typed_unit: true,
                        typing: Typing::Static,
                    });
                    self.scratch.function_ranges.push(node.byte_range());
                }
            }
            USE_DECLARATION => {
                if let Some(arg) = node.child_by_field_name("argument") {
                    let (prefixes, leaves) = use_leaves(self.src, arg);
                    for leaf in &leaves {
                        if let Some(first) = prefixes.first(leaf) {
                            self.record(first, leaf.line, || prefixes.path(leaf).join("::"));
                        }
                    }
                    if top_level && self.bare_pub(node) {
                        for leaf in leaves {
                            let path = prefixes.path(&leaf);
                            let (module, name, alias) = if leaf.name == "*" {
                                (path.join("::"), ALL_NAMES, "")
                            } else {
                                let Some((last, module)) = path.split_last() else {
                                    continue;
                                };
                                (module.join("::"), *last, leaf.name)
                            };
                            self.facts.reexports.push(NameImport {
                                module,
                                level: 0,
                                name: name.to_string(),
                                alias: alias.to_string(),
                            });
                            self.public(leaf.name, leaf.line);
                        }
                    }
                }
            }
            EXTERN_CRATE => {
                if let Some(name) = node.child_by_field_name("name") {
                    self.record_path(&[self.text(name)], line(node));
                }
            }
            ATTRIBUTE_ITEM | INNER_ATTRIBUTE_ITEM
                if !self.facts.has_inline_tests && is_test_attribute(self.src, node) =>
            {
                self.facts.has_inline_tests = true;
            }
            SCOPED_IDENTIFIER | SCOPED_TYPE_IDENTIFIER if !quiet && !inner_path => {
                if let Some(path) = segments(self.src, node) {
                    self.record_path(&path, line(node));
                }
            }
            TOKEN_TREE if !quiet => self.token_tree_paths(node),
            _ => {}
        }
        true
    }

    /// Public items of a direct child of the file (`pub use` is handled with
    /// the rest of the `use` declaration).
    fn top_level_item(&mut self, node: Node) {
        if !self.bare_pub(node) {
            return;
        }
        let kind = node.kind();
        if NAMED_ITEMS.contains(&kind) {
            if let Some(name) = node.child_by_field_name("name") {
                self.public(self.text(name), line(node));
                // A module is a file of its own, found by its path.
                if kind != "mod_item" {
                    self.facts.defines.push(self.text(name).to_string());
                }
            }
        } else if kind == EXTERN_CRATE {
            let name = node
                .child_by_field_name("alias")
                .or_else(|| node.child_by_field_name("name"));
            if let Some(name) = name {
                self.public(self.text(name), line(node));
            }
        }
    }

    /// Whether an item is marked `pub` alone (not `pub(crate)`, `pub(super)`…).
    fn bare_pub(&self, item: Node) -> bool {
        item.child(0)
            .is_some_and(|v| v.kind() == VISIBILITY && self.text(v) == "pub")
    }

    fn public(&mut self, name: &str, line: u32) {
        self.facts.public_items.push(PublicItem {
            name: name.to_string(),
            line,
        });
    }

    /// Paths written inside a macro's arguments, which the grammar leaves as
    /// flat tokens: runs of `a :: b (:: c)*` not continuing an earlier path or
    /// a field access (`$crate::a`, `x.y::z`).
    fn token_tree_paths(&mut self, tree: Node) {
        // The shortest tree holding a path is `(a::b)`: five tokens.
        if tree.child_count() < 5 {
            return;
        }
        let mut cursor = tree.walk();
        if !cursor.goto_first_child() {
            return;
        }
        // The tokens with their kinds, for lookbehind.
        let mut tokens: Vec<(&str, Node)> = Vec::new();
        loop {
            let n = cursor.node();
            tokens.push((n.kind(), n));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        let is_segment = |k: &str| matches!(k, IDENTIFIER | SELF | SUPER | CRATE);
        let mut i = 0;
        while i < tokens.len() {
            let (kind, start) = tokens[i];
            let continues = i > 0 && {
                let prev = tokens[i - 1].0;
                prev == DOT
                    || (prev == PATH_SEPARATOR
                        && i > 1
                        && matches!(
                            tokens[i - 2].0,
                            IDENTIFIER | SELF | SUPER | CRATE | CLOSE_ANGLE | METAVARIABLE
                        ))
            };
            if !is_segment(kind) || continues {
                i += 1;
                continue;
            }
            let mut path = vec![self.text(start)];
            let mut j = i + 1;
            while j + 1 < tokens.len()
                && tokens[j].0 == PATH_SEPARATOR
                && is_segment(tokens[j + 1].0)
            {
                path.push(self.text(tokens[j + 1].1));
                j += 2;
            }
            if path.len() > 1 {
                self.record_path(&path, line(start));
            }
            i = j;
        }
    }

    /// Records a path the file names: its first segment as an import, and
    /// (test files only) the whole path.
    fn record_path(&mut self, path: &[&'a str], line: u32) {
        if let Some(first) = path.first() {
            let kept = &path[..path.len().min(PATH_SEGMENTS_KEPT)];
            self.record(first, line, || kept.join("::"));
        }
    }

    /// Records a path by its first segment, and (test files only) the whole
    /// path `joined` makes.
    fn record(&mut self, first: &'a str, line: u32, joined: impl FnOnce() -> String) {
        if !NOT_LIBRARIES.contains(&first) && self.seen_imports.insert(first) {
            self.facts.imports.push(Import {
                module: first.to_string(),
                level: 0,
                line,
            });
        }
        if self.facts.role.is_test() {
            let joined = joined();
            if !self.seen_paths.contains(&joined) {
                self.seen_paths.insert(joined.clone());
                self.facts.rust_paths.push(joined);
            }
        }
    }

    fn text(&self, node: Node) -> &'a str {
        self.src.get(node.byte_range()).unwrap_or("")
    }
}

/// 1-based line where a node starts.
/// One name a `use` tree brings into scope.
struct UseLeaf<'s> {
    /// The path is the prefix's (an index in [`Prefixes`]) followed by
    /// `tail`, `*` left out (`a::b::*` is `a::b`, `a::{self}` is `a`).
    prefix: Option<usize>,
    tail: Vec<&'s str>,
    /// The name it binds: the last segment, the alias, or `*`.
    name: &'s str,
    line: u32,
}

/// Segments kept of a path a test file names. Test association maps a path
/// to a file below `src/` by its longest prefix naming one, and no repository
/// nests its source files this deep; a longer path (only a crafted file
/// writes one) keeps its first segments, so that a deep `use` tree with many
/// leaves costs no more per leaf than a shallow one.
const PATH_SEGMENTS_KEPT: usize = 64;

/// The paths of the nested lists of a `use` tree, each stored once (its
/// first [`PATH_SEGMENTS_KEPT`] segments): a deeply nested tree costs no
/// copying of whole prefixes.
#[derive(Default)]
struct Prefixes<'s> {
    nodes: Vec<PrefixNode<'s>>,
}

struct PrefixNode<'s> {
    /// The first segments of the whole path; never empty.
    head: Vec<&'s str>,
    /// The last segment of the whole path.
    last: &'s str,
}

impl<'s> Prefixes<'s> {
    /// The prefix `parent` then `segments` (`parent` itself when they are none).
    fn push(&mut self, parent: Option<usize>, segments: Vec<&'s str>) -> Option<usize> {
        let &last = segments.last()?;
        let mut head = parent.map_or_else(Vec::new, |p| self.nodes[p].head.clone());
        let room = PATH_SEGMENTS_KEPT.saturating_sub(head.len());
        head.extend(segments.into_iter().take(room));
        self.nodes.push(PrefixNode { head, last });
        Some(self.nodes.len() - 1)
    }

    fn last(&self, prefix: Option<usize>) -> Option<&'s str> {
        prefix.map(|p| self.nodes[p].last)
    }

    /// The first segment of a leaf's path; None for an empty path.
    fn first(&self, leaf: &UseLeaf<'s>) -> Option<&'s str> {
        match leaf.prefix {
            Some(p) => self.nodes[p].head.first().copied(),
            None => leaf.tail.first().copied(),
        }
    }

    /// A leaf's path, its first [`PATH_SEGMENTS_KEPT`] segments.
    fn path(&self, leaf: &UseLeaf<'s>) -> Vec<&'s str> {
        let mut path = leaf
            .prefix
            .map_or_else(Vec::new, |p| self.nodes[p].head.clone());
        let room = PATH_SEGMENTS_KEPT.saturating_sub(path.len());
        path.extend(leaf.tail.iter().take(room));
        path
    }
}

/// Expands a `use` tree (`a::{b::c, d as e, f::*, self}`) into its leaves, in
/// order. The tree may nest as deep as the file is long: the walk keeps its
/// own stack, not the thread's.
fn use_leaves<'s>(src: &'s str, root: Node) -> (Prefixes<'s>, Vec<UseLeaf<'s>>) {
    let mut prefixes = Prefixes::default();
    let mut out = Vec::new();
    // Nodes still to expand, next last, each with the prefix it is under.
    let mut todo: Vec<(Node, Option<usize>)> = vec![(root, None)];
    while let Some((node, prefix)) = todo.pop() {
        match node.kind() {
            USE_LIST => {
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                todo.extend(children.into_iter().rev().map(|c| (c, prefix)));
            }
            SCOPED_USE_LIST => {
                let mut inner = prefix;
                if let Some(path) = node.child_by_field_name("path") {
                    match segments(src, path) {
                        Some(segs) => inner = prefixes.push(prefix, segs),
                        None => continue,
                    }
                }
                if let Some(list) = node.child_by_field_name("list") {
                    todo.push((list, inner));
                }
            }
            USE_AS_CLAUSE => {
                let (Some(path), Some(alias)) = (
                    node.child_by_field_name("path"),
                    node.child_by_field_name("alias"),
                ) else {
                    continue;
                };
                if let Some(tail) = use_tail(src, path, prefix) {
                    out.push(UseLeaf {
                        prefix,
                        tail,
                        name: src.get(alias.byte_range()).unwrap_or(""),
                        line: line(node),
                    });
                }
            }
            USE_WILDCARD => {
                let mut tail = Vec::new();
                if let Some(inner) = node.named_child(0) {
                    match segments(src, inner) {
                        Some(segs) => tail = segs,
                        None => continue,
                    }
                }
                out.push(UseLeaf {
                    prefix,
                    tail,
                    name: "*",
                    line: line(node),
                });
            }
            _ => {
                if let Some(tail) = use_tail(src, node, prefix)
                    && let Some(name) = tail.last().copied().or(prefixes.last(prefix))
                {
                    out.push(UseLeaf {
                        prefix,
                        tail,
                        name,
                        line: line(node),
                    });
                }
            }
        }
    }
    (prefixes, out)
}

/// The segments a simple `use` leaf adds to its prefix; `self` in a list
/// names the prefix itself.
fn use_tail<'s>(src: &'s str, node: Node, prefix: Option<usize>) -> Option<Vec<&'s str>> {
    if node.kind() == SELF && prefix.is_some() {
        return Some(Vec::new());
    }
    segments(src, node)
}

/// The segments of a path node (`a::B::<T>::c` is `a`, `B`, `c`; `::a::b` is
/// `a`, `b`); None for paths that start with a qualified type (`<T as U>::f`)
/// or a macro variable, and for anything that is not a path.
fn segments<'s>(src: &'s str, node: Node) -> Option<Vec<&'s str>> {
    let mut out = Vec::new();
    let mut node = node;
    // Walk from the last segment to the first, then reverse.
    loop {
        match node.kind() {
            SCOPED_IDENTIFIER | SCOPED_TYPE_IDENTIFIER => {
                out.push(src.get(node.child_by_field_name("name")?.byte_range())?);
                match node.child_by_field_name("path") {
                    Some(path) => node = path,
                    None => break,
                }
            }
            GENERIC_TYPE => node = node.child_by_field_name("type")?,
            IDENTIFIER | TYPE_IDENTIFIER | SELF | SUPER | CRATE => {
                out.push(src.get(node.byte_range())?);
                break;
            }
            _ => return None,
        }
    }
    out.reverse();
    Some(out)
}

/// `#[test]`, `#[tokio::test]` (any path ending in `test`), `#[cfg(test)]`.
fn is_test_attribute(src: &str, item: Node) -> bool {
    let Some(attr) = item.named_child(0) else {
        return false;
    };
    let Some(path) = attr.named_child(0) else {
        return false;
    };
    let text = |n: Node| src.get(n.byte_range()).unwrap_or("");
    match path.kind() {
        IDENTIFIER if text(path) == "test" => true,
        SCOPED_IDENTIFIER => path
            .child_by_field_name("name")
            .is_some_and(|n| text(n) == "test"),
        IDENTIFIER if text(path) == "cfg" => {
            attr.child_by_field_name("arguments").is_some_and(|a| {
                text(a)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .eq("(test)".chars())
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::LineCounts;
    use crate::lang::lines;

    fn facts_of(src: &str, is_test: bool) -> (FileFacts, Scratch) {
        crate::lang::analyzed("rust", "x.rs", src, is_test)
    }

    fn facts(src: &str) -> FileFacts {
        facts_of(src, false).0
    }

    fn functions(src: &str) -> Vec<(String, u32)> {
        facts(src)
            .functions
            .into_iter()
            .map(|f| {
                assert!(f.typed_unit);
                assert_eq!(f.typing, Typing::Static);
                (f.name, f.line)
            })
            .collect()
    }

    fn imports(src: &str) -> Vec<(String, u32)> {
        facts(src)
            .imports
            .into_iter()
            .map(|i| {
                assert_eq!(i.level, 0);
                (i.module, i.line)
            })
            .collect()
    }

    fn public(src: &str) -> Vec<(String, u32)> {
        facts(src)
            .public_items
            .into_iter()
            .map(|p| (p.name, p.line))
            .collect()
    }

    fn pairs(expected: &[(&str, u32)]) -> Vec<(String, u32)> {
        expected.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    }

    #[test]
    fn functions_are_fn_items_with_a_body() {
        let src = "\
fn free() {
    fn nested() {}
    let closure = |x: u8| x + 1;
}
struct S;
impl S {
    #[inline]
    pub async fn method(&self) {}
}
trait T {
    fn required(&self);
    fn provided(&self) {}
}
extern \"C\" {
    fn foreign();
}
";
        assert_eq!(
            functions(src),
            pairs(&[("free", 1), ("nested", 2), ("method", 8), ("provided", 12)])
        );
    }

    #[test]
    fn imports_are_first_segments_of_every_path() {
        let src = "\
use std::collections::HashMap;
use {serde::Serialize, anyhow::{Context, Result as R}};
use ::tokio::runtime;
use crate::config;
use self::inner::x;
use super::y;
extern crate libc;
fn f() -> hyper::Body {
    let c = reqwest::blocking::Client::new();
    let v = serde_json::json!({});
    let w = Vec::<ureq::Agent>::new();
    let s = Self::x();
    println!(\"{}\", isahc::VERSION);
    crate::g();
    std::process::exit(0);
}
";
        assert_eq!(
            imports(src),
            pairs(&[
                ("std", 1),
                ("serde", 2),
                ("anyhow", 2),
                ("tokio", 3),
                ("libc", 7),
                ("hyper", 8),
                ("reqwest", 9),
                ("serde_json", 10),
                ("Vec", 11),
                ("ureq", 11),
                ("isahc", 13),
            ])
        );
    }

    #[test]
    fn attribute_and_visibility_paths_are_not_imports() {
        let src = "\
#[allow(clippy::too_many_lines)]
#[rustfmt::skip]
pub(in crate::a) fn f() {}
";
        assert_eq!(imports(src), pairs(&[]));
    }

    #[test]
    fn macro_argument_paths_skip_continuations() {
        // `$crate::a` and `x.y::z` do not start a path; `::surf::get` does.
        let src = "\
macro_rules! m {
    () => { $crate::a::b(); ::surf::get(); };
}
fn f() {
    m!(x.y::z, attohttpc::get(), Vec::<u8>::new());
}
";
        assert_eq!(imports(src), pairs(&[("surf", 2), ("attohttpc", 5)]));
    }

    #[test]
    fn public_items_are_top_level_bare_pub() {
        let src = "\
pub fn f() {}
pub struct S;
pub enum E { A }
pub union U { a: u8 }
pub trait T {}
pub type A = u8;
pub const C: u8 = 1;
pub static ST: u8 = 1;
pub mod m {
    pub fn inner() {}
}
pub mod n;
pub(crate) fn hidden() {}
pub(super) struct H;
pub(in crate::x) struct I;
fn private() {}
#[macro_export]
macro_rules! exported { () => {} }
pub use a::b;
pub use a::{c, d as e, f::{g, self}};
pub use h::*;
pub extern crate k as l;
pub(crate) use m::o;
use p::q;
";
        assert_eq!(
            public(src),
            pairs(&[
                ("f", 1),
                ("S", 2),
                ("E", 3),
                ("U", 4),
                ("T", 5),
                ("A", 6),
                ("C", 7),
                ("ST", 8),
                ("m", 9),
                ("n", 12),
                ("b", 19),
                ("c", 20),
                ("e", 20),
                ("g", 20),
                ("f", 20),
                ("*", 21),
                ("l", 22),
            ])
        );
    }

    #[test]
    fn use_trees_nested_deep_are_expanded_without_recursion() {
        // Deep enough to overflow a test thread's stack when each level was
        // a call.
        let n = 20_000;
        let src = format!(
            "pub use {}{{b, self, c as d, e::*}}{};\n",
            "a::{".repeat(n),
            "}".repeat(n)
        );
        assert_eq!(
            public(&src),
            pairs(&[("b", 1), ("a", 1), ("d", 1), ("*", 1)])
        );
        assert_eq!(imports(&src), pairs(&[("a", 1)]));
        let (test, _) = facts_of("use x::{y::{z, self}, w};\n", true);
        assert_eq!(test.rust_paths, ["x::y::z", "x::y", "x::w"]);
        // A test file keeps the first 64 segments of a path, however long.
        let kept = vec!["a"; PATH_SEGMENTS_KEPT].join("::");
        let (test, _) = facts_of(&src, true);
        assert_eq!(test.rust_paths, std::slice::from_ref(&kept));
        let (test, _) = facts_of(
            &format!("fn t() {{ {}::f(); }}\n", vec!["a"; 1000].join("::")),
            true,
        );
        assert_eq!(test.rust_paths, [kept]);
    }

    #[test]
    fn inline_tests_are_test_attributes() {
        let yes = [
            "#[test]\nfn t() {}\n",
            "#[cfg(test)]\nmod tests {}\n",
            "#[cfg( test )]\nmod tests {}\n",
            "#![cfg(test)]\n",
            "#[tokio::test]\nasync fn t() {}\n",
            "mod a {\n    mod b {\n        #[test]\n        fn t() {}\n    }\n}\n",
        ];
        for src in yes {
            assert!(facts(src).has_inline_tests, "{src}");
        }
        let no = [
            "fn test() {}\n",
            "#[cfg(not(test))]\nfn f() {}\n",
            "#[cfg(feature = \"test\")]\nfn f() {}\n",
            "#[testing]\nfn f() {}\n",
            "#[test_case(1)]\nfn f() {}\n",
        ];
        for src in no {
            assert!(!facts(src).has_inline_tests, "{src}");
        }
    }

    #[test]
    fn pub_use_is_a_reexport_and_pub_items_are_defined() {
        let src = "\
pub use crate::a::{B, c::D as E};
pub use self::f::*;
pub use g::H;
pub(crate) use crate::hidden::X;
use crate::private::Y;
pub struct S;
pub fn f() {}
pub mod m;
fn private() {}
mod inner {
    pub use crate::deep::Z;
}
";
        let f = facts(src);
        let rows: Vec<(&str, &str, &str)> = f
            .reexports
            .iter()
            .map(|r| (r.module.as_str(), r.name.as_str(), r.alias.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("crate::a", "B", "B"),
                ("crate::a::c", "D", "E"),
                ("self::f", "*", ""),
                ("g", "H", "H"),
            ]
        );
        assert_eq!(f.defines, ["S", "f"], "a module is found by its path");
    }

    #[test]
    fn test_files_keep_full_paths() {
        let src = "\
use my_crate::{a::b, c};
use my_crate::d::*;
use my_crate::e::{self, F as G};
use ::my_crate::h;
#[test]
fn t() {
    let x: my_crate::config::Config = my_crate::config::load(\"\");
    assert_eq!(my_crate::net::get(), my_crate::config::load(\"\"));
    let _ = Vec::<my_crate::i::J>::new();
}
";
        let (test, _) = facts_of(src, true);
        assert_eq!(
            test.rust_paths,
            [
                "my_crate::a::b",
                "my_crate::c",
                "my_crate::d",
                "my_crate::e",
                "my_crate::e::F",
                "my_crate::h",
                "my_crate::config::Config",
                "my_crate::config::load",
                "my_crate::net::get",
                "Vec::new",
                "my_crate::i::J",
            ]
        );
        assert_eq!(test.imports.len(), 2, "my_crate and Vec");
        let (source, _) = facts_of(src, false);
        assert!(source.rust_paths.is_empty());
    }

    #[test]
    fn comments_are_marked_and_counted() {
        let src = "\
//! Module docs.

/// Item docs,
/// two lines.
pub fn f() -> u8 {
    // a line comment
    /* a block
       comment */
    1 // trailing
}

/* one */ fn g() {}
";
        let (_, scratch) = facts_of(src, false);
        let marked: Vec<&str> = scratch
            .comments
            .iter()
            .map(|r| src[r.clone()].trim_end())
            .collect();
        assert_eq!(
            marked,
            [
                "//! Module docs.",
                "/// Item docs,",
                "/// two lines.",
                "// a line comment",
                "/* a block\n       comment */",
                "// trailing",
                "/* one */",
            ]
        );
        let (_, mut scratch) = facts_of(src, false);
        assert_eq!(
            lines::count(src.as_bytes(), &mut scratch.comments),
            LineCounts {
                // 5, 9, 10 and 12; 1, 3, 4, 6, 7 and 8; 2 and 11.
                code: 4,
                comment: 6,
                blank: 2,
            }
        );
    }
}
