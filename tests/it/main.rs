//! The integration tests: one test binary, so the suite links once.
//! Each module is one area (`cargo test --test it NAME` runs the tests whose
//! path contains NAME, e.g. `cargo test --test it fuzz::`); `common` holds the
//! helpers they share.
//!
//! A new area is a file `tests/it/NAME.rs` starting with `use crate::common;`
//! and a `mod NAME;` line below. All modules share one crate: methods added
//! to a shared type (`impl TestRepo` on `common::repo::TestRepo`) must have
//! names no other module uses. insta names a module's snapshots
//! `tests/it/snapshots/it__NAME__SNAPSHOT.snap`.

mod common;

mod bad_input;
mod baseline;
mod dist;
mod fixtures_go;
mod fixtures_java;
mod fixtures_javascript;
mod fixtures_python;
mod fixtures_reexports;
mod fixtures_rust;
mod forgiving_cli;
mod formats;
mod fuzz;
mod history;
mod imports;
mod init_rules;
mod kinds_coverage;
mod kinds_external;
mod kinds_query;
mod kinds_rule;
mod mypy_agreement;
mod onboarding;
mod program;
mod roles;
mod schema;
mod trend;
mod typing_ts_js;
mod untrusted_git;
mod untrusted_output;
mod untrusted_paths;
mod untrusted_source;
mod verdict;
mod worklist;
mod zoom;
