//! `qscan init` proposes the rule pack's rules for the frameworks the code
//! imports (each pack document names its frameworks in its metadata), with
//! `min` at today's value and the import evidence in a comment; without a
//! framework, no rule metric.

use crate::common;

use std::path::Path;

use tempfile::TempDir;

/// A git repository in a temp folder holding `files`, nothing committed.
fn framework_repo(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git2::Repository::init(dir.path()).expect("git init");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

/// Runs `qscan init` in `dir` and returns the written definition.
fn init_definition(dir: &Path) -> String {
    let home = tempfile::tempdir().expect("temp home");
    let out = common::qscan()
        .current_dir(dir)
        .env("HOME", home.path())
        .arg("init")
        .output()
        .expect("qscan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    std::fs::read_to_string(dir.join("quality.toml")).expect("quality.toml written")
}

/// Each `kind = "rule"` metric: name, rule and min, in file order.
fn rule_metrics(text: &str) -> Vec<(String, String, f64)> {
    let table: toml::Table = text.parse().expect("valid TOML");
    let Some(metrics) = table.get("metrics").and_then(|m| m.as_table()) else {
        return Vec::new();
    };
    let mut out: Vec<(usize, String, String, f64)> = metrics
        .iter()
        .filter(|(_, m)| m.get("kind").and_then(|k| k.as_str()) == Some("rule"))
        .map(|(name, m)| {
            let at = text
                .find(&format!("[metrics.{name}]"))
                .expect("metric header");
            (
                at,
                name.clone(),
                m["rule"].as_str().expect("rule name").to_string(),
                m["min"]
                    .as_float()
                    .or(m["min"].as_integer().map(|i| i as f64))
                    .expect("min"),
            )
        })
        .collect();
    out.sort_by_key(|m| m.0);
    out.into_iter().map(|(_, n, r, m)| (n, r, m)).collect()
}

/// The comment block right above a metric's table header.
fn comment_above(text: &str, metric: &str) -> String {
    let at = text
        .find(&format!("[metrics.{metric}]"))
        .expect("metric header");
    let start = text[..at].rfind("\n\n").map_or(0, |i| i + 2);
    text[start..at].to_string()
}

const DJANGO_VIEWS: &str = "\
from django.db import transaction
from django.http import HttpResponse

def view(request):
    a = Thing.objects.create(x=1)
    b = Other.objects.create(y=2)
    return HttpResponse(\"ok\")

def safe(request):
    with transaction.atomic():
        Thing.objects.create(x=1)
        Other.objects.create(y=2)
    return HttpResponse(\"ok\")

import threading

LOCK = threading.Lock()

def locked():
    with LOCK:
        return 1
";

const EXPRESS_APP: &str = "\
const express = require(\"express\");
const app = express();
app.post(\"/a\", async (req, res) => {
  await prisma.user.create({});
  await prisma.post.create({});
  res.send(\"ok\");
});
app.get(\"/b\", async (req, res) => {
  await db.query(\"LOCK TABLE users\");
  res.send(\"ok\");
});
";

#[test]
fn init_proposes_the_rules_of_the_frameworks_found_at_todays_values() {
    let dir = framework_repo(&[
        ("app/views.py", DJANGO_VIEWS),
        ("app/urls.py", "from django.urls import path\n"),
        ("server.js", EXPRESS_APP),
    ]);
    let text = init_definition(dir.path());
    let rule = |name: &str, min: f64| (name.to_string(), name.to_string(), min);
    // Endpoints: view and safe (Django: `request` first), the two Express
    // handlers; view and the /a handler write twice outside a transaction.
    // Python functions: view, safe, locked (takes the module-level LOCK).
    // Functions of Python and JavaScript: those three and the two handlers;
    // the /b handler locks a whole table. No Rust: no lock-guard-across-await.
    assert_eq!(
        rule_metrics(&text),
        vec![
            rule("endpoint-writes-in-one-transaction", 50.0),
            rule("read-after-write-on-replica", 100.0),
            rule("unnecessary-primary-read", 100.0),
            rule("process-global-lock", 66.0),
            rule("whole-table-lock", 80.0),
        ],
        "{text}"
    );
    let endpoints = comment_above(&text, "endpoint-writes-in-one-transaction");
    assert!(
        endpoints.contains(
            "# Pack rule: an endpoint writes more than once outside a single transaction."
        ),
        "{endpoints}"
    );
    assert!(
        endpoints.contains("# django: imported by 2 files\n# express: imported by 1 file\n"),
        "{endpoints}"
    );
    assert!(
        endpoints.contains("# today: 50.0% (2/4 compliant; unit: selected unit)"),
        "{endpoints}"
    );
    let replica = comment_above(&text, "read-after-write-on-replica");
    assert!(
        replica.contains("# django: imported by 2 files\n"),
        "{replica}"
    );
    assert!(!replica.contains("express"), "{replica}");
    assert!(
        !text.contains("[metrics.frameworks]"),
        "the probe is not written"
    );

    // Day one: the gate passes with what init wrote.
    let out = common::qscan()
        .current_dir(dir.path())
        .args([".", "--color", "never"])
        .output()
        .expect("qscan runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn init_without_frameworks_proposes_no_rule() {
    // A framework counts only in its own languages: a Python module named
    // `express` and a JavaScript package named `django` are neither.
    let dir = framework_repo(&[
        (
            "app/main.py",
            "import express\nimport requests\n\ndef f():\n    return 1\n",
        ),
        (
            "web/index.js",
            "const django = require(\"django\");\nfunction g() {}\n",
        ),
        ("src/lib.rs", "use std::sync::Mutex;\npub fn h() {}\n"),
    ]);
    let text = init_definition(dir.path());
    assert_eq!(rule_metrics(&text), Vec::new(), "{text}");
    assert!(!text.contains("Pack rule"), "{text}");
    assert!(!text.contains("[metrics.frameworks]"), "{text}");
}

#[test]
fn init_finds_rust_frameworks_by_their_crate_paths() {
    let dir = framework_repo(&[(
        "src/main.rs",
        "use std::sync::Mutex;\n\nstatic M: Mutex<u32> = Mutex::new(0);\n\n\
         #[tokio::main]\nasync fn main() {\n    let g = M.lock().unwrap();\n    \
         tick().await;\n    drop(g);\n}\n\nasync fn tick() {\n    tokio::task::yield_now().await;\n}\n",
    )]);
    let text = init_definition(dir.path());
    // In the pack's order. Functions: main and tick; main takes the static lock and holds its
    // guard across an await. No endpoint: endpoint writes is not measured
    // and left out.
    let names: Vec<(String, f64)> = rule_metrics(&text)
        .into_iter()
        .map(|(n, _, m)| (n, m))
        .collect();
    assert_eq!(
        names,
        vec![
            ("process-global-lock".to_string(), 50.0),
            ("lock-guard-across-await".to_string(), 50.0),
            ("whole-table-lock".to_string(), 100.0),
        ],
        "{text}"
    );
    assert!(
        comment_above(&text, "lock-guard-across-await").contains("# tokio: imported by 1 file\n"),
        "{text}"
    );
}
