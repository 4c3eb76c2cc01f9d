use super::*;
use crate::metrics::goals::Track;
use crate::metrics::groups::{Group, GroupMetric};

const DAY: i64 = 86_400;
const T: i64 = 1_700_000_000;

fn count(name: &str, compliant: u64, total: u64) -> Count {
    Count {
        name: name.into(),
        compliant,
        total,
    }
}

fn team(name: &str, counts: &[(&str, u64, u64)]) -> TeamCount {
    TeamCount {
        name: name.into(),
        metrics: counts.iter().map(|(n, c, t)| count(n, *c, *t)).collect(),
    }
}

fn sample(repo: &str, days: i64, teams: Vec<TeamCount>) -> Sample {
    let overall = sum(teams.iter().flat_map(|t| t.metrics.iter()));
    Sample {
        repository: repo.into(),
        revision: Some(format!("{repo}{days}")),
        seconds: T + days * DAY,
        metrics: overall,
        teams,
        work: Vec::new(),
    }
}

fn setup(goals: Vec<Goal>) -> Setup {
    Setup {
        version: "0".into(),
        by: "owner".into(),
        metrics: vec![
            MetricInfo {
                name: "typed".into(),
                kind: "typed".into(),
                unit: "function".into(),
                weight: 2.0,
                min: None,
            },
            MetricInfo {
                name: "tests".into(),
                kind: "test-association".into(),
                unit: "file".into(),
                weight: 1.0,
                min: None,
            },
        ],
        min_score: None,
        goals,
        notes: Vec::new(),
    }
}

fn goal(team: &str, score: f64, by_days: i64) -> Goal {
    Goal {
        team: team.into(),
        score: Some(score),
        metrics: Vec::new(),
        by: "2024-01-01".into(),
        by_seconds: T + by_days * DAY,
    }
}

#[test]
fn repositories_join_as_of_each_time() {
    // a at day 0 and 20, b at day 10: the point of day 10 counts a as of day 0.
    let samples = vec![
        sample("a", 0, vec![team("@o/x", &[("typed", 1, 4)])]),
        sample(
            "b",
            10,
            vec![team("@o/x", &[("typed", 3, 4), ("tests", 1, 2)])],
        ),
        sample("a", 20, vec![team("@o/x", &[("typed", 3, 4)])]),
    ];
    let p = build(&samples, setup(Vec::new()));
    assert_eq!(p.title, "2 repositories");
    assert_eq!(p.points.len(), 3);
    let day10 = &p.points[1];
    assert_eq!(
        day10.value("typed").map(|v| (v.compliant, v.total)),
        Some((4, 8))
    );
    let x = &p.teams[0];
    assert_eq!(x.series.len(), 3);
    // Now: typed 6/8 = 75, tests 1/2 = 50; (75 × 2 + 50) / 3.
    assert_eq!(x.metrics[0].value, 75.0);
    assert_eq!(x.score, 66.7);
    assert_eq!(
        x.mover,
        Some(Mover {
            metric: "typed".into(),
            delta: 50.0
        })
    );
}

#[test]
fn behind_and_on_track_teams() {
    let samples: Vec<Sample> = (0..4)
        .map(|i| {
            sample(
                "r",
                i * 10,
                vec![
                    // Climbs 10 points every 10 days.
                    team("@o/up", &[("typed", 4 + i as u64, 10)]),
                    // Flat at 50.
                    team("@o/flat", &[("typed", 5, 10)]),
                    team("@o/free", &[("typed", 1, 10)]),
                ],
            )
        })
        .collect();
    let p = build(
        &samples,
        setup(vec![goal("@o/up", 90.0, 60), goal("@o/flat", 60.0, 60)]),
    );
    let track = |name: &str| {
        p.teams
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.progress.as_ref())
            .map(|g| g.track)
    };
    assert_eq!(track("@o/up"), Some(Track::OnTrack));
    assert_eq!(track("@o/flat"), Some(Track::Behind));
    assert_eq!(track("@o/free"), None);
    assert_eq!(p.on_track(), (1, 2));
}

#[test]
fn files_that_move_the_score_most() {
    let mut s = sample(
        "r",
        0,
        vec![team("@o/x", &[("typed", 6, 10), ("tests", 1, 4)])],
    );
    let file = |path: &str, offenders: u64| WorkFile {
        path: path.into(),
        offenders,
        changes: Some(1),
        impact: Some(offenders),
    };
    s.work = vec![
        TeamWork {
            team: "@o/x".into(),
            metric: "typed".into(),
            files: vec![file("a.py", 3), file("b.py", 1)],
        },
        TeamWork {
            team: "@o/x".into(),
            metric: "tests".into(),
            files: vec![file("b.py", 1), file("c.py", 1)],
        },
    ];
    let p = build(&[s], setup(Vec::new()));
    let moves: Vec<(&str, f64)> = p.teams[0]
        .moves
        .iter()
        .map(|m| (m.path.as_str(), m.gain))
        .collect();
    // a: 100 × 3/10 × 2/3 = 20; b: 100 × 1/10 × 2/3 + 100 × 1/4 × 1/3 = 15;
    // c: 8.33.
    assert_eq!(moves, [("a.py", 20.0), ("b.py", 15.0), ("c.py", 8.33)]);
    assert_eq!(p.teams[0].moves[1].metrics, ["typed", "tests"]);
    assert_eq!(p.teams[0].worklist[0].files[0].path, "a.py");
}

#[test]
fn teams_without_units_now_are_history() {
    let samples = vec![
        sample("r", 0, vec![team("@o/old", &[("typed", 1, 2)])]),
        sample("r", 5, vec![team("@o/new", &[("typed", 1, 2)])]),
    ];
    let p = build(&samples, setup(Vec::new()));
    let names: Vec<&str> = p.teams.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["@o/new"]);
    assert_eq!(p.title, "r");
}

#[test]
fn goals_naming_no_team_are_noted_with_the_nearest() {
    let goals = vec![
        goal("@acme/paymnts", 80.0, 10),
        goal("@acme/web", 80.0, 10),
        goal("zzz\u{1b}[2J", 1.0, 1),
    ];
    let teams = ["@acme/payments", "@acme/web"];
    let notes: Vec<String> = unknown_goals(&goals, teams.iter().copied(), "owner")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        notes,
        [
            "the goal of `@acme/paymnts` names no CODEOWNERS team with measured files (--by owner); did you mean `@acme/payments`?",
            "the goal of `zzz\\u{1b}[2J` names no CODEOWNERS team with measured files (--by owner)",
        ]
    );
    let dir = unknown_goals(&[goal("src/ap", 1.0, 1)], ["src/api"].into_iter(), "dir");
    assert_eq!(
        dir[0].to_string(),
        "the goal of `src/ap` names no folder with measured files (--by dir); did you mean `src/api`?"
    );
}

#[test]
fn the_score_pace_ignores_metrics_measured_only_now() {
    // typed climbs; coverage appears only at the newest point, far lower.
    let mut samples: Vec<Sample> = (0..3)
        .map(|i| {
            sample(
                "r",
                i * 10,
                vec![team("@o/x", &[("typed", 5 + i as u64, 10)])],
            )
        })
        .collect();
    samples[2].teams[0].metrics.push(count("tests", 0, 10));
    // 20 days left at +1 a day: 66.7 by the date.
    let p = build(&samples, setup(vec![goal("@o/x", 60.0, 40)]));
    let progress = p.teams[0].progress.as_ref().map(|g| g.score.clone());
    let pace = progress.flatten().unwrap_or_else(|| panic!("no pace"));
    // Now (70 × 2 + 0) / 3 = 46.7; typed alone climbs 1 point a day: +30 a month.
    assert_eq!(pace.current, 46.7);
    assert_eq!(pace.per_month, 30.0);
    assert_eq!(pace.track, Track::OnTrack);
}

#[test]
fn times_when_nothing_had_units_are_no_points() {
    let samples = vec![
        sample("r", 0, Vec::new()),
        sample("r", 5, vec![team("@o/x", &[("typed", 1, 4)])]),
    ];
    let p = build(&samples, setup(Vec::new()));
    assert_eq!(p.points.len(), 1);
    assert_eq!(p.points[0].score, 25.0);
}

#[test]
fn groups_become_team_counts_and_work() {
    let file = WorkFile {
        path: "a.py".into(),
        offenders: 2,
        changes: None,
        impact: None,
    };
    let groups = vec![Group {
        by: "owner",
        name: "@o/a".into(),
        score: 50.0,
        metrics: vec![
            GroupMetric {
                name: "typed".into(),
                value: 50.0,
                compliant: 2,
                total: 4,
                worklist: vec![file.clone()],
            },
            GroupMetric {
                name: "large-files".into(),
                value: 100.0,
                compliant: 1,
                total: 1,
                worklist: Vec::new(),
            },
        ],
        progress: None,
    }];
    let counts = team_counts(&groups);
    assert_eq!(
        counts[0].metrics[0],
        Count {
            name: "typed".into(),
            compliant: 2,
            total: 4
        }
    );
    assert_eq!(counts[0].metrics.len(), 2);
    // Only metrics with files to work on.
    let work = team_work(&groups);
    assert_eq!(work.len(), 1);
    assert_eq!(
        (work[0].team.as_str(), work[0].metric.as_str()),
        ("@o/a", "typed")
    );
    assert_eq!(work[0].files, [file]);
}
