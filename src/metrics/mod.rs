//! Metrics: pure functions from facts and a metric's definition to a result.
//!
//! Every metric is one idea, a predicate over units and the share of units
//! that satisfy it; each kind lives in its own file and reports its units'
//! compliance and offenders, and [`evaluate`] turns that into values, verdicts
//! and the overall score the same way for every kind.

pub mod baseline;
pub mod change_size;
pub mod coverage;
pub mod external;
pub mod goals;
pub mod groups;
pub mod hot_files;
pub mod hotspots;
pub mod interface_width;
pub mod keys;
pub mod large_files;
pub mod preferred_library;
pub mod query;
pub mod rule;
pub mod test_association;
pub mod typed;
pub mod worklist;

pub use hotspots::{Hotspot, hotspots};
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
pub use worklist::WorkFile;

use globset::GlobSet;
use serde::Serialize;

use crate::facts::{CoverageFacts, ExternalValue, FileFacts, JsPackage, RustCrate};
use crate::history::HistoryFacts;
use crate::lang::Language;
use crate::model::Status;
pub use crate::snapshot::Role;
pub use keys::{Key, Table, Type};

/// The registry: every metric kind qscan knows, one row per kind, each
/// defined in its own file. The definition loader, `qscan explain`,
/// `qscan init`, `qscan schema` and the README's kind table read these rows.
pub static KINDS: &[&KindInfo] = &[
    &typed::INFO,
    &test_association::INFO,
    &large_files::INFO,
    &interface_width::INFO,
    &preferred_library::INFO,
    &hot_files::INFO,
    &change_size::INFO,
    &coverage::INFO,
    &query::INFO,
    &rule::INFO,
    &external::INFO,
];

/// A metric kind: a row of [`KINDS`].
#[derive(Clone, Copy)]
pub struct Kind(&'static KindInfo);

impl PartialEq for Kind {
    fn eq(&self, other: &Kind) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Kind {}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kind({})", self.0.name)
    }
}

/// What a metric's `min` means for a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Min {
    /// The least share of compliant units, a percentage.
    Percent,
    /// A lower bound on the kind's own number (handed to its `parse` as
    /// [`Table::min_bound`]); the metric's value must then be 100.
    Bound,
}

/// A metric's kind-specific settings, as its kind's `parse` made them.
pub trait KindParams: fmt::Debug + Send + Sync + Any {
    /// Measures the metric.
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome;
    /// The settings, each as `qscan explain` shows it (`max_lines = 500`).
    fn settings(&self) -> Vec<String>;
}

pub type Params = Arc<dyn KindParams>;

/// One metric of the definition, validated.
#[derive(Debug, Clone)]
pub struct MetricDef {
    pub name: String,
    pub kind: Kind,
    pub min: Option<f64>,
    pub max_offenders: Option<u64>,
    pub weight: f64,
    /// Not measured, it is left out instead of stopping the run (`optional = true`).
    pub optional: bool,
    /// None: every language.
    pub languages: Option<Vec<Language>>,
    pub exclude: GlobSet,
    /// The roles of the files it measures (its `roles`, else its kind's).
    pub roles: Vec<Role>,
    pub params: Params,
}

impl MetricDef {
    /// The kind-specific settings, when they are of type `T` (the settings
    /// struct of the kind's file).
    pub fn params<T: 'static>(&self) -> Option<&T> {
        // Trait upcasting: the settings are `Any`, so they can say their type.
        let any: &dyn Any = &*self.params;
        any.downcast_ref()
    }

    /// Whether an analyzed file is seen by the metric: its language, its
    /// role and its path.
    pub fn sees(&self, file: &FileFacts) -> bool {
        self.languages
            .as_ref()
            .is_none_or(|langs| langs.contains(&file.language))
            && self.roles.contains(&file.role)
            && !self.exclude.is_match(&file.path)
    }

    /// Whether a path of any kind (history metrics), of role `role`, is
    /// seen by the metric.
    pub fn sees_path(&self, path: &str, role: Role) -> bool {
        if self.exclude.is_match(path) || !self.roles.contains(&role) {
            return false;
        }
        match (&self.languages, Language::from_path(path)) {
            (None, _) => true,
            (Some(langs), Some(l)) => langs.contains(&l),
            (Some(_), None) => false,
        }
    }
}

/// Where a kind's facts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The source files, parsed with tree-sitter.
    Files,
    /// The git history.
    History,
    /// A file another tool produced, named in the metric's table.
    Report,
}

/// The registry row of a kind: everything about it, in its own file.
pub struct KindInfo {
    pub name: &'static str,
    /// What one unit is ("function", "source file").
    pub unit: &'static str,
    /// What one offending unit is ("untyped function"), for the worklist's
    /// `path — 23 untyped functions`.
    pub offender: &'static str,
    pub source: Source,
    /// The roles of the files it measures unless a metric says `roles`.
    pub roles: &'static [Role],
    /// Kind-specific keys accepted in its `[metrics.NAME]` table.
    pub keys: &'static [Key],
    /// What `min` means for the kind.
    pub min: Min,
    /// What is measured, in one sentence.
    pub summary: &'static str,
    /// When a unit is compliant, precisely: see [`KindInfo::rule`].
    pub rule: RuleText,
    /// What to do about an offender, in one line.
    pub hint: &'static str,
    /// Validates the kind's keys into its settings; None when the metric
    /// cannot be built (its problems are in the table's errors).
    pub parse: fn(&mut Table) -> Option<Params>,
}

/// A kind's rule text: written out, or built once from the language registry
/// when it says something of each language (so a new language appears in
/// `explain`, the README table and the schema without editing the kind).
#[derive(Clone, Copy)]
pub enum RuleText {
    Fixed(&'static str),
    Built(fn() -> &'static str),
}

impl KindInfo {
    /// When a unit is compliant, precisely.
    pub fn rule(&self) -> &'static str {
        match self.rule {
            RuleText::Fixed(text) => text,
            RuleText::Built(build) => build(),
        }
    }
}

impl KindInfo {
    pub const fn kind(&'static self) -> Kind {
        Kind(self)
    }

    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
}

impl Kind {
    pub fn info(self) -> &'static KindInfo {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        KINDS.iter().find(|k| k.name == name).map(|k| k.kind())
    }
}

/// Every kind-specific key, each once, in registry order: the keys a metric
/// table may hold besides the common ones.
pub fn all_keys() -> Vec<&'static Key> {
    let mut out: Vec<&'static Key> = Vec::new();
    for k in KINDS {
        for key in k.keys {
            if !out.iter().any(|o| o.name == key.name) {
                out.push(key);
            }
        }
    }
    out
}

pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name).collect()
}

/// The nearest kind name to a misspelled one, if any is close.
pub fn suggest_kind(name: &str) -> Option<&'static str> {
    crate::text::nearest(name, KINDS.iter().map(|k| k.name))
}

/// The nearest role name to a misspelled one, if any is close.
pub fn suggest_role(name: &str) -> Option<&'static str> {
    crate::text::nearest(name, Role::ALL.iter().map(|r| r.name()))
}

/// The role names, as quality.toml writes them, comma-separated.
pub fn role_names() -> String {
    let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
    names.join(", ")
}

/// The role of any path (see [`Facts::role_of`]).
pub type RoleOf<'a> = dyn Fn(&str) -> Role + Sync + 'a;

/// Every role: what history metrics measure by default.
pub const EVERY_ROLE: &[Role] = &Role::ALL;
/// The repository's own code.
pub const SOURCE: &[Role] = &[Role::Source];

/// All facts a metric may read.
pub struct Facts<'a> {
    /// Analyzed source files, sorted by path.
    pub files: &'a [FileFacts],
    /// Every path in the snapshot (not only source files), sorted.
    pub all_paths: &'a [String],
    /// The role of a path: of the snapshot's (analyzed files with their
    /// generated-file marker), or of one the history names.
    pub role_of: &'a RoleOf<'a>,
    /// Rust packages in the snapshot.
    pub crates: &'a [RustCrate],
    /// JavaScript packages in the snapshot (their entry points).
    pub packages: &'a [JsPackage],
    /// None when the history could not be read (see `history_status`).
    pub history: Option<&'a HistoryFacts>,
    /// Whether history metrics can be measured: the history may be absent,
    /// cut short by a shallow clone, or shorter than `[history] min_units`.
    pub history_status: &'a Status,
    /// Each coverage metric's report, by metric name.
    pub coverage: &'a BTreeMap<String, CoverageFacts>,
    /// Each external metric's number, by metric name.
    pub external: &'a BTreeMap<String, ExternalValue>,
}

impl Facts<'_> {
    /// The role of a path (see [`Facts::role_of`]).
    pub fn role(&self, path: &str) -> Role {
        (self.role_of)(path)
    }
}

/// A unit that fails a metric's predicate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offender {
    pub path: String,
    pub line: Option<u32>,
    pub item: String,
    pub detail: String,
    /// How bad it is; offenders are listed worst (highest) first.
    #[serde(skip)]
    pub weight: f64,
}

impl Offender {
    /// A whole-file offender: no line, named by its file name.
    pub fn file(path: &str, detail: String, weight: f64) -> Offender {
        Offender {
            path: path.to_string(),
            line: None,
            item: path.rsplit('/').next().unwrap_or(path).to_string(),
            detail,
            weight,
        }
    }
}

/// What a kind reports about its units.
#[derive(Debug, Default)]
pub struct Outcome {
    pub compliant: u64,
    pub total: u64,
    pub offenders: Vec<Offender>,
    /// Whether the metric was measured (e.g. not without history); one
    /// that was not is left out of the score and the gate.
    pub status: Status,
    /// Paths a report names that match no file of the repository.
    pub unmatched: Vec<String>,
    /// The number an external metric read.
    pub measured: Option<f64>,
    /// Where the units lie, for `--by`.
    pub tallies: Vec<Tally>,
}

/// Units that lie in the same place, and how many of them comply: what
/// `--by owner|dir` groups. Per-unit records would say no more, since a
/// group is a function of the paths alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// The files the units belong to: one for a file's units (its functions,
    /// the file itself, its lines), the files a change unit touched, none
    /// for an external number, which belongs to the whole system.
    pub paths: Vec<String>,
    pub compliant: u64,
    pub total: u64,
}

impl Outcome {
    /// Counts one unit of the file at `path`; a non-compliant unit adds its
    /// offender.
    pub fn unit(&mut self, path: &str, offender: Option<Offender>) {
        self.units_of(path, u64::from(offender.is_none()), 1, offender);
    }

    /// Counts `total` units of the file at `path`, `compliant` of them
    /// compliant (a coverage report's lines), with the file's offender.
    pub fn units_of(&mut self, path: &str, compliant: u64, total: u64, offender: Option<Offender>) {
        self.count(compliant, total, offender);
        // Kinds visit a file's units together: one tally per file.
        match self.tallies.last_mut() {
            Some(t) if t.paths.len() == 1 && t.paths[0] == path => {
                t.compliant += compliant;
                t.total += total;
            }
            _ => self.tallies.push(Tally {
                paths: vec![path.to_string()],
                compliant,
                total,
            }),
        }
    }

    /// Counts one unit that belongs to several files (a change unit, in the
    /// files it touched) or to none.
    pub fn unit_across(&mut self, paths: Vec<String>, offender: Option<Offender>) {
        let compliant = u64::from(offender.is_none());
        self.count(compliant, 1, offender);
        self.tallies.push(Tally {
            paths,
            compliant,
            total: 1,
        });
    }

    fn count(&mut self, compliant: u64, total: u64, offender: Option<Offender>) {
        self.compliant += compliant;
        self.total += total;
        self.offenders.extend(offender);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricResult {
    pub name: String,
    pub kind: &'static str,
    pub unit: &'static str,
    pub value: f64,
    pub compliant: u64,
    pub total: u64,
    pub min: Option<f64>,
    pub max_offenders: Option<u64>,
    pub weight: f64,
    pub passed: bool,
    /// What to do about an offender, in one line.
    #[serde(skip)]
    pub hint: &'static str,
    /// `status` ("measured", "not_applicable", "not_measured"), with
    /// `reason` and `fix` when it has them.
    #[serde(flatten)]
    pub status: Status,
    /// Not measured, it is left out rather than stopping the run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// `external`: the number read from the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<f64>,
    /// `coverage`: paths the report names that are no file of the
    /// repository, as the report writes them; counted here, not in `total`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_report_paths: Vec<String>,
    pub offenders: Vec<Offender>,
    /// The offenders' files, hot spots first (see [`worklist`]); filled in
    /// once the history is known.
    pub worklist: Vec<WorkFile>,
    /// The metric at the baseline revision (`--baseline REV`), when compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineValue>,
    /// `value` minus the baseline's value, when compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
    /// The offenders that the baseline does not have, when compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_offenders: Option<Vec<Offender>>,
    /// Where the units lie, for `--by` (see [`groups`]).
    #[serde(skip)]
    pub tallies: Vec<Tally>,
}

impl MetricResult {
    /// Whether nothing about this metric can fail the run: no `min`, no
    /// `max_offenders`, and no baseline whose new offenders could.
    pub fn ungated(&self) -> bool {
        self.min.is_none() && self.max_offenders.is_none() && self.new_offenders.is_none()
    }
}

/// A metric's numbers at the baseline revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineValue {
    pub value: f64,
    pub compliant: u64,
    pub total: u64,
}

/// Evaluates one metric.
pub fn evaluate(def: &MetricDef, facts: &Facts) -> MetricResult {
    let mut outcome = def.params.evaluate(def, facts);
    if def.kind.info().source == Source::History && outcome.status.is_measured() {
        outcome.status = facts.history_status.clone();
    }
    outcome.offenders.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.item.cmp(&b.item))
    });
    if outcome.status.is_measured() && outcome.total == 0 && def.kind != external::INFO.kind() {
        // A share of nothing is no 100%: it would lift the score for free.
        outcome.status = Status::NotApplicable {
            reason: format!("no {} to measure", def.kind.info().unit),
        };
    }
    let value = share(outcome.compliant, outcome.total);
    let passed = !outcome.status.is_measured()
        || (def.min.is_none_or(|min| value >= min)
            && def
                .max_offenders
                .is_none_or(|max| outcome.offenders.len() as u64 <= max));
    MetricResult {
        name: def.name.clone(),
        kind: def.kind.name(),
        unit: def.kind.info().unit,
        value,
        compliant: outcome.compliant,
        total: outcome.total,
        min: def.min,
        max_offenders: def.max_offenders,
        weight: def.weight,
        passed,
        hint: def.kind.info().hint,
        status: outcome.status,
        optional: def.optional,
        measured: outcome.measured,
        unmatched_report_paths: outcome.unmatched,
        offenders: outcome.offenders,
        worklist: Vec::new(),
        baseline: None,
        delta: None,
        new_offenders: None,
        tallies: outcome.tallies,
    }
}

/// The outcome of a history kind when the history cannot be measured.
pub fn history_unread(facts: &Facts) -> Option<Outcome> {
    let status = match (facts.history, facts.history_status) {
        // Read but not judged (too short, or cut by a shallow clone): its
        // numbers are counted all the same, for a baseline to compare with.
        (Some(_), _) => return None,
        (None, Status::Measured) => Status::NotMeasured {
            reason: "no history was read".to_string(),
            fix: "check the repository with `git fsck`".to_string(),
        },
        (_, status) => status.clone(),
    };
    Some(Outcome {
        status,
        ..Outcome::default()
    })
}

/// `100 * compliant / total`, rounded to one decimal; 100 when there are no units.
pub fn share(compliant: u64, total: u64) -> f64 {
    if total == 0 {
        100.0
    } else {
        round1(100.0 * compliant as f64 / total as f64)
    }
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The overall score: the weighted mean of measured metric values.
pub fn score(results: &[MetricResult]) -> f64 {
    let (sum, weights) = results
        .iter()
        .filter(|r| r.status.is_measured())
        .fold((0.0, 0.0), |(s, w), r| {
            (s + r.value * r.weight, w + r.weight)
        });
    if weights == 0.0 {
        100.0
    } else {
        round1(sum / weights)
    }
}

/// Fills in a result's baseline: the baseline's numbers, the change in value,
/// and the offenders the baseline did not have.
///
/// Offenders in `unknown` paths (files the baseline could not read) are not
/// new: the baseline cannot say whether they were there.
pub fn compare(
    current: &mut MetricResult,
    baseline: &MetricResult,
    unknown: &std::collections::HashSet<&str>,
) {
    // What was not measured cannot be compared; a metric not applicable
    // (no units, a short history) still has its offenders, if any.
    if current.status.is_not_measured() || baseline.status.is_not_measured() {
        return;
    }
    if current.status.is_measured() && baseline.status.is_measured() {
        current.baseline = Some(BaselineValue {
            value: baseline.value,
            compliant: baseline.compliant,
            total: baseline.total,
        });
        current.delta = Some(round1(current.value - baseline.value));
    }
    let mut new = baseline::new_offenders(&current.offenders, &baseline.offenders);
    new.retain(|o| !unknown.contains(o.path.as_str()));
    current.new_offenders = Some(new);
}

/// Regressions against the baseline that fail the run: new offenders (when
/// `offenders`), and metrics whose value dropped (when `values`).
pub fn regression_failures(results: &[MetricResult], offenders: bool, values: bool) -> Vec<String> {
    let mut failures = Vec::new();
    for r in results {
        if values
            && let (Some(delta), Some(base)) = (r.delta, &r.baseline)
            && delta < 0.0
        {
            failures.push(format!(
                "metric '{}' fell from {:.1}% to {:.1}% ({delta:+.1})",
                r.name, base.value, r.value
            ));
        }
        if offenders
            && let Some(new) = &r.new_offenders
            && !new.is_empty()
        {
            failures.push(format!(
                "metric '{}' has {} new {}: {}",
                r.name,
                new.len(),
                if new.len() == 1 {
                    "offender"
                } else {
                    "offenders"
                },
                r.hint
            ));
        }
    }
    failures
}

/// The gate: why the run fails, if it does.
pub fn gate_failures(min_score: Option<f64>, score: f64, results: &[MetricResult]) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(min) = min_score
        && score < min
    {
        failures.push(format!("the score {score:.1} is below the minimum {min}"));
    }
    for r in results.iter().filter(|r| r.status.is_measured()) {
        if r.kind == external::INFO.name
            && let Some(o) = r.offenders.first()
        {
            // Its value is 100 or 0; the number and its bound say more.
            failures.push(format!("metric '{}': {}", r.name, o.detail));
            continue;
        }
        if let Some(min) = r.min
            && r.value < min
        {
            failures.push(format!(
                "metric '{}' is {:.1}%, below its minimum {min}%",
                r.name, r.value
            ));
        }
        if let Some(max) = r.max_offenders
            && r.offenders.len() as u64 > max
        {
            failures.push(format!(
                "metric '{}' has {} {}, more than its maximum {max}",
                r.name,
                r.offenders.len(),
                if r.offenders.len() == 1 {
                    "offender"
                } else {
                    "offenders"
                }
            ));
        }
    }
    failures
}

pub use crate::text::plural;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_rounds_and_handles_empty() {
        assert_eq!(share(1, 3), 33.3);
        assert_eq!(share(2, 3), 66.7);
        assert_eq!(share(0, 0), 100.0);
    }

    /// Every kind carries everything the docs, `explain`, `init` and the
    /// schema read: a kind added without one of them fails here.
    #[test]
    fn every_kind_is_fully_described() {
        let mut names = std::collections::HashSet::new();
        for k in KINDS {
            assert!(names.insert(k.name), "kind `{}` is listed twice", k.name);
            assert!(
                !k.name.is_empty() && k.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "kind name `{}`",
                k.name
            );
            for (field, text) in [
                ("unit", k.unit),
                ("offender", k.offender),
                ("summary", k.summary),
                ("rule", k.rule()),
                ("hint", k.hint),
            ] {
                assert!(!text.trim().is_empty(), "kind `{}` has no {field}", k.name);
            }
            assert!(
                k.summary.ends_with('.'),
                "kind `{}`: summary is a sentence",
                k.name
            );
            let mut keys = std::collections::HashSet::new();
            for key in k.keys {
                assert!(
                    keys.insert(key.name),
                    "`{}`: key `{}` twice",
                    k.name,
                    key.name
                );
                assert!(
                    !keys::COMMON_KEYS.contains(&key.name),
                    "`{}`: `{}` is a common key",
                    k.name,
                    key.name
                );
                assert!(
                    !key.doc.trim().is_empty(),
                    "`{}`: key `{}` has no doc",
                    k.name,
                    key.name
                );
                assert!(
                    k.rule().contains(&format!("`{}", key.name)),
                    "`{}`: the rule does not say what `{}` does",
                    k.name,
                    key.name
                );
                let schema = key.schema();
                assert!(
                    schema["type"].is_string(),
                    "`{}`: `{}` has no type",
                    k.name,
                    key.name
                );
                if let Type::Choice { values } = key.ty {
                    assert!(
                        !values.is_empty(),
                        "`{}`: `{}` has no words",
                        k.name,
                        key.name
                    );
                }
                // The loader checks a value's type before it knows the kind:
                // a key name means one type in every kind.
                for other in KINDS.iter().flat_map(|o| o.keys) {
                    if other.name == key.name {
                        assert_eq!(other.ty, key.ty, "key `{}` has two types", key.name);
                    }
                }
            }
        }
    }

    /// With none of its keys given, every kind builds its settings from
    /// the declared defaults, or says which key it needs; the settings it
    /// builds are its own.
    #[test]
    fn every_kind_parses_its_defaults() {
        for k in KINDS {
            let mut t = Table::new("", "m", k.kind(), 0..0, indexmap::IndexMap::new(), &[]);
            let params = (k.parse)(&mut t);
            for (_, message) in &t.errors {
                assert!(
                    message.contains("needs") && !message.contains("internal"),
                    "`{}`: {message}",
                    k.name
                );
            }
            if t.errors.is_empty() {
                assert!(params.is_some(), "`{}` built nothing", k.name);
            }
        }
    }

    #[test]
    fn suggests_near_kinds() {
        assert_eq!(suggest_kind("typd"), Some("typed"));
        assert_eq!(suggest_kind("large-file"), Some("large-files"));
        assert_eq!(suggest_kind("zzzzzz"), None);
    }
}
