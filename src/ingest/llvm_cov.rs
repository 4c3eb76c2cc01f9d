//! llvm-cov JSON exports (`llvm-cov export`, `cargo llvm-cov --json`): each
//! `data[].files[]` has a `filename` and `segments`, each segment
//! `[line, column, count, has_count, is_region_entry, is_gap_region]` (older
//! exports leave out the last).
//!
//! Lines are counted exactly as llvm-cov's own line summary counts them
//! (`LineCoverageStats` in LLVM's CoverageMapping.cpp): walking the lines from
//! the first segment's to the last's, a line is coverable ("mapped") unless a
//! skipped region (an entry without a count) starts it, when a counted region
//! starts on it or the region running into it (the last segment of an
//! earlier line) has a count; its count is the largest among that running
//! region and the regions (not gaps) starting on it, and it is covered when
//! that count is above 0. Exports made with `--summary-only` have no
//! segments and are refused: they cannot be merged line by line.

use std::collections::BTreeMap;

use serde_json::Value;

use super::report_file::{LineRun, ReportFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    line: u32,
    column: u32,
    count: u64,
    has_count: bool,
    entry: bool,
    gap: bool,
}

pub fn parse(text: &str) -> Result<Vec<ReportFile>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Some(data) = doc.get("data").and_then(Value::as_array) else {
        return Err("it is JSON but not an llvm-cov export: it has no \"data\" array".to_string());
    };
    let mut files = Vec::new();
    for (d, export) in data.iter().enumerate() {
        let list = export
            .get("files")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("data[{d}] has no \"files\" array"))?;
        for (f, file) in list.iter().enumerate() {
            let at = format!("data[{d}].files[{f}]");
            let name = file
                .get("filename")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{at} has no \"filename\""))?;
            let Some(raw) = file.get("segments").and_then(Value::as_array) else {
                return Err(format!(
                    "{at} has no \"segments\"; export without --summary-only so lines can be counted"
                ));
            };
            let mut segments = raw
                .iter()
                .enumerate()
                .map(|(s, seg)| {
                    segment(seg).ok_or_else(|| {
                        format!(
                            "{at}.segments[{s}] is not [line, column, count, has_count, is_region_entry, is_gap_region]"
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            segments.sort_by_key(|s| (s.line, s.column));
            let mut report = ReportFile::new(name);
            let (lines, runs) = line_counts(&segments);
            for (line, count) in lines {
                report.hit(line, count);
            }
            report.runs = runs;
            files.push(report);
        }
    }
    if files.is_empty() {
        return Err("it names no files".to_string());
    }
    Ok(files)
}

fn segment(v: &Value) -> Option<Segment> {
    let a = v.as_array()?;
    if !(5..=6).contains(&a.len()) {
        return None;
    }
    Some(Segment {
        line: u32::try_from(a[0].as_u64()?).ok()?,
        column: u32::try_from(a[1].as_u64()?).ok()?,
        count: a[2].as_u64()?,
        has_count: a[3].as_bool()?,
        entry: a[4].as_bool()?,
        gap: match a.get(5) {
            Some(g) => g.as_bool()?,
            None => false,
        },
    })
}

/// The coverable lines of sorted segments and their counts, as llvm-cov's
/// line coverage iterator computes them: the lines segments are on, and runs
/// of the lines between them (those take the count of the region running
/// into them). The work is by segment, never by line: a segment can be on
/// line 4,000,000,000.
fn line_counts(segments: &[Segment]) -> (BTreeMap<u32, u64>, Vec<LineRun>) {
    let mut lines = BTreeMap::new();
    let mut runs = Vec::new();
    let mut wrapped: Option<&Segment> = None;
    let mut next = 0;
    while next < segments.len() {
        let line = segments[next].line;
        // The lines since the previous segment's, which no segment starts
        // on: coverable when the region running into them has a count.
        if let Some(w) = wrapped
            && w.has_count
            && line > w.line + 1
        {
            runs.push(LineRun {
                first: w.line + 1,
                last: line - 1,
                hits: w.count,
            });
        }
        let start = next;
        while next < segments.len() && segments[next].line == line {
            next += 1;
        }
        let here = &segments[start..next];
        let region_start = |s: &&Segment| !s.gap && s.has_count && s.entry;
        let starts = here.iter().filter(region_start).count();
        let skipped = here.first().is_some_and(|s| !s.has_count && s.entry);
        let mapped = (!skipped && (wrapped.is_some_and(|w| w.has_count) || starts > 0))
            || here.iter().any(|s| s.entry && s.has_count);
        if mapped {
            let mut count = wrapped.map_or(0, |w| w.count);
            if starts > 0 {
                count = here
                    .iter()
                    .filter(region_start)
                    .map(|s| s.count)
                    .fold(count, u64::max);
            }
            lines.insert(line, count);
        }
        if let Some(last) = here.last() {
            wrapped = Some(last);
        }
    }
    (lines, runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(segments: &str) -> Vec<(u32, u64)> {
        let text = format!(
            r#"{{"type":"llvm.coverage.json.export","version":"2.0.1","data":[{{"files":[{{"filename":"/src/lib.rs","segments":{segments}}}]}}]}}"#
        );
        let files = parse(&text).unwrap();
        let mut lines = files[0].lines.clone();
        for run in &files[0].runs {
            for l in run.first..=run.last {
                lines.insert(l, run.hits);
            }
        }
        lines.into_iter().collect()
    }

    #[test]
    fn lines_as_llvm_cov_counts_them() {
        // 1 fn f(x: bool) {     the function's region, run once
        // 2     if x {          the then-block starts at column 10, never run
        // 3         g();
        // 4     }               back in the function's region (no new entry)
        // 5 }
        // Line 2 is covered: its first columns belong to the function's
        // region, which ran; 3 and 4 are in the block that did not.
        assert_eq!(
            counts(
                "[[1,15,1,true,true,false],[2,10,0,true,true,false],\
                 [4,6,1,true,false,false],[5,2,0,false,false,false]]"
            ),
            [(1, 1), (2, 1), (3, 0), (4, 0), (5, 1)]
        );
        // A gap region does not take a line's count from the regions starting on it.
        assert_eq!(
            counts("[[1,1,4,true,true,false],[2,1,0,true,true,true],[2,9,0,false,false,false]]"),
            [(1, 4), (2, 4)]
        );
        // Lines between segments take the running region's count; a region
        // without a count (skipped) ends the mapped lines.
        assert_eq!(
            counts("[[1,1,2,true,true],[3,1,0,false,true],[5,1,0,false,false]]"),
            [(1, 2), (2, 2)]
        );
    }

    #[test]
    fn lines_between_segments_are_runs() {
        let text = r#"{"data":[{"files":[{"filename":"a.rs","segments":[[1,1,3,true,true,false],[4000000000,1,0,false,false,false]]}]}]}"#;
        let files = parse(text).unwrap();
        assert_eq!(
            files[0]
                .lines
                .iter()
                .map(|(l, c)| (*l, *c))
                .collect::<Vec<_>>(),
            [(1, 3), (4_000_000_000, 3)]
        );
        assert_eq!(
            files[0].runs,
            [LineRun {
                first: 2,
                last: 3_999_999_999,
                hits: 3
            }]
        );
    }

    #[test]
    fn malformed_exports_say_where() {
        assert_eq!(
            parse(r#"{"data":[{"files":[{"filename":"a.rs","summary":{}}]}]}"#).unwrap_err(),
            "data[0].files[0] has no \"segments\"; export without --summary-only so lines can be counted"
        );
        assert_eq!(
            parse(r#"{"data":[{"files":[{"filename":"a.rs","segments":[[1,2,3]]}]}]}"#)
                .unwrap_err(),
            "data[0].files[0].segments[0] is not [line, column, count, has_count, is_region_entry, is_gap_region]"
        );
        assert!(
            parse("{\"data\": [")
                .unwrap_err()
                .starts_with("invalid JSON: ")
        );
        assert_eq!(parse(r#"{"data":[]}"#).unwrap_err(), "it names no files");
    }
}
