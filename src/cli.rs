//! The command line: flags (clap derive; the doc comments are the help),
//! printing, and exit codes: 0 the gate passed, 1 it failed, 2 an error.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::report::{self, Format};
use crate::scan::{self, Request};

pub const EXIT_PASSED: i32 = 0;
pub const EXIT_FAILED: i32 = 1;

/// Measure a codebase's technical quality against the team's own definition.
///
/// qscan scans the repository that contains PATH, scores every metric of its
/// quality.toml (or the built-in default definition), prints a report and the
/// worst offenders, and exits 0 when the gate passes, 1 when it fails and 2 on
/// a usage, configuration or I/O error.
#[derive(Debug, Parser)]
#[command(
    name = "qscan",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  qscan                         scan the repository around the current folder\n  qscan ../other-repo           scan another repository\n  qscan --format json | jq .score\n  qscan --min-score 80          fail (exit 1) below a score of 80\n  qscan --config ci/quality.toml --quiet\n  qscan explain typed           what a metric measures and how"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A folder inside the repository to scan; its root is found through git
    /// (or the folder itself is scanned when it is no repository).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// The quality definition to use instead of ROOT/quality.toml, e.g.
    /// `--config ci/quality.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format: `text` for people, `json` for scripts (the report
    /// object documented in the README), e.g. `--format json`.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,

    /// Fail (exit 1) when the overall score is below N, overriding the
    /// definition's `[gate] min_score`, e.g. `--min-score 80`.
    #[arg(long, value_name = "N", value_parser = parse_percent)]
    pub min_score: Option<f64>,

    /// When to colour the text report: `auto` colours a terminal unless
    /// NO_COLOR is set, e.g. `--color never`.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Print only the gate's failures (nothing when it passes) and no notes,
    /// e.g. in a pre-commit hook: `qscan --quiet`.
    #[arg(long, short)]
    pub quiet: bool,

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
        /// The quality definition to read metric names from.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print the README's table of metric kinds.
        #[arg(long, hide = true)]
        markdown: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
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

/// Runs qscan with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { Error::EXIT_CODE } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    run(&cli)
}

pub fn run(cli: &Cli) -> i32 {
    if let Some(command) = &cli.command {
        return match command {
            Command::Explain {
                topic,
                config,
                markdown,
            } => explain(topic.as_deref(), config.as_deref(), *markdown),
        };
    }
    let request = Request {
        path: cli.path.clone(),
        config: cli.config.clone(),
        min_score: cli.min_score,
    };
    if cli.dump_facts {
        return match scan::facts(&request) {
            Ok(analysis) => {
                let value = serde_json::json!({
                    "files": analysis.files,
                    "skipped": analysis.skipped,
                });
                match emit(&format!("{value:#}\n"), ColorWhen::Never) {
                    Ok(()) => EXIT_PASSED,
                    Err(code) => code,
                }
            }
            Err(e) => {
                report_error(&e);
                Error::EXIT_CODE
            }
        };
    }
    match scan::run(&request) {
        Ok(report) => {
            let text = report::render(&report, cli.format, cli.quiet);
            if let Err(code) = emit(&text, cli.color) {
                return code;
            }
            if report.passed {
                EXIT_PASSED
            } else {
                EXIT_FAILED
            }
        }
        Err(e) => {
            report_error(&e);
            Error::EXIT_CODE
        }
    }
}

fn explain(topic: Option<&str>, config: Option<&std::path::Path>, markdown: bool) -> i32 {
    if markdown {
        return emit(&crate::explain::markdown_table(), ColorWhen::Never)
            .err()
            .unwrap_or(EXIT_PASSED);
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
                return Error::EXIT_CODE;
            }
        },
    };
    emit(&text, ColorWhen::Never).err().unwrap_or(EXIT_PASSED)
}

/// Writes output to stdout, stripping styles when colour is off. A closed pipe
/// (`qscan | head`) is not an error; the error is the exit code to return.
fn emit(text: &str, when: ColorWhen) -> Result<(), i32> {
    let color = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), color);
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("qscan: error: cannot write the output: {e}");
            Err(Error::EXIT_CODE)
        }
        _ => Ok(()),
    }
}

fn report_error(e: &Error) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "qscan: error: {e}");
    if let Some(hint) = e.hint() {
        let _ = writeln!(err, "  hint: {hint}");
    }
}
