//! The command line: flags (clap derive; the doc comments are the help),
//! printing, and exit codes: 0 the gate passed, 1 it failed, 2 an error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

use crate::error::Error;
use crate::history::{Progress, ProgressHook};
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
    after_help = "Examples:\n  qscan                         scan the repository around the current folder\n  qscan ../other-repo           scan another repository\n  qscan --format json | jq .score\n  qscan --min-score 80          fail (exit 1) below a score of 80\n  qscan --config ci/quality.toml --quiet"
)]
pub struct Cli {
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
    let request = Request {
        path: cli.path.clone(),
        config: cli.config.clone(),
        min_score: cli.min_score,
        progress: progress_bar(cli.format),
    };
    let result = scan::run(&request);
    if std::env::var_os("QSCAN_TRACE").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!(
            "trace: parsed {} files",
            scan::FILES_PARSED.load(std::sync::atomic::Ordering::Relaxed)
        );
    }
    match result {
        Ok(report) => {
            let text = report::render(&report, cli.format, cli.quiet);
            let color = match cli.color {
                ColorWhen::Auto => anstream::ColorChoice::Auto,
                ColorWhen::Always => anstream::ColorChoice::Always,
                ColorWhen::Never => anstream::ColorChoice::Never,
            };
            let mut out = anstream::AutoStream::new(std::io::stdout().lock(), color);
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                eprintln!("qscan: error: cannot write the report: {e}");
                return Error::EXIT_CODE;
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

/// A progress bar for reading a long history: only for the text report on a
/// terminal's stderr, so JSON output and logs never carry one.
fn progress_bar(format: Format) -> ProgressHook {
    if format != Format::Text || !std::io::stderr().is_terminal() {
        return ProgressHook::default();
    }
    ProgressHook(Some(Arc::new(HistoryBar::new())))
}

/// Shows itself only once reading has taken half a second, so a short
/// history leaves no trace on the terminal.
struct HistoryBar {
    bar: indicatif::ProgressBar,
    started: Instant,
}

impl HistoryBar {
    const DELAY: Duration = Duration::from_millis(500);

    fn new() -> HistoryBar {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} change units ({eta} left)",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("reading history");
        HistoryBar {
            bar,
            started: Instant::now(),
        }
    }
}

impl Progress for HistoryBar {
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

fn report_error(e: &Error) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "qscan: error: {e}");
    if let Some(hint) = e.hint() {
        let _ = writeln!(err, "  hint: {hint}");
    }
}
