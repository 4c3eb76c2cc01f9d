//! The `rule` kind end to end: every rule of the pack finds exactly the
//! units fixtures/rules/expected.toml lists; a rule inline or in a file
//! works the same; a rule that does not compile is an error at its line and
//! column in quality.toml or in the rule file; a pattern rule and the
//! equivalent tree-sitter query find the same functions.

use crate::common;

use common::expected::Expected;
use common::{counts, offenders};

fn scan(dir: &tempfile::TempDir) -> (i32, String) {
    let out = common::qscan()
        .arg(dir.path())
        .args(["--color", "never"])
        .output()
        .expect("qscan runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn json_of(dir: &tempfile::TempDir) -> (i32, serde_json::Value, String) {
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    common::json(&[&root])
}

#[test]
fn pack_rules_find_exactly_the_expected_units() {
    let dir = common::fixture_copy("rules");
    let (code, r, stderr) = json_of(&dir);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("rules").check(code, &r);
}

#[test]
fn a_rule_file_and_an_inline_rule_count_alike() {
    let dir = common::fixture_copy("rules");
    std::fs::create_dir(dir.path().join("rules")).expect("mkdir");
    let rule = "# whole files that call save()\nid: saves\nlanguage: python\nunits: file\n\
                message: calls save\nrule:\n  pattern: $X.save()\n";
    std::fs::write(dir.path().join("rules/saves.yml"), rule).expect("write rule");
    common::config_file(
        &dir,
        &format!(
            "[metrics.from-file]\nkind = \"rule\"\nrule_file = \"rules/saves.yml\"\n\n\
             [metrics.inline]\nkind = \"rule\"\nrule_text = '''\n{rule}'''\n"
        ),
    );
    let (code, r, stderr) = json_of(&dir);
    assert_eq!(code, 0, "{stderr}");
    // Python files: django_views, flask_app, fastapi_app, replicas, locks,
    // tables; `x.save()` with no arguments in django_views (lines 8, 16,
    // 47, 51, 63) and replicas (2, 8, 30).
    for name in ["from-file", "inline"] {
        assert_eq!(counts(&r, name), (4, 6), "{name}");
        assert_eq!(
            offenders(&r, name),
            ["django_views.py django_views.py", "replicas.py replicas.py"],
            "{name}"
        );
    }
    assert_eq!(
        common::metric(&r, "inline")["offenders"][0]["detail"],
        "calls save (lines 8, 16, 47, 51, 63)"
    );
}

#[test]
fn an_invalid_inline_rule_points_at_its_line_and_column() {
    let dir = common::fixture_copy("rules");
    common::config_file(
        &dir,
        "[metrics.locks]\nkind = \"rule\"\nrule_text = '''\nid: locks\nlanguage: rust\nrule:\n  any:\n    - pattern: $M.lock()\n    - kind: mutex_call\n'''\n",
    );
    let (code, stderr) = scan(&dir);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "quality.toml:9:13: invalid rule: `rule` is not configured correctly: \
             Kind `mutex_call` is invalid."
        ),
        "{stderr}"
    );
    common::config_file(
        &dir,
        "[metrics.locks]\nkind = \"rule\"\nrule_text = '''\nid: locks\nlanguage: rust\nrule:\n  pattern: $M.lock(\n'''\n",
    );
    let (code, stderr) = scan(&dir);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "quality.toml:7:12: invalid rule: the pattern `$M.lock(` does not parse in the rust grammar"
        ),
        "{stderr}"
    );
}

#[test]
fn an_invalid_rule_file_points_at_its_own_line_and_column() {
    let dir = common::fixture_copy("rules");
    std::fs::create_dir(dir.path().join("rules")).expect("mkdir");
    std::fs::write(
        dir.path().join("rules/bad.yml"),
        "id: ok\nlanguage: python\nrule:\n  pattern: $X.save()\n---\nid: bad\nlanguage: python\nrule:\n  regex: '(unclosed'\n",
    )
    .expect("write rule");
    std::fs::write(
        dir.path().join("rules/keys.yml"),
        "id: k\nlanguage: python\nrule:\n  insde:\n    kind: call\n",
    )
    .expect("write rule");
    common::config_file(
        &dir,
        "[metrics.bad]\nkind = \"rule\"\nrule_file = \"rules/bad.yml\"\n\n\
         [metrics.keys]\nkind = \"rule\"\nrule_file = \"rules/keys.yml\"\n",
    );
    let (code, stderr) = scan(&dir);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "quality.toml:3:13: rules/bad.yml:9:11: invalid rule: `rule` is not configured \
             correctly: regex parse error: (unclosed error: unclosed group\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "quality.toml:7:13: rules/keys.yml:4:3: invalid rule: unknown field `insde`, \
             expected one of pattern, kind, regex, nthChild, range, inside, has, precedes, \
             follows, all, any, not, matches\n"
        ),
        "{stderr}"
    );
}

#[test]
fn bad_rule_references_are_errors() {
    let dir = common::fixture_copy("rules");
    std::fs::write(dir.path().join("big.yml"), "#".repeat((1 << 20) + 1)).expect("write");
    std::fs::write(dir.path().join("latin1.yml"), b"id: \xe9\n").expect("write");
    // Nesting is bounded by the YAML reader (64 levels), before any recursion.
    let deep = format!(
        "id: d\nlanguage: python\nrule: {}{{kind: call}}{}\n",
        "{not: ".repeat(10_000),
        "}".repeat(10_000)
    );
    std::fs::write(dir.path().join("deep.yml"), deep).expect("write");
    common::config_file(
        &dir,
        "[metrics.outside]\nkind = \"rule\"\nrule_file = \"../x.yml\"\n\n\
         [metrics.missing]\nkind = \"rule\"\nrule_file = \"none.yml\"\n\n\
         [metrics.big]\nkind = \"rule\"\nrule_file = \"big.yml\"\n\n\
         [metrics.latin1]\nkind = \"rule\"\nrule_file = \"latin1.yml\"\n\n\
         [metrics.named]\nkind = \"rule\"\nrule = \"no-such-rule\"\n\n\
         [metrics.param]\nkind = \"rule\"\nrule = \"whole-table-lock\"\nreplica_aliases = [\"r\"]\n\n\
         [metrics.two]\nkind = \"rule\"\nrule = \"whole-table-lock\"\nrule_text = \"id: x\"\n\n\
         [metrics.none]\nkind = \"rule\"\n\n\
         [metrics.deep]\nkind = \"rule\"\nrule_file = \"deep.yml\"\n",
    );
    let (code, stderr) = scan(&dir);
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "quality.toml:3:13: cannot read rule file `../x.yml`: it is outside the repository",
        "quality.toml:7:13: cannot read rule file `none.yml`:",
        "quality.toml:11:13: cannot read rule file `big.yml`:",
        "quality.toml:15:13: rule file `latin1.yml` is not UTF-8 text (invalid byte at offset 4)",
        "quality.toml:19:8: qscan has no rule `no-such-rule`; its rules are endpoint-writes-in-one-transaction,",
        "quality.toml:23:8: rule `whole-table-lock`: the rule has no parameter `replica_aliases`",
        "quality.toml:29:13: give one of `rule`, `rule_file` and `rule_text`, not several",
        "metric `none` of kind `rule` needs `rule`, `rule_file` or `rule_text`",
        "quality.toml:36:13: deep.yml:3:385: invalid rule: budget breached: Depth { depth: 65 }",
    ] {
        assert!(stderr.contains(expected), "{expected}\n---\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The acceptance's equivalence: the query kind's lock rule and the same
/// rule as a pattern find the same functions (here on the query fixture;
/// the README reports the same on real repositories).
#[test]
fn a_pattern_rule_and_the_equivalent_query_agree() {
    let dir = common::fixture_copy("queries");
    common::config_file(
        &dir,
        "[metrics.q-unwrap]\nkind = \"query\"\nlanguage = \"rust\"\nunit = \"function\"\n\
         query = '(call_expression function: (field_expression field: (field_identifier) @m (#eq? @m \"unwrap\")))'\n\n\
         [metrics.p-unwrap]\nkind = \"rule\"\nrule_text = '''\nid: unwrap\nlanguage: rust\nrule:\n  pattern: $X.unwrap()\n'''\n\n\
         [metrics.q-self]\nkind = \"query\"\nlanguage = \"python\"\nunit = \"function\"\n\
         query = '(attribute object: (identifier) @o (#eq? @o \"self\"))'\n\n\
         [metrics.p-self]\nkind = \"rule\"\nrule_text = '''\nid: self\nlanguage: python\nrule:\n  pattern: self.$A\n'''\n",
    );
    let (code, r, stderr) = json_of(&dir);
    assert_eq!(code, 0, "{stderr}");
    for (q, p) in [("q-unwrap", "p-unwrap"), ("q-self", "p-self")] {
        assert_eq!(counts(&r, q), counts(&r, p), "{q}");
        assert_eq!(offenders(&r, q), offenders(&r, p), "{q}");
        assert!(!offenders(&r, q).is_empty(), "{q}");
    }
}

#[test]
fn explain_lists_the_pack_and_prints_a_rule_to_copy() {
    let out = common::qscan()
        .args(["explain", "rules"])
        .output()
        .expect("qscan runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for (name, languages) in [
        (
            "endpoint-writes-in-one-transaction",
            "(python, javascript, typescript, rust)",
        ),
        ("read-after-write-on-replica", "(python)"),
        ("unnecessary-primary-read", "(python)"),
        ("process-global-lock", "(python, rust)"),
        ("lock-guard-across-await", "(rust)"),
        ("whole-table-lock", "(python, javascript, typescript, rust)"),
    ] {
        assert!(
            text.contains(&format!("{name} {languages}")),
            "{name}\n{text}"
        );
    }
    let out = common::qscan()
        .args(["explain", "lock-guard-across-await"])
        .output()
        .expect("qscan runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        include_str!("../../rules/lock-guard-across-await.yml").trim_end()
    );
}
