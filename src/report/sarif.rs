//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF
//! viewers. Each metric of the report is a rule (its description comes from
//! the kind's registry row), each offender a result pointing at its file, so a
//! team sees its worklist as code-scanning alerts that GitHub tracks across
//! runs through stable fingerprints.
//!
//! What GitHub accepts shapes a few choices: a result needs a file location,
//! so offenders that are commits (`change-size`) are left out of the results
//! and counted in a notification instead; a location needs a line, so a
//! whole-file offender points at line 1; and a run may hold at most 25,000
//! results, so a larger worklist keeps the errors first and says what it cut.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Report, is_new, threshold};
use crate::metrics::{Kind, MetricResult, Offender};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// GitHub rejects a run with more results than this.
const MAX_RESULTS: usize = 25_000;

/// The key of qscan's fingerprint; the `/v1` changes if the recipe ever does.
const FINGERPRINT_KEY: &str = "qscanOffender/v1";

/// The base that result paths are relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Text {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties<'a> {
    tags: Vec<&'a str>,
    kind: &'a str,
    unit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_offenders: Option<u64>,
    weight: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    /// qscan ran to the end; a failed gate is a finding, not a failed run.
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

/// The run's own numbers, which SARIF has no place for: the score, the gate
/// and each metric's value.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    score: f64,
    passed: bool,
    /// 0 when the gate checked nothing (see the notifications for why).
    metrics_measured: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_score: Option<f64>,
    gate_failures: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_revision: Option<&'a str>,
    metrics: Vec<MetricProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricProperties<'a> {
    name: &'a str,
    value: f64,
    compliant: u64,
    total: u64,
    passed: bool,
    offenders: usize,
    /// "measured", "not_applicable" or "not_measured", with `reason` and `fix`.
    #[serde(flatten)]
    status: &'a crate::model::Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a crate::metrics::BaselineValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delta: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_offenders: Option<usize>,
}

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&log(report))
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}"));
    s.push('\n');
    s
}

fn log(report: &Report) -> Log<'_> {
    let mut notifications: Vec<Notification> = report
        .notes
        .iter()
        .map(|n| Notification {
            level: "note",
            message: Text::new(n.to_string()),
        })
        .collect();
    let mut results = Vec::new();
    for (index, m) in report.metrics.iter().enumerate() {
        match &m.status {
            crate::model::Status::Measured => {}
            crate::model::Status::NotApplicable { reason } => notifications.push(Notification {
                level: "note",
                message: Text::new(format!("metric '{}' is not applicable: {reason}", m.name)),
            }),
            crate::model::Status::NotMeasured { reason, .. } => notifications.push(Notification {
                level: "warning",
                message: Text::new(format!("metric '{}' was not measured: {reason}", m.name)),
            }),
        }
        let unlocated = m.offenders.iter().filter(|o| o.path.is_empty()).count();
        if unlocated > 0 {
            notifications.push(Notification {
                level: "note",
                message: Text::new(format!(
                    "metric '{}': {unlocated} offender{} {} no file to point at ({} {}), so \
                     {} not among the results; --format json lists {}",
                    m.name,
                    if unlocated == 1 { "" } else { "s" },
                    if unlocated == 1 { "has" } else { "have" },
                    m.unit,
                    if unlocated == 1 {
                        "is a commit"
                    } else {
                        "are commits"
                    },
                    if unlocated == 1 { "it is" } else { "they are" },
                    if unlocated == 1 { "it" } else { "them" },
                )),
            });
        }
        results.extend(metric_results(report, index, m));
    }
    if results.len() > MAX_RESULTS {
        let all = results.len();
        // Errors (failing metrics) first; the sort is stable, so each
        // metric's offenders stay worst first.
        results.sort_by_key(|r| r.level != "error");
        results.truncate(MAX_RESULTS);
        notifications.push(Notification {
            level: "warning",
            message: Text::new(format!(
                "{all} offenders, more than the {MAX_RESULTS} results GitHub accepts in a run: \
                 the first {MAX_RESULTS} are here, errors first; --format json lists them all"
            )),
        });
    }
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "qscan",
                    version: &report.version,
                    semantic_version: &report.version,
                    rules: report.metrics.iter().map(rule).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            results,
            properties: RunProperties {
                score: report.score,
                passed: report.passed,
                metrics_measured: report.metrics_measured,
                min_score: report.gate.min_score,
                gate_failures: &report.gate.failures,
                revision: report.revision.as_deref(),
                baseline_revision: report.baseline_revision.as_deref(),
                metrics: report.metrics.iter().map(metric_properties).collect(),
            },
        }],
    }
}

fn rule(m: &MetricResult) -> Rule<'_> {
    let info = Kind::from_name(m.kind).map(Kind::info);
    let summary = info.map_or("", |i| i.summary);
    let rule_text = info.map_or("", |i| i.rule());
    Rule {
        id: &m.name,
        name: pascal_case(&m.name),
        short_description: Text::new(if summary.is_empty() {
            format!("The share of compliant units of metric '{}'.", m.name)
        } else {
            summary.to_string()
        }),
        full_description: Text::new(if rule_text.is_empty() {
            summary.to_string()
        } else {
            rule_text.to_string()
        }),
        help: Text::new(help(m, summary, rule_text)),
        default_configuration: Configuration { level: level(m) },
        properties: RuleProperties {
            tags: vec!["maintainability", "qscan", m.kind],
            kind: m.kind,
            unit: m.unit,
            min: m.min,
            max_offenders: m.max_offenders,
            weight: m.weight,
        },
    }
}

/// The rule's help: what it measures, when a unit complies, this metric's
/// threshold, and where to read more.
fn help(m: &MetricResult, summary: &str, rule_text: &str) -> String {
    let mut s = String::new();
    for part in [summary, rule_text] {
        if !part.is_empty() {
            s.push_str(part);
            s.push_str("\n\n");
        }
    }
    if m.min.is_none() && m.max_offenders.is_none() {
        s.push_str(&format!(
            "Metric '{}' has no threshold: it counts in the score but never fails the gate.",
            m.name
        ));
    } else {
        s.push_str(&format!(
            "Metric '{}' fails the gate below its threshold: {}.",
            m.name,
            threshold(m)
        ));
    }
    s.push_str(&format!(
        " Each result is one unit ({}) that does not comply. `qscan explain {}` explains the \
         kind and its keys.",
        m.unit, m.kind
    ));
    s
}

fn metric_properties(m: &MetricResult) -> MetricProperties<'_> {
    MetricProperties {
        name: &m.name,
        value: m.value,
        compliant: m.compliant,
        total: m.total,
        passed: m.passed,
        offenders: m.offenders.len(),
        status: &m.status,
        baseline: m.baseline.as_ref(),
        delta: m.delta,
        new_offenders: m.new_offenders.as_ref().map(Vec::len),
    }
}

/// An offender of a failing metric is an error; of a passing one, a warning.
fn level(m: &MetricResult) -> &'static str {
    if m.passed { "warning" } else { "error" }
}

fn metric_results(report: &Report, index: usize, m: &MetricResult) -> Vec<SarifResult> {
    let has_baseline = report.baseline_revision.is_some();
    // The same item can appear twice in a file (a function defined in both
    // branches of an `if`); the occurrence number keeps their fingerprints
    // apart without using the line, which moves with every edit above it.
    let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
    let mut out = Vec::new();
    for o in m.offenders.iter().filter(|o| !o.path.is_empty()) {
        let n = seen.entry((&o.path, &o.item)).or_insert(0);
        let occurrence = *n;
        *n += 1;
        out.push(SarifResult {
            rule_id: m.name.clone(),
            rule_index: index,
            level: level(m),
            message: Text::new(message(o)),
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(&o.path),
                        uri_base_id: SRCROOT,
                    },
                    region: Region {
                        start_line: o.line.unwrap_or(1).max(1),
                    },
                },
            }],
            partial_fingerprints: BTreeMap::from([(
                FINGERPRINT_KEY,
                fingerprint(&m.name, &o.path, &o.item, occurrence),
            )]),
            baseline_state: has_baseline.then(|| if is_new(m, o) { "new" } else { "unchanged" }),
        });
    }
    out
}

fn message(o: &Offender) -> String {
    if o.detail.is_empty() {
        o.item.clone()
    } else {
        format!("{} — {}", o.item, o.detail)
    }
}

/// A stable fingerprint: FNV-1a (64 bits) of the metric, path and item, as
/// hex. Not `DefaultHasher`, whose output may change between Rust releases
/// and would turn every alert into a new one.
fn fingerprint(metric: &str, path: &str, item: &str, occurrence: u32) -> String {
    let mut h = Fnv1a::new();
    h.write(metric.as_bytes());
    h.write(&[0]);
    h.write(path.as_bytes());
    h.write(&[0]);
    h.write(item.as_bytes());
    if occurrence > 0 {
        h.write(&[0]);
        h.write(occurrence.to_string().as_bytes());
    }
    format!("{:016x}", h.0)
}

struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a {
        Fnv1a(Self::OFFSET)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }
}

/// A relative path as a URI reference: characters outside RFC 3986's
/// unreserved set, sub-delimiters, `/` and `@` are percent-encoded (a `:`
/// too, which would otherwise read as a scheme).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(char::from(b)),
            b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*'
            | b'+' | b',' | b';' | b'=' | b'@' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `typed-mypy` → `TypedMypy`: SARIF's rule names are identifiers readers
/// recognise, the id stays the metric name.
fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{offender, sample};
    use serde_json::Value;

    fn sarif(report: &Report) -> Value {
        serde_json::from_str(&render(report)).expect("SARIF is JSON")
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv1a::new();
            h.write(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fingerprints_ignore_lines_and_separate_fields() {
        assert_eq!(
            fingerprint("typed", "a.py", "f", 0),
            fingerprint("typed", "a.py", "f", 0)
        );
        assert_ne!(
            fingerprint("typed", "a.py", "f", 0),
            fingerprint("typed", "a.py", "f", 1)
        );
        assert_ne!(
            fingerprint("typed", "ab", "c", 0),
            fingerprint("typed", "a", "bc", 0)
        );
        assert_eq!(fingerprint("typed", "a.py", "f", 0).len(), 16);
    }

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(uri("src/a b/ü.py"), "src/a%20b/%C3%BC.py");
        assert_eq!(uri("c:d/100%.py"), "c%3Ad/100%25.py");
        assert_eq!(uri("pkg/x_y-z.rs"), "pkg/x_y-z.rs");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal_case("typed-mypy"), "TypedMypy");
        assert_eq!(pascal_case("http_client"), "HttpClient");
    }

    #[test]
    fn one_rule_per_metric_and_one_result_per_located_offender() {
        let r = sarif(&sample(false));
        assert_eq!(r["version"], "2.1.0");
        let run = &r["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0]["id"], "typed");
        assert_eq!(
            rules[0]["shortDescription"]["text"],
            crate::metrics::typed::INFO.summary
        );
        assert_eq!(
            rules[0]["fullDescription"]["text"],
            crate::metrics::typed::INFO.rule()
        );
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");
        assert_eq!(rules[0]["properties"]["min"], 60.0);

        let results = run["results"].as_array().expect("results");
        // typed: 2 offenders; large-files: 1; change-size: 1 commit, left out.
        assert_eq!(results.len(), 3);
        let first = &results[0];
        assert_eq!(first["ruleId"], "typed");
        assert_eq!(first["ruleIndex"], 0);
        assert_eq!(first["level"], "error");
        assert_eq!(
            first["message"]["text"],
            "post — 2 parameters and the return unannotated"
        );
        let loc = &first["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "pkg/api.py");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc["region"]["startLine"], 12);
        assert!(first.get("baselineState").is_none());

        // A whole-file offender points at line 1, at warning level.
        let file = &results[2];
        assert_eq!(file["ruleIndex"], 1);
        assert_eq!(file["level"], "warning");
        assert_eq!(
            file["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );

        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notifications");
        assert!(
            notes.iter().any(|n| n["message"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("metric 'change-size': 1 offender has no file"))),
            "{notes:?}"
        );
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert_eq!(run["properties"]["score"], 70.3);
        assert_eq!(run["properties"]["passed"], false);
    }

    #[test]
    fn fingerprints_survive_a_line_shift() {
        let before = sample(false);
        let mut after = sample(false);
        after.metrics[0].offenders[0].line = Some(40);
        let fp = |r: &Report| sarif(r)["runs"][0]["results"][0]["partialFingerprints"].clone();
        assert_eq!(fp(&before), fp(&after));
        assert!(fp(&before)[FINGERPRINT_KEY].is_string());
    }

    #[test]
    fn baseline_marks_new_and_unchanged_results() {
        let r = sarif(&sample(true));
        let run = &r["runs"][0];
        let states: Vec<&str> = run["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["baselineState"].as_str().expect("a baseline state"))
            .collect();
        // typed's second offender and large-files' only one are new.
        assert_eq!(states, ["unchanged", "new", "new"]);
        assert_eq!(run["properties"]["baselineRevision"], "abc123");
        assert_eq!(run["properties"]["metrics"][0]["delta"], -2.5);
    }

    /// The baseline paths (baselineState, run properties) and the
    /// notifications meet the official schema too, not only the fixture's
    /// plain run that tests/it/formats.rs validates.
    #[test]
    fn hand_built_reports_validate_against_the_schema() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sarif/sarif-schema-2.1.0.json"
        );
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read the SARIF schema"))
                .expect("the schema is JSON");
        let validator = jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the schema compiles");
        let mut odd = sample(true);
        odd.notes.push(crate::model::Note::BuiltInDefinition);
        odd.metrics[1].offenders[0].path = "dir with space/ü:1.py".into();
        odd.metrics[2].status = crate::model::Status::NotMeasured {
            reason: "no history".into(),
            fix: "fetch it".into(),
        };
        for report in [sample(false), sample(true), odd] {
            let v = sarif(&report);
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
    }

    #[test]
    fn duplicate_items_get_distinct_fingerprints() {
        let mut r = sample(false);
        let dup = offender("pkg/api.py", Some(30), "post", "the return unannotated");
        r.metrics[0].offenders.push(dup);
        let v = sarif(&r);
        let fps: Vec<&Value> = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["ruleId"] == "typed")
            .map(|r| &r["partialFingerprints"][FINGERPRINT_KEY])
            .collect();
        assert_eq!(fps.len(), 3);
        assert_ne!(fps[0], fps[2]);
    }
}
