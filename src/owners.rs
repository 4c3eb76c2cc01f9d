//! CODEOWNERS: who owns a path, by GitHub's rules, so that `--by owner` can
//! show every metric per team.
//!
//! GitHub reads the first of `.github/CODEOWNERS`, `CODEOWNERS` and
//! `docs/CODEOWNERS` that exists. Each line is a gitignore-like pattern and
//! then owners; the *last* line whose pattern matches a path decides its
//! owners, and a matching line without owners leaves the path unowned. Lines
//! GitHub rejects (a `!` negation, a `[ ]` character range, an owner that is
//! neither `@name` nor an email) are skipped, as GitHub skips them, and
//! reported so the team can fix them — by line number, without quoting the
//! line (the file may not be a CODEOWNERS file at all: README, "Running on
//! untrusted repositories"). [`read`] picks the file of a measured snapshot
//! and says what it found; the rest parses and matches. Where a snapshot's
//! files come from is the scan's business (it hands [`read`] a reader).

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::model::Note;

/// Where GitHub looks for the file, in its order: the first found wins.
pub const LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

pub use crate::model::UNOWNED;

/// A parsed CODEOWNERS file.
#[derive(Debug)]
pub struct Owners {
    /// The owners of each valid line, in file order.
    rules: Vec<Vec<String>>,
    set: GlobSet,
    /// The rule each glob of `set` belongs to.
    rule_of: Vec<usize>,
    /// The lines that were skipped, as `FILE:LINE: why`.
    pub problems: Vec<String>,
}

impl Default for Owners {
    fn default() -> Owners {
        Owners {
            rules: Vec::new(),
            set: GlobSet::empty(),
            rule_of: Vec::new(),
            problems: Vec::new(),
        }
    }
}

impl Owners {
    /// Parses the text of the CODEOWNERS file at `file` (named in problems).
    pub fn parse(file: &str, text: &str) -> Owners {
        let mut owners = Owners::default();
        let mut builder = GlobSetBuilder::new();
        for (i, line) in text.lines().enumerate() {
            let mut tokens = tokens(line).into_iter();
            let Some(pattern) = tokens.next() else {
                continue;
            };
            let line_owners: Vec<String> = tokens.collect();
            let compiled = check(&pattern, &line_owners).and_then(|()| {
                globs(&pattern)
                    .iter()
                    .map(|g| {
                        GlobBuilder::new(g)
                            .literal_separator(true)
                            .backslash_escape(true)
                            .build()
                            .map_err(|e| format!("the pattern is not valid ({})", e.kind()))
                    })
                    .collect::<Result<Vec<_>, String>>()
            });
            match compiled {
                Ok(globs) => {
                    for glob in globs {
                        builder.add(glob);
                        owners.rule_of.push(owners.rules.len());
                    }
                    owners.rules.push(line_owners);
                }
                Err(why) => owners
                    .problems
                    .push(format!("{file}:{}: {why}; GitHub skips the line", i + 1)),
            }
        }
        match builder.build() {
            Ok(set) => owners.set = set,
            Err(e) => {
                // Each glob compiled alone; a failure here leaves every path unowned.
                owners.problems.push(format!("{file}: {}", e.kind()));
                owners.rules.clear();
                owners.rule_of.clear();
            }
        }
        owners
    }

    /// The owners of the last line whose pattern matches `path` (relative to
    /// the root, forward slashes); empty when the path is unowned.
    pub fn owners_of(&self, path: &str) -> &[String] {
        self.set
            .matches(path)
            .into_iter()
            .filter_map(|g| self.rule_of.get(g).copied())
            .max()
            .and_then(|r| self.rules.get(r))
            .map_or(&[], Vec::as_slice)
    }

    /// The distinct owners named that are people (users and emails), not teams.
    pub fn people(&self) -> usize {
        let mut people: Vec<&str> = self
            .rules
            .iter()
            .flatten()
            .filter(|o| !is_team(o))
            .map(String::as_str)
            .collect();
        people.sort_unstable();
        people.dedup();
        people.len()
    }
}

/// `@org/team`, as opposed to a user (`@name`) or an email.
pub fn is_team(owner: &str) -> bool {
    owner.starts_with('@') && owner.contains('/')
}

/// A line's words: the pattern and its owners. Whitespace separates them
/// (`\ ` escapes a space in a pattern), and a word starting with `#` starts
/// a comment. Escapes are kept for the glob compiler.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                word.push('\\');
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            '#' if word.is_empty() => return out,
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Whether GitHub accepts a line, and why not.
fn check(pattern: &str, owners: &[String]) -> Result<(), String> {
    if pattern.starts_with('!') {
        return Err("negation (`!`) is not supported".to_string());
    }
    if pattern.contains('[') || pattern.contains(']') {
        return Err("character ranges (`[ ]`) are not supported".to_string());
    }
    if let Some(n) = owners.iter().position(|o| !o.contains('@')) {
        return Err(format!(
            "its owner number {} is no owner (give @user, @org/team or an email)",
            n + 1
        ));
    }
    Ok(())
}

/// The globs (`*` not crossing `/`) a CODEOWNERS pattern stands for.
///
/// A leading `/` or a `/` inside anchors the pattern to the root; otherwise
/// it matches at any depth. A trailing `/` matches only a folder, that is
/// everything under it. A pattern that names a folder owns what is inside,
/// except when its last part is a lone `*`: GitHub's `docs/*` owns the files
/// in `docs/`, not those of its subfolders.
fn globs(pattern: &str) -> Vec<String> {
    // globset would read {a,b} as alternatives; GitHub reads the braces.
    let pattern = pattern.replace('{', "\\{").replace('}', "\\}");
    let folder_only = pattern.ends_with('/');
    let trimmed = pattern.trim_end_matches('/');
    let anchored = trimmed.contains('/');
    let trimmed = trimmed.trim_start_matches('/');
    let base = match (trimmed.is_empty(), anchored) {
        (true, _) => "**".to_string(),
        (false, true) => trimmed.to_string(),
        (false, false) => format!("**/{trimmed}"),
    };
    let mut out = Vec::new();
    if !folder_only {
        out.push(base.clone());
    }
    if folder_only || base.rsplit('/').next() != Some("*") {
        out.push(format!("{base}/**"));
    }
    out
}

/// What a snapshot holds at one of the [`LOCATIONS`].
pub enum Found {
    /// No file there (or a folder).
    Absent,
    /// A file, and what reading it gave.
    File(std::io::Result<Vec<u8>>),
}

/// The owners of the CODEOWNERS file GitHub would read in a snapshot: the
/// first of the [`LOCATIONS`] that `at` finds (the scan knows where a
/// snapshot's files are read from; an error from it stops the run). Notes
/// say when there is none, when it cannot be read, and what in it was
/// skipped.
pub fn read<E>(
    mut at: impl FnMut(&str) -> Result<Found, E>,
    notes: &mut Vec<Note>,
) -> Result<Owners, E> {
    for location in LOCATIONS {
        let read = match at(location)? {
            Found::Absent => continue,
            Found::File(read) => read,
        };
        return Ok(match read {
            Ok(bytes) => {
                let owners = Owners::parse(location, &String::from_utf8_lossy(&bytes));
                notes.extend(owners.problems.iter().cloned().map(Note::CodeownersLine));
                let people = owners.people();
                if people > 0 {
                    notes.push(Note::CodeownersPeople {
                        location: location.to_string(),
                        people,
                    });
                }
                owners
            }
            Err(e) => {
                notes.push(Note::CodeownersUnreadable {
                    location: location.to_string(),
                    error: e.to_string(),
                });
                Owners::default()
            }
        });
    }
    notes.push(Note::NoCodeowners);
    Ok(Owners::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(o: &Owners, path: &str) -> String {
        o.owners_of(path).join(" ")
    }

    /// The examples of GitHub's documentation ("About code owners").
    #[test]
    fn githubs_documented_examples() {
        let o = Owners::parse(
            "CODEOWNERS",
            "# comment\n\
             *       @global-owner1 @global-owner2\n\
             *.js    @js-owner #This is an inline comment.\n\
             *.go docs@example.com\n\
             *.txt @octo-org/octocats\n\
             /build/logs/ @doctocat\n\
             docs/*  docs@example.com\n\
             apps/ @octocat\n\
             /docs/ @doctocat\n\
             /scripts/ @doctocat @octocat\n\
             **/logs @octocat\n\
             /apps/ @octocat\n\
             /apps/github\n",
        );
        assert!(o.problems.is_empty(), "{:?}", o.problems);
        assert_eq!(owner(&o, "README.md"), "@global-owner1 @global-owner2");
        assert_eq!(owner(&o, "src/app.js"), "@js-owner");
        assert_eq!(owner(&o, "main.go"), "docs@example.com");
        assert_eq!(owner(&o, "a/b/notes.txt"), "@octo-org/octocats");
        // `/build/logs/` matches, but the later `**/logs` does too, and wins.
        assert_eq!(owner(&o, "build/logs/x/y.log"), "@octocat");
        // `/docs/` comes after `docs/*` and owns the whole folder.
        assert_eq!(owner(&o, "docs/getting-started.md"), "@doctocat");
        assert_eq!(owner(&o, "docs/build-app/troubleshooting.md"), "@doctocat");
        assert_eq!(owner(&o, "scripts/run.sh"), "@doctocat @octocat");
        assert_eq!(owner(&o, "deeply/nested/logs/a.txt"), "@octocat");
        assert_eq!(owner(&o, "lib/apps/x.py"), "@octocat");
        assert_eq!(owner(&o, "apps/x.py"), "@octocat");
        // The last matching line has no owners: unowned.
        assert_eq!(owner(&o, "apps/github/x.py"), "");
        assert_eq!(owner(&o, "apps/githubber.py"), "@octocat");
    }

    #[test]
    fn a_lone_star_does_not_reach_into_subfolders() {
        let o = Owners::parse("CODEOWNERS", "docs/* @org/docs\n");
        assert_eq!(owner(&o, "docs/a.md"), "@org/docs");
        assert_eq!(owner(&o, "docs/x/b.md"), "");
        // Anchored: a `docs` folder elsewhere is not meant.
        assert_eq!(owner(&o, "src/docs/a.md"), "");
    }

    #[test]
    fn star_does_not_cross_slashes_and_double_star_does() {
        let o = Owners::parse(
            "CODEOWNERS",
            "src/*.py @org/a\nsrc/**/deep.py @org/b\n/*.toml @org/c\n",
        );
        assert_eq!(owner(&o, "src/x.py"), "@org/a");
        assert_eq!(owner(&o, "src/pkg/x.py"), "");
        assert_eq!(owner(&o, "src/deep.py"), "@org/b");
        assert_eq!(owner(&o, "src/a/b/deep.py"), "@org/b");
        assert_eq!(owner(&o, "Cargo.toml"), "@org/c");
        assert_eq!(owner(&o, "sub/Cargo.toml"), "");
    }

    #[test]
    fn anchored_and_unanchored_names() {
        let o = Owners::parse(
            "CODEOWNERS",
            "util.py @org/any\n/lib @org/root-lib\nlib @org/lib-anywhere\n/lib/core @org/core\n",
        );
        // No slash: at any depth, as a file or as a folder.
        assert_eq!(owner(&o, "util.py"), "@org/any");
        assert_eq!(owner(&o, "a/b/util.py"), "@org/any");
        assert_eq!(owner(&o, "x/lib/m.py"), "@org/lib-anywhere");
        // `lib` comes after `/lib` and matches the root folder too.
        assert_eq!(owner(&o, "lib/m.py"), "@org/lib-anywhere");
        assert_eq!(owner(&o, "lib/core/m.py"), "@org/core");
        assert_eq!(owner(&o, "x/lib/core/m.py"), "@org/lib-anywhere");
        // A name is not a prefix.
        assert_eq!(owner(&o, "library/m.py"), "");
    }

    #[test]
    fn a_trailing_slash_matches_only_folders() {
        let o = Owners::parse("CODEOWNERS", "build/ @org/build\n");
        assert_eq!(owner(&o, "build/a.rs"), "@org/build");
        assert_eq!(owner(&o, "x/build/a.rs"), "@org/build");
        assert_eq!(owner(&o, "build"), "");
    }

    #[test]
    fn rejected_lines_are_skipped_and_reported() {
        let o = Owners::parse(
            ".github/CODEOWNERS",
            "* @org/all\n!vendor/ @org/x\n[ab].py @org/y\nsrc/ owner-without-at\n\\#odd.py @org/hash\nmy\\ file.py @org/space\n{a,b}.py @org/brace\n",
        );
        assert_eq!(
            o.problems,
            [
                ".github/CODEOWNERS:2: negation (`!`) is not supported; GitHub skips the line",
                ".github/CODEOWNERS:3: character ranges (`[ ]`) are not supported; GitHub skips the line",
                ".github/CODEOWNERS:4: its owner number 1 is no owner (give @user, @org/team or an email); GitHub skips the line",
            ]
        );
        assert_eq!(owner(&o, "vendor/a.py"), "@org/all");
        assert_eq!(owner(&o, "src/a.py"), "@org/all");
        assert_eq!(owner(&o, "#odd.py"), "@org/hash");
        assert_eq!(owner(&o, "x/my file.py"), "@org/space");
        assert_eq!(owner(&o, "{a,b}.py"), "@org/brace");
        assert_eq!(owner(&o, "a.py"), "@org/all");
    }

    #[test]
    fn people_are_counted_apart_from_teams() {
        let o = Owners::parse(
            "CODEOWNERS",
            "* @org/a @alice\n*.py bob@example.com @alice\n",
        );
        assert_eq!(o.people(), 2);
        assert!(is_team("@org/a"));
        assert!(!is_team("@alice"));
        assert!(!is_team("bob@example.com"));
    }
}
