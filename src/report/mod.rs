//! Reports: the result of a run as one serializable value, and one renderer
//! per output format. Renderers are pure functions of the report.

pub mod json;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::Skipped;
use crate::metrics::MetricResult;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub version: String,
    pub root: String,
    /// The commit scanned, or None for the working tree.
    pub revision: Option<String>,
    /// The quality definition used: a path, or "built-in default".
    pub definition: String,
    pub score: f64,
    pub passed: bool,
    pub gate: GateReport,
    pub metrics: Vec<MetricResult>,
    pub files: FilesReport,
    pub history: Option<HistoryReport>,
    /// Files ranked by change units × code lines: where to start.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hotspots: Vec<Hotspot>,
    /// Things the reader should know (built-in definition, no history, …).
    pub notes: Vec<String>,
    /// The revision compared with (`--baseline REV`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_revision: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    pub min_score: Option<f64>,
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FilesReport {
    pub scanned: usize,
    pub by_language: BTreeMap<String, usize>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryReport {
    pub change_units: usize,
    /// The oldest and newest change unit of the window.
    pub first: Option<String>,
    pub last: Option<String>,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
    pub shallow: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hotspot {
    pub path: String,
    pub changes: u64,
    pub code_lines: u32,
    pub score: u64,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Renders a report in a format. Text may carry ANSI styles; the caller strips
/// them when colour is off.
pub fn render(report: &Report, format: Format, quiet: bool) -> String {
    match format {
        Format::Text => text::render(report, quiet),
        Format::Json => json::render(report),
    }
}

/// Formats seconds since the epoch as an RFC 3339 UTC timestamp.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if mo <= 2 { y + 1 } else { y };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{m:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
