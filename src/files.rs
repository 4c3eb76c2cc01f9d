//! `qscan files [PATH…]`: each file of a snapshot with its role, its
//! language and the rule that decided the role (README, "File roles"), as
//! `git check-attr` shows attributes, so a surprising role can be traced.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::lang::Language;
use crate::report::escape;
use crate::snapshot::{Decided, Role, Rule};

/// One listed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed {
    pub path: String,
    pub role: Role,
    /// None for a file of no language qscan analyzes.
    pub language: Option<String>,
    /// Which source of truth decided: `gitattributes`, `config`, `marker`,
    /// `path` or `default`.
    pub decided_by: &'static str,
    /// The rule, as the text listing shows it.
    pub rule: String,
}

impl Listed {
    pub fn new(path: String, language: Option<Language>, decided: &Decided) -> Listed {
        Listed {
            path,
            role: decided.role,
            language: language.map(|l| l.name().to_string()),
            decided_by: match decided.rule {
                Rule::Attribute { .. } => "gitattributes",
                Rule::Config { .. } => "config",
                Rule::Marker { .. } => "marker",
                Rule::Path(_) => "path",
                Rule::Default => "default",
            },
            rule: decided.rule.to_string(),
        }
    }
}

/// The paths of the snapshot that `wanted` names (each a file or a folder,
/// relative to the repository root; none: every path). A name that matches
/// no path is an error: a typo should not look like an empty folder.
pub fn select(all: Vec<Listed>, wanted: &[String]) -> Result<Vec<Listed>, Error> {
    if wanted.iter().any(String::is_empty) || wanted.is_empty() {
        return Ok(all);
    }
    let under = |path: &str, w: &str| {
        path == w
            || path
                .strip_prefix(w)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    if let Some(missing) = wanted
        .iter()
        .find(|w| !all.iter().any(|l| under(&l.path, w)))
    {
        return Err(Error::usage(
            format!("no file of the snapshot lies at {}", escape(missing)),
            Some(
                "give a file or folder inside the repository (ignored and excluded files are not listed)",
            ),
        ));
    }
    Ok(all
        .into_iter()
        .filter(|l| wanted.iter().any(|w| under(&l.path, w)))
        .collect())
}

/// A command-line PATH as a path relative to the repository root, with
/// forward slashes (`""` for the root itself); None when it lies outside.
/// Resolved lexically against `cwd`, since with `--rev` it need not exist.
pub fn relative(root: &Path, cwd: &Path, arg: &Path) -> Option<String> {
    let mut abs = PathBuf::new();
    for c in cwd.join(arg).components() {
        match c {
            Component::ParentDir => {
                abs.pop();
            }
            Component::CurDir => {}
            other => abs.push(other),
        }
    }
    let rel = abs.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// The listing as text: role, language (or `-`), path, rule; one file a line.
pub fn text(files: &[Listed]) -> String {
    let lang_width = files
        .iter()
        .map(|f| f.language.as_deref().unwrap_or("-").len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for f in files {
        let _ = writeln!(
            out,
            "{:9}  {:lang_width$}  {}  {}",
            f.role.name(),
            f.language.as_deref().unwrap_or("-"),
            escape(&f.path),
            escape(&f.rule)
        );
    }
    out
}

/// The listing as JSON: `{"files": [{path, role, language, decided_by, rule}]}`.
/// serde_json escapes control characters; the text is the repository's.
pub fn json(files: &[Listed]) -> String {
    let mut s = serde_json::to_string_pretty(&serde_json::json!({ "files": files }))
        .unwrap_or_else(|_| String::from("{\"files\": []}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(path: &str, role: Role, rule: Rule) -> Listed {
        Listed::new(
            path.into(),
            Language::from_path(path),
            &Decided {
                role,
                rule,
                not_generated: None,
            },
        )
    }

    fn sample() -> Vec<Listed> {
        vec![
            listed("README.md", Role::Docs, Rule::Path("*.md".into())),
            listed(
                "gen/a\u{1b}[31m.py",
                Role::Generated,
                Rule::Attribute {
                    file: ".gitattributes".into(),
                    line: 3,
                    attribute: "linguist-generated".into(),
                },
            ),
            listed("src/app.py", Role::Source, Rule::Default),
            listed(
                "src/gen.py",
                Role::Generated,
                Rule::Marker {
                    line: 1,
                    text: "@generated".into(),
                },
            ),
        ]
    }

    #[test]
    fn text_has_one_escaped_line_per_file() {
        assert_eq!(
            text(&sample()),
            "docs       -       README.md  path: *.md\n\
             generated  python  gen/a\\u{1b}[31m.py  .gitattributes:3: linguist-generated\n\
             source     python  src/app.py  default\n\
             generated  python  src/gen.py  marker line 1: @generated\n"
                .replace("\\u{1b}", &escape("\u{1b}"))
        );
    }

    #[test]
    fn json_names_the_source_of_truth() {
        let v: serde_json::Value = serde_json::from_str(&json(&sample())).unwrap();
        assert_eq!(v["files"][0]["language"], serde_json::Value::Null);
        assert_eq!(v["files"][1]["decided_by"], "gitattributes");
        assert_eq!(v["files"][3]["role"], "generated");
        assert_eq!(v["files"][3]["rule"], "marker line 1: @generated");
    }

    #[test]
    fn select_takes_files_and_folders() {
        let got = select(sample(), &["src".into()]).unwrap();
        let paths: Vec<&str> = got.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["src/app.py", "src/gen.py"]);
        assert_eq!(select(sample(), &["src/app.py".into()]).unwrap().len(), 1);
        assert_eq!(select(sample(), &[]).unwrap().len(), 4);
        assert_eq!(select(sample(), &[String::new()]).unwrap().len(), 4);
        // `sr` is no folder, only the start of one.
        assert!(select(sample(), &["sr".into()]).is_err());
    }

    #[test]
    fn relative_paths_are_lexical() {
        let root = Path::new("/r");
        assert_eq!(
            relative(root, Path::new("/r/src"), Path::new("../docs")),
            Some("docs".into())
        );
        assert_eq!(
            relative(root, Path::new("/r"), Path::new(".")),
            Some(String::new())
        );
        assert_eq!(relative(root, Path::new("/r"), Path::new("/etc")), None);
        assert_eq!(relative(root, Path::new("/r"), Path::new("../x")), None);
    }
}
