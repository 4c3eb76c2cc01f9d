//! Goals per team, their pace, nudges and the program dashboard, on git2
//! repositories with a CODEOWNERS file whose per-team numbers each commit
//! sets.

use std::path::Path;

use serde_json::Value;

use crate::common;
use crate::common::repo::TestRepo;

const DEFINITION: &str = "[metrics.typed]\nkind = \"typed\"\n\n\
    [goals.\"@o/up\"]\nscore = 90\nby = \"2023-12-31\"\n\n\
    [goals.\"@o/flat\"]\nscore = 90\nby = \"2023-12-31\"\n\n\
    [goals.\"@o/nobdy\"]\nscore = 50\nby = \"2023-12-31\"\n";

/// `n` typed functions of `of`.
fn python(n: usize, of: usize) -> String {
    (0..of)
        .map(|i| {
            if i < n {
                format!("def f{i}(x: int) -> int:\n    return x\n\n")
            } else {
                format!("def f{i}(x):\n    return x\n\n")
            }
        })
        .collect()
}

/// Three commits an hour apart: `@o/up` goes from 1 to 3 typed functions of
/// 4, `@o/flat` stays at 1 of 2; `@o/nobody` owns no file.
fn program_repo() -> TestRepo {
    let mut r = TestRepo::new();
    r.commit_files(
        "start",
        &[
            ("quality.toml", DEFINITION),
            (
                ".github/CODEOWNERS",
                "/up/ @o/up\n/flat/ @o/flat\n/docs/ @o/nobody\n",
            ),
            ("up/a.py", &python(1, 4)),
            ("flat/b.py", &python(1, 2)),
        ],
    );
    r.commit_files("more types", &[("up/a.py", &python(2, 4))]);
    r.commit_files("more types", &[("up/a.py", &python(3, 4))]);
    r
}

fn group<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["name"] == name))
        .unwrap_or_else(|| panic!("no group {name} in {report:#}"))
}

fn run(dir: &str, args: &[&str]) -> (i32, String, String) {
    let out = common::qscan()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("qscan runs");
    common::parts(&out)
}

#[test]
fn by_owner_shows_each_goal_and_its_pace() {
    let r = program_repo();
    let (code, report, _) = common::json(&[r.path(), "--by", "owner"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["repository"],
        r.dir
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
    );
    // The third commit, three hours after 1_700_000_000.
    assert_eq!(report["time"], "2023-11-15T01:13:20Z");
    // The two past commits the pace is drawn through.
    let pace = report["pace"].as_array().map(Vec::len);
    assert_eq!(pace, Some(2));
    let up = &group(&report, "@o/up")["progress"];
    assert_eq!(up["track"], "on-track", "{up:#}");
    assert_eq!(up["score"]["current"], 75.0);
    // +25 points an hour, so the date is far enough to reach 100.
    assert_eq!(up["score"]["projected"], 100.0);
    assert_eq!(up["score"]["points"], 3);
    let flat = &group(&report, "@o/flat")["progress"];
    assert_eq!(flat["track"], "behind", "{flat:#}");
    assert_eq!(flat["score"]["current"], 50.0);
    assert_eq!(flat["score"]["projected"], 50.0);
    assert_eq!(flat["score"]["per_month"], 0.0);
    assert_eq!(flat["by"], "2023-12-31");
    // The goals travel with the report, for --from.
    assert_eq!(report["goals"][0]["team"], "@o/up");
    assert_eq!(report["goals"][0]["score"], 90.0);
    // The goal naming no team is warned about, with the nearest team.
    let notes = report["notes"].to_string();
    assert!(
        notes.contains(
            "the goal of `@o/nobdy` names no CODEOWNERS team with measured files (--by owner)\""
        ),
        "{notes}"
    );
}

#[test]
fn a_shallow_clone_says_the_pace_is_cut_short() {
    let r = program_repo();
    // A clone of depth 1: HEAD is the boundary, no past point.
    let head = r.repo.head().ok().and_then(|h| h.target()).expect("head");
    std::fs::write(r.repo.path().join("shallow"), format!("{head}\n")).expect("shallow");
    let (code, report, _) = common::json(&[r.path(), "--by", "owner"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(report.get("pace").is_none(), "{report:#}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("shallow clone: the goals' pace sees 0 past points of the 90 days"),
        "{notes}"
    );
    // Flat: behind, and the note says why.
    assert_eq!(group(&report, "@o/up")["progress"]["track"], "behind");
}

#[test]
fn by_owner_text_has_goal_and_pace_columns() {
    let r = program_repo();
    let (code, out, err) = run(r.path(), &["--by", "owner", "--color", "never"]);
    assert_eq!(code, 0, "{out}{err}");
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("by owner"))
        .take(3)
        .collect();
    assert_eq!(
        rows,
        [
            "by owner  score  goal              pace                  typed",
            "@o/flat    50.0  90 by 2023-12-31  behind → 50.0     50.0% 1/2",
            "@o/up      75.0  90 by 2023-12-31  on track → 100.0  75.0% 3/4",
        ],
        "{out}"
    );
    assert!(
        out.contains("the goal of `@o/nobdy` names no CODEOWNERS team"),
        "{out}"
    );
}

#[test]
fn nudges_only_teams_behind_and_once_per_change() {
    let r = program_repo();
    let state = r.dir.path().join("nudged.json");
    let state = state.to_str().unwrap_or_default();
    let (code, out, err) = run(r.path(), &["nudge", "--format", "json", "--state", state]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_default();
    let teams: Vec<&str> = v["nudges"]
        .as_array()
        .map(|n| n.iter().filter_map(|n| n["team"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(teams, ["@o/flat"], "{out}");
    let files = &v["nudges"][0]["files"];
    assert_eq!(files[0]["path"], "flat/b.py");
    // 1 of 2 untyped: fixing it adds 50 points.
    assert_eq!(files[0]["gain"], 50.0);
    assert!(err.contains("the goal of `@o/nobdy`"), "{err}");
    // Unchanged since: nothing, unless asked.
    let (_, out, _) = run(r.path(), &["nudge", "--format", "json", "--state", state]);
    let v: Value = serde_json::from_str(&out).unwrap_or_default();
    assert_eq!(v["nudges"], Value::Array(Vec::new()), "{out}");
    assert_eq!(v["unchanged"][0], "@o/flat");
    let (_, out, _) = run(r.path(), &["nudge", "--state", state, "--again"]);
    assert!(out.starts_with("### `@o/flat` is behind its goal\n\nScore **50.0** now; goal **90** by 2023-12-31. At its pace (+0.0 a month) it reaches 50.0 by then.\n"), "{out}");
    assert!(
        out.contains("1. `flat/b.py`: +50.0 points (1 offender in typed)"),
        "{out}"
    );
    // A damaged state file is an error, not a silent reset.
    std::fs::write(state, "{").unwrap_or_default();
    let (code, _, err) = run(r.path(), &["nudge", "--state", state]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the nudge state file is not one qscan wrote"),
        "{err}"
    );
}

#[test]
fn a_goal_naming_no_metric_is_refused() {
    let mut r = TestRepo::new();
    r.commit_files(
        "start",
        &[(
            "quality.toml",
            "[metrics.typed]\nkind = \"typed\"\n[goals.\"@o/a\"]\nby = \"2027-01-01\"\nmetrics = { typd = 50 }\n",
        )],
    );
    let (code, _, err) = run(r.path(), &["--by", "owner"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("names `typd`, which is no metric of this definition"),
        "{err}"
    );
}

/// A repository owned by two teams, with its numbers set by hand.
fn team_repo(name: &str, a: (usize, usize), b: (usize, usize)) -> (tempfile::TempDir, TestRepo) {
    let mut r = TestRepo::new();
    r.commit_files(
        "start",
        &[
            ("quality.toml", DEFINITION),
            (".github/CODEOWNERS", "/a/ @o/up\n/b/ @o/flat\n"),
            ("a/x.py", &python(a.0, a.1)),
            ("b/y.py", &python(b.0, b.1)),
        ],
    );
    let out = tempfile::tempdir().expect("temp dir");
    let report = common::qscan()
        .env("QSCAN_REPOSITORY", name)
        .args([r.path(), "--by", "owner", "--format", "json"])
        .output()
        .expect("qscan runs");
    std::fs::write(out.path().join("report.json"), &report.stdout).expect("write");
    (out, r)
}

#[test]
fn reports_of_three_repositories_join_by_team() {
    let parts = [
        team_repo("api", (1, 4), (2, 2)),
        team_repo("web", (3, 5), (0, 3)),
        team_repo("ops", (2, 2), (1, 1)),
    ];
    let paths: Vec<String> = parts
        .iter()
        .map(|(d, _)| d.path().join("report.json").display().to_string())
        .collect();
    // The hand sum, from the reports themselves.
    let mut by_hand = std::collections::BTreeMap::<String, (u64, u64)>::new();
    for p in &paths {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(v["commit"].as_str().map(str::len), Some(40));
        for g in v["groups"].as_array().into_iter().flatten() {
            let m = &g["metrics"][0];
            let e = by_hand
                .entry(g["name"].as_str().unwrap_or("").to_string())
                .or_default();
            e.0 += m["compliant"].as_u64().unwrap_or(0);
            e.1 += m["total"].as_u64().unwrap_or(0);
        }
    }
    assert_eq!(by_hand["@o/up"], (6, 11));
    assert_eq!(by_hand["@o/flat"], (3, 6));
    let mut args = vec!["dashboard", "--format", "json", "--from"];
    args.extend(paths.iter().map(String::as_str));
    let (code, out, err) = run(".", &args);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_default();
    assert_eq!(v["title"], "3 repositories");
    let names: Vec<&str> = v["repositories"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["api", "ops", "web"]);
    for t in v["teams"].as_array().into_iter().flatten() {
        let name = t["name"].as_str().unwrap_or("");
        let m = &t["metrics"][0];
        assert_eq!(
            (
                m["compliant"].as_u64().unwrap_or(0),
                m["total"].as_u64().unwrap_or(0)
            ),
            by_hand[name],
            "{name}"
        );
    }
    // 6/11 = 54.5.
    let up = v["teams"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "@o/up"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(up["score"], 54.5);
    assert_eq!(up["goal"]["score"], 90.0);
    // The files that would move it most name their repository.
    // api's a/x.py has 3 of the team's 5 untyped functions: 100 × 3 / 11.
    assert_eq!(up["moves"][0]["repository"], "api");
    assert_eq!(up["moves"][0]["path"], "a/x.py");
    assert_eq!(up["moves"][0]["gain"], 27.27);
    assert_eq!(up["moves"][1]["repository"], "web");
}

#[test]
fn from_refuses_what_it_cannot_join() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = dir.path().join("plain.json");
    let r = program_repo();
    let out = common::qscan()
        .args([r.path(), "--format", "json"])
        .output()
        .expect("qscan runs");
    std::fs::write(&plain, &out.stdout).expect("write");
    let (code, _, err) = run(".", &["dashboard", "--from", plain.to_str().unwrap_or("")]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the report has no per-team numbers: make it with --by owner"),
        "{err}"
    );
    let missing = dir.path().join("missing.json");
    let (code, _, err) = run(".", &["nudge", "--from", missing.to_str().unwrap_or("")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.json"), "{err}");
}

#[test]
fn the_dashboard_page_has_the_three_views() {
    let r = program_repo();
    let page = Path::new(r.path()).join("dashboard.html");
    let (code, _, err) = run(r.path(), &["dashboard", "-o", page.to_str().unwrap_or("")]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(!html.contains("<script"), "no script");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing fetched"
    );
    assert!(
        html.contains("<strong>1 of 2</strong> teams with a goal on track"),
        "{html}"
    );
    // The three zoom levels, in order: the program, the leaders' table, the teams.
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert!(at("<h2 id=\"program\">") < at("<h2 id=\"teams\">"));
    // Behind first: @o/flat's row, then @o/up's, each linking to its section.
    let flat_row = at("<a href=\"#team-o-flat\">@o/flat</a>");
    let up_row = at("<a href=\"#team-o-up\">@o/up</a>");
    assert!(flat_row < up_row);
    assert!(up_row < at("id=\"team-o-flat\""));
    assert!(at("id=\"team-o-flat\"") < at("id=\"team-o-up\""));
    // The team's own work: the file that would move its score most.
    let flat_section = &html[at("id=\"team-o-flat\"")..at("id=\"team-o-up\"")];
    assert!(flat_section.contains("flat/b.py"), "{flat_section}");
    assert!(!flat_section.contains("up/a.py"), "{flat_section}");
    assert!(html.contains("the goal of `@o/nobdy` names no CODEOWNERS team"));
}

/// Files parsed by one `--by owner` run with the facts cache in `cache`.
fn parsed_with_cache(r: &TestRepo, cache: &Path) -> usize {
    let out = common::qscan()
        .env_remove("QSCAN_NO_CACHE")
        .env("QSCAN_CACHE_DIR", cache)
        .env("QSCAN_TRACE", "1")
        .args([r.path(), "--by", "owner", "--format", "json"])
        .output()
        .expect("qscan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("trace: parsed "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no trace line in {stderr}"))
}

#[test]
fn the_pace_shares_the_scans_facts_cache() {
    // Regression: the pace's own session saved a cache the scan's save then
    // cut back to today's files, so every run parsed the past points again.
    let r = program_repo();
    let cache = tempfile::tempdir().expect("temp dir");
    // Today's two files, and up/a.py as it was at the two past points.
    assert_eq!(parsed_with_cache(&r, cache.path()), 4);
    assert_eq!(parsed_with_cache(&r, cache.path()), 0);
    assert_eq!(parsed_with_cache(&r, cache.path()), 0);
}

#[test]
fn bad_input_for_the_program_commands() {
    let plain = tempfile::tempdir().expect("temp dir");
    std::fs::write(plain.path().join("a.py"), "x = 1\n").expect("write");
    let dir = plain.path().to_str().unwrap_or("");
    let (code, _, err) = run(dir, &["dashboard"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the dashboard reads the history of a git repository"),
        "{err}"
    );
    assert!(err.contains("--from"), "{err}");
    let (code, _, err) = run(dir, &["nudge", "--by", "team"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`team` is no grouping"), "{err}");
    let (code, _, err) = run(dir, &["dashboard", "--from", "a.json", "--points", "3"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
}
