//! `qscan dashboard`: the quality program on one self-contained page —
//! inline CSS and SVG, no script, nothing fetched — so it opens from a file,
//! a CI artifact or a static site. Three zoom levels, top to bottom: the
//! program (its score and each metric over time, how many teams are on
//! track), the leaders' table (a row per team against its goal, the teams
//! asked to act first) and a section per team (its metrics against its
//! targets, the files that would move its score most, its worklist). The
//! page names teams and files, never people. The charts are the trend
//! page's, drawn by the same code.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::short_id;
use super::trend_html::{Dot, STYLE, chart, date, esc, time_label, time_range};
use crate::metrics::goals::{Pace, Track};
use crate::metrics::{Kind, round1};
use crate::program::{GoalView, Program, Team, TeamWork};
use crate::text::plural;

/// The dashboard's own rules, after the trend page's.
const DASHBOARD_STYLE: &str = "\
:root { --good: #1a7f37; --met: #0969da; }
.charts { grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); }
p.summary { font-size: 16px; margin: 8px 0 4px; }
p.summary strong { font-size: 18px; }
p.empty, p.hint { color: var(--muted); font-size: 14px; }
.scroll { overflow-x: auto; max-width: 100%; }
th, td { text-align: left; vertical-align: middle; }
th.num, td.num { text-align: right; }
th { white-space: nowrap; }
table.leaders td.team { white-space: nowrap; font-weight: 600; }
table.leaders td.goal { min-width: 12em; }
table.leaders td.team, table.leaders th:first-child { position: sticky; left: 0; background: #fff; }
svg.spark { width: 100px; height: 24px; display: inline-block; vertical-align: middle; }
svg.spark polyline { fill: none; stroke: var(--line); stroke-width: 1.5; stroke-linejoin: round; }
svg.spark circle { fill: var(--line); }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; white-space: nowrap; border: 1px solid var(--grid); color: var(--muted); }
.status.behind, .status.overdue { color: #fff; background: var(--min); border-color: var(--min); }
.status.on-track { color: var(--good); border-color: var(--good); }
.status.met { color: var(--met); border-color: var(--met); }
section.team { border-top: 1px solid var(--grid); margin-top: 24px; }
section.team h3 { font-size: 17px; margin: 16px 0 4px; }
section.team h4 { font-size: 14px; margin: 16px 0 6px; }
section.team h5 { font-size: 13px; margin: 10px 0 4px; }
ol.work { font-size: 13px; margin: 0; padding-left: 24px; }
code { font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
td code { white-space: nowrap; overflow-wrap: normal; }
";

/// The whole page.
pub fn render(p: &Program) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>qscan dashboard — {}</title>\n<style>\n{STYLE}{DASHBOARD_STYLE}</style>\n\
         </head>\n<body>\n",
        esc(&p.title)
    );
    let _ = writeln!(out, "<h1>qscan dashboard — {}</h1>", esc(&p.title));
    let _ = writeln!(out, "<p class=\"summary\">{}</p>", summary(p));
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(&meta(p)));

    program_charts(&mut out, p);

    let mut teams: Vec<&Team> = p.teams.iter().collect();
    teams.sort_by(|a, b| (rank(a), &a.name).cmp(&(rank(b), &b.name)));
    let ids = anchors(&teams);
    out.push_str("<h2 id=\"teams\">Teams</h2>\n");
    if teams.is_empty() {
        out.push_str(
            "<p class=\"empty\">No teams: the measurements split the code into no team. Group \
             files by the teams of a CODEOWNERS file with <code>--by owner</code>, or by \
             top-level folder with <code>--by dir</code>.</p>\n",
        );
    } else {
        leaders(&mut out, p, &teams, &ids);
        for (t, id) in teams.iter().zip(&ids) {
            team_section(&mut out, p, t, id);
        }
    }

    sources(&mut out, p);
    out.push_str("</body>\n</html>\n");
    out
}

/// The line a lead reads first: how many teams with a goal are on track,
/// and the program's score now with its change over the page's span.
fn summary(p: &Program) -> String {
    let (on, with) = p.on_track();
    let goals = if with == 0 {
        "no team has a goal yet".to_string()
    } else {
        format!("<strong>{on} of {with}</strong> teams with a goal on track")
    };
    let score = match (p.points.first(), p.points.last()) {
        (Some(first), Some(last)) if p.points.len() > 1 => format!(
            "program score <strong>{:.1}</strong> now, {:+.1} since {}",
            last.score,
            round1(last.score - first.score),
            esc(date(&first.time))
        ),
        (Some(only), _) => format!("program score <strong>{:.1}</strong>", only.score),
        _ => "nothing measured yet".to_string(),
    };
    format!("{goals} · {score}")
}

/// What the page was built from, in one line.
fn meta(p: &Program) -> String {
    let span = match (p.points.first(), p.points.last()) {
        (Some(first), Some(last)) => format!(
            "{}, {} to {}",
            plural(p.points.len() as u64, "point"),
            date(&first.time),
            date(&last.time)
        ),
        _ => "no points".to_string(),
    };
    let from = match p.repositories.as_slice() {
        [one] => match &one.revision {
            Some(rev) => format!("{} at {}", one.name, short_id(rev)),
            None => one.name.clone(),
        },
        many => format!("{} (listed below)", plural(many.len() as u64, "repository")),
    };
    format!(
        "{} by {} · {span} · from {from} · qscan {}",
        plural(p.teams.len() as u64, "team"),
        p.by,
        p.version
    )
}

/// The program's score and each metric over time.
fn program_charts(out: &mut String, p: &Program) {
    out.push_str("<h2 id=\"program\">The program over time</h2>\n");
    if p.points.is_empty() {
        out.push_str("<p class=\"empty\">Nothing measured yet: no points to chart.</p>\n");
        return;
    }
    let seconds: Vec<i64> = p.points.iter().map(|pt| pt.seconds).collect();
    let hours = time_range(&seconds).is_some_and(|(first, last)| last - first < 4 * 86_400);
    out.push_str("<section class=\"charts\">\n");
    let scores: Vec<Dot> = p
        .points
        .iter()
        .map(|pt| {
            let tip = format!("{}: score {:.1}", time_label(&pt.time, hours), pt.score);
            (pt.seconds, Some((pt.score, tip)))
        })
        .collect();
    chart(
        out,
        ("score", "", "score"),
        "the weighted mean of the metrics over every team",
        &scores,
        p.min_score.map(|m| (m, format!("min score {m}"))),
    );
    for m in &p.metrics {
        let values: Vec<Dot> = p
            .points
            .iter()
            .map(|pt| {
                let value = pt.value(&m.name).map(|v| {
                    let tip = format!(
                        "{}: {:.1}% ({}/{} {})",
                        time_label(&pt.time, hours),
                        v.value,
                        v.compliant,
                        v.total,
                        m.unit
                    );
                    (v.value, tip)
                });
                (pt.seconds, value)
            })
            .collect();
        let about = format!("{}, share of {} units compliant", m.kind, m.unit);
        chart(
            out,
            (&m.name, "%", "compliant (%)"),
            &about,
            &values,
            m.min.map(|min| (min, format!("min {min}%"))),
        );
    }
    out.push_str("</section>\n");
}

/// Where a team's row goes: the teams asked to act first, then on track,
/// met, and those without a goal (or whose goal nothing measures).
fn rank(t: &Team) -> u8 {
    match t.progress.as_ref().map(|p| p.track) {
        Some(Track::Behind | Track::Overdue) => 0,
        Some(Track::OnTrack) => 1,
        Some(Track::Met) => 2,
        None => 3,
    }
}

/// A team's status word and its CSS class.
fn status(t: &Team) -> (&'static str, &'static str) {
    match (&t.goal, &t.progress) {
        (_, Some(p)) => (
            p.track.label(),
            match p.track {
                Track::Met => "met",
                Track::OnTrack => "on-track",
                Track::Behind => "behind",
                Track::Overdue => "overdue",
            },
        ),
        (Some(_), None) => ("not measured", "none"),
        (None, None) => ("no goal", "none"),
    }
}

fn badge(t: &Team) -> String {
    let (label, class) = status(t);
    format!("<span class=\"status {class}\">{label}</span>")
}

/// One `id` per team, in order: `team-` and the name's letters and digits,
/// lowercased, other runs of characters as one `-`; a number added when two
/// names give the same.
fn anchors(teams: &[&Team]) -> Vec<String> {
    let mut used = BTreeSet::new();
    teams
        .iter()
        .map(|t| {
            let slug = slug(&t.name);
            let base = if slug.is_empty() {
                "team".to_string()
            } else {
                format!("team-{slug}")
            };
            let mut id = base.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A goal's targets and date: `score 80, typed 70% by 2027-03-31`.
fn goal_text(g: &GoalView) -> String {
    let targets: Vec<String> = g
        .score
        .map(|s| format!("score {s}"))
        .into_iter()
        .chain(g.metrics.iter().map(|(m, v)| format!("{m} {v}%")))
        .collect();
    if targets.is_empty() {
        format!("by {}", g.by)
    } else {
        format!("{} by {}", targets.join(", "), g.by)
    }
}

/// The pace the leaders' table shows: the score's, or else the metric
/// target's furthest from its goal, with the metric's name.
fn headline_pace(t: &Team) -> Option<(Option<&str>, &Pace)> {
    let progress = t.progress.as_ref()?;
    if let Some(score) = &progress.score {
        return Some((None, score));
    }
    progress
        .metrics
        .iter()
        .max_by_key(|m| m.pace.track)
        .map(|m| (Some(m.name.as_str()), &m.pace))
}

/// `+2.5`, or `—` when the pace has fewer than two points to go by.
fn per_month(pace: &Pace) -> String {
    if pace.points < 2 {
        "—".to_string()
    } else {
        format!("{:+.1}", pace.per_month)
    }
}

/// A tiny line of a series (seconds, value), no axes: its shape, not its
/// numbers. The values span at least 10 points, so that noise stays flat.
fn sparkline(series: &[(i64, f64)]) -> Option<String> {
    const W: f64 = 100.0;
    const H: f64 = 24.0;
    const PAD: f64 = 3.0;
    let (&(first_t, first_v), &(_, last_v)) = (series.first()?, series.last()?);
    if series.len() < 2 {
        return None;
    }
    let seconds: Vec<i64> = series.iter().map(|(s, _)| *s).collect();
    let (t0, t1) = time_range(&seconds)?;
    let lo = series.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min);
    let hi = series
        .iter()
        .map(|(_, v)| *v)
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi - lo < 10.0 {
        let mid = (lo + hi) / 2.0;
        let lo = (mid - 5.0).clamp(0.0, 90.0);
        (lo, lo + 10.0)
    } else {
        (lo, hi)
    };
    let mut at = first_t;
    let xy: Vec<(f64, f64)> = series
        .iter()
        .enumerate()
        .map(|(i, &(s, v))| {
            // By time, never left of the point before; by index if all
            // points share one time.
            at = at.max(s);
            let share = if t1 > t0 {
                (at - t0) as f64 / (t1 - t0) as f64
            } else {
                i as f64 / (series.len() - 1) as f64
            };
            let x = PAD + share * (W - 2.0 * PAD);
            let y = H - PAD - (v.clamp(lo, hi) - lo) / (hi - lo) * (H - 2.0 * PAD);
            (x, y)
        })
        .collect();
    let points: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let (lx, ly) = xy.last().copied().unwrap_or_default();
    Some(format!(
        "<svg class=\"spark\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-label=\"score from {first_v:.1} to {last_v:.1}\"><title>score {first_v:.1} → \
         {last_v:.1} over {}</title><polyline points=\"{}\"/>\
         <circle cx=\"{lx:.1}\" cy=\"{ly:.1}\" r=\"2\"/></svg>",
        plural(series.len() as u64, "point"),
        points.join(" ")
    ))
}

/// The leaders' view: a row per team against its goal.
fn leaders(out: &mut String, p: &Program, teams: &[&Team], ids: &[String]) {
    if p.on_track().1 == 0 {
        out.push_str(
            "<p class=\"hint\">No team has a goal yet: give one a target score and a date \
             with a <code>[goals.\"TEAM\"]</code> table in quality.toml \
             (<code>score = 80</code>, <code>by = \"YYYY-MM-DD\"</code>).</p>\n",
        );
    }
    out.push_str(
        "<div class=\"scroll\">\n<table class=\"leaders\">\n<thead><tr><th>team</th>\
         <th class=\"num\">score</th><th>goal</th><th>trend</th><th>status</th>\
         <th class=\"num\">projected at the goal date</th><th class=\"num\">pace / month</th>\
         <th>biggest mover</th></tr></thead>\n<tbody>\n",
    );
    for (t, id) in teams.iter().zip(ids) {
        let series: Vec<(i64, f64)> = t.series.iter().map(|pt| (pt.seconds, pt.score)).collect();
        let (projected, pace) = match headline_pace(t) {
            Some((metric, pace)) => (
                match metric {
                    Some(m) => format!("{} {:.1}%", esc(m), pace.projected),
                    None => format!("{:.1}", pace.projected),
                },
                per_month(pace),
            ),
            None => ("—".to_string(), "—".to_string()),
        };
        let mover = t.mover.as_ref().map_or("—".to_string(), |m| {
            format!("{} {:+.1}", esc(&m.metric), m.delta)
        });
        let _ = writeln!(
            out,
            "<tr class=\"row\"><td class=\"team\"><a href=\"#{}\">{}</a></td>\
             <td class=\"num\">{:.1}</td><td class=\"goal\">{}</td><td>{}</td><td>{}</td>\
             <td class=\"num\">{projected}</td><td class=\"num\">{pace}</td><td>{mover}</td></tr>",
            esc(id),
            esc(&t.name),
            t.score,
            t.goal
                .as_ref()
                .map_or("—".to_string(), |g| esc(&goal_text(g))),
            sparkline(&series).unwrap_or_else(|| "—".to_string()),
            badge(t),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

/// A team's view: where it stands against its targets and its remaining
/// work.
fn team_section(out: &mut String, p: &Program, t: &Team, id: &str) {
    let _ = writeln!(
        out,
        "<section class=\"team\" id=\"{}\">\n<h3>{} {}</h3>",
        esc(id),
        esc(&t.name),
        badge(t)
    );
    match &t.goal {
        Some(g) => {
            let _ = writeln!(
                out,
                "<p class=\"meta\">score {:.1} now · goal: {}</p>",
                t.score,
                esc(&goal_text(g))
            );
        }
        None => {
            let _ = writeln!(
                out,
                "<p class=\"meta\">score {:.1} now</p>\n<p class=\"hint\">No goal yet: add \
                 <code>[goals.\"{}\"]</code> with a <code>score</code> and a <code>by</code> \
                 date to quality.toml to follow this team's pace.</p>",
                t.score,
                esc(&t.name)
            );
        }
    }
    targets(out, p, t);
    moves(out, t);
    worklist(out, p, &t.worklist);
    out.push_str("</section>\n");
}

/// The team's score and metrics now against its targets.
fn targets(out: &mut String, p: &Program, t: &Team) {
    let _ = writeln!(
        out,
        "<h4>{}</h4>",
        if t.goal.is_some() {
            "Now and the goal"
        } else {
            "Now"
        }
    );
    out.push_str(
        "<div class=\"scroll\">\n<table>\n<thead><tr><th>metric</th>\
         <th class=\"num\">now</th><th class=\"num\">units</th><th class=\"num\">target</th>\
         <th class=\"num\">projected</th><th class=\"num\">pace / month</th><th>status</th>\
         </tr></thead>\n<tbody>\n",
    );
    let progress = t.progress.as_ref();
    let row = |out: &mut String,
               name: &str,
               now: String,
               units: String,
               target: Option<f64>,
               pace: Option<&Pace>,
               pct: &str| {
        let (projected, per, track) = match pace {
            Some(pace) => (
                format!("{:.1}{pct}", pace.projected),
                per_month(pace),
                format!(
                    "<span class=\"status {}\">{}</span>",
                    pace.track.label().replace(' ', "-"),
                    pace.track.label()
                ),
            ),
            None => ("—".into(), "—".into(), String::new()),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{now}</td><td class=\"num\">{units}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{projected}</td>\
             <td class=\"num\">{per}</td><td>{track}</td></tr>",
            esc(name),
            target.map_or("—".to_string(), |v| format!("{v}{pct}")),
        );
    };
    row(
        out,
        "score",
        format!("{:.1}", t.score),
        "—".into(),
        t.goal.as_ref().and_then(|g| g.score),
        progress.and_then(|p| p.score.as_ref()),
        "",
    );
    let pace_of = |name: &str| {
        progress
            .and_then(|p| p.metrics.iter().find(|m| m.name == name))
            .map(|m| &m.pace)
    };
    let target_of = |name: &str| t.goal.as_ref().and_then(|g| g.metrics.get(name).copied());
    for m in &p.metrics {
        let target = target_of(&m.name);
        match t.metrics.iter().find(|v| v.name == m.name) {
            Some(v) => row(
                out,
                &m.name,
                format!("{:.1}%", v.value),
                format!("{}/{}", v.compliant, v.total),
                target,
                pace_of(&m.name),
                "%",
            ),
            // A target on a metric the team has no units of.
            None if target.is_some() => row(
                out,
                &m.name,
                "no units".into(),
                "0".into(),
                target,
                None,
                "%",
            ),
            None => {}
        }
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

/// The files whose offenders, fixed, would raise the team's score most.
fn moves(out: &mut String, t: &Team) {
    out.push_str("<h4>Files that would move the score most</h4>\n");
    if t.moves.is_empty() {
        out.push_str("<p class=\"empty\">No file to list: the newest measurements name no file with offenders for this team.</p>\n");
        return;
    }
    out.push_str(
        "<div class=\"scroll\">\n<table>\n<thead><tr><th>file</th>\
         <th class=\"num\">score gain (points)</th><th class=\"num\">offenders</th>\
         <th>metrics</th></tr></thead>\n<tbody>\n",
    );
    for m in &t.moves {
        let file = if m.repository.is_empty() {
            m.path.clone()
        } else {
            format!("{}: {}", m.repository, m.path)
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"num\">+{:.2}</td><td class=\"num\">{}</td>\
             <td>{}</td></tr>",
            esc(&file),
            m.gain,
            m.offenders,
            esc(&m.metrics.join(", "))
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

/// The team's worklist per metric, by impact.
fn worklist(out: &mut String, p: &Program, work: &[TeamWork]) {
    out.push_str("<h4>Worklist</h4>\n");
    let work: Vec<&TeamWork> = work.iter().filter(|w| !w.files.is_empty()).collect();
    if work.is_empty() {
        out.push_str(
            "<p class=\"empty\">No worklist: the newest measurements list no file with offenders \
             for this team.</p>\n",
        );
        return;
    }
    for w in work {
        let offender = p
            .metrics
            .iter()
            .find(|m| m.name == w.metric)
            .and_then(|m| Kind::from_name(&m.kind))
            .map_or("offender", |k| k.info().offender);
        let ranked = if w.files.iter().any(|f| f.impact.is_some()) {
            "by impact (offenders × changes)"
        } else {
            "most offenders first"
        };
        let _ = writeln!(
            out,
            "<h5>{} <span class=\"meta\">{ranked}</span></h5>\n<ol class=\"work\">",
            esc(&w.metric)
        );
        for f in &w.files {
            let changes = f
                .changes
                .map(|c| format!(", changed in {}", plural(c, "change unit")))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><code>{}</code> — {}{changes}</li>",
                esc(&f.path),
                esc(&plural(f.offenders, offender))
            );
        }
        out.push_str("</ol>\n");
    }
}

/// The repositories and revisions the page was built from, and the notes.
fn sources(out: &mut String, p: &Program) {
    out.push_str("<h2 id=\"sources\">Built from</h2>\n");
    if p.repositories.is_empty() {
        out.push_str("<p class=\"empty\">No repository was measured.</p>\n");
    } else {
        out.push_str(
            "<div class=\"scroll\">\n<table>\n<thead><tr><th>repository</th><th>revision</th>\
             <th>measured at</th></tr></thead>\n<tbody>\n",
        );
        for r in &p.repositories {
            let revision = r.revision.as_deref().unwrap_or("—");
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"rev\" title=\"{}\">{}</td><td>{}</td></tr>",
                esc(&r.name),
                esc(revision),
                esc(short_id(revision)),
                esc(&r.time)
            );
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
    if !p.notes.is_empty() {
        out.push_str("<h2>Notes</h2>\n<ul class=\"notes\">\n");
        for n in &p.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::WorkFile;
    use crate::metrics::goals::Goal;
    use crate::program::{Count, MetricInfo, Sample, Setup, TeamCount, build};

    const DAY: i64 = 86_400;
    /// 2023-11-14T22:13:20Z.
    const T: i64 = 1_700_000_000;

    fn team(name: &str, compliant: u64, total: u64) -> TeamCount {
        TeamCount {
            name: name.into(),
            metrics: vec![Count {
                name: "typed".into(),
                compliant,
                total,
            }],
        }
    }

    fn sample(days: i64, teams: Vec<TeamCount>) -> Sample {
        let (c, t) = teams.iter().fold((0, 0), |(c, t), team| {
            (c + team.metrics[0].compliant, t + team.metrics[0].total)
        });
        Sample {
            repository: "shop".into(),
            revision: Some(format!("{days:0<40}")),
            seconds: T + days * DAY,
            metrics: vec![Count {
                name: "typed".into(),
                compliant: c,
                total: t,
            }],
            teams,
            work: Vec::new(),
        }
    }

    fn goal(team: &str, score: f64, metrics: &[(&str, f64)]) -> Goal {
        Goal {
            team: team.into(),
            score: Some(score),
            metrics: metrics.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
            by: "2024-01-13".into(),
            by_seconds: T + 60 * DAY,
        }
    }

    fn setup(goals: Vec<Goal>) -> Setup {
        Setup {
            version: "0.1.0".into(),
            by: "owner".into(),
            metrics: vec![MetricInfo {
                name: "typed".into(),
                kind: "typed".into(),
                unit: "function".into(),
                weight: 1.0,
                min: Some(60.0),
            }],
            min_score: Some(50.0),
            goals,
            notes: vec!["a note".into()],
        }
    }

    /// Four samples ten days apart: `@o/up` climbs 10 points each (goal 90
    /// by day 60: on track), `@o/flat` stays at 50 (goal 60: behind),
    /// `@o/done` at 80 (goal 40: met), `@o/free` has no goal and `@o/new`
    /// shows up at the last sample only.
    fn program() -> Program {
        let mut samples: Vec<Sample> = (0..4)
            .map(|i| {
                let mut teams = vec![
                    team("@o/up", 4 + i as u64, 10),
                    team("@o/flat", 5, 10),
                    team("@o/done", 8, 10),
                    team("@o/free", 1, 10),
                ];
                if i == 3 {
                    teams.push(team("@o/new", 1, 2));
                }
                sample(i * 10, teams)
            })
            .collect();
        samples[3].work = vec![TeamWork {
            team: "@o/flat".into(),
            metric: "typed".into(),
            files: vec![WorkFile {
                path: "pkg/api.py".into(),
                offenders: 3,
                changes: Some(4),
                impact: Some(12),
            }],
        }];
        build(
            &samples,
            setup(vec![
                goal("@o/up", 90.0, &[]),
                goal("@o/flat", 60.0, &[]),
                goal("@o/done", 40.0, &[("typed", 70.0)]),
            ]),
        )
    }

    /// The team names of the leaders' rows, in order, with their links.
    fn rows(html: &str) -> Vec<(String, String)> {
        html.split("<tr class=\"row\">")
            .skip(1)
            .filter_map(|row| {
                let href = row.split("href=\"#").nth(1)?.split('"').next()?;
                let name = row.split("\">").nth(2)?.split("</a>").next()?;
                Some((href.to_string(), name.to_string()))
            })
            .collect()
    }

    #[test]
    fn the_summary_first_then_charts_then_leaders_then_teams() {
        let html = render(&program());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>qscan dashboard — shop</title>"));
        // Up and done of up, flat and done; the program's typed goes from
        // 18/40 = 45.0% to 22/42 = 52.4%.
        assert!(html.contains(
            "<p class=\"summary\"><strong>2 of 3</strong> teams with a goal on track · \
             program score <strong>52.4</strong> now, +7.4 since 2023-11-14</p>"
        ));
        assert!(html.contains(
            "<p class=\"meta\">5 teams by owner · 4 points, 2023-11-14 to 2023-12-14 · \
             from shop at 300000000000 · qscan 0.1.0</p>"
        ));
        let at = |s: &str| html.find(s).unwrap_or(usize::MAX);
        assert!(at("class=\"summary\"") < at("<figcaption>score"));
        assert!(at("<figcaption>score") < at("<figcaption>typed"));
        assert!(at("<figcaption>typed") < at("<table class=\"leaders\">"));
        assert!(at("<table class=\"leaders\">") < at("<section class=\"team\""));
        assert!(at("<section class=\"team\"") < at("<h2 id=\"sources\">"));
        assert!(html.contains("min score 50") && html.contains("min 60%"));
        assert!(html.contains("<li>a note</li>"));
    }

    #[test]
    fn a_row_per_team_asked_to_act_first_each_linked_to_its_section() {
        let html = render(&program());
        let rows = rows(&html);
        let names: Vec<&str> = rows.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["@o/flat", "@o/up", "@o/done", "@o/free", "@o/new"]);
        for (id, _) in &rows {
            assert_eq!(
                html.matches(&format!("<section class=\"team\" id=\"{id}\">"))
                    .count(),
                1,
                "{id}"
            );
        }
        assert_eq!(rows[0].0, "team-o-flat");
        // Statuses, in the rows' order.
        let statuses: Vec<&str> = html
            .split("<tr class=\"row\">")
            .skip(1)
            .filter_map(|r| r.split("<span class=\"status ").nth(1)?.split('<').next())
            .collect();
        assert_eq!(
            statuses,
            [
                "behind\">behind",
                "on-track\">on track",
                "met\">met",
                "none\">no goal",
                "none\">no goal"
            ]
        );
        // Up: 40 → 70 over 30 days, 30 a month, 100 projected by day 60.
        let up = html
            .split("<tr class=\"row\">")
            .find(|r| r.contains("@o/up"))
            .unwrap_or_default();
        assert!(up.contains("<td class=\"num\">70.0</td>"), "{up}");
        assert!(up.contains("<td class=\"goal\">score 90 by 2024-01-13</td>"));
        assert!(up.contains("<td class=\"num\">100.0</td><td class=\"num\">+30.0</td>"));
        assert!(up.contains("<td>typed +30.0</td>"));
        // A sparkline for four points, none for one.
        assert!(up.contains("<svg class=\"spark\""));
        assert!(up.contains("aria-label=\"score from 40.0 to 70.0\""));
        let new = html
            .split("<tr class=\"row\">")
            .find(|r| r.contains("@o/new"))
            .unwrap_or_default();
        assert!(!new.contains("<svg"));
        assert_eq!(html.matches("<svg class=\"spark\"").count(), 4);
    }

    #[test]
    fn each_team_sees_its_targets_and_its_work() {
        let html = render(&program());
        let section = |id: &str| {
            html.split("<section class=\"team\"")
                .find(|s| s.starts_with(&format!(" id=\"{id}\"")))
                .unwrap_or_default()
                .to_string()
        };
        let flat = section("team-o-flat");
        assert!(
            flat.contains(
                "<code>pkg/api.py</code> — 3 untyped functions, changed in 4 change units"
            ),
            "{flat}"
        );
        assert!(flat.contains("by impact (offenders × changes)"));
        // 3 of the 5 offenders of 10 functions: 30 points.
        assert!(flat.contains("<td><code>pkg/api.py</code></td><td class=\"num\">+30.00</td><td class=\"num\">3</td><td>typed</td>"), "{flat}");
        let done = section("team-o-done");
        assert!(done.contains("goal: score 40, typed 70% by 2024-01-13"));
        assert!(done.contains("<tr><td>typed</td><td class=\"num\">80.0%</td><td class=\"num\">8/10</td><td class=\"num\">70%</td>"), "{done}");
        assert!(done.contains("No worklist"));
        assert!(done.contains("No file to list"));
        let free = section("team-o-free");
        assert!(free.contains("No goal yet: add <code>[goals.\"@o/free\"]</code>"));
        assert!(free.contains("<h4>Now</h4>"));
    }

    #[test]
    fn no_teams_and_no_goals_say_what_to_do() {
        let p = build(&[], setup(Vec::new()));
        let html = render(&p);
        assert!(html.contains("no team has a goal yet · nothing measured yet"));
        assert!(html.contains("No teams:"));
        assert!(html.contains("<code>--by owner</code>") && html.contains("<code>--by dir</code>"));
        assert!(!html.contains("<svg"));
        assert!(!html.contains("<tr class=\"row\">"));

        let samples = [sample(0, vec![team("@o/a", 1, 2)])];
        let html = render(&build(&samples, setup(Vec::new())));
        assert!(html.contains("no team has a goal yet · program score <strong>50.0</strong>"));
        assert!(html.contains("<code>[goals.\"TEAM\"]</code>"));
        assert_eq!(rows(&html).len(), 1);
    }

    #[test]
    fn everything_from_the_repositories_is_escaped() {
        let mut samples = vec![sample(0, vec![team("<script>alert(1)</script>", 1, 4)])];
        samples[0].repository = "<b>repo\"".into();
        samples[0].work = vec![TeamWork {
            team: "<script>alert(1)</script>".into(),
            metric: "typed".into(),
            files: vec![WorkFile {
                path: "<img src=x onerror=alert(2)>.py".into(),
                offenders: 1,
                changes: None,
                impact: None,
            }],
        }];
        let mut s = setup(vec![goal("<script>alert(1)</script>", 90.0, &[])]);
        s.notes = vec!["<i>note</i>".into()];
        let html = render(&build(&samples, s));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img") && !html.contains("<b>") && !html.contains("<i>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<code>&lt;img src=x onerror=alert(2)&gt;.py</code>"));
        assert!(html.contains("qscan dashboard — &lt;b&gt;repo&quot;"));
        assert!(html.contains("&lt;i&gt;note&lt;/i&gt;"));
        // Nothing to fetch.
        assert!(!html.contains("http://") && !html.contains("https://"));
        // The anchor is made of the name's letters.
        assert!(html.contains("id=\"team-script-alert-1-script\""));
    }

    #[test]
    fn the_full_page_fetches_nothing_and_runs_nothing() {
        let html = render(&program());
        assert!(!html.contains("<script"));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains(" src="));
    }

    #[test]
    fn a_goal_of_metric_targets_only_and_a_goal_nothing_measures() {
        let samples: Vec<Sample> = (0..2)
            .map(|i| sample(i * 10, vec![team("@o/a", 1, 10), team("@o/b", 5, 10)]))
            .collect();
        let mut only_typed = goal("@o/a", 0.0, &[("typed", 20.0)]);
        only_typed.score = None;
        let mut unmeasured = goal("@o/b", 0.0, &[("coverage", 50.0)]);
        unmeasured.score = None;
        let html = render(&build(&samples, setup(vec![only_typed, unmeasured])));
        let a = html
            .split("<tr class=\"row\">")
            .find(|r| r.contains("@o/a"))
            .unwrap_or_default();
        // Flat at 10%: the typed target's pace stands in for the score's.
        assert!(
            a.contains("<td class=\"goal\">typed 20% by 2024-01-13</td>"),
            "{a}"
        );
        assert!(a.contains("<td class=\"num\">typed 10.0%</td><td class=\"num\">+0.0</td>"));
        assert!(a.contains("status behind"));
        // A goal whose only target has no units: no verdict, listed last.
        let names: Vec<String> = rows(&html).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["@o/a", "@o/b"]);
        assert!(html.contains("<span class=\"status none\">not measured</span>"));
        assert!(html.contains("<strong>0 of 1</strong> teams with a goal on track"));
    }

    #[test]
    fn anchors_are_unique() {
        let p = program();
        let mut teams: Vec<Team> = vec![p.teams[0].clone(), p.teams[0].clone(), p.teams[0].clone()];
        teams[0].name = "@o/x".into();
        teams[1].name = "o x".into();
        teams[2].name = "!!".into();
        let refs: Vec<&Team> = teams.iter().collect();
        assert_eq!(anchors(&refs), ["team-o-x", "team-o-x-2", "team"]);
        assert_eq!(slug("(unowned)"), "unowned");
    }

    #[test]
    fn sparklines_keep_small_changes_small() {
        assert_eq!(sparkline(&[(T, 50.0)]), None);
        assert_eq!(sparkline(&[]), None);
        let flat = sparkline(&[(T, 50.0), (T + DAY, 50.0)]).unwrap_or_default();
        // A flat line sits in the middle.
        assert!(flat.contains("points=\"3.0,12.0 97.0,12.0\""), "{flat}");
        let up = sparkline(&[(T, 0.0), (T + DAY, 50.0), (T + 3 * DAY, 100.0)]).unwrap_or_default();
        assert!(
            up.contains("points=\"3.0,21.0 34.3,12.0 97.0,3.0\""),
            "{up}"
        );
    }
}
