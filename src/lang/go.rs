//! go: turns a Go syntax tree into facts, in one walk of the tree.
//!
//! Functions are function declarations and methods with a body, and function
//! literals; a function is typed unless a parameter or a result is written
//! exactly `any` or `interface{}` (`...any` included; `[]any`, `map[string]any`
//! and a type parameter's `any` constraint are not). Imports are the import
//! paths; public items are the exported (capitalised) top-level funcs, types,
//! vars and consts, and the exported methods of exported types. A test file
//! (`x_test.go`) exercises `x.go` beside it and every file of its folder that
//! declares an identifier it names.

use std::collections::HashSet;

use tree_sitter::{Node, Tree};

use super::{Docs, Grammar, LanguageSpec, Libraries, Lookup, Scratch, TestRules, line, text};
use crate::facts::{FileFacts, Function, Import, PublicItem, Typing};

pub const SPEC: LanguageSpec = LanguageSpec {
    name: "go",
    title: "Go",
    extensions: &["go"],
    family: "go",
    grammars: &[Grammar {
        key: "go",
        suffixes: &[],
        load: || tree_sitter_go::LANGUAGE.into(),
    }],
    analyze,
    strings: &["interpreted_string_literal", "raw_string_literal"],
    tests: TestRules {
        patterns: &["*_test.go"],
        // Test data: `go test` reads it, `go build` never compiles it.
        dirs: &["testdata"],
        // A Go test tests its own folder's files: `exercised` pairs them.
        subject: |_| None,
        module_names: None,
        exercised,
        resolve: |_, _, _| None,
        submodule: |_, _, _| None,
    },
    libraries: Libraries {
        families: &[(
            "http",
            &[
                "net/http",
                "github.com/go-resty/resty/v2",
                "github.com/hashicorp/go-retryablehttp",
                "github.com/valyala/fasthttp",
                "github.com/imroc/req/v3",
            ],
        )],
        name: |path| Some(path.to_string()),
        // An import path names its package; a package's sub-packages are
        // below it (`net/http/httputil` is under `net/http`).
        matches: |name, entry| {
            name == entry
                || name
                    .strip_prefix(entry)
                    .is_some_and(|rest| rest.starts_with('/'))
        },
    },
    manifests: &[],
    docs: Docs {
        test_names: None,
        test_imports: None,
        test_other: Some(
            "in Go, x_test.go sits in x.go's folder, or a _test.go file of that folder names an \
             identifier x.go declares at top level (a func, type, var, const or method name)",
        ),
        libraries: "Go import paths match a package and its sub-packages (net/http matches \
                    net/http/httputil)",
        public_items: "Go exported (capitalised) top-level funcs, types, vars and consts, and \
                       exported methods of exported types",
        typed: "Go functions (declarations, methods and function literals) are typed unless a \
                parameter or a result is written exactly `any` or `interface{}` (`...any` \
                counts; `[]any`, `map[string]any` and type parameter constraints do not).",
    },
};

/// `x_test.go` exercises `x.go` of its folder, and a test file exercises each
/// file of its folder that declares an identifier it names.
fn exercised<'a>(test: &'a FileFacts, lookup: &Lookup<'a>) -> Vec<&'a str> {
    let dir = folder(&test.path);
    let mut out = Vec::new();
    if let Some(stem) = test.path.strip_suffix("_test.go") {
        let subject = format!("{stem}.go");
        if let Some(p) = lookup.paths.get(subject.as_str()) {
            out.push(*p);
        }
    }
    let go = test.language;
    for name in &test.referenced {
        out.extend(
            lookup
                .declaring(go, name)
                .iter()
                .filter(|p| folder(p) == dir && **p != test.path),
        );
    }
    out
}

/// The folder of a path ("" at the root).
fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

// Node kinds of tree-sitter-go 0.25 (see its `src/node-types.json`).
const COMMENT: &str = "comment";
const FUNCTION_DECLARATION: &str = "function_declaration";
const METHOD_DECLARATION: &str = "method_declaration";
const FUNC_LITERAL: &str = "func_literal";
const IMPORT_SPEC: &str = "import_spec";
const PARAMETER_DECLARATION: &str = "parameter_declaration";
const VARIADIC_PARAMETER_DECLARATION: &str = "variadic_parameter_declaration";
const PARAMETER_LIST: &str = "parameter_list";
const INTERFACE_TYPE: &str = "interface_type";
const TYPE_IDENTIFIER: &str = "type_identifier";
const IDENTIFIER: &str = "identifier";
const FIELD_IDENTIFIER: &str = "field_identifier";
const POINTER_TYPE: &str = "pointer_type";
const GENERIC_TYPE: &str = "generic_type";
const TYPE_DECLARATION: &str = "type_declaration";
const VAR_DECLARATION: &str = "var_declaration";
const CONST_DECLARATION: &str = "const_declaration";

/// The name given to function literals.
const ANONYMOUS: &str = "<anonymous>";

pub fn analyze(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch) {
    let is_test = facts.role.is_test();
    let mut referenced: HashSet<&str> = HashSet::new();
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        let kind = node.kind();
        if depth == 1 {
            top_level(src, node, facts);
        }
        let mut descend = true;
        match kind {
            COMMENT => {
                scratch.comments.push(node.byte_range());
                descend = false;
            }
            FUNCTION_DECLARATION | METHOD_DECLARATION | FUNC_LITERAL
                if node.child_by_field_name("body").is_some() =>
            {
                let name = if kind == FUNC_LITERAL {
                    ANONYMOUS
                } else {
                    node.child_by_field_name("name")
                        .map_or(ANONYMOUS, |n| text(src, n))
                };
                facts.functions.push(Function {
                    name: name.to_string(),
                    line: line(node),
                    typed_unit: true,
                    typing: typing(src, node),
                });
                scratch.function_ranges.push(node.byte_range());
            }
            IMPORT_SPEC => {
                if let Some(path) = node.child_by_field_name("path") {
                    let module = text(src, path).trim_matches(['"', '`']);
                    facts.imports.push(Import {
                        module: module.to_string(),
                        level: 0,
                        line: line(node),
                    });
                }
                descend = false;
            }
            IDENTIFIER | TYPE_IDENTIFIER | FIELD_IDENTIFIER if is_test => {
                referenced.insert(text(src, node));
            }
            _ => {}
        }
        if descend && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                let mut referenced: Vec<String> =
                    referenced.into_iter().map(str::to_string).collect();
                referenced.sort_unstable();
                facts.referenced = referenced;
                return;
            }
            depth -= 1;
        }
    }
}

/// What a direct child of the file declares: identifiers a test may name
/// (non-test files), and exported ones as public items.
fn top_level(src: &str, node: Node, facts: &mut FileFacts) {
    let mut names: Vec<(Node, bool)> = Vec::new();
    match node.kind() {
        FUNCTION_DECLARATION => {
            if let Some(n) = node.child_by_field_name("name") {
                names.push((n, true));
            }
        }
        METHOD_DECLARATION => {
            if let Some(n) = node.child_by_field_name("name") {
                let receiver = node
                    .child_by_field_name("receiver")
                    .and_then(|r| receiver_type(src, r));
                names.push((n, receiver.is_some_and(exported)));
            }
        }
        TYPE_DECLARATION | VAR_DECLARATION | CONST_DECLARATION => {
            // type_spec, type_alias, var_spec, const_spec; var ( … ) nests
            // its specs one level deeper.
            let mut specs: Vec<Node> = Vec::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if child.kind() == "var_spec_list" {
                    let mut inner = child.walk();
                    specs.extend(child.named_children(&mut inner));
                } else {
                    specs.push(child);
                }
            }
            for spec in specs {
                let mut cursor = spec.walk();
                for n in spec.children_by_field_name("name", &mut cursor) {
                    if n.kind() == IDENTIFIER || n.kind() == TYPE_IDENTIFIER {
                        names.push((n, true));
                    }
                }
            }
        }
        _ => return,
    }
    for (n, public_owner) in names {
        let name = text(src, n);
        if name == "_" || name.is_empty() {
            continue;
        }
        if !facts.role.is_test() {
            facts.declared.push(name.to_string());
        }
        if public_owner && exported(name) {
            facts.public_items.push(PublicItem {
                name: name.to_string(),
                line: line(n),
            });
        }
    }
}

/// The type a method's receiver names (`(s *Server[T])` → `Server`).
fn receiver_type<'s>(src: &'s str, receiver: Node) -> Option<&'s str> {
    let param = receiver.named_child(0)?;
    let mut ty = param.child_by_field_name("type")?;
    loop {
        match ty.kind() {
            POINTER_TYPE => ty = ty.named_child(0)?,
            GENERIC_TYPE => ty = ty.child_by_field_name("type")?,
            TYPE_IDENTIFIER => return Some(text(src, ty)),
            _ => return None,
        }
    }
}

/// Go exports a name that starts with an upper-case letter.
fn exported(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

/// Typed unless a parameter or a result is written `any` or `interface{}`.
fn typing(src: &str, function: Node) -> Typing {
    let mut params = Vec::new();
    if let Some(list) = function.child_by_field_name("parameters") {
        params = any_params(src, list);
    }
    let ret = function
        .child_by_field_name("result")
        .is_some_and(|r| match r.kind() {
            PARAMETER_LIST => !any_params(src, r).is_empty(),
            _ => is_any(src, r),
        });
    if params.is_empty() && !ret {
        Typing::Static
    } else {
        Typing::ExplicitAny { params, ret }
    }
}

/// The names of a parameter list's parameters written `any` or
/// `interface{}` (`_` for an unnamed one).
fn any_params(src: &str, list: Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = list.walk();
    for param in list.named_children(&mut cursor) {
        if !matches!(
            param.kind(),
            PARAMETER_DECLARATION | VARIADIC_PARAMETER_DECLARATION
        ) {
            continue;
        }
        if !param
            .child_by_field_name("type")
            .is_some_and(|t| is_any(src, t))
        {
            continue;
        }
        let mut names = param.walk();
        let before = out.len();
        out.extend(
            param
                .children_by_field_name("name", &mut names)
                .map(|n| text(src, n).to_string()),
        );
        if out.len() == before {
            out.push("_".to_string());
        }
    }
    out
}

/// `any`, or an empty `interface{}` (comments inside it aside).
fn is_any(src: &str, ty: Node) -> bool {
    match ty.kind() {
        TYPE_IDENTIFIER => text(src, ty) == "any",
        INTERFACE_TYPE => {
            let mut cursor = ty.walk();
            ty.named_children(&mut cursor).all(|c| c.kind() == COMMENT)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::LineCounts;
    use crate::lang::lines;

    fn facts_of(path: &str, src: &str, is_test: bool) -> (FileFacts, Scratch) {
        crate::lang::analyzed("go", path, src, is_test)
    }

    fn facts(src: &str) -> FileFacts {
        facts_of("x.go", src, false).0
    }

    #[test]
    fn functions_are_declarations_methods_and_literals() {
        let src = "\
package p

func Free() {
\tf := func(x int) int { return x }
\t_ = f
}

type S struct{}

func (s *S) Method() {}

//go:noescape
func asm(x int)

var handler = func() {}
";
        let got: Vec<(String, u32)> = facts(src)
            .functions
            .into_iter()
            .map(|f| (f.name, f.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Free".to_string(), 3),
                ("<anonymous>".to_string(), 4),
                ("Method".to_string(), 10),
                ("<anonymous>".to_string(), 15),
            ]
        );
    }

    #[test]
    fn any_and_empty_interface_make_a_function_untyped() {
        let src = "\
package p

func a(x any) {}
func b(x, y interface{}) {}
func c() any { return nil }
func d() (n int, err interface{ /* none */ }) { return }
func e(args ...any) {}
func f(any) {}
func g(xs []any, m map[string]any) {}
func h[T any](x T) T { return x }
func i(x interface{ M() }) {}
func j(x int) (int, error) { return x, nil }
";
        let got: Vec<(String, Typing)> = facts(src)
            .functions
            .into_iter()
            .map(|f| (f.name, f.typing))
            .collect();
        let any = |params: &[&str], ret: bool| Typing::ExplicitAny {
            params: params.iter().map(|p| p.to_string()).collect(),
            ret,
        };
        assert_eq!(
            got,
            [
                ("a".to_string(), any(&["x"], false)),
                ("b".to_string(), any(&["x", "y"], false)),
                ("c".to_string(), any(&[], true)),
                ("d".to_string(), any(&[], true)),
                ("e".to_string(), any(&["args"], false)),
                ("f".to_string(), any(&["_"], false)),
                ("g".to_string(), Typing::Static),
                ("h".to_string(), Typing::Static),
                ("i".to_string(), Typing::Static),
                ("j".to_string(), Typing::Static),
            ]
        );
    }

    #[test]
    fn imports_are_paths() {
        let src = "\
package p

import \"fmt\"
import (
\tresty \"github.com/go-resty/resty/v2\"
\t_ \"net/http/pprof\"
\t. `strings`
)
";
        let got: Vec<(String, u32)> = facts(src)
            .imports
            .into_iter()
            .map(|i| (i.module, i.line))
            .collect();
        assert_eq!(
            got,
            [
                ("fmt".to_string(), 3),
                ("github.com/go-resty/resty/v2".to_string(), 5),
                ("net/http/pprof".to_string(), 6),
                ("strings".to_string(), 7),
            ]
        );
    }

    #[test]
    fn public_items_are_exported_top_level_names() {
        let src = "\
package p

func Exported() {}
func hidden() {}
type Server struct{ Addr string }
type client struct{}
type Alias = Server
func (s *Server) Start() {}
func (s Server) stop() {}
func (c *client) Do() {}
func (b *Box[T]) Get() T { var t T; return t }
type Box[T any] struct{ v T }
var (
\tMax, min = 1, 2
\t_ = 3
)
const Version = \"1\"
func init() { var Inner = 1; _ = Inner }
";
        let (f, _) = facts_of("x.go", src, false);
        let public: Vec<(String, u32)> = f
            .public_items
            .into_iter()
            .map(|p| (p.name, p.line))
            .collect();
        assert_eq!(
            public,
            [
                ("Exported".to_string(), 3),
                ("Server".to_string(), 5),
                ("Alias".to_string(), 7),
                ("Start".to_string(), 8),
                ("Get".to_string(), 11),
                ("Box".to_string(), 12),
                ("Max".to_string(), 14),
                ("Version".to_string(), 17),
            ]
        );
        assert_eq!(
            f.declared,
            [
                "Exported", "hidden", "Server", "client", "Alias", "Start", "stop", "Do", "Get",
                "Box", "Max", "min", "Version", "init"
            ]
        );
        assert!(f.referenced.is_empty(), "only test files keep references");
        let (t, _) = facts_of("x_test.go", src, true);
        assert!(t.declared.is_empty(), "test files declare nothing to test");
        assert!(t.referenced.contains(&"Inner".to_string()));
        assert!(t.referenced.contains(&"Addr".to_string()));
    }

    fn files(specs: &[(&str, bool, &str)]) -> Vec<FileFacts> {
        specs
            .iter()
            .map(|(path, is_test, src)| facts_of(path, src, *is_test).0)
            .collect()
    }

    #[test]
    fn tests_exercise_their_folder_by_name_and_reference() {
        let files = files(&[
            ("a/x.go", false, "package a\nfunc X() {}\n"),
            ("a/y.go", false, "package a\nfunc helper() {}\n"),
            (
                "a/z.go",
                false,
                "package a\ntype Z struct{}\nfunc (Z) Run() {}\n",
            ),
            ("a/w.go", false, "package a\nfunc W() {}\n"),
            ("b/y.go", false, "package b\nfunc helper() {}\n"),
            ("b/x.go", false, "package b\nfunc Other() {}\n"),
            (
                "a/x_test.go",
                true,
                "package a\nfunc TestX(t *T) { helper(); var z Q; z.Run() }\n",
            ),
        ]);
        let lookup = Lookup::new(&files, &[], &[]);
        let test = &files[6];
        let mut got = exercised(test, &lookup);
        got.sort_unstable();
        got.dedup();
        assert_eq!(got, ["a/x.go", "a/y.go", "a/z.go"]);
    }

    #[test]
    fn http_family_matches_sub_packages() {
        let m = SPEC.libraries.matches;
        assert!(m("net/http", "net/http"));
        assert!(m("net/http/httptest", "net/http"));
        assert!(!m("net/httpx", "net/http"));
        assert!(m(
            "github.com/go-resty/resty/v2",
            "github.com/go-resty/resty"
        ));
    }

    #[test]
    fn comments_are_marked_and_counted() {
        let src = "\
// Package p does things.
package p

/*
Block.
*/
func f() int {
\treturn 1 // trailing
}
";
        let (_, mut scratch) = facts_of("x.go", src, false);
        assert_eq!(
            lines::count(src.as_bytes(), &mut scratch.comments),
            LineCounts {
                code: 4,
                comment: 4,
                blank: 1,
            }
        );
    }
}
