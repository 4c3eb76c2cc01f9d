//! Go cover profiles (`go test -coverprofile`): a `mode: set|count|atomic`
//! line, then one line per block, `FILE:L1.C1,L2.C2 STATEMENTS COUNT`, where
//! FILE is the package import path and the file name
//! (`github.com/acme/app/pkg/x.go`, mapped to `pkg/x.go` by suffix). Every
//! line of a block with statements is coverable, and covered when a block
//! over it ran; a block without statements is read past. Profiles of several
//! packages may be concatenated, `mode:` lines and all.
//!
//! A problem is told by its line number, never by quoting the line: the
//! file may not be a report at all.

use std::collections::BTreeMap;

use super::report_file::{LineRun, ReportFile};

pub fn parse(text: &str) -> Result<Vec<ReportFile>, String> {
    let mut files: BTreeMap<&str, ReportFile> = BTreeMap::new();
    let mut moded = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(mode) = line.strip_prefix("mode:") {
            if !matches!(mode.trim(), "set" | "count" | "atomic") {
                return Err(format!("line {n}: the mode is not set, count or atomic"));
            }
            moded = true;
            continue;
        }
        if !moded {
            return Err(format!(
                "line {n}: a Go cover profile starts with a mode: line"
            ));
        }
        let (name, first, last, statements, count) = block(line).ok_or_else(|| {
            format!("line {n} is not a cover block (FILE:LINE.COL,LINE.COL STATEMENTS COUNT)")
        })?;
        let file = files.entry(name).or_insert_with(|| ReportFile::new(name));
        if statements > 0 {
            file.runs.push(LineRun {
                first,
                last,
                hits: count,
            });
        }
    }
    if files.is_empty() {
        return Err("it holds no cover blocks".to_string());
    }
    Ok(files.into_values().collect())
}

/// A block line: its file, first and last line, statements and count.
fn block(line: &str) -> Option<(&str, u32, u32, u64, u64)> {
    let mut fields = line.rsplitn(3, ' ');
    let count = fields.next()?.parse().ok()?;
    let statements = fields.next()?.parse().ok()?;
    let (name, span) = fields.next()?.rsplit_once(':')?;
    let (from, to) = span.split_once(',')?;
    let line_of = |at: &str| -> Option<u32> {
        let (l, c) = at.split_once('.')?;
        c.parse::<u32>().ok()?;
        l.parse::<u32>().ok().filter(|l| *l > 0)
    };
    let (first, last) = (line_of(from)?, line_of(to)?);
    (!name.is_empty() && first <= last).then_some((name, first, last, statements, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_runs_of_lines() {
        let text = "\
mode: count
example.com/app/pkg/x.go:3.20,5.16 2 1
example.com/app/pkg/x.go:5.16,7.3 1 0
example.com/app/pkg/x.go:9.1,9.12 0 0
example.com/app/y.go:1.1,1.9 1 4
mode: count
example.com/app/pkg/x.go:10.1,11.2 1 3
";
        let files = parse(text).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].name, "example.com/app/pkg/x.go");
        assert_eq!(
            files[0].runs,
            [
                LineRun {
                    first: 3,
                    last: 5,
                    hits: 1
                },
                LineRun {
                    first: 5,
                    last: 7,
                    hits: 0
                },
                LineRun {
                    first: 10,
                    last: 11,
                    hits: 3
                },
            ]
        );
        assert!(files[0].lines.is_empty());
        assert_eq!(
            files[1].runs,
            [LineRun {
                first: 1,
                last: 1,
                hits: 4
            }]
        );
    }

    #[test]
    fn malformed_profiles_say_where() {
        assert_eq!(
            parse("a.go:1.1,2.2 1 1\n").unwrap_err(),
            "line 1: a Go cover profile starts with a mode: line"
        );
        assert_eq!(
            parse("mode: sometimes\n").unwrap_err(),
            "line 1: the mode is not set, count or atomic"
        );
        for bad in [
            "a.go:1.1,2.2 1",
            "a.go:3.1,2.2 1 1",
            "a.go:0.1,2.2 1 1",
            "1.1,2.2 1 1",
            "a.go:x.1,2.2 1 1",
        ] {
            assert_eq!(
                parse(&format!("mode: set\n{bad}\n")).unwrap_err(),
                "line 2 is not a cover block (FILE:LINE.COL,LINE.COL STATEMENTS COUNT)",
                "{bad}"
            );
        }
        assert_eq!(
            parse("mode: set\n").unwrap_err(),
            "it holds no cover blocks"
        );
    }
}
