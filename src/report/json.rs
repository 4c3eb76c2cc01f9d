//! `--format json`: the report object of PRODUCT.md, pretty-printed.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}"));
    s.push('\n');
    s
}
