//! `qscan trend --format json`: the trend object of PRODUCT.md
//! (`{"points": [...]}`, oldest first), pretty-printed.

use super::Trend;

pub fn render(trend: &Trend) -> String {
    let mut s = serde_json::to_string_pretty(trend)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the trend: {e}\"}}"));
    s.push('\n');
    s
}
