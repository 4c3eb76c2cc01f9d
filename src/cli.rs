//! The command line: flags (clap derive; the doc comments are the help),
//! printing, and exit codes: 0 the gate passed, 1 it failed, 2 an error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Error, ExitCode};
use crate::history::{Progress, ProgressHook};
use crate::metrics::groups::By;
use crate::report::{self, Format, TrendFormat};
use crate::scan::{self, Request};

/// Set before `main` (by the binary) when the process started with stdout
/// closed, e.g. `qscan >&-`: printing the report there is an error, since
/// nobody would see it or the verdict it explains.
pub static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Measure a codebase's technical quality against the team's own definition.
///
/// qscan scans the repository that contains PATH, scores every metric of its
/// quality.toml (or the built-in default definition), prints a report and the
/// worst offenders, and exits 0 when the gate passes, 1 when it fails and 2 on
/// a usage, configuration or I/O error.
#[derive(Debug, Parser)]
#[command(
    name = "qscan",
    version = env!("QSCAN_VERSION"),
    override_usage = "qscan [OPTIONS] [PATH]\n       qscan [OPTIONS] <COMMAND>",
    after_help = "Examples:\n  qscan                         scan the repository around the current folder\n  qscan ../other-repo           scan another repository\n  qscan --format json | jq .score\n  qscan --min-score 80          fail (exit 1) below a score of 80\n  qscan --format sarif -o qscan.sarif   SARIF for code scanning, into a file\n  qscan --config ci/quality.toml --quiet\n  qscan explain typed           what a metric measures and how\n  qscan --baseline origin/main --fail-on-regression\n  qscan --staged                the pre-commit check (qscan hook install sets it up)\n  qscan --by owner              every metric per CODEOWNERS team (--by dir:2 per folder)\n  qscan trend --format html -o trend.html   the score over time, as charts"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A folder inside the repository to scan; its root is found through git
    /// (or the folder itself is scanned when it is no repository).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// The quality definition to use instead of ROOT/quality.toml, e.g.
    /// `--config ci/quality.toml` (for `init`: the file to write).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Output format: `text` for people, `json` for scripts (the report
    /// object documented in the README), `sarif` for code scanning (SARIF
    /// 2.1.0), `github` for GitHub Actions annotations (and the markdown
    /// summary appended to $GITHUB_STEP_SUMMARY when it is set), `markdown`
    /// for a pull-request comment, e.g. `--format sarif`.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,

    /// Write the report to FILE instead of stdout (any format; the exit code
    /// is the same), e.g. `--format sarif --output qscan.sarif`.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Fail (exit 1) when the overall score is below N, overriding the
    /// definition's `[gate] min_score`, e.g. `--min-score 80`.
    #[arg(long, value_name = "N", value_parser = parse_percent)]
    pub min_score: Option<f64>,

    /// When to colour the text report: `auto` colours a terminal unless
    /// NO_COLOR is set, e.g. `--color never`.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", global = true)]
    pub color: ColorWhen,

    /// Print only the gate's failures (nothing when it passes) and no notes,
    /// e.g. in a pre-commit hook: `qscan --quiet` (text format only).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Scan a commit instead of the working tree, read from the object
    /// database (nothing is checked out), e.g. `--rev HEAD~3`.
    #[arg(long, value_name = "REV", conflicts_with = "staged")]
    pub rev: Option<String>,

    /// Scan what is staged (the index, not the working tree) against HEAD and
    /// fail only on new offenders the commit introduces: the pre-commit mode.
    #[arg(long)]
    pub staged: bool,

    /// Compare with a baseline revision, e.g. `--baseline origin/main`: each
    /// metric's change and its new offenders are reported.
    #[arg(long, value_name = "REV")]
    pub baseline: Option<String>,

    /// With --baseline: fail when any metric's value drops or a new offender
    /// appears (also `[gate] no_regression = true`).
    #[arg(long)]
    pub fail_on_regression: bool,

    /// With --baseline: judge only what changed (new offenders); the minimum
    /// score and the metrics' thresholds do not fail the run.
    #[arg(long, requires = "baseline")]
    pub new_only: bool,

    /// Leave metrics that could not be measured (a shallow clone's history,
    /// a missing coverage report) out of the score and the gate, instead of
    /// stopping with exit 2; the report names them.
    #[arg(long)]
    pub skip_unmeasured: bool,

    /// Also show every metric per team or folder: `owner` groups by the
    /// CODEOWNERS teams owning each unit's path (paths no team owns form the
    /// group `(unowned)`), `dir` by top folder, `dir:DEPTH` by folders
    /// DEPTH deep, e.g. `--by owner`, `--by dir:2`.
    #[arg(long, value_name = "owner|dir[:DEPTH]", value_parser = parse_by)]
    pub by: Option<By>,

    /// Neither read nor write the facts cache (kept in the user's cache
    /// folder, keyed by file content, so unchanged files are not parsed again).
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Print the facts analysis found for every source file as JSON instead of
    /// a report (for debugging qscan and comparing it with other tools).
    #[arg(long, hide = true)]
    pub dump_facts: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain what a metric measures, its unit, its compliance rule and its
    /// configuration keys: `qscan explain typed`, or a metric of this
    /// repository's definition by name. Without a name, list every kind.
    Explain {
        /// A metric kind (`typed`) or a metric name of the definition.
        topic: Option<String>,
        /// Print the README's table of metric kinds.
        #[arg(long, hide = true)]
        markdown: bool,
    },
    /// Print the JSON Schema of quality.toml, for editors that complete and
    /// check it as you type: `qscan schema > .qscan.schema.json`, then
    /// `#:schema ./.qscan.schema.json` as the first line of quality.toml.
    Schema,
    /// Write a starter quality.toml fitted to this repository: metrics for the
    /// languages and history found, each `min` just below today's value so the
    /// gate passes today and ratchets from there. Never replaces an existing
    /// file without --force.
    Init {
        /// A folder inside the repository; the file goes to its root.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Replace an existing definition.
        #[arg(long)]
        force: bool,
    },
    /// Score the definition at past points of the first-parent line (HEAD's,
    /// or `[history] branch`), read from the object database: a table of the
    /// score and each metric per point, oldest first; `--format html` draws a
    /// chart per metric. Each point is measured as `qscan --rev COMMIT` would.
    #[command(
        after_help = "Examples:\n  qscan trend                          10 points from the first commit to HEAD\n  qscan trend --points 20 --since \"1 year\"\n  qscan trend --every 50               HEAD, HEAD~50, HEAD~100, … (first parents)\n  qscan trend --format html --output trend.html"
    )]
    Trend {
        /// A folder inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        line: LinePoints,
        /// `text` (a table), `json` (the trend object documented in the
        /// README) or `html` (a self-contained page with a chart per metric).
        #[arg(long, value_enum, default_value_t = TrendFormat::Text, value_name = "FORMAT")]
        format: TrendFormat,
        /// Write the trend to FILE instead of stdout, e.g.
        /// `--format html --output trend.html`.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the quality program's dashboard: one self-contained HTML page
    /// (no script, nothing fetched) with the program's score and metrics
    /// over time, a row per team for leaders (score, goal, trend, on track or
    /// behind, biggest mover), and each team's remaining work. Built from
    /// git objects like `qscan trend`, or from the JSON reports of several
    /// repositories with --from.
    #[command(
        after_help = "Examples:\n  qscan dashboard -o dashboard.html          teams of CODEOWNERS, 10 points to HEAD\n  qscan dashboard --by dir:2 --since \"1 year\" -o dashboard.html\n  qscan dashboard --from reports/*.json -o dashboard.html   (each from qscan --by owner --format json)"
    )]
    Dashboard {
        /// A folder inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Build it from these JSON reports (`qscan --by owner --format
        /// json`, one per repository and run) instead of the repository's
        /// history; teams are joined across repositories.
        #[arg(long, value_name = "REPORT.json", num_args = 1.., conflicts_with_all = ["points", "every", "since"])]
        from: Vec<PathBuf>,
        #[command(flatten)]
        line: LinePoints,
        /// Teams: `owner` (CODEOWNERS teams), `dir` or `dir:DEPTH` (folders).
        #[arg(long, value_name = "owner|dir[:DEPTH]", value_parser = parse_by, default_value = "owner")]
        by: By,
        /// `html` (the page) or `json` (the program object the page shows).
        #[arg(long, value_enum, default_value_t = ProgramFormat::Html, value_name = "FORMAT")]
        format: ProgramFormat,
        /// Write it to FILE instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// For each team behind its goal, one short message: where it stands,
    /// the goal and its date, and the three files that would move it most.
    /// Teams on track get nothing; with --state, a team whose numbers have
    /// not changed since its last nudge is not nudged again (--again to
    /// nudge it anyway).
    #[command(
        after_help = "Examples:\n  qscan nudge                                  markdown, for a chat post or an issue\n  qscan nudge --format json --state .qscan-nudged.json   for a bot, once per change\n  qscan nudge --from reports/*.json"
    )]
    Nudge {
        /// A folder inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Read these JSON reports instead of the repository's history.
        #[arg(long, value_name = "REPORT.json", num_args = 1..)]
        from: Vec<PathBuf>,
        /// Teams: `owner` (CODEOWNERS teams), `dir` or `dir:DEPTH` (folders).
        #[arg(long, value_name = "owner|dir[:DEPTH]", value_parser = parse_by, default_value = "owner")]
        by: By,
        /// `markdown` or `json`.
        #[arg(long, value_enum, default_value_t = NudgeFormat::Markdown, value_name = "FORMAT")]
        format: NudgeFormat,
        /// Remember what was nudged in FILE (read if it exists, then
        /// written): a team unchanged since its last nudge is left out.
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// Nudge teams unchanged since their last nudge as well.
        #[arg(long)]
        again: bool,
    },
    /// List the files of the snapshot with their role, language and the
    /// rule that decided the role (README, "File roles"), as `git check-attr`
    /// does for attributes: `qscan files docs src/gen`.
    Files {
        /// Files or folders to list, relative to the current folder (default:
        /// every file of the repository around it).
        paths: Vec<PathBuf>,
        /// List the files of a commit's tree, e.g. `--rev HEAD~1`.
        #[arg(long, value_name = "REV", conflicts_with = "staged")]
        rev: Option<String>,
        /// List the files of the index (what the next commit holds).
        #[arg(long)]
        staged: bool,
        /// Print JSON: `{"files": [{path, role, language, decided_by, rule}]}`.
        #[arg(long)]
        json: bool,
    },
    /// Install or remove the git pre-commit hook that runs `qscan --staged`.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Print the completion script for a shell, e.g.
    /// `qscan completions bash > ~/.local/share/bash-completion/completions/qscan`
    /// (the README lists each shell's place).
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        #[arg(value_enum)]
        shell: crate::shell::Shell,
    },
    /// Print qscan's man page (roff), e.g.
    /// `qscan man > ~/.local/share/man/man1/qscan.1`.
    Man,
}

/// Which commits of the first-parent line `trend` and `dashboard` measure.
#[derive(Debug, Clone, clap::Args)]
pub struct LinePoints {
    /// Take K commits evenly spread from the oldest to the newest (both
    /// included; fewer when the line is shorter). The default: 10.
    #[arg(long, value_name = "K", conflicts_with = "every", value_parser = clap::value_parser!(u32).range(1..))]
    points: Option<u32>,
    /// Take every N-th first-parent commit counting back from the newest,
    /// e.g. `--every 50`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    every: Option<u32>,
    /// Only commits within this span of the newest, e.g. `--since "90 days"`
    /// (seconds, minutes, hours, days, weeks, months, years).
    #[arg(long, value_name = "SPAN", value_parser = crate::config::parse_span)]
    since: Option<i64>,
}

impl LinePoints {
    fn pick(&self) -> crate::trend::Pick {
        match (self.every, self.points) {
            (Some(n), _) => crate::trend::Pick::Every(n as usize),
            (None, Some(k)) => crate::trend::Pick::Points(k as usize),
            (None, None) => crate::trend::Pick::default(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Write the pre-commit hook (under core.hooksPath when it is set). An
    /// existing hook that qscan did not write is left alone unless --force.
    Install {
        /// A folder inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Replace a hook qscan did not write, keeping it as
        /// pre-commit.qscan-backup (uninstall puts it back).
        #[arg(long)]
        force: bool,
    },
    /// Remove qscan's pre-commit hook and put back the hook it replaced; a
    /// hook qscan did not write is left alone.
    Uninstall {
        /// A folder inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

fn parse_by(s: &str) -> Result<By, String> {
    s.parse()
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a score from 0 to 100"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range; give a score from 0 to 100"))
    }
}

/// Runs qscan with the process's arguments and returns how it ended.
pub fn main() -> ExitCode {
    let cli = match parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                ExitCode::Error
            } else {
                ExitCode::Passed
            };
            let _ = e.print();
            return code;
        }
    };
    run(&cli)
}

/// The scan's own flags: with a command they would be ignored, so they are
/// refused (the global ones, `--config`, `--color`, `--no-cache` and `-q`,
/// go before or after any command).
const SCAN_ONLY: &[&str] = &[
    "path",
    "format",
    "output",
    "min_score",
    "rev",
    "staged",
    "baseline",
    "fail_on_regression",
    "new_only",
    "by",
    "dump_facts",
];

/// Parses the command line; a scan flag given with a command is a usage
/// error, as clap reports one.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    if let Some((name, _)) = matches.subcommand() {
        let given = SCAN_ONLY
            .iter()
            .find(|id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine));
        if let Some(id) = given {
            let flag = match *id {
                "path" => "PATH".to_string(),
                other => format!("--{}", other.replace('_', "-")),
            };
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("{flag} is for scanning and cannot be used with `qscan {name}`"),
            ));
        }
    }
    Cli::from_arg_matches(&matches)
}

pub fn run(cli: &Cli) -> ExitCode {
    if let Some(command) = &cli.command {
        return match command {
            Command::Explain { topic, markdown } => {
                explain(topic.as_deref(), cli.config.as_deref(), *markdown)
            }
            Command::Schema => emit(&schema_text(), ColorWhen::Never)
                .err()
                .unwrap_or(ExitCode::Passed),
            Command::Init { path, force } => init(
                &crate::init::Options {
                    path: path.clone(),
                    force: *force,
                    output: cli.config.clone(),
                },
                cli.quiet,
            ),
            Command::Hook { action } => hook(action, cli.quiet),
            Command::Files {
                paths,
                rev,
                staged,
                json,
            } => files(paths, rev.as_deref(), *staged, cli.config.clone(), *json),
            Command::Completions { shell } => emit(
                &crate::shell::completions(<Cli as clap::CommandFactory>::command(), *shell),
                ColorWhen::Never,
            )
            .err()
            .unwrap_or(ExitCode::Passed),
            Command::Man => man(),
            Command::Dashboard {
                path,
                from,
                line,
                by,
                format,
                output,
            } => dashboard(
                &program_source(path, from, cli, *by, line.pick(), line.since),
                *format,
                output.as_deref(),
            ),
            Command::Nudge {
                path,
                from,
                by,
                format,
                state,
                again,
            } => nudge(
                &program_source(path, from, cli, *by, crate::trend::Pick::Points(1), None),
                *format,
                state.as_deref(),
                *again,
            ),
            Command::Trend {
                path,
                line,
                format,
                output,
            } => trend(
                &crate::trend::Options {
                    path: path.clone(),
                    config: cli.config.clone(),
                    pick: line.pick(),
                    since: line.since,
                    no_cache: cli.no_cache,
                    progress: progress_bar(
                        *format == TrendFormat::Text && !cli.quiet,
                        "measuring",
                        "points",
                    ),
                },
                *format,
                output.as_deref(),
            ),
        };
    }
    if let Some(e) = mistyped_command(&cli.path) {
        report_error(&e);
        return ExitCode::Error;
    }
    if cli.fail_on_regression && cli.baseline.is_none() && !cli.staged {
        report_error(&Error::usage(
            "--fail-on-regression compares with a baseline, and none is given",
            Some("add --baseline REV (e.g. --baseline origin/main), or use --staged"),
        ));
        return ExitCode::Error;
    }
    let request = Request {
        path: cli.path.clone(),
        config: cli.config.clone(),
        min_score: cli.min_score,
        progress: progress_bar(
            cli.format == Format::Text,
            "reading history",
            "change units",
        ),
        target: match (&cli.rev, cli.staged) {
            (Some(rev), _) => scan::Target::Revision(rev.clone()),
            (None, true) => scan::Target::Index,
            (None, false) => scan::Target::WorkingTree,
        },
        baseline: cli.baseline.clone(),
        fail_on_regression: cli.fail_on_regression,
        new_only: cli.new_only,
        skip_unmeasured: cli.skip_unmeasured,
        no_cache: cli.no_cache,
        by: cli.by,
    };
    if cli.dump_facts {
        return match scan::facts(&request) {
            Ok(analysis) => {
                let value = serde_json::json!({
                    "files": analysis.files,
                    "skipped": analysis.skipped,
                });
                match emit(&format!("{value:#}\n"), ColorWhen::Never) {
                    Ok(()) => ExitCode::Passed,
                    Err(code) => code,
                }
            }
            Err(e) => {
                report_error(&e);
                ExitCode::Error
            }
        };
    }
    let result = scan::run_then(&request, |session, report| {
        crate::program::git::pace(session, &request, report)
    });
    if std::env::var_os("QSCAN_TRACE").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!(
            "trace: parsed {} files",
            scan::FILES_PARSED.load(std::sync::atomic::Ordering::Relaxed)
        );
    }
    match result {
        Ok(report) => {
            let text = report::render(&report, cli.format, cli.quiet);
            let written = match &cli.output {
                Some(file) => write_file(file, &text, cli.color),
                None => emit(&text, cli.color),
            };
            if let Err(code) = written {
                return code;
            }
            if cli.format == Format::Github
                && let Err(code) = append_step_summary(&report)
            {
                return code;
            }
            if report.passed {
                ExitCode::Passed
            } else {
                ExitCode::GateFailed
            }
        }
        Err(e) => {
            report_error(&e);
            ExitCode::Error
        }
    }
}

/// The commands, as typed after `qscan`.
const COMMANDS: &[&str] = &["explain", "schema", "init", "trend", "hook", "help"];

/// A PATH that names no file or folder but is a command mistyped
/// (`qscan tren`): the error that says which command was meant. An existing
/// path is always a path, and anything with a separator is no command.
fn mistyped_command(path: &std::path::Path) -> Option<Error> {
    let word = path.to_str()?;
    if word.contains(['/', '\\']) || std::fs::symlink_metadata(path).is_ok() {
        return None;
    }
    let command = crate::text::nearest(word, COMMANDS.iter().copied())?;
    Some(Error::usage(
        format!("`{word}` is no command and no folder here"),
        Some(&format!("did you mean `qscan {command}`?")),
    ))
}

/// `qscan schema`'s output: the schema, pretty-printed.
fn man() -> ExitCode {
    match crate::shell::man_page(<Cli as clap::CommandFactory>::command()) {
        Ok(page) => emit(&page, ColorWhen::Never)
            .err()
            .unwrap_or(ExitCode::Passed),
        Err(e) => {
            report_error(&Error::usage(
                format!("cannot render the man page: {e}"),
                None,
            ));
            ExitCode::Error
        }
    }
}

fn schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&crate::config::schema::schema()).unwrap_or_default();
    text.push('\n');
    text
}

fn files(
    paths: &[PathBuf],
    rev: Option<&str>,
    staged: bool,
    config: Option<PathBuf>,
    json: bool,
) -> ExitCode {
    let listed = (|| -> Result<String, Error> {
        let here = PathBuf::from(".");
        let place = scan::locate_commits(&here)?;
        let cwd = here.canonicalize().map_err(|e| Error::Io {
            message: format!("cannot read the current folder: {e}"),
        })?;
        let mut wanted = Vec::new();
        for p in paths {
            wanted.push(crate::files::relative(&place.root, &cwd, p).ok_or_else(|| {
                Error::usage(
                    format!("{} lies outside the repository", p.display()),
                    Some("give a file or folder inside the repository"),
                )
            })?);
        }
        let req = Request {
            path: here,
            config,
            target: match (rev, staged) {
                (Some(rev), _) => scan::Target::Revision(rev.to_string()),
                (None, true) => scan::Target::Index,
                (None, false) => scan::Target::WorkingTree,
            },
            ..Request::default()
        };
        let all = scan::roles(&req)?
            .into_iter()
            .map(|(path, language, decided)| crate::files::Listed::new(path, language, &decided))
            .collect();
        let chosen = crate::files::select(all, &wanted)?;
        Ok(if json {
            crate::files::json(&chosen)
        } else {
            crate::files::text(&chosen)
        })
    })();
    match listed {
        Ok(text) => emit(&text, ColorWhen::Never)
            .err()
            .unwrap_or(ExitCode::Passed),
        Err(e) => {
            report_error(&e);
            ExitCode::Error
        }
    }
}

fn explain(topic: Option<&str>, config: Option<&std::path::Path>, markdown: bool) -> ExitCode {
    if markdown {
        return emit(&crate::explain::markdown_table(), ColorWhen::Never)
            .err()
            .unwrap_or(ExitCode::Passed);
    }
    // Metric names come from the definition of the repository around here,
    // when it can be read; kinds need none.
    let def = scan::locate(std::path::Path::new("."))
        .ok()
        .and_then(|place| crate::config::load(&place.root, config).ok());
    let text = match topic {
        None => crate::explain::overview(def.as_ref()),
        Some(t) => match crate::explain::explain(t, def.as_ref()) {
            Some(text) => text,
            None => {
                let hint = crate::metrics::suggest_kind(t)
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                report_error(&Error::usage(
                    format!("`{t}` is neither a metric kind nor a metric of the definition"),
                    Some(&format!("{hint}`qscan explain` lists them all")),
                ));
                return ExitCode::Error;
            }
        },
    };
    emit(&text, ColorWhen::Never)
        .err()
        .unwrap_or(ExitCode::Passed)
}

/// Where a program comes from: JSON reports, or the repository's history.
enum ProgramSource {
    Reports(Vec<PathBuf>),
    Git(crate::program::git::Options),
}

fn program_source(
    path: &std::path::Path,
    from: &[PathBuf],
    cli: &Cli,
    by: By,
    pick: crate::trend::Pick,
    since: Option<i64>,
) -> ProgramSource {
    if from.is_empty() {
        ProgramSource::Git(crate::program::git::Options {
            path: path.to_path_buf(),
            config: cli.config.clone(),
            pick,
            since,
            by,
            no_cache: cli.no_cache,
        })
    } else {
        ProgramSource::Reports(from.to_vec())
    }
}

/// The program, its notes told on stderr; an error is reported and
/// becomes the exit code.
fn load_program(source: &ProgramSource) -> Result<crate::program::Program, ExitCode> {
    let loaded = match source {
        ProgramSource::Reports(paths) => crate::program::from::program(paths),
        ProgramSource::Git(opts) => crate::program::git::program(opts),
    };
    let program = loaded.map_err(|e| {
        report_error(&e);
        ExitCode::Error
    })?;
    for note in &program.notes {
        eprintln!("qscan: note: {}", crate::report::escape(note));
    }
    Ok(program)
}

/// Output formats of `qscan dashboard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgramFormat {
    Html,
    Json,
}

/// Output formats of `qscan nudge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NudgeFormat {
    Markdown,
    Json,
}

/// `qscan dashboard`: the page (or the program as JSON) to stdout or
/// `--output FILE`; the program's notes to stderr. Exit 0 unless an error
/// stops it (a dashboard has no gate).
fn dashboard(
    source: &ProgramSource,
    format: ProgramFormat,
    output: Option<&std::path::Path>,
) -> ExitCode {
    let program = match load_program(source) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let text = match format {
        ProgramFormat::Html => report::dashboard_html::render(&program),
        ProgramFormat::Json => report::json::pretty(&program, "the program"),
    };
    let written = match output {
        Some(file) => write_file(file, &text, ColorWhen::Never),
        None => emit(&text, ColorWhen::Never),
    };
    written.err().unwrap_or(ExitCode::Passed)
}

/// `qscan nudge`: the nudges to stdout, the state file read and rewritten.
fn nudge(
    source: &ProgramSource,
    format: NudgeFormat,
    state: Option<&std::path::Path>,
    again: bool,
) -> ExitCode {
    use crate::program::nudge::{self, State};
    let previous = match state.map(std::fs::read_to_string) {
        None => State::default(),
        Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
        Some(Err(e)) => {
            report_error(&Error::input(
                format!("cannot read the nudge state: {e}"),
                None,
            ));
            return ExitCode::Error;
        }
        Some(Ok(text)) => match serde_json::from_str(&text) {
            Ok(s) => s,
            Err(e) => {
                report_error(&Error::input(
                    format!("the nudge state file is not one qscan wrote: {e}"),
                    Some("remove it to nudge every team behind its goal once more"),
                ));
                return ExitCode::Error;
            }
        },
    };
    let program = match load_program(source) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (nudges, next) = nudge::nudges(&program, &previous, again);
    let text = match format {
        NudgeFormat::Markdown => report::nudge::markdown(&nudges),
        NudgeFormat::Json => report::nudge::json(&nudges),
    };
    if let Err(code) = emit(&text, ColorWhen::Never) {
        return code;
    }
    if let Some(file) = state {
        let json = report::json::pretty(&next, "the nudge state");
        if let Err(code) = write_file(file, &json, ColorWhen::Never) {
            return code;
        }
    }
    ExitCode::Passed
}

/// `qscan trend`: the trend to stdout or `--output FILE`; exit 0 unless an
/// error stops it (a trend has no gate).
fn trend(
    opts: &crate::trend::Options,
    format: TrendFormat,
    output: Option<&std::path::Path>,
) -> ExitCode {
    let trend = match crate::trend::run(opts) {
        Ok(t) => t,
        Err(e) => {
            report_error(&e);
            return ExitCode::Error;
        }
    };
    let text = report::render_trend(&trend, format);
    let written = match output {
        Some(file) => write_file(file, &text, ColorWhen::Never),
        None => emit(&text, ColorWhen::Never),
    };
    written.err().unwrap_or(ExitCode::Passed)
}

/// `qscan init`: what was written goes to stderr, like cargo's "Created";
/// stdout stays empty.
fn init(opts: &crate::init::Options, quiet: bool) -> ExitCode {
    let written = match crate::init::init(opts) {
        Ok(w) => w,
        Err(e) => {
            report_error(&e);
            return ExitCode::Error;
        }
    };
    if quiet {
        return ExitCode::Passed;
    }
    let mut err = std::io::stderr().lock();
    let verb = if written.replaced {
        "replaced"
    } else {
        "wrote"
    };
    let _ = writeln!(err, "qscan: {verb} {}", written.path.display());
    if written.by_language.is_empty() {
        let _ = writeln!(
            err,
            "  note: no source files found (qscan reads {})",
            crate::lang::titles()
        );
    }
    let width = written
        .metrics
        .iter()
        .map(|m| m.name.len())
        .max()
        .unwrap_or(0);
    for m in &written.metrics {
        let _ = match (&m.measured, &m.skipped) {
            (Some((value, min)), _) => {
                writeln!(err, "  {:width$}  {value:5.1}%  min {min}", m.name)
            }
            (None, why) => writeln!(
                err,
                "  {:width$}  not measured ({}): written commented out",
                m.name,
                why.as_deref().unwrap_or("no result")
            ),
        };
    }
    for o in &written.omitted {
        let _ = writeln!(err, "  {:width$}  left out: {}", o.name, o.why);
    }
    let _ = writeln!(
        err,
        "  score {:.1}, min_score {}: the gate passes today; raise each min as values improve",
        written.score, written.min_score
    );
    ExitCode::Passed
}

/// `qscan hook install|uninstall`: a line on stderr saying what changed.
fn hook(action: &HookAction, quiet: bool) -> ExitCode {
    use crate::hook::{Installed, Uninstalled};
    let message = match action {
        HookAction::Install { path, force } => crate::hook::install(path, *force).map(|o| {
            let place = if o.hooks_path {
                " (core.hooksPath)"
            } else {
                ""
            };
            let hook = o.hook.display();
            match o.what {
                Installed::Fresh => format!("installed {hook}{place}: it runs `qscan --staged`"),
                Installed::Updated => format!("rewrote qscan's hook {hook}{place}"),
                Installed::Replaced { backup } => format!(
                    "installed {hook}{place}; the hook that was there is now {}",
                    backup.display()
                ),
            }
        }),
        HookAction::Uninstall { path } => crate::hook::uninstall(path).map(|o| {
            let hook = o.hook.display();
            match o.what {
                Uninstalled::Removed => format!("removed {hook}"),
                Uninstalled::Restored { backup, removed } => format!(
                    "{}put back the hook qscan had replaced: {} is now {hook}",
                    if removed {
                        "removed qscan's hook and "
                    } else {
                        ""
                    },
                    backup.display()
                ),
                Uninstalled::Nothing => format!("nothing to uninstall: there is no hook at {hook}"),
            }
        }),
    };
    match message {
        Ok(m) => {
            if !quiet {
                eprintln!("qscan: {m}");
            }
            ExitCode::Passed
        }
        Err(e) => {
            report_error(&e);
            ExitCode::Error
        }
    }
}

/// Writes output to stdout, stripping styles when colour is off. A reader
/// that stops early (`qscan | head -1`) is not an error: the exit code stays
/// the verdict. A stdout closed from the start (`qscan >&-`) is one: the
/// error is the exit code to return.
fn emit(text: &str, when: ColorWhen) -> Result<(), ExitCode> {
    if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        report_error(&Error::usage(
            "cannot write the output: standard output is closed",
            Some(
                "redirect it instead (`qscan > /dev/null` to drop it), or write to a file with --output FILE",
            ),
        ));
        return Err(ExitCode::Error);
    }
    let color = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), color);
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("qscan: error: cannot write the output: {e}");
            Err(ExitCode::Error)
        }
        _ => Ok(()),
    }
}

/// A progress bar (reading a long history, measuring trend points): only for
/// text output on a terminal's stderr, so JSON output and logs never carry one.
fn progress_bar(text: bool, doing: &str, things: &str) -> ProgressHook {
    if !text || !std::io::stderr().is_terminal() {
        return ProgressHook::default();
    }
    ProgressHook(Some(Arc::new(Bar::new(doing, things))))
}

/// Shows itself only once the work has taken half a second, so a short one
/// leaves no trace on the terminal.
struct Bar {
    bar: indicatif::ProgressBar,
    started: Instant,
}

impl Bar {
    const DELAY: Duration = Duration::from_millis(500);

    fn new(doing: &str, things: &str) -> Bar {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{{prefix}} [{{bar:30}}] {{pos}}/{{len}} {things} ({{eta}} left)"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(doing.to_string());
        Bar {
            bar,
            started: Instant::now(),
        }
    }
}

impl Progress for Bar {
    fn start(&self, units: u64) {
        self.bar.set_length(units);
    }

    fn advance(&self, done: u64) {
        if self.bar.is_hidden() && self.started.elapsed() >= Self::DELAY {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Writes the report to `--output FILE`, with styles stripped unless colour
/// is forced.
fn write_file(path: &std::path::Path, text: &str, when: ColorWhen) -> Result<(), ExitCode> {
    let written = match when {
        ColorWhen::Always => std::fs::write(path, text),
        _ => std::fs::write(path, anstream::adapter::strip_str(text).to_string()),
    };
    written.map_err(|e| {
        report_error(&Error::Io {
            message: format!("cannot write the output to {}: {e}", path.display()),
        });
        ExitCode::Error
    })
}

/// In GitHub Actions, `--format github` also appends the markdown summary to
/// the step summary file, where it shows on the run's page.
fn append_step_summary(report: &report::Report) -> Result<(), ExitCode> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let summary = report::markdown::render(report);
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(format!("{summary}\n").as_bytes()))
        .map_err(|e| {
            report_error(&Error::Io {
                message: format!(
                    "cannot append the summary to $GITHUB_STEP_SUMMARY ({}): {e}",
                    path.display()
                ),
            });
            ExitCode::Error
        })
}

fn report_error(e: &Error) {
    let mut err = std::io::stderr().lock();
    // A definition's problems are escaped token by token and laid out on
    // several lines on purpose; any other message may quote the repository
    // (a file or branch name) and is one line, escaped whole.
    let message = match e {
        Error::Config(_) => e.to_string(),
        _ => report::escape(&e.to_string()),
    };
    let _ = writeln!(err, "qscan: error: {message}");
    if let Some(hint) = e.hint() {
        let _ = writeln!(err, "  hint: {}", report::escape(hint));
    }
}
