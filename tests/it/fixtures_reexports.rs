//! The re-exports fixture (`fixtures/reexports`): test association through
//! package facades in Python, JavaScript and Rust, exactly as counted by
//! hand in `fixtures/reexports/expected.toml`.

use crate::common;

use common::expected::Expected;

#[test]
fn reexports_fixture_associates_through_facades() {
    let dir = common::fixture_copy("reexports");
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let config = dir.path().join("quality.toml");
    let config = config.to_str().expect("utf-8 temp path").to_string();
    let (code, report, stderr) = common::json(&[root.as_str(), "--config", config.as_str()]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Expected::of("reexports").check(code, &report);
}

/// Every test of a package requiring its facade, which re-exports every
/// module: each (facade, name) is followed once, not once per test (1,500
/// tests took 24 s here in a debug build; followed once, about 1 s).
#[test]
fn many_tests_of_one_big_facade_are_followed_once() {
    let n = 1500;
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("lib")).expect("lib");
    std::fs::create_dir_all(root.join("test")).expect("test");
    let index: String = (0..n)
        .map(|i| format!("exports.m{i} = require('./lib/m{i}');\n"))
        .collect();
    std::fs::write(root.join("index.js"), index).expect("index");
    std::fs::write(root.join("package.json"), r#"{"main": "index.js"}"#).expect("package");
    for i in 0..n {
        std::fs::write(
            root.join(format!("lib/m{i}.js")),
            format!("module.exports = function f{i}() {{}};\n"),
        )
        .expect("module");
        std::fs::write(
            root.join(format!("test/t{i}.js")),
            format!("const all = require('..');\nconst {{ m{i} }} = require('..');\n"),
        )
        .expect("test");
    }
    let config = common::config_file(&dir, "[metrics.test-association]\n");
    let config = config.to_str().expect("utf-8 temp path").to_string();
    let root = root.to_str().expect("utf-8 temp path").to_string();
    let started = std::time::Instant::now();
    let (code, report, stderr) = common::json(&[root.as_str(), "--config", config.as_str()]);
    let took = started.elapsed();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(common::counts(&report, "test-association"), (n, n));
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
}
