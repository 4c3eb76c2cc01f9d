//! File roles (README, "File roles"): the roles fixture's hand-counted
//! numbers (fixtures/roles/expected.toml), `qscan files`, and
//! `.gitattributes` read from the snapshot scanned.

use std::process::Output;

use crate::common;
use crate::common::repo::TestRepo;

use common::expected::Expected;

fn files_in(dir: &std::path::Path, args: &[&str]) -> Output {
    common::qscan()
        .current_dir(dir)
        .arg("files")
        .args(args)
        .output()
        .expect("qscan runs")
}

fn stdout(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn roles_fixture_numbers() {
    let dir = common::fixture_as_is("roles");
    let root = dir.path().to_str().expect("utf-8 temp path");
    let (code, report, stderr) = common::json(&[root]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("roles").check(code, &report);
}

#[test]
fn the_text_report_counts_files_per_role() {
    let dir = common::fixture_as_is("roles");
    let out = common::qscan()
        .arg(dir.path())
        .args(["--color", "never"])
        .output()
        .expect("qscan runs");
    assert!(
        stdout(&out).contains(
            "\nfiles: 23 scanned (python 22, typescript 1); roles: source 6, test 1, stub 2, \
             generated 7, vendored 1, docs 2, example 3, bench 1\n"
        ),
        "{}",
        stdout(&out)
    );
}

/// Every file of the fixture with the rule that decided its role (the
/// comments of fixtures/roles/expected.toml say why).
const LISTING: &str = "\
source     -           .gitattributes  default
docs       -           README.md  path: *.md
bench      python      benches/bench_app.py  path: benches/
example    python      demo/made.py  quality.toml [scan.roles] example \"demo/**\"
example    python      demo/run.py  quality.toml [scan.roles] example \"demo/**\"
source     python      docs/api/ref.py  .gitattributes:4: linguist-documentation=false
docs       python      docs/conf.py  path: docs/
generated  python      docs/gen_ref.py  marker line 1: DO NOT EDIT
example    python      examples/demo_app.py  path: examples/
source     -           expected.toml  default
vendored   python      extern/lib.py  path: extern/
source     python      extern/own.py  .gitattributes:6: linguist-vendored=false
docs       python      manual/guide.py  .gitattributes:5: linguist-documentation
source     -           quality.toml  default
generated  python      src/api_pb2.py  .gitattributes:2: linguist-generated
source     python      src/app.py  default
generated  python      src/auto.py  marker line 3: automatically generated
generated  python      src/autogen2.py  marker line 1: auto-generated
generated  python      src/go_style.py  marker line 2: DO NOT EDIT
source     python      src/keep_gen.py  .gitattributes:3: -linguist-generated
source     python      src/late_marker.py  default
generated  python      src/marked_at.py  marker line 1: @generated
source     python      src/model.py  default
generated  python      src/schema_gen.py  quality.toml [scan.roles] generated \"src/schema_gen.py\"
stub       python      src/types.pyi  path: *.pyi
test       python      tests/test_app.py  path: test pattern test_*.py
stub       typescript  web/index.d.ts  path: *.d.ts
";

#[test]
fn files_lists_each_file_with_the_rule_that_decided() {
    let dir = common::fixture_as_is("roles");
    assert_eq!(stdout(&files_in(dir.path(), &[])), LISTING);
    // PATHs narrow the list: a file, and a folder (resolved lexically).
    let out = stdout(&files_in(dir.path(), &["src/keep_gen.py", "./src/../docs"]));
    assert_eq!(
        out,
        "source     python  docs/api/ref.py  .gitattributes:4: linguist-documentation=false\n\
         docs       python  docs/conf.py  path: docs/\n\
         generated  python  docs/gen_ref.py  marker line 1: DO NOT EDIT\n\
         source     python  src/keep_gen.py  .gitattributes:3: -linguist-generated\n"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&files_in(
        dir.path(),
        &["--json", "src/auto.py", "README.md"],
    )))
    .expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"files": [
            {"path": "README.md", "role": "docs", "language": null, "decided_by": "path",
             "rule": "path: *.md"},
            {"path": "src/auto.py", "role": "generated", "language": "python",
             "decided_by": "marker", "rule": "marker line 3: automatically generated"},
        ]})
    );
}

#[test]
fn files_refuses_paths_it_cannot_list() {
    let dir = common::fixture_as_is("roles");
    for (args, message) in [
        (
            &["src/nope.py"][..],
            "qscan: error: no file of the snapshot lies at src/nope.py\n",
        ),
        (
            &["sr"][..],
            "qscan: error: no file of the snapshot lies at sr\n",
        ),
        (&["../.."][..], "lies outside the repository\n"),
    ] {
        let out = files_in(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn files_escapes_the_names_it_prints() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a\u{1b}[2Jb.py"), "def f():\n    pass\n").expect("write");
    let out = stdout(&files_in(dir.path(), &[]));
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("source     python  a"), "{out:?}");
}

#[test]
fn unknown_roles_are_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.py"), "def f():\n    pass\n").expect("write");
    std::fs::write(
        dir.path().join("quality.toml"),
        "[metrics.typed]\nroles = [\"sources\"]\n",
    )
    .expect("write");
    let stderr = common::error_in(dir.path());
    assert!(
        stderr.contains(
            "quality.toml:2:9: unknown role `sources` in metric `typed` (did you mean `source`?)"
        ),
        "{stderr}"
    );
}

/// `--rev` reads the `.gitattributes` of the commit's tree, not the
/// working tree's; the scan's metrics see the roles of the commit.
#[test]
fn gitattributes_come_from_the_revision_scanned() {
    let mut r = TestRepo::new();
    r.commit_files(
        "Initial",
        &[
            (".gitattributes", "gen.py linguist-generated\n"),
            ("gen.py", "def g(x):\n    return x\n"),
            ("app.py", "def a(x: int) -> int:\n    return x\n"),
            ("quality.toml", "[metrics.typed]\n"),
        ],
    );
    // The working tree now says app.py is generated, and no longer gen.py.
    r.write(".gitattributes", "app.py linguist-generated\n");
    let root = r.dir.path();
    let listing = |args: &[&str]| stdout(&files_in(root, args));
    assert_eq!(
        listing(&["--rev", "HEAD", "gen.py", "app.py"]),
        "source     python  app.py  default\n\
         generated  python  gen.py  .gitattributes:1: linguist-generated\n"
    );
    assert_eq!(
        listing(&["gen.py", "app.py"]),
        "generated  python  app.py  .gitattributes:1: linguist-generated\n\
         source     python  gen.py  default\n"
    );
    // PATHs are relative to the current folder, inside the repository.
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    assert_eq!(
        stdout(&files_in(&root.join("sub"), &["../gen.py"])),
        "source     python  gen.py  default\n"
    );
    // The index holds the commit's .gitattributes until it is staged.
    assert_eq!(
        listing(&["--staged", "gen.py"]),
        "generated  python  gen.py  .gitattributes:1: linguist-generated\n"
    );
    // typed measures the source files: app.py (typed) at HEAD, gen.py
    // (untyped) in the working tree.
    let (_, at_head, stderr) = common::json(&[r.path(), "--rev", "HEAD"]);
    assert_eq!(common::counts(&at_head, "typed"), (1, 1), "{stderr}");
    let (_, now, stderr) = common::json(&[r.path()]);
    assert_eq!(common::counts(&now, "typed"), (0, 1), "{stderr}");
}

/// History metrics see every role by default; `roles` narrows them too,
/// deleted paths included (decided by the snapshot's rules).
#[test]
fn history_metrics_take_roles() {
    let mut r = TestRepo::new();
    r.commit_files(
        "One",
        &[
            ("app.py", "A = 1\n"),
            ("docs/guide.md", "one\n"),
            (
                "quality.toml",
                "[metrics.change-size]\nmax_files = 1\n\
                 [metrics.source-changes]\nkind = \"change-size\"\nmax_files = 1\nroles = [\"source\"]\n",
            ),
        ],
    );
    r.commit_files("Two", &[("app.py", "A = 2\n"), ("docs/guide.md", "two\n")]);
    let (_, report, stderr) = common::json(&[r.path()]);
    // Both units touch two files, one of them docs (and quality.toml, a
    // source file, in the first).
    assert_eq!(common::counts(&report, "change-size"), (0, 2), "{stderr}");
    assert_eq!(
        common::counts(&report, "source-changes"),
        (1, 2),
        "{stderr}"
    );
}

/// The Python fixture with its own definition, each metric measuring its
/// kind's default roles: its 4 test files (fixtures/python/expected.toml,
/// counted when every metric measured every file) leave the file and
/// function metrics.
#[test]
fn default_roles_on_the_python_fixture() {
    let dir = common::fixture_as_is("python");
    let root = dir.path().to_str().expect("utf-8 temp path");
    let (code, report, stderr) = common::json(&[root]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["files"]["roles"],
        serde_json::json!({"source": 7, "test": 4})
    );
    let counts: Vec<(u64, u64)> = [
        "typed",
        "typed-mypy",
        "test-association",
        "large-files",
        "interface-width",
        "http-client",
    ]
    .iter()
    .map(|m| common::counts(&report, m))
    .collect();
    assert_eq!(
        counts,
        [
            // 23/33 less the 4 test functions, all offenders.
            (23, 29),
            // 26/33 less the same 4, of which mypy mode passes test_basket.
            (25, 29),
            // Test files were never units of these two.
            (3, 5),
            // 10/11 less the 4 test files, all within the limit.
            (6, 7),
            (5, 7),
            // No test file uses an HTTP client.
            (1, 2),
        ]
    );
    // (79.3 + 86.2 + 60 + 85.7 + 71.4 + 50) / 6 = 72.1
    assert_eq!(report["score"], 72.1);
}

/// Facts are cached by content; a role is the path's, so two files with the
/// same content keep their own roles, and a role changed between runs is not
/// read back from the cache on disk.
#[test]
fn cached_facts_do_not_carry_roles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |p: &str, text: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    let body = "def f(x):\n    return x\n";
    write("src/a.py", body);
    write("docs/a.py", body);
    write("quality.toml", "[metrics.typed]\n");
    let (_, report, stderr) = common::json(&[dir.path().to_str().expect("utf-8")]);
    assert_eq!(common::counts(&report, "typed"), (0, 1), "{stderr}");

    let cache = tempfile::tempdir().expect("cache dir");
    let typed = || {
        let out = common::qscan()
            .env_remove("QSCAN_NO_CACHE")
            .env("QSCAN_CACHE_DIR", cache.path())
            .arg(dir.path())
            .args(["--format", "json"])
            .output()
            .expect("qscan runs");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        common::counts(&report, "typed")
    };
    write(".gitattributes", "src/a.py linguist-generated\n");
    assert_eq!(typed(), (0, 0));
    write(".gitattributes", "\n");
    assert_eq!(typed(), (0, 1));
}
