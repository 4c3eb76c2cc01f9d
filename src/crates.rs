//! Rust crate discovery: the packages a snapshot's `Cargo.toml` files
//! declare, so that Rust imports (`use my_tool::…`) can be told apart from
//! third-party ones. Read from whatever source the snapshot's files come from.

use std::path::Path;

use crate::analyze::{self, Analysis};
use crate::discover;
use crate::facts::RustCrate;

/// Rust packages from the snapshot's `Cargo.toml` files, when Rust files exist.
pub fn rust_crates(
    root: &Path,
    snapshot: &discover::Snapshot,
    analysis: &Analysis,
    source: &dyn analyze::Source,
) -> Vec<RustCrate> {
    if !analysis
        .files
        .iter()
        .any(|f| f.language.spec().manifests.contains(&"Cargo.toml"))
    {
        return Vec::new();
    }
    let blobs: std::collections::HashMap<&str, git2::Oid> = snapshot
        .manifests
        .iter()
        .map(|(p, id)| (p.as_str(), *id))
        .collect();
    snapshot
        .all_paths
        .iter()
        .filter(|p| *p == "Cargo.toml" || p.ends_with("/Cargo.toml"))
        .filter_map(|p| {
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
            let dir = p
                .strip_suffix("Cargo.toml")?
                .trim_end_matches('/')
                .to_string();
            crate_name(&text).map(|name| RustCrate { dir, name })
        })
        .collect()
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
}
