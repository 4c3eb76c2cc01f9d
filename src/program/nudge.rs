//! `qscan nudge`: one short message for each team behind its goal, sparing
//! of attention. A team on track (or met) gets nothing; a team whose
//! numbers have not changed since it was last nudged is not nudged again
//! unless asked (`--again`). What was nudged is remembered in a small JSON
//! state file the caller keeps (`--state FILE`), so qscan stays stateless.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::{FileMove, GoalView, Program, Team};
use crate::metrics::goals::{Progress, Track};

/// How many files a nudge names.
pub const FILES: usize = 3;

/// One team's nudge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nudge {
    pub team: String,
    pub track: Track,
    pub score: f64,
    pub goal: GoalView,
    pub progress: Progress,
    /// The files that would move its score most.
    pub files: Vec<FileMove>,
    /// What the team's numbers and goal were when nudged: a team is nudged
    /// again only when this changes.
    pub fingerprint: String,
}

/// The nudges of a run, and the teams behind but not nudged again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nudges {
    pub nudges: Vec<Nudge>,
    /// Behind, unchanged since their last nudge.
    pub unchanged: Vec<String>,
}

/// What a state file holds: each team behind and the fingerprint it was
/// last nudged with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub teams: BTreeMap<String, String>,
}

/// A team's numbers and goal, as one comparable line.
fn fingerprint(t: &Team) -> String {
    let mut s = format!("score={}", t.score);
    for v in &t.metrics {
        let _ = write!(s, ";{}={}/{}", v.name, v.compliant, v.total);
    }
    if let Some(g) = &t.goal {
        let _ = write!(s, ";goal={:?}@{}", g.score, g.by);
        for (name, target) in &g.metrics {
            let _ = write!(s, ",{name}={target}");
        }
    }
    s
}

/// The teams behind their goal, nudged unless unchanged since `previous`
/// (all of them with `again`); and the state to keep for the next run:
/// every team behind now, so that a team back on track and behind again
/// later is nudged anew.
pub fn nudges(program: &Program, previous: &State, again: bool) -> (Nudges, State) {
    let mut out = Nudges {
        nudges: Vec::new(),
        unchanged: Vec::new(),
    };
    let mut state = State::default();
    for t in &program.teams {
        let (Some(progress), Some(goal)) = (&t.progress, &t.goal) else {
            continue;
        };
        if !progress.track.is_behind() {
            continue;
        }
        let fp = fingerprint(t);
        state.teams.insert(t.name.clone(), fp.clone());
        if !again && previous.teams.get(&t.name) == Some(&fp) {
            out.unchanged.push(t.name.clone());
            continue;
        }
        out.nudges.push(Nudge {
            team: t.name.clone(),
            track: progress.track,
            score: t.score,
            goal: goal.clone(),
            progress: progress.clone(),
            files: t.moves.iter().take(FILES).cloned().collect(),
            fingerprint: fp,
        });
    }
    (out, state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::{Count, MetricInfo, Sample, Setup, TeamCount, build};

    const DAY: i64 = 86_400;
    const T: i64 = 1_700_000_000;

    fn program(flat_compliant: u64) -> Program {
        let samples: Vec<Sample> = (0..3)
            .map(|i| Sample {
                repository: "r".into(),
                revision: None,
                seconds: T + i * 10 * DAY,
                metrics: Vec::new(),
                teams: vec![
                    TeamCount {
                        name: "@o/up".into(),
                        metrics: vec![Count {
                            name: "typed".into(),
                            compliant: 5 + i as u64,
                            total: 10,
                        }],
                    },
                    TeamCount {
                        name: "@o/flat".into(),
                        metrics: vec![Count {
                            name: "typed".into(),
                            compliant: if i == 2 { flat_compliant } else { 5 },
                            total: 10,
                        }],
                    },
                ],
                work: Vec::new(),
            })
            .collect();
        let goal = |team: &str| crate::metrics::goals::Goal {
            team: team.into(),
            score: Some(80.0),
            metrics: Vec::new(),
            by: "2023-12-31".into(),
            by_seconds: T + 60 * DAY,
        };
        build(
            &samples,
            Setup {
                metrics: vec![MetricInfo {
                    name: "typed".into(),
                    kind: "typed".into(),
                    unit: "function".into(),
                    weight: 1.0,
                    min: None,
                }],
                goals: vec![goal("@o/up"), goal("@o/flat")],
                ..Setup::default()
            },
        )
    }

    #[test]
    fn only_teams_behind_and_only_once_per_change() {
        let p = program(5);
        let (first, state) = nudges(&p, &State::default(), false);
        let teams: Vec<&str> = first.nudges.iter().map(|n| n.team.as_str()).collect();
        // @o/up climbs 10 points in 10 days: on track for 80.
        assert_eq!(teams, ["@o/flat"]);
        assert_eq!(first.nudges[0].track, Track::Behind);
        assert_eq!(state.teams.len(), 1);
        // Unchanged: not nudged again, unless asked.
        let (second, state2) = nudges(&p, &state, false);
        assert!(second.nudges.is_empty());
        assert_eq!(second.unchanged, ["@o/flat"]);
        assert_eq!(state2, state);
        assert_eq!(nudges(&p, &state, true).0.nudges.len(), 1);
        // A change in its numbers nudges it anew.
        let moved = program(4);
        assert_eq!(nudges(&moved, &state, false).0.nudges.len(), 1);
    }
}
