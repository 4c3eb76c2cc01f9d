//! Package discovery: the packages a snapshot's `Cargo.toml` files declare,
//! so that Rust imports (`use my_tool::…`) can be told apart from third-party
//! ones, and the entry points its `package.json` files name, so that a
//! JavaScript test's `require('..')` reaches the package's main module. Read
//! from whatever source the snapshot's files come from, only inside the root.

use std::path::Path;

use crate::analyze::{self, Analysis};
use crate::discover;
use crate::facts::{JsPackage, RustCrate};

/// Rust packages from the snapshot's `Cargo.toml` files, when Rust files exist.
pub fn rust_crates(
    root: &Path,
    snapshot: &discover::Snapshot,
    analysis: &Analysis,
    source: &dyn analyze::Source,
) -> Vec<RustCrate> {
    manifests(root, snapshot, analysis, source, "Cargo.toml")
        .filter_map(|(dir, text)| crate_name(&text).map(|name| RustCrate { dir, name }))
        .collect()
}

/// JavaScript packages from the snapshot's `package.json` files, when files
/// of a language that reads them exist.
pub fn js_packages(
    root: &Path,
    snapshot: &discover::Snapshot,
    analysis: &Analysis,
    source: &dyn analyze::Source,
) -> Vec<JsPackage> {
    manifests(root, snapshot, analysis, source, "package.json")
        .filter_map(|(dir, text)| js_package(dir, &text))
        .collect()
}

/// The manifests named `name` (their folder and text), when some analyzed
/// file's language reads them.
fn manifests<'s>(
    root: &'s Path,
    snapshot: &'s discover::Snapshot,
    analysis: &Analysis,
    source: &'s dyn analyze::Source,
    name: &'static str,
) -> impl Iterator<Item = (String, String)> + 's {
    let wanted = analysis
        .files
        .iter()
        .any(|f| f.language.spec().manifests.contains(&name));
    let blobs: std::collections::HashMap<&str, git2::Oid> = snapshot
        .manifests
        .iter()
        .map(|(p, id)| (p.as_str(), *id))
        .collect();
    snapshot
        .all_paths
        .iter()
        .filter(move |p| {
            wanted
                && p.strip_suffix(name)
                    .is_some_and(|d| d.is_empty() || d.ends_with('/'))
        })
        .filter_map(move |p| {
            let file = discover::SourceFile {
                path: p.clone(),
                abs: root.join(p),
                blob: blobs.get(p.as_str()).copied(),
                language: crate::lang::Language::default(),
                decided: Default::default(),
                size: 0,
            };
            let bytes = source.read(&file).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let dir = p.strip_suffix(name)?.trim_end_matches('/').to_string();
            Some((dir, text))
        })
}

/// Entry points deeper than this in `exports` are not read.
const EXPORTS_DEPTH: usize = 8;

/// A `package.json`: its name and the entry points of `.` (`exports`, as
/// a string, an array or conditions at any depth, else `main`).
pub fn js_package(dir: String, manifest: &str) -> Option<JsPackage> {
    let value: serde_json::Value = serde_json::from_str(manifest).ok()?;
    let name = value.get("name").and_then(|n| n.as_str()).map(String::from);
    let mut entries = Vec::new();
    if let Some(exports) = value.get("exports") {
        // `{".": …, "./sub": …}` maps subpaths; otherwise the value is `.`'s.
        let main = match exports.as_object() {
            Some(map) if map.keys().any(|k| k.starts_with('.')) => map.get("."),
            _ => Some(exports),
        };
        let mut todo: Vec<(&serde_json::Value, usize)> = main.map(|m| (m, 0)).into_iter().collect();
        while let Some((v, depth)) = todo.pop() {
            match v {
                serde_json::Value::String(s) => entries.push(s.clone()),
                serde_json::Value::Array(items) if depth < EXPORTS_DEPTH => {
                    todo.extend(items.iter().rev().map(|i| (i, depth + 1)))
                }
                serde_json::Value::Object(map) if depth < EXPORTS_DEPTH => {
                    todo.extend(map.values().rev().map(|i| (i, depth + 1)))
                }
                _ => {}
            }
        }
    }
    if entries.is_empty()
        && let Some(main) = value.get("main").and_then(|m| m.as_str())
    {
        entries.push(main.to_string());
    }
    Some(JsPackage { dir, name, entries })
}

/// The library name of a manifest: `[lib] name`, else `[package] name`.
pub fn crate_name(manifest: &str) -> Option<String> {
    let value: toml::Table = toml::from_str(manifest).ok()?;
    let lib = value
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str());
    let package = value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str());
    lib.or(package).map(|n| n.replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_manifests() {
        assert_eq!(
            crate_name("[package]\nname = \"my-tool\"\n").as_deref(),
            Some("my_tool")
        );
        assert_eq!(
            crate_name("[package]\nname = \"x\"\n[lib]\nname = \"x_core\"\n").as_deref(),
            Some("x_core")
        );
        assert_eq!(crate_name("[workspace]\nmembers = []\n"), None);
        assert_eq!(crate_name("not toml ["), None);
    }

    #[test]
    fn js_package_entry_points() {
        // Sorted: the order of conditions is not what is tested.
        let entries = |json: &str| {
            js_package(String::new(), json).map(|p| {
                let mut e = p.entries;
                e.sort();
                e
            })
        };
        assert_eq!(
            entries(r#"{"name": "x", "main": "lib/x.js"}"#),
            Some(vec!["lib/x.js".to_string()])
        );
        assert_eq!(
            entries(r#"{"main": "m.js", "exports": "./e.js"}"#),
            Some(vec!["./e.js".to_string()])
        );
        assert_eq!(
            entries(
                r#"{"exports": {".": {"import": "./esm/i.mjs", "require": ["./cjs/i.js"]},
                    "./sub": "./sub.js"}}"#
            ),
            Some(vec!["./cjs/i.js".to_string(), "./esm/i.mjs".to_string()])
        );
        assert_eq!(
            entries(r#"{"exports": {"node": "./n.js", "default": "./d.js"}}"#),
            Some(vec!["./d.js".to_string(), "./n.js".to_string()])
        );
        assert_eq!(entries(r#"{"name": "bare"}"#), Some(vec![]));
        assert_eq!(entries("not json"), None);
        // Nested past serde_json's limit: refused, not a stack overflow.
        let deep = format!(
            "{{\"exports\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(entries(&deep), None);
        let p = js_package("pkg".into(), r#"{"name": "@s/p"}"#).unwrap();
        assert_eq!((p.dir.as_str(), p.name.as_deref()), ("pkg", Some("@s/p")));
    }
}
