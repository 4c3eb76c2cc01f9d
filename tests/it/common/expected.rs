//! A fixture's hand-counted numbers, read from `fixtures/NAME/expected.toml`
//! (the one place they are written; the comments there say how each was
//! counted), and checked exactly against a JSON report.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::{describe, fixtures};

/// The numbers a scan of the fixture must report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub exit_code: i32,
    pub score: f64,
    /// The gate's verdict; absent: not checked.
    pub passed: Option<bool>,
    /// The gate's failure messages, in order; absent: not checked.
    pub gate_failures: Option<Vec<String>>,
    pub files: Option<Files>,
    /// Every metric of the report, in report order.
    pub metrics: IndexMap<String, Metric>,
    /// Per `--by` value, every group in report order (see [`Expected::groups`]).
    #[serde(default)]
    pub by: IndexMap<String, Vec<Group>>,
}

/// A group of `--by`: its score and, per metric, (compliant, total, value).
#[derive(Debug, Deserialize)]
pub struct Group {
    pub group: String,
    pub score: f64,
    #[serde(flatten)]
    pub metrics: IndexMap<String, (u64, u64, f64)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    pub scanned: u64,
    /// Files per language; absent: not checked.
    pub by_language: Option<IndexMap<String, u64>>,
    /// Files per role; absent: not checked.
    pub roles: Option<IndexMap<String, u64>>,
    /// How many files were skipped; absent: not checked.
    pub skipped: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub compliant: u64,
    pub total: u64,
    /// The metric's value in percent; absent: not checked.
    pub value: Option<f64>,
    pub unit: Option<String>,
    /// An `external` metric's number.
    pub measured: Option<f64>,
    /// Coverage report paths that are in no repository file.
    pub unmatched_report_paths: Option<Vec<String>>,
    /// Every offender, in report order; absent: not checked.
    pub offenders: Option<Vec<Offender>>,
}

/// An offender as "path:line item" (no ":line" for a whole file), with its
/// detail text when the fixture states it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Offender {
    At(String),
    Detailed { at: String, detail: String },
}

impl Offender {
    pub fn at(&self) -> &str {
        match self {
            Offender::At(at) | Offender::Detailed { at, .. } => at,
        }
    }
}

impl Expected {
    /// Reads `fixtures/NAME/expected.toml`.
    pub fn of(name: &str) -> Expected {
        let path = fixtures().join(name).join("expected.toml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The metric named `name`, which the file must state.
    pub fn metric(&self, name: &str) -> &Metric {
        self.metrics
            .get(name)
            .unwrap_or_else(|| panic!("expected.toml states no metric {name}"))
    }

    /// The groups stated for `--by BY`, which the file must state.
    pub fn groups(&self, by: &str) -> &[Group] {
        self.by
            .get(by)
            .unwrap_or_else(|| panic!("expected.toml states no groups for --by {by}"))
    }

    /// Checks the exit code and report against every number stated; panics
    /// listing all differences at once.
    pub fn check(&self, code: i32, report: &Value) {
        let mut diffs = Vec::new();
        same(&mut diffs, "exit_code", &self.exit_code, &code);
        number(&mut diffs, "score", self.score, &report["score"]);
        if let Some(passed) = self.passed {
            same(
                &mut diffs,
                "passed",
                &Value::from(passed),
                &report["passed"],
            );
        }
        if let Some(failures) = &self.gate_failures {
            same(
                &mut diffs,
                "gate_failures",
                &Value::from(failures.clone()),
                &report["gate"]["failures"],
            );
        }
        if let Some(files) = &self.files {
            files.check(&mut diffs, &report["files"]);
        }
        let names: Vec<&str> = report["metrics"]
            .as_array()
            .map(|ms| ms.iter().filter_map(|m| m["name"].as_str()).collect())
            .unwrap_or_default();
        let stated: Vec<&str> = self.metrics.keys().map(String::as_str).collect();
        same(&mut diffs, "metrics (names, in order)", &stated, &names);
        for (name, expected) in &self.metrics {
            if let Some(m) = report["metrics"]
                .as_array()
                .and_then(|ms| ms.iter().find(|m| m["name"] == name.as_str()))
            {
                expected.check(&mut diffs, name, m);
            }
        }
        assert!(
            diffs.is_empty(),
            "the report differs from expected.toml:\n  {}\nreport:\n{report:#}",
            diffs.join("\n  ")
        );
    }
}

impl Files {
    fn check(&self, diffs: &mut Vec<String>, files: &Value) {
        same(
            diffs,
            "files.scanned",
            &Value::from(self.scanned),
            &files["scanned"],
        );
        if let Some(by_language) = &self.by_language {
            let expected = serde_json::to_value(by_language).unwrap_or_default();
            same(diffs, "files.by_language", &expected, &files["by_language"]);
        }
        if let Some(roles) = &self.roles {
            let expected = serde_json::to_value(roles).unwrap_or_default();
            same(diffs, "files.roles", &expected, &files["roles"]);
        }
        if let Some(skipped) = self.skipped {
            let got = files["skipped"].as_array().map(|s| s.len() as u64);
            same(diffs, "files.skipped", &Some(skipped), &got);
        }
    }
}

impl Metric {
    fn check(&self, diffs: &mut Vec<String>, name: &str, m: &Value) {
        let key = |k: &str| format!("metrics.{name}.{k}");
        same(
            diffs,
            &key("compliant"),
            &Value::from(self.compliant),
            &m["compliant"],
        );
        same(diffs, &key("total"), &Value::from(self.total), &m["total"]);
        if let Some(value) = self.value {
            number(diffs, &key("value"), value, &m["value"]);
        }
        if let Some(unit) = &self.unit {
            same(diffs, &key("unit"), &Value::from(unit.as_str()), &m["unit"]);
        }
        if let Some(measured) = self.measured {
            number(diffs, &key("measured"), measured, &m["measured"]);
        }
        if let Some(paths) = &self.unmatched_report_paths {
            same(
                diffs,
                &key("unmatched_report_paths"),
                &Value::from(paths.clone()),
                &m["unmatched_report_paths"],
            );
        }
        let Some(offenders) = &self.offenders else {
            return;
        };
        let got: Vec<&Value> = m["offenders"]
            .as_array()
            .map(|os| os.iter().collect())
            .unwrap_or_default();
        let got_at: Vec<String> = got.iter().map(|o| describe(o)).collect();
        let expected_at: Vec<&str> = offenders.iter().map(Offender::at).collect();
        same(diffs, &key("offenders"), &expected_at, &got_at);
        for (i, offender) in offenders.iter().enumerate() {
            if let (Offender::Detailed { detail, .. }, Some(o)) = (offender, got.get(i)) {
                same(
                    diffs,
                    &key(&format!("offenders[{i}].detail")),
                    &Value::from(detail.as_str()),
                    &o["detail"],
                );
            }
        }
    }
}

fn same<A, B>(diffs: &mut Vec<String>, what: &str, expected: &A, got: &B)
where
    A: PartialEq<B> + std::fmt::Debug + ?Sized,
    B: std::fmt::Debug + ?Sized,
{
    if expected != got {
        diffs.push(format!("{what}: expected {expected:?}, got {got:?}"));
    }
}

/// A number compared exactly, as the report prints it (one decimal).
fn number(diffs: &mut Vec<String>, what: &str, expected: f64, got: &Value) {
    if got.as_f64() != Some(expected) {
        diffs.push(format!("{what}: expected {expected}, got {got}"));
    }
}
