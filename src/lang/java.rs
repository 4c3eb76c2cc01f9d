//! java: turns a Java syntax tree into facts, in one walk of the tree.
//!
//! Functions are methods with a body (those of anonymous classes and enum
//! constants included), constructors and lambdas; a function is typed unless
//! a parameter or its return is written exactly `Object` (or
//! `java.lang.Object`; `Object...` counts, `Object[]` and `List<Object>` do
//! not). Imports are the imported names; public items are the file's public
//! top-level types and their public members (interface and annotation members
//! are public unless `private`, enum constants and record components always).
//! A test exercises the classes it imports, and those of its package (or of a
//! package it imports with `.*`) whose name it writes.

use std::collections::HashSet;

use tree_sitter::{Node, Tree};

use super::{Docs, Grammar, LanguageSpec, Libraries, Lookup, Scratch, TestRules, line, text};
use crate::facts::{FileFacts, Function, Import, PublicItem, Typing};

pub const SPEC: LanguageSpec = LanguageSpec {
    name: "java",
    title: "Java",
    extensions: &["java"],
    family: "java",
    grammars: &[Grammar {
        key: "java",
        suffixes: &[],
        load: || tree_sitter_java::LANGUAGE.into(),
    }],
    analyze,
    strings: &["string_literal"],
    tests: TestRules {
        patterns: &["*Test.java", "*Tests.java", "*IT.java", "Test*.java"],
        dirs: &["src/test"],
        subject,
        module_names: None,
        exercised,
        resolve: |_, _, _| None,
        submodule: |_, _, _| None,
    },
    libraries: Libraries {
        families: &[(
            "http",
            &[
                "java.net.http",
                "java.net.HttpURLConnection",
                "okhttp3",
                "org.apache.http",
                "org.apache.hc.client5",
                "org.springframework.web.client.RestTemplate",
                "org.springframework.web.reactive.function.client.WebClient",
                "retrofit2",
                "feign",
            ],
        )],
        name: |name| Some(name.to_string()),
        // A package or class matches itself and what is inside it.
        matches: |name, entry| {
            name == entry
                || name
                    .strip_prefix(entry)
                    .is_some_and(|rest| rest.starts_with('.'))
        },
    },
    manifests: &[],
    docs: Docs {
        test_names: Some("FooTest.java, FooTests.java, FooIT.java or TestFoo.java for Foo.java"),
        test_imports: Some("Java imports of the class"),
        test_other: Some(
            "in Java, a test in the class's package (or importing it with .*) writes the class's \
             name",
        ),
        libraries: "Java imports match a package or class and what is inside it (okhttp3 \
                    matches okhttp3.OkHttpClient; a .* import is its package)",
        public_items: "Java public top-level types and their public members (fields, methods, \
                       constructors, nested types; interface and annotation members unless \
                       private; enum constants; record components)",
        typed: "Java functions (methods, constructors, lambdas and methods of anonymous classes) \
                are typed unless a parameter or the return is written exactly `Object` or \
                `java.lang.Object` (`Object...` counts; `Object[]`, `List<Object>` and `var` \
                locals do not).",
    },
};

/// `FooTest.java`, `FooTests.java`, `FooIT.java` and `TestFoo.java` test `Foo`.
fn subject(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".java")?;
    stem.strip_suffix("Tests")
        .or_else(|| stem.strip_suffix("Test"))
        .or_else(|| stem.strip_suffix("IT"))
        .or_else(|| stem.strip_prefix("Test"))
        .filter(|s| !s.is_empty())
}

/// The files declaring the classes a test's imports and names may mean.
fn exercised<'a>(test: &'a FileFacts, lookup: &Lookup<'a>) -> Vec<&'a str> {
    test.referenced
        .iter()
        .flat_map(|name| lookup.declaring(test.language, name).iter().copied())
        .filter(|p| *p != test.path)
        .collect()
}

// Node kinds of tree-sitter-java 0.23 (see its `src/node-types.json`).
const LINE_COMMENT: &str = "line_comment";
const BLOCK_COMMENT: &str = "block_comment";
const METHOD_DECLARATION: &str = "method_declaration";
const CONSTRUCTOR_DECLARATION: &str = "constructor_declaration";
const COMPACT_CONSTRUCTOR_DECLARATION: &str = "compact_constructor_declaration";
const LAMBDA_EXPRESSION: &str = "lambda_expression";
const IMPORT_DECLARATION: &str = "import_declaration";
const PACKAGE_DECLARATION: &str = "package_declaration";
const FORMAL_PARAMETER: &str = "formal_parameter";
const SPREAD_PARAMETER: &str = "spread_parameter";
const VARIABLE_DECLARATOR: &str = "variable_declarator";
const TYPE_IDENTIFIER: &str = "type_identifier";
const SCOPED_TYPE_IDENTIFIER: &str = "scoped_type_identifier";
const IDENTIFIER: &str = "identifier";
const MODIFIERS: &str = "modifiers";
const ENUM_CONSTANT: &str = "enum_constant";
const ENUM_BODY_DECLARATIONS: &str = "enum_body_declarations";
const FIELD_DECLARATION: &str = "field_declaration";
const CONSTANT_DECLARATION: &str = "constant_declaration";

/// Declarations of types.
const TYPES: &[&str] = &[
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "annotation_type_declaration",
];

/// Members named by their `name` field.
const NAMED_MEMBERS: &[&str] = &[
    METHOD_DECLARATION,
    CONSTRUCTOR_DECLARATION,
    COMPACT_CONSTRUCTOR_DECLARATION,
    "annotation_type_element_declaration",
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "annotation_type_declaration",
];

/// The name given to lambdas.
const LAMBDA: &str = "<lambda>";

/// What a file's imports say, for a test's references.
#[derive(Default)]
struct Imports<'s> {
    /// Imported names (`a.b.C`; `a.b.C.m` of a static import).
    single: Vec<&'s str>,
    /// Packages and classes imported with `.*`.
    wildcard: Vec<&'s str>,
}

pub fn analyze(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch) {
    let is_test = facts.role.is_test();
    let mut package: Option<&str> = None;
    let mut imports = Imports::default();
    let mut names: HashSet<&str> = HashSet::new();
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        let kind = node.kind();
        if depth == 1 && TYPES.contains(&kind) {
            top_level_type(src, node, package, facts);
        }
        let mut descend = true;
        match kind {
            LINE_COMMENT | BLOCK_COMMENT => {
                scratch.comments.push(node.byte_range());
                descend = false;
            }
            METHOD_DECLARATION
            | CONSTRUCTOR_DECLARATION
            | COMPACT_CONSTRUCTOR_DECLARATION
            | LAMBDA_EXPRESSION
                if node.child_by_field_name("body").is_some() =>
            {
                let name = if kind == LAMBDA_EXPRESSION {
                    LAMBDA
                } else {
                    node.child_by_field_name("name")
                        .map_or(LAMBDA, |n| text(src, n))
                };
                facts.functions.push(Function {
                    name: name.to_string(),
                    line: line(node),
                    typed_unit: true,
                    typing: typing(src, node),
                });
                scratch.function_ranges.push(node.byte_range());
            }
            PACKAGE_DECLARATION => {
                package = name_of(src, node);
                descend = false;
            }
            IMPORT_DECLARATION => {
                import(src, node, facts, &mut imports);
                descend = false;
            }
            TYPE_IDENTIFIER | IDENTIFIER if is_test => {
                let name = text(src, node);
                if name.chars().next().is_some_and(char::is_uppercase) {
                    names.insert(name);
                }
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
                if is_test {
                    facts.referenced = referenced(package, &imports, names);
                }
                return;
            }
            depth -= 1;
        }
    }
}

/// The classes a test may mean: each imported class (the class of a static
/// import, of a nested one or of a class's `.*` included), and each name it writes in its own
/// package and in each package it imports with `.*`.
fn referenced(package: Option<&str>, imports: &Imports, names: HashSet<&str>) -> Vec<String> {
    let mut out: HashSet<String> = HashSet::new();
    for name in imports.single.iter().chain(&imports.wildcard) {
        // `a.b.Outer.Inner` and `a.b.C.method`: every prefix that ends
        // with a capitalised segment may be a top-level class.
        let mut end = name.len();
        loop {
            let prefix = &name[..end];
            let last = prefix.rsplit('.').next().unwrap_or(prefix);
            if last.chars().next().is_some_and(char::is_uppercase) {
                out.insert(prefix.to_string());
            }
            match prefix.rfind('.') {
                Some(dot) => end = dot,
                None => break,
            }
        }
    }
    let scopes = package.into_iter().chain(imports.wildcard.iter().copied());
    let scopes: Vec<&str> = scopes.collect();
    for name in names {
        if package.is_none() {
            out.insert(name.to_string());
        }
        for scope in &scopes {
            out.insert(format!("{scope}.{name}"));
        }
    }
    let mut out: Vec<String> = out.into_iter().collect();
    out.sort_unstable();
    out
}

/// Records an import: as written (a `.*` import as its package), and for a
/// test's references.
fn import<'s>(src: &'s str, node: Node, facts: &mut FileFacts, imports: &mut Imports<'s>) {
    let Some(name) = name_of(src, node) else {
        return;
    };
    let mut cursor = node.walk();
    let wildcard = node.children(&mut cursor).any(|c| c.kind() == "asterisk");
    if wildcard {
        imports.wildcard.push(name);
    } else {
        imports.single.push(name);
    }
    facts.imports.push(Import {
        module: name.to_string(),
        level: 0,
        line: line(node),
    });
}

/// The dotted name of a package or import declaration.
fn name_of<'s>(src: &'s str, node: Node) -> Option<&'s str> {
    let mut cursor = node.walk();
    let name = node
        .named_children(&mut cursor)
        .find(|c| matches!(c.kind(), IDENTIFIER | "scoped_identifier"))?;
    Some(text(src, name))
}

/// A top-level type: declared for tests (package-qualified), and when public,
/// a public item with its public members.
fn top_level_type(src: &str, node: Node, package: Option<&str>, facts: &mut FileFacts) {
    let Some(name) = node.child_by_field_name("name") else {
        return;
    };
    let name_text = text(src, name);
    if !facts.role.is_test() {
        facts.declared.push(match package {
            Some(p) => format!("{p}.{name_text}"),
            None => name_text.to_string(),
        });
    }
    if !has_modifier(node, "public") {
        return;
    }
    public(facts, src, name);
    // Interface and annotation members are public unless private.
    let implicit = matches!(
        node.kind(),
        "interface_declaration" | "annotation_type_declaration"
    );
    if node.kind() == "record_declaration"
        && let Some(components) = node.child_by_field_name("parameters")
    {
        let mut cursor = components.walk();
        for c in components.named_children(&mut cursor) {
            if let Some(n) = c.child_by_field_name("name") {
                public(facts, src, n);
            }
        }
    }
    let Some(body) = node.child_by_field_name("body") else {
        return;
    };
    let mut members: Vec<Node> = Vec::new();
    let mut cursor = body.walk();
    for m in body.named_children(&mut cursor) {
        if m.kind() == ENUM_BODY_DECLARATIONS {
            let mut inner = m.walk();
            members.extend(m.named_children(&mut inner));
        } else {
            members.push(m);
        }
    }
    for m in members {
        let kind = m.kind();
        let is_public = if kind == ENUM_CONSTANT {
            true
        } else if implicit {
            !has_modifier(m, "private")
        } else {
            has_modifier(m, "public")
        };
        if !is_public {
            continue;
        }
        if kind == ENUM_CONSTANT || NAMED_MEMBERS.contains(&kind) {
            if let Some(n) = m.child_by_field_name("name") {
                public(facts, src, n);
            }
        } else if kind == FIELD_DECLARATION || kind == CONSTANT_DECLARATION {
            let mut cursor = m.walk();
            for d in m.children_by_field_name("declarator", &mut cursor) {
                if let Some(n) = d.child_by_field_name("name") {
                    public(facts, src, n);
                }
            }
        }
    }
}

fn public(facts: &mut FileFacts, src: &str, name: Node) {
    facts.public_items.push(PublicItem {
        name: text(src, name).to_string(),
        line: line(name),
    });
}

/// Whether a declaration's modifiers hold the keyword `word`.
fn has_modifier(node: Node, word: &str) -> bool {
    let mut cursor = node.walk();
    let Some(modifiers) = node.children(&mut cursor).find(|c| c.kind() == MODIFIERS) else {
        return false;
    };
    let mut inner = modifiers.walk();
    modifiers.children(&mut inner).any(|c| c.kind() == word)
}

/// Typed unless a parameter or the return is written `Object`.
fn typing(src: &str, function: Node) -> Typing {
    let mut params = Vec::new();
    if let Some(list) = function.child_by_field_name("parameters")
        && list.kind() == "formal_parameters"
    {
        let mut cursor = list.walk();
        for p in list.named_children(&mut cursor) {
            match p.kind() {
                FORMAL_PARAMETER => {
                    let raw = p.child_by_field_name("dimensions").is_none()
                        && p.child_by_field_name("type")
                            .is_some_and(|t| is_object(src, t));
                    if raw && let Some(n) = p.child_by_field_name("name") {
                        params.push(text(src, n).to_string());
                    }
                }
                SPREAD_PARAMETER => {
                    let mut inner = p.walk();
                    let children: Vec<Node> = p.named_children(&mut inner).collect();
                    if children.iter().any(|c| is_object(src, *c))
                        && let Some(d) = children.iter().find(|c| c.kind() == VARIABLE_DECLARATOR)
                        && let Some(n) = d.child_by_field_name("name")
                    {
                        params.push(text(src, n).to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let ret = function.kind() == METHOD_DECLARATION
        && function.child_by_field_name("dimensions").is_none()
        && function
            .child_by_field_name("type")
            .is_some_and(|t| is_object(src, t));
    if params.is_empty() && !ret {
        Typing::Static
    } else {
        Typing::ExplicitAny { params, ret }
    }
}

/// `Object` or `java.lang.Object`, written as the whole type.
fn is_object(src: &str, ty: Node) -> bool {
    match ty.kind() {
        TYPE_IDENTIFIER => text(src, ty) == "Object",
        SCOPED_TYPE_IDENTIFIER => {
            let t: String = text(src, ty).split_whitespace().collect();
            t == "java.lang.Object"
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
        crate::lang::analyzed("java", path, src, is_test)
    }

    fn facts(src: &str) -> FileFacts {
        facts_of("A.java", src, false).0
    }

    fn any(params: &[&str], ret: bool) -> Typing {
        Typing::ExplicitAny {
            params: params.iter().map(|p| p.to_string()).collect(),
            ret,
        }
    }

    #[test]
    fn functions_are_methods_constructors_lambdas_and_anonymous_methods() {
        let src = "\
class A {
    A() {}
    void run() {
        Runnable r = () -> {};
        Comparable<String> c = new Comparable<String>() {
            public int compareTo(String o) { return 0; }
        };
    }
    abstract void later();
    native void nat();
    record P(int x) { P {} }
    enum E { ONE { void f() {} } }
}
interface I { default void d() {} void abs(); }
";
        let got: Vec<(String, u32)> = facts(src)
            .functions
            .into_iter()
            .map(|f| (f.name, f.line))
            .collect();
        let want: Vec<(String, u32)> = [
            ("A", 2),
            ("run", 3),
            ("<lambda>", 4),
            ("compareTo", 6),
            ("P", 11),
            ("f", 12),
            ("d", 14),
        ]
        .iter()
        .map(|(n, l)| (n.to_string(), *l))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn raw_object_makes_a_function_untyped() {
        let src = "\
class A {
    void a(Object o) {}
    Object b() { return null; }
    void c(java.lang.Object o, int n) {}
    void d(Object... rest) {}
    void e(Object[] os, java.util.List<Object> l) {}
    <T> T f(T t) { var v = new Object(); return t; }
    Object[] g() { return null; }
    A(Object seed) {}
    void h() { java.util.function.Function<Object, Object> f = (Object x) -> x; }
}
";
        let got: Vec<(String, Typing)> = facts(src)
            .functions
            .into_iter()
            .map(|f| (f.name, f.typing))
            .collect();
        let want = [
            ("a", any(&["o"], false)),
            ("b", any(&[], true)),
            ("c", any(&["o"], false)),
            ("d", any(&["rest"], false)),
            ("e", Typing::Static),
            ("f", Typing::Static),
            ("g", Typing::Static),
            ("A", any(&["seed"], false)),
            ("h", Typing::Static),
            ("<lambda>", any(&["x"], false)),
        ];
        let want: Vec<(String, Typing)> =
            want.into_iter().map(|(n, t)| (n.to_string(), t)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn imports_as_written_wildcards_as_their_package() {
        let src = "\
package a.b;
import java.net.http.HttpClient;
import okhttp3.*;
import static org.junit.Assert.assertEquals;
class A {}
";
        let got: Vec<(String, u32)> = facts(src)
            .imports
            .into_iter()
            .map(|i| (i.module, i.line))
            .collect();
        assert_eq!(
            got,
            [
                ("java.net.http.HttpClient".to_string(), 2),
                ("okhttp3".to_string(), 3),
                ("org.junit.Assert.assertEquals".to_string(), 4),
            ]
        );
        let m = SPEC.libraries.matches;
        assert!(m("java.net.http.HttpClient", "java.net.http"));
        assert!(m("okhttp3", "okhttp3"));
        assert!(!m("okhttp3x.Client", "okhttp3"));
    }

    #[test]
    fn public_items_are_public_types_and_their_public_members() {
        let src = "\
package p;
public class Api {
    public static final int A = 1, B = 2;
    int hidden;
    public Api() {}
    public void call() {}
    protected void prot() {}
    public static class Inner { public void deep() {} }
    private class Gone {}
}
class Helper { public void h() {} }
";
        let (f, _) = facts_of("Api.java", src, false);
        let got: Vec<(String, u32)> = f
            .public_items
            .into_iter()
            .map(|p| (p.name, p.line))
            .collect();
        let want: Vec<(String, u32)> = [
            ("Api", 2),
            ("A", 3),
            ("B", 3),
            ("Api", 5),
            ("call", 6),
            ("Inner", 8),
        ]
        .iter()
        .map(|(n, l)| (n.to_string(), *l))
        .collect();
        assert_eq!(got, want);
        assert_eq!(f.declared, ["p.Api", "p.Helper"]);
        let src = "\
public interface Port { int SIZE = 1; void open(); private void secret() {} }
";
        let names: Vec<String> = facts(src)
            .public_items
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["Port", "SIZE", "open"]);
        let src = "public enum Color { RED, GREEN; public void paint() {} void no() {} }\n";
        let names: Vec<String> = facts(src)
            .public_items
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["Color", "RED", "GREEN", "paint"]);
        let src = "public record Pt(int x, int y) { public int sum() { return x + y; } }\n";
        let names: Vec<String> = facts(src)
            .public_items
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["Pt", "x", "y", "sum"]);
    }

    #[test]
    fn test_names_and_references() {
        assert_eq!(subject("src/test/java/p/FooTest.java"), Some("Foo"));
        assert_eq!(subject("FooTests.java"), Some("Foo"));
        assert_eq!(subject("FooIT.java"), Some("Foo"));
        assert_eq!(subject("TestFoo.java"), Some("Foo"));
        assert_eq!(subject("Test.java"), None);
        assert_eq!(subject("Foo.java"), None);
        let files: Vec<FileFacts> = [
            (
                "main/p/Foo.java",
                false,
                "package p;\npublic class Foo {}\n",
            ),
            ("main/p/Bar.java", false, "package p;\nclass Bar {}\n"),
            ("main/q/Baz.java", false, "package q;\nclass Baz {}\n"),
            (
                "main/q/Qux.java",
                false,
                "package q;\nclass Qux { class In {} }\n",
            ),
            ("main/r/Util.java", false, "package r;\nclass Util {}\n"),
            ("main/r/Unused.java", false, "package r;\nclass Unused {}\n"),
            ("main/s/Far.java", false, "package s;\nclass Far {}\n"),
            (
                "test/p/CheckTest.java",
                true,
                "package p;\nimport q.*;\nimport static r.Util.max;\nimport q.Qux.In;\n\
                 class CheckTest { void t() { new Foo(); Baz b; Far f; } }\n",
            ),
        ]
        .iter()
        .map(|(path, t, src)| facts_of(path, src, *t).0)
        .collect();
        let lookup = Lookup::new(&files, &[], &[]);
        let mut got = exercised(&files[7], &lookup);
        got.sort_unstable();
        assert_eq!(
            got,
            [
                "main/p/Foo.java",
                "main/q/Baz.java",
                "main/q/Qux.java",
                "main/r/Util.java"
            ]
        );
    }

    #[test]
    fn comments_and_javadoc_are_comment_lines() {
        let src = "\
/**
 * Javadoc.
 */
public class A {
    // line
    int x; /* trailing */

    /* block */ int y;
}
";
        let (_, mut scratch) = facts_of("A.java", src, false);
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
