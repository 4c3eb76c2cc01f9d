//! The worklist: a metric's offenders grouped by file, the files ranked by
//! impact — offending units × the change units of the window that touched
//! the file — so that the files that change most and offend most come
//! first (the hot spots: fixing them pays on every change that follows).
//! Files the window did not change follow, by offender count; without
//! history every file is ranked by offender count. Offenders that belong to
//! no file (a change unit, an external number) are in no worklist.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Offender;
use crate::history::HistoryFacts;

/// One file of a metric's worklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkFile {
    pub path: String,
    /// The metric's offenders in the file.
    pub offenders: u64,
    /// Change units of the window that touched the file; None without history.
    pub changes: Option<u64>,
    /// `offenders × changes`; None without history.
    pub impact: Option<u64>,
}

/// How many change units of the window touched each path.
pub fn change_counts(history: &HistoryFacts) -> HashMap<&str, u64> {
    let mut changes: HashMap<&str, u64> = HashMap::new();
    for unit in &history.units {
        for path in &unit.paths {
            *changes.entry(path.as_str()).or_default() += 1;
        }
    }
    changes
}

/// The files of `offenders`, by impact descending (ties: more offenders
/// first, then by path); files no unit changed follow by offender count,
/// ties by path. With `changes` None (no history), every file is ranked by
/// offender count, ties by path.
pub fn worklist(offenders: &[Offender], changes: Option<&HashMap<&str, u64>>) -> Vec<WorkFile> {
    let mut count: HashMap<&str, u64> = HashMap::new();
    for o in offenders.iter().filter(|o| !o.path.is_empty()) {
        *count.entry(o.path.as_str()).or_default() += 1;
    }
    let mut out: Vec<WorkFile> = count
        .into_iter()
        .map(|(path, n)| {
            let changed = changes.map(|c| c.get(path).copied().unwrap_or(0));
            WorkFile {
                path: path.to_string(),
                offenders: n,
                changes: changed,
                impact: changed.map(|c| c * n),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.impact
            .cmp(&a.impact)
            .then_with(|| b.offenders.cmp(&a.offenders))
            .then_with(|| a.path.cmp(&b.path))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ChangeUnit;

    fn offender(path: &str) -> Offender {
        Offender {
            path: path.into(),
            line: Some(1),
            item: "f".into(),
            detail: String::new(),
            weight: 1.0,
        }
    }

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

    fn row(path: &str, offenders: u64, changes: Option<u64>) -> WorkFile {
        WorkFile {
            path: path.into(),
            offenders,
            changes,
            impact: changes.map(|c| c * offenders),
        }
    }

    /// Offenders per file: a 3, b 1, c 2, d 2, e 1, and one without a file.
    fn offenders() -> Vec<Offender> {
        ["a", "b", "a", "c", "d", "a", "c", "d", "e", ""]
            .iter()
            .map(|p| offender(p))
            .collect()
    }

    #[test]
    fn ranks_changed_files_by_impact_then_unchanged_by_offenders() {
        let history = HistoryFacts {
            units: vec![
                unit(&["b", "c", "x"]),
                unit(&["b", "c"]),
                unit(&["b", "a"]),
                unit(&["b"]),
                unit(&["b"]),
                unit(&["b"]),
            ],
            ..HistoryFacts::default()
        };
        let changes = change_counts(&history);
        assert_eq!(changes.get("b"), Some(&6));
        assert_eq!(
            worklist(&offenders(), Some(&changes)),
            [
                row("b", 1, Some(6)), // 1 × 6
                row("c", 2, Some(2)), // 2 × 2
                row("a", 3, Some(1)), // 3 × 1
                // Not changed: by offenders, ties by path.
                row("d", 2, Some(0)),
                row("e", 1, Some(0)),
            ]
        );
    }

    #[test]
    fn equal_impact_puts_more_offenders_first() {
        let history = HistoryFacts {
            units: vec![unit(&["a", "b"]), unit(&["b"])],
            ..HistoryFacts::default()
        };
        let changes = change_counts(&history);
        let list = worklist(
            &[offender("b"), offender("a"), offender("a")],
            Some(&changes),
        );
        // Both 2: a has two offenders changed once, b one changed twice.
        assert_eq!(list, [row("a", 2, Some(1)), row("b", 1, Some(2))]);
    }

    #[test]
    fn without_history_ranks_by_offender_count() {
        assert_eq!(
            worklist(&offenders(), None),
            [
                row("a", 3, None),
                row("c", 2, None),
                row("d", 2, None),
                row("b", 1, None),
                row("e", 1, None),
            ]
        );
        assert!(worklist(&[offender("")], None).is_empty());
    }
}
