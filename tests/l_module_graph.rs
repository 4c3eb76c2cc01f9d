//! The snapshot, facts, languages, analysis and discovery import one way:
//! snapshot ← facts ← lang ← analyze, and discovery reads snapshot and lang.
//! Read from the `crate::` paths of each module's non-test code.

use std::collections::BTreeSet;
use std::path::Path;

/// The top-level modules a module's code (its file or folder) names.
fn imports(module: &str) -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join(format!("{module}.rs"))];
    let mut dirs = vec![src.join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut out = BTreeSet::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        for line in code.lines() {
            let line = line.split("//").next().unwrap_or("");
            for (at, _) in line.match_indices("crate::") {
                let before = line[..at].chars().last();
                let quoted = line[..at].matches('"').count() % 2 == 1;
                if quoted || before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let name: String = line[at + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if name != module {
                    out.insert(name);
                }
            }
        }
    }
    out
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn snapshot_facts_lang_analyze_import_one_way() {
    assert_eq!(imports("snapshot"), set(&[]));
    assert_eq!(imports("facts"), set(&["snapshot"]));
    assert_eq!(imports("lang"), set(&["facts", "snapshot"]));
    assert_eq!(imports("analyze"), set(&["facts", "lang", "snapshot"]));
    let discover = imports("discover");
    for back in ["analyze", "facts", "scan", "metrics", "config"] {
        assert!(!discover.contains(back), "discover imports {back}");
    }
}
