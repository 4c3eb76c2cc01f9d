//! `qscan trend --format json`: the trend object of the README's "Trend"
//! (`{"points": [...]}`, oldest first), pretty-printed.

use super::Trend;

pub fn render(trend: &Trend) -> String {
    super::json::pretty(trend, "the trend")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_oldest_first_and_notes_as_their_words() {
        let text = render(&crate::report::tests::sample_trend());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let points = v["points"].as_array().map_or(0, Vec::len);
        assert_eq!(points, 3, "{text}");
        assert!(
            v["notes"][0].as_str().is_some_and(
                |n| n.starts_with("metric 'coverage' is measured at HEAD's commit only")
            ),
            "{text}"
        );
    }
}
