//! Python: functions with their annotations (both `typed` modes), imports,
//! public names, and comment and docstring ranges, in one walk of the tree.
//!
//! The `typed` units follow mypy's `--linecount-report`: every `def` that is
//! not inside another function (module level, class bodies, conditional
//! blocks). Nested functions are still functions for test association.

use tree_sitter::{Node, Tree, TreeCursor};

use super::{Docs, Grammar, LanguageSpec, Libraries, Lookup, Resolved, Scratch, TestRules, line};
use crate::facts::{ALL_NAMES, FileFacts, Function, Import, NameImport, PublicItem, Typing};

pub const SPEC: LanguageSpec = LanguageSpec {
    name: "python",
    title: "Python",
    extensions: &["py", "pyi"],
    family: "python",
    grammars: &[Grammar {
        key: "python",
        suffixes: &[],
        load: || tree_sitter_python::LANGUAGE.into(),
    }],
    analyze,
    tests: TestRules {
        patterns: &["test_*.py", "*_test.py", "conftest.py"],
        dirs: &["test", "testing"],
        subject,
        module_names: Some(module_names),
        exercised,
        resolve,
        submodule,
    },
    libraries: Libraries {
        families: &[(
            "http",
            &[
                "requests",
                "httpx",
                "urllib.request",
                "urllib2",
                "urllib3",
                "aiohttp",
                "http.client",
                "httplib",
                "httplib2",
                "pycurl",
            ],
        )],
        name: |module| Some(module.to_string()),
        matches: |name, entry| {
            // A library and its submodules: urllib.request matches urllib.request.urlopen.
            name == entry
                || (name.starts_with(entry) && name.as_bytes().get(entry.len()) == Some(&b'.'))
        },
    },
    strings: &["string"],
    manifests: &[],
    docs: Docs {
        test_names: Some("test_x.py or x_test.py for x.py"),
        test_imports: Some(
            "Python absolute imports by the dotted name from the package root (a package before \
             a module before a .pyi stub) and relative imports, and a name imported from a \
             package's __init__.py to the file its re-exports take it from",
        ),
        test_other: None,
        libraries: "Python imports match a library and its submodules (urllib.request matches \
                    urllib.request.urlopen)",
        public_items: "Python top-level def, class and assigned names not starting with _ (or \
                       the entries of a literal __all__)",

        typed: "Python units are the functions mypy counts (every def not nested in another \
                function): with `python = \"complete\"` every parameter (*args and **kwargs \
                included, self/cls of a method excepted, but not of a @staticmethod) and the \
                return must be annotated, __init__ may omit its return annotation when a \
                parameter is annotated; with `python = \"mypy\"` any parameter or return \
                annotation makes the function typed.",
    },
};

/// `test_x.py` and `x_test.py` test `x`.
fn subject(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".py")?;
    stem.strip_prefix("test_")
        .or_else(|| stem.strip_suffix("_test"))
        .filter(|s| !s.is_empty())
}

/// The dotted names an absolute import reaches a file by (README,
/// "Precise definitions"): its name from its package root, the folder above
/// the top-most unbroken chain of folders holding an `__init__` file
/// (`src/_pytest/tracemalloc.py` is `_pytest.tracemalloc`; a file in a
/// folder without one is a top-level module), and, for implicit namespace
/// packages, its path from the repository root and from a top-level `src/`.
fn module_names(path: &str, has_init: &dyn Fn(&str) -> bool) -> Vec<String> {
    let Some(without_ext) = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".pyi"))
    else {
        return Vec::new();
    };
    let mut comps: Vec<&str> = without_ext.split('/').collect();
    // The folders above the file.
    let dirs = comps.len() - 1;
    if comps.last() == Some(&"__init__") {
        comps.pop();
    }
    let mut root = dirs;
    while root > 0 && has_init(&comps[..root].join("/")) {
        root -= 1;
    }
    let mut out: Vec<String> = Vec::new();
    for start in [root, 0, usize::from(comps.first() == Some(&"src"))] {
        let name = comps.get(start..).unwrap_or(&[]).join(".");
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The files a test file's imports name, and the files that define the
/// names it imports from a package facade.
fn exercised<'a>(test: &'a FileFacts, lookup: &Lookup<'a>) -> Vec<&'a str> {
    let mut out: Vec<&str> = test
        .imports
        .iter()
        .filter_map(|i| imported_module(lookup, test, &i.module, i.level))
        .collect();
    for n in &test.imported_names {
        if let Some(module) = imported_module(lookup, test, &n.module, n.level) {
            lookup.follow(module, &n.name, &mut out);
        }
    }
    out
}

/// A re-export's module, seen from the file that holds it.
fn resolve<'a>(lookup: &Lookup<'a>, from: &'a FileFacts, r: &NameImport) -> Option<Resolved<'a>> {
    imported_module(lookup, from, &r.module, r.level).map(|p| (p, None))
}

/// `from pkg import mod`: the submodule `mod` of a package's `__init__`.
fn submodule<'a>(lookup: &Lookup<'a>, package: &'a FileFacts, name: &str) -> Option<&'a str> {
    let file = package.path.rsplit('/').next().unwrap_or(&package.path);
    if !file.starts_with("__init__.") {
        return None;
    }
    imported_module(lookup, package, name, 1)
}

/// The file a Python import names, as Python's import system finds it
/// (README, "Precise definitions"): an absolute import by the file's dotted
/// name ([`module_names`]), a relative one from the importing file's
/// package. Where several files answer, the one Python imports: a package
/// (`x/__init__.py`) before a module (`x.py`), either before a stub
/// (`.pyi`, read by type checkers only); then the shortest path.
fn imported_module<'a>(
    lookup: &Lookup<'a>,
    from: &FileFacts,
    module: &str,
    level: u32,
) -> Option<&'a str> {
    let rank = |path: &&str| {
        (
            path.ends_with(".pyi"),
            !path.ends_with("__init__.py") && !path.ends_with("__init__.pyi"),
            path.len(),
            path.to_string(),
        )
    };
    if level == 0 {
        if module.is_empty() {
            return None;
        }
        return lookup
            .modules(from.language, module)
            .iter()
            .copied()
            .min_by_key(rank);
    }
    let mut base: Vec<&str> = from.path.split('/').collect();
    base.pop(); // the file itself
    for _ in 1..level {
        base.pop()?;
    }
    base.extend(module.split('.').filter(|s| !s.is_empty()));
    let stem = base.join("/");
    let package = if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    };
    let candidates = [
        format!("{package}__init__.py"),
        format!("{stem}.py"),
        format!("{package}__init__.pyi"),
        format!("{stem}.pyi"),
    ];
    candidates
        .iter()
        .filter(|c| !c.starts_with('.'))
        .find_map(|c| lookup.paths.get(c.as_str()).copied())
}

/// Parameters that carry an annotation.
const TYPED_PARAMS: &[&str] = &["typed_parameter", "typed_default_parameter"];
/// Parameters that need one in `complete` mode (separators `*` and `/` are not parameters).
const UNTYPED_PARAMS: &[&str] = &[
    "identifier",
    "default_parameter",
    "list_splat_pattern",
    "dictionary_splat_pattern",
    "tuple_pattern",
];
/// Statements whose blocks still belong to the module's top level.
const MODULE_LEVEL_BLOCKS: &[&str] = &[
    "if_statement",
    "elif_clause",
    "else_clause",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "block",
];

/// Statements whose blocks stay in the scope around them: a def in them
/// inside a class body is a method.
const SCOPE_TRANSPARENT: &[&str] = &[
    "if_statement",
    "elif_clause",
    "else_clause",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "for_statement",
    "while_statement",
    "match_statement",
    "case_clause",
    "block",
];

/// The target mypy's reachability is judged for: `sys.platform` and
/// `sys.version_info` checks are evaluated as on this platform and version,
/// as `mypy --platform linux --python-version 3.13` does.
const TARGET_PLATFORM: &str = "linux";
const TARGET_VERSION: [i64; 2] = [3, 13];

/// An open scope during the walk.
struct Frame {
    node_id: usize,
    is_function: bool,
    name: String,
}

pub fn analyze(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch) {
    let bytes = src.as_bytes();
    let root = tree.root_node();
    public_items(root, bytes, &mut facts.public_items, &mut facts.defines);
    let file_name = facts.path.rsplit('/').next().unwrap_or(&facts.path);
    let is_package = file_name.starts_with("__init__.");
    let mut frames: Vec<Frame> = Vec::new();
    // The bytes mypy considers unreachable; defs there are not typed units.
    // Every such range runs to the end of the module, so the first one holds
    // all the others.
    let mut dead: Option<std::ops::Range<usize>> = None;
    comments(root, bytes, &mut scratch.comments);
    // The ancestors of the cursor's node, root first: asking a node for its
    // parent costs a search from the root, and over a file of many
    // definitions that search would make the walk quadratic.
    let mut parents: Vec<Node> = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        match node.kind() {
            "module" => docstring(node, scratch),
            "block"
                if parents.last().is_some_and(|p| {
                    matches!(p.kind(), "function_definition" | "class_definition")
                }) =>
            {
                docstring(node, scratch);
            }
            // mypy drops the rest of a module after a top-level assert that
            // always fails on its target (`assert sys.platform == "win32"`).
            // Branches of `if` are still counted, whatever their condition.
            "assert_statement" => {
                if let Some(cond) = node.named_child(0)
                    && let Some(parent) = parents.last()
                    && parent.kind() == "module"
                    && dead.is_none()
                    && condition(cond, bytes) == Some(false)
                {
                    dead = Some(node.end_byte()..parent.end_byte());
                }
            }
            "function_definition" => {
                let mut f = function(node, &parents, bytes, &frames);
                if dead
                    .as_ref()
                    .is_some_and(|r| r.contains(&node.start_byte()))
                {
                    f.typed_unit = false;
                }
                frames.push(Frame {
                    node_id: node.id(),
                    is_function: true,
                    name: field_text(node, "name", bytes).to_string(),
                });
                facts.functions.push(f);
                scratch.function_ranges.push(node.byte_range());
            }
            "class_definition" => frames.push(Frame {
                node_id: node.id(),
                is_function: false,
                name: field_text(node, "name", bytes).to_string(),
            }),
            "import_statement" => imports(node, bytes, &mut facts.imports),
            "import_from_statement" => {
                from_imports(node, bytes, &mut facts.imports);
                let at = facts.imported_names.len();
                imported_names(node, bytes, &mut facts.imported_names);
                // A package's module-level `from … import` makes the names
                // importable from the package: its re-exports.
                if is_package && frames.is_empty() {
                    let names = facts.imported_names[at..].to_vec();
                    facts.reexports.extend(names);
                }
            }
            _ => {}
        }
        if descend(&mut cursor) {
            parents.push(node);
            continue;
        }
        loop {
            let id = cursor.node().id();
            if frames.last().is_some_and(|f| f.node_id == id) {
                frames.pop();
            }
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            parents.pop();
        }
    }
}

/// Node kinds that can hold statements (and so defs, classes and imports).
/// The walk enters only these: expressions hold no definitions, and comments
/// are found separately by [`comments`], which saves most of the walk.
const STATEMENT_HOLDERS: &[&str] = &[
    "module",
    "block",
    "class_definition",
    "function_definition",
    "decorated_definition",
    "if_statement",
    "elif_clause",
    "else_clause",
    "for_statement",
    "while_statement",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "match_statement",
    "case_clause",
];

/// Moves to the first child of a node that can hold statements.
fn descend(cursor: &mut TreeCursor) -> bool {
    STATEMENT_HOLDERS.contains(&cursor.node().kind()) && cursor.goto_first_child()
}

/// Finds every comment by looking at each `#` and asking the tree what is
/// there: a comment, or a string that holds the `#` (skipped whole). Far
/// cheaper than visiting every node of the tree.
fn comments(root: Node, src: &[u8], out: &mut Vec<std::ops::Range<usize>>) {
    let mut i = 0;
    while let Some(off) = src[i..].iter().position(|&b| b == b'#') {
        let at = i + off;
        let node = root.descendant_for_byte_range(at, at + 1);
        i = match node {
            Some(n) if n.kind() == "comment" => {
                out.push(n.byte_range());
                n.end_byte().max(at + 1)
            }
            Some(n) if n.end_byte() > at + 1 && n.id() != root.id() => n.end_byte(),
            _ => at + 1,
        };
    }
}

/// The value of a condition mypy evaluates statically, if it is one.
/// `not`, `and`, `or` and parentheses may nest as deep as the file is long:
/// the evaluation keeps its own stack, not the thread's.
fn condition(node: Node, src: &[u8]) -> Option<bool> {
    /// What to do with a value once the operand below is known.
    enum Then<'t> {
        Not,
        /// As mypy: `True and X` and `False or X` are X; otherwise the left
        /// side decides. `when` is the left value that passes to the right.
        Right {
            when: Option<bool>,
            right: Option<Node<'t>>,
        },
    }
    let text = |n: Node| n.utf8_text(src).unwrap_or("");
    let mut pending: Vec<Then> = Vec::new();
    let mut node = node;
    'eval: loop {
        // Down the left-most operands to a leaf.
        let mut value = loop {
            match node.kind() {
                "parenthesized_expression" => match node.named_child(0) {
                    Some(inner) => node = inner,
                    None => break None,
                },
                "not_operator" => match node.child_by_field_name("argument") {
                    Some(arg) => {
                        pending.push(Then::Not);
                        node = arg;
                    }
                    None => break None,
                },
                "boolean_operator" => match node.child_by_field_name("left") {
                    Some(left) => {
                        let op = node.child_by_field_name("operator").map(text).unwrap_or("");
                        pending.push(Then::Right {
                            when: match op {
                                "and" => Some(true),
                                "or" => Some(false),
                                _ => None,
                            },
                            right: node.child_by_field_name("right"),
                        });
                        node = left;
                    }
                    None => break None,
                },
                _ => break leaf_condition(node, src),
            }
        };
        // Back up, until a right operand needs evaluating.
        while let Some(then) = pending.pop() {
            match then {
                Then::Not => value = value.map(|v| !v),
                Then::Right { when, right } => {
                    if when.is_some() && value == when {
                        match right {
                            Some(r) => {
                                node = r;
                                continue 'eval;
                            }
                            None => value = None,
                        }
                    }
                }
            }
        }
        return value;
    }
}

/// The value of a condition that is not `not`, `and`, `or` or parentheses.
fn leaf_condition(node: Node, src: &[u8]) -> Option<bool> {
    let text = |n: Node| n.utf8_text(src).unwrap_or("");
    match node.kind() {
        "identifier" => matches!(text(node), "TYPE_CHECKING" | "MYPY").then_some(true),
        "attribute" => text(node).ends_with(".TYPE_CHECKING").then_some(true),
        "call" => {
            // sys.platform.startswith("win")
            let func = text(node.child_by_field_name("function")?);
            let args = node.child_by_field_name("arguments")?;
            if func != "sys.platform.startswith" || args.named_child_count() != 1 {
                return None;
            }
            let prefix = string_value(args.named_child(0)?, src)?;
            Some(TARGET_PLATFORM.starts_with(prefix.as_str()))
        }
        "comparison_operator" => {
            if node.named_child_count() != 2 {
                return None;
            }
            let (left, right) = (node.named_child(0)?, node.named_child(1)?);
            let mut c = node.walk();
            let op = node
                .children_by_field_name("operators", &mut c)
                .next()
                .map(text)?;
            let ordering = match text(left) {
                "sys.platform" => {
                    let value = string_value(right, src)?;
                    return match op {
                        "==" => Some(TARGET_PLATFORM == value),
                        "!=" => Some(TARGET_PLATFORM != value),
                        _ => None,
                    };
                }
                "sys.version_info" | "sys.version_info[:2]" => {
                    let want = int_tuple(right, src)?;
                    let have = &TARGET_VERSION[..want.len().min(2)];
                    have.cmp(&want[..want.len().min(2)])
                }
                "sys.version_info[0]" => TARGET_VERSION[0].cmp(&text(right).parse().ok()?),
                _ => return None,
            };
            use std::cmp::Ordering::*;
            Some(match op {
                "<" => ordering == Less,
                "<=" => ordering != Greater,
                ">" => ordering == Greater,
                ">=" => ordering != Less,
                "==" => ordering == Equal,
                "!=" => ordering != Equal,
                _ => return None,
            })
        }
        _ => None,
    }
}

fn string_value(node: Node, src: &[u8]) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let mut c = node.walk();
    let content = node
        .named_children(&mut c)
        .find(|p| p.kind() == "string_content")
        .and_then(|p| p.utf8_text(src).ok())
        .unwrap_or("");
    Some(content.to_string())
}

fn int_tuple(node: Node, src: &[u8]) -> Option<Vec<i64>> {
    if node.kind() != "tuple" {
        return None;
    }
    let mut c = node.walk();
    node.named_children(&mut c)
        .map(|n| n.utf8_text(src).ok()?.parse().ok())
        .collect()
}

fn field_text<'a>(node: Node, field: &str, src: &'a [u8]) -> &'a str {
    node.child_by_field_name(field)
        .and_then(|n| n.utf8_text(src).ok())
        .unwrap_or("")
}

/// Marks the docstring of a module or body, if its first statement is a string.
fn docstring(body: Node, scratch: &mut Scratch) {
    let mut cursor = body.walk();
    let first = body
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment");
    if let Some(stmt) = first
        && stmt.kind() == "expression_statement"
        && stmt.named_child_count() == 1
        && stmt
            .named_child(0)
            .is_some_and(|s| matches!(s.kind(), "string" | "concatenated_string"))
    {
        scratch.comments.push(stmt.byte_range());
    }
}

/// The facts of one `def`, given its ancestors (root first) and the scopes
/// around it.
fn function(node: Node, parents: &[Node], src: &[u8], frames: &[Frame]) -> Function {
    let name = field_text(node, "name", src);
    let nested = frames.iter().any(|f| f.is_function);
    let qualified = frames
        .iter()
        .map(|f| f.name.as_str())
        .chain(std::iter::once(name))
        .collect::<Vec<_>>()
        .join(".");
    // A method is a def directly in a class body (possibly decorated).
    let (holder, above) = match parents.split_last() {
        Some((p, above)) if p.kind() == "decorated_definition" => (*p, above),
        _ => (node, parents),
    };
    // The scope the def binds its name in: the first class or function
    // above it, through compound statements, which open no scope.
    let is_method = above
        .iter()
        .rev()
        .find(|p| !SCOPE_TRANSPARENT.contains(&p.kind()))
        .is_some_and(|p| p.kind() == "class_definition");
    let is_static = holder.kind() == "decorated_definition" && {
        let mut c = holder.walk();
        holder.children(&mut c).any(|d| {
            d.kind() == "decorator"
                && d.utf8_text(src).is_ok_and(|t| {
                    let t = t.trim_start_matches('@').trim();
                    t == "staticmethod" || t.ends_with(".staticmethod")
                })
        })
    };

    let mut annotated = 0u32;
    let mut unannotated = 0u32;
    if let Some(params) = node.child_by_field_name("parameters") {
        let mut c = params.walk();
        let mut first = true;
        for p in params.named_children(&mut c) {
            let kind = p.kind();
            if TYPED_PARAMS.contains(&kind) {
                annotated += 1;
            } else if UNTYPED_PARAMS.contains(&kind) {
                let exempt = first
                    && is_method
                    && !is_static
                    && matches!(kind, "identifier" | "default_parameter");
                if !exempt {
                    unannotated += 1;
                }
            } else {
                // `*`, `/` and comments are not parameters.
                continue;
            }
            first = false;
        }
    }
    let has_return = node.child_by_field_name("return_type").is_some();
    let type_comment = has_type_comment(node, src);
    let any_annotation = annotated > 0 || has_return || type_comment;
    let (unannotated_params, return_missing) = if type_comment {
        (0, false)
    } else {
        let init_exempt = name == "__init__" && annotated > 0;
        (unannotated, !has_return && !init_exempt)
    };
    Function {
        name: qualified,
        line: node.start_position().row as u32 + 1,
        typed_unit: !nested,
        typing: Typing::Python {
            unannotated_params,
            return_missing,
            any_annotation,
        },
    }
}

/// A function-level type comment (`# type: (int) -> str`) on the `def` line or
/// the line after it, which mypy reads as the function's annotation.
fn has_type_comment(node: Node, src: &[u8]) -> bool {
    let Some(body) = node.child_by_field_name("body") else {
        return false;
    };
    let header_end = node
        .child_by_field_name("parameters")
        .map_or(node.start_position().row, |p| p.end_position().row);
    let is_type_comment = |n: Node| {
        n.kind() == "comment"
            && n.start_position().row <= header_end + 1
            && n.utf8_text(src).is_ok_and(|t| {
                let t = t.trim_start_matches('#').trim_start();
                t.starts_with("type:") && !t["type:".len()..].trim_start().starts_with("ignore")
            })
    };
    let mut c = node.walk();
    if node.children(&mut c).any(is_type_comment) {
        return true;
    }
    let mut c = body.walk();
    body.children(&mut c)
        .take_while(|n| n.kind() == "comment")
        .any(is_type_comment)
}

/// `import a.b, c as d`: one import per dotted name.
fn imports(node: Node, src: &[u8], out: &mut Vec<Import>) {
    let mut c = node.walk();
    for name in node.children_by_field_name("name", &mut c) {
        let dotted = match name.kind() {
            "aliased_import" => name.child_by_field_name("name"),
            _ => Some(name),
        };
        if let Some(text) = dotted.and_then(|d| d.utf8_text(src).ok()) {
            out.push(Import {
                module: text.to_string(),
                level: 0,
                line: line(node),
            });
        }
    }
}

/// `from a.b import c, d`: `a.b`, `a.b.c`, `a.b.d` (relative: level = dots).
fn from_imports(node: Node, src: &[u8], out: &mut Vec<Import>) {
    let Some(module) = node.child_by_field_name("module_name") else {
        return;
    };
    let (base, level) = if module.kind() == "relative_import" {
        let mut level = 0;
        let mut base = "";
        let mut c = module.walk();
        for part in module.children(&mut c) {
            match part.kind() {
                "import_prefix" => {
                    level = part
                        .utf8_text(src)
                        .map_or(0, |t| t.matches('.').count() as u32)
                }
                "dotted_name" => base = part.utf8_text(src).unwrap_or(""),
                _ => {}
            }
        }
        (base, level)
    } else {
        (module.utf8_text(src).unwrap_or(""), 0)
    };
    let at = line(node);
    out.push(Import {
        module: base.to_string(),
        level,
        line: at,
    });
    let mut c = node.walk();
    for name in node.children_by_field_name("name", &mut c) {
        let dotted = match name.kind() {
            "aliased_import" => name.child_by_field_name("name"),
            _ => Some(name),
        };
        if let Some(text) = dotted.and_then(|d| d.utf8_text(src).ok()) {
            let module = if base.is_empty() {
                text.to_string()
            } else {
                format!("{base}.{text}")
            };
            out.push(Import {
                module,
                level,
                line: at,
            });
        }
    }
}

/// `from m import a, b as c, *`: each name with the module it comes from.
fn imported_names(node: Node, src: &[u8], out: &mut Vec<NameImport>) {
    let mut level_and_module = Vec::new();
    from_imports(node, src, &mut level_and_module);
    let Some(base) = level_and_module.first() else {
        return;
    };
    let mut push = |name: &str, alias: &str| {
        out.push(NameImport {
            module: base.module.clone(),
            level: base.level,
            name: name.to_string(),
            alias: alias.to_string(),
        })
    };
    let mut c = node.walk();
    for child in node.children(&mut c) {
        if child.kind() == "wildcard_import" {
            push(ALL_NAMES, "");
        }
    }
    let mut c = node.walk();
    for name in node.children_by_field_name("name", &mut c) {
        let (dotted, alias) = match name.kind() {
            "aliased_import" => (
                name.child_by_field_name("name"),
                name.child_by_field_name("alias"),
            ),
            _ => (Some(name), Some(name)),
        };
        let text = |n: Option<Node>| n.and_then(|n| n.utf8_text(src).ok()).unwrap_or("");
        let (name, alias) = (text(dotted), text(alias));
        if !name.is_empty() {
            push(name, alias);
        }
    }
}

/// Public names of a module: a literal `__all__` when there is one, else the
/// top-level def, class and assigned names not starting with `_`; and every
/// name the module defines itself.
fn public_items(module: Node, src: &[u8], out: &mut Vec<PublicItem>, defines: &mut Vec<String>) {
    let mut names: Vec<PublicItem> = Vec::new();
    let mut all: Option<Vec<PublicItem>> = None;
    collect_names(module, src, &mut names, &mut all);
    let mut defined: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for n in &names {
        if defined.insert(&n.name) {
            defines.push(n.name.clone());
        }
    }
    let items = all.unwrap_or_else(|| {
        names
            .into_iter()
            .filter(|n| !n.name.starts_with('_'))
            .collect()
    });
    // Each name once, first occurrence kept; a set keeps a module of many
    // assignments linear.
    let mut seen: std::collections::HashSet<String> = out.iter().map(|o| o.name.clone()).collect();
    for item in items {
        if seen.insert(item.name.clone()) {
            out.push(item);
        }
    }
}

/// The names the module's statements bind, in order, blocks that stay at
/// module level (`if`, `try`, `with`) included however deep they nest: the
/// walk keeps its own stack, not the thread's.
fn collect_names(
    module: Node,
    src: &[u8],
    names: &mut Vec<PublicItem>,
    all: &mut Option<Vec<PublicItem>>,
) {
    // Statements still to read, next last.
    let mut todo: Vec<Node> = Vec::new();
    push_children_reversed(module, &mut todo);
    while let Some(stmt) = todo.pop() {
        match stmt.kind() {
            "function_definition" | "class_definition" => {
                names.push(PublicItem {
                    name: field_text(stmt, "name", src).to_string(),
                    line: line(stmt),
                });
            }
            "decorated_definition" => {
                if let Some(def) = stmt.child_by_field_name("definition") {
                    names.push(PublicItem {
                        name: field_text(def, "name", src).to_string(),
                        line: line(def),
                    });
                }
            }
            "expression_statement" => {
                let mut c2 = stmt.walk();
                for expr in stmt.named_children(&mut c2) {
                    assignment(expr, src, names, all);
                }
            }
            kind if MODULE_LEVEL_BLOCKS.contains(&kind) => push_children_reversed(stmt, &mut todo),
            _ => {}
        }
    }
}

/// Pushes a node's named children so that popping gives them in order.
fn push_children_reversed<'t>(node: Node<'t>, todo: &mut Vec<Node<'t>>) {
    let mut c = node.walk();
    let at = todo.len();
    todo.extend(node.named_children(&mut c));
    todo[at..].reverse();
}

/// The names an assignment binds; `a = b = 1` binds both, and a chain may be
/// as long as the file.
fn assignment(
    expr: Node,
    src: &[u8],
    names: &mut Vec<PublicItem>,
    all: &mut Option<Vec<PublicItem>>,
) {
    let mut expr = expr;
    loop {
        let kind = expr.kind();
        if kind != "assignment" && kind != "augmented_assignment" {
            return;
        }
        let (Some(left), Some(right)) = (
            expr.child_by_field_name("left"),
            expr.child_by_field_name("right"),
        ) else {
            return;
        };
        if left.kind() == "identifier" && left.utf8_text(src) == Ok("__all__") {
            if let Some(entries) = literal_strings(right, src) {
                let list = all.get_or_insert_with(Vec::new);
                if kind == "assignment" {
                    list.clear();
                }
                list.extend(entries.into_iter().map(|name| PublicItem {
                    name,
                    line: line(expr),
                }));
            }
            return;
        }
        if kind != "assignment" {
            return;
        }
        target_names(left, src, line(expr), names);
        // `a = b = 1` assigns both.
        if right.kind() != "assignment" {
            return;
        }
        expr = right;
    }
}

/// The identifiers an assignment target binds, in order, however deep its
/// tuples and lists nest.
fn target_names(target: Node, src: &[u8], at: u32, names: &mut Vec<PublicItem>) {
    let mut todo = vec![target];
    while let Some(target) = todo.pop() {
        match target.kind() {
            "identifier" => {
                if let Ok(t) = target.utf8_text(src) {
                    names.push(PublicItem {
                        name: t.to_string(),
                        line: at,
                    });
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" => {
                push_children_reversed(target, &mut todo);
            }
            _ => {}
        }
    }
}

/// The strings of a literal list or tuple of plain strings.
fn literal_strings(node: Node, src: &[u8]) -> Option<Vec<String>> {
    if !matches!(node.kind(), "list" | "tuple") {
        return None;
    }
    let mut out = Vec::new();
    let mut c = node.walk();
    for item in node.named_children(&mut c) {
        if item.kind() == "comment" {
            continue;
        }
        if item.kind() != "string" {
            return None;
        }
        let mut content = String::new();
        let mut c2 = item.walk();
        for part in item.named_children(&mut c2) {
            match part.kind() {
                "string_content" => content.push_str(part.utf8_text(src).ok()?),
                "string_start" | "string_end" => {}
                _ => return None,
            }
        }
        out.push(content);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::LineCounts;
    use crate::lang::{Language, lines, parse};

    fn facts(src: &str) -> (FileFacts, LineCounts) {
        let tree = parse(Language::from_name("python").unwrap(), "m.py", src).unwrap();
        assert!(!tree.root_node().has_error());
        let mut facts = FileFacts::default();
        let mut scratch = Scratch::default();
        analyze(&tree, src, &mut facts, &mut scratch);
        let counts = lines::count(src.as_bytes(), &mut scratch.comments);
        (facts, counts)
    }

    /// (name, typed_unit, unannotated params, return missing, any annotation)
    fn typing(src: &str) -> Vec<(String, bool, u32, bool, bool)> {
        facts(src)
            .0
            .functions
            .into_iter()
            .map(|f| match f.typing {
                Typing::Python {
                    unannotated_params,
                    return_missing,
                    any_annotation,
                } => (
                    f.name,
                    f.typed_unit,
                    unannotated_params,
                    return_missing,
                    any_annotation,
                ),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn annotations_per_parameter_and_return() {
        let src = "\
def a(x: int, y: str = 'a') -> int: ...
def b(x, y=1, *args, **kwargs): ...
def c(x, *, y: int, **kw: str) -> None: ...
async def d(x: int, /, y: int): ...
f = lambda x: x
";
        assert_eq!(
            typing(src),
            [
                ("a".into(), true, 0, false, true),
                ("b".into(), true, 4, true, false),
                ("c".into(), true, 1, false, true),
                ("d".into(), true, 0, true, true),
            ]
        );
    }

    #[test]
    fn methods_skip_self_but_not_in_staticmethods() {
        let src = "\
class C:
    def __init__(self, x: int): ...
    def __init__(self): ...
    def m(self, x) -> int: ...
    @classmethod
    def k(cls) -> 'C': ...
    @staticmethod
    def s(x) -> int: ...
    @property
    def p(self) -> int:
        def inner(y): ...
        return 1
";
        assert_eq!(
            typing(src),
            [
                ("C.__init__".into(), true, 0, false, true),
                ("C.__init__".into(), true, 0, true, false),
                ("C.m".into(), true, 1, false, true),
                ("C.k".into(), true, 0, false, true),
                ("C.s".into(), true, 1, false, true),
                ("C.p".into(), true, 0, false, true),
                ("C.p.inner".into(), false, 1, true, false),
            ]
        );
    }

    /// A def under `if`/`else`/`try`/`except`/`finally`/`with`/`for` in a
    /// class body is still a method: its `self` or `cls` needs no annotation.
    #[test]
    fn methods_under_blocks_of_the_class_body_are_methods() {
        let src = "\
class C:
    if FAST:
        def a(self) -> None: ...
    else:
        def a(self) -> None: ...
    try:
        def b(self, x: int) -> None: ...
    except ImportError:
        @classmethod
        def c(cls) -> None: ...
    finally:
        def d(self) -> None: ...
    with ctx:
        if deep:
            def e(self) -> None: ...
    for x in y:
        def f(self) -> None: ...
if top:
    def g(self) -> None: ...
";
        let got: Vec<(String, u32)> = typing(src).into_iter().map(|t| (t.0, t.2)).collect();
        let want = [
            ("C.a", 0),
            ("C.a", 0),
            ("C.b", 0),
            ("C.c", 0),
            ("C.d", 0),
            ("C.e", 0),
            ("C.f", 0),
            // Not in a class: `self` is a parameter like any other.
            ("g", 1),
        ];
        let want: Vec<(String, u32)> = want.iter().map(|(n, u)| (n.to_string(), *u)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn package_reexports_and_imported_names() {
        let parsed = |path: &str, src: &str| {
            let tree = parse(Language::from_name("python").unwrap(), path, src).unwrap();
            let mut facts = FileFacts {
                path: path.into(),
                ..FileFacts::default()
            };
            analyze(&tree, src, &mut facts, &mut Scratch::default());
            facts
        };
        let names = |n: &[NameImport]| -> Vec<(String, u32, String, String)> {
            n.iter()
                .map(|n| (n.module.clone(), n.level, n.name.clone(), n.alias.clone()))
                .collect()
        };
        let row =
            |m: &str, l: u32, n: &str, a: &str| (m.to_string(), l, n.to_string(), a.to_string());
        let src = "\
from .geometries import OGRGeometry
from .x import *
from . import units as u
from pkg.layers import Layer as Layer
_private = 1
def f():
    from .inner import late
class K: ...
";
        let init = parsed("pkg/__init__.py", src);
        let want = vec![
            row("geometries", 1, "OGRGeometry", "OGRGeometry"),
            row("x", 1, "*", ""),
            row("", 1, "units", "u"),
            row("pkg.layers", 0, "Layer", "Layer"),
        ];
        assert_eq!(names(&init.reexports), want, "module level only");
        let mut all = want.clone();
        all.push(row("inner", 1, "late", "late"));
        assert_eq!(names(&init.imported_names), all);
        assert_eq!(init.defines, ["_private", "f", "K"]);
        // A module that is not a package re-exports nothing.
        let plain = parsed("pkg/plain.py", src);
        assert!(plain.reexports.is_empty());
        assert_eq!(plain.imported_names.len(), 5);
    }

    #[test]
    fn module_names_from_the_package_root() {
        let inits = ["src/_pytest", "pkg", "pkg/sub", "a/b"];
        let has_init = |d: &str| inits.contains(&d);
        let names = |p: &str| module_names(p, &has_init);
        assert_eq!(
            names("src/_pytest/tracemalloc.py"),
            ["_pytest.tracemalloc", "src._pytest.tracemalloc"]
        );
        assert_eq!(names("pkg/sub/__init__.py"), ["pkg.sub"]);
        assert_eq!(names("pkg/sub/m.pyi"), ["pkg.sub.m"]);
        // `a` holds no `__init__`: the package root is `a`.
        assert_eq!(names("a/b/c.py"), ["b.c", "a.b.c"]);
        // A folder without one: a top-level module, or a namespace package.
        assert_eq!(names("testing/helper.py"), ["helper", "testing.helper"]);
        assert_eq!(names("src/ns/m.py"), ["m", "src.ns.m", "ns.m"]);
        assert_eq!(names("setup.py"), ["setup"]);
        assert!(names("__init__.py").is_empty());
    }

    #[test]
    fn conditional_defs_are_units_and_functions_in_functions_are_not() {
        let src = "\
import sys
if HAVE_C_SPEEDUPS:
    def a(): ...
else:
    def a(): ...
def outer():
    class Local:
        def m(self): ...
    return Local
";
        let units: Vec<(String, bool)> = typing(src).into_iter().map(|t| (t.0, t.1)).collect();
        assert_eq!(
            units,
            [
                ("a".into(), true),
                ("a".into(), true),
                ("outer".into(), true),
                ("outer.Local.m".into(), false),
            ]
        );
    }

    #[test]
    fn mypy_drops_the_module_after_a_failing_top_level_assert() {
        let src = r#"import sys
from typing import TYPE_CHECKING
if sys.platform == "win32":
    def win(): ...
if not TYPE_CHECKING:
    def runtime(): ...
def f():
    assert sys.version_info[0] == 2
    def after(): ...
class C:
    assert sys.platform == "win32"
    def m(self): ...
assert sys.platform.startswith("linux") or TYPE_CHECKING
def still(): ...
assert sys.version_info >= (3, 8) and sys.platform == "win32"
def rest(): ...
"#;
        let units: Vec<(String, bool)> = typing(src).into_iter().map(|t| (t.0, t.1)).collect();
        let want = [
            ("win", true),
            ("runtime", true),
            ("f", true),
            ("f.after", false),
            ("C.m", true),
            ("still", true),
            ("rest", false),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(n, u)| (n.to_string(), *u)).collect();
        assert_eq!(units, want);
    }

    #[test]
    fn type_comments_count_as_annotations() {
        let src = "\
def a(x):  # type: (int) -> int
    return x
def b(x):
    # type: (int) -> int
    return x
def c(x):  # type: ignore
    return x
";
        assert_eq!(
            typing(src),
            [
                ("a".into(), true, 0, false, true),
                ("b".into(), true, 0, false, true),
                ("c".into(), true, 1, true, false),
            ]
        );
    }

    #[test]
    fn imports_absolute_from_and_relative() {
        let src = "\
import os.path, requests as r
from urllib.request import urlopen, Request as Req
from . import sibling
from ..pkg.mod import thing
from x import *
def f():
    import json
";
        let got: Vec<(String, u32, u32)> = facts(src)
            .0
            .imports
            .into_iter()
            .map(|i| (i.module, i.level, i.line))
            .collect();
        let want: Vec<(String, u32, u32)> = [
            ("os.path", 0, 1),
            ("requests", 0, 1),
            ("urllib.request", 0, 2),
            ("urllib.request.urlopen", 0, 2),
            ("urllib.request.Request", 0, 2),
            ("", 1, 3),
            ("sibling", 1, 3),
            ("pkg.mod", 2, 4),
            ("pkg.mod.thing", 2, 4),
            ("x", 0, 5),
            ("json", 0, 7),
        ]
        .into_iter()
        .map(|(m, l, n)| (m.to_string(), l, n))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn public_names_and_dunder_all() {
        let names = |src: &str| -> Vec<String> {
            facts(src)
                .0
                .public_items
                .into_iter()
                .map(|p| p.name)
                .collect()
        };
        let src = "\
import os
X = 1
_private = 2
a, (b, _c) = 1, (2, 3)
d: int = 4
e: int
class K: pass
@dec
def f(): pass
def _g(): pass
try:
    from fast import h
except ImportError:
    def h(): pass
if True:
    X = 3
";
        assert_eq!(names(src), ["X", "a", "b", "d", "K", "f", "h"]);
        assert_eq!(
            names("__all__ = ['a', 'b']\n__all__ += ('c',)\ndef z(): pass\n"),
            ["a", "b", "c"]
        );
        // A computed __all__ falls back to the names.
        assert_eq!(names("__all__ = make()\ndef z(): pass\n"), ["z"]);
        // Chains and targets in order; a name bound twice is listed once.
        assert_eq!(
            names("p = [q, (r, [s])] = t = p = 1\nq = 2\n"),
            ["p", "q", "r", "s", "t"]
        );
    }

    #[test]
    fn deep_nesting_is_walked_without_recursion() {
        // Deep enough to overflow a test thread's stack when each level was
        // a call.
        let n = 20_000;
        let chain: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let src = format!(
            "{}a{} = v\n{} = 1\nassert {}sys.platform == 'win32'\ndef dead(x): pass\n",
            "[".repeat(n),
            "]".repeat(n),
            chain.join(" = "),
            "not not ".repeat(n),
        );
        let (facts, _) = facts(&src);
        assert_eq!(facts.public_items.len(), n + 2, "a, the chain and dead");
        assert_eq!(facts.public_items[0].name, "a");
        assert_eq!(facts.public_items[n].name, format!("c{}", n - 1));
        assert!(!facts.functions[0].typed_unit, "after a failing assert");
    }

    #[test]
    fn static_conditions_as_mypy_evaluates_them() {
        let tree = |src: &str| parse(Language::from_name("python").unwrap(), "m.py", src).unwrap();
        let value = |src: &str| {
            let t = tree(src);
            let assert = t.root_node().named_child(0).unwrap();
            condition(assert.named_child(0).unwrap(), src.as_bytes())
        };
        assert_eq!(value("assert TYPE_CHECKING\n"), Some(true));
        assert_eq!(value("assert not (not TYPE_CHECKING)\n"), Some(true));
        assert_eq!(value("assert not TYPE_CHECKING or x\n"), None);
        assert_eq!(value("assert TYPE_CHECKING and x\n"), None);
        assert_eq!(value("assert TYPE_CHECKING or x\n"), Some(true));
        assert_eq!(value("assert x and TYPE_CHECKING\n"), None);
        assert_eq!(
            value("assert sys.platform == 'linux' and not sys.version_info < (3, 8)\n"),
            Some(true)
        );
        assert_eq!(
            value("assert (TYPE_CHECKING and sys.platform == 'win32') or MYPY\n"),
            Some(true)
        );
        assert_eq!(
            value("assert not (TYPE_CHECKING and sys.platform == 'win32')\n"),
            Some(true)
        );
        assert_eq!(value("assert f(x)\n"), None);
    }

    #[test]
    fn comments_inside_expressions_and_hashes_inside_strings() {
        let src = r##"SETTINGS = {
    # a comment inside a literal
    "color": "#fff",  # trailing
    "fmt": f"{x!r} # not a comment",
}
s = '''
# not a comment either
'''
"##;
        assert_eq!(
            facts(src).1,
            LineCounts {
                code: 7,
                comment: 1,
                blank: 0
            }
        );
    }

    #[test]
    fn docstrings_and_comments_are_comment_lines() {
        let src = "\
\"\"\"Module docstring.

More.
\"\"\"
# a comment
import os  # trailing


def f():
    '''Doc.'''
    x = '''not a
    docstring'''
    return x
";
        assert_eq!(
            facts(src).1,
            // The empty line inside the module docstring is blank.
            LineCounts {
                code: 5,
                comment: 5,
                blank: 3
            }
        );
    }
}
