//! The worklist by impact: offenders grouped by file, files ranked by
//! offenders × the change units that touched them, on a repository whose
//! change counts the test sets (built with git2).

use crate::common;

use common::repo::TestRepo as Repo;

const DEFINITION: &str = "[metrics.typed]\n[metrics.hot-files]\nshare = 0.9\n";

fn untyped(n: usize, salt: usize) -> String {
    (0..n)
        .map(|i| format!("def f{i}(x):\n    return x + {salt}\n\n\n"))
        .collect()
}

/// Six change units: a.py (3 untyped functions) is changed by 1 of them,
/// b.py (1) by 5, c.py (2) by 2.
fn repo() -> Repo {
    let mut r = Repo::new();
    r.commit_files(
        "Initial import",
        &[
            ("quality.toml", DEFINITION),
            ("a.py", &untyped(3, 0)),
            ("b.py", &untyped(1, 0)),
            ("c.py", &untyped(2, 0)),
        ],
    );
    for salt in 1..=4 {
        r.commit_files(&format!("Change b {salt}"), &[("b.py", &untyped(1, salt))]);
    }
    r.commit_files("Change c", &[("c.py", &untyped(2, 1))]);
    r
}

#[test]
fn files_rank_by_offenders_times_changes() {
    let r = repo();
    // Untracked files: changed by no unit of the window.
    r.write("d.py", &untyped(2, 0));
    r.write("e.py", &untyped(1, 0));
    let (code, report, stderr) = common::json(&[r.path()]);
    assert_eq!(code, 0, "{stderr}");
    let worklist = &common::metric(&report, "typed")["worklist"];
    // b 1 × 5, c 2 × 2, a 3 × 1, then unchanged d (2) and e (1).
    assert_eq!(
        *worklist,
        serde_json::json!([
            { "path": "b.py", "offenders": 1, "changes": 5, "impact": 5 },
            { "path": "c.py", "offenders": 2, "changes": 2, "impact": 4 },
            { "path": "a.py", "offenders": 3, "changes": 1, "impact": 3 },
            { "path": "d.py", "offenders": 2, "changes": 0, "impact": 0 },
            { "path": "e.py", "offenders": 1, "changes": 0, "impact": 0 },
        ]),
        "{report:#}"
    );
    // Every offender is still listed.
    assert_eq!(common::offenders(&report, "typed").len(), 9);
    let out = common::qscan()
        .args([r.path(), "--color", "never"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "\ntyped — 9 offenders in 5 files, by impact (offenders × changes):\n  \
             b.py:1 f0 — 1 parameter and the return unannotated; changed in 5 of 6 change units\n  \
             c.py — 2 untyped functions, changed in 2 of 6 change units\n  \
             a.py — 3 untyped functions, changed in 1 of 6 change units\n  \
             d.py — 2 untyped functions, changed in 0 of 6 change units\n  \
             e.py:1 f0 — 1 parameter and the return unannotated; changed in 0 of 6 change units\n"
        ),
        "{text}"
    );
}

#[test]
fn without_a_history_metric_files_rank_by_offender_count_and_a_note_says_so() {
    let mut r = repo();
    r.commit_files("Only typed", &[("quality.toml", "[metrics.typed]\n")]);
    let (_, report, _) = common::json(&[r.path()]);
    let paths: Vec<&str> = common::metric(&report, "typed")["worklist"]
        .as_array()
        .expect("worklist")
        .iter()
        .map(|w| {
            assert!(w["changes"].is_null() && w["impact"].is_null(), "{w}");
            w["path"].as_str().unwrap_or("")
        })
        .collect();
    assert_eq!(paths, ["a.py", "c.py", "b.py"]);
    assert_eq!(
        report["notes"],
        serde_json::json!([
            "the worklists rank files by offender count alone: the definition has no history \
             metric (e.g. hot-files), so how often each file changes is not read"
        ])
    );
}

#[test]
fn by_dir_gives_each_group_its_own_top() {
    let mut r = Repo::new();
    r.commit_files(
        "Initial import",
        &[
            ("quality.toml", DEFINITION),
            ("x/a.py", &untyped(3, 0)),
            ("y/b.py", &untyped(1, 0)),
            ("y/c.py", &untyped(2, 0)),
        ],
    );
    r.commit_files("Change b", &[("y/b.py", &untyped(1, 1))]);
    r.commit_files("Change b", &[("y/b.py", &untyped(1, 2))]);
    let (_, report, _) = common::json(&[r.path(), "--by", "dir"]);
    let tops: Vec<(String, Vec<String>)> = report["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| {
            // The root group holds quality.toml's hot-files unit only.
            let typed = g["metrics"]
                .as_array()
                .and_then(|ms| ms.iter().find(|m| m["name"] == "typed"))?;
            let files = typed["worklist"]
                .as_array()
                .expect("worklist")
                .iter()
                .map(|w| w["path"].as_str().unwrap_or("").to_string())
                .collect();
            Some((g["name"].as_str().unwrap_or("").to_string(), files))
        })
        .collect();
    // y/b.py: 1 × 3 before y/c.py: 2 × 1.
    assert_eq!(
        tops,
        [
            ("x".to_string(), vec!["x/a.py".to_string()]),
            (
                "y".to_string(),
                vec!["y/b.py".to_string(), "y/c.py".to_string()]
            ),
        ]
    );
    let out = common::qscan()
        .args([r.path(), "--by", "dir", "--color", "never"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "\nworklist by dir (each metric's first 3 files)\n  x\n    typed: x/a.py\n  y\n    \
             typed: y/b.py, y/c.py\n"
        ),
        "{text}"
    );
}
