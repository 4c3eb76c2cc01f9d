//! The raw quality definition: serde structs that mirror `quality.toml`
//! exactly, with source spans kept so validation can point at a line and column.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

type S<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub scan: Option<RawScan>,
    pub history: Option<RawHistory>,
    pub gate: Option<RawGate>,
    #[serde(default)]
    pub metrics: IndexMap<String, Spanned<RawMetric>>,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    pub window: S<u64>,
    pub since: S<String>,
    pub branch: S<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGate {
    pub min_score: S<f64>,
    pub no_regression: S<bool>,
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
    // typed
    pub python: S<String>,
    // large-files
    pub max_lines: S<u64>,
    // interface-width
    pub max_items: S<u64>,
    // preferred-library
    pub family: S<String>,
    pub preferred: S<Vec<String>>,
    pub discouraged: S<Vec<String>>,
    // hot-files
    pub share: S<f64>,
    // change-size
    pub max_files: S<u64>,
    // coverage
    pub report: S<String>,
    // query
    pub language: S<String>,
    pub query: S<String>,
    pub unit: S<String>,
    pub message: S<String>,
    // external (its lower bound is the common `min`, read as a number)
    pub file: S<String>,
    pub pointer: S<String>,
    pub max: S<f64>,
}

impl RawMetric {
    /// The kind-specific keys that are present, with their spans.
    pub fn specific_keys(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut keys = Vec::new();
        macro_rules! key {
            ($field:ident) => {
                if let Some(v) = &self.$field {
                    keys.push((stringify!($field), v.span()));
                }
            };
        }
        key!(python);
        key!(max_lines);
        key!(max_items);
        key!(family);
        key!(preferred);
        key!(discouraged);
        key!(share);
        key!(max_files);
        key!(report);
        key!(language);
        key!(query);
        key!(unit);
        key!(message);
        key!(file);
        key!(pointer);
        key!(max);
        keys
    }
}
