//! `qscan explain`: what a metric measures, its unit, its compliance rule and
//! its keys, from the kind registry (the same text the README's metric table is
//! generated from, so the two cannot drift apart).

use std::fmt::Write;

use crate::config::{Definition, MetricDef};
use crate::metrics::keys::COMMON_KEYS;
use crate::metrics::{KINDS, Key, KindInfo, Source};

/// Explains a metric of the definition or a kind by name, lists the rule
/// pack (`rules`) or prints one of its rules; None if none of these.
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
    if topic == "rules" {
        return Some(crate::metrics::rule::explain_pack());
    }
    if let Some(text) = crate::metrics::rule::pack_text(topic) {
        return Some(text.to_string());
    }
    KINDS.iter().find(|k| k.name == topic).map(|k| kind_text(k))
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
            Source::Files => {
                "the files, through tree-sitter (a function touching a syntax error is left \
                 out; a file whose errors cover most of it is skipped)"
            }
            Source::History => "the git history (first-parent change units)",
            Source::Report => "a file another tool wrote, named in the metric's table",
        }
    );
    let roles: Vec<&str> = k.roles.iter().map(|r| r.name()).collect();
    let _ = writeln!(
        out,
        "roles:   {} (the files it measures unless `roles` says otherwise; README, \"File roles\")",
        if roles.len() == crate::snapshot::Role::ALL.len() {
            "every role".to_string()
        } else {
            roles.join(", ")
        }
    );
    let _ = writeln!(out, "rule:    {}", wrap(k.rule(), 70, "         "));
    if k.keys.is_empty() {
        let _ = writeln!(out, "keys:    none of its own");
    }
    for (i, key) in k.keys.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}{}",
            if i == 0 { "keys:    " } else { "         " },
            wrap(&key_text(key), 70, "           ")
        );
    }
    let _ = writeln!(
        out,
        "         and the common keys {}",
        COMMON_KEYS.join(", ")
    );
    let _ = writeln!(
        out,
        "value:   100 × compliant units / all units (not applicable when there are none: shown as n/a, out of the score); offenders are the non-compliant units, worst first"
    );
    out
}

/// A key with its type, default and description, in one line.
pub fn key_text(key: &Key) -> String {
    let default = key
        .ty
        .default_toml()
        .map(|d| format!(", default {d}"))
        .unwrap_or_default();
    format!("{} ({}{default}): {}", key.name, key.ty.name(), key.doc)
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
    if m.roles != m.kind.info().roles {
        let names: Vec<&str> = m.roles.iter().map(|r| r.name()).collect();
        parts.push(format!("roles = {names:?}"));
    }
    parts.extend(m.params.settings());
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

/// The README holds [`markdown_table`] between these markers.
pub const KINDS_START: &str = "<!-- kinds:start";
pub const KINDS_END: &str = "<!-- kinds:end -->";

/// The README's table of metric kinds, generated from the registry.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| kind | unit | roles | compliant when | kind-specific keys |\n|---|---|---|---|---|\n",
    );
    for k in KINDS {
        let keys = if k.keys.is_empty() {
            "—".to_string()
        } else {
            k.keys
                .iter()
                .map(|k| match k.ty.default_toml() {
                    Some(d) => format!("`{}` (default `{d}`)", k.name),
                    None => format!("`{}`", k.name),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let roles = if k.roles.len() == crate::snapshot::Role::ALL.len() {
            "every role".to_string()
        } else {
            let names: Vec<String> = k.roles.iter().map(|r| format!("`{r}`")).collect();
            names.join(", ")
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            k.name,
            k.unit,
            roles,
            k.rule().replace('|', "\\|"),
            keys
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's kind table, between its markers, is the registry's;
    /// `QSCAN_BLESS=1 cargo test readme_metric_table` rewrites it.
    #[test]
    fn readme_metric_table_matches_the_registry() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let start = readme
            .find(KINDS_START)
            .expect("README has the kinds:start marker");
        let start = start + readme[start..].find('\n').unwrap() + 1;
        let end = readme
            .find(KINDS_END)
            .expect("README has the kinds:end marker");
        let table = markdown_table();
        if std::env::var_os("QSCAN_BLESS").is_some() {
            let new = format!("{}{table}{}", &readme[..start], &readme[end..]);
            std::fs::write(path, new).unwrap();
            return;
        }
        assert_eq!(
            readme[start..end],
            table,
            "README.md's metric table is out of date; run \
             `QSCAN_BLESS=1 cargo test readme_metric_table` (or paste `qscan explain --markdown`)"
        );
    }

    #[test]
    fn file_kinds_say_what_a_syntax_error_leaves_out() {
        // Wrapped at 70 columns: compared word by word.
        let words = |t: String| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = words(explain("large-files", None).unwrap());
        assert!(
            text.contains("a function touching a syntax error is left"),
            "{text}"
        );
        assert!(text.contains("a whitespace-only line inside another string"));
        let text = words(explain("hot-files", None).unwrap());
        assert!(text.contains("a tracked symbolic link too"), "{text}");
        assert!(text.contains("at least 50% similar"), "{text}");
    }

    #[test]
    fn explains_kinds_and_rejects_unknown_topics() {
        let text = explain("large-files", None).unwrap();
        assert!(text.starts_with("large-files — The share of source files"));
        assert!(
            text.contains("keys:    max_lines (whole number ≥ 1, default 500): code lines"),
            "{text}"
        );
        assert!(explain("nope", None).is_none());
    }
}
