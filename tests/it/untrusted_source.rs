//! Adversarial source files and reports, end to end: nesting thousands of
//! levels deep, files large enough to exhaust memory, shapes that made an
//! analysis quadratic, and coverage reports naming lines far past the end of
//! a file. Each run exits 0, 1 or 2 (or, out of memory, aborts with a
//! message); none overflows a stack, writes through NULL, or takes minutes.
//!
//! Every input is generated inside the test, in a throwaway folder.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// A folder holding `files` and a quality.toml of `config`.
fn repo(config: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::config_file(&dir, config);
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).expect("write source");
    }
    dir
}

/// `qscan --format json DIR` as the test harness runs it, with at most
/// `memory` bytes of address space when given.
fn run(dir: &Path, memory: Option<u64>) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qscan"));
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("QSCAN_NO_CACHE", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["--format", "json"])
        .arg(dir);
    if let Some(bytes) = memory {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe and touches nothing of the
        // parent's: it is all a child may do between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let started = Instant::now();
    let out = cmd.output().expect("qscan runs");
    (out, started.elapsed())
}

/// Runs qscan on `dir`, which must end with exit 0 or 1 and a JSON report
/// in which every file was analyzed; returns the report and how long it took.
fn scan(dir: &TempDir) -> (Value, Duration) {
    let (out, took) = run(dir.path(), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["files"]["skipped"], json!([]), "{stderr}");
    (report, took)
}

/// The detail of a metric's first offender.
fn detail(report: &Value, metric: &str) -> String {
    common::metric(report, metric)["offenders"][0]["detail"]
        .as_str()
        .expect("an offender")
        .to_string()
}

const WIDTH: &str = "[scan]\nmax_file_bytes = 4000000\n\
                     [metrics.interface-width]\nmax_items = 1\n[metrics.typed]\n";

/// A second file, so the deep one is analyzed on a worker thread with its
/// smaller stack.
const SMALL: (&str, &str) = ("small.py", "def f(a: int) -> int:\n    return a\n");

#[test]
fn rust_use_lists_3000_deep_on_a_worker_thread() {
    let n = 3000;
    let deep = format!("pub use {}b{};\n", "a::{".repeat(n), "}".repeat(n));
    assert!(deep.len() <= 15_100);
    let dir = repo(WIDTH, &[("lib.rs", &deep), SMALL]);
    let (report, _) = scan(&dir);
    assert_eq!(report["files"]["scanned"], 2);
    // Two public items: `b`, and the 100,000-deep one below.
    let deeper = format!(
        "pub use {}c{};\n",
        "a::{".repeat(100_000),
        "}".repeat(100_000)
    );
    let dir = repo(WIDTH, &[("lib.rs", &format!("{deep}{deeper}")), SMALL]);
    let (report, _) = scan(&dir);
    assert_eq!(detail(&report, "interface-width"), "2 public items (max 1)");
}

#[test]
fn query_metrics_skip_a_file_nesting_deeper_than_10000_levels() {
    // tree-sitter's query cursor did not finish in ten minutes on 100,000
    // nested use lists: the file is skipped, with the reason.
    let n = 100_000;
    let deep = format!("pub use {}b{};\n", "a::{".repeat(n), "}".repeat(n));
    let dir = repo(
        "[scan]\nmax_file_bytes = 4000000\n\
         [metrics.ids]\nkind = \"query\"\nlanguage = \"rust\"\nquery = \"(identifier) @i\"\n",
        &[("deep.rs", &deep), ("lib.rs", "fn f() { g(); }\n")],
    );
    let (out, took) = run(dir.path(), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(
        report["files"]["skipped"],
        json!([{
            "path": "deep.rs",
            "reason": "nests more than 10000 levels deep, too deep for the query metrics"
        }])
    );
    assert_eq!(common::counts(&report, "ids"), (0, 1));
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn a_test_file_with_a_deep_use_tree_of_many_leaves() {
    // A test file keeps the paths it names, for test association: 20,000
    // leaves 20,000 levels deep were 20,000 paths of 20,000 segments (210 s
    // and 2.6 GB here in a debug build).
    let n = 20_000;
    let leaves: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
    let deep = format!(
        "use {}{}{};\n",
        "a::{".repeat(n),
        leaves.join(", "),
        "}".repeat(n)
    );
    let dir = repo(
        "[scan]\nmax_file_bytes = 4000000\n[metrics.test-association]\n",
        &[("lib.rs", "pub fn f() {}\n")],
    );
    std::fs::create_dir(dir.path().join("tests")).expect("tests folder");
    std::fs::write(dir.path().join("tests/deep.rs"), deep).expect("write test");
    let (report, took) = scan(&dir);
    assert_eq!(report["files"]["scanned"], 2);
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn javascript_patterns_and_subscripts_nested_deep() {
    let n = 50_000;
    let js = format!(
        "export const {}x{} = o;\nexport const {}y{} = p;\nexports{}{} = function () {{}};\n",
        "{a: ".repeat(n),
        "}".repeat(n),
        "[".repeat(n),
        "]".repeat(n),
        "[a".repeat(n),
        "]".repeat(n),
    );
    let dir = repo(WIDTH, &[("deep.js", &js), SMALL]);
    let (report, _) = scan(&dir);
    assert_eq!(report["files"]["scanned"], 2);
    // `x` and `y`; the subscript's innermost key is not a plain name.
    assert_eq!(detail(&report, "interface-width"), "2 public items (max 1)");
}

#[test]
fn javascript_ts_check_functions_nested_deep() {
    // Every function looks up its JSDoc block; 20,000 nested arrow
    // functions took minutes when each lookup searched from the root.
    let js = format!("// @ts-check\nconst f = {}1;\n", "() => ".repeat(20_000));
    let dir = repo(WIDTH, &[("deep.js", &js), SMALL]);
    let (report, took) = scan(&dir);
    assert_eq!(common::counts(&report, "typed"), (20_001, 20_001));
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn python_targets_chains_and_conditions_nested_deep() {
    let n = 50_000;
    let chain: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let py = format!(
        "{}a{} = v\n{} = 1\nassert {}x\nassert {}\nassert {}x{}\ny = {}1{}\n",
        "[".repeat(n),
        "]".repeat(n),
        chain.join(" = "),
        "not ".repeat(n),
        vec!["x"; n].join(" and "),
        "(".repeat(n),
        ")".repeat(n),
        "(".repeat(n),
        ")".repeat(n),
    );
    let dir = repo(WIDTH, &[("deep.py", &py), SMALL]);
    let (report, _) = scan(&dir);
    assert_eq!(report["files"]["scanned"], 2);
    // `a`, the 100,000 names of the chain, and `y`.
    let details: Vec<&str> = common::metric(&report, "interface-width")["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .filter_map(|o| o["detail"].as_str())
        .collect();
    assert_eq!(details, ["100002 public items (max 1)"]);
}

#[test]
fn a_module_level_assert_nested_deep_still_decides_reachability() {
    // mypy skips what follows `assert sys.platform == "win32"` (false on
    // its target); the same condition under 50,000 `not not` still does.
    let py = format!(
        "def before(a: int) -> int:\n    return a\n\
         assert {}sys.platform == \"win32\"\n\
         def after(a):\n    return a\n",
        "not not ".repeat(50_000)
    );
    let dir = repo("[metrics.typed]\n", &[("m.py", &py)]);
    let (report, _) = scan(&dir);
    // `after` is unreachable: not a typed unit.
    assert_eq!(common::counts(&report, "typed"), (1, 1));
}

/// At least `bytes` of Python code (functions, lists, strings and
/// comments), and how many functions it holds.
fn python_of(bytes: usize) -> (String, u64) {
    let mut out = String::with_capacity(bytes + 100);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&format!(
            "def f_{i}(a: int, b) -> list:\n    return [a, b, \"s{i}\"]  # c\n"
        ));
        i += 1;
    }
    (out, i)
}

fn large_file(bytes: usize) {
    let config = format!(
        "[scan]\nmax_file_bytes = {}\n[metrics.typed]\n[metrics.interface-width]\nmax_items = 25\n",
        bytes * 2
    );
    let (big, functions) = python_of(bytes);
    let dir = repo(&config, &[("big.py", &big), SMALL]);
    let (report, _) = scan(&dir);
    // Each function of both files is a typed unit.
    assert_eq!(common::counts(&report, "typed").1, functions + 1);
}

#[test]
fn a_large_file_with_max_file_bytes_raised() {
    large_file(2_000_000);
}

/// 100 MB takes minutes and gigabytes in a debug build:
/// `cargo test --release --test it untrusted_source:: -- --ignored`.
#[test]
#[ignore]
fn a_100_megabyte_file_with_max_file_bytes_raised() {
    large_file(100_000_000);
}

#[test]
fn out_of_memory_while_parsing_aborts_with_a_message() {
    // 8 MB of code needs about 500 MB; give the process 200 MB of address
    // space. tree-sitter's allocations then fail: a message and an abort,
    // never a write through NULL (a segmentation fault).
    let config = "[scan]\nmax_file_bytes = 100000000\n[metrics.typed]\n";
    let dir = repo(config, &[("big.py", &python_of(8_000_000).0)]);
    let (out, _) = run(dir.path(), Some(200 << 20));
    let stderr = String::from_utf8_lossy(&out.stderr);
    use std::os::unix::process::ExitStatusExt;
    match out.status.signal() {
        Some(libc::SIGABRT) => assert!(
            stderr.contains("qscan: error: out of memory")
                || stderr.contains("memory allocation of"),
            "{stderr}"
        ),
        Some(other) => panic!("killed by signal {other}: {stderr}"),
        None => assert!(matches!(out.status.code(), Some(0..=2)), "{stderr}"),
    }
}

#[test]
fn a_megabyte_of_python_assignments_is_linear() {
    let mut py = String::new();
    let mut i = 0;
    while py.len() < 1_000_000 {
        py.push_str(&format!("name_{i} = {i}\n"));
        i += 1;
    }
    let dir = repo(
        "[metrics.interface-width]\nmax_items = 25\n",
        &[("m.py", &py)],
    );
    let (report, took) = scan(&dir);
    assert_eq!(
        detail(&report, "interface-width"),
        format!("{i} public items (max 25)")
    );
    // Quadratic de-duplication took 39 s here in a debug build; linear, 3 s.
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn one_query_over_40000_functions_is_linear() {
    let rs: String = (0..40_000)
        .map(|i| format!("fn f{i}() {{ g(); }}\n"))
        .collect();
    let dir = repo(
        "[scan]\nmax_file_bytes = 4000000\n\
         [metrics.calls]\nkind = \"query\"\nlanguage = \"rust\"\nunit = \"function\"\n\
         query = \"(call_expression) @c\"\n",
        &[("lib.rs", &rs)],
    );
    let (report, took) = scan(&dir);
    // Every function holds its match.
    assert_eq!(common::counts(&report, "calls"), (0, 40_000));
    assert_eq!(
        common::offenders(&report, "calls")[39_999],
        "lib.rs:40000 f39999"
    );
    // Each match searching every function took 75 s here in a debug build.
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn an_llvm_cov_segment_at_line_4_billion_costs_nothing() {
    // A region from line 1 running into a segment on line 4,000,000,000:
    // as llvm-cov counts, every line between is coverable. Only the file's
    // three are scored; the rest is a note, in little time and memory.
    let dir = repo(
        "[metrics.cov]\nkind = \"coverage\"\nreport = \"cov.json\"\n",
        &[
            ("lib.rs", "fn f() {\n    g();\n}\n"),
            (
                "cov.json",
                r#"{"data":[{"files":[{"filename":"lib.rs","segments":[[1,1,1,true,true,false],[4000000000,1,0,false,false,false]]}]}]}"#,
            ),
        ],
    );
    let (out, took) = run(dir.path(), Some(1 << 30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{:?}: {stderr}", out.status);
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(common::counts(&report, "cov"), (3, 3));
    assert!(
        report["notes"].as_array().expect("notes").contains(&json!(
            "metric 'cov': the coverage report names 3999999997 lines past the end of the repository's file (not scored): lib.rs (3999999997)"
        )),
        "{:#}",
        report["notes"]
    );
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn lcov_lines_past_the_end_of_a_file_are_a_note() {
    let dir = repo(
        "[metrics.cov]\nkind = \"coverage\"\nreport = \"lcov.info\"\n",
        &[
            ("a.py", "x = 1\ny = 2\nz = 3\n"),
            (
                "lcov.info",
                "SF:a.py\nDA:1,1\nDA:2,0\nDA:3,1\nDA:4,0\nDA:120,1\nend_of_record\n",
            ),
        ],
    );
    let (report, _) = scan(&dir);
    assert_eq!(common::counts(&report, "cov"), (2, 3));
    assert_eq!(detail(&report, "cov"), "1 line of 3 uncovered: 2");
    assert!(
        report["notes"].as_array().expect("notes").contains(&json!(
            "metric 'cov': the coverage report names 2 lines past the end of the repository's file (not scored): a.py (2)"
        )),
        "{:#}",
        report["notes"]
    );
}
