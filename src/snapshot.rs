//! The snapshot every stage reads: the files of one state of the repository,
//! the ones left out and why, and where their contents come from.
//!
//! A leaf: it imports no other module of the crate, so discovery, analysis
//! and the languages can all read it without importing each other.

use std::path::PathBuf;

/// A language qscan analyzes: its position in the languages registry
/// (`lang::LANGUAGES`), which also orders languages in reports. Its name,
/// grammar and rules are read through `Language::spec`; the default is the
/// first in the registry.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Language(pub(crate) u8);

/// A source file to analyze.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the repository root, forward slashes.
    pub path: String,
    /// Where to read it from in the working tree.
    pub abs: PathBuf,
    /// The blob holding its content, when the snapshot comes from git.
    pub blob: Option<git2::Oid>,
    pub language: Language,
    /// Its role before its content is read (README, Precise definitions,
    /// "File roles"): a generated-file marker may still make it `generated`
    /// when `decided.rule` allows it ([`Rule::yields_to_marker`]).
    pub decided: Decided,
    pub size: u64,
}

impl SourceFile {
    pub fn role(&self) -> Role {
        self.decided.role
    }
}

/// What a file is in the repository: every path of a snapshot has exactly
/// one role, and each metric kind measures some roles by default.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The code the repository is about.
    #[default]
    Source,
    Test,
    /// Type stubs (`.pyi`, `.d.ts`).
    Stub,
    Generated,
    Vendored,
    Docs,
    Example,
    Bench,
}

impl Role {
    /// Every role, in the order reports list them.
    pub const ALL: [Role; 8] = [
        Role::Source,
        Role::Test,
        Role::Stub,
        Role::Generated,
        Role::Vendored,
        Role::Docs,
        Role::Example,
        Role::Bench,
    ];

    /// The role's name, as quality.toml and reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Test => "test",
            Role::Stub => "stub",
            Role::Generated => "generated",
            Role::Vendored => "vendored",
            Role::Docs => "docs",
            Role::Example => "example",
            Role::Bench => "bench",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    pub fn is_test(self) -> bool {
        self == Role::Test
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A file's role and the rule that decided it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decided {
    pub role: Role,
    pub rule: Rule,
    /// The `.gitattributes` line that says the file is not generated
    /// (`-linguist-generated`), which a marker in its content then does not
    /// overrule.
    pub not_generated: Option<Box<Rule>>,
}

/// Which rule decided a file's role, in the order they are tried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Rule {
    /// A line of a `.gitattributes` file: its path, 1-based line, and the
    /// attribute as written there (`linguist-generated`, `-linguist-vendored`).
    Attribute {
        file: String,
        line: u32,
        attribute: String,
    },
    /// A glob of `[scan.roles]` in quality.toml.
    Config { role: Role, glob: String },
    /// A generated-file marker on a 1-based line of the content.
    Marker { line: u32, text: String },
    /// A path convention (`docs/`, `.pyi`, a test pattern).
    Path(String),
    /// Nothing matched: `source`.
    #[default]
    Default,
}

impl std::fmt::Display for Rule {
    /// As `qscan files` shows it (unescaped: renderers escape).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Attribute {
                file,
                line,
                attribute,
            } => write!(f, "{file}:{line}: {attribute}"),
            Rule::Config { role, glob } => {
                write!(f, "quality.toml [scan.roles] {role} \"{glob}\"")
            }
            Rule::Marker { line, text } => write!(f, "marker line {line}: {text}"),
            Rule::Path(what) => write!(f, "path: {what}"),
            Rule::Default => f.write_str("default"),
        }
    }
}

impl Rule {
    /// Whether a generated-file marker in the content still decides: the
    /// attributes and `[scan.roles]` come before it, path conventions after.
    pub fn yields_to_marker(&self) -> bool {
        matches!(self, Rule::Path(_) | Rule::Default)
    }
}

/// The role of a file whose content was read: a generated-file marker
/// decides unless `.gitattributes` or `[scan.roles]` already did (or
/// `.gitattributes` said the file is not generated: then the rule is that
/// attribute, which does not yield).
pub fn with_marker(decided: &Decided, marker: Option<&(u32, String)>) -> Decided {
    match (marker, &decided.not_generated) {
        (Some(_), Some(denied)) if decided.rule.yields_to_marker() => Decided {
            role: decided.role,
            rule: (**denied).clone(),
            not_generated: None,
        },
        (Some((line, text)), None) if decided.rule.yields_to_marker() => Decided {
            role: Role::Generated,
            rule: Rule::Marker {
                line: *line,
                text: text.clone(),
            },
            not_generated: None,
        },
        _ => decided.clone(),
    }
}

/// The generated-file marker in the first lines of a file's content, if
/// any: its 1-based line and the words that matched (README, Precise
/// definitions, "File roles"). Only the first 5 lines, and at most the
/// first 1024 bytes, are looked at: a marker is a header.
pub fn generated_marker(content: &[u8]) -> Option<(u32, String)> {
    let head = &content[..content.len().min(1024)];
    for (i, line) in head.split(|&b| b == b'\n').take(5).enumerate() {
        let line = String::from_utf8_lossy(line);
        let lower = line.to_ascii_lowercase();
        let found = SHOUTED
            .iter()
            .find(|m| line.contains(*m))
            .or_else(|| MARKERS.iter().find(|m| lower.contains(*m)))
            .copied();
        if let Some(m) = found {
            return Some((i as u32 + 1, m.to_string()));
        }
    }
    None
}

/// Generated-file markers matched as written: the warning is shouted by
/// convention (Go's `Code generated … DO NOT EDIT.`), and the same words in
/// lower case are ordinary prose.
const SHOUTED: &[&str] = &["DO NOT EDIT", "DO NOT MODIFY"];

/// Generated-file markers matched without regard to case (lowercase here).
const MARKERS: &[&str] = &[
    "@generated",
    "automatically generated",
    "auto-generated",
    "autogenerated",
];

/// A file left out of the analysis, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// One snapshot of the repository: every path, and the source files among them.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Every file path that is not ignored or excluded, sorted.
    pub all_paths: Vec<String>,
    /// The role of each path of `all_paths` (same order), before contents
    /// are read: analysis may still find a generated-file marker.
    pub roles: Vec<Decided>,
    /// Source files in a language qscan analyzes, sorted by path.
    pub sources: Vec<SourceFile>,
    /// Entries that could not be taken in (links, unreadable folders).
    pub skipped: Vec<Skipped>,
    /// Blob ids of the manifests languages read (`Cargo.toml`), when the
    /// snapshot comes from git.
    pub manifests: Vec<(String, git2::Oid)>,
    /// Blob ids of the CODEOWNERS files GitHub reads, when the snapshot comes
    /// from git; recorded even when `exclude` leaves them out, since they
    /// are read for ownership, not measured.
    pub codeowners: Vec<(String, git2::Oid)>,
    /// Blob ids and sizes of the `.gitattributes` files, when the snapshot
    /// comes from git; recorded even when `exclude` leaves them out.
    pub attributes: Vec<(String, git2::Oid, u64)>,
    /// The role rules of this snapshot, for paths it does not hold (the
    /// history's deleted and renamed files).
    pub role_rules: RoleRules,
}

/// Decides the role of any path by the rules of one snapshot (its
/// `.gitattributes`, `[scan.roles]` and the path conventions).
#[derive(Clone)]
pub struct RoleRules(pub std::sync::Arc<dyn Fn(&str) -> Decided + Send + Sync>);

impl Default for RoleRules {
    fn default() -> RoleRules {
        RoleRules(std::sync::Arc::new(|_| Decided::default()))
    }
}

impl std::fmt::Debug for RoleRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RoleRules")
    }
}

impl Snapshot {
    /// The role of a path before contents are read: the snapshot's own
    /// when it holds the path, else by its rules.
    pub fn decided(&self, path: &str) -> Decided {
        match self.all_paths.binary_search_by(|p| p.as_str().cmp(path)) {
            Ok(i) if let Some(d) = self.roles.get(i) => d.clone(),
            _ => (self.role_rules.0)(path),
        }
    }
}

/// Where file contents come from: the working tree, or git blobs.
pub trait Source: Sync {
    fn read(&self, file: &SourceFile) -> std::io::Result<Vec<u8>>;
}

/// Reads files from the working tree.
pub struct WorkingTree;

impl Source for WorkingTree {
    fn read(&self, file: &SourceFile) -> std::io::Result<Vec<u8>> {
        std::fs::read(&file.abs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_in_the_first_lines() {
        let cases: &[(&str, Option<(u32, &str)>)] = &[
            (
                "// @generated by tool\nfn a() {}\n",
                Some((1, "@generated")),
            ),
            (
                "// Copyright\n\n// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n",
                Some((3, "DO NOT EDIT")),
            ),
            (
                "# This file is automatically generated.\n",
                Some((1, "automatically generated")),
            ),
            ("/* Auto-Generated */\n", Some((1, "auto-generated"))),
            ("# autogenerated from x.yaml\n", Some((1, "autogenerated"))),
            ("// DO NOT MODIFY\n", Some((1, "DO NOT MODIFY"))),
            // Lower case is prose, not the shouted warning.
            ("# do not edit the list below without care\n", None),
            // Only the first five lines.
            ("\n\n\n\n\n# @generated\n", None),
            ("a\nb\nc\nd\n# @generated\n", Some((5, "@generated"))),
            ("def f():\n    pass\n", None),
        ];
        for (text, want) in cases {
            let got = generated_marker(text.as_bytes());
            assert_eq!(got, want.map(|(l, m)| (l, m.to_string())), "{text:?}");
        }
        // Only the first kilobyte.
        let long = format!("#{}\n# @generated\n", "x".repeat(1100));
        assert_eq!(generated_marker(long.as_bytes()), None);
    }

    #[test]
    fn a_marker_yields_to_attributes_and_config_only() {
        let marker = (2, "@generated".to_string());
        let by = |rule: Rule| Decided {
            role: Role::Docs,
            rule,
            not_generated: None,
        };
        let path = with_marker(&by(Rule::Path("docs/".into())), Some(&marker));
        assert_eq!(
            (path.role, path.rule.to_string()),
            (Role::Generated, "marker line 2: @generated".to_string())
        );
        let config = by(Rule::Config {
            role: Role::Docs,
            glob: "docs/**".into(),
        });
        assert_eq!(with_marker(&config, Some(&marker)), config);
        assert_eq!(with_marker(&by(Rule::Default), None).role, Role::Docs);
        assert_eq!(
            config.rule.to_string(),
            "quality.toml [scan.roles] docs \"docs/**\""
        );
        assert_eq!(Role::from_name("bench"), Some(Role::Bench));
        assert_eq!(Role::from_name("benches"), None);
    }
}
