//! File roles: which role each path of a snapshot has, and the rule that
//! decided it (README, Precise definitions, "File roles").
//!
//! Tried in this order: the snapshot's own `.gitattributes` files
//! (`linguist-generated`, `linguist-vendored`, `linguist-documentation`,
//! read as GitHub Linguist reads them), the definition's `[scan.roles]`
//! globs, a generated-file marker in the content (decided where the content
//! is read, in `analyze`: see `snapshot::with_marker`), then path
//! conventions. Only the repository's tracked attributes count:
//! `.git/info/attributes` and `core.attributesFile` are one machine's
//! settings, not the repository's.

use globset::{GlobMatcher, GlobSet, GlobSetBuilder};

use crate::snapshot::{Decided, Role, Rule};

/// The most read of one `.gitattributes` file.
pub const MAX_ATTRIBUTES_BYTES: u64 = 1 << 20;
/// Longer lines are ignored, as git ignores them.
const MAX_LINE_BYTES: usize = 2048;

/// The Linguist attributes qscan reads, and the role each one sets.
const ATTRIBUTES: &[(&str, Role)] = &[
    ("linguist-generated", Role::Generated),
    ("linguist-vendored", Role::Vendored),
    ("linguist-documentation", Role::Docs),
];

/// Folders of someone else's code (the common entries of Linguist's vendor
/// list); a path under one is `vendored`. Some are never scanned at all
/// (`discover::VENDORED_DIRS`).
pub const VENDORED_FOLDERS: &[&str] = &[
    "vendor",
    "vendors",
    "third_party",
    "third-party",
    "thirdparty",
    "3rdparty",
    "3rd_party",
    "3rd-party",
    "extern",
    "node_modules",
    "bower_components",
];

/// Folder names that give their files a role; the outermost such folder of
/// a path decides (so `docs/examples/a.py` is `docs`, and a test folder
/// above them leaves the path to the test patterns).
const FOLDERS: &[(&str, Option<Role>)] = &[
    ("docs", Some(Role::Docs)),
    ("doc", Some(Role::Docs)),
    ("documentation", Some(Role::Docs)),
    ("examples", Some(Role::Example)),
    ("example", Some(Role::Example)),
    ("benches", Some(Role::Bench)),
    ("benchmarks", Some(Role::Bench)),
    ("benchmark", Some(Role::Bench)),
    ("bench", Some(Role::Bench)),
    ("tests", None),
    ("test", None),
    ("testing", None),
    ("__tests__", None),
];

/// File name endings of type stubs.
const STUBS: &[&str] = &[".pyi", ".d.ts", ".d.mts", ".d.cts"];

/// File name endings of prose: documentation wherever it lies.
const PROSE: &[&str] = &[".md", ".markdown", ".rst", ".adoc"];

/// Globs with the patterns they came from: which one matched is shown.
#[derive(Debug, Clone)]
pub struct NamedGlobs {
    set: GlobSet,
    /// For each glob of `set`, the index of its pattern in `patterns`.
    owner: Vec<usize>,
    patterns: Vec<String>,
}

impl NamedGlobs {
    /// As `discover::glob_set`: `*` does not cross `/`, and a pattern
    /// without a slash also matches at any depth.
    pub fn new(patterns: &[String]) -> Result<NamedGlobs, globset::Error> {
        let mut builder = GlobSetBuilder::new();
        let mut owner = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            builder.add(super::compile_glob(p)?);
            owner.push(i);
            if !p.contains('/') {
                builder.add(super::compile_glob(&format!("**/{p}"))?);
                owner.push(i);
            }
        }
        Ok(NamedGlobs {
            set: builder.build()?,
            owner,
            patterns: patterns.to_vec(),
        })
    }

    /// The first pattern (in written order) that matches `path`.
    pub fn first_match(&self, path: &str) -> Option<&str> {
        self.set
            .matches(path)
            .into_iter()
            .filter_map(|g| self.owner.get(g).copied())
            .min()
            .and_then(|i| self.patterns.get(i))
            .map(String::as_str)
    }
}

/// One line of a `.gitattributes` file that names a Linguist attribute.
#[derive(Debug)]
struct Line {
    number: u32,
    /// Matched against the path relative to the file's folder; a pattern
    /// without a slash is matched against the file name alone.
    matcher: GlobMatcher,
    basename_only: bool,
    /// Each Linguist attribute on the line: its role, its state (true: set,
    /// false: unset, None: unspecified again with `!`) and how it is written.
    states: Vec<(Role, Option<bool>, String)>,
}

/// One `.gitattributes` file: its folder (`""` or `a/b/`) and its lines.
#[derive(Debug)]
struct AttributesFile {
    path: String,
    dir: String,
    lines: Vec<Line>,
}

/// The role rules of one snapshot.
#[derive(Debug)]
pub struct Resolver {
    /// Outermost folder first, so deeper files (and later lines) win.
    attributes: Vec<AttributesFile>,
    /// `[scan.roles]`, in written order.
    config: Vec<(Role, NamedGlobs)>,
    tests: NamedGlobs,
}

impl Resolver {
    /// `attributes`: each `.gitattributes` file of the snapshot, by path,
    /// with its content; `config`: the `[scan.roles]` globs by role.
    pub fn new(
        attributes: &[(String, Vec<u8>)],
        config: &[(Role, NamedGlobs)],
        tests: &NamedGlobs,
    ) -> Resolver {
        let mut files: Vec<AttributesFile> = attributes
            .iter()
            .filter_map(|(path, bytes)| {
                let dir = path.strip_suffix(".gitattributes")?;
                (dir.is_empty() || dir.ends_with('/')).then(|| AttributesFile {
                    path: path.clone(),
                    dir: dir.to_string(),
                    lines: parse(bytes),
                })
            })
            .collect();
        files.sort_by(|a, b| {
            (a.dir.matches('/').count(), &a.dir).cmp(&(b.dir.matches('/').count(), &b.dir))
        });
        Resolver {
            attributes: files,
            config: config.to_vec(),
            tests: tests.clone(),
        }
    }

    /// The role of `path` before its content is read.
    pub fn decide(&self, path: &str) -> Decided {
        // Each attribute's last state, and the line that set it.
        let mut states: Vec<(Role, Option<bool>, Option<Rule>)> =
            ATTRIBUTES.iter().map(|(_, r)| (*r, None, None)).collect();
        let name = path.rsplit('/').next().unwrap_or(path);
        for file in &self.attributes {
            let Some(rel) = path.strip_prefix(file.dir.as_str()) else {
                continue;
            };
            for line in &file.lines {
                let subject = if line.basename_only { name } else { rel };
                if !line.matcher.is_match(subject) {
                    continue;
                }
                for (role, state, written) in &line.states {
                    if let Some(slot) = states.iter_mut().find(|s| s.0 == *role) {
                        slot.1 = *state;
                        slot.2 = Some(Rule::Attribute {
                            file: file.path.clone(),
                            line: line.number,
                            attribute: written.clone(),
                        });
                    }
                }
            }
        }
        if let Some((role, _, Some(rule))) = states.iter().find(|s| s.1 == Some(true)) {
            return Decided {
                role: *role,
                rule: rule.clone(),
                not_generated: None,
            };
        }
        let denied = |role: Role| {
            states
                .iter()
                .find(|s| s.0 == role && s.1 == Some(false))
                .and_then(|s| s.2.clone())
        };
        let not_generated = denied(Role::Generated).map(Box::new);
        // A role the attributes deny is not given by a later rule; the
        // attribute line is then what decided.
        let mut blocked: Option<Rule> = None;
        let mut take = |role: Role, rule: Rule| -> Option<Decided> {
            match denied(role) {
                Some(attr) => {
                    blocked.get_or_insert(attr);
                    None
                }
                None => Some(Decided {
                    role,
                    rule,
                    not_generated: not_generated.clone(),
                }),
            }
        };
        for (role, globs) in &self.config {
            if let Some(glob) = globs.first_match(path)
                && let Some(d) = take(
                    *role,
                    Rule::Config {
                        role: *role,
                        glob: glob.to_string(),
                    },
                )
            {
                return d;
            }
        }
        for (role, rule) in conventions(path, &self.tests) {
            if let Some(d) = take(role, rule) {
                return d;
            }
        }
        Decided {
            role: Role::Source,
            rule: blocked.unwrap_or(Rule::Default),
            not_generated,
        }
    }
}

/// The path conventions that apply to `path`, in the order they are tried:
/// a vendored folder, a stub's ending, the outermost docs, example or bench
/// folder (unless a test folder lies above it), prose, the test patterns.
fn conventions(path: &str, tests: &NamedGlobs) -> Vec<(Role, Rule)> {
    let mut out = Vec::new();
    let mut dirs: Vec<&str> = path.split('/').collect();
    let name = dirs.pop().unwrap_or(path);
    if let Some(dir) = dirs.iter().find(|d| VENDORED_FOLDERS.contains(d)) {
        out.push((Role::Vendored, Rule::Path(format!("{dir}/"))));
    }
    if let Some(end) = STUBS.iter().find(|e| name.ends_with(*e)) {
        out.push((Role::Stub, Rule::Path(format!("*{end}"))));
    }
    let folder = dirs.iter().find_map(|d| {
        let lower = d.to_ascii_lowercase();
        FOLDERS
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|(_, role)| (*d, *role))
    });
    if let Some((dir, Some(role))) = folder {
        out.push((role, Rule::Path(format!("{dir}/"))));
    }
    let lower = name.to_ascii_lowercase();
    if let Some(end) = PROSE.iter().find(|e| lower.ends_with(*e)) {
        out.push((Role::Docs, Rule::Path(format!("*{end}"))));
    }
    if let Some(glob) = tests.first_match(path) {
        out.push((Role::Test, Rule::Path(format!("test pattern {glob}"))));
    }
    out
}

/// The Linguist lines of a `.gitattributes` file, as git reads the file:
/// `#` comments, macro definitions (`[attr]…`) and negative patterns
/// (`!…`, which git forbids) skipped; a pattern ending in `/` names a
/// folder, which attributes never apply to.
fn parse(bytes: &[u8]) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        if raw.len() > MAX_LINE_BYTES {
            continue;
        }
        let text = String::from_utf8_lossy(raw);
        let mut words = text.split_ascii_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        if pattern.starts_with('#')
            || pattern.starts_with("[attr]")
            || pattern.starts_with('!')
            || pattern.starts_with('"')
            || pattern.ends_with('/')
        {
            continue;
        }
        let states: Vec<(Role, Option<bool>, String)> = words
            .filter_map(|word| {
                let (name, state) = if let Some(n) = word.strip_prefix('-') {
                    (n, Some(false))
                } else if let Some(n) = word.strip_prefix('!') {
                    (n, None)
                } else if let Some((n, value)) = word.split_once('=') {
                    // Linguist: any value but `false` sets the attribute.
                    (n, Some(value != "false"))
                } else {
                    (word, Some(true))
                };
                let role = ATTRIBUTES.iter().find(|(a, _)| *a == name)?.1;
                Some((role, state, word.to_string()))
            })
            .collect();
        if states.is_empty() {
            continue;
        }
        let anchored = pattern.strip_prefix('/').unwrap_or(pattern);
        let basename_only = !pattern.contains('/');
        let Ok(glob) = super::compile_glob(anchored) else {
            continue;
        };
        out.push(Line {
            number: i as u32 + 1,
            matcher: glob.compile_matcher(),
            basename_only,
            states,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(p: &[&str]) -> NamedGlobs {
        NamedGlobs::new(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn resolver(attrs: &[(&str, &str)], config: &[(Role, &[&str])]) -> Resolver {
        let attrs: Vec<(String, Vec<u8>)> = attrs
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect();
        let config: Vec<(Role, NamedGlobs)> = config.iter().map(|(r, g)| (*r, globs(g))).collect();
        Resolver::new(
            &attrs,
            &config,
            &globs(&["test_*.py", "**/tests/**", "*.test.*"]),
        )
    }

    fn role(r: &Resolver, path: &str) -> (Role, String) {
        let d = r.decide(path);
        (d.role, format!("{:?}", d.rule))
    }

    #[test]
    fn path_conventions() {
        let r = resolver(&[], &[]);
        let cases = [
            ("src/a.py", Role::Source),
            ("src/a.pyi", Role::Stub),
            ("types/index.d.ts", Role::Stub),
            ("doc/en/conf.py", Role::Docs),
            ("Docs/x.py", Role::Docs),
            ("examples/demo.py", Role::Example),
            ("crates/x/examples/demo.rs", Role::Example),
            ("benches/b.rs", Role::Bench),
            ("benchmarks/b.py", Role::Bench),
            ("third-party/lib.js", Role::Vendored),
            ("src/vendor/docs/a.js", Role::Vendored),
            ("tests/test_a.py", Role::Test),
            ("src/test_a.py", Role::Test),
            ("tests/examples/a.py", Role::Test),
            ("docs/tests/a.py", Role::Docs),
            ("README.md", Role::Docs),
            ("src/vendored.py", Role::Source),
        ];
        for (path, want) in cases {
            assert_eq!(r.decide(path).role, want, "{path}");
        }
        assert_eq!(r.decide("doc/en/conf.py").rule, Rule::Path("doc/".into()));
        assert_eq!(
            r.decide("src/test_a.py").rule,
            Rule::Path("test pattern test_*.py".into())
        );
        assert_eq!(r.decide("src/a.py").rule, Rule::Default);
    }

    #[test]
    fn attributes_as_git_matches_them() {
        let r = resolver(
            &[
                (
                    ".gitattributes",
                    "# comment\n*.pb.go linguist-generated\n/gen/** linguist-generated=true\n\
                     vendor/** -linguist-vendored\nspecial/* linguist-vendored\n\
                     docs/** linguist-documentation=false\nlib/ linguist-generated\n",
                ),
                (
                    "sub/.gitattributes",
                    "*.py linguist-generated\nkeep.py !linguist-generated\n",
                ),
            ],
            &[],
        );
        let attr = |file: &str, line: u32, a: &str| {
            format!(
                "{:?}",
                Rule::Attribute {
                    file: file.into(),
                    line,
                    attribute: a.into()
                }
            )
        };
        assert_eq!(
            role(&r, "x/y/api.pb.go"),
            (
                Role::Generated,
                attr(".gitattributes", 2, "linguist-generated")
            )
        );
        assert_eq!(
            role(&r, "gen/a/b.py"),
            (
                Role::Generated,
                attr(".gitattributes", 3, "linguist-generated=true")
            )
        );
        // Anchored at its own folder: `sub/gen/x` is not `/gen/**`.
        assert_eq!(role(&r, "x/gen/b.py").0, Role::Source);
        // A negation keeps the convention from applying, and says so.
        assert_eq!(
            role(&r, "vendor/lib.js"),
            (
                Role::Source,
                attr(".gitattributes", 4, "-linguist-vendored")
            )
        );
        assert_eq!(role(&r, "special/a.js").0, Role::Vendored);
        // `*` does not cross a slash.
        assert_eq!(role(&r, "special/deep/a.js").0, Role::Source);
        assert_eq!(
            role(&r, "docs/a.py"),
            (
                Role::Source,
                attr(".gitattributes", 6, "linguist-documentation=false")
            )
        );
        // A folder pattern never applies.
        assert_eq!(role(&r, "lib/a.py").0, Role::Source);
        assert_eq!(
            role(&r, "sub/deep/a.py"),
            (
                Role::Generated,
                attr("sub/.gitattributes", 1, "linguist-generated")
            )
        );
        // `!attr` makes it unspecified again: the conventions decide.
        assert_eq!(role(&r, "sub/keep.py"), (Role::Source, "Default".into()));
        // Only below its own folder.
        assert_eq!(role(&r, "other/a.py").0, Role::Source);
    }

    #[test]
    fn config_globs_come_after_attributes_and_before_conventions() {
        let r = resolver(
            &[(".gitattributes", "gen/keep.py -linguist-generated\n")],
            &[
                (Role::Generated, &["gen/**"]),
                (Role::Source, &["docs/tool/**"]),
            ],
        );
        assert_eq!(
            role(&r, "gen/a.py"),
            (
                Role::Generated,
                format!(
                    "{:?}",
                    Rule::Config {
                        role: Role::Generated,
                        glob: "gen/**".into()
                    }
                )
            )
        );
        assert_eq!(r.decide("gen/keep.py").role, Role::Source);
        assert_eq!(r.decide("docs/tool/a.py").role, Role::Source);
        assert_eq!(r.decide("docs/a.py").role, Role::Docs);
        // The negation stands against a marker in the content too.
        let keep = r.decide("gen/keep.py");
        assert!(keep.not_generated.is_some());
        let marked = crate::snapshot::with_marker(&keep, Some(&(1, "@generated".into())));
        assert_eq!(marked.role, Role::Source);
    }

    #[test]
    fn hostile_attributes_are_harmless() {
        let long = format!("{} linguist-generated\n", "a".repeat(5000));
        let r = resolver(
            &[
                (".gitattributes", long.as_str()),
                (
                    "x/.gitattributes",
                    "[attr]gen linguist-generated\n\"q\" linguist-generated\n[ linguist-generated\n",
                ),
                ("not.gitattributes", "* linguist-generated\n"),
            ],
            &[],
        );
        assert_eq!(r.decide(&"a".repeat(5000)).role, Role::Source);
        assert_eq!(r.decide("x/q").role, Role::Source);
        assert_eq!(r.decide("y").role, Role::Source);
    }
}
