//! Reports: the result of a run as one serializable value, and one renderer
//! per output format. Renderers are pure functions of the report.

pub mod dashboard_html;
pub mod github;
pub mod json;
pub mod markdown;
pub mod nudge;
pub mod sarif;
pub mod text;
pub mod trend_html;
pub mod trend_json;
pub mod trend_text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::Skipped;
pub use crate::discover::confine::escape;
use crate::metrics::groups::{By, Group};
use crate::metrics::{Kind, MetricResult, Offender, Source, WorkFile};
use crate::model::Note;
use crate::text::plural;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub version: String,
    pub root: String,
    /// The repository's name: its folder's, or `QSCAN_REPOSITORY` (README
    /// "Many repositories, one program").
    pub repository: String,
    /// The commit scanned, or None for the working tree and the index.
    pub revision: Option<String>,
    /// The commit measured: the revision, or HEAD for the working tree and
    /// the index (None outside git and before the first commit).
    pub commit: Option<String>,
    /// That commit's time (when it landed), RFC 3339.
    pub time: Option<String>,
    /// What was scanned: "working tree", "index" (`--staged`) or "revision".
    pub snapshot: String,
    /// The quality definition used: a path, or "built-in default".
    pub definition: String,
    pub score: f64,
    pub passed: bool,
    pub gate: GateReport,
    /// How many metrics were measured (not skipped): 0 means the gate
    /// checked nothing, whatever `passed` says.
    pub metrics_measured: usize,
    pub metrics: Vec<MetricResult>,
    pub files: FilesReport,
    pub history: Option<HistoryReport>,
    /// Files ranked by change units × code lines: where to start.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hotspots: Vec<Hotspot>,
    /// Things the reader should know (built-in definition, no history, …).
    pub notes: Vec<Note>,
    /// The revision compared with (`--baseline REV`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_revision: Option<String>,
    /// Every metric per team or folder (`--by`), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    /// How the groups were made (each group also says `by`).
    #[serde(skip)]
    pub by: Option<By>,
    /// The definition's team goals (`[goals."TEAM"]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<crate::metrics::goals::Goal>,
    /// With `--by` and goals: the past commits the goals' pace is drawn
    /// through, oldest first, each with its numbers per metric and group
    /// (the newest point is this report's own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pace: Vec<crate::program::PacePoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    pub min_score: Option<f64>,
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FilesReport {
    pub scanned: usize,
    pub by_language: BTreeMap<String, usize>,
    /// The scanned files by role (README, "File roles"), roles without
    /// files left out.
    pub roles: BTreeMap<crate::snapshot::Role, usize>,
    pub skipped: Vec<Skipped>,
    /// Files analyzed apart from the functions that touch a syntax error,
    /// with the line of the first error, sorted by path.
    pub partly_parsed: Vec<PartlyParsed>,
}

/// A partly parsed file and the 1-based line of its first syntax error.
#[derive(Debug, Clone, Serialize)]
pub struct PartlyParsed {
    pub path: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryReport {
    pub change_units: usize,
    /// The oldest and newest change unit of the window.
    pub first: Option<String>,
    pub last: Option<String>,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
    pub shallow: bool,
    /// When a shallow clone cut the window: the time of the boundary commit,
    /// as far back as the history reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaches: Option<String>,
}

/// Built by the metrics; the report only carries it.
pub use crate::metrics::Hotspot;

impl Report {
    /// Whether nothing in the definition can fail: no minimum, no offender
    /// cap, no baseline to compare with (the built-in default, README "What
    /// you see"): the run is a report, not a verdict.
    pub fn report_only(&self) -> bool {
        self.gate.min_score.is_none()
            && self.gate.failures.is_empty()
            && self.metrics.iter().all(MetricResult::ungated)
    }

    /// What every format says in place of the gate's verdict when the gate
    /// checked nothing: a score of 100 over no metric is no pass.
    pub fn unchecked(&self) -> Option<&'static str> {
        if self.metrics.is_empty() {
            Some(NO_METRICS)
        } else if self.metrics_measured == 0 {
            Some(NOTHING_MEASURED)
        } else {
            None
        }
    }
}

/// The verdict of a definition without metrics.
pub const NO_METRICS: &str = "the definition has no metrics: nothing was checked";
/// The verdict of a run whose every metric was skipped.
pub use crate::model::NOTHING_MEASURED;

/// `qscan trend`: the definition scored at past points of the first-parent
/// line, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub version: String,
    pub root: String,
    /// The quality definition used: a path, or "built-in default".
    pub definition: String,
    /// What the line is: "HEAD" or the `[history] branch`.
    pub line: String,
    /// The definition's `[gate] min_score`, drawn on the score chart.
    pub min_score: Option<f64>,
    /// The definition's metrics, in its order: what each point's values mean.
    pub metrics: Vec<TrendSeries>,
    pub points: Vec<TrendPoint>,
    pub notes: Vec<Note>,
}

/// A metric of the definition, as the trend charts it.
#[derive(Debug, Clone, Serialize)]
pub struct TrendSeries {
    pub name: String,
    pub kind: &'static str,
    pub unit: &'static str,
    pub min: Option<f64>,
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub revision: String,
    /// The commit's time (committer time, when it landed), RFC 3339.
    pub time: String,
    /// Seconds since the epoch, for charts.
    #[serde(skip)]
    pub seconds: i64,
    pub score: f64,
    pub metrics: Vec<TrendValue>,
}

/// One metric at one point.
#[derive(Debug, Clone, Serialize)]
pub struct TrendValue {
    pub name: String,
    pub value: f64,
    pub compliant: u64,
    pub total: u64,
    /// Whether the metric was measured at this point, and why not (then it
    /// is out of the point's score and a gap in its chart).
    #[serde(flatten)]
    pub status: crate::model::Status,
}

/// Files each group's worklists start with, per metric (`--by`).
pub const GROUP_TOP: usize = 3;

/// The start of a group's worklist of one metric.
pub struct GroupTop<'a> {
    pub metric: &'a str,
    /// Its first [`GROUP_TOP`] files.
    pub paths: Vec<&'a str>,
    /// How many files follow them.
    pub more: usize,
}

/// Each group with a worklist, and the start of each of its metrics'
/// worklists; empty when no group has a worklist.
pub fn group_tops(groups: &[Group]) -> Vec<(&Group, Vec<GroupTop<'_>>)> {
    groups
        .iter()
        .map(|g| {
            let tops: Vec<GroupTop> = g
                .metrics
                .iter()
                .filter(|m| !m.worklist.is_empty())
                .map(|m| GroupTop {
                    metric: &m.name,
                    paths: m
                        .worklist
                        .iter()
                        .take(GROUP_TOP)
                        .map(|w| w.path.as_str())
                        .collect(),
                    more: m.worklist.len().saturating_sub(GROUP_TOP),
                })
                .collect();
            (g, tops)
        })
        .filter(|(_, tops)| !tops.is_empty())
        .collect()
}

/// `--by` with goals: a group's goal (`80 by 2027-03-31`) and where its
/// pace leads (`behind → 66.4`), or None when no group has a goal.
pub fn goal_cells(groups: &[Group], g: &Group) -> Option<(String, String)> {
    if groups.iter().all(|g| g.progress.is_none()) {
        return None;
    }
    let Some(p) = &g.progress else {
        return Some(("–".to_string(), "no goal".to_string()));
    };
    let goal = match &p.score {
        Some(s) => format!("{} by {}", s.target, p.by),
        None => format!("{} by {}", plural(p.metrics.len() as u64, "metric"), p.by),
    };
    // The target that decides the track: the worst one.
    let decisive = p
        .score
        .iter()
        .chain(p.metrics.iter().map(|m| &m.pace))
        .find(|pace| pace.track == p.track);
    let track = match (p.track, decisive) {
        (crate::metrics::goals::Track::Met, _) | (_, None) => p.track.label().to_string(),
        (t, Some(pace)) => format!("{} → {:.1}", t.label(), pace.projected),
    };
    Some((goal, track))
}

/// Output formats of `qscan trend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TrendFormat {
    Text,
    Json,
    Html,
}

/// Renders a trend in a format.
pub fn render_trend(trend: &Trend, format: TrendFormat) -> String {
    match format {
        TrendFormat::Text => trend_text::render(trend),
        TrendFormat::Json => trend_json::render(trend),
        TrendFormat::Html => trend_html::render(trend),
    }
}

/// The first 12 characters of a commit id.
pub fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Markdown,
}

/// Renders a report in a format. Text may carry ANSI styles; the caller strips
/// them when colour is off. `quiet` applies to text only.
pub fn render(report: &Report, format: Format, quiet: bool) -> String {
    match format {
        Format::Text => text::render(report, quiet),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Markdown => markdown::render(report),
    }
}

/// Whether an offender is one the baseline did not have. False when the
/// report has no baseline.
pub fn is_new(metric: &MetricResult, offender: &Offender) -> bool {
    metric.new_offenders.as_ref().is_some_and(|new| {
        new.iter()
            .any(|n| n.path == offender.path && n.line == offender.line && n.item == offender.item)
    })
}

/// The metrics that have units in some group, in the definition's order:
/// the columns of a `--by` table.
pub fn group_columns<'a>(metrics: &'a [MetricResult], groups: &[Group]) -> Vec<&'a str> {
    metrics
        .iter()
        .map(|m| m.name.as_str())
        .filter(|name| {
            groups
                .iter()
                .any(|g| g.metrics.iter().any(|gm| gm.name == *name))
        })
        .collect()
}

/// A metric's threshold in words: `≥ 60%`, `≤ 0 offenders`, both, or `—`.
pub fn threshold(m: &MetricResult) -> String {
    match (m.min, m.max_offenders) {
        // An external number's bound is in its offender's detail.
        _ if m.measured.is_some() => "within its bound".into(),
        (Some(min), Some(max)) => format!("≥ {min}%, ≤ {max} offenders"),
        (Some(min), None) => format!("≥ {min}%"),
        (None, Some(max)) => format!("≤ {max} offenders"),
        (None, None) => "—".into(),
    }
}

/// One file of a metric's worklist as the reports show it: its only
/// offender, or how many it has (`23 untyped functions`).
pub enum WorkLine<'a> {
    Offender(&'a Offender),
    Count(String),
}

impl WorkLine<'_> {
    /// `, changed in 41 of 500 change units` (`;` after an offender's
    /// detail) when the history was read, the window's size being `units`;
    /// empty when it was not, or when the metric's offenders already say how
    /// often their file changed (a history metric's).
    pub fn changed(&self, m: &MetricResult, w: &WorkFile, units: Option<usize>) -> String {
        let about_change =
            Kind::from_name(m.kind).is_some_and(|k| k.info().source == Source::History);
        match (units, w.changes) {
            (Some(units), Some(changes)) if !about_change => format!(
                "{} changed in {changes} of {}",
                match self {
                    WorkLine::Offender(_) => ";",
                    WorkLine::Count(_) => ",",
                },
                plural(units as u64, "change unit")
            ),
            _ => String::new(),
        }
    }
}

/// How a report shows a file of `m`'s worklist.
pub fn work_line<'a>(m: &'a MetricResult, w: &WorkFile) -> WorkLine<'a> {
    match (w.offenders, m.offenders.iter().find(|o| o.path == w.path)) {
        (1, Some(o)) => WorkLine::Offender(o),
        (n, _) => WorkLine::Count(plural(
            n,
            Kind::from_name(m.kind).map_or("offender", |k| k.info().offender),
        )),
    }
}

/// How a worklist is ranked: by impact when the history was read.
pub fn ranking(units: Option<usize>) -> &'static str {
    match units {
        Some(_) => "by impact (offenders × changes)",
        None => "most offenders first",
    }
}

pub use crate::text::rfc3339;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::metrics::BaselineValue;

    pub(crate) fn offender(path: &str, line: Option<u32>, item: &str, detail: &str) -> Offender {
        Offender {
            path: path.into(),
            line,
            item: item.into(),
            detail: detail.into(),
            weight: 1.0,
        }
    }

    fn metric(
        name: &str,
        kind: &'static str,
        unit: &'static str,
        (compliant, total): (u64, u64),
        min: Option<f64>,
        offenders: Vec<Offender>,
    ) -> MetricResult {
        let value = crate::metrics::share(compliant, total);
        MetricResult {
            name: name.into(),
            kind,
            unit,
            value,
            compliant,
            total,
            min,
            max_offenders: None,
            weight: 1.0,
            passed: min.is_none_or(|m| value >= m),
            hint: "",
            status: crate::model::Status::Measured,
            optional: false,
            measured: None,
            unmatched_report_paths: Vec::new(),
            offenders,
            worklist: Vec::new(),
            baseline: None,
            delta: None,
            new_offenders: None,
            tallies: Vec::new(),
        }
    }

    /// A hand-built report: `typed` fails, `large-files` passes with a
    /// whole-file offender, `change-size` passes with a commit offender. With
    /// `baseline`, typed's second offender and large-files' one are new.
    pub(crate) fn sample(baseline: bool) -> Report {
        let typed_new = offender(
            "pkg/models.py",
            Some(3),
            "Item.__init__",
            "the return unannotated",
        );
        let big = offender("pkg/big.py", None, "big.py", "32 code lines (max 30)");
        let mut metrics = vec![
            metric(
                "typed",
                "typed",
                "function",
                (41, 100),
                Some(60.0),
                vec![
                    offender(
                        "pkg/api.py",
                        Some(12),
                        "post",
                        "2 parameters and the return unannotated",
                    ),
                    typed_new.clone(),
                ],
            ),
            metric(
                "large-files",
                "large-files",
                "source file",
                (9, 10),
                Some(90.0),
                vec![big.clone()],
            ),
            metric(
                "change-size",
                "change-size",
                "change unit",
                (4, 5),
                None,
                vec![offender(
                    "",
                    None,
                    "#12 (abc123def456)",
                    "touches 40 files (max 25): Big refactor",
                )],
            ),
        ];
        for m in &mut metrics {
            m.worklist = crate::metrics::worklist::worklist(&m.offenders, None);
        }
        if baseline {
            let b = [
                (
                    BaselineValue {
                        value: 43.5,
                        compliant: 87,
                        total: 200,
                    },
                    -2.5,
                    vec![typed_new],
                ),
                (
                    BaselineValue {
                        value: 100.0,
                        compliant: 9,
                        total: 9,
                    },
                    -10.0,
                    vec![big],
                ),
                (
                    BaselineValue {
                        value: 80.0,
                        compliant: 4,
                        total: 5,
                    },
                    0.0,
                    vec![],
                ),
            ];
            for (m, (value, delta, new)) in metrics.iter_mut().zip(b) {
                m.baseline = Some(value);
                m.delta = Some(delta);
                m.new_offenders = Some(new);
            }
        }
        Report {
            version: "0.1.0".into(),
            root: "/abs/repo".into(),
            repository: "repo".into(),
            revision: None,
            commit: None,
            time: None,
            goals: Vec::new(),
            pace: Vec::new(),
            snapshot: "working tree".into(),
            definition: "/abs/repo/quality.toml".into(),
            score: 70.3,
            passed: false,
            gate: GateReport {
                min_score: Some(70.0),
                failures: vec!["metric 'typed' is 41.0%, below its minimum 60%".into()],
            },
            metrics_measured: metrics.len(),
            metrics,
            files: FilesReport {
                scanned: 12,
                by_language: BTreeMap::from([("python".to_string(), 12)]),
                roles: BTreeMap::from([
                    (crate::snapshot::Role::Source, 9),
                    (crate::snapshot::Role::Test, 3),
                ]),
                skipped: vec![],
                partly_parsed: vec![],
            },
            history: None,
            hotspots: vec![],
            notes: vec![],
            baseline_revision: baseline.then(|| "abc123".to_string()),
            groups: None,
            by: None,
        }
    }

    /// A hand-built trend of three daily points: `typed` rises, `large-files`
    /// falls, `coverage` is measured at the newest point only.
    pub(crate) fn sample_trend() -> Trend {
        let value = |name: &str, (compliant, total): (u64, u64), skipped: bool| TrendValue {
            name: name.into(),
            value: crate::metrics::share(compliant, total),
            compliant,
            total,
            status: if skipped {
                crate::model::Status::NotApplicable {
                    reason: "reads a file of the working tree".to_string(),
                }
            } else {
                crate::model::Status::Measured
            },
        };
        let point = |c: char, day: i64, score, values| TrendPoint {
            revision: c.to_string().repeat(40),
            time: rfc3339(1_700_000_000 + day * 86_400),
            seconds: 1_700_000_000 + day * 86_400,
            score,
            metrics: values,
        };
        let series = |name: &str, kind, unit, min| TrendSeries {
            name: name.into(),
            kind,
            unit,
            min,
            weight: 1.0,
        };
        Trend {
            version: "0.1.0".into(),
            root: "/abs/shop".into(),
            definition: "/abs/shop/quality.toml".into(),
            line: "HEAD".into(),
            min_score: Some(70.0),
            metrics: vec![
                series("typed", "typed", "function", Some(60.0)),
                series("large-files", "large-files", "source file", Some(90.0)),
                series("coverage", "coverage", "coverable line", None),
            ],
            points: vec![
                point(
                    'a',
                    0,
                    50.0,
                    vec![
                        value("typed", (4, 10), false),
                        value("large-files", (3, 5), false),
                        value("coverage", (0, 0), true),
                    ],
                ),
                point(
                    'b',
                    1,
                    62.5,
                    vec![
                        value("typed", (11, 20), false),
                        value("large-files", (7, 10), false),
                        value("coverage", (0, 0), true),
                    ],
                ),
                point(
                    'c',
                    2,
                    75.0,
                    vec![
                        value("typed", (20, 20), false),
                        value("large-files", (5, 10), false),
                        value("coverage", (3, 4), false),
                    ],
                ),
            ],
            notes: vec![Note::TrendHeadOnly {
                metrics: vec!["coverage".into()],
            }],
        }
    }
}
