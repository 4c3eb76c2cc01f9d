//! `--format github`: GitHub Actions workflow commands, so a failing gate
//! shows up where the author looks: gate failures and offenders as error
//! annotations on the pull request's files, and the score as a notice.
//!
//! GitHub displays at most 10 error and 10 warning annotations per step and
//! 50 per job, so a long worklist is cut at [`MAX_ANNOTATIONS`] offenders
//! (new ones first) and a notice says how many more there are; the step
//! summary (`$GITHUB_STEP_SUMMARY`, which the CLI fills with the markdown
//! report) and `--format json` list them. Offenders of passing metrics are
//! not annotated unless they are new against a baseline: a metric the team
//! has accepted should not cover every pull request in warnings.

use std::fmt::Write;

use super::{Report, escape, is_new, threshold};
use crate::metrics::{MetricResult, Offender};

/// Offender annotations printed at most: GitHub keeps 50 per job.
pub const MAX_ANNOTATIONS: usize = 50;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    for f in &r.gate.failures {
        let _ = writeln!(out, "::error title=qscan gate::{}", data(f));
    }
    let annotations = annotations(r);
    for (level, m, o) in annotations.iter().take(MAX_ANNOTATIONS) {
        let mut props = Vec::new();
        if !o.path.is_empty() {
            props.push(format!("file={}", property(&o.path)));
            if let Some(line) = o.line {
                props.push(format!("line={line}"));
            }
        }
        props.push(format!("title={}", property(&title(m, o))));
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), data(&message(o)));
    }
    if annotations.len() > MAX_ANNOTATIONS {
        let _ = writeln!(
            out,
            "::notice title=qscan::{} more offenders are not annotated; the step summary and \
             --format json list them",
            annotations.len() - MAX_ANNOTATIONS
        );
    }
    // A gate that checked nothing is worth a warning, not a notice.
    let level = if r.unchecked().is_some() {
        "warning"
    } else {
        "notice"
    };
    let _ = writeln!(out, "::{level} title=qscan::{}", data(&summary(r)));
    out
}

/// What to annotate, most useful first: new offenders of failing metrics,
/// new offenders of passing metrics, then the other offenders of failing
/// metrics, each metric's worst first.
fn annotations(r: &Report) -> Vec<(&'static str, &MetricResult, &Offender)> {
    let mut new = Vec::new();
    let mut new_passing = Vec::new();
    let mut old = Vec::new();
    for m in &r.metrics {
        for o in &m.offenders {
            match (m.passed, is_new(m, o)) {
                (false, true) => new.push(("error", m, o)),
                (false, false) => old.push(("error", m, o)),
                (true, true) => new_passing.push(("warning", m, o)),
                (true, false) => {}
            }
        }
    }
    new.extend(new_passing);
    new.extend(old);
    new
}

fn title(m: &MetricResult, o: &Offender) -> String {
    if is_new(m, o) {
        format!("{} (new)", m.name)
    } else {
        m.name.clone()
    }
}

fn message(o: &Offender) -> String {
    if o.detail.is_empty() {
        o.item.clone()
    } else {
        format!("{} — {}", o.item, o.detail)
    }
}

/// `score 70.3 (min 70) — gate failed: 1 failure; typed 41.0% (≥ 60%) …`
fn summary(r: &Report) -> String {
    let mut s = String::new();
    if let Some(why) = r.unchecked() {
        s.push_str(why);
    } else {
        let _ = write!(s, "score {:.1}", r.score);
        if let Some(min) = r.gate.min_score {
            let _ = write!(s, " (min {min})");
        }
        if r.passed {
            s.push_str(" — gate passed");
        } else {
            let n = r.gate.failures.len();
            let _ = write!(
                s,
                " — gate FAILED ({n} failure{})",
                if n == 1 { "" } else { "s" }
            );
        }
    }
    if let Some(rev) = &r.baseline_revision {
        let _ = write!(s, ", compared with {}", super::short_id(rev));
    }
    let metrics: Vec<String> = r
        .metrics
        .iter()
        .map(|m| match m.status.reason() {
            Some(_) => format!("{} {}", m.name, m.status.label()),
            None => {
                let mut t = format!("{} {:.1}%", m.name, m.value);
                if let Some(d) = m.delta {
                    let _ = write!(t, " ({d:+.1})");
                }
                if !m.passed {
                    let _ = write!(t, " FAIL {}", threshold(m));
                }
                t
            }
        })
        .collect();
    if !metrics.is_empty() {
        let _ = write!(s, "; {}", metrics.join(", "));
    }
    s
}

/// A command's message: control characters escaped as in every report
/// (so no ESC reaches the log, and no line break can start a command of its
/// own), then `%`, CR and LF encoded per GitHub's workflow-command rules.
fn data(s: &str) -> String {
    escape(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value: as data, plus `:` and `,`, which
/// would end the value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{offender, sample};

    #[test]
    fn escapes_per_workflow_command_rules() {
        assert_eq!(
            data("100% done\r\nnext: a, b\u{1b}[2J"),
            "100%25 done\\r\\nnext: a, b\\u{1b}[2J"
        );
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25\\n");
    }

    #[test]
    fn annotates_offenders_of_failing_metrics_only() {
        let out = render(&sample(false));
        assert_eq!(
            out,
            "::error title=qscan gate::metric 'typed' is 41.0%25, below its minimum 60%25\n\
             ::error file=pkg/api.py,line=12,title=typed::post — 2 parameters and the return unannotated\n\
             ::error file=pkg/models.py,line=3,title=typed::Item.__init__ — the return unannotated\n\
             ::notice title=qscan::score 70.3 (min 70) — gate FAILED (1 failure); typed 41.0%25 FAIL ≥ 60%25, \
             large-files 90.0%25, change-size 80.0%25\n"
        );
    }

    #[test]
    fn with_a_baseline_new_offenders_come_first_and_passing_ones_warn() {
        let out = render(&sample(true));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[1],
            "::error file=pkg/models.py,line=3,title=typed (new)::Item.__init__ — the return unannotated"
        );
        assert_eq!(
            lines[2],
            "::warning file=pkg/big.py,title=large-files (new)::big.py — 32 code lines (max 30)"
        );
        assert_eq!(
            lines[3],
            "::error file=pkg/api.py,line=12,title=typed::post — 2 parameters and the return unannotated"
        );
        assert!(
            lines[4].contains("compared with abc123; typed 41.0%25 (-2.5) FAIL"),
            "{}",
            lines[4]
        );
    }

    #[test]
    fn commits_are_annotated_without_a_file_and_paths_are_escaped() {
        let mut r = sample(false);
        r.metrics[2].passed = false;
        r.metrics[1].passed = false;
        r.metrics[1].offenders[0] = offender("a,b:c.py", None, "a,b:c.py", "50% too big\nreally");
        let out = render(&r);
        assert!(
            out.contains(
                "::error file=a%2Cb%3Ac.py,title=large-files::a,b:c.py — 50%25 too big\\nreally\n"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "::error title=change-size::#12 (abc123def456) — touches 40 files (max 25): Big refactor\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn caps_offender_annotations() {
        let mut r = sample(false);
        r.metrics[0].offenders = (0..70)
            .map(|i| offender("a.py", Some(i + 1), &format!("f{i}"), "untyped"))
            .collect();
        let out = render(&r);
        let errors = out
            .lines()
            .filter(|l| l.starts_with("::error file="))
            .count();
        assert_eq!(errors, MAX_ANNOTATIONS);
        assert!(
            out.contains("::notice title=qscan::20 more offenders are not annotated"),
            "{out}"
        );
    }
}
