//! `--format text`: the human report. A table of metrics, the score and the
//! gate's verdict, then the worst offenders of each failing metric.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::{Report, escape};
use crate::metrics::MetricResult;
use crate::metrics::groups::{By, Group};

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
            let _ = writeln!(out, " — gate {verdict}");
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
        let _ = writeln!(
            out,
            "\n{}{} — {} offender{}, worst first:",
            paint(BOLD, &escape(&m.name)),
            if m.passed { "" } else { " (failing)" },
            m.offenders.len(),
            if m.offenders.len() == 1 { "" } else { "s" }
        );
        for o in m.offenders.iter().take(WORST) {
            let _ = writeln!(out, "  {} — {}", location(o), escape(&o.detail));
        }
        if m.offenders.len() > WORST {
            let _ = writeln!(
                out,
                "  {}",
                paint(
                    DIM,
                    &format!(
                        "… and {} more (--format json lists them all)",
                        m.offenders.len() - WORST
                    )
                )
            );
        }
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
    let mut header = vec![format!("by {}", by.label()), "score".to_string()];
    header.extend(names.iter().map(|n| escape(n)));
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let mut row = vec![escape(&g.name), format!("{:.1}", g.score)];
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
                if i == 0 {
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
                    if m.passed { "pass" } else { "FAIL" }.to_string(),
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
