//! The program of one repository, from its git objects: each point of the
//! first-parent line measured per team as `qscan --rev COMMIT --by owner`
//! measures it (the files of the commit's tree, its own CODEOWNERS, the
//! history as of the commit), like `qscan trend`; and the goals' pace that
//! `--by` adds to a report.

use git2::Oid;

use super::{Count, MetricInfo, PacePoint, Program, Sample, Setup, team_counts, team_work};
use crate::config::{self, Definition};
use crate::error::Error;
use crate::metrics::MetricResult;
use crate::metrics::goals::PACE_DAYS;
use crate::metrics::groups::By;
use crate::model::Note;
use crate::odb::Odb;
use crate::report::Report;
use crate::scan::{self, Request, Session};
use crate::trend::{self, LineCommit, Pick};

/// How many points the pace is drawn through: now and up to five commits
/// of the [`PACE_DAYS`] before it.
pub const PACE_POINTS: usize = 6;

/// The past commits of the pace: up to [`PACE_POINTS`] commits evenly
/// spread over the [`PACE_DAYS`] of the first-parent line up to `start`,
/// oldest first, `start` itself left out (it is "now"); and a note when a
/// shallow clone cuts the line within those days.
fn pace_commits(odb: &Odb, start: Oid) -> Result<(Vec<LineCommit>, Option<Note>), Error> {
    let (line, shallow) = trend::first_parent_line(odb, start, Some(PACE_DAYS * 86_400))?;
    let past: Vec<LineCommit> = trend::pick(&line, Pick::Points(PACE_POINTS))
        .into_iter()
        .filter(|c| c.id != start)
        .collect();
    let note = shallow.map(|_| Note::GoalsPaceShallow {
        points: past.len() as u64,
    });
    Ok((past, note))
}

/// The measured metrics' units.
fn counts(results: &[MetricResult]) -> Vec<Count> {
    results
        .iter()
        .filter(|r| r.status.is_measured())
        .map(|r| Count {
            name: r.name.clone(),
            compliant: r.compliant,
            total: r.total,
        })
        .collect()
}

/// The definition's metrics as the program describes them.
pub fn metric_infos(def: &Definition) -> Vec<MetricInfo> {
    def.metrics
        .iter()
        .map(|m| MetricInfo {
            name: m.name.clone(),
            kind: m.kind.name().to_string(),
            unit: m.kind.info().unit.to_string(),
            weight: m.weight,
            min: m.min,
        })
        .collect()
}

/// `--by` with goals: draws each group's pace through up to five past
/// commits of the last [`PACE_DAYS`] (measured as `qscan --rev` would,
/// through the facts cache), adds every group's progress and the pace
/// points to the report, and a note for each goal naming no group.
pub fn pace(session: &Session, req: &Request, report: &mut Report) -> Result<(), Error> {
    let def = session.definition();
    let (Some(by), Some(groups)) = (req.by, report.groups.as_mut()) else {
        return Ok(());
    };
    if def.goals.is_empty() {
        return Ok(());
    }
    report.notes.extend(super::unknown_goals(
        &def.goals,
        groups.iter().map(|g| g.name.as_str()),
        by.name(),
    ));
    let now = report.time.as_deref().and_then(crate::text::parse_rfc3339);
    let start = report.commit.as_deref().and_then(|c| Oid::from_str(c).ok());
    let mut points = Vec::new();
    if let (Some(repo), Some(start)) = (session.place().repo.as_ref(), start) {
        let odb = Odb::new(repo).map_err(|e| e.to_error())?;
        let (past, shallow) = pace_commits(&odb, start)?;
        report.notes.extend(shallow);
        for c in past {
            let g = session.measure_commit_grouped(c.id, false, trend::NOT_CURRENT, by)?;
            points.push(PacePoint {
                commit: c.id.to_string(),
                time: crate::text::rfc3339(c.time),
                metrics: counts(&g.results),
                groups: team_counts(&g.groups),
            });
        }
    }
    let infos = metric_infos(def);
    let (weights, order) = (super::weights(&infos), super::order(&infos));
    let now = now.unwrap_or(0);
    for group in groups.iter_mut() {
        let Some(goal) = def.goals.iter().find(|g| g.team == group.name) else {
            continue;
        };
        let mut series: Vec<super::Point> = points
            .iter()
            .filter_map(|p| {
                let team = p.groups.iter().find(|t| t.name == group.name)?;
                let secs = crate::text::parse_rfc3339(&p.time)?;
                Some(super::point(secs, team.metrics.clone(), &weights, &order))
            })
            .collect();
        let current = team_counts(std::slice::from_ref(group));
        let metrics = current.into_iter().flat_map(|t| t.metrics).collect();
        series.push(super::point(now, metrics, &weights, &order));
        group.progress = super::team_progress(goal, &series, &weights);
    }
    report.pace = points;
    Ok(())
}

/// What `qscan dashboard` and `qscan nudge` are asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub path: std::path::PathBuf,
    pub config: Option<std::path::PathBuf>,
    /// The points of the charts; the pace's points are measured as well.
    pub pick: Pick,
    pub since: Option<i64>,
    pub by: By,
    pub no_cache: bool,
}

/// The program of the repository at `opts.path`: its first-parent line's
/// points (and the pace's), each measured per team.
pub fn program(opts: &Options) -> Result<Program, Error> {
    let place = scan::locate_commits(&opts.path)?;
    let def = if place.bare {
        scan::bare_definition(&place, "HEAD", opts.config.as_deref())?
    } else {
        config::load(&place.root, opts.config.as_deref())?
    };
    let repo = place.repo.as_ref().ok_or_else(|| {
        Error::usage(
            format!(
                "the dashboard reads the history of a git repository, and {} is none",
                place.root.display()
            ),
            Some("run it inside a git repository, or build it from reports with --from"),
        )
    })?;
    let odb = Odb::new(repo).map_err(|e| e.to_error())?;
    let (start, _) = trend::start(&odb, &def)?;
    let (line, _) = trend::first_parent_line(&odb, start, opts.since)?;
    let mut commits = trend::pick(&line, opts.pick);
    let (past, shallow) = pace_commits(&odb, start)?;
    commits.extend(past);
    commits.sort_by_key(|c| (c.time, c.id));
    commits.dedup_by_key(|c| c.id);
    let head = odb.head_commit().map_err(|e| e.to_error())?;
    let name = scan::repository_name(&place);

    let session = Session::new(&place, &def, opts.no_cache)?;
    let mut samples = Vec::with_capacity(commits.len());
    let mut notes: Vec<Note> = Vec::new();
    let mut newest_groups: Vec<String> = Vec::new();
    for c in &commits {
        let g = session.measure_commit_grouped(
            c.id,
            Some(c.id) == head,
            trend::NOT_CURRENT,
            opts.by,
        )?;
        let newest = c.id == start;
        if newest {
            notes = g.notes.clone();
            newest_groups = g.groups.iter().map(|g| g.name.clone()).collect();
        }
        samples.push(Sample {
            repository: name.clone(),
            revision: Some(c.id.to_string()),
            seconds: c.time,
            metrics: counts(&g.results),
            teams: team_counts(&g.groups),
            work: if newest {
                team_work(&g.groups)
            } else {
                Vec::new()
            },
        });
    }
    session.save();
    notes.extend(super::unknown_goals(
        &def.goals,
        newest_groups.iter().map(String::as_str),
        opts.by.name(),
    ));
    notes.extend(trend::head_only(&def));
    if !def.goals.is_empty() {
        notes.extend(shallow);
    }
    Ok(super::build(
        &samples,
        Setup {
            version: env!("CARGO_PKG_VERSION").to_string(),
            by: opts.by.name().to_string(),
            metrics: metric_infos(&def),
            min_score: def.gate.min_score,
            goals: def.goals.clone(),
            notes: notes.iter().map(ToString::to_string).collect(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository of `days.len()` commits on one line, committed at
    /// those days (from the epoch's first day), oldest first.
    fn line_of(days: &[i64]) -> (tempfile::TempDir, Vec<Oid>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let repo = git2::Repository::init(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut ids = Vec::new();
        let tree = {
            let mut index = repo.index().unwrap_or_else(|e| panic!("{e}"));
            let id = index.write_tree().unwrap_or_else(|e| panic!("{e}"));
            repo.find_tree(id).unwrap_or_else(|e| panic!("{e}"))
        };
        for day in days {
            let sig = git2::Signature::new("d", "d@example.com", &git2::Time::new(day * 86_400, 0))
                .unwrap_or_else(|e| panic!("{e}"));
            let parents: Vec<git2::Commit> = ids
                .last()
                .map(|id| repo.find_commit(*id).unwrap_or_else(|e| panic!("{e}")))
                .into_iter()
                .collect();
            let parents: Vec<&git2::Commit> = parents.iter().collect();
            let id = repo
                .commit(Some("HEAD"), &sig, &sig, "c", &tree, &parents)
                .unwrap_or_else(|e| panic!("{e}"));
            ids.push(id);
        }
        (dir, ids)
    }

    #[test]
    fn the_pace_looks_back_90_days_at_five_commits() {
        // One commit every 10 days for 200 days: the window holds days
        // 110..=200, of which the pace spreads five before the newest.
        let days: Vec<i64> = (0..=20).map(|i| 1_000 + i * 10).collect();
        let (dir, ids) = line_of(&days);
        let repo = git2::Repository::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let odb = Odb::new(&repo).unwrap_or_else(|e| panic!("{e:?}"));
        let head = ids[20];
        let picked: Vec<i64> = pace_commits(&odb, head)
            .unwrap_or_else(|e| panic!("{e}"))
            .0
            .iter()
            .map(|c| c.time / 86_400 - 1_000)
            .collect();
        assert_eq!(picked, [110, 130, 150, 160, 180]);
        // A single commit: nothing before now.
        let (dir, ids) = line_of(&[5]);
        let repo = git2::Repository::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let odb = Odb::new(&repo).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            pace_commits(&odb, ids[0])
                .map(|(c, note)| c.is_empty() && note.is_none())
                .unwrap_or(false)
        );
    }
}
