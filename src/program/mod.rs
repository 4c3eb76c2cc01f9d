//! The quality program (README "Goals and the program dashboard"): every
//! team's numbers over time, joined across repositories, against its goal.
//!
//! The input is a set of [`Sample`]s — one repository measured at one commit,
//! split by team — whether they were measured here from git objects
//! ([`git`]) or read from JSON reports that each repository's CI wrote
//! ([`from`]). [`build`] joins them into a [`Program`], the one value the
//! dashboard page and the nudges render; it is a pure function of the
//! samples, the definition's metrics and the goals.

pub mod from;
pub mod git;
pub mod nudge;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::metrics::goals::{self, Goal, PACE_DAYS, Progress};
use crate::metrics::groups::Group;
use crate::metrics::{WorkFile, round1, share};

/// One metric's units: how many comply of how many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub name: String,
    pub compliant: u64,
    pub total: u64,
}

/// One team's units per metric in a sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamCount {
    pub name: String,
    pub metrics: Vec<Count>,
}

/// A team's worklist of one metric in a sample: files with offenders, by
/// impact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamWork {
    pub team: String,
    pub metric: String,
    pub files: Vec<WorkFile>,
}

/// A past commit of a report's pace (README "The JSON report"): its
/// numbers overall and per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PacePoint {
    pub commit: String,
    pub time: String,
    pub metrics: Vec<Count>,
    pub groups: Vec<TeamCount>,
}

/// One repository measured at one commit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sample {
    pub repository: String,
    pub revision: Option<String>,
    /// The commit's time, seconds since the epoch.
    pub seconds: i64,
    /// The measured metrics, over the whole repository.
    pub metrics: Vec<Count>,
    pub teams: Vec<TeamCount>,
    /// Worklists, carried by the newest sample of a repository.
    pub work: Vec<TeamWork>,
}

/// A metric of the program: what its numbers mean and how much it weighs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricInfo {
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub weight: f64,
    pub min: Option<f64>,
}

/// A repository of the program, as of its newest sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repository {
    pub name: String,
    pub revision: Option<String>,
    pub time: String,
}

/// A metric's value at a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    pub name: String,
    pub value: f64,
    pub compliant: u64,
    pub total: u64,
}

/// The numbers at one time: every repository as of its newest sample at or
/// before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub time: String,
    #[serde(skip)]
    pub seconds: i64,
    pub score: f64,
    /// The metrics with units at this point, in the program's order.
    pub metrics: Vec<Value>,
}

impl Point {
    pub fn value(&self, metric: &str) -> Option<&Value> {
        self.metrics.iter().find(|v| v.name == metric)
    }
}

/// The metric that moved a team's score most over the pace window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub metric: String,
    /// Its change in points (positive is better).
    pub delta: f64,
}

/// A file whose offenders, fixed, would move a team's score most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileMove {
    /// The repository it is in (named when the program has several).
    pub repository: String,
    pub path: String,
    /// How many score points fixing its offenders would add.
    pub gain: f64,
    /// Its offenders, over every metric.
    pub offenders: u64,
    /// The metrics it has offenders of, in the program's order.
    pub metrics: Vec<String>,
}

/// One team: where it stands, its history, its goal and its remaining work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Team {
    pub name: String,
    /// Now: the newest point.
    pub score: f64,
    pub metrics: Vec<Value>,
    /// The points where the team had units, oldest first.
    pub series: Vec<Point>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<GoalView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mover: Option<Mover>,
    /// The files that would move its score most, best first (at most
    /// [`MOVES`]).
    pub moves: Vec<FileMove>,
    /// Its worklist per metric, by impact (at most [`WORK`] files each).
    pub worklist: Vec<TeamWork>,
}

/// A goal as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, f64>,
    pub by: String,
}

impl From<&Goal> for GoalView {
    fn from(g: &Goal) -> GoalView {
        GoalView {
            score: g.score,
            metrics: g.metrics.iter().cloned().collect(),
            by: g.by.clone(),
        }
    }
}

/// The whole program: what the dashboard and the nudges render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Program {
    pub version: String,
    /// The repository's name, or how many repositories.
    pub title: String,
    /// How teams are made: `owner` or `dir`.
    pub by: String,
    pub repositories: Vec<Repository>,
    pub metrics: Vec<MetricInfo>,
    pub min_score: Option<f64>,
    /// Every time any repository was sampled, oldest first.
    pub points: Vec<Point>,
    /// Sorted by name, the catch-all group last.
    pub teams: Vec<Team>,
    /// Things the reader should know (goals naming no team, …).
    pub notes: Vec<String>,
}

impl Program {
    /// How many teams with a goal are met or on track, of how many with one.
    pub fn on_track(&self) -> (usize, usize) {
        let with: Vec<&Progress> = self
            .teams
            .iter()
            .filter_map(|t| t.progress.as_ref())
            .collect();
        (
            with.iter().filter(|p| !p.track.is_behind()).count(),
            with.len(),
        )
    }
}

/// How many files a team's "would move its score most" lists.
pub const MOVES: usize = 10;
/// How many files of each metric's worklist a team's view lists.
pub const WORK: usize = 10;

/// What [`build`] is told besides the samples.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub version: String,
    pub by: String,
    pub metrics: Vec<MetricInfo>,
    pub min_score: Option<f64>,
    pub goals: Vec<Goal>,
    pub notes: Vec<String>,
}

/// Joins samples into the program. At each time any repository was
/// sampled, every repository counts as of its newest sample at or before
/// that time (an as-of join); a team's units are summed over repositories,
/// its values and score computed from the sums as for one repository.
pub fn build(samples: &[Sample], setup: Setup) -> Program {
    let mut samples: Vec<&Sample> = samples.iter().collect();
    samples.sort_by(|a, b| (a.seconds, &a.repository).cmp(&(b.seconds, &b.repository)));
    // One sample per repository and time: the first given wins.
    samples.dedup_by(|b, a| a.seconds == b.seconds && a.repository == b.repository);
    let times: BTreeSet<i64> = samples.iter().map(|s| s.seconds).collect();
    let weights = weights(&setup.metrics);
    let order = order(&setup.metrics);

    let mut points = Vec::new();
    // team → its points
    let mut team_points: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    let mut latest: BTreeMap<&str, &Sample> = BTreeMap::new();
    let mut next = 0;
    for &t in &times {
        while next < samples.len() && samples[next].seconds <= t {
            latest.insert(samples[next].repository.as_str(), samples[next]);
            next += 1;
        }
        let overall = sum(latest.values().flat_map(|s| s.metrics.iter()));
        let program_point = point(t, overall, &weights, &order);
        // A time when nothing had units yet (a first commit of a README
        // alone) is no point: its score of a weighted mean over nothing
        // would chart as 100.
        if !program_point.metrics.is_empty() {
            points.push(program_point);
        }
        let mut per_team: BTreeMap<&str, Vec<&Count>> = BTreeMap::new();
        for s in latest.values() {
            for team in &s.teams {
                per_team
                    .entry(&team.name)
                    .or_default()
                    .extend(&team.metrics);
            }
        }
        for (team, counts) in per_team {
            let p = point(t, sum(counts.into_iter()), &weights, &order);
            if !p.metrics.is_empty() {
                team_points.entry(team.to_string()).or_default().push(p);
            }
        }
    }
    let now = times.last().copied().unwrap_or(0);
    let newest: Vec<&Sample> = latest.values().copied().collect();
    let several = newest.len() > 1;

    let mut teams: Vec<Team> = team_points
        .into_iter()
        // A team that has no units now is history, not part of the program.
        .filter(|(_, series)| series.last().is_some_and(|p| p.seconds == now))
        .map(|(name, series)| {
            let current = series
                .last()
                .cloned()
                .unwrap_or_else(|| point(now, Vec::new(), &weights, &order));
            let goal = setup.goals.iter().find(|g| g.team == name);
            let progress = goal.and_then(|g| team_progress(g, &series, &weights));
            let mover = mover(&series, now);
            let worklist = worklist(&newest, &name, &order);
            let moves = moves(&newest, &name, &current, &weights, &order, several);
            Team {
                name,
                score: current.score,
                metrics: current.metrics.clone(),
                series,
                goal: goal.map(GoalView::from),
                progress,
                mover,
                moves,
                worklist,
            }
        })
        .collect();
    teams.sort_by_key(|t| t.name == crate::owners::UNOWNED);

    let title = match newest.as_slice() {
        [one] => one.repository.clone(),
        many => format!("{} repositories", many.len()),
    };
    Program {
        version: setup.version,
        title,
        by: setup.by,
        repositories: newest
            .iter()
            .map(|s| Repository {
                name: s.repository.clone(),
                revision: s.revision.clone(),
                time: crate::text::rfc3339(s.seconds),
            })
            .collect(),
        metrics: setup.metrics,
        min_score: setup.min_score,
        points,
        teams,
        notes: setup.notes,
    }
}

/// A team's progress on its goal from its points, oldest first. The score's
/// pace is drawn through the score of the metrics measured at every point
/// of the pace window (a metric measured only now, such as a coverage
/// report read from the working tree, would otherwise read as a jump),
/// carried to the team's actual score now.
pub(crate) fn team_progress(
    goal: &Goal,
    series: &[Point],
    weights: &HashMap<&str, f64>,
) -> Option<Progress> {
    let last = series.last()?;
    let window: Vec<&Point> = series
        .iter()
        .filter(|p| p.seconds >= last.seconds - PACE_DAYS * 86_400)
        .collect();
    let common: Vec<&str> = last
        .metrics
        .iter()
        .map(|v| v.name.as_str())
        .filter(|name| window.iter().all(|p| p.value(name).is_some()))
        .collect();
    let score_of = |p: &Point| -> f64 {
        let (s, w) = common.iter().fold((0.0, 0.0), |(s, w), name| {
            let weight = weights.get(name).copied().unwrap_or(1.0);
            let value = p.value(name).map_or(0.0, |v| v.value);
            (s + value * weight, w + weight)
        });
        if w == 0.0 { 100.0 } else { s / w }
    };
    let score_series: Vec<(i64, f64)> = if common.is_empty() {
        vec![(last.seconds, last.score)]
    } else {
        let offset = last.score - score_of(last);
        window
            .iter()
            .map(|p| (p.seconds, score_of(p) + offset))
            .collect()
    };
    goals::progress(goal, &score_series, |metric| {
        series
            .iter()
            .filter_map(|p| p.value(metric).map(|v| (p.seconds, v.value)))
            .collect()
    })
}

/// A note for each goal that names no group of `teams`, with the nearest
/// name when one is close.
pub fn unknown_goals<'a>(
    goals: &[Goal],
    teams: impl Iterator<Item = &'a str> + Clone,
    by: &str,
) -> Vec<crate::model::Note> {
    use crate::discover::confine::escape;
    goals
        .iter()
        .filter(|g| !teams.clone().any(|t| t == g.team))
        .map(|g| crate::model::Note::GoalNoTeam {
            team: escape(&g.team),
            nearest: crate::text::nearest(&g.team, teams.clone()).map(escape),
            by: by.to_string(),
        })
        .collect()
}

/// Each group's units per metric.
pub(crate) fn team_counts(groups: &[Group]) -> Vec<TeamCount> {
    groups
        .iter()
        .map(|g| TeamCount {
            name: g.name.clone(),
            metrics: g
                .metrics
                .iter()
                .map(|m| Count {
                    name: m.name.clone(),
                    compliant: m.compliant,
                    total: m.total,
                })
                .collect(),
        })
        .collect()
}

/// Each group's worklists.
pub(crate) fn team_work(groups: &[Group]) -> Vec<TeamWork> {
    groups
        .iter()
        .flat_map(|g| {
            g.metrics
                .iter()
                .filter(|m| !m.worklist.is_empty())
                .map(|m| TeamWork {
                    team: g.name.clone(),
                    metric: m.name.clone(),
                    files: m.worklist.clone(),
                })
        })
        .collect()
}

/// Counts summed per metric name.
fn sum<'a>(counts: impl Iterator<Item = &'a Count>) -> Vec<Count> {
    let mut by: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for c in counts {
        let e = by.entry(c.name.as_str()).or_default();
        e.0 += c.compliant;
        e.1 += c.total;
    }
    by.into_iter()
        .map(|(name, (compliant, total))| Count {
            name: name.to_string(),
            compliant,
            total,
        })
        .collect()
}

/// The weights of `metrics` by name.
pub(crate) fn weights(metrics: &[MetricInfo]) -> HashMap<&str, f64> {
    metrics
        .iter()
        .map(|m| (m.name.as_str(), m.weight))
        .collect()
}

/// The position of each of `metrics` by name.
pub(crate) fn order(metrics: &[MetricInfo]) -> HashMap<&str, usize> {
    metrics
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.as_str(), i))
        .collect()
}

/// A point of summed counts: values of the metrics with units, in the
/// program's order (metrics it does not know are left out), and their
/// weighted mean as the score.
pub(crate) fn point(
    seconds: i64,
    counts: Vec<Count>,
    weights: &HashMap<&str, f64>,
    order: &HashMap<&str, usize>,
) -> Point {
    let mut metrics: Vec<Value> = counts
        .into_iter()
        .filter(|c| c.total > 0 && order.contains_key(c.name.as_str()))
        .map(|c| Value {
            value: share(c.compliant, c.total),
            name: c.name,
            compliant: c.compliant,
            total: c.total,
        })
        .collect();
    metrics.sort_by_key(|v| order.get(v.name.as_str()).copied());
    let (s, w) = metrics.iter().fold((0.0, 0.0), |(s, w), v| {
        let weight = weights.get(v.name.as_str()).copied().unwrap_or(1.0);
        (s + v.value * weight, w + weight)
    });
    Point {
        time: crate::text::rfc3339(seconds),
        seconds,
        score: if w == 0.0 { 100.0 } else { round1(s / w) },
        metrics,
    }
}

/// The metric whose value changed most (either way) between the first
/// point of the pace window and now.
fn mover(series: &[Point], now: i64) -> Option<Mover> {
    let last = series.last()?;
    let window: Vec<&Point> = series
        .iter()
        .filter(|p| p.seconds >= now - PACE_DAYS * 86_400)
        .collect();
    last.metrics
        .iter()
        .filter_map(|v| {
            let first = window.iter().find_map(|p| p.value(&v.name))?;
            Some(Mover {
                metric: v.name.clone(),
                delta: round1(v.value - first.value),
            })
        })
        .filter(|m| m.delta != 0.0)
        .max_by(|a, b| a.delta.abs().total_cmp(&b.delta.abs()))
}

/// The team's worklists of the newest samples, per metric in the program's
/// order, files by impact across repositories.
fn worklist(newest: &[&Sample], team: &str, order: &HashMap<&str, usize>) -> Vec<TeamWork> {
    let mut by_metric: BTreeMap<usize, TeamWork> = BTreeMap::new();
    for s in newest {
        for w in s.work.iter().filter(|w| w.team == team) {
            let Some(&i) = order.get(w.metric.as_str()) else {
                continue;
            };
            let entry = by_metric.entry(i).or_insert_with(|| TeamWork {
                team: team.to_string(),
                metric: w.metric.clone(),
                files: Vec::new(),
            });
            entry.files.extend(w.files.iter().cloned().map(|mut f| {
                if newest.len() > 1 {
                    f.path = format!("{}:{}", s.repository, f.path);
                }
                f
            }));
        }
    }
    by_metric
        .into_values()
        .map(|mut w| {
            w.files.sort_by(|a, b| {
                (b.impact, b.offenders)
                    .cmp(&(a.impact, a.offenders))
                    .then_with(|| a.path.cmp(&b.path))
            });
            w.files.truncate(WORK);
            w
        })
        .collect()
}

/// The files whose offenders, all fixed, would raise the team's score most:
/// a file with k offenders of a metric whose team total is n adds
/// 100 × k / n to that metric's value, weighed as the score weighs it.
fn moves(
    newest: &[&Sample],
    team: &str,
    now: &Point,
    weights: &HashMap<&str, f64>,
    order: &HashMap<&str, usize>,
    several: bool,
) -> Vec<FileMove> {
    let weight_sum: f64 = now
        .metrics
        .iter()
        .map(|v| weights.get(v.name.as_str()).copied().unwrap_or(1.0))
        .sum();
    if weight_sum == 0.0 {
        return Vec::new();
    }
    let mut files: BTreeMap<(String, String), FileMove> = BTreeMap::new();
    for s in newest {
        for w in s.work.iter().filter(|w| w.team == team) {
            let (Some(v), Some(&weight)) = (now.value(&w.metric), weights.get(w.metric.as_str()))
            else {
                continue;
            };
            for f in &w.files {
                let key = (s.repository.clone(), f.path.clone());
                let entry = files.entry(key).or_insert_with(|| FileMove {
                    repository: if several {
                        s.repository.clone()
                    } else {
                        String::new()
                    },
                    path: f.path.clone(),
                    gain: 0.0,
                    offenders: 0,
                    metrics: Vec::new(),
                });
                let fixed = f.offenders.min(v.total - v.compliant);
                entry.gain += 100.0 * fixed as f64 / v.total as f64 * weight / weight_sum;
                entry.offenders += f.offenders;
                entry.metrics.push(w.metric.clone());
            }
        }
    }
    let mut out: Vec<FileMove> = files
        .into_values()
        .map(|mut m| {
            m.gain = round2(m.gain);
            m.metrics.sort_by_key(|n| order.get(n.as_str()).copied());
            m.metrics.dedup();
            m
        })
        .filter(|m| m.gain > 0.0)
        .collect();
    out.sort_by(|a, b| {
        b.gain
            .total_cmp(&a.gain)
            .then_with(|| (&a.repository, &a.path).cmp(&(&b.repository, &b.path)))
    });
    out.truncate(MOVES);
    out
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
