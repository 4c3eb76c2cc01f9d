//! The modules every stage reads stay leaves, and no module of the scan,
//! the history or the report model imports one that imports it back. Read
//! from the `crate::` and `super::` paths of the source (test modules left
//! out), so a new import loop fails here rather than in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name → the modules it names. Top-level modules by their name
/// (`history`), the scan's by `scan::NAME`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).expect("under src");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let Some(stem) = rel.strip_suffix(".rs") else {
                continue;
            };
            if stem == "lib" || stem == "main" {
                continue;
            }
            let mut parts: Vec<&str> = stem.split('/').collect();
            if parts.last() == Some(&"mod") {
                parts.pop();
            }
            let name = match parts.as_slice() {
                ["scan", sub, ..] => format!("scan::{sub}"),
                [top, ..] => top.to_string(),
                [] => continue,
            };
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            let code = code
                .split("#[cfg(test)]\npub(crate) mod tests")
                .next()
                .unwrap_or("");
            let refs = graph.entry(name.clone()).or_default();
            for (prefix, scan_sub) in [("crate::", false), ("super::", true)] {
                if scan_sub && !name.starts_with("scan::") {
                    continue;
                }
                for (at, _) in code.match_indices(prefix) {
                    let rest = &code[at + prefix.len()..];
                    let word: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    let target = if scan_sub {
                        if word.is_empty() {
                            "scan".to_string()
                        } else {
                            format!("scan::{word}")
                        }
                    } else if word == "scan" {
                        let sub: String = rest["scan::".len().min(rest.len())..]
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                            .collect();
                        if rest.starts_with("scan::") && !sub.is_empty() {
                            format!("scan::{sub}")
                        } else {
                            "scan".to_string()
                        }
                    } else if word.is_empty() {
                        continue;
                    } else {
                        word
                    };
                    if target != name {
                        refs.insert(target);
                    }
                }
            }
        }
    }
    graph
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        if m == to {
            return true;
        }
        if seen.insert(m.clone()) {
            todo.extend(graph.get(&m).into_iter().flatten().cloned());
        }
    }
    false
}

#[test]
fn the_model_and_the_words_are_leaves() {
    let g = graph();
    assert_eq!(g["text"], BTreeSet::new(), "text imports nothing");
    assert_eq!(
        g["model"],
        BTreeSet::from(["text".to_string()]),
        "model imports only text"
    );
    assert_eq!(g["odb"], BTreeSet::new(), "odb imports nothing");
}

#[test]
fn history_writes_no_report_and_reads_no_metric() {
    let g = graph();
    for other in ["report", "metrics", "config", "scan"] {
        assert!(!g["history"].contains(other), "history imports {other}");
    }
}

#[test]
fn no_import_comes_back() {
    let g = graph();
    let checked = g
        .keys()
        .filter(|m| {
            m.starts_with("scan")
                || [
                    "history", "model", "text", "odb", "owners", "crates", "trend", "hook",
                ]
                .contains(&m.as_str())
        })
        .cloned();
    for m in checked {
        for n in &g[&m] {
            // A child module reading its parent's re-exports is how Rust
            // nests; the scan's own files must not loop among themselves.
            if m.starts_with("scan::") && n == "scan" {
                continue;
            }
            assert!(
                !reaches(&g, n, &m),
                "{m} imports {n}, which imports {m} back"
            );
        }
    }
}
