//! Report assembly: the notes a run owes its reader, the groups of `--by`,
//! the hotspots, and the [`Report`] value every renderer reads. Nothing is
//! measured or judged here; the parts arrive finished.

use crate::analyze::Analysis;
use crate::config::{Definition, Origin};
use crate::error::Error;
use crate::history::HistoryFacts;
use crate::metrics::groups::{self, By, Group};
use crate::metrics::{self, MetricResult, Source};
use crate::owners;
use crate::report::{FilesReport, GateReport, HistoryReport, Hotspot, Report};

use super::Request;
use super::measure::Measured;
use super::place::Place;
use super::snapshot::Snap;

/// The notes about the definition, the files found, the history and the
/// reports read, in the order the report lists them.
pub(super) fn opening_notes(
    place: &Place,
    def: &Definition,
    now: &Measured,
    baseline: Option<&Snap>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if def.origin == Origin::BuiltIn {
        notes.push(
            "no quality.toml at the repository root: using the built-in default definition"
                .to_string(),
        );
    }
    if def.metrics.is_empty() {
        // Otherwise the score of 100 would read as a clean bill of health.
        notes.push(
            "the definition has no [metrics.NAME] tables: nothing is measured and the score is 100"
                .to_string(),
        );
    }
    if now.snapshot.sources.is_empty() {
        notes.push(format!(
            "no source files found under {} (qscan reads Python, JavaScript, TypeScript and Rust)",
            place.root.display()
        ));
    }
    if let Some(note) = &now.history_note {
        notes.push(note.clone());
    }
    if let Some(h) = &now.history {
        notes.extend(h.notes.iter().cloned());
    }
    notes.extend(now.inputs.notes.iter().cloned());
    if baseline == Some(&Snap::Nothing) {
        notes
            .push("HEAD has no commit yet: the baseline is empty, so every offender is new".into());
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
    notes: &mut Vec<String>,
) -> Result<Option<Vec<Group>>, Error> {
    Ok(match by {
        None => None,
        Some(by @ By::Dir(depth)) => Some(groups::groups(&now.results, by, |p| {
            vec![groups::dir_group(p, depth)]
        })),
        Some(by @ By::Owner) => {
            let owners = owners::read(
                &place.root,
                &now.snapshot,
                now.source.as_ref(),
                *current == Snap::WorkingTree,
                notes,
            )?;
            Some(groups::groups(&now.results, by, |p| {
                groups::owner_groups(&owners, p)
            }))
        }
    })
}

/// A note for each metric whose coverage report names files the repository
/// does not have.
pub(super) fn unmatched_notes(results: &[MetricResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| !r.unmatched_report_paths.is_empty())
        .map(|r| {
            let n = r.unmatched_report_paths.len();
            format!(
                "metric '{}': {} the coverage report names {} not in the repository (not scored): {}",
                r.name,
                crate::text::plural(n as u64, "file"),
                if n == 1 { "is" } else { "are" },
                r.unmatched_report_paths.join(", ")
            )
        })
        .collect()
}

/// Files ranked by change units × code lines.
pub(super) fn hotspots(
    def: &Definition,
    history: Option<&HistoryFacts>,
    analysis: &Analysis,
    notes: &mut Vec<String>,
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
        notes.push(
            "hotspots are not listed: they need code-line counts, which qscan takes only \
             when a file metric (e.g. large-files) is defined"
                .to_string(),
        );
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
    pub notes: Vec<String>,
    pub groups: Option<Vec<Group>>,
}

pub(super) fn report(p: Parts) -> Report {
    let mut by_language = std::collections::BTreeMap::new();
    for f in &p.analysis.files {
        *by_language
            .entry(f.language.name().to_string())
            .or_insert(0) += 1;
    }
    Report {
        version: env!("CARGO_PKG_VERSION").to_string(),
        root: p.place.root.display().to_string(),
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
            skipped: p.analysis.skipped,
        },
        history: p.history.map(history_report),
        hotspots: p.hotspots,
        notes: p.notes,
        groups: p.groups,
        by: p.req.by,
    }
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
