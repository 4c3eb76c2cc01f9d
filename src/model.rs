//! The report's notes as values: what a run tells its reader besides the
//! numbers (a built-in definition, a history that is short or missing, a
//! report naming files the repository does not have). Stages build a
//! [`Note`] from facts; its words are written here, once, and every renderer
//! (and the JSON) shows the same text.
//!
//! A leaf: it imports only [`crate::text`], so history, ingest, owners, scan
//! and report all use it without importing one another.

use std::fmt;

use serde::Serialize;

use crate::text::{plural, rfc3339};

/// The group of paths no team owns (no matching line, a line without
/// owners, or one naming only people).
pub const UNOWNED: &str = "(unowned)";

/// Paths a note lists before it elides the rest.
pub const PATHS_SHOWN: usize = 5;

/// Something the reader of a report should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// No quality.toml: the built-in definition is used, which reports
    /// and gates nothing.
    BuiltInDefinition,
    /// No quality.toml, with a baseline: the built-in definition fails on
    /// new offenders only.
    BuiltInBaseline,
    /// Metrics not measured and left out of the score and the gate, because
    /// they are optional or `--skip-unmeasured` says so.
    LeftOut { metrics: Vec<String> },
    /// With metrics left out, `min_score` moved to the measured metrics.
    MinScoreMoved { from: String, to: String },
    /// `qscan trend`: a shallow clone cuts the first-parent line at `id`.
    TrendShallow { id: String },
    /// A shallow clone cuts the goals' pace short: `points` past commits of
    /// the 90 days before the scanned one are in the clone.
    GoalsPaceShallow { points: u64 },
    /// `qscan trend`: the line holds fewer commits than points were asked for.
    TrendFewCommits { commits: u64, within_since: bool },
    /// `qscan trend`: metrics read from files of the working tree, measured
    /// at HEAD only.
    TrendHeadOnly { metrics: Vec<String> },
    /// The definition has no metrics.
    NoMetrics,
    /// No source file was found under the root; `languages` names the
    /// languages qscan reads, as the language registry lists them.
    NoSourceFiles { root: String, languages: String },
    /// Why there are no history facts (history metrics are skipped).
    HistorySkipped(HistorySkip),
    /// HEAD is detached: the history follows that commit's line.
    HeadDetached { id: String },
    /// A shallow clone whose cut lies beyond the window.
    ShallowWithinWindow { units: u64 },
    /// The whole history is shorter than the window.
    WholeHistory {
        units: u64,
        oldest: i64,
        window: WindowSpan,
    },
    /// A shallow clone cut the window short.
    ShallowTruncated {
        id: String,
        time: i64,
        units: u64,
        oldest: i64,
        window: WindowSpan,
    },
    /// Files whose syntax errors cover less than half of them: analyzed
    /// apart from the functions that touch an error. `first` is the first
    /// such file's `path:line` (its first error).
    PartlyParsed { files: u64, first: String },
    /// Rename detection met blobs absent from a partial clone.
    RenamesUnknown { files: u64 },
    /// A coverage report counts lines past the end of files (paths already
    /// escaped for output, at most [`PATHS_SHOWN`] of `files`).
    CoveragePastEnd {
        metric: String,
        lines: u64,
        shown: Vec<(String, u64)>,
        files: usize,
    },
    /// The baseline is an unborn HEAD: everything is new.
    EmptyBaseline,
    /// A line of the CODEOWNERS file was skipped (`FILE:LINE: why`).
    CodeownersLine(String),
    /// The CODEOWNERS file names people, who are not teams.
    CodeownersPeople { location: String, people: usize },
    /// The CODEOWNERS file could not be read.
    CodeownersUnreadable { location: String, error: String },
    /// There is no CODEOWNERS file.
    NoCodeowners,
    /// A coverage report names files the repository does not have.
    UnmatchedReportPaths { metric: String, paths: Vec<String> },
    /// Files of the baseline that could not be analyzed in full: skipped or partly parsed (sorted).
    BaselineUnanalyzed { paths: Vec<String> },
    /// Concluding a merge: the merged branch's offenders are not new.
    ConcludingMerge,
    /// Every metric was skipped.
    NothingMeasured,
    /// Hotspots need file metrics, and the definition has none.
    HotspotsNeedFiles,
    /// A goal names no group of the run (`by`: `owner` or `dir`); the team
    /// and the nearest group's name are escaped for output.
    GoalNoTeam {
        team: String,
        nearest: Option<String>,
        by: String,
    },
    /// The worklists rank files by offender count alone: no history was
    /// read (`history_metric`: the definition has one, and it was skipped).
    WorklistByCount { history_metric: bool },
}

/// Whether a metric was measured, and if not, why: the one place a
/// verdict learns what it may not judge (README, "Not applicable and not
/// measured").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Its units were counted: the value is in the score and the gate.
    #[default]
    Measured,
    /// Nothing to measure in this repository as it is (no units of its
    /// languages, a history shorter than `[history] min_units`): shown as
    /// n/a, out of the score and the gate.
    NotApplicable { reason: String },
    /// Its input is missing or broken (a shallow clone shorter than the
    /// window, a missing coverage report, an unreadable history): the run
    /// stops unless the metric is optional or `--skip-unmeasured` is given.
    NotMeasured { reason: String, fix: String },
}

impl Status {
    pub fn is_measured(&self) -> bool {
        *self == Status::Measured
    }

    pub fn is_not_measured(&self) -> bool {
        matches!(self, Status::NotMeasured { .. })
    }

    /// Why the metric has no value, when it has none.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Measured => None,
            Status::NotApplicable { reason } | Status::NotMeasured { reason, .. } => Some(reason),
        }
    }

    /// How reports name the status: "measured", "n/a", "not measured".
    pub fn label(&self) -> &'static str {
        match self {
            Status::Measured => "measured",
            Status::NotApplicable { .. } => "n/a",
            Status::NotMeasured { .. } => "not measured",
        }
    }
}

/// The fix for a history that a shallow clone cut short.
pub const FETCH_HISTORY: &str = "fetch the history: `git fetch --unshallow` (in GitHub Actions, \
                                 `fetch-depth: 0` in actions/checkout)";

/// Why a snapshot has no history facts. Some reasons are how the
/// repository is ([`HistorySkip::is_benign`]); the others are failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistorySkip {
    /// The folder is in no git repository.
    NotGit,
    /// The snapshot is an unborn HEAD (a baseline with nothing yet).
    NoCommitsYet,
    /// The repository has no reference at all.
    NoCommits,
    /// HEAD is on a branch without commits.
    UnbornBranch { branch: String },
    /// A shallow clone cut at HEAD's own commit.
    ShallowAtHead { id: String, time: i64 },
    /// The window holds no change unit.
    NoUnitInWindow,
    /// `[history] branch` names nothing.
    BranchNotFound { branch: String },
    /// HEAD points to no commit.
    HeadNotCommit,
    /// HEAD cannot be read.
    CannotReadHead { error: String },
    /// The repository cannot be opened.
    CannotOpen { error: String },
    /// The reading thread failed.
    ReadFailed,
}

impl HistorySkip {
    /// Whether the reason is how the repository is (no git, no commits yet,
    /// a shallow clone cut at HEAD, no change unit in the window) rather
    /// than something that failed.
    pub fn is_benign(&self) -> bool {
        matches!(
            self,
            HistorySkip::NotGit
                | HistorySkip::NoCommitsYet
                | HistorySkip::NoCommits
                | HistorySkip::UnbornBranch { .. }
                | HistorySkip::ShallowAtHead { .. }
                | HistorySkip::NoUnitInWindow
        )
    }
}

/// The size of the history window, as `[history]` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpan {
    pub max_units: Option<u64>,
    /// Seconds.
    pub since: Option<i64>,
}

impl fmt::Display for WindowSpan {
    /// "500 change units", "180 days", "500 change units or 180 days".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let span = self.since.map(|s| {
            let (n, unit) = [(86_400, "day"), (3600, "hour"), (60, "minute")]
                .into_iter()
                .find(|(secs, _)| s % secs == 0)
                .map_or((s, "second"), |(secs, unit)| (s / secs, unit));
            plural(n.unsigned_abs(), unit)
        });
        let units = self.max_units.map(|m| plural(m, "change unit"));
        match (units, span) {
            (Some(u), Some(s)) => write!(f, "{u} or {s}"),
            (Some(u), None) => f.write_str(&u),
            (None, Some(s)) => f.write_str(&s),
            (None, None) => f.write_str("the whole history"),
        }
    }
}

/// The verdict of a run whose every metric was skipped.
pub const NOTHING_MEASURED: &str =
    "nothing was measured: every metric was skipped, so the gate checked nothing";

impl HistorySkip {
    /// What is wrong, without what follows for the metrics.
    pub fn cause(&self) -> String {
        match self {
            HistorySkip::NotGit => "not a git repository".to_string(),
            HistorySkip::NoCommitsYet => "no commits yet".to_string(),
            HistorySkip::NoCommits => "the repository has no commits yet".to_string(),
            HistorySkip::UnbornBranch { branch } => {
                format!("HEAD is on branch `{branch}`, which has no commits yet")
            }
            HistorySkip::ShallowAtHead { id, time } => format!(
                "shallow clone: the history is cut at HEAD's own commit {id} ({}), whose changes \
                 are unknown",
                rfc3339(*time)
            ),
            HistorySkip::NoUnitInWindow => "no change unit in the window".to_string(),
            HistorySkip::BranchNotFound { branch } => {
                format!("[history] branch `{branch}` is not a branch or commit of this repository")
            }
            HistorySkip::HeadNotCommit => "HEAD does not point to a commit".to_string(),
            HistorySkip::CannotReadHead { error } => format!("cannot read HEAD ({error})"),
            HistorySkip::CannotOpen { error } => format!("cannot open the repository ({error})"),
            HistorySkip::ReadFailed => "reading the history failed unexpectedly".to_string(),
        }
    }

    /// What the history metrics are without history: not applicable when
    /// the repository has none to read ([`HistorySkip::is_benign`], except
    /// a shallow clone, whose history exists but was not fetched), else not
    /// measured, with the fix.
    pub fn status(&self) -> Status {
        let reason = self.cause();
        let fix = match self {
            HistorySkip::ShallowAtHead { .. } => FETCH_HISTORY,
            HistorySkip::BranchNotFound { .. } => {
                "set [history] branch to a branch or commit this clone holds, or fetch it"
            }
            _ if self.is_benign() => return Status::NotApplicable { reason },
            _ => "check the repository with `git fsck`",
        };
        Status::NotMeasured {
            reason,
            fix: fix.to_string(),
        }
    }
}

impl fmt::Display for HistorySkip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cause())?;
        if let HistorySkip::UnbornBranch { .. } = self {
            return f.write_str(
                ": history metrics are skipped (set [history] branch to read another branch)",
            );
        }
        f.write_str(": history metrics are skipped")
    }
}

/// "metric 'a' is", "metrics 'a', 'b' and 'c' are".
pub fn quoted_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => format!("metric {last} is"),
        Some((last, rest)) => format!("metrics {} and {last} are", rest.join(", ")),
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::BuiltInDefinition => f.write_str(
                "no quality.toml at the repository root: the built-in default reports every \
                 metric and gates nothing (report only); `qscan init` writes a gate fitted to \
                 today's code",
            ),
            Note::BuiltInBaseline => f.write_str(
                "no quality.toml at the repository root: the built-in default fails only on \
                 offenders the baseline does not have (clean as you code); `qscan init` writes \
                 a gate fitted to today's code",
            ),
            Note::LeftOut { metrics } => write!(
                f,
                "{} not measured and left out of the score and the gate (see the table for why)",
                quoted_list(metrics)
            ),
            Note::MinScoreMoved { from, to } => write!(
                f,
                "min_score {from} is {to} over the measured metrics: it moves by the difference \
                 between the weighted mean of every metric's minimum and of the measured ones'"
            ),
            Note::TrendShallow { id } => write!(
                f,
                "shallow clone: the first-parent line is cut at {id}; history metrics at points \
                 near it see only the history the clone holds"
            ),
            Note::GoalsPaceShallow { points } => write!(
                f,
                "shallow clone: the goals' pace sees {} of the 90 days before this commit, so \
                 a team below its target without the history to show it moving reads as \
                 behind; fetch the history (`git fetch --unshallow`, or `fetch-depth: 0` in \
                 actions/checkout)",
                plural(*points, "past point")
            ),
            Note::TrendFewCommits {
                commits,
                within_since,
            } => write!(
                f,
                "the first-parent line{} has only {}: each is a point",
                if *within_since { " within --since" } else { "" },
                plural(*commits, "commit")
            ),
            Note::TrendHeadOnly { metrics } => write!(
                f,
                "{} measured at HEAD's commit only: coverage reports and other tools' JSON are \
                 files of the working tree, describing today's code, so earlier points leave {} \
                 out (and out of their score)",
                quoted_list(metrics),
                if metrics.len() == 1 { "it" } else { "them" }
            ),
            Note::NoMetrics => f.write_str(
                "the definition has no [metrics.NAME] tables: nothing is measured and the score is 100",
            ),
            Note::NoSourceFiles { root, languages } => write!(
                f,
                "no source files found under {root} (qscan reads {languages})"
            ),
            Note::HistorySkipped(why) => write!(f, "{why}"),
            Note::HeadDetached { id } => write!(
                f,
                "HEAD is detached at {id}: history is read along that commit's first-parent line"
            ),
            Note::ShallowWithinWindow { units } => write!(
                f,
                "shallow clone, but the window's {} all lie within the history it holds",
                plural(*units, "change unit")
            ),
            Note::WholeHistory {
                units,
                oldest,
                window,
            } => write!(
                f,
                "the whole history is {} (back to {}), less than the window of {window}: all of it is counted",
                plural(*units, "change unit"),
                rfc3339(*oldest)
            ),
            Note::ShallowTruncated {
                id,
                time,
                units,
                oldest,
                window,
            } => write!(
                f,
                "shallow clone: the history is truncated at {id} ({}); it reaches back {} to \
                 {}, less than the window of {window} (the boundary commit's own changes are \
                 unknown and not counted)",
                rfc3339(*time),
                plural(*units, "change unit"),
                rfc3339(*oldest)
            ),
            Note::PartlyParsed { files, first } => write!(
                f,
                "{} partly parsed (first: {first}): functions that touch a syntax error are \
                 not measured",
                plural(*files, "file")
            ),
            Note::RenamesUnknown { files } => write!(
                f,
                "rename detection could not compare {} whose content is absent from this clone \
                 (a partial clone?): each counts as deleted or added, not renamed",
                plural(*files, "added or deleted file")
            ),
            Note::CoveragePastEnd {
                metric,
                lines,
                shown,
                files,
            } => {
                let mut listed: Vec<String> =
                    shown.iter().map(|(path, n)| format!("{path} ({n})")).collect();
                if *files > shown.len() {
                    listed.push(format!("{} more", files - shown.len()));
                }
                write!(
                    f,
                    "metric '{metric}': the coverage report names {} past the end of the repository's {} (not scored): {}",
                    plural(*lines, "line"),
                    if *files == 1 { "file" } else { "files" },
                    listed.join(", ")
                )
            }
            Note::EmptyBaseline => f.write_str(
                "HEAD has no commit yet: the baseline is empty, so every offender is new",
            ),
            Note::CodeownersLine(problem) => f.write_str(problem),
            Note::CodeownersPeople { location, people } => write!(
                f,
                "{location} names {}: qscan reports on teams only, so a path that only people \
                 own counts as {UNOWNED}",
                if *people == 1 {
                    "1 person (a user or an email)".to_string()
                } else {
                    format!("{people} people (users or emails)")
                }
            ),
            Note::CodeownersUnreadable { location, error } => write!(
                f,
                "cannot read {location} ({error}): every path counts as {UNOWNED}"
            ),
            Note::GoalNoTeam { team, nearest, by } => {
                write!(
                    f,
                    "the goal of `{team}` names no {} with measured files (--by {by})",
                    if by == "owner" { "CODEOWNERS team" } else { "folder" }
                )?;
                match nearest {
                    Some(n) => write!(f, "; did you mean `{n}`?"),
                    None => Ok(()),
                }
            }
            Note::NoCodeowners => write!(
                f,
                "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): every \
                 path counts as {UNOWNED}"
            ),
            Note::UnmatchedReportPaths { metric, paths } => {
                let n = paths.len();
                write!(
                    f,
                    "metric '{metric}': {} the coverage report names {} not in the repository (not scored): {}",
                    plural(n as u64, "file"),
                    if n == 1 { "is" } else { "are" },
                    paths.join(", ")
                )
            }
            Note::BaselineUnanalyzed { paths } => write!(
                f,
                "{} in the baseline could not be analyzed in full ({}{}): offenders there are not counted as new",
                plural(paths.len() as u64, "file"),
                paths
                    .iter()
                    .take(3)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                if paths.len() > 3 { ", …" } else { "" }
            ),
            Note::ConcludingMerge => f.write_str(
                "concluding a merge: offenders the merged branch (MERGE_HEAD) already has are not new",
            ),
            Note::NothingMeasured => f.write_str(NOTHING_MEASURED),
            Note::HotspotsNeedFiles => f.write_str(
                "hotspots are not listed: they need code-line counts, which qscan takes only \
                 when a file metric (e.g. large-files) is defined",
            ),
            Note::WorklistByCount { history_metric } => write!(
                f,
                "the worklists rank files by offender count alone: {}",
                if *history_metric {
                    "without history, how often each file changes is unknown"
                } else {
                    "the definition has no history metric (e.g. hot-files), so how often each \
                     file changes is not read"
                }
            ),
        }
    }
}

/// A note is its text in JSON, as every other format shows it.
impl Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A note equals its text: what tests and callers that know the wording
/// compare it with.
impl PartialEq<str> for Note {
    fn eq(&self, text: &str) -> bool {
        /// Consumes the expected text as the note is written.
        struct Rest<'a>(&'a str);
        impl fmt::Write for Rest<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
                Ok(())
            }
        }
        let mut rest = Rest(text);
        fmt::Write::write_fmt(&mut rest, format_args!("{self}")).is_ok() && rest.0.is_empty()
    }
}

impl PartialEq<&str> for Note {
    fn eq(&self, text: &&str) -> bool {
        self == *text
    }
}

impl PartialEq<String> for Note {
    fn eq(&self, text: &String) -> bool {
        self == text.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_metric_names() {
        assert_eq!(quoted_list(&["cov".into()]), "metric 'cov' is");
        assert_eq!(
            quoted_list(&["a".into(), "b".into(), "c".into()]),
            "metrics 'a', 'b' and 'c' are"
        );
    }

    #[test]
    fn describes_windows() {
        let w = |max_units, since| WindowSpan { max_units, since }.to_string();
        assert_eq!(w(Some(500), None), "500 change units");
        assert_eq!(w(Some(1), Some(86_400)), "1 change unit or 1 day");
        assert_eq!(w(None, Some(12 * 3600)), "12 hours");
        assert_eq!(w(None, Some(90)), "90 seconds");
        assert_eq!(w(None, None), "the whole history");
    }

    #[test]
    fn history_skips_say_the_metrics_are_skipped() {
        assert_eq!(
            HistorySkip::NotGit.to_string(),
            "not a git repository: history metrics are skipped"
        );
        assert_eq!(
            HistorySkip::UnbornBranch {
                branch: "main".into()
            }
            .to_string(),
            "HEAD is on branch `main`, which has no commits yet: history metrics are skipped \
             (set [history] branch to read another branch)"
        );
        assert!(HistorySkip::NoUnitInWindow.is_benign());
        assert!(!HistorySkip::ReadFailed.is_benign());
        assert!(!HistorySkip::BranchNotFound { branch: "x".into() }.is_benign());
    }

    #[test]
    fn a_note_equals_its_text() {
        let note = Note::RenamesUnknown { files: 2 };
        assert_eq!(note, note.to_string());
        assert_ne!(note, "rename detection");
        assert_ne!(note, format!("{note} and more"));
    }

    #[test]
    fn notes_are_their_text_in_json() {
        let json = serde_json::to_string(&Note::ConcludingMerge).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", Note::ConcludingMerge));
    }
}
