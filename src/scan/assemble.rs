//! Report assembly: the notes a run owes its reader, the groups of `--by`,
//! the hotspots, and the [`Report`] value every renderer reads. Nothing is
//! measured or judged here; the parts arrive finished.

use std::path::PathBuf;

use crate::analyze::Analysis;
use crate::config::{Definition, Origin};
use crate::discover::{self, confine};
use crate::error::Error;
use crate::history::HistoryFacts;
use crate::metrics::groups::{self, By, Group};
use crate::metrics::{self, MetricResult, Source};
use crate::model::Note;
use crate::owners;
use crate::report::{FilesReport, GateReport, HistoryReport, Hotspot, PartlyParsed, Report};

use super::measure::Measured;
use super::place::Place;
use super::request::Request;
use super::snapshot::Snap;

/// The notes about the definition, the files found, the history and the
/// reports read, in the order the report lists them.
pub(super) fn opening_notes(
    place: &Place,
    def: &Definition,
    now: &Measured,
    baseline: Option<&Snap>,
) -> Vec<Note> {
    let mut notes = Vec::new();
    if def.origin == Origin::BuiltIn {
        notes.push(match baseline {
            Some(_) => Note::BuiltInBaseline,
            None => Note::BuiltInDefinition,
        });
    }
    if def.metrics.is_empty() {
        // Otherwise the score of 100 would read as a clean bill of health.
        notes.push(Note::NoMetrics);
    }
    if now.snapshot.sources.is_empty() {
        notes.push(Note::NoSourceFiles {
            root: place.root.display().to_string(),
            languages: crate::lang::titles(),
        });
    }
    let partly: Vec<&crate::facts::FileFacts> = now
        .analysis
        .files
        .iter()
        .filter(|f| f.parse_error.is_some())
        .collect();
    if let Some(first) = partly.first() {
        notes.push(Note::PartlyParsed {
            files: partly.len() as u64,
            first: format!("{}:{}", first.path, first.parse_error.unwrap_or(1)),
        });
    }
    if let Some(why) = &now.history_skip {
        notes.push(Note::HistorySkipped(why.clone()));
    }
    if let Some(h) = &now.history {
        notes.extend(h.notes.iter().cloned());
    }
    notes.extend(now.inputs.notes.iter().cloned());
    if baseline == Some(&Snap::Nothing) {
        notes.push(Note::EmptyBaseline);
    }
    notes
}

/// Every metric per team or folder, when `--by` asks for it. Per team, the
/// CODEOWNERS file of the measured snapshot decides (its notes join `notes`).
pub(super) fn groups(
    place: &Place,
    current: &Snap,
    now: &Measured,
    by: Option<By>,
    notes: &mut Vec<Note>,
) -> Result<Option<Vec<Group>>, Error> {
    Ok(match by {
        None => None,
        Some(by @ By::Dir(depth)) => Some(groups::groups(&now.results, by, |p| {
            vec![groups::dir_group(p, depth)]
        })),
        Some(by @ By::Owner) => {
            let owners = owners::read(
                |location| codeowners_at(place, current, now, location),
                notes,
            )?;
            Some(groups::groups(&now.results, by, |p| {
                groups::owner_groups(&owners, p)
            }))
        }
    })
}

/// What the measured snapshot holds at a CODEOWNERS location: from disk for
/// the working tree, from its blob for a commit or the index (so `--rev`
/// groups by the owners of that commit; a committed symbolic link is no
/// CODEOWNERS file there). On disk it is read only as a regular file inside
/// the root: one that is a link leading outside, a FIFO or a device stops
/// the run.
fn codeowners_at(
    place: &Place,
    current: &Snap,
    now: &Measured,
    location: &str,
) -> Result<owners::Found, Error> {
    let blob = now
        .snapshot
        .codeowners
        .iter()
        .find(|(p, _)| p == location)
        .map(|(_, id)| *id);
    if blob.is_some() {
        let file = discover::SourceFile {
            path: location.to_string(),
            abs: PathBuf::new(),
            blob,
            language: crate::lang::Language::default(),
            decided: Default::default(),
            size: 0,
        };
        return Ok(owners::Found::File(now.source.read(&file)));
    }
    if *current != Snap::WorkingTree {
        return Ok(owners::Found::Absent);
    }
    // A folder by that name is not the file; anything else is.
    match std::fs::symlink_metadata(place.root.join(location)) {
        Ok(m) if !m.is_dir() => {}
        _ => return Ok(owners::Found::Absent),
    }
    match confine::read(&place.root, location, confine::MAX_CODEOWNERS_BYTES) {
        Ok(bytes) => Ok(owners::Found::File(Ok(bytes))),
        Err(confine::Refused::Io(e)) => Ok(owners::Found::File(Err(e))),
        Err(e) => Err(Error::input(
            format!("cannot read {location}: {e}"),
            Some(
                "qscan reads CODEOWNERS only as a regular file inside the repository; replace \
                 the link with the file, or drop --by owner",
            ),
        )),
    }
}

/// A note for each metric whose coverage report names files the repository
/// does not have.
pub(super) fn unmatched_notes(results: &[MetricResult]) -> Vec<Note> {
    results
        .iter()
        .filter(|r| !r.unmatched_report_paths.is_empty())
        .map(|r| Note::UnmatchedReportPaths {
            metric: r.name.clone(),
            paths: r.unmatched_report_paths.clone(),
        })
        .collect()
}

/// Each metric's worklist: its offenders' files, by impact when the history
/// was read, else by offender count (said once in a note, when some metric
/// has a file to rank).
pub(super) fn worklists(
    def: &Definition,
    results: &mut [MetricResult],
    history: Option<&HistoryFacts>,
    notes: &mut Vec<Note>,
) {
    let changes = history.map(metrics::worklist::change_counts);
    for r in results.iter_mut() {
        r.worklist = metrics::worklist::worklist(&r.offenders, changes.as_ref());
    }
    if history.is_none() && results.iter().any(|r| !r.worklist.is_empty()) {
        notes.push(Note::WorklistByCount {
            history_metric: def
                .metrics
                .iter()
                .any(|m| m.kind.info().source == Source::History),
        });
    }
}

/// Files ranked by change units × code lines.
pub(super) fn hotspots(
    def: &Definition,
    history: Option<&HistoryFacts>,
    analysis: &Analysis,
    notes: &mut Vec<Note>,
) -> Vec<Hotspot> {
    // Hotspots rank files by code lines, a fact of parsed files: they are
    // listed when the definition has file metrics too, and files are never
    // parsed for them alone.
    let needs_files = def
        .metrics
        .iter()
        .any(|m| m.kind.info().source == Source::Files);
    let hotspots = history
        .map(|h| metrics::hotspots(h, &analysis.files))
        .unwrap_or_default();
    if history.is_some() && !needs_files {
        notes.push(Note::HotspotsNeedFiles);
    }
    hotspots
}

/// Everything a report is made of, finished.
pub(super) struct Parts<'a> {
    pub place: &'a Place,
    pub def: &'a Definition,
    pub req: &'a Request,
    pub current: &'a Snap,
    pub baseline: Option<&'a Snap>,
    pub score: f64,
    pub metrics_measured: usize,
    pub min_score: Option<f64>,
    pub failures: Vec<String>,
    pub results: Vec<MetricResult>,
    /// The files analyzed, with every skipped file of the snapshot.
    pub analysis: Analysis,
    pub history: Option<&'a HistoryFacts>,
    pub hotspots: Vec<Hotspot>,
    pub notes: Vec<Note>,
    pub groups: Option<Vec<Group>>,
}

pub(super) fn report(p: Parts) -> Report {
    let mut by_language = std::collections::BTreeMap::new();
    let mut roles = std::collections::BTreeMap::new();
    for f in &p.analysis.files {
        *by_language
            .entry(f.language.name().to_string())
            .or_insert(0) += 1;
        *roles.entry(f.role).or_insert(0) += 1;
    }
    let partly_parsed = p
        .analysis
        .files
        .iter()
        .filter_map(|f| {
            Some(PartlyParsed {
                path: f.path.clone(),
                line: f.parse_error?,
            })
        })
        .collect();
    let commit = measured_commit(p.place, p.current);
    Report {
        version: env!("CARGO_PKG_VERSION").to_string(),
        root: p.place.root.display().to_string(),
        repository: repository_name(p.place),
        commit: commit.map(|(id, _)| id.to_string()),
        time: commit.map(|(_, time)| crate::text::rfc3339(time)),
        goals: p.def.goals.clone(),
        pace: Vec::new(),
        revision: match p.current {
            Snap::Commit(id) => Some(id.to_string()),
            _ => None,
        },
        snapshot: match p.current {
            Snap::Index => "index",
            Snap::Commit(_) => "revision",
            _ => "working tree",
        }
        .to_string(),
        baseline_revision: match p.baseline {
            Some(Snap::Commit(id)) => Some(id.to_string()),
            _ => None,
        },
        definition: match &p.def.origin {
            Origin::File(path) => path.display().to_string(),
            Origin::BuiltIn => "built-in default".to_string(),
        },
        score: p.score,
        metrics_measured: p.metrics_measured,
        passed: p.failures.is_empty(),
        gate: GateReport {
            min_score: p.min_score,
            failures: p.failures,
        },
        metrics: p.results,
        files: FilesReport {
            scanned: p.analysis.files.len(),
            by_language,
            roles,
            skipped: p.analysis.skipped,
            partly_parsed,
        },
        history: p.history.map(history_report),
        hotspots: p.hotspots,
        notes: p.notes,
        groups: p.groups,
        by: p.req.by,
    }
}

/// The repository's name in reports: `QSCAN_REPOSITORY` when set (to tell
/// apart two repositories whose folders share a name), else the root
/// folder's name.
pub fn repository_name(place: &Place) -> String {
    if let Some(name) = std::env::var_os("QSCAN_REPOSITORY").filter(|v| !v.is_empty()) {
        return name.to_string_lossy().into_owned();
    }
    place
        .root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| place.root.display().to_string())
}

/// The commit a snapshot stands for and its committer time: the revision,
/// or HEAD for the working tree and the index.
fn measured_commit(place: &Place, current: &Snap) -> Option<(git2::Oid, i64)> {
    let repo = place.repo.as_ref()?;
    let odb = crate::odb::Odb::new(repo).ok()?;
    let id = match current {
        Snap::Commit(id) => *id,
        _ => odb.head_commit().ok()??,
    };
    let commit = odb.commit(id).ok()?;
    Some((id, commit.committer().when().seconds()))
}

fn history_report(h: &HistoryFacts) -> HistoryReport {
    // Units are newest first; the window's first unit is the oldest.
    let oldest = h.units.last();
    let newest = h.units.first();
    HistoryReport {
        change_units: h.units.len(),
        first: oldest.map(|u| u.id.clone()),
        last: newest.map(|u| u.id.clone()),
        first_time: oldest.map(|u| crate::text::rfc3339(u.time)),
        last_time: newest.map(|u| crate::text::rfc3339(u.time)),
        shallow: h.shallow,
        reaches: h.reaches.map(crate::text::rfc3339),
    }
}
