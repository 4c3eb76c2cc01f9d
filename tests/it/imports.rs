//! The house's one-way rule, read from the source: no module imports a
//! module that imports it back (CONTRIBUTING.md), and the model stays a set
//! of leaves. Every `.rs` file under `src/` is a module (`scan/measure.rs` is
//! `scan::measure`); its `crate::` and `super::` paths outside test modules
//! and comments are its imports, each resolved to the longest module it
//! names. A parent naming its own submodules is how Rust nests (a registry
//! lists its kinds), so those edges are left out; every other cycle fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every module under `src/` and its source without test modules and comments.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).expect("under src");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let Some(stem) = rel.strip_suffix(".rs") else {
                continue;
            };
            let mut parts: Vec<&str> = stem.split('/').collect();
            if parts.last() == Some(&"mod") {
                parts.pop();
            }
            if matches!(parts.as_slice(), ["lib"] | ["main"]) {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            out.insert(parts.join("::"), code);
        }
    }
    out
}

/// The path segments that follow `at` in `code`: `a::b::C` → [a, b, C];
/// a brace group `{a::B, c}` gives one path per entry.
fn paths_after(code: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut segs = Vec::new();
    let mut rest = code;
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            let mut out = Vec::new();
            let mut level = 0;
            let mut start = 0;
            let inner = &group[..end];
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => level += 1,
                    '}' => level -= 1,
                    ',' if level == 0 => {
                        for tail in paths_after(inner[start..i].trim()) {
                            out.push([segs.clone(), tail].concat());
                        }
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            for tail in paths_after(inner[start..].trim()) {
                out.push([segs.clone(), tail].concat());
            }
            return out;
        }
        let word = ident(rest);
        if word.is_empty() {
            break;
        }
        rest = &rest[word.len()..];
        segs.push(word);
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    vec![segs]
}

fn graph() -> Graph {
    let modules = modules();
    let resolve = |segs: &[String]| -> Option<String> {
        (1..=segs.len())
            .rev()
            .map(|n| segs[..n].join("::"))
            .find(|m| modules.contains_key(m))
    };
    let mut graph = Graph::new();
    for (name, code) in &modules {
        let parent: Vec<String> = name.split("::").map(String::from).collect();
        let parent = &parent[..parent.len() - 1];
        let mut refs = BTreeSet::new();
        for (prefix, base) in [("crate::", &[][..]), ("super::", parent)] {
            for (at, _) in code.match_indices(prefix) {
                // `my_crate::x` or `a::super::x` is not this kind of path.
                let before = code[..at].chars().last();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                for tail in paths_after(&code[at + prefix.len()..]) {
                    let full = [base.to_vec(), tail].concat();
                    match resolve(&full) {
                        Some(target) if target != *name => {
                            refs.insert(target);
                        }
                        _ => {
                            // A name of the parent's own (`super::Facts`).
                            if !base.is_empty() && full.len() > base.len() {
                                let p = base.join("::");
                                if modules.contains_key(&p) {
                                    refs.insert(p);
                                }
                            }
                        }
                    }
                }
            }
        }
        // A parent naming its own submodules is nesting, not a loop.
        refs.retain(|t| !t.starts_with(&format!("{name}::")));
        graph.insert(name.clone(), refs);
    }
    graph
}

/// A path of imports from `from` back to `to`, if there is one.
fn path(graph: &Graph, from: &str, to: &str) -> Option<Vec<String>> {
    let mut came: BTreeMap<String, String> = BTreeMap::new();
    let mut todo = vec![from.to_string()];
    let mut seen = BTreeSet::from([from.to_string()]);
    while let Some(m) = todo.pop() {
        if m == to {
            let mut out = vec![m.clone()];
            let mut at = m;
            while let Some(prev) = came.get(&at) {
                out.push(prev.clone());
                at = prev.clone();
            }
            out.reverse();
            return Some(out);
        }
        for n in graph.get(&m).into_iter().flatten() {
            if seen.insert(n.clone()) {
                came.insert(n.clone(), m.clone());
                todo.push(n.clone());
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let g = graph();
    assert!(g.len() > 40, "found only {} modules", g.len());
    let mut loops = Vec::new();
    for (m, refs) in &g {
        for n in refs {
            if let Some(back) = path(&g, n, m) {
                loops.push(format!("{m} -> {}", back.join(" -> ")));
            }
        }
    }
    assert!(loops.is_empty(), "import loops:\n{}", loops.join("\n"));
}

#[test]
fn the_model_is_made_of_leaves() {
    let g = graph();
    for leaf in ["text", "odb", "snapshot", "ingest::report_file"] {
        assert_eq!(g[leaf], BTreeSet::new(), "{leaf} imports nothing");
    }
    assert_eq!(
        g["model"],
        BTreeSet::from(["text".to_string()]),
        "model imports only text"
    );
}

#[test]
fn stages_import_down_only() {
    let g = graph();
    let forbidden: &[(&str, &[&str])] = &[
        ("history", &["report", "metrics", "config", "scan"]),
        ("metrics", &["config", "report", "scan", "ingest"]),
        (
            "lang",
            &["analyze", "discover", "metrics", "config", "scan"],
        ),
        ("analyze", &["discover", "metrics", "config", "scan"]),
        ("facts", &["lang", "analyze"]),
    ];
    for (stage, below) in forbidden {
        for (m, refs) in g
            .iter()
            .filter(|(m, _)| *m == stage || m.starts_with(&format!("{stage}::")))
        {
            for other in *below {
                assert!(
                    !refs
                        .iter()
                        .any(|r| r == other || r.starts_with(&format!("{other}::"))),
                    "{m} imports {other}"
                );
            }
        }
    }
}

#[test]
fn the_reader_sees_a_loop() {
    // The check itself: a made-up pair that imports each other is found.
    let mut g = Graph::new();
    g.insert("a".into(), BTreeSet::from(["b".to_string()]));
    g.insert("b".into(), BTreeSet::from(["a".to_string()]));
    assert_eq!(path(&g, "b", "a"), Some(vec!["b".into(), "a".into()]));
    assert_eq!(
        paths_after("{a::B, c::{d, e::F}};"),
        vec![
            vec!["a".to_string(), "B".into()],
            vec!["c".into(), "d".into()],
            vec!["c".into(), "e".into(), "F".into()],
        ]
    );
}
