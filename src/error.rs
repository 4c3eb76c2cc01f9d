//! Errors at the edge: every failure that stops a run, with the message and
//! hint the user sees, and the exit codes. Every error exits with
//! [`ExitCode::Error`] (the gate's verdicts are the other two).

use std::fmt;

use crate::config::ConfigError;

/// How a run ends, as the process's exit code: the one place the numbers
/// are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The gate passed, or a command without a gate did its work.
    Passed = 0,
    /// The gate failed.
    GateFailed = 1,
    /// An error stopped the run: a bad definition or flag, unreadable input.
    Error = 2,
}

impl ExitCode {
    /// The process's exit code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[derive(Debug)]
pub enum Error {
    /// The quality definition is missing or invalid.
    Config(ConfigError),
    /// The command line asks for something impossible.
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// Reading or writing failed.
    Io { message: String },
    /// A file the definition names (a coverage report, an external tool's
    /// JSON) is missing or does not hold what the metric needs.
    Input {
        message: String,
        hint: Option<String>,
    },
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: Option<&str>) -> Error {
        Error::Usage {
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }

    pub fn input(message: impl Into<String>, hint: Option<&str>) -> Error {
        Error::Input {
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }

    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Config(ConfigError::Invalid { .. }) => Some(
                "every quality.toml key is documented in the README; `qscan explain KIND` lists a kind's keys",
            ),
            Error::Config(ConfigError::Read { hint, .. }) => *hint,
            Error::Usage { hint, .. } | Error::Input { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(e) => write!(f, "{e}"),
            Error::Usage { message, .. } => f.write_str(message),
            Error::Io { message } | Error::Input { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::Config(e)
    }
}
