//! `--format json`: the report object of the README's "The JSON report", pretty-printed.

use super::Report;

pub fn render(report: &Report) -> String {
    pretty(report, "the report")
}

/// Any of qscan's JSON objects, pretty-printed with a final newline; `what`
/// names it in the error object printed instead when it cannot be.
pub fn pretty<T: serde::Serialize>(value: &T, what: &str) -> String {
    let mut s = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize {what}: {e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_json_object_with_the_documented_fields_and_a_final_newline() {
        let text = render(&super::super::tests::sample(false));
        assert!(text.ends_with("}\n"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        for key in [
            "version",
            "score",
            "passed",
            "gate",
            "metrics_measured",
            "metrics",
        ] {
            assert!(v.get(key).is_some(), "no `{key}` in {text}");
        }
    }
}
