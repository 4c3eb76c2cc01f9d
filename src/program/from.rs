//! The program of many repositories, from the JSON reports each one's CI
//! wrote (`qscan --by owner --format json`): qscan schedules nothing, the
//! organisation's CI runners are the distributed engine. A report gives a
//! sample of its repository now, and one per past commit of its goals'
//! pace; reports of the same repository at other times add points.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Count, MetricInfo, PacePoint, Program, Sample, Setup};
use crate::discover::confine::escape;
use crate::error::Error;
use crate::metrics::goals::{self, Goal};
use crate::metrics::groups::{Group, GroupMetric};
use crate::metrics::{WorkFile, share};

/// The most bytes of one report read: far above any real report.
const MAX_REPORT_BYTES: u64 = 256 << 20;

/// The parts of a JSON report (README "The JSON report") the program needs.
#[derive(Debug, Deserialize)]
struct ReportIn {
    repository: Option<String>,
    commit: Option<String>,
    time: Option<String>,
    #[serde(default)]
    metrics: Vec<MetricIn>,
    gate: Option<GateIn>,
    groups: Option<Vec<GroupIn>>,
    #[serde(default)]
    goals: Vec<GoalIn>,
    #[serde(default)]
    pace: Vec<PacePoint>,
}

#[derive(Debug, Deserialize)]
struct MetricIn {
    name: String,
    kind: String,
    unit: String,
    weight: f64,
    min: Option<f64>,
    compliant: u64,
    total: u64,
    status: String,
}

#[derive(Debug, Deserialize)]
struct GateIn {
    min_score: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct GroupIn {
    by: String,
    name: String,
    metrics: Vec<GroupMetricIn>,
}

#[derive(Debug, Deserialize)]
struct GroupMetricIn {
    name: String,
    compliant: u64,
    total: u64,
    #[serde(default)]
    worklist: Vec<WorkFile>,
}

#[derive(Debug, Deserialize)]
struct GoalIn {
    team: String,
    score: Option<f64>,
    #[serde(default)]
    metrics: BTreeMap<String, f64>,
    by: String,
}

/// One report read and checked.
struct Read1 {
    path: PathBuf,
    repository: String,
    seconds: i64,
    report: ReportIn,
    by: String,
}

fn bad(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::input(
        format!("{}: {why}", escape(&path.display().to_string())),
        Some(
            "--from reads the JSON reports of `qscan --by owner --format json` (or --by dir), \
             one per repository and run",
        ),
    )
}

fn read(path: &Path) -> Result<Read1, Error> {
    let file = std::fs::File::open(path).map_err(|e| bad(path, e))?;
    let mut text = String::new();
    file.take(MAX_REPORT_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| bad(path, format!("cannot read it: {e}")))?;
    let report: ReportIn = serde_json::from_str(&text)
        .map_err(|e| bad(path, format!("not a qscan JSON report: {e}")))?;
    let Some(groups) = &report.groups else {
        return Err(bad(
            path,
            "the report has no per-team numbers: make it with --by owner (or --by dir)",
        ));
    };
    let by = groups
        .first()
        .map_or_else(|| "owner".to_string(), |g| g.by.clone());
    let repository = report
        .repository
        .clone()
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            bad(
                path,
                "the report names no repository (made before qscan 0.1?)",
            )
        })?;
    let seconds = report
        .time
        .as_deref()
        .and_then(crate::text::parse_rfc3339)
        .ok_or_else(|| {
            bad(
                path,
                "the report has no commit time: make it inside a git repository with a commit",
            )
        })?;
    Ok(Read1 {
        path: path.to_path_buf(),
        repository,
        seconds,
        report,
        by,
    })
}

/// The program of the reports at `paths`.
pub fn program(paths: &[PathBuf]) -> Result<Program, Error> {
    let mut reads = paths
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(first) = reads.first()
        && let Some(other) = reads.iter().find(|r| r.by != first.by)
    {
        return Err(bad(
            &other.path,
            format!(
                "its teams are made --by {}, and those of {} --by {}: join reports made the same way",
                escape(&other.by),
                escape(&first.path.display().to_string()),
                escape(&first.by)
            ),
        ));
    }
    // Newest first: the newest report's metric weights and goals win.
    reads.sort_by_key(|r| std::cmp::Reverse(r.seconds));
    let mut notes = Vec::new();
    let mut metrics: Vec<MetricInfo> = Vec::new();
    let mut goals_by_team: BTreeMap<String, Goal> = BTreeMap::new();
    let mut min_scores = Vec::new();
    let mut samples = Vec::new();
    for r in &reads {
        min_scores.push(r.report.gate.as_ref().and_then(|g| g.min_score));
        for m in &r.report.metrics {
            match metrics.iter().find(|x| x.name == m.name) {
                Some(x) if x.weight != m.weight || x.kind != m.kind => notes.push(format!(
                    "metric `{}` differs between repositories ({} weight {} in {}, {} weight {} \
                     in {}): the newest report's is used",
                    escape(&m.name),
                    escape(&x.kind),
                    x.weight,
                    "the newest report",
                    escape(&m.kind),
                    m.weight,
                    escape(&r.repository)
                )),
                Some(_) => {}
                None => metrics.push(MetricInfo {
                    name: m.name.clone(),
                    kind: m.kind.clone(),
                    unit: m.unit.clone(),
                    weight: m.weight,
                    min: m.min,
                }),
            }
        }
        for g in &r.report.goals {
            let Some(by_seconds) = goals::end_of_day(&g.by) else {
                return Err(bad(
                    &r.path,
                    format!("goal date `{}` is no date", escape(&g.by)),
                ));
            };
            let goal = Goal {
                team: g.team.clone(),
                score: g.score,
                metrics: g.metrics.clone().into_iter().collect(),
                by: g.by.clone(),
                by_seconds,
            };
            match goals_by_team.get(&g.team) {
                Some(known) if *known != goal => notes.push(format!(
                    "the goal of `{}` differs between repositories: the newest report's is used",
                    escape(&g.team)
                )),
                Some(_) => {}
                None => {
                    goals_by_team.insert(g.team.clone(), goal);
                }
            }
        }
        samples.push(sample(r));
        for p in &r.report.pace {
            let Some(seconds) = crate::text::parse_rfc3339(&p.time) else {
                return Err(bad(
                    &r.path,
                    format!("pace time `{}` is no time", escape(&p.time)),
                ));
            };
            samples.push(Sample {
                repository: r.repository.clone(),
                revision: Some(p.commit.clone()),
                seconds,
                metrics: p.metrics.clone(),
                teams: p.groups.clone(),
                work: Vec::new(),
            });
        }
    }
    let min_score = match min_scores.split_first() {
        Some((first, rest)) if rest.iter().all(|m| m == first) => *first,
        _ => None,
    };
    let goals: Vec<Goal> = goals_by_team.into_values().collect();
    let by = reads
        .first()
        .map_or_else(|| "owner".to_string(), |r| r.by.clone());
    let program = super::build(
        &samples,
        Setup {
            version: env!("CARGO_PKG_VERSION").to_string(),
            by: by.clone(),
            metrics,
            min_score,
            goals: goals.clone(),
            notes: Vec::new(),
        },
    );
    let mut all_notes: Vec<String> =
        super::unknown_goals(&goals, program.teams.iter().map(|t| t.name.as_str()), &by)
            .iter()
            .map(ToString::to_string)
            .collect();
    all_notes.extend(notes);
    Ok(Program {
        notes: all_notes,
        ..program
    })
}

/// A report's own sample: its measured metrics, its groups' units and
/// worklists.
fn sample(r: &Read1) -> Sample {
    let groups: Vec<Group> = r
        .report
        .groups
        .iter()
        .flatten()
        .map(|g| Group {
            by: if g.by == "dir" { "dir" } else { "owner" },
            name: g.name.clone(),
            score: 0.0,
            metrics: g
                .metrics
                .iter()
                .map(|m| GroupMetric {
                    name: m.name.clone(),
                    value: share(m.compliant, m.total),
                    compliant: m.compliant,
                    total: m.total,
                    worklist: m.worklist.clone(),
                })
                .collect(),
            progress: None,
        })
        .collect();
    Sample {
        repository: r.repository.clone(),
        revision: r.report.commit.clone(),
        seconds: r.seconds,
        metrics: r
            .report
            .metrics
            .iter()
            .filter(|m| m.status == "measured")
            .map(|m| Count {
                name: m.name.clone(),
                compliant: m.compliant,
                total: m.total,
            })
            .collect(),
        teams: super::team_counts(&groups),
        work: super::team_work(&groups),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, json: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, json).unwrap_or_default();
        p
    }

    fn report(repo: &str, time: &str, typed: (u64, u64), team: &str) -> String {
        format!(
            r#"{{"repository": "{repo}", "commit": "abc", "time": "{time}",
            "metrics": [{{"name": "typed", "kind": "typed", "unit": "function", "weight": 1.0,
              "min": null, "compliant": {c}, "total": {t}, "status": "measured"}}],
            "gate": {{"min_score": 50.0}},
            "groups": [{{"by": "owner", "name": "{team}", "score": 0,
              "metrics": [{{"name": "typed", "value": 0, "compliant": {c}, "total": {t}}}]}}],
            "goals": [{{"team": "@o/a", "score": 90, "by": "2030-01-01"}}]}}"#,
            c = typed.0,
            t = typed.1
        )
    }

    #[test]
    fn reports_join_by_team() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let a = write(
            dir.path(),
            "a.json",
            &report("a", "2026-01-01T00:00:00Z", (1, 4), "@o/a"),
        );
        let b = write(
            dir.path(),
            "b.json",
            &report("b", "2026-01-02T00:00:00Z", (3, 4), "@o/a"),
        );
        let p = program(&[a, b]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.title, "2 repositories");
        assert_eq!(p.teams.len(), 1);
        let v = &p.teams[0].metrics[0];
        assert_eq!((v.compliant, v.total, v.value), (4, 8, 50.0));
        assert_eq!(p.min_score, Some(50.0));
        assert!(p.teams[0].progress.is_some());
        assert!(p.notes.is_empty(), "{:?}", p.notes);
    }

    #[test]
    fn pace_points_of_a_report_are_points_of_its_repository() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // Now 3 of 4; a month before, 1 of 4: +50 a month reaches 90 in time.
        let text = report("a", "2026-02-01T00:00:00Z", (3, 4), "@o/a").replace(
            r#""goals":"#,
            r#""pace": [{"commit": "c0", "time": "2026-01-02T00:00:00Z",
              "metrics": [{"name": "typed", "compliant": 1, "total": 4}],
              "groups": [{"name": "@o/a", "metrics": [{"name": "typed", "compliant": 1, "total": 4}]}]}],
            "goals":"#,
        );
        let a = write(dir.path(), "a.json", &text);
        let p = program(&[a]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.points.len(), 2);
        let t = &p.teams[0];
        let values: Vec<f64> = t.series.iter().map(|p| p.score).collect();
        assert_eq!(values, [25.0, 75.0]);
        let pace = t.progress.as_ref().and_then(|g| g.score.clone());
        assert_eq!(
            pace.map(|s| (s.points, s.track)),
            Some((2, goals::Track::OnTrack))
        );
    }

    #[test]
    fn reports_that_cannot_join_are_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let no_groups = write(
            dir.path(),
            "n.json",
            r#"{"repository": "x", "time": "2026-01-01T00:00:00Z"}"#,
        );
        let e = program(&[no_groups])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("no per-team numbers"), "{e}");
        let junk = write(dir.path(), "j.json", "<html>");
        let e = program(&[junk])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("not a qscan JSON report"), "{e}");
        let e = program(&[dir.path().join("absent.json")])
            .err()
            .map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("absent.json"));
        let owner = write(
            dir.path(),
            "o.json",
            &report("a", "2026-01-01T00:00:00Z", (1, 4), "@o/a"),
        );
        let dir_by = write(
            dir.path(),
            "d.json",
            &report("b", "2026-01-01T00:00:00Z", (1, 4), "src").replace("\"owner\"", "\"dir\""),
        );
        let e = program(&[owner, dir_by])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("join reports made the same way"), "{e}");
    }
}
