//! JavaScript and TypeScript (`.tsx` included): functions, imports, exported
//! bindings and comment ranges, in one walk of the tree.
//!
//! Both languages share this module because the TypeScript grammar extends the
//! JavaScript one: every node kind below means the same in both, and kinds that
//! exist in only one grammar simply never match in the other. Exports are read
//! from top-level statements only (ES `export` and CommonJS `module.exports`),
//! and a name exported twice (TypeScript overloads, declaration merging) is one
//! binding.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

use super::{
    Docs, Grammar, LanguageSpec, Libraries, Lookup, Resolved, Scratch, TestRules, line, text,
};
use crate::facts::{
    ALL_NAMES, FileFacts, Function, Import, NameImport, PublicItem, Typing, WHOLE_MODULE,
};

pub const SPEC: LanguageSpec = LanguageSpec {
    name: "javascript",
    title: "JavaScript",
    extensions: &["js", "mjs", "cjs", "jsx"],
    family: "javascript",
    grammars: &[Grammar {
        key: "javascript",
        suffixes: &[],
        load: || tree_sitter_javascript::LANGUAGE.into(),
    }],
    analyze,
    tests: TEST_RULES,
    libraries: LIBRARIES,
    strings: &["string", "template_string"],
    manifests: &["package.json"],
    docs: DOCS,
};

/// Shared with TypeScript: one sentence covers both.
pub const DOCS: Docs = Docs {
    test_names: Some("x.test.js, x.spec.ts or __tests__/x.js for x.js/x.ts"),
    test_imports: Some(
        "JS/TS relative require/import and the snapshot's own packages (package.json exports or \
         main, else index), and an imported name through export … from, module.exports = \
         require(…) and exports.x = require(…) to the file that defines it",
    ),
    test_other: None,
    libraries: "JS/TS imports are reduced to the package name (@scope/pkg; node:http is http)",
    public_items: "JS/TS each exported binding (export default counts once, each key of \
                   module.exports = {...}, each exports.x =)",
    typed: "TypeScript functions are typed unless a parameter or the return is annotated \
            exactly `any` (`any[]` or `Promise<any>` do not count). JavaScript functions are \
            untyped, except in a file whose opening comments hold `// @ts-check`: there a \
            function is typed when the JSDoc block right before it (before its declaration, \
            export or variable statement) types every parameter with `@param {Type} name` (a \
            destructured parameter by the @param at its position; a function without \
            parameters is typed).",
};

/// Shared with TypeScript, whose files are tests and import packages alike.
pub const TEST_RULES: TestRules = TestRules {
    patterns: &["*.test.*", "*.spec.*", "**/__tests__/**"],
    dirs: &["test", "testing"],
    subject,
    module_names: None,
    exercised,
    resolve,
    submodule: |_, _, _| None,
};

/// Shared with TypeScript, which uses the same packages.
pub const LIBRARIES: Libraries = Libraries {
    families: &[(
        "http",
        &[
            "axios",
            "node-fetch",
            "got",
            "superagent",
            "undici",
            "request",
            "http",
            "https",
            "ky",
            "cross-fetch",
            "isomorphic-fetch",
        ],
    )],
    name: |module| package(module).map(str::to_string),
    matches: |name, entry| name == entry.strip_prefix("node:").unwrap_or(entry),
};

/// `x.test.js`, `x.spec.ts` and `__tests__/x.js` test `x`.
fn subject(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.split('.');
    let stem = parts.next()?;
    let marked = parts.any(|p| p == "test" || p == "spec");
    let in_tests_dir = path.split('/').any(|d| d == "__tests__");
    (marked || in_tests_dir)
        .then_some(stem)
        .filter(|s| !s.is_empty())
}

/// The files a test file's imports name, and the files that define what
/// it imports through a package's entry point or another facade.
fn exercised<'a>(test: &'a FileFacts, lookup: &Lookup<'a>) -> Vec<&'a str> {
    let exts = test.language.family_extensions();
    let mut out: Vec<&str> = test
        .imports
        .iter()
        .filter_map(|i| module_file(lookup, &exts, &test.path, &i.module))
        .collect();
    for n in &test.imported_names {
        if let Some(module) = module_file(lookup, &exts, &test.path, &n.module) {
            lookup.follow(module, &n.name, &mut out);
        }
    }
    out
}

/// A re-export's module, seen from the file that holds it.
fn resolve<'a>(lookup: &Lookup<'a>, from: &'a FileFacts, r: &NameImport) -> Option<Resolved<'a>> {
    let exts = from.language.family_extensions();
    module_file(lookup, &exts, &from.path, &r.module).map(|p| (p, None))
}

/// The file a specifier names: a relative path, or a package of the
/// snapshot by its `package.json` name (itself, or a file below it).
fn module_file<'a>(lookup: &Lookup<'a>, exts: &[&str], from: &str, spec: &str) -> Option<&'a str> {
    if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let target = normalize(&format!("{dir}/{spec}"))?;
        return file_or_folder(lookup, exts, &target);
    }
    let name = package(spec).filter(|_| !spec.starts_with("node:"))?;
    let rest = spec[name.len()..].trim_start_matches('/');
    let dir = lookup
        .packages
        .iter()
        .filter(|p| p.name.as_deref() == Some(name))
        .map(|p| p.dir.as_str())
        .min()?;
    file_or_folder(lookup, exts, &join(dir, rest))
}

/// `a` then `b`, either possibly empty.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// Node's resolution of a path: the file (with the family's extensions),
/// else the folder: the entry points of its `package.json` (`exports`, else
/// `main`), else its index file.
fn file_or_folder<'a>(lookup: &Lookup<'a>, exts: &[&str], target: &str) -> Option<&'a str> {
    if let Some(file) = relative_file(lookup, exts, target) {
        return Some(file);
    }
    let entries = lookup
        .packages
        .iter()
        .filter(|p| p.dir == target)
        .flat_map(|p| p.entries.iter());
    for entry in entries {
        let Some(path) = normalize(&join(target, entry)) else {
            continue;
        };
        // An entry inside the package only.
        if !target.is_empty() && !path.starts_with(&format!("{target}/")) {
            continue;
        }
        if let Some(file) =
            relative_file(lookup, exts, &path).or_else(|| index(lookup, exts, &path))
        {
            return Some(file);
        }
    }
    index(lookup, exts, target)
}

/// The index file of a folder.
fn index<'a>(lookup: &Lookup<'a>, exts: &[&str], dir: &str) -> Option<&'a str> {
    exts.iter()
        .map(|e| join(dir, &format!("index.{e}")))
        .find_map(|c| lookup.paths.get(c.as_str()).copied())
}

/// The file at a path from the root, as written or with one of the
/// family's extensions.
fn relative_file<'a>(lookup: &Lookup<'a>, exts: &[&str], target: &str) -> Option<&'a str> {
    if target.is_empty() {
        return None;
    }
    let target = target.to_string();
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
    candidates
        .iter()
        .find_map(|c| lookup.paths.get(c.as_str()).copied())
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

/// `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`, `node:http` → `http`;
/// relative and absolute paths are no package.
pub fn package(spec: &str) -> Option<&str> {
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    if spec.is_empty() || spec.starts_with('.') || spec.starts_with('/') {
        return None;
    }
    let mut cut = spec.match_indices('/').map(|(i, _)| i);
    let end = if spec.starts_with('@') {
        cut.nth(1)
    } else {
        cut.next()
    };
    Some(&spec[..end.unwrap_or(spec.len())])
}

/// Comments, for line counting (`html_comment` is `<!--` in scripts).
const COMMENTS: &[&str] = &["comment", "html_comment"];
/// Functions with a body. TypeScript signatures without one (`function_signature`,
/// `method_signature`, `abstract_method_signature`) are other kinds.
const FUNCTIONS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "generator_function",
    "arrow_function",
    "method_definition",
];
/// Nodes whose `source` field is a module specifier (`import … from 'x'`,
/// `export … from 'x'`, TypeScript `import x = require('x')`).
const SOURCE_HOLDERS: &[&str] = &[
    "import_statement",
    "export_statement",
    "import_require_clause",
];
/// Wrappers between a function and the node that names it.
const TRANSPARENT: &[&str] = &[
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
];
/// Nodes that name an anonymous function in their value, and the field holding the name.
const NAMING_PARENTS: &[(&str, &str)] = &[
    ("variable_declarator", "name"),
    ("pair", "key"),
    ("assignment_expression", "left"),
    ("field_definition", "property"),
    ("public_field_definition", "name"),
];
/// Declarations an `export` names by their `name` field.
const NAMED_DECLARATIONS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "abstract_class_declaration",
    "interface_declaration",
    "type_alias_declaration",
    "enum_declaration",
    "function_signature",
    "internal_module",
    "module",
];
/// Declarations that bind one name per declarator.
const VARIABLE_DECLARATIONS: &[&str] = &["lexical_declaration", "variable_declaration"];
const ANONYMOUS: &str = "<anonymous>";
const DEFAULT_EXPORT: &str = "default";
const STAR_EXPORT: &str = "*";

/// JavaScript: typed by JSDoc under `// @ts-check`, else untyped.
pub fn analyze(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch) {
    let typing = if ts_check(tree.root_node(), src) {
        TypingRule::JsDoc
    } else {
        TypingRule::None
    };
    walk(tree, src, facts, scratch, typing);
}

/// TypeScript: typed by its annotations.
pub fn analyze_typescript(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch) {
    walk(tree, src, facts, scratch, TypingRule::TypeScript);
}

fn walk(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch, typing: TypingRule) {
    let mut exports: Vec<PublicItem> = Vec::new();
    // The ancestors of the cursor's node, root first, and the named sibling
    // before each of them and before the node itself. Asking a node for its
    // parent or previous sibling costs a search from the root: over deeply
    // nested functions that search made the walk quadratic.
    let mut parents: Vec<Node> = Vec::new();
    let mut before: Vec<Option<Node>> = vec![None];
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        let kind = node.kind();
        if COMMENTS.contains(&kind) {
            scratch.comments.push(node.byte_range());
        } else if FUNCTIONS.contains(&kind) {
            facts.functions.push(Function {
                name: function_name(node, &parents, src),
                line: function_line(node),
                typed_unit: true,
                typing: match typing {
                    TypingRule::TypeScript => explicit_any(node, src),
                    TypingRule::JsDoc => jsdoc_typing(node, &parents, &before, src),
                    TypingRule::None => Typing::Untyped,
                },
            });
            scratch.function_ranges.push(node.byte_range());
        } else if kind == "call_expression" {
            if let Some(module) = call_import(node, src) {
                facts.imports.push(import(module, node));
                for (name, alias) in required_names(node, &parents, src) {
                    facts.imported_names.push(name_import(module, name, alias));
                }
            }
        } else if SOURCE_HOLDERS.contains(&kind)
            && let Some(module) = node
                .child_by_field_name("source")
                .and_then(|s| string_value(s, src))
        {
            // `import x = require('y')` is a clause inside an import statement.
            let at = match parents.last() {
                Some(p) if kind == "import_require_clause" => *p,
                _ => node,
            };
            facts.imports.push(import(module, at));
            if kind == "import_statement" {
                for (name, alias) in es_imported_names(node, src) {
                    facts.imported_names.push(name_import(module, name, alias));
                }
            }
        }
        if parents.len() == 1 {
            exported(node, src, &mut exports);
        }
        if cursor.goto_first_child() {
            parents.push(node);
            before.push(None);
            continue;
        }
        loop {
            let leaving = cursor.node();
            if cursor.goto_next_sibling() {
                if leaving.is_named()
                    && let Some(b) = before.last_mut()
                {
                    *b = Some(leaving);
                }
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            parents.pop();
            before.pop();
        }
    }
    // Overloads and merged declarations repeat a name; each `export *` is its own.
    let mut seen: HashSet<String> = HashSet::new();
    exports.retain(|e| e.name == STAR_EXPORT || seen.insert(e.name.clone()));
    let (reexports, whole) = reexports(tree.root_node(), src);
    let reexported: HashSet<&str> = reexports.iter().map(|r| r.alias.as_str()).collect();
    facts.defines = exports
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| *n != STAR_EXPORT && !reexported.contains(n))
        .filter(|n| !(whole && *n == DEFAULT_EXPORT))
        .map(String::from)
        .collect();
    facts.reexports = reexports;
    facts.public_items = exports;
}

fn name_import(module: &str, name: &str, alias: &str) -> NameImport {
    NameImport {
        module: module.to_string(),
        level: 0,
        name: name.to_string(),
        alias: alias.to_string(),
    }
}

/// The names (and the names they are bound to) an ES import takes; a
/// default, namespace or bare import takes the module whole.
fn es_imported_names<'a>(stmt: Node, src: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let mut c = stmt.walk();
    let Some(clause) = stmt
        .named_children(&mut c)
        .find(|n| n.kind() == "import_clause")
    else {
        return vec![(WHOLE_MODULE, "")];
    };
    let mut c = clause.walk();
    for part in clause.named_children(&mut c) {
        match part.kind() {
            "named_imports" => {
                let mut c2 = part.walk();
                for spec in part.named_children(&mut c2) {
                    if spec.kind() != "import_specifier" {
                        continue;
                    }
                    let name = spec
                        .child_by_field_name("name")
                        .and_then(|n| key_name(n, src));
                    let alias = spec
                        .child_by_field_name("alias")
                        .and_then(|n| key_name(n, src));
                    if let Some(name) = name {
                        out.push((name, alias.unwrap_or(name)));
                    }
                }
            }
            "identifier" => out.push((WHOLE_MODULE, text(src, part))),
            "namespace_import" => {
                let mut c2 = part.walk();
                let alias = part
                    .named_children(&mut c2)
                    .next()
                    .map_or("", |n| text(src, n));
                out.push((WHOLE_MODULE, alias));
            }
            _ => {}
        }
    }
    out
}

/// The names a `require(…)` (or `import(…)`) call takes, by where it stands:
/// destructured (`const { a, b: c } = require('x')`) or a member of it
/// (`require('x').a`), else the module whole.
fn required_names<'a>(call: Node, parents: &[Node], src: &'a str) -> Vec<(&'a str, &'a str)> {
    let holder = parents
        .iter()
        .rev()
        .find(|p| !TRANSPARENT.contains(&p.kind()) && p.kind() != "await_expression");
    if let Some(h) = holder {
        if h.kind() == "member_expression"
            && h.child_by_field_name("object")
                .is_some_and(|o| unwrap_transparent(o).id() == call.id())
            && let Some(name) = h
                .child_by_field_name("property")
                .and_then(|p| key_name(p, src))
        {
            return vec![(name, name)];
        }
        if h.kind() == "variable_declarator"
            && let Some(pattern) = h.child_by_field_name("name")
        {
            if pattern.kind() == "identifier" {
                return vec![(WHOLE_MODULE, text(src, pattern))];
            }
            if pattern.kind() == "object_pattern" {
                return destructured(pattern, src);
            }
        }
    }
    vec![(WHOLE_MODULE, "")]
}

/// `{ a, b: c }`: (a, a), (b, c); a rest element or a nested pattern takes
/// the module whole.
fn destructured<'a>(pattern: Node, src: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let mut c = pattern.walk();
    for p in pattern.named_children(&mut c) {
        match p.kind() {
            "shorthand_property_identifier_pattern" => {
                let n = text(src, p);
                out.push((n, n));
            }
            "pair_pattern" => {
                let key = p.child_by_field_name("key").and_then(|k| key_name(k, src));
                let value = p.child_by_field_name("value");
                match (key, value) {
                    (Some(k), Some(v)) if v.kind() == "identifier" => out.push((k, text(src, v))),
                    (Some(k), _) => out.push((k, "")),
                    _ => out.push((WHOLE_MODULE, "")),
                }
            }
            "object_assignment_pattern" => {
                if let Some(l) = p.child_by_field_name("left") {
                    let n = text(src, l);
                    out.push((n, n));
                }
            }
            "comment" => {}
            _ => out.push((WHOLE_MODULE, "")),
        }
    }
    out
}

/// The module and the name a top-level binding holds, for the bindings an
/// import or `require` makes.
type Bindings<'a> = HashMap<&'a str, (&'a str, &'a str)>;

/// The re-exports of a module's top-level statements (README, "Precise
/// definitions"), and whether `module.exports` is another module whole.
fn reexports(program: Node, src: &str) -> (Vec<NameImport>, bool) {
    let mut bindings: Bindings = HashMap::new();
    let mut c = program.walk();
    let statements: Vec<Node> = program.named_children(&mut c).collect();
    for stmt in &statements {
        top_level_bindings(*stmt, src, &mut bindings);
    }
    let mut out = Vec::new();
    let mut whole = false;
    for stmt in &statements {
        match stmt.kind() {
            "export_statement" => es_reexports(*stmt, src, &bindings, &mut out),
            "expression_statement" => {
                let Some(assign) = stmt
                    .named_child(0)
                    .filter(|a| a.kind() == "assignment_expression")
                else {
                    continue;
                };
                let (Some(left), Some(right)) = (
                    assign.child_by_field_name("left"),
                    assign.child_by_field_name("right"),
                ) else {
                    continue;
                };
                if is_module_exports(left, src) {
                    let right = unwrap_transparent(right);
                    if right.kind() == "object" {
                        let mut c = right.walk();
                        for entry in right.named_children(&mut c) {
                            let (key, value) = match entry.kind() {
                                "pair" => (
                                    entry
                                        .child_by_field_name("key")
                                        .and_then(|k| key_name(k, src)),
                                    entry.child_by_field_name("value"),
                                ),
                                "shorthand_property_identifier" => {
                                    (Some(text(src, entry)), Some(entry))
                                }
                                _ => (None, None),
                            };
                            if let (Some(key), Some(value)) = (key, value)
                                && let Some((module, name)) = value_source(value, src, &bindings)
                            {
                                out.push(name_import(module, name, key));
                            }
                        }
                    } else if let Some((module, name)) = value_source(right, src, &bindings) {
                        // `module.exports = require('./x')`: this module is that one.
                        if name == WHOLE_MODULE {
                            out.push(name_import(module, ALL_NAMES, ""));
                            whole = true;
                        } else {
                            out.push(name_import(module, name, DEFAULT_EXPORT));
                        }
                    }
                } else if let Some(key) = commonjs_member(left, src)
                    && let Some((module, name)) = value_source(right, src, &bindings)
                {
                    out.push(name_import(module, name, key));
                }
            }
            _ => {}
        }
    }
    (out, whole)
}

/// The bindings one top-level statement makes from other modules.
fn top_level_bindings<'a>(stmt: Node, src: &'a str, bindings: &mut Bindings<'a>) {
    match stmt.kind() {
        "import_statement" => {
            let Some(module) = stmt
                .child_by_field_name("source")
                .and_then(|s| string_value(s, src))
            else {
                return;
            };
            for (name, alias) in es_imported_names(stmt, src) {
                if !alias.is_empty() {
                    bindings.insert(alias, (module, name));
                }
            }
        }
        kind if VARIABLE_DECLARATIONS.contains(&kind) => {
            let mut c = stmt.walk();
            for declarator in stmt.named_children(&mut c) {
                let (Some(pattern), Some(value)) = (
                    declarator.child_by_field_name("name"),
                    declarator.child_by_field_name("value"),
                ) else {
                    continue;
                };
                let value = unwrap_transparent(value);
                let (call, member) = match value.kind() {
                    "member_expression" => (
                        value.child_by_field_name("object").map(unwrap_transparent),
                        value
                            .child_by_field_name("property")
                            .and_then(|p| key_name(p, src)),
                    ),
                    _ => (Some(value), None),
                };
                let Some(module) = call
                    .filter(|c| c.kind() == "call_expression")
                    .and_then(|c| call_import(c, src))
                else {
                    continue;
                };
                match (pattern.kind(), member) {
                    ("identifier", Some(m)) => {
                        bindings.insert(text(src, pattern), (module, m));
                    }
                    ("identifier", None) => {
                        bindings.insert(text(src, pattern), (module, WHOLE_MODULE));
                    }
                    ("object_pattern", None) => {
                        for (name, alias) in destructured(pattern, src) {
                            if !alias.is_empty() {
                                bindings.insert(alias, (module, name));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// The module and name a value comes from: `require('x')` (whole),
/// `require('x').a`, a binding, or a member of a whole-module binding.
fn value_source<'a>(
    value: Node,
    src: &'a str,
    bindings: &Bindings<'a>,
) -> Option<(&'a str, &'a str)> {
    let value = unwrap_transparent(value);
    match value.kind() {
        "call_expression" => call_import(value, src).map(|m| (m, WHOLE_MODULE)),
        "identifier" | "shorthand_property_identifier" => bindings.get(text(src, value)).copied(),
        "member_expression" => {
            let object = unwrap_transparent(value.child_by_field_name("object")?);
            let property = key_name(value.child_by_field_name("property")?, src)?;
            let module = match object.kind() {
                "call_expression" => call_import(object, src)?,
                "identifier" => match bindings.get(text(src, object)) {
                    Some((m, n)) if *n == WHOLE_MODULE => *m,
                    _ => return None,
                },
                _ => return None,
            };
            Some((module, property))
        }
        _ => None,
    }
}

/// The re-exports of one `export` statement: `export … from 'x'`, or
/// `export { a }` of a name an import bound.
fn es_reexports(stmt: Node, src: &str, bindings: &Bindings, out: &mut Vec<NameImport>) {
    let source = stmt
        .child_by_field_name("source")
        .and_then(|s| string_value(s, src));
    let mut c = stmt.walk();
    let children: Vec<Node> = stmt.children(&mut c).collect();
    for child in &children {
        match child.kind() {
            "export_clause" => {
                let mut c = child.walk();
                for spec in child.named_children(&mut c) {
                    if spec.kind() != "export_specifier" {
                        continue;
                    }
                    // `export { default as b } from 'x'`: the name is a keyword token.
                    let name = spec
                        .child_by_field_name("name")
                        .and_then(|n| key_name(n, src))
                        .unwrap_or(DEFAULT_EXPORT);
                    let alias = spec
                        .child_by_field_name("alias")
                        .and_then(|n| key_name(n, src))
                        .unwrap_or(name);
                    match source {
                        Some(module) => out.push(name_import(module, name, alias)),
                        None => {
                            if let Some((module, inner)) = bindings.get(name) {
                                out.push(name_import(module, inner, alias));
                            }
                        }
                    }
                }
                return;
            }
            "namespace_export" => {
                let mut c = child.walk();
                let alias = child
                    .named_children(&mut c)
                    .find_map(|n| key_name(n, src))
                    .unwrap_or("");
                if let Some(module) = source {
                    out.push(name_import(module, WHOLE_MODULE, alias));
                }
                return;
            }
            _ => {}
        }
    }
    if let Some(module) = source {
        out.push(name_import(module, ALL_NAMES, ""));
    }
}

/// How a file's functions are typed.
#[derive(Clone, Copy)]
enum TypingRule {
    /// TypeScript: typed unless a parameter or the return is explicitly `any`.
    TypeScript,
    /// JavaScript under `// @ts-check`: typed when JSDoc types every parameter.
    JsDoc,
    /// Plain JavaScript: untyped.
    None,
}

/// Whether a JavaScript file opts into type checking: a `// @ts-check` line
/// among the comments that open it (after a `#!` line), as TypeScript reads it.
fn ts_check(program: Node, src: &str) -> bool {
    let mut cursor = program.walk();
    for child in program.named_children(&mut cursor) {
        match child.kind() {
            "hash_bang_line" => {}
            "comment" => {
                let t = text(src, child);
                if t.strip_prefix("//")
                    .is_some_and(|c| c.trim_start().starts_with("@ts-check"))
                {
                    return true;
                }
            }
            _ => return false,
        }
    }
    false
}

/// TypeScript: the parameters and return annotated exactly `any`.
fn explicit_any(function: Node, src: &str) -> Typing {
    let is_any = |annotation: Option<Node>| {
        annotation.is_some_and(|a| {
            let mut c = a.walk();
            a.named_children(&mut c)
                .find(|t| !COMMENTS.contains(&t.kind()))
                .is_some_and(|t| t.kind() == "predefined_type" && text(src, t) == "any")
        })
    };
    let mut params = Vec::new();
    if let Some(list) = function.child_by_field_name("parameters") {
        let mut c = list.walk();
        for p in list.named_children(&mut c) {
            if matches!(p.kind(), "required_parameter" | "optional_parameter")
                && is_any(p.child_by_field_name("type"))
            {
                let name = p.child_by_field_name("pattern").unwrap_or(p);
                params.push(text(src, name).to_string());
            }
        }
    }
    let ret = is_any(function.child_by_field_name("return_type"));
    if params.is_empty() && !ret {
        Typing::Static
    } else {
        Typing::ExplicitAny { params, ret }
    }
}

/// Nodes between a function and the statement its JSDoc block precedes
/// (`/** … */ export const f = (a) => …`).
const DOC_HOLDERS: &[&str] = &[
    "variable_declarator",
    "lexical_declaration",
    "variable_declaration",
    "export_statement",
    "pair",
    "assignment_expression",
    "expression_statement",
    "field_definition",
    "parenthesized_expression",
];

/// JavaScript under `// @ts-check`: typed when the JSDoc block directly
/// before the function gives every parameter a type (`@param {T} name`;
/// `@arg` and `@argument` alike). A destructured parameter takes the type of
/// the `@param` at its position, as TypeScript reads it. `parents` are the
/// function's ancestors, root first; `before` the named sibling before each
/// of them and before the function.
fn jsdoc_typing(function: Node, parents: &[Node], before: &[Option<Node>], src: &str) -> Typing {
    // The holder is the function or the ancestor at `depth`.
    let mut depth = parents.len();
    while depth > 0 && DOC_HOLDERS.contains(&parents[depth - 1].kind()) {
        depth -= 1;
    }
    let doc = before
        .get(depth)
        .copied()
        .flatten()
        .map(|c| text(src, c))
        .filter(|t| t.starts_with("/**"));
    let tags = doc.map(param_tags).unwrap_or_default();
    let mut untyped = Vec::new();
    for (i, (name, shown)) in js_params(function, src).into_iter().enumerate() {
        let typed = match name {
            Some(name) => tags.iter().any(|(t, typed)| *t == name && *typed),
            None => tags.get(i).is_some_and(|(_, typed)| *typed),
        };
        if !typed {
            untyped.push(shown);
        }
    }
    if untyped.is_empty() {
        Typing::Static
    } else {
        Typing::JsDocMissing { params: untyped }
    }
}

/// A function's parameters: the name when it is one identifier (also of a
/// default or rest parameter), and the text to show.
fn js_params(function: Node, src: &str) -> Vec<(Option<String>, String)> {
    let named = |n: String| (Some(n.clone()), n);
    if let Some(p) = function.child_by_field_name("parameter") {
        return vec![named(text(src, p).to_string())];
    }
    let Some(list) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut c = list.walk();
    list.named_children(&mut c)
        .filter(|p| !COMMENTS.contains(&p.kind()))
        .map(|p| {
            let inner = match p.kind() {
                "assignment_pattern" => p.child_by_field_name("left"),
                "rest_pattern" => p.named_child(0),
                _ => Some(p),
            };
            match inner.filter(|n| n.kind() == "identifier") {
                Some(id) => named(text(src, id).to_string()),
                None => (None, text(src, p).to_string()),
            }
        })
        .collect()
}

/// The top-level `@param` tags of a JSDoc block, in order: (name, has a type).
/// `@param {T} [name=x]` names `name`; `@param {T} a.b` (a property) is left out.
fn param_tags(doc: &str) -> Vec<(String, bool)> {
    let mut tags = Vec::new();
    let mut rest = doc;
    while let Some(at) = rest.find('@') {
        rest = &rest[at + 1..];
        let word_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        if !matches!(&rest[..word_end], "param" | "arg" | "argument") {
            continue;
        }
        rest = rest[word_end..].trim_start_matches(|c: char| c.is_whitespace() || c == '*');
        let mut typed = false;
        if rest.starts_with('{') {
            let mut depth = 0usize;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            typed = rest[..end].trim_matches(['{', '}']).trim() != "";
            rest = rest[end..].trim_start();
        }
        let name = if let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']').unwrap_or(inner.len());
            inner[..close].split('=').next().unwrap_or("").trim()
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '.')))
                .unwrap_or(rest.len());
            &rest[..end]
        };
        if !name.is_empty() && !name.contains('.') {
            tags.push((name.to_string(), typed));
        }
    }
    tags
}

fn import(module: &str, at: Node) -> Import {
    Import {
        module: module.to_string(),
        level: 0,
        line: line(at),
    }
}

/// The line of a function: a JavaScript method's decorators are its children,
/// and the line is the method's own, after them.
fn function_line(node: Node) -> u32 {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .find(|c| c.kind() != "decorator" && !COMMENTS.contains(&c.kind()))
        .map_or_else(|| line(node), line)
}

/// A function's declared name, or the name it is given by the declarator,
/// property, assignment or class field it is the value of.
fn function_name(node: Node, parents: &[Node], src: &str) -> String {
    if let Some(name) = node.child_by_field_name("name") {
        return key_name(name, src).unwrap_or(ANONYMOUS).to_string();
    }
    let holder = parents
        .iter()
        .rev()
        .find(|p| !TRANSPARENT.contains(&p.kind()));
    holder
        .and_then(|h| {
            let (_, field) = NAMING_PARENTS.iter().find(|(k, _)| *k == h.kind())?;
            key_name(h.child_by_field_name(field)?, src)
        })
        .unwrap_or(ANONYMOUS)
        .to_string()
}

/// The name a key, binding or assignment target stands for: an identifier's
/// text, a string's content, a member's property (`module.exports.x` → `x`).
/// Subscripts nest as deep as the file is long (`a[b[c[…]]]`): a loop, not
/// recursion.
fn key_name<'a>(node: Node, src: &'a str) -> Option<&'a str> {
    let mut node = node;
    loop {
        match node.kind() {
            "identifier"
            | "property_identifier"
            | "private_property_identifier"
            | "shorthand_property_identifier"
            | "type_identifier"
            | "number"
            | "computed_property_name"
            | "nested_identifier" => return Some(text(src, node)),
            "string" => return string_value(node, src),
            "member_expression" => node = node.child_by_field_name("property")?,
            "subscript_expression" => node = node.child_by_field_name("index")?,
            _ => return None,
        }
    }
}

/// The content of a string literal, or of a template literal without
/// substitutions, as written between its quotes.
fn string_value<'a>(node: Node, src: &'a str) -> Option<&'a str> {
    match node.kind() {
        "string" => {}
        "template_string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution")
            {
                return None;
            }
        }
        _ => return None,
    }
    let t = text(src, node);
    t.get(1..t.len().checked_sub(1)?)
}

/// The module of `require('x')` or a dynamic `import('x')`.
fn call_import<'a>(call: Node, src: &'a str) -> Option<&'a str> {
    let function = call.child_by_field_name("function")?;
    let is_import = match function.kind() {
        "import" => true,
        "identifier" => text(src, function) == "require",
        _ => false,
    };
    if !is_import {
        return None;
    }
    let args = call.child_by_field_name("arguments")?;
    let mut cursor = args.walk();
    let first = args
        .named_children(&mut cursor)
        .find(|c| !COMMENTS.contains(&c.kind()))?;
    string_value(first, src)
}

/// The bindings a top-level statement exports.
fn exported(stmt: Node, src: &str, out: &mut Vec<PublicItem>) {
    let at = line(stmt);
    let mut push = |name: &str| {
        out.push(PublicItem {
            name: name.to_string(),
            line: at,
        })
    };
    match stmt.kind() {
        "export_statement" => {
            let mut names = Vec::new();
            export_names(stmt, src, &mut names);
            names.iter().for_each(|n| push(n));
        }
        "expression_statement" => {
            let Some(assign) = stmt
                .named_child(0)
                .filter(|a| a.kind() == "assignment_expression")
            else {
                return;
            };
            let (Some(left), Some(right)) = (
                assign.child_by_field_name("left"),
                assign.child_by_field_name("right"),
            ) else {
                return;
            };
            if is_module_exports(left, src) {
                let mut names = Vec::new();
                whole_module_names(right, src, &mut names);
                names.iter().for_each(|n| push(n));
            } else if let Some(name) = commonjs_member(left, src) {
                push(name);
            }
        }
        _ => {}
    }
}

/// The names one `export` statement binds.
fn export_names<'a>(stmt: Node, src: &'a str, names: &mut Vec<&'a str>) {
    let mut cursor = stmt.walk();
    let children: Vec<Node> = stmt.children(&mut cursor).collect();
    let has_token = |t: &str| children.iter().any(|c| !c.is_named() && c.kind() == t);
    if has_token("default") {
        names.push(DEFAULT_EXPORT);
        return;
    }
    if has_token("=") {
        // TypeScript `export = value` is `module.exports = value`.
        if let Some(value) = children.iter().rev().find(|c| c.is_named()) {
            whole_module_names(*value, src, names);
        }
        return;
    }
    if let Some(decl) = stmt.child_by_field_name("declaration") {
        declared_names(decl, src, names);
        return;
    }
    for child in &children {
        match child.kind() {
            "export_clause" => {
                let mut c = child.walk();
                for spec in child.named_children(&mut c) {
                    if spec.kind() != "export_specifier" {
                        continue;
                    }
                    let name = spec
                        .child_by_field_name("alias")
                        .or_else(|| spec.child_by_field_name("name"))
                        .and_then(|n| key_name(n, src));
                    // `export { default } from 'x'`: the name is a keyword token.
                    names.push(name.unwrap_or(DEFAULT_EXPORT));
                }
                return;
            }
            "namespace_export" => {
                let mut c = child.walk();
                let name = child
                    .named_children(&mut c)
                    .find_map(|n| key_name(n, src))
                    .unwrap_or(STAR_EXPORT);
                names.push(name);
                return;
            }
            _ => {}
        }
    }
    // `export * from 'x'`; TypeScript's `export as namespace X` binds nothing here.
    if stmt.child_by_field_name("source").is_some() {
        names.push(STAR_EXPORT);
    }
}

/// The names a declaration after `export` binds.
fn declared_names<'a>(decl: Node, src: &'a str, names: &mut Vec<&'a str>) {
    let mut decl = decl;
    // `export declare …`: the declaration inside.
    while decl.kind() == "ambient_declaration" {
        let mut c = decl.walk();
        match decl.named_children(&mut c).next() {
            Some(inner) => decl = inner,
            None => return,
        }
    }
    let kind = decl.kind();
    if NAMED_DECLARATIONS.contains(&kind) {
        if let Some(name) = decl
            .child_by_field_name("name")
            .and_then(|n| key_name(n, src))
        {
            names.push(name);
        }
    } else if VARIABLE_DECLARATIONS.contains(&kind) {
        let mut c = decl.walk();
        for declarator in decl.named_children(&mut c) {
            if let Some(name) = declarator.child_by_field_name("name") {
                pattern_names(name, src, names);
            }
        }
    } else if kind == "import_alias" {
        // `export import A = N.A`
        let mut c = decl.walk();
        if let Some(name) = decl
            .named_children(&mut c)
            .find(|n| n.kind() == "identifier")
        {
            names.push(text(src, name));
        }
    }
}

/// The identifiers a binding pattern binds (`{ a, b: [c, ...d], e = 1 }`),
/// in order, however deep the pattern nests: the walk keeps its own stack.
fn pattern_names<'a>(pattern: Node, src: &'a str, names: &mut Vec<&'a str>) {
    // Patterns still to read, next last.
    let mut todo = vec![pattern];
    while let Some(pattern) = todo.pop() {
        match pattern.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                names.push(text(src, pattern))
            }
            "pair_pattern" => {
                if let Some(value) = pattern.child_by_field_name("value") {
                    todo.push(value);
                }
            }
            "assignment_pattern" | "object_assignment_pattern" => {
                if let Some(left) = pattern.child_by_field_name("left") {
                    todo.push(left);
                }
            }
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                let mut c = pattern.walk();
                let at = todo.len();
                todo.extend(pattern.named_children(&mut c));
                todo[at..].reverse();
            }
            _ => {}
        }
    }
}

/// The names `module.exports = value` exports: each key of an object literal,
/// or the value as one default export.
fn whole_module_names<'a>(value: Node, src: &'a str, names: &mut Vec<&'a str>) {
    let value = unwrap_transparent(value);
    if value.kind() != "object" {
        names.push(DEFAULT_EXPORT);
        return;
    }
    let mut c = value.walk();
    for entry in value.named_children(&mut c) {
        let key = match entry.kind() {
            "pair" => entry.child_by_field_name("key"),
            "method_definition" => entry.child_by_field_name("name"),
            "shorthand_property_identifier" => Some(entry),
            // Spread entries (`...other`) export names this file does not show.
            _ => None,
        };
        if let Some(name) = key.and_then(|k| key_name(k, src)) {
            names.push(name);
        }
    }
}

fn unwrap_transparent(mut node: Node) -> Node {
    while TRANSPARENT.contains(&node.kind()) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// `module.exports`
fn is_module_exports(node: Node, src: &str) -> bool {
    node.kind() == "member_expression"
        && node
            .child_by_field_name("object")
            .is_some_and(|o| o.kind() == "identifier" && text(src, o) == "module")
        && node
            .child_by_field_name("property")
            .is_some_and(|p| text(src, p) == "exports")
}

/// The name in `exports.x` or `module.exports.x` (or `exports['x']`).
fn commonjs_member<'a>(target: Node, src: &'a str) -> Option<&'a str> {
    let (object, key) = match target.kind() {
        "member_expression" => (
            target.child_by_field_name("object")?,
            target.child_by_field_name("property")?,
        ),
        "subscript_expression" => (
            target.child_by_field_name("object")?,
            target.child_by_field_name("index")?,
        ),
        _ => return None,
    };
    let on_exports = (object.kind() == "identifier" && text(src, object) == "exports")
        || is_module_exports(object, src);
    if !on_exports {
        return None;
    }
    match key.kind() {
        "property_identifier" | "string" => key_name(key, src),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{Language, parse};

    fn facts(language: Language, path: &str, src: &str) -> (FileFacts, Scratch) {
        let tree = parse(language, path, src).unwrap();
        assert!(!tree.root_node().has_error(), "{src}");
        let mut facts = FileFacts {
            path: path.into(),
            language,
            ..FileFacts::default()
        };
        let mut scratch = Scratch::default();
        (language.spec().analyze)(&tree, src, &mut facts, &mut scratch);
        (facts, scratch)
    }

    fn js(src: &str) -> FileFacts {
        facts(Language::from_name("javascript").unwrap(), "x.js", src).0
    }

    fn ts(src: &str) -> FileFacts {
        facts(Language::from_name("typescript").unwrap(), "x.ts", src).0
    }

    #[test]
    fn packages() {
        assert_eq!(package("axios"), Some("axios"));
        assert_eq!(package("lodash/fp"), Some("lodash"));
        assert_eq!(package("@scope/pkg/sub"), Some("@scope/pkg"));
        assert_eq!(package("node:http"), Some("http"));
        assert_eq!(package("./x"), None);
    }

    fn functions(f: &FileFacts) -> Vec<(String, u32)> {
        f.functions
            .iter()
            .map(|f| (f.name.clone(), f.line))
            .collect()
    }

    fn pairs(items: &[(&str, u32)]) -> Vec<(String, u32)> {
        items.iter().map(|(n, l)| (n.to_string(), *l)).collect()
    }

    fn imports(f: &FileFacts) -> Vec<(String, u32)> {
        assert!(f.imports.iter().all(|i| i.level == 0));
        f.imports
            .iter()
            .map(|i| (i.module.clone(), i.line))
            .collect()
    }

    fn exports(f: &FileFacts) -> Vec<(String, u32)> {
        f.public_items
            .iter()
            .map(|p| (p.name.clone(), p.line))
            .collect()
    }

    #[test]
    fn patterns_and_keys_nested_deep_are_read_without_recursion() {
        // Deep enough to overflow a test thread's stack when each level was
        // a call.
        let n = 20_000;
        let src = format!(
            "export const {}x{} = o, [{}y{}, ...z] = p;\nexports{}{} = function () {{}};\n",
            "{a: ".repeat(n),
            "}".repeat(n),
            "[".repeat(n),
            "]".repeat(n),
            "[k".repeat(n),
            "]".repeat(n),
        );
        let f = js(&src);
        assert_eq!(exports(&f), pairs(&[("x", 1), ("y", 1), ("z", 1)]));
        assert_eq!(functions(&f), pairs(&[("k", 2)]));
    }

    #[test]
    fn functions_of_every_kind() {
        let f = js("function a() {}
function* gen() {}
const b = function () {};
const c = function named() {};
const d = () => 1;
let e = async (x) => { return function* () {}; };
const o = {
  p: () => {},
  'q-r': function () {},
  m() {},
  get g() { return 1; },
  set g(v) {},
  [Symbol.iterator]() {},
};
class K {
  constructor() {}
  static s() {}
  #priv() {}
  field = () => {};
  *it() {}
}
module.exports.x = function () {};
exports.y = () => {};
obj.z = async function () {};
w = () => {};
setTimeout(function () {}, 1);
const wrapped = (() => {});
");
        assert_eq!(
            functions(&f),
            pairs(&[
                ("a", 1),
                ("gen", 2),
                ("b", 3),
                ("named", 4),
                ("d", 5),
                ("e", 6),
                ("<anonymous>", 6),
                ("p", 8),
                ("q-r", 9),
                ("m", 10),
                ("g", 11),
                ("g", 12),
                ("[Symbol.iterator]", 13),
                ("constructor", 16),
                ("s", 17),
                ("#priv", 18),
                ("field", 19),
                ("it", 20),
                ("x", 22),
                ("y", 23),
                ("z", 24),
                ("w", 25),
                ("<anonymous>", 26),
                ("wrapped", 27),
            ])
        );
        assert!(
            f.functions
                .iter()
                .all(|f| f.typed_unit && f.typing == Typing::Untyped)
        );
    }

    #[test]
    fn decorated_method_line_is_the_method() {
        let f = js("class A {\n  @dec\n  m() {}\n}\n");
        assert_eq!(functions(&f), pairs(&[("m", 3)]));
        let f = ts("class A {\n  @dec()\n  m(): void {}\n}\n");
        assert_eq!(functions(&f), pairs(&[("m", 3)]));
    }

    #[test]
    fn typescript_functions_are_static_and_signatures_are_not_functions() {
        let f = ts("function f(a: string): void;
function f(a: number): void;
function f(a: any): void {}
abstract class A {
  abstract n(): void;
  m(a: string): void;
  m(a: any): void {}
  h = (x: number): number => x;
}
interface I { m(): void; f: () => void; }
declare function g(): void;
const t = (<T,>(x: T) => x) as unknown;
");
        assert_eq!(
            functions(&f),
            pairs(&[("f", 3), ("m", 7), ("h", 8), ("t", 12)])
        );
        let any = |p: &[&str]| Typing::ExplicitAny {
            params: p.iter().map(|s| s.to_string()).collect(),
            ret: false,
        };
        let typing: Vec<Typing> = f.functions.iter().map(|f| f.typing.clone()).collect();
        // The implementations behind overloads are often `any`; they count.
        assert_eq!(
            typing,
            [any(&["a"]), any(&["a"]), Typing::Static, Typing::Static]
        );
    }

    fn typings(f: &FileFacts) -> Vec<(String, Typing)> {
        f.functions
            .iter()
            .map(|f| (f.name.clone(), f.typing.clone()))
            .collect()
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn typescript_any_parameters_and_returns_are_untyped() {
        let f = ts("function a(x: any, y: string): void {}
function b(x: number): any { return x; }
const c = (x: any, { k }: any, ...rest: any[]): any => x;
class K { m(this: any, v?: any) {} }
function d(x: any[], y: Promise<any>, z): Record<string, any> { return {}; }
const e = x => x;
");
        let any = |p: &[&str], ret| Typing::ExplicitAny {
            params: strings(p),
            ret,
        };
        assert_eq!(
            typings(&f),
            [
                ("a".to_string(), any(&["x"], false)),
                ("b".to_string(), any(&[], true)),
                ("c".to_string(), any(&["x", "{ k }"], true)),
                ("m".to_string(), any(&["this", "v"], false)),
                ("d".to_string(), Typing::Static),
                ("e".to_string(), Typing::Static),
            ]
        );
    }

    #[test]
    fn ts_check_javascript_is_typed_by_its_jsdoc() {
        let f = js("#!/usr/bin/env node
// Tools for orders.
// @ts-check

/**
 * @param {number} a
 * @param {string} [b='x'] optional
 * @param {...number} rest
 */
function full(a, b = 'x', ...rest) {}

/** @param {number} a */
export const partial = (a, b) => a;

/** @param a no type */
function untypedTag(a) {}

function noDoc(a) {}

function none() {}

/**
 * @param {{ id: number }} param0
 * @param {Object} opts
 * @param {string} opts.name a property, not a parameter
 */
function destructured({ id }, opts) {}

class K {
  /** @param {string} v */
  m(v) {}
}

/** @arg {number} x */
module.exports.one = x => x;
");
        let missing = |p: &[&str]| Typing::JsDocMissing { params: strings(p) };
        assert_eq!(
            typings(&f),
            [
                ("full".to_string(), Typing::Static),
                ("partial".to_string(), missing(&["b"])),
                ("untypedTag".to_string(), missing(&["a"])),
                ("noDoc".to_string(), missing(&["a"])),
                ("none".to_string(), Typing::Static),
                ("destructured".to_string(), Typing::Static),
                ("m".to_string(), Typing::Static),
                ("one".to_string(), Typing::Static),
            ]
        );
        // @ts-check after the first statement is not a pragma.
        let f = js("const x = 1;\n// @ts-check\n/** @param {number} a */\nfunction f(a) {}\n");
        assert_eq!(typings(&f), [("f".to_string(), Typing::Untyped)]);
    }

    #[test]
    fn jsdoc_param_tags() {
        assert_eq!(
            param_tags(
                "/** @param {Map<string, {a: number}>} m\n * @param [o] @argument {T} [p = 1] @param {T} q.r */"
            ),
            [
                ("m".to_string(), true),
                ("o".to_string(), false),
                ("p".to_string(), true),
            ]
        );
    }

    #[test]
    fn tsx_parses_with_its_grammar() {
        let (f, _) = facts(
            Language::from_name("typescript").unwrap(),
            "x.tsx",
            "export const App = (): JSX.Element => <div>{/* c */}</div>;\n",
        );
        assert_eq!(functions(&f), pairs(&[("App", 1)]));
        assert_eq!(exports(&f), pairs(&[("App", 1)]));
    }

    #[test]
    fn imports_as_written() {
        let f = js("import a from 'axios';
import 'side-effect';
import * as ns from \"@scope/pkg/sub\";
export { x } from './x';
export * from '../y';
const h = require('node:https');
const t = require(`./tpl`);
const n = require(`./${name}`);
const v = require(variable);
import('./lazy').then(() => {});
foo('not-an-import');
import {
  b,
} from 'multi';
");
        assert_eq!(
            imports(&f),
            pairs(&[
                ("axios", 1),
                ("side-effect", 2),
                ("@scope/pkg/sub", 3),
                ("./x", 4),
                ("../y", 5),
                ("node:https", 6),
                ("./tpl", 7),
                ("./lazy", 10),
                ("multi", 12),
            ])
        );
    }

    #[test]
    fn typescript_imports() {
        let f = ts("import type { T } from './types';
import q = require('q');
export type { U } from './u.js';
");
        assert_eq!(
            imports(&f),
            pairs(&[("./types", 1), ("q", 2), ("./u.js", 3)])
        );
    }

    #[test]
    fn es_exports() {
        let f = js("export function f() {}
export class C {}
export const a = 1, b = 2;
export let { d, e: [g, ...h], i = 1 } = obj;
export { j, k as l };
export default function () {}
export * from 'x';
export * from 'y';
export * as ns from 'z';
export { default as m, default } from 'w';
function notExported() {}
if (x) { module.exports.nested = 1; }
");
        assert_eq!(
            exports(&f),
            pairs(&[
                ("f", 1),
                ("C", 2),
                ("a", 3),
                ("b", 3),
                ("d", 4),
                ("g", 4),
                ("h", 4),
                ("i", 4),
                ("j", 5),
                ("l", 5),
                ("default", 6),
                ("*", 7),
                ("*", 8),
                ("ns", 9),
                ("m", 10),
            ])
        );
    }

    #[test]
    fn default_exports_count_once() {
        assert_eq!(
            exports(&js("export default class C {}\n")),
            pairs(&[("default", 1)])
        );
        assert_eq!(
            exports(&js("export default { a: 1, b: 2 };\n")),
            pairs(&[("default", 1)])
        );
        assert_eq!(
            exports(&js(
                "const x = 1;\nexport { x as default };\nmodule.exports = x;\n"
            )),
            pairs(&[("default", 2)])
        );
    }

    fn name_rows(n: &[NameImport]) -> Vec<(String, String, String)> {
        n.iter()
            .map(|n| (n.module.clone(), n.name.clone(), n.alias.clone()))
            .collect()
    }

    fn rows(r: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        r.iter()
            .map(|(m, n, a)| (m.to_string(), n.to_string(), a.to_string()))
            .collect()
    }

    #[test]
    fn reexports_es_and_commonjs() {
        let f = js("\
export * from './star';
export { a, b as c, default as d } from './named';
export * as ns from './ns';
import { x } from './x';
import whole from './w';
export { x, whole as w, local };
function local() {}
var r = require('./r');
const { p, q: qq } = require('./pq');
const m = require('./m').member;
exports.r = r;
exports.direct = require('./direct');
module.exports.p = p;
exports.qq = qq;
exports.m = m;
exports.bodyJson = r.json;
exports.own = function () {};
");
        assert_eq!(
            name_rows(&f.reexports),
            rows(&[
                ("./star", "*", ""),
                ("./named", "a", "a"),
                ("./named", "b", "c"),
                ("./named", "default", "d"),
                ("./ns", "", "ns"),
                ("./x", "x", "x"),
                ("./w", "", "w"),
                ("./r", "", "r"),
                ("./direct", "", "direct"),
                ("./pq", "p", "p"),
                ("./pq", "q", "qq"),
                ("./m", "member", "m"),
                ("./r", "json", "bodyJson"),
            ])
        );
        assert_eq!(f.defines, ["local", "own"]);
        // `module.exports = require(…)`: this module is that one, default included.
        let f = js("module.exports = require('./lib/x');\n");
        assert_eq!(name_rows(&f.reexports), rows(&[("./lib/x", "*", "")]));
        assert!(f.defines.is_empty());
        let f = js(
            "const app = require('./app');\nmodule.exports = { app, other: require('./o'), n: 1 };\n",
        );
        assert_eq!(
            name_rows(&f.reexports),
            rows(&[("./app", "", "app"), ("./o", "", "other")])
        );
        assert_eq!(f.defines, ["n"]);
    }

    #[test]
    fn specifiers_reach_package_entry_points_inside_the_package_only() {
        let file = |p: &str| FileFacts {
            path: p.into(),
            language: Language::from_name("javascript").unwrap(),
            ..FileFacts::default()
        };
        let files = [
            file("index.js"),
            file("lib/main.js"),
            file("outside.js"),
            file("pkg/index.js"),
            file("pkg/src/entry.js"),
            file("pkg/test/t.js"),
            file("test/t.js"),
        ];
        let package = |dir: &str, name: Option<&str>, entries: &[&str]| crate::facts::JsPackage {
            dir: dir.into(),
            name: name.map(String::from),
            entries: entries.iter().map(|e| e.to_string()).collect(),
        };
        let packages = [
            package("", Some("root"), &["./lib/main"]),
            // An entry that climbs out of its package is not followed.
            package("pkg", Some("@s/pkg"), &["../outside.js", "../../x.js"]),
        ];
        let lookup = Lookup::new(&files, &[], &packages);
        let exts = ["js"];
        let at = |from: &str, spec: &str| module_file(&lookup, &exts, from, spec);
        assert_eq!(at("test/t.js", ".."), Some("lib/main.js"));
        assert_eq!(at("test/t.js", "../"), Some("lib/main.js"));
        assert_eq!(at("pkg/test/t.js", ".."), Some("pkg/index.js"));
        assert_eq!(at("test/t.js", "root"), Some("lib/main.js"));
        assert_eq!(at("test/t.js", "@s/pkg"), Some("pkg/index.js"));
        assert_eq!(
            at("test/t.js", "@s/pkg/src/entry"),
            Some("pkg/src/entry.js")
        );
        assert_eq!(at("test/t.js", "../.."), None, "above the root");
        assert_eq!(at("test/t.js", "express"), None);
        assert_eq!(at("test/t.js", "node:http"), None);
    }

    #[test]
    fn imported_names_by_form() {
        let f = js("\
import def, { a, b as c } from './one';
import * as all from './two';
import './three';
const { d, e: f, ...rest } = require('./four');
const g = require('./five');
require('./six').h;
function later() { return require('./seven'); }
");
        assert_eq!(
            name_rows(&f.imported_names),
            rows(&[
                ("./one", "", "def"),
                ("./one", "a", "a"),
                ("./one", "b", "c"),
                ("./two", "", "all"),
                ("./three", "", ""),
                ("./four", "d", "d"),
                ("./four", "e", "f"),
                ("./four", "", ""),
                ("./five", "", "g"),
                ("./six", "h", "h"),
                ("./seven", "", ""),
            ])
        );
    }

    #[test]
    fn commonjs_exports() {
        let f = js("module.exports = { a, b: 1, 'c': 2, m() {}, ...rest };
exports.x = 1;
module.exports.y = function () {};
exports['z'] = 3;
exports.x = 4;
something.exports = 5;
");
        assert_eq!(
            exports(&f),
            pairs(&[
                ("a", 1),
                ("b", 1),
                ("c", 1),
                ("m", 1),
                ("x", 2),
                ("y", 3),
                ("z", 4),
            ])
        );
        // The assignment target names the function, as `obj.y = () => {}` does.
        let f = js("module.exports = function () {};\n");
        assert_eq!(functions(&f), pairs(&[("exports", 1)]));
        assert_eq!(exports(&f), pairs(&[("default", 1)]));
        assert_eq!(
            exports(&js("module.exports = class Db {};\n")),
            pairs(&[("default", 1)])
        );
        assert_eq!(
            exports(&js("module.exports = (function () {})();\n")),
            pairs(&[("default", 1)])
        );
    }

    #[test]
    fn typescript_exports() {
        let f = ts("export interface I {}
export type T = string;
export enum E { A }
export const enum CE { B }
export abstract class A {}
export namespace N {}
export declare function g(): void;
export declare const p: number, q: string;
export function over(a: string): void;
export function over(a: any): void {}
export import Z = N.Z;
export type { U } from './u';
export as namespace UMD;
declare module 'inner' { export function hidden(): void; }
");
        assert_eq!(
            exports(&f),
            pairs(&[
                ("I", 1),
                ("T", 2),
                ("E", 3),
                ("CE", 4),
                ("A", 5),
                ("N", 6),
                ("g", 7),
                ("p", 8),
                ("q", 8),
                ("over", 9),
                ("Z", 11),
                ("U", 12),
            ])
        );
        assert_eq!(
            exports(&ts("const x = { a: 1 };\nexport = x;\n")),
            pairs(&[("default", 2)])
        );
        assert_eq!(
            exports(&ts("export = { a: 1, b };\n")),
            pairs(&[("a", 1), ("b", 1)])
        );
    }

    #[test]
    fn comments_are_marked() {
        let src = "// one\nconst a = 1; /* two\n three */\n<!-- html\n";
        let (f, scratch) = facts(Language::from_name("javascript").unwrap(), "x.js", src);
        let marked: Vec<&str> = scratch.comments.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(marked, ["// one", "/* two\n three */", "<!-- html"]);
        assert!(f.functions.is_empty() && f.public_items.is_empty());
        assert!(!f.has_inline_tests && f.rust_paths.is_empty());
    }
}
