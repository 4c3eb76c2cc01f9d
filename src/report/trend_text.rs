//! `qscan trend` as text: one row per point, oldest first, with the score and
//! each metric's value, then the notes.

use std::fmt::Write;

use super::{Trend, TrendValue, escape, short_id};
use crate::model::Status;

pub fn render(t: &Trend) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "qscan trend {}  ({} of {}'s first-parent line)",
        escape(&t.root),
        crate::metrics::plural(t.points.len() as u64, "point"),
        escape(&t.line)
    );
    let _ = writeln!(out, "definition: {}", escape(&t.definition));
    out.push('\n');

    let mut header = vec![
        "revision".to_string(),
        "date".to_string(),
        "score".to_string(),
    ];
    header.extend(t.metrics.iter().map(|m| escape(&m.name)));
    // Hours matter when the points lie within a few days.
    let span = match (t.points.first(), t.points.last()) {
        (Some(first), Some(last)) => last.seconds - first.seconds,
        _ => 0,
    };
    let date_len = if span < 4 * 86_400 { 16 } else { 10 };
    let rows: Vec<Vec<String>> = t
        .points
        .iter()
        .map(|p| {
            let mut row = vec![
                escape(short_id(&p.revision)),
                p.time.get(..date_len).unwrap_or(&p.time).replace('T', " "),
                format!("{:.1}", p.score),
            ];
            row.extend(p.metrics.iter().map(cell));
            row
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .chain(std::iter::once(&header[i]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Revision and date read left to right; numbers line up on the right.
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            let pad = w.saturating_sub(c.chars().count());
            if i > 0 {
                s.push_str("  ");
            }
            if i < 2 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&header));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    let any = |f: fn(&Status) -> bool| {
        t.points
            .iter()
            .any(|p| p.metrics.iter().any(|m| f(&m.status)))
    };
    if any(|s| matches!(s, Status::NotApplicable { .. })) {
        let _ = writeln!(
            out,
            "(n/a: not applicable at that point — a history shorter than [history] min_units, \
             or a file of today's working tree; --format json gives each reason)"
        );
    }
    if any(Status::is_not_measured) {
        let _ = writeln!(out, "(— not measured at that point: see the notes)");
    }
    for n in &t.notes {
        let _ = writeln!(out, "note: {}", escape(&n.to_string()));
    }
    out
}

fn cell(m: &TrendValue) -> String {
    match m.status {
        Status::Measured => format!("{:.1}%", m.value),
        Status::NotApplicable { .. } => "n/a".to_string(),
        Status::NotMeasured { .. } => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_trend;

    #[test]
    fn names_from_the_repository_are_escaped() {
        let mut t = sample_trend();
        t.metrics[0].name = "typed\n::error::x\u{1b}[2J".into();
        t.notes.push(crate::model::Note::TrendHeadOnly {
            metrics: vec!["a\rb".into()],
        });
        let text = render(&t);
        assert!(!text.contains('\r') && !text.contains('\u{1b}'), "{text:?}");
        assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
        assert!(text.contains("typed\\n::error::x\\u{1b}[2J"), "{text}");
        assert!(text.contains("note: metric 'a\\rb' is measured"), "{text}");
    }

    #[test]
    fn one_row_per_point_oldest_first() {
        let text = render(&sample_trend());
        let expected = "\
qscan trend /abs/shop  (3 points of HEAD's first-parent line)
definition: /abs/shop/quality.toml

revision      date              score   typed  large-files  coverage
aaaaaaaaaaaa  2023-11-14 22:13   50.0   40.0%        60.0%       n/a
bbbbbbbbbbbb  2023-11-15 22:13   62.5   55.0%        70.0%       n/a
cccccccccccc  2023-11-16 22:13   75.0  100.0%        50.0%     75.0%
(n/a: not applicable at that point — a history shorter than [history] min_units, or a file of today's working tree; --format json gives each reason)
note: metric 'coverage' is measured at HEAD's commit only: coverage reports and other tools' JSON are files of the working tree, describing today's code, so earlier points leave it out (and out of their score)
";
        assert_eq!(text, expected);
    }
}
