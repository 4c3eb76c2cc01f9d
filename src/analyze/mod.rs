//! Analysis: each source file is read once and parsed once into [`FileFacts`].
//!
//! Files are analyzed in parallel; a file that cannot be analyzed (binary,
//! invalid UTF-8, too large, does not parse) becomes a [`Skipped`] entry with a
//! reason instead of stopping the run.

pub mod query;
pub mod rule;
pub mod store;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;
use tree_sitter::Tree;

use crate::facts::{FileFacts, QueryHit, RuleUnit};
pub use crate::lang::parse;
use crate::lang::{Language, Scratch, lines};
use crate::snapshot::SourceFile;
pub use crate::snapshot::{Skipped, Source, WorkingTree};
use query::{Engine, QueryJob};

/// Result of analyzing a set of files, sorted by path.
#[derive(Debug, Default)]
pub struct Analysis {
    pub files: Vec<FileFacts>,
    pub skipped: Vec<Skipped>,
}

/// Analyzes every file in parallel and returns facts sorted by path; the
/// query metrics' queries run on the trees as they are parsed.
pub fn analyze_all(
    files: &[SourceFile],
    source: &dyn Source,
    max_file_bytes: u64,
    queries: &[QueryJob],
) -> Analysis {
    analyze_cached(
        files,
        source,
        max_file_bytes,
        queries,
        &FactsCache::default(),
    )
}

/// Facts already computed in this run, keyed by content: a file whose content
/// is unchanged between two snapshots (current and baseline, or two trend
/// points) is analyzed once. Facts depend on the content and on what the path
/// says (language, grammar, test file), so those are part of the key.
#[derive(Default)]
pub struct FactsCache {
    map: Mutex<HashMap<CacheKey, Result<FileFacts, String>>>,
    /// Keys read or written in this run: what a saved cache keeps.
    touched: Mutex<std::collections::HashSet<CacheKey>>,
    /// Whether this run added facts the saved cache does not have.
    added: std::sync::atomic::AtomicBool,
}

pub(crate) type CacheKey = (git2::Oid, Language, bool, bool);

impl FactsCache {
    /// A cache holding `entries` (read back from disk by [`store`]).
    pub(crate) fn with(entries: HashMap<CacheKey, Result<FileFacts, String>>) -> FactsCache {
        FactsCache {
            map: Mutex::new(entries),
            ..FactsCache::default()
        }
    }

    /// The entries this run used, if it added any (else nothing needs saving).
    pub(crate) fn used_if_changed(&self) -> Option<Vec<(CacheKey, Result<FileFacts, String>)>> {
        let added = self.added.load(std::sync::atomic::Ordering::Relaxed);
        let map = self.map.lock().ok()?;
        let touched = self.touched.lock().ok()?;
        // Entries this run did not use are dropped, so the cache holds one
        // or two snapshots' worth and never grows without bound.
        if !added && touched.len() == map.len() {
            return None;
        }
        Some(
            touched
                .iter()
                .filter_map(|k| map.get(k).map(|v| (*k, v.clone())))
                .collect(),
        )
    }

    fn key(file: &SourceFile, content: git2::Oid) -> CacheKey {
        (
            content,
            file.language,
            // Which of the language's grammars parses it (TypeScript's `.tsx`).
            file.language.grammar(&file.path).0 != 0,
            // Test files are analyzed for what they exercise (Rust paths).
            file.role().is_test(),
        )
    }

    fn get(&self, key: &CacheKey, file: &SourceFile) -> Option<Result<FileFacts, Skipped>> {
        let map = self.map.lock().ok()?;
        let hit = map.get(key)?;
        if let Ok(mut touched) = self.touched.lock() {
            touched.insert(*key);
        }
        Some(match hit {
            Ok(facts) => Ok(FileFacts {
                path: file.path.clone(),
                ..facts.clone()
            }),
            Err(reason) => Err(Skipped {
                path: file.path.clone(),
                reason: reason.clone(),
            }),
        })
    }

    fn put(&self, key: CacheKey, result: &Result<FileFacts, Skipped>) {
        if let Ok(mut map) = self.map.lock() {
            map.insert(key, result.clone().map_err(|s| s.reason));
        }
        if let Ok(mut touched) = self.touched.lock() {
            touched.insert(key);
        }
        self.added.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Analyzes every file in parallel, reusing facts of identical content from
/// `cache` (blob ids from git; working-tree files are hashed as git would).
/// The cache must hold facts of the same `queries` (its salt says so).
pub fn analyze_cached(
    files: &[SourceFile],
    source: &dyn Source,
    max_file_bytes: u64,
    queries: &[QueryJob],
    cache: &FactsCache,
) -> Analysis {
    // Largest first: the parallel tail is then made of small files, so both
    // cores finish together (results are sorted by path after).
    let mut order: Vec<&SourceFile> = files.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.size));
    let results: Vec<Result<FileFacts, Skipped>> = order
        .par_iter()
        .with_max_len(1)
        .map(|&f| {
            if f.size > max_file_bytes {
                return Err(Skipped {
                    path: f.path.clone(),
                    reason: too_large(f.size, max_file_bytes),
                });
            }
            if let Some(blob) = f.blob
                && let Some(hit) = cache.get(&FactsCache::key(f, blob), f)
            {
                return hit;
            }
            let bytes = source.read(f).map_err(|e| Skipped {
                path: f.path.clone(),
                reason: format!("unreadable: {e}"),
            })?;
            let key = match f.blob {
                Some(blob) => FactsCache::key(f, blob),
                None => match git2::Oid::hash_object(git2::ObjectType::Blob, &bytes) {
                    Ok(id) => {
                        let key = FactsCache::key(f, id);
                        if let Some(hit) = cache.get(&key, f) {
                            return hit;
                        }
                        key
                    }
                    Err(_) => return analyze_bytes(f, &bytes, max_file_bytes, queries),
                },
            };
            let result = analyze_bytes(f, &bytes, max_file_bytes, queries);
            cache.put(key, &result);
            result
        })
        .collect();
    let mut analysis = Analysis::default();
    for (r, file) in results.into_iter().zip(&order) {
        match r {
            Ok(mut facts) => {
                // The role is the path's, decided again here: facts cached
                // by content may come from a file at another path.
                facts.role =
                    crate::snapshot::with_marker(&file.decided, facts.marker.as_ref()).role;
                analysis.files.push(facts)
            }
            Err(skip) => analysis.skipped.push(skip),
        }
    }
    analysis.files.sort_by(|a, b| a.path.cmp(&b.path));
    analysis.skipped.sort();
    analysis
}

/// How many files this process has parsed (for traces and tests: a scan that
/// needs no file facts parses nothing, and the facts cache saves parses).
pub static FILES_PARSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Analyzes one file's bytes. Checks size, binary content and UTF-8 first.
pub fn analyze_bytes(
    file: &SourceFile,
    bytes: &[u8],
    max_file_bytes: u64,
    queries: &[QueryJob],
) -> Result<FileFacts, Skipped> {
    let skip = |reason: String| Skipped {
        path: file.path.clone(),
        reason,
    };
    if bytes.len() as u64 > max_file_bytes {
        return Err(skip(too_large(bytes.len() as u64, max_file_bytes)));
    }
    if bytes.contains(&0) {
        return Err(skip("binary (contains a NUL byte)".into()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| skip(format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let marker = crate::snapshot::generated_marker(bytes);
    analyze_text(file, text, queries)
        .map(|facts| FileFacts { marker, ..facts })
        .map_err(skip)
}

/// Names the limit, so a user sees which setting to raise.
fn too_large(size: u64, max_file_bytes: u64) -> String {
    format!("larger than max_file_bytes = {max_file_bytes} ({size} bytes)")
}

/// Parses and analyzes UTF-8 text; the error is a skip reason.
pub fn analyze_text(
    file: &SourceFile,
    text: &str,
    queries: &[QueryJob],
) -> Result<FileFacts, String> {
    FILES_PARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tree = parse(file.language, &file.path, text)?;
    let errors = syntax_errors(&tree);
    if let Some(first) = errors.first_line
        && (tree.root_node().is_error() || errors.bytes.saturating_mul(2) > text.len())
    {
        return Err(format!(
            "does not parse (syntax errors cover most of it, the first at line {first})"
        ));
    }
    if queries.iter().any(|j| j.language == file.language) && deeper_than(&tree, MAX_QUERY_DEPTH) {
        return Err(format!(
            "nests more than {MAX_QUERY_DEPTH} levels deep, too deep for the query metrics"
        ));
    }
    let mut facts = FileFacts {
        path: file.path.clone(),
        language: file.language,
        role: file.role(),
        ..FileFacts::default()
    };
    let mut scratch = Scratch::default();
    (file.language.spec().analyze)(&tree, text, &mut facts, &mut scratch);
    if errors.first_line.is_some() {
        facts.parse_error = errors.first_line;
        drop_broken_functions(&mut facts, &mut scratch, &errors);
    }
    let strings = lines::in_strings(&tree, text.as_bytes(), file.language.spec().strings);
    facts.lines = lines::count_with_strings(text.as_bytes(), &mut scratch.comments, &strings);
    let key = file.language.grammar(&file.path).1.key;
    let mut runs: Vec<(&QueryJob, Vec<(usize, u32)>)> = Vec::new();
    for job in queries.iter().filter(|j| j.language == file.language) {
        match &job.engine {
            Engine::Query(q) => runs.push((job, query::run(q, key, &tree, text))),
            Engine::Rule(doc) => {
                for u in rule::run(doc, key, &tree, text, &scratch.function_ranges) {
                    facts.rule_units.push(RuleUnit {
                        metric: job.metric.clone(),
                        line: u.line,
                        function: u.function,
                        lines: u.lines,
                        offends: u.offends,
                    });
                }
            }
        }
    }
    // The function of every place matched, found in one sweep.
    let mut places: Vec<usize> = runs
        .iter()
        .flat_map(|(_, found)| found.iter().map(|(at, _)| *at))
        .collect();
    places.sort_unstable();
    places.dedup();
    let owners = innermost(&scratch.function_ranges, &places);
    // Each hit once, in match order; a set keeps a query with many matches linear.
    let mut seen = std::collections::HashSet::new();
    for (job, found) in runs {
        for (at, line) in found {
            if errors.holds(at) {
                continue;
            }
            let function = places
                .binary_search(&at)
                .ok()
                .and_then(|i| owners.get(i).copied().flatten());
            let hit = QueryHit {
                metric: job.metric.clone(),
                line,
                function,
            };
            if seen.insert(hit.clone()) {
                facts.query_hits.push(hit);
            }
        }
    }
    Ok(facts)
}

/// The deepest syntax tree the query metrics run on. tree-sitter's query
/// cursor slows down with depth far more than linearly (a 500 KB Rust file
/// nesting 100,000 `use` lists did not finish in ten minutes); real code
/// nests a few dozen levels.
const MAX_QUERY_DEPTH: u32 = 10_000;

/// Whether the tree has a node more than `max` levels below the root.
fn deeper_than(tree: &Tree, max: u32) -> bool {
    let mut cursor = tree.walk();
    // Counted here: the cursor's own depth() counts its whole stack.
    let mut depth = 0;
    loop {
        if depth > max {
            return true;
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// For each of `points` (ascending), the index of the innermost range that
/// holds it: of those holding it, the one starting last (the last in
/// `ranges` among equals).
///
/// One sweep over points and ranges by position, O((ranges + points) log
/// ranges): a file of many functions with a match in each is not quadratic.
fn innermost(ranges: &[Range<usize>], points: &[usize]) -> Vec<Option<usize>> {
    let mut by_start: Vec<usize> = (0..ranges.len()).collect();
    by_start.sort_by_key(|&i| ranges[i].start);
    let mut next = 0;
    // The ranges started at or before the point, the innermost candidate on
    // top. One that ended at or before a point holds no later point either,
    // so it leaves for good once it reaches the top.
    let mut open: std::collections::BinaryHeap<(usize, usize)> =
        std::collections::BinaryHeap::new();
    points
        .iter()
        .map(|&at| {
            while let Some(&i) = by_start.get(next)
                && ranges[i].start <= at
            {
                open.push((ranges[i].start, i));
                next += 1;
            }
            while let Some(&(_, i)) = open.peek()
                && ranges[i].end <= at
            {
                open.pop();
            }
            open.peek().map(|&(_, i)| i)
        })
        .collect()
}

/// Every grammar of a language, by key (TypeScript has one for `.tsx`).
pub fn grammars(language: Language) -> Vec<(&'static str, tree_sitter::Language)> {
    language
        .spec()
        .grammars
        .iter()
        .map(|g| (g.key, (g.load)()))
        .collect()
}

/// Where a tree's syntax errors are. tree-sitter recovers from an error by
/// wrapping what it could not fit in an ERROR node or by inserting a
/// zero-width MISSING node, and parses the rest as usual.
#[derive(Debug, Default)]
struct SyntaxErrors {
    /// The byte ranges of the outermost ERROR nodes and the (empty) places
    /// of MISSING nodes, in file order.
    regions: Vec<Range<usize>>,
    /// The bytes the ERROR nodes cover.
    bytes: usize,
    /// 1-based line of the first error; None when the tree has none.
    first_line: Option<u32>,
}

impl SyntaxErrors {
    /// Whether the byte at `at` lies in an error.
    fn holds(&self, at: usize) -> bool {
        let i = self.regions.partition_point(|r| r.end <= at);
        self.regions
            .get(i)
            .is_some_and(|r| r.start <= at && at < r.end)
    }

    /// Whether `range` touches an error: shares a byte with an ERROR node,
    /// or holds a MISSING node's place (its ends included).
    fn overlaps(&self, range: &Range<usize>) -> bool {
        let i = self.regions.partition_point(|r| r.end < range.start);
        self.regions[i..]
            .iter()
            .take_while(|r| r.start <= range.end)
            .any(|r| {
                if r.is_empty() {
                    range.start <= r.start && r.start <= range.end
                } else {
                    r.start < range.end && range.start < r.end
                }
            })
    }
}

/// The syntax errors of a tree, found by walking only the subtrees that
/// hold one (an explicit cursor: no recursion).
fn syntax_errors(tree: &Tree) -> SyntaxErrors {
    let mut errors = SyntaxErrors::default();
    if !tree.root_node().has_error() {
        return errors;
    }
    let mut cursor = tree.walk();
    let mut children = tree.walk();
    loop {
        let node = cursor.node();
        let is_error = node.is_error();
        // A cursor does not visit a MISSING token the grammar hides (Python's
        // `_newline`): the error is then somewhere in the node holding it,
        // which counts whole.
        let mut hidden = || !node.children(&mut children).any(|c| c.has_error());
        if is_error || node.is_missing() || (node.has_error() && hidden()) {
            errors
                .first_line
                .get_or_insert(node.start_position().row as u32 + 1);
            if node.is_missing() {
                errors.regions.push(node.start_byte()..node.start_byte());
            } else {
                errors.bytes += node.byte_range().len();
                errors.regions.push(node.byte_range());
            }
        } else if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return errors;
            }
        }
    }
}

/// Leaves out the functions whose text touches a syntax error: what the
/// parser made of them is a guess, so their numbers would be too. The
/// functions elsewhere in the file are measured as usual.
fn drop_broken_functions(facts: &mut FileFacts, scratch: &mut Scratch, errors: &SyntaxErrors) {
    let keep: Vec<bool> = scratch
        .function_ranges
        .iter()
        .map(|r| !errors.overlaps(r))
        .collect();
    let mut flags = keep.iter();
    facts
        .functions
        .retain(|_| flags.next().copied().unwrap_or(false));
    let mut flags = keep.iter();
    scratch
        .function_ranges
        .retain(|_| flags.next().copied().unwrap_or(false));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> SourceFile {
        SourceFile {
            path: path.into(),
            abs: path.into(),
            blob: None,
            language: Language::from_path(path).unwrap(),
            decided: Default::default(),
            size: 0,
        }
    }

    fn reason(path: &str, bytes: &[u8], max: u64) -> String {
        analyze_bytes(&file(path), bytes, max, &[])
            .unwrap_err()
            .reason
    }

    /// The innermost range holding `at`, by looking at every range.
    fn innermost_by_scan(ranges: &[Range<usize>], at: usize) -> Option<usize> {
        ranges
            .iter()
            .enumerate()
            .filter(|(_, r)| r.contains(&at))
            .max_by_key(|(_, r)| r.start)
            .map(|(i, _)| i)
    }

    #[test]
    fn innermost_range_in_one_sweep() {
        // Nested, disjoint, empty, equal and overlapping ranges, unsorted.
        let ranges = [
            10..50,
            0..100,
            20..30,
            20..30,
            35..35,
            60..70,
            65..90,
            20..25,
            95..100,
            5..6,
        ];
        let points: Vec<usize> = (0..105).collect();
        let swept = innermost(&ranges, &points);
        for (&at, got) in points.iter().zip(&swept) {
            assert_eq!(*got, innermost_by_scan(&ranges, at), "at {at}");
        }
        assert_eq!(swept[22], Some(7));
        assert_eq!(swept[27], Some(3));
        assert_eq!(swept[35], Some(0));
        assert_eq!(swept[100], None);
        // Pseudo-random ranges and points, against the scan.
        let mut x: u64 = 7;
        let mut rand = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) % n) as usize
        };
        for _ in 0..50 {
            let ranges: Vec<Range<usize>> = (0..rand(30))
                .map(|_| {
                    let a = rand(200);
                    a..a + rand(80)
                })
                .collect();
            let mut points: Vec<usize> = (0..rand(40)).map(|_| rand(300)).collect();
            points.sort_unstable();
            points.dedup();
            let swept = innermost(&ranges, &points);
            for (&at, got) in points.iter().zip(&swept) {
                assert_eq!(*got, innermost_by_scan(&ranges, at), "{ranges:?} at {at}");
            }
        }
    }

    #[test]
    fn tree_depth_is_measured_without_recursion() {
        // Each `a::{` is two levels: a scoped use list and its list.
        let n = 10_000;
        let src = format!("use {}b{};\n", "a::{".repeat(n), "}".repeat(n));
        let tree = parse(Language::from_name("rust").unwrap(), "x.rs", &src).unwrap();
        assert!(deeper_than(&tree, 19_000));
        assert!(!deeper_than(&tree, 21_000));
        let flat = parse(Language::from_name("python").unwrap(), "m.py", "x = [1]\n").unwrap();
        // module, expression_statement, assignment, list, integer.
        assert!(deeper_than(&flat, 3));
        assert!(!deeper_than(&flat, 4));
    }

    #[test]
    fn bad_content_is_skipped_with_a_reason() {
        assert_eq!(
            reason("a.py", b"x = 1\0", 100),
            "binary (contains a NUL byte)"
        );
        assert_eq!(
            reason("a.py", b"x = '\xff'", 100),
            "invalid UTF-8 at byte 5"
        );
        assert!(reason("a.py", b"x = 1\n", 3).starts_with("larger than max_file_bytes"));
        // Errors over most of the file: nothing in it is worth measuring.
        assert_eq!(
            reason("a.py", b"x = [1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,]\n", 100),
            "does not parse (syntax errors cover most of it, the first at line 1)"
        );
        // A MISSING token the grammar hides (Python's newline) is not
        // visited by a cursor: the node holding it counts as the error.
        assert_eq!(
            reason("a.py", b"class A:\n    pass\n\n1syntax_error\n", 100),
            "does not parse (syntax errors cover most of it, the first at line 1)"
        );
    }

    fn analyzed(path: &str, text: &str, queries: &[QueryJob]) -> FileFacts {
        analyze_text(&file(path), text, queries).unwrap()
    }

    fn names(facts: &FileFacts) -> Vec<&str> {
        facts.functions.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn functions_away_from_a_syntax_error_are_measured() {
        // Valid Rust that tree-sitter-rust misreads: `str` is a primitive
        // type to it, so the `!` of the `str![[…]]` macro is an ERROR.
        let src = "use snapbox::str;\n\
                   \n\
                   fn before(a: u32) -> u32 {\n    a\n}\n\
                   \n\
                   #[test]\n\
                   fn snapshot() {\n    let expected = str![[r#\"\n  ok\n\"#]];\n    check(expected);\n}\n\
                   \n\
                   fn after() {}\n";
        let facts = analyzed("tests/it.rs", src, &[]);
        assert_eq!(facts.parse_error, Some(9));
        assert_eq!(names(&facts), ["before", "after"]);
        assert_eq!(facts.functions[1].line, 15);
        // Line counts are the whole file's.
        assert_eq!(facts.lines.total(), 15);
        // Python that tree-sitter-python rejects (a starred target inside
        // a list target, valid since Python 3.0): only `g` holds it.
        let src = "def f():\n    return 1\n\ndef g(d):\n    for [*[*a]], b in d:\n        pass\n\nclass C:\n    def m(self):\n        pass\n";
        let facts = analyzed("m.py", src, &[]);
        assert_eq!(facts.parse_error, Some(5));
        assert_eq!(names(&facts), ["f", "C.m"]);
        // A clean file says nothing.
        assert_eq!(
            analyzed("ok.py", "def f():\n    pass\n", &[]).parse_error,
            None
        );
    }

    #[test]
    fn errors_covering_half_of_a_file_skip_it() {
        // The same error, with more or less valid code around it.
        let broken = "x = [1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,]\n";
        let errors =
            |text: &str| syntax_errors(&parse(file("a.py").language, "a.py", text).unwrap());
        let e = errors(broken);
        assert!(e.bytes > 0 && e.bytes * 2 > broken.len(), "{e:?}");
        assert!(analyze_text(&file("a.py"), broken, &[]).is_err());
        let padded = format!("{broken}{}", "y = 1\n".repeat(e.bytes / 6 + 1));
        assert_eq!(errors(&padded).bytes, e.bytes);
        let facts = analyze_text(&file("a.py"), &padded, &[]).unwrap();
        assert_eq!(facts.parse_error, Some(1));
    }

    #[test]
    fn error_regions_and_overlaps() {
        let e = SyntaxErrors {
            regions: vec![10..20, 30..30, 40..50],
            bytes: 20,
            first_line: Some(1),
        };
        assert!(!e.holds(9) && e.holds(10) && e.holds(19) && !e.holds(20));
        assert!(!e.holds(30) && e.holds(45) && !e.holds(50));
        assert!(e.overlaps(&(0..11)) && !e.overlaps(&(0..10)) && !e.overlaps(&(20..29)));
        // A MISSING node's place counts at either end of a range.
        assert!(e.overlaps(&(25..30)) && e.overlaps(&(30..35)) && !e.overlaps(&(31..39)));
        assert!(e.overlaps(&(0..100)) && !e.overlaps(&(50..60)));
    }

    #[test]
    fn query_matches_inside_an_error_are_dropped() {
        let python = Language::from_name("python").unwrap();
        let job = QueryJob {
            metric: "calls".into(),
            language: python,
            engine: query::Engine::Query(std::sync::Arc::new(
                query::compile(python, "(call) @c").unwrap(),
            )),
        };
        let src = "def f():\n    print(1)\n\nfor [*[print(2)]], b in d:\n    pass\n\nprint(3)\n";
        let facts = analyzed("m.py", src, std::slice::from_ref(&job));
        let lines: Vec<(u32, Option<usize>)> = facts
            .query_hits
            .iter()
            .map(|h| (h.line, h.function))
            .collect();
        assert_eq!(facts.parse_error, Some(4));
        assert_eq!(lines, [(2, Some(0)), (7, None)]);
    }

    /// A source that counts its reads, to show the cache saves them.
    struct Counting(std::sync::atomic::AtomicUsize, &'static [u8]);

    impl Source for Counting {
        fn read(&self, _: &SourceFile) -> std::io::Result<Vec<u8>> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(self.1.to_vec())
        }
    }

    #[test]
    fn identical_blobs_are_analyzed_once_per_cache() {
        let src = Counting(Default::default(), b"def f(x): ...\n");
        let blob = git2::Oid::hash_object(git2::ObjectType::Blob, src.1).unwrap();
        let mut a = file("a.py");
        a.blob = Some(blob);
        let mut b = file("pkg/b.py");
        b.blob = Some(blob);
        let cache = FactsCache::default();
        let first = analyze_cached(std::slice::from_ref(&a), &src, 1000, &[], &cache);
        let second = analyze_cached(std::slice::from_ref(&b), &src, 1000, &[], &cache);
        assert_eq!(src.0.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert_eq!(first.files[0].functions, second.files[0].functions);
        assert_eq!(second.files[0].path, "pkg/b.py");
        // A working-tree file with the same content hits the cache by its hash.
        let third = analyze_cached(&[file("c.py")], &src, 1000, &[], &cache);
        assert_eq!(third.files[0].path, "c.py");
        assert_eq!(third.files[0].functions.len(), 1);
    }
}
