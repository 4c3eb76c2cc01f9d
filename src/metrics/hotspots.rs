//! Hotspots: where to start. Files that still exist, ranked by how many change
//! units of the window changed them times how many code lines they hold now; a
//! big file that changes all the time is where quality work pays most.

use crate::facts::FileFacts;
use crate::history::HistoryFacts;
use serde::Serialize;

/// A file ranked by change units × code lines.
#[derive(Debug, Clone, Serialize)]
pub struct Hotspot {
    pub path: String,
    pub changes: u64,
    pub code_lines: u32,
    pub score: u64,
}

/// Every analyzed file that a unit of the window changed and that has code,
/// by `changes × code lines` descending, ties by path. Files qscan did not
/// analyze (not source, skipped) have no code-line count and are not ranked.
pub fn hotspots(history: &HistoryFacts, files: &[FileFacts]) -> Vec<Hotspot> {
    let changes = super::worklist::change_counts(history);
    let mut out: Vec<Hotspot> = files
        .iter()
        .filter_map(|f| {
            let n = *changes.get(f.path.as_str())?;
            let code = f.lines.code;
            (code > 0).then(|| Hotspot {
                path: f.path.clone(),
                changes: n,
                code_lines: code,
                score: n * u64::from(code),
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::LineCounts;
    use crate::history::ChangeUnit;

    fn unit(paths: &[&str]) -> ChangeUnit {
        ChangeUnit {
            id: "0".repeat(40),
            time: 0,
            author: "a".into(),
            pr: None,
            subject: String::new(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn file(path: &str, code: u32) -> FileFacts {
        FileFacts {
            path: path.into(),
            lines: LineCounts {
                code,
                ..LineCounts::default()
            },
            ..FileFacts::default()
        }
    }

    #[test]
    fn ranks_by_changes_times_code_lines() {
        let history = HistoryFacts {
            units: vec![
                unit(&["a.py", "b.py", "gone.py"]),
                unit(&["a.py", "c.py"]),
                unit(&["b.py", "empty.py"]),
            ],
            ..HistoryFacts::default()
        };
        let files = [
            file("a.py", 10),    // 2 × 10 = 20
            file("b.py", 10),    // 2 × 10 = 20, after a.py by path
            file("c.py", 30),    // 1 × 30 = 30
            file("d.py", 99),    // never changed
            file("empty.py", 0), // no code
        ];
        let ranked: Vec<_> = hotspots(&history, &files)
            .into_iter()
            .map(|h| (h.path, h.changes, h.code_lines, h.score))
            .collect();
        assert_eq!(
            ranked,
            [
                ("c.py".to_string(), 1, 30, 30),
                ("a.py".to_string(), 2, 10, 20),
                ("b.py".to_string(), 2, 10, 20),
            ]
        );
    }
}
