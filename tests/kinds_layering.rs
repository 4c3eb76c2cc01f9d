//! The metrics are read by the definition loader and the report, never the
//! reverse: `config` imports `metrics` (the kind registry), `report` carries
//! what `metrics` built. A `use crate::config` or `crate::report` in
//! src/metrics would close an import loop again.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn metrics_import_neither_config_nor_report() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("metrics"), &mut files);
    assert!(files.len() > 10);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            // What string literals hold is not an import.
            let code: String = code.split('"').step_by(2).collect();
            for module in [
                "config", "report", "scan", "cli", "ingest", "explain", "init",
            ] {
                if code.contains(&format!("crate::{module}")) {
                    found.push(format!("{}:{}: {line}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "metrics import a module that imports them:\n{}",
        found.join("\n")
    );
}
