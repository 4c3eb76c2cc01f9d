//! `qscan explain`: what a metric measures, its unit, its compliance rule and
//! its keys, from the kind registry (the same text the README's metric table is
//! generated from, so the two cannot drift apart).

use std::fmt::Write;

use crate::config::{Definition, MetricDef, Params, PythonMode};
use crate::metrics::{KINDS, KindInfo, Source};

/// Keys every metric accepts, whatever its kind.
pub const COMMON_KEYS: &[&str] = &[
    "kind",
    "min",
    "max_offenders",
    "weight",
    "languages",
    "exclude",
];

/// Explains a metric of the definition or a kind by name; None if neither.
pub fn explain(topic: &str, def: Option<&Definition>) -> Option<String> {
    if let Some(metric) = def.and_then(|d| d.metrics.iter().find(|m| m.name == topic)) {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "metric `{}` of this repository's definition, kind `{}`:",
            crate::report::escape(&metric.name),
            metric.kind.name()
        );
        let _ = writeln!(out, "  {}\n", settings(metric));
        out.push_str(&kind_text(metric.kind.info()));
        return Some(out);
    }
    KINDS.iter().find(|k| k.name == topic).map(kind_text)
}

/// The list of kinds, for `qscan explain` without a topic.
pub fn overview(def: Option<&Definition>) -> String {
    let mut out = String::from("Metric kinds (qscan explain KIND for the details):\n");
    let width = KINDS.iter().map(|k| k.name.len()).max().unwrap_or(0);
    for k in KINDS {
        let _ = writeln!(out, "  {:width$}  {}", k.name, k.summary);
    }
    if let Some(def) = def {
        out.push_str("\nMetrics of this repository's definition:\n");
        for m in &def.metrics {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                crate::report::escape(&m.name),
                m.kind.name(),
                settings(m)
            );
        }
    }
    out
}

fn kind_text(k: &KindInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}\n", k.name, k.summary);
    let _ = writeln!(out, "unit:    {}", k.unit);
    let _ = writeln!(
        out,
        "source:  {}",
        match k.source {
            Source::Files => "the files, through tree-sitter",
            Source::History => "the git history (first-parent change units)",
            Source::Report => "a file another tool wrote, named in the metric's table",
        }
    );
    let _ = writeln!(out, "rule:    {}", wrap(k.rule, 70, "         "));
    let keys = if k.keys.is_empty() {
        "none of its own".to_string()
    } else {
        k.keys.join(", ")
    };
    let _ = writeln!(out, "keys:    {keys}");
    let _ = writeln!(
        out,
        "         and the common keys {}",
        COMMON_KEYS.join(", ")
    );
    let _ = writeln!(
        out,
        "value:   100 × compliant units / all units (100 when there are none); offenders are the non-compliant units, worst first"
    );
    out
}

/// The configured thresholds and settings of a metric, in one line.
fn settings(m: &MetricDef) -> String {
    let mut parts = Vec::new();
    if let Some(min) = m.min {
        parts.push(format!("min = {min}"));
    }
    if let Some(max) = m.max_offenders {
        parts.push(format!("max_offenders = {max}"));
    }
    parts.push(format!("weight = {}", m.weight));
    if let Some(langs) = &m.languages {
        let names: Vec<&str> = langs.iter().map(|l| l.name()).collect();
        parts.push(format!("languages = {names:?}"));
    }
    match &m.params {
        Params::Typed { python } => parts.push(format!(
            "python = \"{}\"",
            match python {
                PythonMode::Complete => "complete",
                PythonMode::Mypy => "mypy",
            }
        )),
        Params::LargeFiles { max_lines } => parts.push(format!("max_lines = {max_lines}")),
        Params::InterfaceWidth { max_items } => parts.push(format!("max_items = {max_items}")),
        Params::PreferredLibrary {
            preferred,
            discouraged,
            family,
        } => {
            parts.push(format!("preferred = {preferred:?}"));
            if !discouraged.is_empty() {
                parts.push(format!("discouraged = {discouraged:?}"));
            }
            if !family.is_empty() {
                parts.push("a built-in family".to_string());
            }
        }
        Params::HotFiles { share } => parts.push(format!("share = {share}")),
        Params::ChangeSize { max_files } => parts.push(format!("max_files = {max_files}")),
        Params::TestAssociation => {}
        Params::Coverage { report } => parts.push(format!("report = {report:?}")),
        Params::Query {
            language,
            unit,
            message,
            ..
        } => {
            parts.push(format!("language = \"{language}\""));
            parts.push(format!("unit = \"{}\"", unit.name()));
            if let Some(m) = message {
                parts.push(format!("message = {m:?}"));
            }
        }
        Params::External {
            file,
            pointer,
            min,
            max,
        } => {
            parts.push(format!("file = {file:?}, pointer = {pointer:?}"));
            if let Some(min) = min {
                parts.push(format!("at least {min}"));
            }
            if let Some(max) = max {
                parts.push(format!("at most {max}"));
            }
        }
    }
    parts.join(", ")
}

pub(crate) fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.len() > width {
            out.push('\n');
            out.push_str(indent);
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// The README's table of metric kinds, generated from the registry.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| kind | unit | compliant when | kind-specific keys |\n|---|---|---|---|\n");
    for k in KINDS {
        let keys = if k.keys.is_empty() {
            "—".to_string()
        } else {
            k.keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            k.name,
            k.unit,
            k.rule.replace('|', "\\|"),
            keys
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_metric_table_matches_the_registry() {
        let readme = include_str!("../README.md");
        let table = markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's metric table is out of date; replace it with `qscan explain --markdown`:\n{table}"
        );
    }

    #[test]
    fn explains_kinds_and_rejects_unknown_topics() {
        let text = explain("large-files", None).unwrap();
        assert!(text.starts_with("large-files — The share of source files"));
        assert!(text.contains("keys:    max_lines\n"));
        assert!(explain("nope", None).is_none());
    }
}
