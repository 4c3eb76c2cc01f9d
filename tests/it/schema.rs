//! `qscan schema`: the definitions qscan accepts validate against it, and a
//! key it does not know is refused by both the schema and qscan.

use crate::common;

use std::path::Path;

use common::{fixtures, qscan};
use serde_json::Value;

fn schema() -> Value {
    let out = qscan().arg("schema").output().expect("qscan runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    let schema = schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::new(&schema).expect("the schema is a valid draft-07 schema")
}

fn as_json(toml_text: &str) -> Value {
    let value: toml::Value = toml::from_str(toml_text).expect("TOML");
    serde_json::to_value(value).expect("JSON")
}

fn errors(v: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    v.iter_errors(&as_json(toml_text))
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn assert_valid(v: &jsonschema::Validator, what: &str, toml_text: &str) {
    let errors = errors(v, toml_text);
    assert!(
        errors.is_empty(),
        "{what} does not match the schema: {errors:#?}"
    );
}

/// Whether qscan accepts the definition (`qscan explain --config` reads it).
fn qscan_accepts(dir: &Path, toml_text: &str) -> (bool, String) {
    let file = dir.join("q.toml");
    std::fs::write(&file, toml_text).unwrap();
    // The number an `external` metric below reads.
    std::fs::write(dir.join("m.json"), "3").unwrap();
    let out = qscan()
        .current_dir(dir)
        .args(["--config", file.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code() != Some(2),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn the_built_in_default_validates() {
    let v = validator();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/config/default.toml"),
    )
    .unwrap();
    assert_valid(&v, "src/config/default.toml", &text);
}

/// Every ```toml block of the README is a whole definition, and valid.
#[test]
fn every_readme_example_validates() {
    let v = validator();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut blocks = 0;
    let mut rest = readme.as_str();
    while let Some(at) = rest.find("```toml\n") {
        let body = &rest[at + "```toml\n".len()..];
        let end = body.find("\n```").expect("a closed block");
        assert_valid(&v, &format!("README block {}", blocks + 1), &body[..end]);
        blocks += 1;
        rest = &body[end..];
    }
    assert!(blocks >= 4, "found {blocks} toml blocks");
}

#[test]
fn every_fixture_definition_validates() {
    let v = validator();
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path().join("quality.toml");
        if let Ok(text) = std::fs::read_to_string(&path) {
            assert_valid(&v, &path.display().to_string(), &text);
            n += 1;
        }
    }
    assert!(n >= 8, "found {n} fixture definitions");
}

/// `qscan init` on every fixture (and on a repository with history, where
/// it proposes the history kinds too) writes a definition the schema accepts.
#[test]
fn every_init_output_validates() {
    let v = validator();
    let out = tempfile::tempdir().unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let target = out.path().join(format!("{n}.toml"));
        let result = qscan()
            .current_dir(&dir)
            .args(["init", "--config", target.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(0), "{}", dir.display());
        let text = std::fs::read_to_string(&target).unwrap();
        assert_valid(&v, &format!("init on {}", dir.display()), &text);
        n += 1;
    }
    let mut repo = common::repo::TestRepo::new();
    repo.commit_files(
        "first",
        &[("app.py", "def f(x: int) -> int:\n    return x\n")],
    );
    repo.commit_files("second", &[("app.py", "def f(x):\n    return x\n")]);
    // Enough change units (`[history] min_units`) for the history metrics.
    for n in 0..18 {
        repo.commit_files("more", &[("notes.txt", &format!("{n}\n"))]);
    }
    let target = out.path().join("history.toml");
    let result = qscan()
        .current_dir(repo.path())
        .args(["init", "--config", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(0));
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.contains("[metrics.change-size]"), "{text}");
    assert_valid(&v, "init on a repository with history", &text);
}

/// A key neither knows, a key of another kind and a wrong type are refused
/// by the schema and by qscan alike.
#[test]
fn unknown_keys_are_refused_by_both() {
    let v = validator();
    let dir = tempfile::tempdir().unwrap();
    for (text, says) in [
        ("[metrics.typed]\nmn = 5\n", "unknown field `mn`"),
        (
            "[metrics.x]\nkind = \"typed\"\nmax_lines = 3\n",
            "`max_lines` does not apply",
        ),
        (
            "[metrics.typed]\nkind = \"large-files\"\npython = \"mypy\"\n",
            "`python` does not apply",
        ),
        (
            "[metrics.large-files]\nmax_lines = 0\n",
            "max_lines must be at least 1",
        ),
        (
            "[metrics.x]\nkind = \"typd\"\n",
            "unknown metric kind `typd`",
        ),
        ("[metrics.x]\nmin = 5\n", "needs a `kind`"),
        ("[scan]\nexclud = []\n", "unknown field `exclud`"),
        ("[history]\nwindows = 5\n", "unknown field `windows`"),
        ("[gate]\nmin_scor = 5\n", "unknown field `min_scor`"),
        ("[nope]\n", "unknown field `nope`"),
        (
            "[metrics.h]\nkind = \"hot-files\"\nshare = 2\n",
            "share is a fraction",
        ),
        (
            "[metrics.t]\nkind = \"typed\"\npython = \"strict\"\n",
            "python mode `strict`",
        ),
    ] {
        assert!(!errors(&v, text).is_empty(), "the schema accepts {text:?}");
        let (accepted, stderr) = qscan_accepts(dir.path(), text);
        assert!(!accepted, "qscan accepts {text:?}");
        assert!(stderr.contains(says), "{text:?}: {stderr}");
    }
    // And what both accept: a table named after a kind without `kind`, a
    // table with another name and a `kind`, a kind's own keys.
    for text in [
        "[metrics.typed]\npython = \"mypy\"\n",
        "[metrics.typed]\nkind = \"large-files\"\nmax_lines = 10\n",
        "[metrics.x]\nkind = \"external\"\nfile = \"m.json\"\nmin = -5\n",
    ] {
        assert_valid(&v, text, text);
        let (accepted, stderr) = qscan_accepts(dir.path(), text);
        assert!(accepted, "{text:?}: {stderr}");
    }
}

/// The schema's keys are exactly the loader's: the loader lists the keys it
/// knows when it refuses one, and the schema must hold the same.
#[test]
fn the_schema_knows_every_key_qscan_knows() {
    let schema = schema();
    let dir = tempfile::tempdir().unwrap();
    let expected = |table: &str| -> Vec<String> {
        let (_, stderr) = qscan_accepts(dir.path(), &format!("[{table}]\nzz_unknown = 1\n"));
        // serde's words: "expected `a` or `b`", "expected one of `a`, `b`, `c`".
        let list = stderr
            .split(", expected ")
            .nth(1)
            .unwrap_or_else(|| panic!("{stderr}"));
        let list = list.lines().next().unwrap();
        let list = list.strip_prefix("one of ").unwrap_or(list);
        list.split(", ")
            .flat_map(|k| k.split(" or "))
            .map(|k| k.trim_matches('`').to_string())
            .collect()
    };
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    for table in ["scan", "history", "gate"] {
        let mut want = expected(table);
        want.sort();
        assert_eq!(keys(&schema["properties"][table]), want, "[{table}]");
    }
    // Every metric key: the union of the kinds' tables.
    let mut all: Vec<String> = Vec::new();
    for (_, kind) in schema["definitions"].as_object().unwrap() {
        if kind.get("additionalProperties") == Some(&Value::Bool(false)) {
            for k in keys(kind) {
                if !all.contains(&k) {
                    all.push(k);
                }
            }
        }
    }
    all.sort();
    // A metric of no known kind is compared with every kind's keys.
    let mut want = expected("metrics.zz");
    want.sort();
    assert_eq!(all, want);
}
