//! The raw quality definition: serde structs that mirror `quality.toml`
//! exactly, with source spans kept so validation can point at a line and column.
//! A metric table's kind-specific keys are declared by the kinds (see
//! [`crate::metrics::keys`]) and read beside the common ones.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::metrics::keys::RawValue;

type S<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub scan: Option<RawScan>,
    pub history: Option<RawHistory>,
    pub gate: Option<RawGate>,
    #[serde(default)]
    pub metrics: IndexMap<String, Spanned<RawMetric>>,
    /// `[goals."TEAM"]`, with the span of each team's key.
    #[serde(skip)]
    pub goals: Vec<(Spanned<String>, RawGoal)>,
    /// Per metric, the keys whose values were of the wrong type (already
    /// reported) and left out: not to be reported as missing as well.
    #[serde(skip)]
    pub mistyped: IndexMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScan {
    pub exclude: S<Vec<String>>,
    pub max_file_bytes: S<u64>,
    pub test_patterns: S<Vec<String>>,
    /// `[scan.roles]`: globs by role name, in written order.
    pub roles: S<IndexMap<String, Spanned<Vec<String>>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    pub window: S<u64>,
    pub since: S<String>,
    pub branch: S<String>,
    pub min_units: S<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGate {
    pub min_score: S<f64>,
    pub no_regression: S<bool>,
}

/// A team's goal (README "Goals and the program dashboard").
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGoal {
    pub score: S<f64>,
    /// A date: the string "YYYY-MM-DD" or a TOML date.
    pub by: S<toml::Value>,
    pub metrics: S<IndexMap<String, Spanned<f64>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    pub kind: S<String>,
    pub min: S<f64>,
    pub max_offenders: S<u64>,
    pub weight: S<f64>,
    pub languages: S<Vec<String>>,
    pub exclude: S<Vec<String>>,
    pub roles: S<Vec<String>>,
    pub optional: S<bool>,
    /// The kind-specific keys, in file order, each value already checked
    /// against its key's declared type; the kind reads them.
    #[serde(skip)]
    pub specific: Vec<(String, Spanned<RawValue>)>,
}
