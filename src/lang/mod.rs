//! Languages: which files are which language, and one module per language that
//! turns a syntax tree into [`FileFacts`](crate::facts::FileFacts).
//!
//! All language knowledge lives here; metrics only ever see facts.

pub mod javascript;
pub mod python;
pub mod rust;

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Python,
    JavaScript,
    TypeScript,
    Rust,
}

/// One row per language: its name in configs and reports, and its extensions.
const TABLE: &[(Language, &str, &[&str])] = &[
    (Language::Python, "python", &["py", "pyi"]),
    (
        Language::JavaScript,
        "javascript",
        &["js", "mjs", "cjs", "jsx"],
    ),
    (
        Language::TypeScript,
        "typescript",
        &["ts", "tsx", "mts", "cts"],
    ),
    (Language::Rust, "rust", &["rs"]),
];

impl Language {
    pub const ALL: [Language; 4] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Rust,
    ];

    pub fn name(self) -> &'static str {
        TABLE
            .iter()
            .find(|(l, _, _)| *l == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("unknown")
    }

    pub fn from_name(name: &str) -> Option<Language> {
        TABLE
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(l, _, _)| *l)
    }

    /// The language of a path, by its extension.
    pub fn from_path(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.')?.1;
        if path.ends_with(".d.ts") {
            return Some(Language::TypeScript);
        }
        TABLE
            .iter()
            .find(|(_, _, exts)| exts.contains(&ext))
            .map(|(l, _, _)| *l)
    }

    /// JavaScript and TypeScript import each other freely; test association and
    /// relative-import resolution treat them as one family.
    pub fn family(self) -> Language {
        match self {
            Language::TypeScript => Language::JavaScript,
            other => other,
        }
    }

    pub fn extensions(self) -> &'static [&'static str] {
        TABLE
            .iter()
            .find(|(l, _, _)| *l == self)
            .map(|(_, _, e)| *e)
            .unwrap_or(&[])
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_extension() {
        assert_eq!(Language::from_path("a/b.py"), Some(Language::Python));
        assert_eq!(Language::from_path("stubs/x.pyi"), Some(Language::Python));
        assert_eq!(
            Language::from_path("web/app.mjs"),
            Some(Language::JavaScript)
        );
        assert_eq!(
            Language::from_path("web/App.tsx"),
            Some(Language::TypeScript)
        );
        assert_eq!(
            Language::from_path("types/index.d.ts"),
            Some(Language::TypeScript)
        );
        assert_eq!(Language::from_path("src/lib.rs"), Some(Language::Rust));
        assert_eq!(Language::from_path("README.md"), None);
        assert_eq!(Language::from_path("Makefile"), None);
    }

    #[test]
    fn names_round_trip_and_families() {
        for l in Language::ALL {
            assert_eq!(Language::from_name(l.name()), Some(l));
        }
        assert_eq!(Language::TypeScript.family(), Language::JavaScript);
        assert_eq!(Language::Python.family(), Language::Python);
    }
}
