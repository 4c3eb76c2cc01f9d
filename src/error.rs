//! Errors at the edge: every failure that stops a run, with the message and
//! hint the user sees, and the exit codes. Every error exits with
//! [`ExitCode::Error`] (the gate's verdicts are the other two).

use std::fmt;

use std::path::Path;

use crate::config::ConfigError;
use crate::odb::OdbError;

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

impl OdbError {
    /// The run-stopping error (exit 2) for this failure.
    pub fn to_error(&self) -> Error {
        Error::input(self.to_string(), Some(Self::HINT))
    }
}

/// The message for a repository git refuses to open because another user
/// owns it, with git's own fix.
pub fn dubious_ownership(path: &Path) -> Error {
    let shown = path.display();
    Error::Usage {
        message: format!(
            "{shown} is a git repository owned by another user, and git refuses to read it \
             (\"dubious ownership\": its configuration and hooks could run code as you)"
        ),
        hint: Some(format!(
            "if you trust it, mark it safe: `git config --global --add safe.directory {shown}`"
        )),
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::Config(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_message_names_the_fix() {
        let e = dubious_ownership(Path::new("/srv/repo"));
        assert!(e.to_string().contains("owned by another user"));
        assert_eq!(
            e.hint(),
            Some(
                "if you trust it, mark it safe: `git config --global --add safe.directory /srv/repo`"
            )
        );
    }
}
