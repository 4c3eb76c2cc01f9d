//! qscan measures a codebase's technical quality against a definition the team
//! writes itself (`quality.toml`), and turns it into a score, a worklist and a
//! gate.
//!
//! The data flows one way: [`discover`] finds the files, [`analyze`] turns each
//! into [`facts`] once, [`history`] reads change units from git, [`ingest`]
//! reads the reports other tools wrote (coverage, JSON numbers), [`metrics`]
//! are pure functions of facts and the [`config`] definition (grouped per team
//! by [`owners`] or per folder for `--by`), and [`report`] renders the result. [`cli`] is the edge that parses flags, prints and picks
//! the exit code.

pub mod analyze;
pub mod cli;
pub mod config;
pub mod crates;
pub mod discover;
pub mod error;
pub mod explain;
pub mod facts;
pub mod files;
pub mod history;
pub mod hook;
pub mod ingest;
pub mod init;
pub mod lang;
pub mod metrics;
pub mod model;
pub mod odb;
pub mod owners;
pub mod program;
pub mod report;
pub mod scan;
pub mod shell;
pub mod snapshot;
pub mod text;
pub mod trend;
