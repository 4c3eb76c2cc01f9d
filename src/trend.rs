//! `qscan trend`: the definition scored at past points of the first-parent
//! line, to see where quality is heading rather than where it stands.
//!
//! Each point is measured exactly as `qscan --rev COMMIT` measures it (the
//! files of the commit's tree, the history as of the commit), read from the
//! object database; one facts cache serves every point, so a point costs only
//! the files that changed since the previous one. This module only chooses the
//! points and collects their numbers; [`crate::scan`] measures and
//! [`crate::report`] renders.

use std::path::PathBuf;

use git2::Oid;

use crate::config::{self, Definition, Origin};
use crate::error::Error;
use crate::history::walk::{self, End, Window};
use crate::history::{self, ProgressHook};
use crate::metrics::{self, Source};
use crate::model::Note;
use crate::odb::Odb;
use crate::report::{Trend, TrendPoint, TrendSeries, TrendValue};
use crate::scan::{self, Place};

/// Which commits of the line become points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// K commits evenly spread from the oldest to the newest (`--points K`).
    Points(usize),
    /// Every N-th commit counting back from the newest (`--every N`).
    Every(usize),
}

impl Default for Pick {
    fn default() -> Pick {
        Pick::Points(10)
    }
}

/// What `qscan trend` is asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub path: PathBuf,
    pub config: Option<PathBuf>,
    pub pick: Pick,
    /// Only commits at most this many seconds older than the newest (`--since`).
    pub since: Option<i64>,
    pub no_cache: bool,
    /// Told how many points there are and how many are measured.
    pub progress: ProgressHook,
}

/// Why coverage and external metrics are left out at past points.
pub const NOT_CURRENT: &str = "reads a file of the working tree (a coverage report or another tool's \
                           JSON), which describes today's code, not this revision";

pub fn run(opts: &Options) -> Result<Trend, Error> {
    let place = scan::locate_commits(&opts.path)?;
    let def = if place.bare {
        // No work tree: the definition committed at HEAD.
        scan::bare_definition(&place, "HEAD", opts.config.as_deref())?
    } else {
        config::load(&place.root, opts.config.as_deref())?
    };
    trend(&place, &def, opts)
}

/// Scores `def` at the points of the first-parent line that `opts` picks.
pub fn trend(place: &Place, def: &Definition, opts: &Options) -> Result<Trend, Error> {
    if matches!(opts.pick, Pick::Points(0) | Pick::Every(0)) {
        return Err(Error::usage(
            "--points and --every need a number of at least 1",
            None,
        ));
    }
    let repo = place.repo.as_ref().ok_or_else(|| {
        Error::usage(
            format!(
                "qscan trend reads the history of a git repository, and {} is none",
                place.root.display()
            ),
            Some("run it inside a git repository, or give a path inside one"),
        )
    })?;
    let mut notes = Vec::new();
    let odb = Odb::new(repo).map_err(|e| e.to_error())?;
    let (start, line) = start(&odb, def)?;
    let (line_commits, end_note) = first_parent_line(&odb, start, opts.since)?;
    notes.extend(end_note);
    let picked = pick(&line_commits, opts.pick);
    if let Pick::Points(k) = opts.pick
        && picked.len() < k
    {
        notes.push(Note::TrendFewCommits {
            commits: picked.len() as u64,
            within_since: opts.since.is_some(),
        });
    }
    let head = odb.head_commit().map_err(|e| e.to_error())?;
    notes.extend(head_only(def));
    if def.origin == Origin::BuiltIn {
        notes.push(Note::BuiltInDefinition);
    }

    let session = scan::Session::new(place, def, opts.no_cache)?;
    let progress = opts.progress.0.as_deref();
    if let Some(p) = progress {
        p.start(picked.len() as u64);
    }
    let mut points = Vec::with_capacity(picked.len());
    for (n, commit) in picked.iter().enumerate() {
        let results = session.measure_commit(commit.id, Some(commit.id) == head, NOT_CURRENT)?;
        points.push(TrendPoint {
            revision: commit.id.to_string(),
            time: crate::text::rfc3339(commit.time),
            seconds: commit.time,
            score: metrics::score(&results),
            metrics: results
                .into_iter()
                .map(|r| TrendValue {
                    name: r.name,
                    value: r.value,
                    compliant: r.compliant,
                    total: r.total,
                    status: r.status,
                })
                .collect(),
        });
        if let Some(p) = progress {
            p.advance(n as u64 + 1);
        }
    }
    if let Some(p) = progress {
        p.finish();
    }
    session.save();

    Ok(Trend {
        version: env!("CARGO_PKG_VERSION").to_string(),
        root: place.root.display().to_string(),
        definition: match &def.origin {
            Origin::File(p) => p.display().to_string(),
            Origin::BuiltIn => "built-in default".to_string(),
        },
        line,
        min_score: def.gate.min_score,
        metrics: def
            .metrics
            .iter()
            .map(|m| TrendSeries {
                name: m.name.clone(),
                kind: m.kind.name(),
                unit: m.kind.info().unit,
                min: m.min,
                weight: m.weight,
            })
            .collect(),
        points,
        notes,
    })
}

/// The note that the metrics reading files of the working tree (coverage,
/// external) are measured at HEAD only, when the definition has any.
pub fn head_only(def: &Definition) -> Option<Note> {
    let metrics: Vec<String> = def
        .metrics
        .iter()
        .filter(|m| m.kind.info().source == Source::Report)
        .map(|m| m.name.clone())
        .collect();
    (!metrics.is_empty()).then_some(Note::TrendHeadOnly { metrics })
}

/// The newest commit of the line (HEAD, or `[history] branch`) and the
/// line's name.
pub fn start(odb: &Odb, def: &Definition) -> Result<(Oid, String), Error> {
    let repo = odb.repo();
    if let Some(branch) = &def.history.branch {
        return history::branch_commit(odb, branch)
            .map_err(|e| e.to_error())?
            .map(|id| (id, branch.clone()))
            .ok_or_else(|| {
                Error::usage(
                    format!(
                        "[history] branch `{branch}` is not a branch or commit of this repository"
                    ),
                    Some(
                        "qscan trend walks that branch's first-parent line; fix or remove the key",
                    ),
                )
            });
    }
    match repo.head() {
        Ok(_) => match odb.head_commit().map_err(|e| e.to_error())? {
            Some(id) => Ok((id, "HEAD".to_string())),
            None => Err(Error::Io {
                message: "HEAD does not point to a commit".to_string(),
            }),
        },
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Err(Error::usage(
            "the repository has no commits yet: there is no history to trend",
            None,
        )),
        Err(e) => Err(Error::Io {
            message: format!("cannot read HEAD: {}", e.message()),
        }),
    }
}

/// A commit of the first-parent line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCommit {
    pub id: Oid,
    pub time: i64,
}

/// The first-parent line from `start`, newest first, within `since` of the
/// newest commit; and a note when the line is cut short.
pub fn first_parent_line(
    odb: &Odb,
    start: Oid,
    since: Option<i64>,
) -> Result<(Vec<LineCommit>, Option<Note>), Error> {
    let window = Window {
        max_units: None,
        since,
    };
    let (steps, end) = walk::first_parent_line(odb, start, window).map_err(|e| e.to_error())?;
    let mut line: Vec<LineCommit> = steps
        .iter()
        .map(|s| LineCommit {
            id: s.id,
            time: s.time,
        })
        .collect();
    // The walk leaves out a shallow clone's boundary commit, since its
    // changes are unknown; its files are there all the same, so it is a point
    // (whose history metrics say what they cannot see, as `--rev` there would).
    let note = match end {
        End::Shallow { id, time } => {
            line.push(LineCommit { id, time });
            Some(Note::TrendShallow {
                id: crate::report::short_id(&id.to_string()).to_string(),
            })
        }
        End::WindowFull | End::SinceReached | End::Root => None,
    };
    Ok((line, note))
}

/// The points `pick` takes from the line (given newest first), oldest first.
pub fn pick(line: &[LineCommit], pick: Pick) -> Vec<LineCommit> {
    let n = line.len();
    let mut newest_first: Vec<LineCommit> = match pick {
        Pick::Every(every) => line.iter().step_by(every.max(1)).copied().collect(),
        Pick::Points(k) if k >= n => line.to_vec(),
        Pick::Points(0) => Vec::new(),
        Pick::Points(1) => line.iter().take(1).copied().collect(),
        // Oldest-first positions round(j × (n-1) / (k-1)): the oldest and the
        // newest always, steps of at least one commit between.
        Pick::Points(k) => (0..k)
            .map(|j| (j * (n - 1) + (k - 1) / 2) / (k - 1))
            .map(|oldest_first| line[n - 1 - oldest_first])
            .rev()
            .collect(),
    };
    newest_first.reverse();
    newest_first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Vec<LineCommit> {
        // Newest first: the commit of index i is i hours older than the newest.
        (0..n)
            .map(|i| LineCommit {
                id: Oid::from_bytes(&[i as u8; 20]).unwrap_or_else(|_| Oid::zero()),
                time: 1_000_000 - 3600 * i as i64,
            })
            .collect()
    }

    /// The picked commits as their distance from the newest (HEAD~i).
    fn picked(n: usize, p: Pick) -> Vec<usize> {
        let l = line(n);
        pick(&l, p)
            .iter()
            .map(|c| l.iter().position(|x| x == c).unwrap_or(usize::MAX))
            .collect()
    }

    #[test]
    fn points_spread_from_oldest_to_newest() {
        assert_eq!(picked(50, Pick::Points(10)).len(), 10);
        assert_eq!(picked(50, Pick::Points(10))[0], 49);
        assert_eq!(picked(50, Pick::Points(10))[9], 0);
        assert_eq!(picked(11, Pick::Points(6)), vec![10, 8, 6, 4, 2, 0]);
        assert_eq!(picked(10, Pick::Points(2)), vec![9, 0]);
        // HEAD alone, and everything when the line is shorter.
        assert_eq!(picked(10, Pick::Points(1)), vec![0]);
        assert_eq!(picked(3, Pick::Points(10)), vec![2, 1, 0]);
        assert_eq!(picked(0, Pick::Points(10)), Vec::<usize>::new());
        // Distinct and strictly oldest first, whatever the ratio.
        for n in 1..40 {
            for k in 1..45 {
                let p = picked(n, Pick::Points(k));
                assert_eq!(p.len(), k.min(n));
                assert!(p.windows(2).all(|w| w[0] > w[1]), "{n} {k} {p:?}");
                assert_eq!(p.last(), Some(&0));
            }
        }
    }

    #[test]
    fn every_nth_back_from_the_newest() {
        assert_eq!(picked(10, Pick::Every(3)), vec![9, 6, 3, 0]);
        assert_eq!(picked(3, Pick::Every(1)), vec![2, 1, 0]);
        assert_eq!(picked(3, Pick::Every(5)), vec![0]);
    }
}
