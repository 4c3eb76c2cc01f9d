//! `--format text`: the human report. A table of metrics, the score and the
//! gate's verdict, then the worst offenders of each failing metric.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::{Report, WorkLine, escape};
use crate::metrics::MetricResult;
use crate::metrics::groups::{By, Group};
use crate::text::plural;

/// Offenders shown per failing metric.
const WORST: usize = 5;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default();

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

pub fn render(r: &Report, quiet: bool) -> String {
    if r.snapshot == "index" {
        return staged(r, quiet);
    }
    let mut out = String::new();
    if quiet {
        for f in &r.gate.failures {
            let _ = writeln!(out, "{} {}", paint(RED, "fail:"), escape(f));
        }
        return out;
    }
    let _ = writeln!(
        out,
        "{} {}  {}",
        paint(BOLD, "qscan"),
        escape(&r.root),
        paint(
            DIM,
            &match (&r.revision, r.snapshot.as_str()) {
                (Some(rev), _) => format!("(revision {})", escape(super::short_id(rev))),
                (None, "index") => "(staged changes: the index)".to_string(),
                (None, _) => "(working tree)".to_string(),
            }
        )
    );
    let _ = writeln!(out, "definition: {}", escape(&r.definition));
    let mut langs: Vec<String> = r
        .files
        .by_language
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    if langs.is_empty() {
        langs.push("none".into());
    }
    let _ = write!(
        out,
        "files: {} scanned ({})",
        r.files.scanned,
        langs.join(", ")
    );
    if !r.files.skipped.is_empty() {
        let _ = write!(out, ", {} skipped", r.files.skipped.len());
    }
    if !r.files.roles.is_empty() {
        let roles: Vec<String> = r
            .files
            .roles
            .iter()
            .map(|(role, n)| format!("{role} {n}"))
            .collect();
        let _ = write!(out, "; roles: {}", roles.join(", "));
    }
    out.push('\n');
    if let Some(h) = &r.history {
        let _ = write!(out, "history: {} change units", h.change_units);
        if let (Some(first), Some(last)) = (&h.first, &h.last) {
            let _ = write!(
                out,
                ", {} {} .. {} {}",
                escape(super::short_id(first)),
                h.first_time.as_deref().unwrap_or(""),
                escape(super::short_id(last)),
                h.last_time.as_deref().unwrap_or("")
            );
        }
        match (&h.reaches, h.shallow) {
            (Some(date), _) => {
                let _ = write!(
                    out,
                    " (shallow clone: history truncated, reaches {})",
                    escape(date)
                );
            }
            (None, true) => out.push_str(" (shallow clone)"),
            (None, false) => {}
        }
        out.push('\n');
    }
    for note in &r.notes {
        let _ = writeln!(
            out,
            "{} {}",
            paint(YELLOW, "note:"),
            escape(&note.to_string())
        );
    }
    out.push('\n');
    table(&mut out, &r.metrics);
    out.push('\n');
    match r.unchecked() {
        // No score and no verdict: a gate that checked nothing did not pass.
        Some(why) => {
            let _ = writeln!(out, "{} n/a — {}", paint(BOLD, "score"), paint(YELLOW, why));
        }
        None => {
            let verdict = if r.passed {
                paint(GREEN, "passed")
            } else {
                paint(RED, "FAILED")
            };
            let _ = write!(out, "{} {:.1}", paint(BOLD, "score"), r.score);
            if let Some(min) = r.gate.min_score {
                let _ = write!(out, " (min {min})");
            }
            if r.report_only() {
                let _ = writeln!(out, " — no gate");
            } else {
                let _ = writeln!(out, " — gate {verdict}");
            }
            let _ = writeln!(out, "  {}", score_making(r));
        }
    }
    for f in &r.gate.failures {
        let _ = writeln!(out, "  {} {}", paint(RED, "✗"), escape(f));
    }
    if let (Some(groups), Some(by)) = (&r.groups, r.by) {
        out.push('\n');
        group_table(&mut out, &r.metrics, groups, by);
    }
    // With a baseline, what the change introduced comes first: that is what
    // a reviewer (or a pre-commit hook) acts on.
    let new: Vec<_> = r
        .metrics
        .iter()
        .filter_map(|m| m.new_offenders.as_ref().map(|n| (m, n)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    if let Some(base) = &r.baseline_revision {
        let total: usize = new.iter().map(|(_, n)| n.len()).sum();
        let _ = writeln!(
            out,
            "\n{} against {}: {total}",
            paint(BOLD, "new offenders"),
            escape(super::short_id(base))
        );
    } else if !new.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "new offenders"));
    }
    for (m, offenders) in &new {
        let _ = writeln!(out, "  {} — {}", paint(BOLD, &escape(&m.name)), m.hint);
        for o in offenders.iter() {
            let _ = writeln!(out, "    {} — {}", location(o), escape(&o.detail));
        }
    }
    // The worklist: failing metrics first, then the others that have offenders.
    let failing = r.metrics.iter().filter(|m| !m.passed);
    let passing = r.metrics.iter().filter(|m| m.passed);
    for m in failing.chain(passing).filter(|m| !m.offenders.is_empty()) {
        if m.worklist.is_empty() {
            offender_list(&mut out, m);
        } else {
            worklist(&mut out, m, r.history.as_ref().map(|h| h.change_units));
        }
    }
    if let (Some(groups), Some(by)) = (&r.groups, r.by) {
        group_worklists(&mut out, groups, by);
    }
    if !r.hotspots.is_empty() {
        let _ = writeln!(
            out,
            "\n{} (change units × code lines: fix these first)",
            paint(BOLD, "hotspots")
        );
        for h in r.hotspots.iter().take(10) {
            let _ = writeln!(
                out,
                "  {:>8}  {}  {}",
                h.score,
                escape(&h.path),
                paint(
                    DIM,
                    &format!(
                        "{} × {}",
                        crate::metrics::plural(h.changes, "change"),
                        crate::metrics::plural(u64::from(h.code_lines), "code line")
                    )
                )
            );
        }
    }
    if !r.files.skipped.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "skipped files"));
        for s in r.files.skipped.iter().take(10) {
            let _ = writeln!(out, "  {} — {}", escape(&s.path), escape(&s.reason));
        }
        if r.files.skipped.len() > 10 {
            let _ = writeln!(
                out,
                "  {}",
                paint(
                    DIM,
                    &format!(
                        "… and {} more (--format json lists them all)",
                        r.files.skipped.len() - 10
                    )
                )
            );
        }
    }
    out
}

/// A metric whose offenders lie in no file (change units, a number): its
/// worst offenders.
fn offender_list(out: &mut String, m: &MetricResult) {
    let _ = writeln!(
        out,
        "\n{}{} — {}, worst first:",
        paint(BOLD, &escape(&m.name)),
        if m.passed { "" } else { " (failing)" },
        plural(m.offenders.len() as u64, "offender"),
    );
    for o in m.offenders.iter().take(WORST) {
        let _ = writeln!(out, "  {} — {}", location(o), escape(&o.detail));
    }
    more(out, m.offenders.len(), "");
}

/// `… and 12 more (--format json lists them all)`, when `total` passes
/// [`WORST`].
fn more(out: &mut String, total: usize, what: &str) {
    if total > WORST {
        let _ = writeln!(
            out,
            "  {}",
            paint(
                DIM,
                &format!(
                    "… and {} more{what} (--format json lists them all)",
                    total - WORST
                )
            )
        );
    }
}

/// A metric's worklist: its offenders' files, hot spots first. A file with
/// one offender shows it; a file with several, how many. `units` is the
/// window's size, when the history was read.
fn worklist(out: &mut String, m: &MetricResult, units: Option<usize>) {
    let files = m.worklist.len();
    let _ = writeln!(
        out,
        "\n{}{} — {} in {}, {}:",
        paint(BOLD, &escape(&m.name)),
        if m.passed { "" } else { " (failing)" },
        plural(m.offenders.len() as u64, "offender"),
        plural(files as u64, "file"),
        super::ranking(units)
    );
    for w in m.worklist.iter().take(WORST) {
        let line = super::work_line(m, w);
        let what = match &line {
            WorkLine::Offender(o) => format!("{} — {}", location(o), escape(&o.detail)),
            WorkLine::Count(n) => format!("{} — {n}", escape(&w.path)),
        };
        let _ = writeln!(out, "  {what}{}", line.changed(m, w, units));
    }
    let what = if files == WORST + 1 {
        " file"
    } else {
        " files"
    };
    more(out, files, what);
}

/// `--by`: each group's own top of each metric's worklist.
fn group_worklists(out: &mut String, groups: &[Group], by: By) {
    let tops = super::group_tops(groups);
    if tops.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{} (each metric's first {} files)",
        paint(BOLD, &format!("worklist by {}", by.label())),
        super::GROUP_TOP
    );
    for (g, metrics) in tops {
        let _ = writeln!(out, "  {}", paint(BOLD, &escape(&g.name)));
        for m in metrics {
            let paths: Vec<String> = m.paths.iter().map(|p| escape(p)).collect();
            let _ = writeln!(
                out,
                "    {}: {}{}",
                escape(m.metric),
                paths.join(", "),
                if m.more > 0 {
                    paint(DIM, &format!(" (+{} more)", m.more))
                } else {
                    String::new()
                }
            );
        }
    }
}

/// `--staged`: what a commit needs, sized for a terminal in the middle of
/// `git commit` — the new offenders under their metric and its fix, then a
/// one-line verdict. `quiet` keeps only the offenders' `path:line` lines.
fn staged(r: &Report, quiet: bool) -> String {
    let mut out = String::new();
    let new: Vec<_> = r
        .metrics
        .iter()
        .filter_map(|m| m.new_offenders.as_ref().map(|n| (m, n)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    for (m, offenders) in &new {
        if !quiet {
            let _ = writeln!(out, "{} — {}", paint(BOLD, &escape(&m.name)), m.hint);
        }
        for o in offenders.iter() {
            let indent = if quiet { "" } else { "  " };
            let _ = writeln!(out, "{indent}{} — {}", location(o), escape(&o.detail));
        }
    }
    let count: usize = new.iter().map(|(_, n)| n.len()).sum();
    // Failures that are no new offender, so that no verdict goes unexplained.
    let others: Vec<&String> = r
        .gate
        .failures
        .iter()
        .filter(|f| {
            !new.iter()
                .any(|(m, _)| f.starts_with(&format!("metric '{}' has ", m.name)))
        })
        .collect();
    if quiet {
        for f in others {
            let _ = writeln!(out, "{} {}", paint(RED, "fail:"), escape(f));
        }
        return out;
    }
    for f in others {
        let _ = writeln!(out, "{} {}", paint(RED, "✗"), escape(f));
    }
    match r.unchecked() {
        Some(why) => {
            let _ = writeln!(out, "{} {}", paint(YELLOW, "qscan:"), why);
        }
        None if r.passed => {
            let _ = writeln!(
                out,
                "{} no new offenders in the staged changes",
                paint(GREEN, "qscan: passed —")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{} {}; fix {}, or skip the check once with `git commit --no-verify`",
                paint(RED, "qscan: commit blocked —"),
                match count {
                    0 => "the gate failed".to_string(),
                    n => format!("{} in the staged changes", plural(n as u64, "new offender")),
                },
                if count == 1 { "it" } else { "them" }
            );
        }
    }
    out
}

/// `path:line item`; a whole-file offender is named by its path alone, a
/// change unit by its item.
fn location(o: &crate::metrics::Offender) -> String {
    match (o.path.is_empty(), o.line) {
        (true, _) => paint(BOLD, &escape(&o.item)),
        (false, Some(line)) => format!(
            "{}:{line} {}",
            escape(&o.path),
            paint(BOLD, &escape(&o.item))
        ),
        (false, None) => paint(BOLD, &escape(&o.path)),
    }
}

/// `--by`: a row per group, its score and each metric's value and units
/// (`–` where the metric has no units in the group).
fn group_table(out: &mut String, metrics: &[MetricResult], groups: &[Group], by: By) {
    if groups.is_empty() {
        let _ = writeln!(
            out,
            "{} no units to group",
            paint(BOLD, &format!("by {}:", by.label()))
        );
        return;
    }
    let names = super::group_columns(metrics, groups);
    let goals = groups.iter().any(|g| g.progress.is_some());
    let mut header = vec![format!("by {}", by.label()), "score".to_string()];
    if goals {
        header.extend(["goal".to_string(), "pace".to_string()]);
    }
    header.extend(names.iter().map(|n| escape(n)));
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let mut row = vec![escape(&g.name), format!("{:.1}", g.score)];
            if let Some((goal, pace)) = super::goal_cells(groups, g) {
                row.extend([goal, pace]);
            }
            row.extend(names.iter().map(|n| {
                g.metrics
                    .iter()
                    .find(|m| m.name == *n)
                    .map_or("–".to_string(), |m| {
                        format!("{:.1}% {}/{}", m.value, m.compliant, m.total)
                    })
            }));
            row
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // The group's name left-aligned, the numbers right-aligned.
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                // The group's name, and its goal and pace, read as words.
                if i == 0 || (goals && (i == 2 || i == 3)) {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let _ = writeln!(out, "{}", paint(BOLD, &line(&header)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
}

/// How the score is made, in one line: which metrics it weighs and which it
/// leaves out.
fn score_making(r: &Report) -> String {
    let mut line = format!(
        "the score is the weighted mean of the {} measured {} values",
        r.metrics_measured,
        if r.metrics_measured == 1 {
            "metric's"
        } else {
            "metrics'"
        }
    );
    let out: Vec<String> = r
        .metrics
        .iter()
        .filter(|m| !m.status.is_measured())
        .map(|m| format!("{} ({})", escape(&m.name), m.status.label()))
        .collect();
    if !out.is_empty() {
        let _ = write!(line, "; left out: {}", out.join(", "));
    }
    line
}

fn table(out: &mut String, metrics: &[MetricResult]) {
    let rows: Vec<[String; 5]> = metrics
        .iter()
        .map(|m| {
            let threshold = super::threshold(m);
            let (value, result) = match m.status.reason() {
                Some(_) => ("n/a".to_string(), m.status.label().to_string()),
                None => (
                    match m.delta {
                        Some(d) => format!("{:.1}% ({d:+.1})", m.value),
                        None => format!("{:.1}%", m.value),
                    },
                    if m.ungated() {
                        "—"
                    } else if m.passed {
                        "pass"
                    } else {
                        "FAIL"
                    }
                    .to_string(),
                ),
            };
            let units = match m.status.reason() {
                Some(why) => escape(why),
                None => match m.measured {
                    Some(n) => format!("{} = {n}", m.unit),
                    None => format!("{}/{} {}", m.compliant, m.total, m.unit),
                },
            };
            [escape(&m.name), value, threshold, result, units]
        })
        .collect();
    let header = ["metric", "value", "threshold", "result", "units"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5], style: Option<Style>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            let cell = match (i, style) {
                (3, Some(st)) => paint(st, cell),
                _ => cell.to_string(),
            };
            if i == 1 {
                s.push_str(&" ".repeat(pad));
                s.push_str(&cell);
            } else {
                s.push_str(&cell);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
            if i + 1 < cells.len() {
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", paint(BOLD, &line(header, None)));
    for row in &rows {
        let style = match row[3].as_str() {
            "pass" => GREEN,
            "FAIL" => RED,
            _ => YELLOW,
        };
        let cells = [
            row[0].as_str(),
            row[1].as_str(),
            row[2].as_str(),
            row[3].as_str(),
            row[4].as_str(),
        ];
        let _ = writeln!(out, "{}", line(cells, Some(style)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{offender, sample};

    fn plain(r: &Report, quiet: bool) -> String {
        anstream::adapter::strip_str(&render(r, quiet)).to_string()
    }

    #[test]
    fn worklist_groups_offenders_by_file_hot_spots_first() {
        let mut r = sample(false);
        let m = &mut r.metrics[0];
        m.offenders = vec![
            offender("a.py", Some(1), "f", "untyped"),
            offender("a.py", Some(5), "g", "untyped"),
            offender("b.py", Some(2), "h", "untyped"),
            offender("c.py", Some(3), "k", "untyped"),
        ];
        m.kind = "typed";
        let changes = std::collections::HashMap::from([("b.py", 4), ("a.py", 1)]);
        m.worklist = crate::metrics::worklist::worklist(&m.offenders, Some(&changes));
        r.history = Some(crate::report::HistoryReport {
            change_units: 9,
            first: None,
            last: None,
            first_time: None,
            last_time: None,
            shallow: false,
            reaches: None,
        });
        let out = plain(&r, false);
        assert!(
            out.contains(
                "\ntyped (failing) — 4 offenders in 3 files, by impact (offenders × changes):\n  \
                 b.py:2 h — untyped; changed in 4 of 9 change units\n  \
                 a.py — 2 untyped functions, changed in 1 of 9 change units\n  \
                 c.py:3 k — untyped; changed in 0 of 9 change units\n\n"
            ),
            "{out}"
        );
        // A commit offender belongs to no file: listed as before.
        assert!(
            out.contains("\nchange-size — 1 offender, worst first:\n  #12 (abc123def456) — "),
            "{out}"
        );
    }

    #[test]
    fn staged_shows_only_new_offenders_and_a_verdict() {
        let mut r = sample(true);
        r.snapshot = "index".into();
        r.gate.failures = vec![
            "metric 'typed' has 1 new offender: fix".into(),
            "metric 'large-files' has 1 new offender: fix".into(),
        ];
        r.metrics[0].hint = "annotate";
        r.metrics[1].hint = "split";
        assert_eq!(
            plain(&r, false),
            "typed — annotate\n  pkg/models.py:3 Item.__init__ — the return unannotated\n\
             large-files — split\n  pkg/big.py — 32 code lines (max 30)\n\
             qscan: commit blocked — 2 new offenders in the staged changes; fix them, or skip \
             the check once with `git commit --no-verify`\n"
        );
        assert_eq!(
            plain(&r, true),
            "pkg/models.py:3 Item.__init__ — the return unannotated\n\
             pkg/big.py — 32 code lines (max 30)\n"
        );
        // A failure that is no new offender is said, never swallowed.
        r.gate.failures.push("something else".into());
        assert!(
            plain(&r, false).contains("\n✗ something else\nqscan: commit blocked"),
            "{}",
            plain(&r, false)
        );
        assert!(plain(&r, true).ends_with("\nfail: something else\n"));
    }
}
