//! Bounded fuzzing of what reads untrusted input: the quality definition's
//! loader, and each language's analyzer (the whole path a source file takes:
//! size and UTF-8 checks, parsing, the analyzer, line counting, queries, then
//! the file metrics over its facts).
//!
//! Inputs are arbitrary text and mutations of real inputs (the built-in
//! definition, the fixtures' quality.toml files and source files), so most
//! of them stay close enough to valid to reach deep code. The property is
//! always the same: no panic, and a result that is either a value or a clean
//! error.
//!
//! Each target runs 256 cases by default, a few seconds in `cargo test`.
//! For a longer run set `PROPTEST_CASES`, e.g.
//! `PROPTEST_CASES=20000 cargo test --release --test it fuzz:: -- --nocapture`;
//! each target then prints how many inputs it tried and how many reached
//! the analyzer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use qscan::analyze::query::QueryJob;
use qscan::config::{self, Definition, Origin};
use qscan::discover::SourceFile;
use qscan::lang::Language;
use qscan::metrics::{self, Facts};

/// Cases per target: `PROPTEST_CASES`, else 256.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

fn config() -> Config {
    Config {
        cases: cases(),
        // A failure is shrunk and printed; a fix comes with its own test.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs `test` on `cases()` inputs from `strategy`, then prints how many it
/// tried; a failure (a panic included) is shrunk and fails the test.
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let tried = AtomicUsize::new(0);
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |v| {
        tried.fetch_add(1, Ordering::Relaxed);
        test(v)
    });
    eprintln!(
        "fuzz: {name}: {} inputs tried{}",
        tried.load(Ordering::Relaxed),
        match &result {
            Ok(()) => String::from(", no failure"),
            Err(e) => format!(", FAILED: {e}"),
        }
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every file under `fixtures/` whose name ends in one of `exts`, as bytes.
fn corpus(exts: &[&str]) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, exts, out);
            } else if let Some(name) = path.file_name().and_then(|n| n.to_str())
                && exts.iter().any(|e| name.ends_with(e))
                && let Ok(bytes) = std::fs::read(&path)
            {
                out.push((name.to_string(), bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixtures(), exts, &mut out);
    out
}

/// One edit of a byte string; positions are taken modulo its length.
#[derive(Debug, Clone)]
enum Edit {
    /// Removes up to `len` bytes.
    Delete { at: usize, len: usize },
    /// Inserts bytes.
    Insert { at: usize, bytes: Vec<u8> },
    /// Overwrites one byte.
    Set { at: usize, byte: u8 },
    /// Copies up to `len` bytes from `from` to `at` (repeats a piece).
    Splice { from: usize, len: usize, at: usize },
    /// Removes a whole line.
    DeleteLine { line: usize },
    /// Repeats a whole line.
    DuplicateLine { line: usize },
    /// Swaps two lines.
    SwapLines { a: usize, b: usize },
}

/// Bytes that matter to TOML and to the languages' grammars, so an inserted
/// run often still tokenizes.
const SYNTAX: &[u8] = b" \t\n\r#'\"=[](){}<>.,:;@!?&|*+-/\\_0123456789abcdefxyzA\x1b\xc3\xa9";

fn edit() -> impl Strategy<Value = Edit> {
    let syntax_bytes = prop::collection::vec(prop::sample::select(SYNTAX), 1..8);
    // Whole-line edits keep a file parseable more often than byte edits, so
    // they reach the analyzers; byte edits reach the error paths.
    prop_oneof![
        1 => (any::<usize>(), 1..16usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (any::<usize>(), syntax_bytes).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..4))
            .prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Set { at, byte }),
        1 => (any::<usize>(), 1..64usize, any::<usize>())
            .prop_map(|(from, len, at)| Edit::Splice { from, len, at }),
        4 => any::<usize>().prop_map(|line| Edit::DeleteLine { line }),
        4 => any::<usize>().prop_map(|line| Edit::DuplicateLine { line }),
        4 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines { a, b }),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let n = bytes.len();
    match edit {
        Edit::Delete { at, len } if n > 0 => {
            let at = at % n;
            let end = (at + len).min(n);
            bytes.drain(at..end);
        }
        Edit::Insert { at, bytes: new } => {
            let at = at % (n + 1);
            bytes.splice(at..at, new.iter().copied());
        }
        Edit::Set { at, byte } if n > 0 => bytes[at % n] = *byte,
        Edit::Splice { from, len, at } if n > 0 => {
            let from = from % n;
            let piece: Vec<u8> = bytes[from..(from + len).min(n)].to_vec();
            let at = at % (n + 1);
            bytes.splice(at..at, piece);
        }
        Edit::DeleteLine { line } | Edit::DuplicateLine { line } => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let i = line % lines.len();
            if matches!(edit, Edit::DeleteLine { .. }) {
                lines.remove(i);
            } else {
                let copy = lines[i].clone();
                lines.insert(i, copy);
            }
            *bytes = lines.join(&b'\n');
        }
        Edit::SwapLines { a, b } => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let len = lines.len();
            lines.swap(a % len, b % len);
            *bytes = lines.join(&b'\n');
        }
        _ => {}
    }
}

/// A seed from `corpus` (by index) with 1 to 8 edits applied.
fn mutated(corpus: &'static [(String, Vec<u8>)]) -> impl Strategy<Value = (String, Vec<u8>)> {
    (0..corpus.len(), prop::collection::vec(edit(), 1..6)).prop_map(move |(i, edits)| {
        let (name, seed) = &corpus[i];
        let mut bytes = seed.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        (name.clone(), bytes)
    })
}

// ---------------------------------------------------------------- definition

/// Valid definitions to mutate: the built-in one, every fixture's, and one
/// with every kind and the numbers the score is made of.
fn definitions() -> &'static [(String, Vec<u8>)] {
    static CORPUS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut seeds = corpus(&["quality.toml"]);
        seeds.push(("default".into(), config::DEFAULT_TOML.as_bytes().to_vec()));
        seeds.push((
            "every-kind".into(),
            br#"[scan]
exclude = ["docs/**"]
max_file_bytes = 1048576
test_patterns = ["test_*.py"]
[history]
window = 500
since = "180 days"
branch = "main"
[gate]
min_score = 70
no_regression = true
[metrics.typed]
min = 60
weight = 2.5
python = "mypy"
[metrics.test-association]
languages = ["python", "rust"]
[metrics.large-files]
max_lines = 500
exclude = ["gen/**"]
[metrics.interface-width]
max_items = 20
[metrics.http]
kind = "preferred-library"
family = "http"
preferred = ["requests"]
[metrics.hot-files]
share = 0.5
max_offenders = 0
[metrics.change-size]
max_files = 25
[metrics.coverage]
report = "lcov.info"
[metrics.locks]
kind = "query"
language = "rust"
unit = "function"
query = '(call_expression function: (field_expression field: (field_identifier) @m (#eq? @m "lock")))'
message = "no locks"
[metrics.p95]
kind = "external"
file = "perf.json"
pointer = "/p95"
min = 0
max = 900
"#
            .to_vec(),
        ));
        seeds
    })
}

/// Loads definition text as qscan loads the repository's quality.toml
/// (problems shown without the file's lines), and checks what it says.
fn check_definition(text: &str, accepted: &AtomicUsize) -> Result<(), TestCaseError> {
    match config::parse(text, "quality.toml", Origin::BuiltIn) {
        Ok(def) => {
            accepted.fetch_add(1, Ordering::Relaxed);
            check_score(&def)?;
        }
        Err(config::ConfigError::Invalid { problems, .. }) => {
            prop_assert!(!problems.is_empty());
            let lines = text.split('\n').count();
            for p in &problems {
                prop_assert!(p.line >= 1 && p.line <= lines, "{p:?} of {lines} lines");
                prop_assert!(p.column >= 1, "{p:?}");
                // Messages quote the file only escaped: one line, no ESC.
                prop_assert!(!p.message.chars().any(char::is_control), "{p:?}");
            }
        }
        Err(e) => prop_assert!(false, "not a definition problem: {e}"),
    }
    Ok(())
}

/// Any accepted definition scores: whatever values its metrics take, the
/// weighted mean is a number from 0 to 100.
fn check_score(def: &Definition) -> Result<(), TestCaseError> {
    let empty_files = [];
    let coverage = BTreeMap::new();
    let external = BTreeMap::new();
    let facts = Facts {
        files: &empty_files,
        all_paths: &[],
        role_of: &|_| qscan::snapshot::Role::Source,
        crates: &[],
        packages: &[],
        history: None,
        history_status: &qscan::model::Status::NotMeasured {
            reason: "no history".into(),
            fix: "fetch it".into(),
        },
        coverage: &coverage,
        external: &external,
    };
    for (i, m) in def.metrics.iter().enumerate() {
        prop_assert!(m.weight.is_finite() && m.weight >= 0.0, "{}", m.weight);
        if let Some(metrics::external::Params { min, max, .. }) = m.params() {
            prop_assert!(min.is_none_or(f64::is_finite) && max.is_none_or(f64::is_finite));
        }
        let mut results: Vec<_> = def
            .metrics
            .iter()
            .map(|m| metrics::evaluate(m, &facts))
            .collect();
        for (j, r) in results.iter_mut().enumerate() {
            r.status = qscan::model::Status::Measured;
            r.value = if j == i { 0.0 } else { 100.0 };
        }
        let score = metrics::score(&results);
        prop_assert!((0.0..=100.0).contains(&score), "score {score}");
    }
    if let Some(min) = def.gate.min_score {
        prop_assert!((0.0..=100.0).contains(&min));
    }
    Ok(())
}

/// [`fuzz`] for the loader: also prints how many inputs were valid.
fn fuzz_definitions<S: Strategy>(name: &str, strategy: S, text: impl Fn(S::Value) -> String) {
    let accepted = AtomicUsize::new(0);
    fuzz(name, strategy, |v| check_definition(&text(v), &accepted));
    eprintln!(
        "fuzz: {name}: {} inputs were valid definitions",
        accepted.load(Ordering::Relaxed)
    );
}

#[test]
fn definition_loader_on_arbitrary_text() {
    fuzz_definitions("definition, arbitrary text", any::<String>(), |text| text);
}

#[test]
fn definition_loader_on_mutated_definitions() {
    fuzz_definitions(
        "definition, mutated",
        mutated(definitions()),
        |(_, bytes)| String::from_utf8_lossy(&bytes).into_owned(),
    );
}

#[test]
fn definition_loader_on_odd_numbers() {
    let number = prop_oneof![
        Just("nan".to_string()),
        Just("-nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("-0.0".to_string()),
        Just("0".to_string()),
        Just("5e-324".to_string()),
        Just("18446744073709551616".to_string()),
        Just("-1".to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<i64>().prop_map(|i| i.to_string()),
    ];
    let strategy = (
        0..definitions().len(),
        prop::collection::vec((number, any::<usize>()), 1..4),
    );
    fuzz_definitions("definition, odd numbers", strategy, |(seed, changes)| {
        // Numbers of a valid definition replaced by odd ones.
        let mut text = String::from_utf8_lossy(&definitions()[seed].1).into_owned();
        for (number, which) in changes {
            let spots: Vec<usize> = text
                .match_indices(" = ")
                .map(|(i, _)| i + 3)
                .filter(|&i| text[i..].starts_with(|c: char| c.is_ascii_digit() || c == '-'))
                .collect();
            if spots.is_empty() {
                break;
            }
            let at = spots[which % spots.len()];
            let end = text[at..].find(['\n', ' ']).map_or(text.len(), |e| at + e);
            text = format!("{}{number}{}", &text[..at], &text[end..]);
        }
        text
    });
}

// ----------------------------------------------------------------- analyzers

struct Target {
    /// The language's name in the registry.
    name: &'static str,
    exts: &'static [&'static str],
    /// A query that matches often, so the query runner is fuzzed too.
    query: &'static str,
    corpus: OnceLock<Vec<(String, Vec<u8>)>>,
    jobs: OnceLock<Vec<QueryJob>>,
    tried: AtomicUsize,
    analyzed: AtomicUsize,
}

impl Target {
    const fn new(name: &'static str, exts: &'static [&'static str], query: &'static str) -> Target {
        Target {
            name,
            exts,
            query,
            corpus: OnceLock::new(),
            jobs: OnceLock::new(),
            tried: AtomicUsize::new(0),
            analyzed: AtomicUsize::new(0),
        }
    }

    fn language(&self) -> Language {
        Language::from_name(self.name).expect("a registered language")
    }

    /// The query, compiled once (compiling takes longer than a parse).
    fn jobs(&'static self) -> &'static [QueryJob] {
        self.jobs.get_or_init(|| {
            let query = qscan::analyze::query::compile(self.language(), self.query)
                .unwrap_or_else(|p| panic!("fuzz query: {}", p.message));
            vec![QueryJob {
                metric: "q".into(),
                language: self.language(),
                engine: qscan::analyze::query::Engine::Query(std::sync::Arc::new(query)),
            }]
        })
    }

    fn corpus(&'static self) -> &'static [(String, Vec<u8>)] {
        self.corpus.get_or_init(|| {
            let seeds = corpus(self.exts);
            assert!(!seeds.is_empty(), "no fixture for {:?}", self.language());
            seeds
        })
    }
}

static PYTHON: Target = Target::new(
    "python",
    &[".py", ".pyi"],
    "(function_definition name: (identifier) @n (#match? @n \"^_\")) @f",
);
static JAVASCRIPT: Target = Target::new(
    "javascript",
    &[".js", ".mjs", ".cjs", ".jsx"],
    "(call_expression function: (identifier) @f (#eq? @f \"require\"))",
);
static TYPESCRIPT: Target =
    Target::new("typescript", &[".ts", ".tsx"], "(function_declaration) @f");
static RUST: Target = Target::new(
    "rust",
    &[".rs"],
    "(macro_invocation macro: (identifier) @m (#any-of? @m \"panic\" \"todo\")) @x",
);
static GO: Target = Target::new("go", &[".go"], "(func_literal) @f");
static JAVA: Target = Target::new(
    "java",
    &[".java"],
    "(method_invocation name: (identifier) @m (#eq? @m \"println\")) @x",
);

/// A definition with every kind that reads source files.
fn file_metrics() -> &'static Definition {
    static DEF: OnceLock<Definition> = OnceLock::new();
    DEF.get_or_init(|| {
        config::parse(
            "[metrics.typed]\nmin = 50\n[metrics.typed-mypy]\nkind = \"typed\"\npython = \"mypy\"\n\
             [metrics.test-association]\n[metrics.large-files]\nmax_lines = 20\n\
             [metrics.interface-width]\nmax_items = 2\n\
             [metrics.http]\nkind = \"preferred-library\"\nfamily = \"http\"\n\
             preferred = [\"requests\", \"axios\", \"reqwest\"]\n",
            "fuzz",
            Origin::BuiltIn,
        )
        .expect("the fuzz definition is valid")
    })
}

fn check_source(target: &'static Target, name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    target.tried.fetch_add(1, Ordering::Relaxed);
    // Tests and sources both: the name decides which paths of the analyzer run.
    let path = if bytes.len().is_multiple_of(2) {
        format!("src/{name}")
    } else {
        format!("tests/test_{name}")
    };
    let file = SourceFile {
        path: path.clone(),
        abs: PathBuf::from(&path),
        blob: None,
        language: target.language(),
        decided: qscan::snapshot::Decided {
            role: if path.starts_with("tests/") {
                qscan::snapshot::Role::Test
            } else {
                qscan::snapshot::Role::Source
            },
            ..Default::default()
        },
        size: bytes.len() as u64,
    };
    let facts = match qscan::analyze::analyze_bytes(&file, bytes, 1 << 20, target.jobs()) {
        Ok(facts) => facts,
        Err(skip) => {
            prop_assert_eq!(&skip.path, &path);
            prop_assert!(!skip.reason.is_empty());
            return Ok(());
        }
    };
    target.analyzed.fetch_add(1, Ordering::Relaxed);
    prop_assert_eq!(&facts.path, &path);
    let files = [facts];
    let all_paths = [path.clone()];
    let coverage = BTreeMap::new();
    let external = BTreeMap::new();
    let crates = [qscan::facts::RustCrate {
        dir: String::new(),
        name: "fuzzed".into(),
    }];
    let facts = Facts {
        files: &files,
        all_paths: &all_paths,
        role_of: &|_| qscan::snapshot::Role::Source,
        crates: &crates,
        packages: &[],
        history: None,
        history_status: &qscan::model::Status::NotMeasured {
            reason: "no history".into(),
            fix: "fetch it".into(),
        },
        coverage: &coverage,
        external: &external,
    };
    for m in &file_metrics().metrics {
        let r = metrics::evaluate(m, &facts);
        prop_assert!(
            r.compliant <= r.total,
            "{}: {}/{}",
            r.name,
            r.compliant,
            r.total
        );
        prop_assert!((0.0..=100.0).contains(&r.value), "{}: {}", r.name, r.value);
    }
    Ok(())
}

fn source(target: &'static Target) -> impl Strategy<Value = (String, Vec<u8>)> {
    let ext = target.exts[0];
    prop_oneof![
        4 => mutated(target.corpus()),
        1 => any::<String>().prop_map(move |s| (format!("any{ext}"), s.into_bytes())),
    ]
}

fn fuzz_analyzer(target: &'static Target) {
    let name = format!("{:?} analyzer", target.language());
    fuzz(&name, source(target), |(file, bytes)| {
        check_source(target, &file, &bytes)
    });
    eprintln!(
        "fuzz: {name}: {} of {} inputs parsed without error and were analyzed",
        target.analyzed.load(Ordering::Relaxed),
        target.tried.load(Ordering::Relaxed)
    );
}

#[test]
fn python_analyzer() {
    fuzz_analyzer(&PYTHON);
}

#[test]
fn javascript_analyzer() {
    fuzz_analyzer(&JAVASCRIPT);
}

#[test]
fn typescript_analyzer() {
    fuzz_analyzer(&TYPESCRIPT);
}

#[test]
fn rust_analyzer() {
    fuzz_analyzer(&RUST);
}

#[test]
fn go_analyzer() {
    fuzz_analyzer(&GO);
}

#[test]
fn java_analyzer() {
    fuzz_analyzer(&JAVA);
}
