//! The `query` kind end to end: the README's three example rules find
//! exactly the functions fixtures/queries/expected.toml lists, and a query that
//! does not compile is an error at its line of quality.toml.

use crate::common;

use common::expected::Expected;
use common::{counts, offenders};

fn run_on(dir: &tempfile::TempDir) -> (i32, String, String) {
    let out = common::qscan()
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .expect("qscan runs");
    common::parts(&out)
}

#[test]
fn example_rules_find_exactly_the_expected_functions() {
    let dir = common::fixture_copy("queries");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, r, stderr) = common::json(&[&root]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("queries").check(code, &r);
}

#[test]
fn readme_shows_the_fixture_rules_verbatim() {
    let readme = include_str!("../../README.md");
    let rules = include_str!("../../fixtures/queries/quality.toml");
    for table in rules.split("\n[").skip(1) {
        let table = format!("[{}", table.trim_end());
        assert!(
            readme.contains(&table),
            "README.md should show this rule as fixtures/queries/quality.toml has it:\n{table}"
        );
    }
}

#[test]
fn file_units_and_default_messages() {
    let dir = common::fixture_copy("queries");
    common::config_file(
        &dir,
        "[metrics.unwraps]\nkind = \"query\"\nlanguage = \"rust\"\n\
         query = '(call_expression function: (field_expression field: (field_identifier) @m (#eq? @m \"unwrap\")))'\n\
         [metrics.none]\nkind = \"query\"\nlanguage = \"python\"\nunit = \"function\"\n\
         query = '((identifier) @i (#eq? @i \"no_such_name\"))'\n",
    );
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, r, stderr) = common::json(&[&root]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(counts(&r, "unwraps"), (0, 1));
    assert_eq!(offenders(&r, "unwraps"), ["locks.rs locks.rs"]);
    assert_eq!(
        common::metric(&r, "unwraps")["offenders"][0]["detail"],
        "matches the query (lines 12, 26, 34, 49, 55, 62)"
    );
    assert_eq!(counts(&r, "none"), (16, 16));
}

#[test]
fn an_invalid_query_points_at_its_line_in_quality_toml() {
    let dir = common::fixture_copy("queries");
    common::config_file(
        &dir,
        "[metrics.locks]\nkind = \"query\"\nlanguage = \"rust\"\nquery = '''\n(function_item\n  body: (blok) @b)\n'''\n\
         [metrics.calls]\nkind = \"query\"\nlanguage = \"python\"\nquery = \"(call function: (identifer) @f)\"\n",
    );
    // The repository's own quality.toml: the place, no line of it.
    let out = common::qscan()
        .arg(dir.path())
        .output()
        .expect("qscan runs");
    insta::assert_snapshot!(
        "invalid_query",
        common::cli::outcome(&out, &[(dir.path(), "[ROOT]")])
    );
    // A definition the user names with --config shows the line and a caret.
    let own = dir.path().join("quality.toml");
    let out = common::qscan()
        .arg(dir.path())
        .arg("--config")
        .arg(&own)
        .output()
        .expect("qscan runs");
    insta::assert_snapshot!(
        "invalid_query_with_config",
        common::cli::outcome(&out, &[(dir.path(), "[ROOT]")])
    );
}

#[test]
fn query_settings_are_checked() {
    let dir = common::fixture_copy("queries");
    common::config_file(
        &dir,
        "[metrics.a]\nkind = \"query\"\nlanguage = \"cobol\"\nquery = \"(x) @x\"\n\
         [metrics.b]\nkind = \"query\"\nlanguage = \"rust\"\nunit = \"module\"\nquery = \"(function_item) @f\"\n\
         [metrics.c]\nkind = \"query\"\nlanguage = \"rust\"\n\
         [metrics.d]\nkind = \"query\"\nlanguage = \"rust\"\nquery = \"(function_item)\"\n\
         [metrics.e]\nkind = \"typed\"\nmessage = \"x\"\n",
    );
    let (code, _, stderr) = run_on(&dir);
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "quality.toml:3:12: unknown language `cobol`; expected one of python, javascript, typescript, rust",
        "quality.toml:8:8: unit `module` is not known; expected \"function\" or \"file\"",
        "quality.toml:10:1: metric `c` of kind `query` needs `query`: a tree-sitter query",
        "quality.toml:16:10: this pattern captures no node",
        "quality.toml:19:11: `message` does not apply to metric `e` of kind `typed`",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}
