//! `qscan nudge` rendered: markdown for a chat post or an issue (one short
//! section per team behind its goal), JSON for a bot.

use std::fmt::Write;

use crate::program::nudge::{Nudge, Nudges};

/// Markdown text, whose every name is a code span (so a team or path
/// cannot inject formatting or mentions); empty when no team is nudged.
pub fn markdown(n: &Nudges) -> String {
    let mut out = String::new();
    for nudge in &n.nudges {
        section(&mut out, nudge);
    }
    out
}

fn code(s: &str) -> String {
    let clean = super::escape(s).replace('`', "'");
    format!("`{clean}`")
}

fn section(out: &mut String, n: &Nudge) {
    let _ = writeln!(
        out,
        "### {} is {} its goal\n",
        code(&n.team),
        if n.track == crate::metrics::goals::Track::Overdue {
            "past the date of"
        } else {
            "behind"
        }
    );
    let mut standing = format!("Score **{:.1}** now", n.score);
    if let Some(s) = &n.progress.score {
        let _ = write!(
            standing,
            "; goal **{}** by {}. At its pace ({:+.1} a month) it reaches {:.1} by then.",
            s.target, n.progress.by, s.per_month, s.projected
        );
    } else {
        let _ = write!(standing, "; goal by {}.", n.progress.by);
    }
    let _ = writeln!(out, "{standing}");
    for m in &n.progress.metrics {
        let _ = writeln!(
            out,
            "- {}: {:.1} now, goal {} — {} (reaches {:.1})",
            code(&m.name),
            m.pace.current,
            m.pace.target,
            m.pace.track.label(),
            m.pace.projected
        );
    }
    if n.files.is_empty() {
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "\nThe files that would move it most:\n");
    for (i, f) in n.files.iter().enumerate() {
        let place = if f.repository.is_empty() {
            code(&f.path)
        } else {
            format!("{} in {}", code(&f.path), code(&f.repository))
        };
        let _ = writeln!(
            out,
            "{}. {place}: +{:.1} points ({} in {})",
            i + 1,
            f.gain,
            crate::text::plural(f.offenders, "offender"),
            f.metrics.join(", ")
        );
    }
    out.push('\n');
}

/// The nudges as one JSON object: `{"nudges": [...], "unchanged": [...]}`.
pub fn json(n: &Nudges) -> String {
    super::json::pretty(n, "the nudges")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::goals::{Pace, Progress, Track};
    use crate::program::{FileMove, GoalView};

    fn nudge(team: &str, path: &str) -> Nudge {
        Nudge {
            team: team.into(),
            track: Track::Behind,
            score: 62.0,
            goal: GoalView {
                score: Some(80.0),
                metrics: Default::default(),
                by: "2027-03-31".into(),
            },
            progress: Progress {
                by: "2027-03-31".into(),
                track: Track::Behind,
                score: Some(Pace {
                    current: 62.0,
                    target: 80.0,
                    projected: 66.4,
                    per_month: 1.2,
                    points: 4,
                    track: Track::Behind,
                }),
                metrics: Vec::new(),
            },
            files: vec![FileMove {
                repository: String::new(),
                path: path.into(),
                gain: 4.25,
                offenders: 7,
                metrics: vec!["typed".into()],
            }],
            fingerprint: "x".into(),
        }
    }

    #[test]
    fn a_short_section_per_team() {
        let n = Nudges {
            nudges: vec![nudge("@acme/payments", "src/pay.py")],
            unchanged: Vec::new(),
        };
        assert_eq!(
            markdown(&n),
            "### `@acme/payments` is behind its goal\n\n\
             Score **62.0** now; goal **80** by 2027-03-31. At its pace (+1.2 a month) it \
             reaches 66.4 by then.\n\n\
             The files that would move it most:\n\n\
             1. `src/pay.py`: +4.2 points (7 offenders in typed)\n\n"
        );
        let v: serde_json::Value = serde_json::from_str(&json(&n)).unwrap_or_default();
        assert_eq!(v["nudges"][0]["team"], "@acme/payments");
        assert_eq!(v["nudges"][0]["progress"]["score"]["projected"], 66.4);
    }

    #[test]
    fn names_cannot_inject() {
        let n = Nudges {
            nudges: vec![nudge("@a/b`<img src=x>`\n# x", "a`b\u{1b}[31m.py")],
            unchanged: Vec::new(),
        };
        let md = markdown(&n);
        assert!(
            md.starts_with("### `@a/b'<img src=x>'\\n# x` is behind"),
            "{md}"
        );
        assert!(md.contains("`a'b\\u{1b}[31m.py`"), "{md}");
    }
}
