//! Zoom levels (`--by owner`, `--by dir[:DEPTH]`): the same metrics per team
//! or per folder, so a lead sees where quality lives without anyone being
//! ranked. A group's numbers are a pure function of where each metric's units
//! lie (their [`Tally`]s) and of a rule that names the groups of a path; the
//! teams are CODEOWNERS teams, never people.
//!
//! A unit counts once in each group its paths fall in: a file owned by two
//! teams counts for both, and a change unit counts for every group whose
//! files it touched. Group totals therefore need not add up to the overall
//! total. A unit without a path (an `external` number) belongs to no group.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use serde::Serialize;

use super::{MetricResult, WorkFile, round1, share};
use crate::owners::{self, Owners};

/// The group of paths no team owns (no matching line, a line without
/// owners, or one naming only people).
pub use crate::owners::UNOWNED;
/// The group of files at the repository root, for `--by dir`.
pub const ROOT: &str = ".";

/// How to group: by CODEOWNERS team, or by folder cut to a depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Owner,
    Dir(usize),
}

impl By {
    /// The report's `"by"`: `owner` or `dir`.
    pub fn name(self) -> &'static str {
        match self {
            By::Owner => "owner",
            By::Dir(_) => "dir",
        }
    }

    /// As the flag is written: `owner`, `dir`, `dir:2`.
    pub fn label(self) -> String {
        match self {
            By::Owner => "owner".into(),
            By::Dir(1) => "dir".into(),
            By::Dir(d) => format!("dir:{d}"),
        }
    }
}

impl FromStr for By {
    type Err = String;

    fn from_str(s: &str) -> Result<By, String> {
        let bad_depth = |d: &str| {
            format!(
                "`{d}` is no folder depth in `--by {s}`; give a whole number from 1, e.g. `dir:2`"
            )
        };
        match s.split_once(':') {
            None if s == "owner" => Ok(By::Owner),
            None if s == "dir" => Ok(By::Dir(1)),
            Some(("dir", d)) => match d.parse::<usize>() {
                Ok(0) | Err(_) => Err(bad_depth(d)),
                Ok(n) => Ok(By::Dir(n)),
            },
            _ => Err(format!(
                "`{s}` is no grouping; give `owner` (CODEOWNERS teams), `dir` or `dir:DEPTH`"
            )),
        }
    }
}

/// One group's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// `owner` or `dir`.
    pub by: &'static str,
    pub name: String,
    /// The weighted mean of its metrics' values, as the overall score.
    pub score: f64,
    /// The metrics with units in the group, in the definition's order.
    pub metrics: Vec<GroupMetric>,
    /// Its progress on its goal (`[goals."NAME"]`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<super::goals::Progress>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMetric {
    pub name: String,
    pub value: f64,
    pub compliant: u64,
    pub total: u64,
    /// The metric's worklist cut to the group's files, in the same order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub worklist: Vec<WorkFile>,
}

/// The owner groups of a path: the teams of the last CODEOWNERS line that
/// matches it, or [`UNOWNED`].
pub fn owner_groups(owners: &Owners, path: &str) -> Vec<String> {
    let teams: Vec<String> = owners
        .owners_of(path)
        .iter()
        .filter(|o| owners::is_team(o))
        .cloned()
        .collect();
    if teams.is_empty() {
        vec![UNOWNED.to_string()]
    } else {
        teams
    }
}

/// The folder of a path cut to `depth` parts: `src/a/b.rs` is `src` at
/// depth 1 and `src/a` at 2 or more; a root file is [`ROOT`].
pub fn dir_group(path: &str, depth: usize) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let folders = &parts[..parts.len().saturating_sub(1)];
    if folders.is_empty() {
        ROOT.to_string()
    } else {
        folders[..folders.len().min(depth)].join("/")
    }
}

/// Every metric per group, by `group_of` (the groups of a path). Groups are
/// sorted by name, [`UNOWNED`] last; a group lists the metrics that have
/// units in it, and its score is their weighted mean, so a metric that says
/// nothing about a group (no units there, or skipped) does not move its
/// score.
pub fn groups(
    results: &[MetricResult],
    by: By,
    group_of: impl Fn(&str) -> Vec<String>,
) -> Vec<Group> {
    let mut memo: HashMap<&str, Vec<String>> = HashMap::new();
    // group → metric index → (compliant, total)
    let mut counts: BTreeMap<String, BTreeMap<usize, (u64, u64)>> = BTreeMap::new();
    for (i, r) in results.iter().enumerate() {
        if !r.status.is_measured() {
            continue;
        }
        for tally in &r.tallies {
            let mut names: BTreeSet<String> = BTreeSet::new();
            for path in &tally.paths {
                let of = memo.entry(path.as_str()).or_insert_with(|| group_of(path));
                names.extend(of.iter().cloned());
            }
            for name in names {
                let c = counts.entry(name).or_default().entry(i).or_default();
                c.0 += tally.compliant;
                c.1 += tally.total;
            }
        }
    }
    let mut out: Vec<Group> = counts
        .into_iter()
        .map(|(name, per_metric)| {
            let metrics: Vec<(GroupMetric, f64)> = per_metric
                .into_iter()
                .filter(|(_, (_, total))| *total > 0)
                .map(|(i, (compliant, total))| {
                    // The group's own top of the metric's worklist.
                    let worklist = results[i]
                        .worklist
                        .iter()
                        .filter(|w| match memo.get(w.path.as_str()) {
                            Some(of) => of.contains(&name),
                            None => group_of(&w.path).contains(&name),
                        })
                        .cloned()
                        .collect();
                    (
                        GroupMetric {
                            name: results[i].name.clone(),
                            value: share(compliant, total),
                            compliant,
                            total,
                            worklist,
                        },
                        results[i].weight,
                    )
                })
                .collect();
            let (sum, weights) = metrics.iter().fold((0.0, 0.0), |(s, w), (m, weight)| {
                (s + m.value * weight, w + weight)
            });
            Group {
                by: by.name(),
                name,
                score: if weights == 0.0 {
                    100.0
                } else {
                    round1(sum / weights)
                },
                metrics: metrics.into_iter().map(|(m, _)| m).collect(),
                progress: None,
            }
        })
        .filter(|g| !g.metrics.is_empty())
        .collect();
    // BTreeMap order is by name; the catch-all group goes last.
    out.sort_by_key(|g| g.name == UNOWNED);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Tally;

    fn result(name: &str, weight: f64, tallies: Vec<Tally>) -> MetricResult {
        let (compliant, total) = tallies
            .iter()
            .fold((0, 0), |(c, t), x| (c + x.compliant, t + x.total));
        MetricResult {
            name: name.into(),
            kind: "typed",
            unit: "function",
            value: share(compliant, total),
            compliant,
            total,
            min: None,
            max_offenders: None,
            weight,
            passed: true,
            hint: "",
            status: crate::model::Status::Measured,
            optional: false,
            measured: None,
            unmatched_report_paths: Vec::new(),
            offenders: Vec::new(),
            worklist: Vec::new(),
            baseline: None,
            delta: None,
            new_offenders: None,
            tallies,
        }
    }

    fn tally(paths: &[&str], compliant: u64, total: u64) -> Tally {
        Tally {
            paths: paths.iter().map(|p| p.to_string()).collect(),
            compliant,
            total,
        }
    }

    #[test]
    fn parses_the_flag() {
        assert_eq!("owner".parse(), Ok(By::Owner));
        assert_eq!("dir".parse(), Ok(By::Dir(1)));
        assert_eq!("dir:3".parse(), Ok(By::Dir(3)));
        assert!(
            "dir:0"
                .parse::<By>()
                .unwrap_err()
                .contains("`0` is no folder depth")
        );
        assert!("dir:x".parse::<By>().is_err());
        assert!("dir:".parse::<By>().is_err());
        assert!(
            "team"
                .parse::<By>()
                .unwrap_err()
                .contains("`team` is no grouping")
        );
        assert!("owner:2".parse::<By>().is_err());
        assert_eq!(By::Dir(2).label(), "dir:2");
    }

    #[test]
    fn folders_cut_to_a_depth() {
        assert_eq!(dir_group("main.rs", 1), ".");
        assert_eq!(dir_group("src/a/b.rs", 1), "src");
        assert_eq!(dir_group("src/a/b.rs", 2), "src/a");
        assert_eq!(dir_group("src/a/b.rs", 9), "src/a");
        assert_eq!(dir_group("src/b.rs", 2), "src");
    }

    #[test]
    fn units_count_once_per_group_and_scores_weigh_metrics() {
        let results = vec![
            result(
                "typed",
                2.0,
                vec![tally(&["a/x.py"], 1, 4), tally(&["b/y.py"], 3, 3)],
            ),
            // A change unit touching two files of `a` and one of `b`.
            result(
                "change-size",
                1.0,
                vec![tally(&["a/1", "a/2", "b/3"], 0, 1), tally(&["b/4"], 1, 1)],
            ),
            // An external number: in no group.
            result("latency", 1.0, vec![tally(&[], 1, 1)]),
        ];
        let mut results = results;
        let x = WorkFile {
            path: "a/x.py".into(),
            offenders: 3,
            changes: Some(2),
            impact: Some(6),
        };
        results[0].worklist = vec![x.clone()];
        let g = groups(&results, By::Dir(1), |p| vec![dir_group(p, 1)]);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].name, "a");
        assert_eq!(
            g[0].metrics,
            [
                GroupMetric {
                    name: "typed".into(),
                    value: 25.0,
                    compliant: 1,
                    total: 4,
                    worklist: vec![x],
                },
                GroupMetric {
                    name: "change-size".into(),
                    value: 0.0,
                    compliant: 0,
                    total: 1,
                    worklist: Vec::new(),
                },
            ]
        );
        // (25 × 2 + 0) / 3
        assert_eq!(g[0].score, 16.7);
        assert_eq!(g[1].name, "b");
        assert_eq!(g[1].metrics[1].total, 2);
        // b's files have no typed offender: its top of the worklist is empty.
        assert!(g[1].metrics[0].worklist.is_empty());
        // (100 × 2 + 50) / 3
        assert_eq!(g[1].score, 83.3);
    }

    #[test]
    fn unowned_goes_last_and_shared_paths_count_for_each_team() {
        let owners = Owners::parse(
            "CODEOWNERS",
            "* @org/zz\n/api/ @org/api @org/web @alice\n/docs/\n/ops/ @bob\n",
        );
        let results = vec![result(
            "typed",
            1.0,
            vec![
                tally(&["api/a.py"], 1, 2),
                tally(&["main.py"], 1, 1),
                tally(&["docs/x.py"], 0, 1),
                tally(&["ops/y.py"], 0, 1),
            ],
        )];
        let g = groups(&results, By::Owner, |p| owner_groups(&owners, p));
        let names: Vec<(&str, u64, u64)> = g
            .iter()
            .map(|g| (g.name.as_str(), g.metrics[0].compliant, g.metrics[0].total))
            .collect();
        assert_eq!(
            names,
            [
                ("@org/api", 1, 2),
                ("@org/web", 1, 2),
                ("@org/zz", 1, 1),
                ("(unowned)", 0, 2),
            ]
        );
        assert!(g.iter().all(|g| g.by == "owner"));
    }
}
