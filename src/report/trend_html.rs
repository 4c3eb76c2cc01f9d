//! `qscan trend --format html`: one self-contained page — inline CSS and
//! inline SVG, no script, font or anything else fetched — with a line chart
//! of the score and of each metric over time, and the numbers as a table.
//! The charts are drawn here, as SVG text, so the page shows the same thing
//! in any browser, offline, and can be attached to a mail or a CI artifact.

use std::fmt::Write;

use super::{Trend, TrendPoint, short_id};
use crate::model::Status;

/// The chart's drawing box (SVG user units) and its plot area.
const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 540.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 206.0;

pub(super) const STYLE: &str = "\
:root { --ink: #1f2328; --muted: #656d76; --grid: #d8dee4; --line: #0969da; --min: #cf222e; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink);
  margin: 24px auto; max-width: 1160px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.meta { color: var(--muted); margin: 0 0 16px; font-size: 13px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--grid); border-radius: 6px; padding: 10px 12px 4px; }
figcaption { font-weight: 600; font-size: 14px; }
figcaption span { font-weight: normal; color: var(--muted); }
svg { width: 100%; height: auto; display: block; }
svg text { font-size: 11px; fill: var(--muted); }
svg .grid { stroke: var(--grid); stroke-width: 1; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .series { fill: none; stroke: var(--line); stroke-width: 2.5; stroke-linejoin: round; }
svg .dot { fill: #fff; stroke: var(--line); stroke-width: 2; }
svg .dot.below { fill: var(--min); stroke: var(--min); }
svg .min { stroke: var(--min); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg text.min-label { fill: var(--min); }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--grid); text-align: right; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
td.rev { font-family: ui-monospace, monospace; }
td.skipped { color: var(--muted); }
td.below { color: var(--min); font-weight: 600; }
td.moved { text-align: left; color: var(--muted); }
ul.notes { color: var(--muted); font-size: 13px; }
";

pub fn render(t: &Trend) -> String {
    let name = repository_name(&t.root);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>qscan trend — {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(name)
    );
    let _ = writeln!(out, "<h1>qscan trend — {}</h1>", esc(name));
    let span = match (t.points.first(), t.points.last()) {
        (Some(first), Some(last)) => {
            format!(", {} to {}", date(&first.time), date(&last.time))
        }
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} of {}'s first-parent line{span} · {} · definition: {} · qscan {}</p>",
        crate::metrics::plural(t.points.len() as u64, "point"),
        esc(&t.line),
        esc(&t.root),
        esc(&t.definition),
        esc(&t.version)
    );

    out.push_str("<section class=\"charts\">\n");
    // Each dot's tooltip: the commit, its date and the numbers.
    let dot = |p: &TrendPoint, value: f64, numbers: String| -> Dot {
        let tip = format!("{} {}: {numbers}", short_id(&p.revision), date(&p.time));
        (p.seconds, Some((value, tip)))
    };
    let scores: Vec<Dot> = t
        .points
        .iter()
        .map(|p| dot(p, p.score, format!("score {:.1}", p.score)))
        .collect();
    let min_score = t.min_score.map(|m| format!("min score {m}"));
    chart(
        &mut out,
        ("score", "", "score"),
        "the weighted mean of the metrics",
        &scores,
        t.min_score.zip(min_score),
    );
    for (i, m) in t.metrics.iter().enumerate() {
        let values: Vec<Dot> = t
            .points
            .iter()
            .map(
                |p| match p.metrics.get(i).filter(|v| v.status.is_measured()) {
                    Some(v) => dot(
                        p,
                        v.value,
                        format!("{:.1}% ({}/{} {})", v.value, v.compliant, v.total, m.unit),
                    ),
                    None => (p.seconds, None),
                },
            )
            .collect();
        let about = format!("{}, share of {} units compliant", m.kind, m.unit);
        chart(
            &mut out,
            (&m.name, "%", "compliant (%)"),
            &about,
            &values,
            m.min.map(|min| (min, format!("min {min}%"))),
        );
    }
    out.push_str("</section>\n");

    table(&mut out, t);
    if !t.notes.is_empty() {
        out.push_str("<h2>Notes</h2>\n<ul class=\"notes\">\n");
        for n in &t.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(&n.to_string()));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The folder name of the repository's root.
fn repository_name(root: &str) -> &str {
    root.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(root)
}

/// One point of a chart: its time (seconds since the epoch) and, where it
/// was measured, its value in percent with its tooltip; None breaks the line.
pub(super) type Dot = (i64, Option<(f64, String)>);

/// One line chart of `dots`, oldest first; dates along the bottom. `title`
/// is the chart's name, the values' suffix in the caption and the value
/// axis' name. Shared by the trend page and the dashboard.
pub(super) fn chart(
    out: &mut String,
    (title, suffix, axis): (&str, &str, &str),
    about: &str,
    dots: &[Dot],
    min: Option<(f64, String)>,
) {
    let seconds: Vec<i64> = dots.iter().map(|(s, _)| *s).collect();
    let values: Vec<&Option<(f64, String)>> = dots.iter().map(|(_, v)| v).collect();
    let measured: Vec<f64> = values.iter().copied().flatten().map(|(v, _)| *v).collect();
    let change = match (measured.first(), measured.last()) {
        (Some(first), Some(last)) if measured.len() > 1 => {
            format!(" — {last:.1}{suffix} now, {first:.1}{suffix} at the first point")
        }
        (Some(only), _) => format!(" — {only:.1}{suffix}"),
        _ => " — not measured".to_string(),
    };
    let _ = writeln!(
        out,
        "<figure>\n<figcaption>{}<span>{}</span></figcaption>",
        esc(title),
        esc(&change)
    );
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}: {}\">",
        esc(title),
        esc(about)
    );
    // The value axis: 0 to 100 percent.
    for pct in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = y_of(pct);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{RIGHT}\" y2=\"{y:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{pct}%</text>",
            LEFT - 6.0,
            y + 4.0
        );
    }
    let _ = writeln!(
        out,
        "<text transform=\"translate(12 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        (TOP + BOTTOM) / 2.0,
        esc(axis)
    );
    // The time axis: commit dates.
    let xs = x_positions(&seconds);
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{BOTTOM}\" x2=\"{RIGHT}\" y2=\"{BOTTOM}\"/>"
    );
    for (x, label, anchor) in time_ticks(&seconds) {
        let _ = writeln!(
            out,
            "<line class=\"axis\" x1=\"{x:.1}\" y1=\"{BOTTOM}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            BOTTOM + 4.0,
            BOTTOM + 18.0,
            esc(&label)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">commit date</text>",
        (LEFT + RIGHT) / 2.0,
        HEIGHT - 8.0
    );
    let floor = min.as_ref().map(|(m, _)| *m);
    if let Some((min, label)) = min {
        let y = y_of(min);
        let _ = writeln!(
            out,
            "<line class=\"min\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{RIGHT}\" y2=\"{y:.1}\"/>\
             <text class=\"min-label\" x=\"{RIGHT}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            y - 4.0,
            esc(&label)
        );
    }
    // The line, broken where the metric was not measured.
    let mut path = String::new();
    let mut pen_down = false;
    for (x, v) in xs.iter().zip(&values) {
        match v {
            Some((v, _)) => {
                let _ = write!(
                    path,
                    "{}{x:.1} {:.1} ",
                    if pen_down { "L" } else { "M" },
                    y_of(*v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = writeln!(out, "<path class=\"series\" d=\"{}\"/>", path.trim_end());
    }
    for (x, v) in xs.iter().zip(&values) {
        if let Some((v, tip)) = v {
            // A point below the minimum is marked: it would have failed the gate.
            let below = floor.is_some_and(|m| *v < m);
            let _ = writeln!(
                out,
                "<circle class=\"dot{}\" cx=\"{x:.1}\" cy=\"{:.1}\" r=\"3.5\"><title>{}{}</title></circle>",
                if below { " below" } else { "" },
                y_of(*v),
                esc(tip),
                if below { " — below the minimum" } else { "" }
            );
        }
    }
    out.push_str("</svg>\n</figure>\n");
}

fn y_of(pct: f64) -> f64 {
    BOTTOM - pct.clamp(0.0, 100.0) / 100.0 * (BOTTOM - TOP)
}

/// The first and last point's times (seconds); the last is never before
/// the first.
pub(super) fn time_range(seconds: &[i64]) -> Option<(i64, i64)> {
    let first = *seconds.first()?;
    let last = seconds.iter().copied().max()?.max(first);
    Some((first, last))
}

/// Each point's x: by commit time, never left of the point before (a commit
/// can carry an older date than its parent).
fn x_positions(seconds: &[i64]) -> Vec<f64> {
    let Some((first, last)) = time_range(seconds) else {
        return Vec::new();
    };
    let mut at = first;
    seconds
        .iter()
        .map(|&s| {
            at = at.max(s);
            x_of(at, first, last)
        })
        .collect()
}

fn x_of(secs: i64, first: i64, last: i64) -> f64 {
    if last <= first {
        (LEFT + RIGHT) / 2.0
    } else {
        LEFT + (secs - first) as f64 / (last - first) as f64 * (RIGHT - LEFT)
    }
}

/// Up to five evenly spaced dates along the time axis: (x, label, anchor).
fn time_ticks(seconds: &[i64]) -> Vec<(f64, String, &'static str)> {
    let Some((first, last)) = time_range(seconds) else {
        return Vec::new();
    };
    let label = |secs: i64| time_label(&super::rfc3339(secs), last - first < 4 * 86_400);
    if last <= first {
        return vec![(x_of(first, first, last), label(first), "middle")];
    }
    (0..5)
        .map(|i| {
            let secs = first + (last - first) * i / 4;
            let anchor = match i {
                0 => "start",
                4 => "end",
                _ => "middle",
            };
            (x_of(secs, first, last), label(secs), anchor)
        })
        .collect()
}

fn table(out: &mut String, t: &Trend) {
    let seconds: Vec<i64> = t.points.iter().map(|p| p.seconds).collect();
    let hours = time_range(&seconds).is_some_and(|(first, last)| last - first < 4 * 86_400);
    out.push_str("<h2>Data</h2>\n<table>\n<thead><tr><th>revision</th><th>date</th><th>score</th>");
    for m in &t.metrics {
        let _ = write!(out, "<th>{}</th>", esc(&m.name));
    }
    out.push_str("<th>moved most since the point before</th></tr></thead>\n<tbody>\n");
    for (n, p) in t.points.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><td class=\"rev\" title=\"{}\">{}</td><td title=\"{}\">{}</td><td>{:.1}</td>",
            esc(&p.revision),
            esc(short_id(&p.revision)),
            esc(&p.time),
            esc(&time_label(&p.time, hours)),
            p.score
        );
        for (v, m) in p.metrics.iter().zip(&t.metrics) {
            match &v.status {
                Status::Measured => {
                    let below = m.min.is_some_and(|min| v.value < min);
                    let _ = write!(
                        out,
                        "<td{}>{:.1}% ({}/{})</td>",
                        if below {
                            " class=\"below\" title=\"below the minimum\""
                        } else {
                            ""
                        },
                        v.value,
                        v.compliant,
                        v.total
                    );
                }
                Status::NotApplicable { reason } => {
                    let _ = write!(
                        out,
                        "<td class=\"skipped\" title=\"not applicable: {}\">n/a</td>",
                        esc(reason)
                    );
                }
                Status::NotMeasured { reason, .. } => {
                    let _ = write!(
                        out,
                        "<td class=\"skipped\" title=\"not measured: {}\">—</td>",
                        esc(reason)
                    );
                }
            }
        }
        let moved = n
            .checked_sub(1)
            .and_then(|before| t.points.get(before))
            .map(|before| moved_most(before, p))
            .unwrap_or_default();
        let _ = write!(out, "<td class=\"moved\">{}</td>", esc(&moved));
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `2024-01-31`, or `2024-01-31 14:05` with `hours` (when the points lie
/// within a few days), of an RFC 3339 time.
/// The metrics measured at both points whose value changed most, largest
/// change first (at most three): `typed +4.2, large-files −1.0`.
fn moved_most(before: &TrendPoint, now: &TrendPoint) -> String {
    const SHOWN: usize = 3;
    let mut moves: Vec<(&str, f64)> = now
        .metrics
        .iter()
        .filter(|v| v.status.is_measured())
        .filter_map(|v| {
            let b = before
                .metrics
                .iter()
                .find(|b| b.name == v.name && b.status.is_measured())?;
            let d = crate::metrics::round1(v.value - b.value);
            (d != 0.0).then_some((v.name.as_str(), d))
        })
        .collect();
    moves.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(b.0)));
    moves
        .iter()
        .take(SHOWN)
        .map(|(name, d)| format!("{name} {d:+.1}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn time_label(time: &str, hours: bool) -> String {
    if hours {
        time.get(..16).unwrap_or(time).replace('T', " ")
    } else {
        date(time).to_string()
    }
}

/// `2024-01-31` of an RFC 3339 time.
pub(super) fn date(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

/// Escapes text for HTML content and attribute values.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_trend;

    #[test]
    fn a_chart_per_metric_and_the_score() {
        let html = render(&sample_trend());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("<svg ").count(), 4);
        assert!(html.contains("<title>qscan trend — shop</title>"));
        // Self-contained: nothing to fetch.
        assert!(!html.contains("http"), "{html}");
        assert!(!html.contains("<script"));
        assert!(html.contains(">100%</text>") && html.contains(">0%</text>"));
        assert!(html.contains(">2023-11-14 22:13</text>"));
        assert!(html.contains("min score 70"));
        // Coverage is measured at the last point only: a lone dot, no line.
        let coverage = html
            .split("<figure>")
            .find(|f| f.contains("<figcaption>coverage"))
            .unwrap_or_default();
        assert_eq!(coverage.matches("<circle").count(), 1);
        assert!(coverage.contains("<path class=\"series\" d=\"M540.0 "));
        assert!(!coverage.contains(" L"));
        // The data table has a row per point.
        assert_eq!(html.matches("<tr><td class=\"rev\"").count(), 3);
    }

    #[test]
    fn escapes_what_it_prints() {
        let mut t = sample_trend();
        t.metrics[0].name = "<b>&".into();
        t.root = "/x/<repo>".into();
        let html = render(&t);
        assert!(html.contains("&lt;b&gt;&amp;"));
        assert!(!html.contains("<b>&"));
        assert!(html.contains("qscan trend — &lt;repo&gt;"));
    }

    #[test]
    fn values_map_into_the_plot() {
        assert_eq!(y_of(100.0), TOP);
        assert_eq!(y_of(0.0), BOTTOM);
        assert_eq!(x_of(5, 5, 5), (LEFT + RIGHT) / 2.0);
        assert_eq!(x_of(10, 0, 10), RIGHT);
        assert_eq!(repository_name("/a/b/shop/"), "shop");
        assert_eq!(repository_name("/"), "/");
    }
}
