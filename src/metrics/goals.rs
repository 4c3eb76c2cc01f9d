//! Team goals (`[goals."@team"]`, README "Goals and the program dashboard"):
//! where a team stands against its target, and whether the pace of its last
//! points reaches the target by the goal's date. Pure functions of a team's
//! series of values; the series come from `--by owner` at past commits or
//! from reports, never from the wall clock, so the same history always gives
//! the same verdict.

use serde::Serialize;

/// How far back the pace looks: the points of the last 90 days before the
/// newest one.
pub const PACE_DAYS: i64 = 90;
const DAY: i64 = 86_400;

/// A team's target, as `[goals."NAME"]` writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    /// The group it is for: a CODEOWNERS team (`@org/team`) or a folder.
    pub team: String,
    /// The team's score to reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Values to reach per metric, by metric name, in written order.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_table")]
    pub metrics: Vec<(String, f64)>,
    /// The date, `YYYY-MM-DD`, as written.
    pub by: String,
    /// The end of that day (UTC), seconds since the epoch.
    #[serde(skip)]
    pub by_seconds: i64,
}

/// Per-metric targets as a JSON object, in written order.
fn as_table<S: serde::Serializer>(targets: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(targets.len()))?;
    for (name, target) in targets {
        map.serialize_entry(name, target)?;
    }
    map.end()
}

/// Where a team stands against a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Track {
    /// The value already reaches the target.
    Met,
    /// Not there yet, but the pace reaches it by the date.
    OnTrack,
    /// The pace does not reach it by the date.
    Behind,
    /// The date has passed and the target is not reached.
    Overdue,
}

impl Track {
    /// Whether the team is asked to act: behind or overdue.
    pub fn is_behind(self) -> bool {
        matches!(self, Track::Behind | Track::Overdue)
    }

    pub fn label(self) -> &'static str {
        match self {
            Track::Met => "met",
            Track::OnTrack => "on track",
            Track::Behind => "behind",
            Track::Overdue => "overdue",
        }
    }
}

/// One target's pace: the value now, the target, and where the trend of
/// the last [`PACE_DAYS`] leads by the date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pace {
    pub current: f64,
    pub target: f64,
    /// The value the trend reaches on the goal's date (capped at 100).
    pub projected: f64,
    /// The trend, in points per 30 days (0 with fewer than two points).
    pub per_month: f64,
    /// How many points the trend is drawn through.
    pub points: usize,
    pub track: Track,
}

/// A metric's target and pace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricPace {
    pub name: String,
    #[serde(flatten)]
    pub pace: Pace,
}

/// A team's progress on its goal: the score's pace, each metric target's,
/// and the worst of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// The goal's date, `YYYY-MM-DD`.
    pub by: String,
    pub track: Track,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Pace>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricPace>,
}

/// The pace of `series` (seconds, value; oldest first; the last is now)
/// towards `target` by `by` (seconds). The trend is the least-squares slope
/// through the points of the last [`PACE_DAYS`] before the newest, carried
/// forward from the value now: a team that improved 2 points a month and
/// stands at 70 reaches 76 in three months.
pub fn pace(series: &[(i64, f64)], target: f64, by: i64) -> Option<Pace> {
    let &(now, current) = series.last()?;
    let recent: Vec<(i64, f64)> = series
        .iter()
        .copied()
        .filter(|(t, _)| *t >= now - PACE_DAYS * DAY)
        .collect();
    let per_second = slope(&recent);
    let ahead = (by - now).max(0) as f64;
    let projected = (current + per_second * ahead).clamp(0.0, 100.0);
    let track = if current >= target {
        Track::Met
    } else if now > by {
        Track::Overdue
    } else if projected >= target {
        Track::OnTrack
    } else {
        Track::Behind
    };
    Some(Pace {
        current,
        target,
        projected: super::round1(projected),
        per_month: super::round1(per_second * 30.0 * DAY as f64),
        points: recent.len(),
        track,
    })
}

/// The least-squares slope of value over time, per second; 0 without two
/// points at different times.
fn slope(points: &[(i64, f64)]) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return 0.0;
    }
    let t0 = points[0].0;
    let mean_t = points.iter().map(|(t, _)| (t - t0) as f64).sum::<f64>() / n;
    let mean_v = points.iter().map(|(_, v)| v).sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (t, v) in points {
        let dt = (t - t0) as f64 - mean_t;
        num += dt * (v - mean_v);
        den += dt * dt;
    }
    if den == 0.0 { 0.0 } else { num / den }
}

/// A team's progress on `goal`, from its score series and the series of
/// each metric (`metric_series(name)`, empty when the team has no units
/// of that metric). None when the goal has nothing the series can tell.
pub fn progress<'a>(
    goal: &Goal,
    score_series: &[(i64, f64)],
    metric_series: impl Fn(&str) -> Vec<(i64, f64)> + 'a,
) -> Option<Progress> {
    let score = goal
        .score
        .and_then(|target| pace(score_series, target, goal.by_seconds));
    let metrics: Vec<MetricPace> = goal
        .metrics
        .iter()
        .filter_map(|(name, target)| {
            pace(&metric_series(name), *target, goal.by_seconds).map(|pace| MetricPace {
                name: name.clone(),
                pace,
            })
        })
        .collect();
    let track = score
        .iter()
        .map(|p| p.track)
        .chain(metrics.iter().map(|m| m.pace.track))
        .max()?;
    Some(Progress {
        by: goal.by.clone(),
        track,
        score,
        metrics,
    })
}

/// `YYYY-MM-DD` as the last second of that day (UTC), or None when it is no
/// calendar date.
pub fn end_of_day(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let days = crate::text::days_from_civil(y, m, d)?;
    Some(days * DAY + DAY - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_700_000_000;

    fn goal(score: Option<f64>, metrics: &[(&str, f64)], by: i64) -> Goal {
        Goal {
            team: "@o/t".into(),
            score,
            metrics: metrics.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
            by: "2024-01-01".into(),
            by_seconds: by,
        }
    }

    #[test]
    fn dates_are_calendar_days() {
        assert_eq!(end_of_day("1970-01-01"), Some(DAY - 1));
        assert_eq!(end_of_day("2000-03-01"), Some(951_868_800 + DAY - 1));
        assert_eq!(end_of_day("2024-02-29"), Some(1_709_164_800 + DAY - 1));
        assert_eq!(end_of_day("2023-02-29"), None);
        assert_eq!(end_of_day("2027-13-01"), None);
        assert_eq!(end_of_day("2027-3-31"), None);
        assert_eq!(end_of_day("next week"), None);
        assert_eq!(end_of_day("2027-03-31-1"), None);
    }

    #[test]
    fn the_pace_of_the_last_points_carried_to_the_date() {
        // +1 point every 10 days, at 70 now: 90 days ahead gives 79.
        let series: Vec<(i64, f64)> = (0..5)
            .map(|i| (T + i * 10 * DAY, 66.0 + i as f64))
            .collect();
        let now = T + 40 * DAY;
        let p = pace(&series, 78.0, now + 90 * DAY).unwrap();
        assert_eq!(p.current, 70.0);
        assert_eq!(p.projected, 79.0);
        assert_eq!(p.per_month, 3.0);
        assert_eq!(p.points, 5);
        assert_eq!(p.track, Track::OnTrack);
        // 80 is out of reach at that pace.
        assert_eq!(
            pace(&series, 80.0, now + 90 * DAY).unwrap().track,
            Track::Behind
        );
        // Reached already, whatever the date.
        assert_eq!(pace(&series, 70.0, now - DAY).unwrap().track, Track::Met);
        // Past the date and short of it.
        assert_eq!(
            pace(&series, 75.0, now - DAY).unwrap().track,
            Track::Overdue
        );
    }

    #[test]
    fn one_point_or_a_flat_line_goes_nowhere() {
        let p = pace(&[(T, 60.0)], 70.0, T + 400 * DAY).unwrap();
        assert_eq!(
            (p.projected, p.per_month, p.track),
            (60.0, 0.0, Track::Behind)
        );
        assert!(pace(&[], 70.0, T).is_none());
        // Two points at the same time have no slope.
        let p = pace(&[(T, 50.0), (T, 60.0)], 70.0, T + DAY).unwrap();
        assert_eq!(p.per_month, 0.0);
    }

    #[test]
    fn only_the_last_90_days_set_the_pace() {
        // A steep climb long ago, flat for the last 90 days.
        let series = [
            (T - 400 * DAY, 10.0),
            (T - 200 * DAY, 60.0),
            (T - 80 * DAY, 60.0),
            (T, 60.0),
        ];
        let p = pace(&series, 70.0, T + 365 * DAY).unwrap();
        assert_eq!((p.points, p.per_month, p.track), (2, 0.0, Track::Behind));
        // Falling values project downwards, never below 0.
        let p = pace(&[(T - 30 * DAY, 50.0), (T, 20.0)], 70.0, T + 365 * DAY).unwrap();
        assert_eq!((p.projected, p.per_month), (0.0, -30.0));
    }

    #[test]
    fn a_team_is_as_far_as_its_worst_target() {
        let score = [(T - 30 * DAY, 60.0), (T, 70.0)];
        let typed = [(T - 30 * DAY, 40.0), (T, 40.0)];
        let g = goal(
            Some(75.0),
            &[("typed", 50.0), ("absent", 10.0)],
            T + 60 * DAY,
        );
        let p = progress(&g, &score, |m| {
            if m == "typed" {
                typed.to_vec()
            } else {
                Vec::new()
            }
        })
        .unwrap();
        assert_eq!(p.score.as_ref().map(|s| s.track), Some(Track::OnTrack));
        // A metric the team has no units of is left out of its progress.
        assert_eq!(p.metrics.len(), 1);
        assert_eq!(p.metrics[0].pace.track, Track::Behind);
        assert_eq!(p.track, Track::Behind);
        // Nothing to measure: no progress.
        assert!(progress(&goal(None, &[("x", 1.0)], T), &score, |_| Vec::new()).is_none());
    }
}
