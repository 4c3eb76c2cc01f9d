//! `--format markdown`: a summary sized for a pull-request comment or a
//! GitHub step summary. The verdict and score in the heading, a table of the
//! metrics (with the change against the baseline when there is one), the
//! gate's failures, then the worst offenders of each failing metric, new ones
//! first, with more folded away in `<details>`.
//!
//! Nothing machine-specific (the absolute root, the definition's path) is
//! shown: the comment is read on another machine than the one that ran qscan.

use std::fmt::Write;

use super::{Report, WorkLine, escape, is_new, threshold};
use crate::metrics::groups::{By, Group};
use crate::metrics::{MetricResult, Offender, WorkFile};
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
            let verdict = if r.report_only() {
                "no gate"
            } else if r.passed {
                "gate passed"
            } else {
                "gate failed"
            };
            let _ = writeln!(out, " — {verdict}\n");
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
        group_worklists(&mut out, groups, by);
    }

    let units = r.history.as_ref().map(|h| h.change_units);
    for m in &r.metrics {
        let new: Vec<&Offender> = m.offenders.iter().filter(|o| is_new(m, o)).collect();
        if m.passed {
            // A passing metric is listed only for what the change added.
            if !new.is_empty() {
                section(&mut out, m, &new, new.len(), "new offender");
            }
        } else if !m.worklist.is_empty() {
            files_section(&mut out, m, &new, units);
        } else if !m.offenders.is_empty() {
            let old = m.offenders.iter().filter(|o| !is_new(m, o));
            let ordered: Vec<&Offender> = new.iter().copied().chain(old).collect();
            section(&mut out, m, &ordered, new.len(), "offender");
        }
    }
    out
}

/// A failing metric's worklist: the offenders the change added, then its
/// files, hot spots first, with more folded away.
fn files_section(out: &mut String, m: &MetricResult, new: &[&Offender], units: Option<usize>) {
    let n = m.offenders.len();
    let files = m.worklist.len();
    let _ = write!(
        out,
        "\n### ❌ {} — {n} offender{} in {files} file{}",
        text(&m.name),
        if n == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    );
    if !new.is_empty() {
        let _ = write!(out, ", {} new", new.len());
    }
    out.push_str("\n\n");
    for o in new.iter().take(WORST) {
        item(out, o, true);
    }
    if new.len() > WORST {
        let _ = writeln!(
            out,
            "- …and {} more new: `qscan --format json` lists them all",
            new.len() - WORST
        );
    }
    if !new.is_empty() {
        out.push('\n');
    }
    if files > 1 {
        let _ = writeln!(out, "Files, {}:\n", super::ranking(units));
    }
    for w in m.worklist.iter().take(WORST) {
        file_item(out, m, w, units);
    }
    if files > WORST {
        let folded = (files - WORST).min(FOLDED);
        let _ = writeln!(out, "\n<details><summary>{folded} more files</summary>\n");
        for w in m.worklist.iter().skip(WORST).take(FOLDED) {
            file_item(out, m, w, units);
        }
        out.push_str("\n</details>\n");
        if files > WORST + FOLDED {
            let _ = writeln!(
                out,
                "\n…and {} more files: `qscan --format json` lists them all.",
                files - WORST - FOLDED
            );
        }
    }
}

/// `- `path` — 23 untyped functions, changed in 41 of 500 change units`, or
/// the file's only offender as [`item`] shows it.
fn file_item(out: &mut String, m: &MetricResult, w: &WorkFile, units: Option<usize>) {
    let line = super::work_line(m, w);
    match &line {
        WorkLine::Offender(o) => {
            item(out, o, is_new(m, o));
            // Before the newline `item` ends with.
            out.pop();
        }
        WorkLine::Count(n) => {
            let _ = write!(out, "- {} — {n}", code(&w.path));
        }
    }
    let _ = writeln!(out, "{}", line.changed(m, w, units));
}

/// `--by`: each group's own top of each metric's worklist.
fn group_worklists(out: &mut String, groups: &[Group], by: By) {
    let tops = super::group_tops(groups);
    if tops.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n**Worklist by {}** (each metric's first {} files)\n",
        text(&by.label()),
        super::GROUP_TOP
    );
    for (g, metrics) in tops {
        let tops: Vec<String> = metrics
            .iter()
            .map(|m| {
                let files: Vec<String> = m.paths.iter().map(|p| code(p)).collect();
                let more = if m.more > 0 {
                    format!(" (+{} more)", m.more)
                } else {
                    String::new()
                };
                format!("{} {}{more}", text(m.metric), files.join(", "))
            })
            .collect();
        // A code span: a bare @org/team in a comment would notify the team.
        let _ = writeln!(out, "- {}: {}", code(&g.name), tops.join("; "));
    }
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
    let goals = groups.iter().any(|g| g.progress.is_some());
    let _ = write!(out, "| {} | score |", by.name());
    if goals {
        out.push_str(" goal | pace |");
    }
    for n in &names {
        let _ = write!(out, " {} |", cell(&text(n)));
    }
    out.push_str("\n|---|---:|");
    if goals {
        out.push_str("---|---|");
    }
    out.push_str(&"---:|".repeat(names.len()));
    out.push('\n');
    for g in groups {
        // A code span: a bare @org/team in a comment would notify the team.
        let _ = write!(out, "| {} | {:.1} |", cell(&code(&g.name)), g.score);
        if let Some((goal, pace)) = super::goal_cells(groups, g) {
            let _ = write!(out, " {goal} | {pace} |");
        }
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
             ### ❌ typed — 2 offenders in 2 files\n\
             \n\
             Files, most offenders first:\n\
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
                "### ❌ typed — 2 offenders in 2 files, 1 new\n\n\
                 - 🆕 `pkg/models.py:3` `Item.__init__` — the return unannotated\n\
                 \n\
                 Files, most offenders first:\n\
                 \n\
                 - `pkg/api.py:12` `post` — 2 parameters and the return unannotated\n\
                 - 🆕 `pkg/models.py:3` `Item.__init__` — the return unannotated\n"
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
            .map(|i| {
                offender(
                    &format!("m{i:02}.py"),
                    Some(i + 1),
                    &format!("f{i}"),
                    "untyped",
                )
            })
            .collect();
        r.metrics[0].worklist = crate::metrics::worklist::worklist(&r.metrics[0].offenders, None);
        let out = render(&r);
        assert!(
            out.contains("### ❌ typed — 60 offenders in 60 files\n"),
            "{out}"
        );
        assert!(
            out.contains("<details><summary>50 more files</summary>\n"),
            "{out}"
        );
        assert!(
            out.contains("- `m04.py:5` `f4` — untyped\n\n<details>"),
            "{out}"
        );
        assert!(
            out.contains("- `m54.py:55` `f54` — untyped\n\n</details>\n"),
            "{out}"
        );
        assert!(out.contains("…and 5 more files: `qscan --format json` lists them all."));
        assert!(!out.contains("`f55`"));
    }

    #[test]
    fn a_file_with_several_offenders_says_how_many_and_how_often_it_changed() {
        let mut r = sample(false);
        r.metrics[0].offenders = vec![
            offender("a.py", Some(1), "f", "untyped"),
            offender("a.py", Some(5), "g", "untyped"),
            offender("b.py", Some(2), "h", "untyped"),
        ];
        r.metrics[0].kind = "typed";
        let changes = std::collections::HashMap::from([("b.py", 4)]);
        r.metrics[0].worklist =
            crate::metrics::worklist::worklist(&r.metrics[0].offenders, Some(&changes));
        r.history = Some(crate::report::HistoryReport {
            change_units: 9,
            first: None,
            last: None,
            first_time: None,
            last_time: None,
            shallow: false,
            reaches: None,
        });
        let out = render(&r);
        assert!(
            out.contains(
                "### ❌ typed — 3 offenders in 2 files\n\n\
                 Files, by impact (offenders × changes):\n\n\
                 - `b.py:2` `h` — untyped; changed in 4 of 9 change units\n\
                 - `a.py` — 2 untyped functions, changed in 0 of 9 change units\n"
            ),
            "{out}"
        );
    }
}
