//! What a coverage report says, whatever its format: the model each format's
//! parser (lcov, Cobertura, llvm-cov) fills in and `coverage` maps onto the
//! repository's files. A leaf, so the parsers and the mapper do not import
//! each other.

use std::collections::BTreeMap;

/// One file of a report: its path as written, the paths to try first (a
/// Cobertura file under each `<source>`; the path as written is the
/// fallback), and the hit count of each coverable line: named one by one, or
/// (llvm-cov, between the lines its segments are on) by runs of lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub name: String,
    pub candidates: Vec<String>,
    pub lines: BTreeMap<u32, u64>,
    /// Runs of coverable lines with one count, apart from `lines`: a report
    /// can name line 4,000,000,000, and lines are only spelled out up to the
    /// end of the repository's file.
    pub runs: Vec<LineRun>,
}

/// Lines `first..=last`, each run `hits` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRun {
    pub first: u32,
    pub last: u32,
    pub hits: u64,
}

impl ReportFile {
    pub fn new(name: &str) -> ReportFile {
        ReportFile {
            name: name.to_string(),
            candidates: Vec::new(),
            lines: BTreeMap::new(),
            runs: Vec::new(),
        }
    }

    /// Records a line's hits; a line named twice is covered if either ran it.
    pub fn hit(&mut self, line: u32, hits: u64) {
        let h = self.lines.entry(line).or_insert(0);
        *h = h.saturating_add(hits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_named_twice_adds_its_hits_and_never_overflows() {
        let mut f = ReportFile::new("src/a.rs");
        f.hit(3, 0);
        f.hit(3, 2);
        f.hit(4, u64::MAX);
        f.hit(4, 1);
        assert_eq!(f.lines, BTreeMap::from([(3, 2), (4, u64::MAX)]));
        assert_eq!(f.name, "src/a.rs");
        assert!(f.candidates.is_empty() && f.runs.is_empty());
    }
}
