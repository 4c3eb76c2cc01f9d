//! `--format json`: the report object of the README's "The JSON report", pretty-printed.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}"));
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
