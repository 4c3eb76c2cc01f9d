//! `--format markdown`: a summary sized for a pull-request comment or a
//! GitHub step summary. The verdict and score in the heading, a table of the
//! metrics (with the change against the baseline when there is one), the
//! gate's failures, then the worst offenders of each failing metric, new ones
//! first, with more folded away in `<details>`.
//!
//! Nothing machine-specific (the absolute root, the definition's path) is
//! shown: the comment is read on another machine than the one that ran qscan.

use std::fmt::Write;

use super::{Report, escape, is_new, threshold};
use crate::metrics::groups::{By, Group};
use crate::metrics::{MetricResult, Offender};
use crate::model::Status;

/// Offenders shown per metric before the fold.
const WORST: usize = 5;
/// Offenders inside the fold.
const FOLDED: usize = 50;
/// Longer items and details are cut, so one odd offender cannot blow the
/// comment's size.
const MAX_TEXT: usize = 300;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let has_baseline = r.baseline_revision.is_some();
    match r.unchecked() {
        // No score and no verdict: a gate that checked nothing did not pass.
        Some(why) => {
            let _ = writeln!(out, "## ⚠️ qscan: {}\n", text(why));
        }
        None => {
            let _ = write!(
                out,
                "## {} qscan: score {:.1}",
                if r.passed { "✅" } else { "❌" },
                r.score
            );
            if let Some(min) = r.gate.min_score {
                let _ = write!(out, " (min {min})");
            }
            let _ = writeln!(
                out,
                " — gate {}\n",
                if r.passed { "passed" } else { "failed" }
            );
        }
    }
    let _ = writeln!(out, "{}\n", context(r));

    if r.metrics.is_empty() {
        out.push_str("The definition has no metrics.\n");
    } else {
        table(&mut out, r, has_baseline);
    }

    if !r.gate.failures.is_empty() {
        out.push_str("\n**Gate failures**\n\n");
        for f in &r.gate.failures {
            let _ = writeln!(out, "- {}", text(f));
        }
    }

    if let (Some(groups), Some(by)) = (&r.groups, r.by) {
        group_table(&mut out, &r.metrics, groups, by);
    }

    for m in &r.metrics {
        let new: Vec<&Offender> = m.offenders.iter().filter(|o| is_new(m, o)).collect();
        if m.passed {
            // A passing metric is listed only for what the change added.
            if !new.is_empty() {
                section(&mut out, m, &new, new.len(), "new offender");
            }
        } else if !m.offenders.is_empty() {
            let old = m.offenders.iter().filter(|o| !is_new(m, o));
            let ordered: Vec<&Offender> = new.iter().copied().chain(old).collect();
            section(&mut out, m, &ordered, new.len(), "offender");
        }
    }
    out
}

/// `12 files scanned (python 12) · working tree · compared with abc123`
fn context(r: &Report) -> String {
    let langs: Vec<String> = r
        .files
        .by_language
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let mut s = format!("{} files scanned", r.files.scanned);
    if !langs.is_empty() {
        let _ = write!(s, " ({})", langs.join(", "));
    }
    if !r.files.skipped.is_empty() {
        let _ = write!(s, ", {} skipped", r.files.skipped.len());
    }
    match &r.revision {
        Some(rev) => {
            let _ = write!(s, " · revision `{}`", short(rev));
        }
        None => s.push_str(" · working tree"),
    }
    if let Some(rev) = &r.baseline_revision {
        let _ = write!(s, " · compared with `{}`", short(rev));
    }
    s
}

fn short(rev: &str) -> &str {
    // Revisions are hex ids or ref names; cut at a char boundary all the same.
    match rev.char_indices().nth(12) {
        Some((i, _)) => &rev[..i],
        None => rev,
    }
}

fn table(out: &mut String, r: &Report, has_baseline: bool) {
    if has_baseline {
        out.push_str("| metric | value | Δ | threshold | result | units |\n");
        out.push_str("|---|---:|---:|---|---|---|\n");
    } else {
        out.push_str("| metric | value | threshold | result | units |\n");
        out.push_str("|---|---:|---|---|---|\n");
    }
    for m in &r.metrics {
        let (value, result, units) = match &m.status {
            Status::NotApplicable { reason } => ("n/a".to_string(), "➖ n/a", text(reason)),
            Status::NotMeasured { reason, .. } => {
                ("n/a".to_string(), "⚠️ not measured", text(reason))
            }
            Status::Measured => (
                format!("{:.1}%", m.value),
                if m.passed { "✅ pass" } else { "❌ fail" },
                format!("{}/{} {}", m.compliant, m.total, text(m.unit)),
            ),
        };
        let name = cell(&text(&m.name));
        let threshold = cell(&threshold(m));
        if has_baseline {
            let (value, delta) = match (&m.baseline, m.delta) {
                (Some(b), delta) if m.status.is_measured() => (
                    format!("{:.1}% → {value}", b.value),
                    delta.map_or("—".to_string(), |d| format!("{d:+.1}")),
                ),
                _ => (value, "—".to_string()),
            };
            let _ = writeln!(
                out,
                "| {name} | {value} | {delta} | {threshold} | {result} | {} |",
                cell(&units)
            );
        } else {
            let _ = writeln!(
                out,
                "| {name} | {value} | {threshold} | {result} | {} |",
                cell(&units)
            );
        }
    }
}

/// `--by`: a row per group with its score and each metric's value and
/// units (`—` where the metric has no units in the group).
fn group_table(out: &mut String, metrics: &[MetricResult], groups: &[Group], by: By) {
    let _ = writeln!(out, "\n**By {}**\n", text(&by.label()));
    if groups.is_empty() {
        out.push_str("No units to group.\n");
        return;
    }
    let names = super::group_columns(metrics, groups);
    let _ = write!(out, "| {} | score |", by.name());
    for n in &names {
        let _ = write!(out, " {} |", cell(&text(n)));
    }
    out.push_str("\n|---|---:|");
    out.push_str(&"---:|".repeat(names.len()));
    out.push('\n');
    for g in groups {
        // A code span: a bare @org/team in a comment would notify the team.
        let _ = write!(out, "| {} | {:.1} |", cell(&code(&g.name)), g.score);
        for n in &names {
            match g.metrics.iter().find(|m| m.name == *n) {
                Some(m) => {
                    let _ = write!(out, " {:.1}% ({}/{}) |", m.value, m.compliant, m.total);
                }
                None => out.push_str(" — |"),
            }
        }
        out.push('\n');
    }
}

/// A metric's worklist: `shown` in order, of which the first `new` are new.
fn section(out: &mut String, m: &MetricResult, shown: &[&Offender], new: usize, noun: &str) {
    let n = shown.len();
    let _ = write!(
        out,
        "\n### {} {} — {n} {noun}{}",
        if m.passed { "⚠️" } else { "❌" },
        text(&m.name),
        if n == 1 { "" } else { "s" }
    );
    if new > 0 && noun == "offender" {
        let _ = write!(out, ", {new} new");
    }
    out.push_str("\n\n");
    for (i, o) in shown.iter().take(WORST).enumerate() {
        item(out, o, i < new);
    }
    if n > WORST {
        let folded = (n - WORST).min(FOLDED);
        let _ = writeln!(out, "\n<details><summary>{folded} more</summary>\n");
        for (i, o) in shown.iter().enumerate().skip(WORST).take(FOLDED) {
            item(out, o, i < new);
        }
        out.push_str("\n</details>\n");
        if n > WORST + FOLDED {
            let _ = writeln!(
                out,
                "\n…and {} more: `qscan --format json` lists them all.",
                n - WORST - FOLDED
            );
        }
    }
}

/// `- 🆕 `path:line` `item` — detail`; a whole file is its path alone and a
/// commit its item alone, as in the text report.
fn item(out: &mut String, o: &Offender, new: bool) {
    let what = match (o.path.is_empty(), o.line) {
        (true, _) => code(&o.item),
        (false, Some(line)) => format!("{} {}", code(&format!("{}:{line}", o.path)), code(&o.item)),
        (false, None) => code(&o.path),
    };
    let _ = write!(out, "- {}{what}", if new { "🆕 " } else { "" });
    if !o.detail.is_empty() {
        let _ = write!(out, " — {}", text(&o.detail));
    }
    out.push('\n');
}

/// Plain text made inert: one line, cut at [`MAX_TEXT`], control
/// characters escaped as in every report, every character markdown or HTML
/// would act on backslash-escaped, and no `@` mention.
///
/// A backslash does not stop GitHub from linking `@team` or `@scope/pkg`
/// (mentions are found in the rendered text, where `\@` is `@` again), so a
/// zero-width space follows each `@`, written as `&#8203;` to stay visible
/// in the markdown source: the text reads the same on GitHub and notifies
/// no one. A code span would do too, but would set every such name in code.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in cut(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@&#8203;"),
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds any text: fenced with more backticks than it
/// contains in a row. GitHub links no mention inside one.
fn code(s: &str) -> String {
    let s = cut(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with(' ') || s.ends_with(' ') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A table cell: a `|` ends the cell even inside a code span.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut escaped = false;
    for c in s.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

/// Cut at [`MAX_TEXT`] characters, control characters escaped (so on one line).
fn cut(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => format!("{}…", escape(&s[..i])),
        None => escape(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{offender, sample};

    #[test]
    fn escapes_text_and_fences_code() {
        assert_eq!(
            text("Item.__init__ <b>|"),
            "Item.\\_\\_init\\_\\_ \\<b\\>\\|"
        );
        assert_eq!(code("a.py:3"), "`a.py:3`");
        assert_eq!(code("x`y"), "`` x`y ``");
        assert_eq!(cell("a|b \\| c"), "a\\|b \\| c");
        let long = "x".repeat(MAX_TEXT + 10);
        assert_eq!(text(&long).chars().count(), MAX_TEXT + 1);
    }

    #[test]
    fn summary_without_baseline() {
        let out = render(&sample(false));
        assert_eq!(
            out,
            "## ❌ qscan: score 70.3 (min 70) — gate failed\n\
             \n\
             12 files scanned (python 12) · working tree\n\
             \n\
             | metric | value | threshold | result | units |\n\
             |---|---:|---|---|---|\n\
             | typed | 41.0% | ≥ 60% | ❌ fail | 41/100 function |\n\
             | large-files | 90.0% | ≥ 90% | ✅ pass | 9/10 source file |\n\
             | change-size | 80.0% | — | ✅ pass | 4/5 change unit |\n\
             \n\
             **Gate failures**\n\
             \n\
             - metric 'typed' is 41.0%, below its minimum 60%\n\
             \n\
             ### ❌ typed — 2 offenders\n\
             \n\
             - `pkg/api.py:12` `post` — 2 parameters and the return unannotated\n\
             - `pkg/models.py:3` `Item.__init__` — the return unannotated\n"
        );
    }

    #[test]
    fn baseline_shows_deltas_and_new_offenders_first() {
        let out = render(&sample(true));
        assert!(
            out.contains("· working tree · compared with `abc123`\n"),
            "{out}"
        );
        assert!(out.contains("| metric | value | Δ | threshold | result | units |\n"));
        assert!(
            out.contains("| typed | 43.5% → 41.0% | -2.5 | ≥ 60% | ❌ fail | 41/100 function |\n"),
            "{out}"
        );
        assert!(
            out.contains("| change-size | 80.0% → 80.0% | +0.0 |"),
            "{out}"
        );
        assert!(
            out.contains(
                "### ❌ typed — 2 offenders, 1 new\n\n\
                 - 🆕 `pkg/models.py:3` `Item.__init__` — the return unannotated\n\
                 - `pkg/api.py:12` `post` — 2 parameters and the return unannotated\n"
            ),
            "{out}"
        );
        // A passing metric appears for its new offenders only.
        assert!(
            out.contains(
                "### ⚠️ large-files — 1 new offender\n\n\
                 - 🆕 `pkg/big.py` — 32 code lines (max 30)\n"
            ),
            "{out}"
        );
        assert!(!out.contains("change-size —"), "{out}");
    }

    #[test]
    fn folds_long_worklists() {
        let mut r = sample(false);
        r.metrics[0].offenders = (0..60)
            .map(|i| offender("a.py", Some(i + 1), &format!("f{i}"), "untyped"))
            .collect();
        let out = render(&r);
        assert!(
            out.contains("<details><summary>50 more</summary>\n"),
            "{out}"
        );
        assert!(
            out.contains("- `a.py:5` `f4` — untyped\n\n<details>"),
            "{out}"
        );
        assert!(
            out.contains("- `a.py:55` `f54` — untyped\n\n</details>\n"),
            "{out}"
        );
        assert!(out.contains("…and 5 more: `qscan --format json` lists them all."));
        assert!(!out.contains("`f55`"));
    }
}
