//! `qscan init`: a starter `quality.toml` fitted to the repository as it is
//! today, so a team starts from a gate that passes and ratchets up from there.
//!
//! The metrics are chosen from what the repository holds (its languages, its
//! history, the HTTP clients and the frameworks it imports: the rule pack's
//! rules for those frameworks) and measured with the same scan as
//! `qscan`; each threshold is today's value rounded down to a whole percent.
//! The comments come from the kind registry, like `qscan explain`, so the file
//! documents itself without a second copy of the docs. Nothing is overwritten
//! without `--force`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::analyze::rule::{self as pack, UnitKind};
use crate::config::{self, Origin};
use crate::error::Error;
use crate::lang::Language;
use crate::metrics::{self, Kind, MetricResult};
use crate::model::Status;
use crate::report::Report;
use crate::scan;

/// What `qscan init` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// A folder inside the repository.
    pub path: PathBuf,
    /// Replace an existing definition.
    pub force: bool,
    /// Where to write instead of `ROOT/quality.toml`.
    pub output: Option<PathBuf>,
}

/// What was written, for the command line to show.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    /// An existing file was replaced (`--force`).
    pub replaced: bool,
    pub by_language: BTreeMap<String, usize>,
    pub metrics: Vec<Fitted>,
    /// Metrics left out because they cannot fail today.
    pub omitted: Vec<Omitted>,
    pub score: f64,
    pub min_score: f64,
}

/// One metric of the written definition.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub name: String,
    /// Today's value and the `min` written; None when it could not be
    /// measured (it is then written commented out).
    pub measured: Option<(f64, f64)>,
    /// Why it was not measured.
    pub skipped: Option<String>,
}

/// A metric `qscan init` leaves out, and why: it cannot fail today.
#[derive(Debug, Clone)]
pub struct Omitted {
    pub name: String,
    pub why: String,
}

/// A metric of the candidate definition, before it is measured.
struct Spec {
    name: &'static str,
    kind: Kind,
    /// Kind-specific keys: (key, TOML value, end-of-line comment).
    keys: Vec<(&'static str, String, &'static str)>,
    /// Extra comment lines on why it is set up this way.
    why: Vec<String>,
    /// What it measures and its unit, when not the kind's (a pack rule's).
    about: Option<(String, &'static str)>,
}

/// The name of the HTTP client metric init writes when the code uses one.
const HTTP_METRIC: &str = "http-client";

/// The probe for the frameworks the rule pack names (never written): every
/// file that imports one is an offender naming the frameworks it imports.
const FRAMEWORK_PROBE: &str = "frameworks";

/// The threshold written for a value: the whole percent at or below it, so
/// the gate passes today and fails once a change crosses a whole percent
/// downwards. Values are rounded to one decimal, so `floor` never lands above.
pub fn threshold(value: f64) -> f64 {
    value.floor().clamp(0.0, 100.0)
}

/// Writes a fitted definition, refusing to replace one unless forced.
pub fn init(opts: &Options) -> Result<Written, Error> {
    let place = scan::locate(&opts.path)?;
    let target = opts
        .output
        .clone()
        .unwrap_or_else(|| place.root.join("quality.toml"));
    let exists = std::fs::symlink_metadata(&target).is_ok();
    if exists && !opts.force {
        return Err(Error::usage(
            format!(
                "{} already exists; qscan init never replaces a quality definition",
                target.display()
            ),
            Some(
                "`qscan init --force` replaces it (commit or copy it first), or `--config FILE` writes elsewhere",
            ),
        ));
    }

    let mut specs = candidate(&place);
    // The pack's rules are measured in this same scan; those for no
    // framework the code imports are then dropped with the probe.
    let mut report = measure(&place, &specs, &target)?;
    let found = frameworks(&report);
    fit_rules(&mut specs, &mut report, &found);
    if let Some(preferred) = preferred_http(&report) {
        // The HTTP metric's value depends on the preferred clients picked
        // from the first scan; every other value is the same in both scans.
        set_preferred(&mut specs, &preferred);
        report = measure(&place, &specs, &target)?;
    } else {
        // The probe is not written, so it must not count in the score the
        // gate's minimum is taken from.
        specs.retain(|s| s.name != HTTP_METRIC);
        report.metrics.retain(|m| m.name != HTTP_METRIC);
        report.score = metrics::score(&report.metrics);
    }

    let omitted = omit(&mut specs, &mut report);
    let min_score = min_score(&report);
    let text = definition_text(&specs, Some((&report, &omitted, min_score)));
    // The file must read back as a valid definition; anything else is a bug
    // here, reported rather than written.
    config::parse(&text, &target.display().to_string(), Origin::BuiltIn)?;
    write(&target, &text, opts.force)?;

    let metrics = specs
        .iter()
        .map(|s| {
            let r = result(&report, s.name);
            Fitted {
                name: s.name.to_string(),
                measured: r
                    .filter(|r| r.status.is_measured())
                    .map(|r| (r.value, threshold(r.value))),
                skipped: r.and_then(|r| r.status.reason().map(str::to_string)),
            }
        })
        .collect();
    Ok(Written {
        path: target,
        replaced: exists,
        by_language: report.files.by_language.clone(),
        metrics,
        omitted,
        score: report.score,
        min_score,
    })
}

/// Languages whose every function is typed (see the `typed` rule): in a
/// repository of these alone, `typed` is 100% by construction.
const STATICALLY_TYPED: &[&str] = &["rust"];

/// Leaves out the metrics that cannot fail today (README, "Getting
/// started"): one with no units (n/a: no files of its languages, a history
/// shorter than `[history] min_units`), and `typed` where every language is
/// statically typed. The score is then that of the metrics written.
fn omit(specs: &mut Vec<Spec>, report: &mut Report) -> Vec<Omitted> {
    let languages = &report.files.by_language;
    let typed_by_construction = !languages.is_empty()
        && languages
            .keys()
            .all(|l| STATICALLY_TYPED.contains(&l.as_str()));
    let mut omitted = Vec::new();
    for r in &report.metrics {
        let why = match &r.status {
            Status::NotApplicable { reason } => reason.clone(),
            _ if r.kind == metrics::typed::INFO.name && typed_by_construction => format!(
                "every function is in {}, typed by construction",
                languages.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            _ => continue,
        };
        omitted.push(Omitted {
            name: r.name.clone(),
            why,
        });
    }
    specs.retain(|s| !omitted.iter().any(|o| o.name == s.name));
    report
        .metrics
        .retain(|m| !omitted.iter().any(|o| o.name == m.name));
    report.score = metrics::score(&report.metrics);
    omitted
}

/// `min_score`, computed on the metrics written: the weighted mean of the
/// minimums written, rounded down. With every metric at its minimum the
/// score is at least this; and when a clone cannot measure some metrics, the
/// gate moves it to the measured ones' mean minimum (see `scan::gate`), so
/// it passes wherever the full clone passes.
fn min_score(report: &Report) -> f64 {
    let (sum, weights) = report
        .metrics
        .iter()
        .filter(|m| m.status.is_measured())
        .fold((0.0, 0.0), |(s, w), m| {
            (s + threshold(m.value) * m.weight, w + m.weight)
        });
    if weights == 0.0 {
        0.0
    } else {
        threshold(metrics::round1(sum / weights))
    }
}

/// The metrics to propose for this repository, with their settings.
fn candidate(place: &scan::Place) -> Vec<Spec> {
    let spec = |info: &'static metrics::KindInfo| Spec {
        name: info.name,
        kind: info.kind(),
        keys: defaults(info),
        why: Vec::new(),
        about: None,
    };
    let mut specs = vec![
        // `python` is only shown for Python (see `render`).
        spec(&metrics::typed::INFO),
        spec(&metrics::test_association::INFO),
        spec(&metrics::large_files::INFO),
        spec(&metrics::interface_width::INFO),
        // A probe: with no preferred library, every file that uses an HTTP
        // client is an offender naming the clients it uses.
        Spec {
            name: HTTP_METRIC,
            kind: metrics::preferred_library::INFO.kind(),
            keys: vec![
                (
                    "family",
                    toml_str("http"),
                    "the built-in HTTP clients of each language",
                ),
                ("preferred", "[]".into(), ""),
            ],
            why: Vec::new(),
            about: None,
        },
    ];
    specs.extend(framework_specs());
    if has_commits(place) {
        specs.push(spec(&metrics::hot_files::INFO));
        specs.push(spec(&metrics::change_size::INFO));
    }
    specs
}

/// The frameworks probe and every rule of the pack (kept, after the scan,
/// where the code imports a framework the rule's metadata names).
fn framework_specs() -> Vec<Spec> {
    let names: Vec<String> = pack::FRAMEWORKS.iter().map(|(n, _)| toml_str(n)).collect();
    let mut specs = vec![Spec {
        name: FRAMEWORK_PROBE,
        kind: metrics::preferred_library::INFO.kind(),
        keys: vec![
            ("preferred", "[]".into(), ""),
            ("discouraged", format!("[{}]", names.join(", ")), ""),
        ],
        why: Vec::new(),
        about: None,
    }];
    for (name, text) in pack::PACK {
        let docs = pack::compile(text, &HashMap::new()).unwrap_or_default();
        let Some(first) = docs.first() else {
            continue;
        };
        let unit = match first.units {
            UnitKind::Function => "function",
            UnitKind::File => "file",
            UnitKind::Selected => "selected unit",
        };
        let summary = format!(
            "Pack rule: {}. The head of its text says what it matches, what it cannot see \
             and its measured precision (`qscan explain rules` lists the pack).",
            first.message.as_deref().unwrap_or(name)
        );
        specs.push(Spec {
            name,
            kind: metrics::rule::INFO.kind(),
            keys: vec![("rule", toml_str(name), "")],
            why: Vec::new(),
            about: Some((summary, unit)),
        });
    }
    specs
}

/// The pack's frameworks the code imports, each with the number of files
/// importing it, in the pack's order. A file counts for a framework only in
/// one of the framework's languages (a Python module named `express` is no
/// Express).
fn frameworks(report: &Report) -> Vec<(&'static str, usize)> {
    let mut files: BTreeMap<&str, usize> = BTreeMap::new();
    if let Some(probe) = result(report, FRAMEWORK_PROBE) {
        for offender in &probe.offenders {
            let Some(lang) = Language::from_path(&offender.path) else {
                continue;
            };
            for name in offender.item.split(", ") {
                let known = pack::FRAMEWORKS
                    .iter()
                    .find(|(n, langs)| *n == name && langs.contains(&lang.name()));
                if let Some((n, _)) = known {
                    *files.entry(n).or_default() += 1;
                }
            }
        }
    }
    pack::FRAMEWORKS
        .iter()
        .filter_map(|(n, _)| Some((*n, *files.get(n)?)))
        .collect()
}

/// Keeps the pack's rules whose metadata names a framework found, each with
/// that evidence as its comment, and drops the rest and the probe.
fn fit_rules(specs: &mut Vec<Spec>, report: &mut Report, found: &[(&str, usize)]) {
    let mut dropped = vec![FRAMEWORK_PROBE];
    for s in specs
        .iter_mut()
        .filter(|s| s.kind == metrics::rule::INFO.kind())
    {
        let named: Vec<String> = pack::pack_rule(s.name)
            .and_then(|text| pack::compile(text, &HashMap::new()).ok())
            .unwrap_or_default()
            .into_iter()
            .flat_map(|d| d.frameworks)
            .collect();
        let evidence: Vec<String> = found
            .iter()
            .filter(|(f, _)| named.iter().any(|n| n == f))
            .map(|(f, n)| {
                format!(
                    "{f}: imported by {n} {}",
                    if *n == 1 { "file" } else { "files" }
                )
            })
            .collect();
        if evidence.is_empty() {
            dropped.push(s.name);
        }
        s.why = evidence;
    }
    specs.retain(|s| !dropped.contains(&s.name));
    report
        .metrics
        .retain(|m| !dropped.contains(&m.name.as_str()));
    report.score = metrics::score(&report.metrics);
}

/// A kind's keys that have a default, each with its default and description.
fn defaults(info: &'static metrics::KindInfo) -> Vec<(&'static str, String, &'static str)> {
    info.keys
        .iter()
        .filter_map(|k| Some((k.name, k.ty.default_toml()?, k.doc)))
        .collect()
}

fn has_commits(place: &scan::Place) -> bool {
    place
        .repo
        .as_ref()
        // Through the checked object database: libgit2 alone would loop
        // forever on a truncated loose HEAD commit.
        .is_some_and(|repo| {
            crate::odb::Odb::new(repo)
                .and_then(|odb| odb.head_commit())
                .is_ok_and(|head| head.is_some())
        })
}

/// Scans the working tree with the specs as a definition without thresholds.
fn measure(place: &scan::Place, specs: &[Spec], target: &Path) -> Result<Report, Error> {
    let text = definition_text(specs, None);
    let def = config::parse(
        &text,
        "qscan init's candidate definition",
        Origin::File(target.to_path_buf()),
    )?;
    // What cannot be measured (a shallow clone's history) is written
    // commented out, not an error.
    let req = scan::Request {
        skip_unmeasured: true,
        ..scan::Request::default()
    };
    scan::scan_request(place, &def, &req)
}

fn result<'a>(report: &'a Report, name: &str) -> Option<&'a MetricResult> {
    report.metrics.iter().find(|m| m.name == name)
}

/// The preferred HTTP client of each language that uses one: the client the
/// most files import, ties going to the one listed first in the built-in
/// family (the common choice leads each list). With its counts, for the
/// comment. None when no file uses an HTTP client.
fn preferred_http(report: &Report) -> Option<Vec<(Language, String, usize, usize)>> {
    let probe = result(report, HTTP_METRIC)?;
    if probe.total == 0 {
        return None;
    }
    let family = metrics::preferred_library::family("http")?;
    // Per language: library → files using it, and files using any.
    let mut uses: BTreeMap<Language, (BTreeMap<&str, usize>, usize)> = BTreeMap::new();
    for offender in &probe.offenders {
        let Some(lang) = Language::from_path(&offender.path) else {
            continue;
        };
        let entry = uses.entry(lang).or_default();
        entry.1 += 1;
        for lib in offender.item.split(", ") {
            *entry.0.entry(lib).or_default() += 1;
        }
    }
    let picks: Vec<_> = uses
        .into_iter()
        .filter_map(|(lang, (libs, files))| {
            let order = family
                .iter()
                .find(|(l, _)| *l == lang)
                .map(|(_, libs)| libs.as_slice())
                .unwrap_or_default();
            let rank = |lib: &str| order.iter().position(|l| l == lib).unwrap_or(usize::MAX);
            let (lib, n) = libs
                .into_iter()
                .max_by(|(a, na), (b, nb)| na.cmp(nb).then_with(|| rank(b).cmp(&rank(a))))?;
            Some((lang, lib.to_string(), n, files))
        })
        .collect();
    (!picks.is_empty()).then_some(picks)
}

fn set_preferred(specs: &mut [Spec], picks: &[(Language, String, usize, usize)]) {
    let Some(spec) = specs.iter_mut().find(|s| s.name == HTTP_METRIC) else {
        return;
    };
    let mut names: Vec<&str> = Vec::new();
    for (_, lib, _, _) in picks {
        if !names.contains(&lib.as_str()) {
            names.push(lib);
        }
    }
    let list = names
        .iter()
        .map(|n| toml_str(n))
        .collect::<Vec<_>>()
        .join(", ");
    for key in &mut spec.keys {
        if key.0 == "preferred" {
            key.1 = format!("[{list}]");
        }
    }
    spec.why
        .push("preferred: the HTTP client most files use today, per language:".to_string());
    for (lang, lib, n, files) in picks {
        spec.why.push(format!(
            "  {}: {lib} ({n} of {files} {})",
            lang.name(),
            if *files == 1 { "file" } else { "files" }
        ));
    }
}

/// The definition as TOML: bare (for measuring) when `report` is None, else
/// commented and with today's thresholds.
fn definition_text(specs: &[Spec], report: Option<(&Report, &[Omitted], f64)>) -> String {
    let mut out = String::new();
    let Some((report, omitted, min_score)) = report else {
        for s in specs {
            let _ = writeln!(
                out,
                "[metrics.{}]\nkind = {}",
                s.name,
                toml_str(s.kind.name())
            );
            for (key, value, _) in &s.keys {
                let _ = writeln!(out, "{key} = {value}");
            }
        }
        return out;
    };
    header(&mut out, report);
    if !omitted.is_empty() {
        out.push_str("# Left out, as they cannot fail today:\n");
        for o in omitted {
            let _ = writeln!(out, "#   {}: {}", o.name, o.why);
        }
        out.push('\n');
    }
    let history = specs
        .iter()
        .any(|s| s.kind.info().source == metrics::Source::History);
    out.push_str("[scan]\n");
    line(
        &mut out,
        "exclude = []",
        "globs on top of .gitignore, e.g. [\"docs/**\", \"**/migrations/**\"]",
    );
    if history {
        out.push_str("\n[history]\n");
        line(
            &mut out,
            &format!("window = {}", config::DEFAULT_WINDOW),
            "the last N change units of HEAD's first-parent line",
        );
    }
    let _ = writeln!(
        out,
        "\n# today: a score of {:.1}; min_score is the mean of the minimums below",
        report.score
    );
    out.push_str("[gate]\n");
    line(
        &mut out,
        &format!("min_score = {min_score}"),
        "the overall score below this fails the run",
    );
    let python = report.files.by_language.contains_key("python");
    for s in specs {
        out.push('\n');
        metric_text(&mut out, s, result(report, s.name), python);
    }
    out
}

fn header(out: &mut String, report: &Report) {
    let languages = if report.files.by_language.is_empty() {
        "no source files qscan reads yet".to_string()
    } else {
        report
            .files
            .by_language
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "# quality.toml: this repository's definition of technical quality, read by qscan.\n\
         #\n\
         # Written by `qscan init` from a scan of the working tree ({} files: {languages}).\n\
         # Each metric's `min` is today's value rounded down to a whole percent, and\n\
         # [gate] min_score is the weighted mean of those minimums rounded down, so\n\
         # the gate passes today and fails when a change makes things worse.\n\
         # Ratchet from here: when a value rises, raise its `min` (and min_score) to\n\
         # keep the gain.\n\
         #\n\
         # Every key is documented in qscan's README; `qscan explain KIND` tells what a\n\
         # metric measures and how; `qscan` shows the worklist, worst offenders first.\n\
         # Install qscan with `pipx install qscan-cli` (or `uv tool install qscan-cli`,\n\
         # `cargo install --locked qscan-cli`); the command is `qscan`.\n",
        report.files.scanned
    );
}

fn metric_text(out: &mut String, s: &Spec, r: Option<&MetricResult>, python: bool) {
    let info = s.kind.info();
    let (summary, unit) = s
        .about
        .as_ref()
        .map_or((info.summary, info.unit), |(text, unit)| {
            (text.as_str(), *unit)
        });
    comment(out, summary);
    for why in &s.why {
        let _ = writeln!(out, "# {why}");
    }
    let measured = r.filter(|r| r.status.is_measured());
    let prefix = if measured.is_some() { "" } else { "# " };
    match (measured, r.and_then(|r| r.status.reason())) {
        (Some(r), _) => {
            let _ = writeln!(
                out,
                "# today: {:.1}% ({}/{} compliant; unit: {})",
                r.value, r.compliant, r.total, unit
            );
            if r.value >= 100.0 {
                // Kept on purpose: at 100% any new offender fails it.
                let _ = writeln!(
                    out,
                    "# kept at 100%: it can fail, and then a single new offender fails it"
                );
            }
        }
        (None, why) => {
            comment(
                out,
                &format!(
                    "Not measured today ({}). Uncomment it once `qscan` measures it, with `min` \
                     just below its value.",
                    why.unwrap_or("no result")
                ),
            );
        }
    }
    let _ = writeln!(out, "{prefix}[metrics.{}]", s.name);
    if Kind::from_name(s.name) != Some(s.kind) {
        let _ = writeln!(out, "{prefix}kind = {}", toml_str(s.kind.name()));
    }
    if let Some(r) = measured {
        let _ = writeln!(out, "min = {}", threshold(r.value));
    }
    for (key, value, note) in &s.keys {
        if *key == "python" && !python {
            continue;
        }
        line(out, &format!("{prefix}{key} = {value}"), note);
    }
}

/// A key line with its end-of-line comment aligned.
fn line(out: &mut String, code: &str, note: &str) {
    if note.is_empty() {
        let _ = writeln!(out, "{code}");
    } else {
        let _ = writeln!(out, "{code:<23} # {note}");
    }
}

fn comment(out: &mut String, text: &str) {
    let _ = writeln!(out, "# {}", crate::explain::wrap(text, 76, "# "));
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes the file; without `force` only if it still does not exist (another
/// process may have created it since the check).
fn write(target: &Path, text: &str, force: bool) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io {
        message: format!("cannot write {}: {e}", target.display()),
    };
    if force {
        return std::fs::write(target, text).map_err(io);
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_the_whole_percent_at_or_below() {
        assert_eq!(threshold(69.7), 69.0);
        assert_eq!(threshold(60.0), 60.0);
        assert_eq!(threshold(100.0), 100.0);
        assert_eq!(threshold(0.4), 0.0);
        // Every one-decimal value stays at or above its threshold.
        for tenths in 0..=1000u32 {
            let v = metrics::round1(f64::from(tenths) / 10.0);
            assert!(threshold(v) <= v, "{v}");
            assert!(v - threshold(v) < 1.0, "{v}");
        }
    }

    #[test]
    fn toml_strings_are_quoted() {
        assert_eq!(toml_str("requests"), "\"requests\"");
        assert_eq!(toml_str("@scope/pkg"), "\"@scope/pkg\"");
    }
}
