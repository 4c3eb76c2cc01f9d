//! The quality definition: `quality.toml` (or the built-in default) read
//! strictly into a validated [`Definition`].
//!
//! Raw serde structs ([`raw`]) mirror the file; [`validate`] turns them into
//! the definition the engine uses and collects every problem with its line and
//! column, so a user fixes them all in one pass.

pub mod raw;
pub mod schema;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use indexmap::IndexMap;
use toml::Spanned;

use crate::discover::confine::{self, escape};
use crate::discover::glob_set;
use crate::lang::Language;
use crate::metrics::keys::{COMMON_KEYS, RawValue, TOKEN_CHARS, Table, Type, token};
use crate::metrics::{self, Kind, Min};
pub use crate::metrics::{MetricDef, Params};

/// The built-in default definition, embedded from a real TOML file.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

pub const DEFAULT_MAX_FILE_BYTES: u64 = 1024 * 1024;
pub const DEFAULT_WINDOW: u64 = 500;
/// `[history] min_units`: a shorter history is too short to judge.
pub const DEFAULT_MIN_UNITS: u64 = 20;

/// Where the definition came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    BuiltIn,
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub origin: Origin,
    pub scan: Scan,
    pub history: History,
    pub gate: Gate,
    pub metrics: Vec<MetricDef>,
    /// `[goals."TEAM"]`, in written order.
    pub goals: Vec<crate::metrics::goals::Goal>,
}

#[derive(Debug, Clone)]
pub struct Scan {
    pub exclude: Vec<String>,
    pub max_file_bytes: u64,
    pub test_patterns: Vec<String>,
    /// `[scan.roles]`: globs by role, in written order (README, "File roles").
    pub roles: Vec<(crate::snapshot::Role, Vec<String>)>,
}

pub use crate::history::Settings as History;

#[derive(Debug, Clone)]
pub struct Gate {
    pub min_score: Option<f64>,
    /// With a baseline: fail when a metric's value drops or a new offender appears.
    pub no_regression: bool,
}

/// One problem in a definition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending source line, for display.
    pub snippet: String,
}

/// Why a definition could not be loaded.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        error: std::io::Error,
        hint: Option<&'static str>,
    },
    Invalid {
        path: String,
        problems: Vec<Problem>,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, error, .. } => {
                write!(
                    f,
                    "cannot read {}: {}",
                    escape(&path.display().to_string()),
                    error
                )
            }
            ConfigError::Invalid { path, problems } => {
                let path = escape(path);
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{path}:{}:{}: {}", p.line, p.column, p.message)?;
                    if !p.snippet.is_empty() {
                        let gutter = p.line.to_string().len();
                        write!(
                            f,
                            "\n{:gutter$} |\n{} | {}\n{:gutter$} | {:>col$}",
                            "",
                            p.line,
                            p.snippet,
                            "",
                            "^",
                            col = p.column
                        )?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Finds and loads the definition: `explicit` if given, else `ROOT/quality.toml`
/// if it exists, else the built-in default.
///
/// The repository's own quality.toml is untrusted: it is read only as a
/// regular file inside the root ([`confine`]), and its problems are shown
/// without lines of its text (a `quality.toml` linked to a file of secrets
/// inside the checkout must not print them). A `--config FILE` the user
/// gives is the user's own: read as given, shown with the offending line.
pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Definition, ConfigError> {
    if let Some(path) = explicit {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.to_path_buf(),
            error,
            hint: None,
        })?;
        let shown = path.display().to_string();
        return parse(&text, &shown, Origin::File(path.to_path_buf()));
    }
    let path = root.join("quality.toml");
    // Only a truly absent file means "use the default"; a folder or a
    // dangling link by that name is reported.
    if std::fs::symlink_metadata(&path).is_err() {
        return parse(DEFAULT_TOML, "built-in default definition", Origin::BuiltIn);
    }
    let refused = |error: std::io::Error, hint| ConfigError::Read {
        path: path.clone(),
        error,
        hint,
    };
    let bytes =
        confine::read(root, "quality.toml", confine::MAX_DEFINITION_BYTES).map_err(|e| {
            let hint = e.is_refusal().then_some(
                "qscan reads the repository's quality.toml only as a regular file inside it; \
             to use a definition kept elsewhere, pass it yourself with --config FILE",
            );
            match e {
                confine::Refused::Io(error) => refused(error, hint),
                other => refused(std::io::Error::other(other.to_string()), hint),
            }
        })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        refused(
            std::io::Error::other(format!(
                "it is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )),
            None,
        )
    })?;
    let shown = path.display().to_string();
    parse(&text, &shown, Origin::File(path.clone())).map_err(|e| match e {
        ConfigError::Invalid { path, mut problems } => {
            for p in &mut problems {
                p.snippet.clear();
            }
            ConfigError::Invalid { path, problems }
        }
        other => other,
    })
}

/// Parses and validates definition text; `shown` names the file in messages.
pub fn parse(text: &str, shown: &str, origin: Origin) -> Result<Definition, ConfigError> {
    let dir = match &origin {
        Origin::File(path) => path
            .parent()
            .map(|d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            })
            .map(Path::to_path_buf),
        Origin::BuiltIn => None,
    };
    let mut v = Validator {
        dir,
        text,
        problems: Vec::new(),
        mistyped: Vec::new(),
    };
    let def = read_raw(text, &mut v.problems).map(|raw| v.definition(raw, origin));
    match def {
        Some(def) if v.problems.is_empty() => Ok(def),
        _ => {
            v.problems.sort_by_key(|p| (p.line, p.column));
            Err(ConfigError::Invalid {
                path: shown.to_string(),
                problems: v.problems,
            })
        }
    }
}

/// Reads the raw definition table by table, so that an unknown key or a wrong
/// type in one table does not hide the problems of the others. A table that
/// does not deserialize is left out (and its problem recorded); None when the
/// text is not TOML at all.
fn read_raw(text: &str, problems: &mut Vec<Problem>) -> Option<raw::RawConfig> {
    let doc = match toml::de::DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            problems.push(parser_problem(text, &e));
            return None;
        }
    };
    let mut raw = raw::RawConfig::default();
    for (key, value) in doc.into_inner() {
        match key.get_ref().as_ref() {
            "scan" => raw.scan = table(text, value, problems),
            "history" => raw.history = table(text, value, problems),
            "gate" => raw.gate = table(text, value, problems),
            "goals" => match value.into_inner() {
                toml::de::DeValue::Table(goals) => {
                    for (team, goal) in goals {
                        let span = team.span();
                        let team = Spanned::new(span, team.into_inner().into_owned());
                        if let Some(goal) = table(text, goal, problems) {
                            raw.goals.push((team, goal));
                        }
                    }
                }
                other => problems.push(problem(
                    text,
                    key.span(),
                    format!(
                        "`goals` must be a table of teams, like [goals.\"@org/team\"], found {}",
                        other.type_str()
                    ),
                )),
            },
            "metrics" => match value.into_inner() {
                toml::de::DeValue::Table(metrics) => {
                    for (name, metric) in metrics {
                        let name = name.into_inner().into_owned();
                        if let Some((metric, mistyped)) =
                            metric_table(text, &name, metric, problems)
                        {
                            if !mistyped.is_empty() {
                                raw.mistyped.insert(name.clone(), mistyped);
                            }
                            raw.metrics.insert(name, metric);
                        }
                    }
                }
                other => problems.push(problem(
                    text,
                    key.span(),
                    format!(
                        "`metrics` must be a table of metrics, like [metrics.typed], found {}",
                        other.type_str()
                    ),
                )),
            },
            other => problems.push(problem(
                text,
                key.span(),
                format!(
                    "unknown field `{}`, expected one of `scan`, `history`, `gate`, `metrics`, `goals`",
                    token(other)
                ),
            )),
        }
    }
    Some(raw)
}

/// Deserializes one table. Each key is tried alone first, so every unknown
/// key and every value of the wrong type is a problem of its own (serde
/// stops at the first); the table is then read without them, and the
/// validation that follows reports what else is wrong in it. `mistyped`
/// says whether a known key was left out for its value, so that the
/// validation does not also call it missing.
fn table<T: serde::de::DeserializeOwned>(
    text: &str,
    value: Spanned<toml::de::DeValue<'_>>,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    table_keys(text, value, problems).map(|(t, _)| t)
}

fn table_keys<T: serde::de::DeserializeOwned>(
    text: &str,
    value: Spanned<toml::de::DeValue<'_>>,
    problems: &mut Vec<Problem>,
) -> Option<(T, Vec<String>)> {
    use toml::de::{DeTable, DeValue, ValueDeserializer};
    let span = value.span();
    let DeValue::Table(fields) = value.get_ref() else {
        return T::deserialize(ValueDeserializer::from(value))
            .map_err(|e| problems.push(parser_problem(text, &e)))
            .ok()
            .map(|t| (t, Vec::new()));
    };
    let mut good = DeTable::new();
    let mut mistyped = Vec::new();
    for (key, v) in fields.iter() {
        let mut alone = DeTable::new();
        alone.insert(key.clone(), v.clone());
        let alone = Spanned::new(span.clone(), DeValue::Table(alone));
        match T::deserialize(ValueDeserializer::from(alone)) {
            Ok(_) => {
                good.insert(key.clone(), v.clone());
            }
            Err(e) => {
                if !e.message().starts_with("unknown field") {
                    mistyped.push(key.get_ref().to_string());
                }
                problems.push(parser_problem(text, &e));
            }
        }
    }
    T::deserialize(ValueDeserializer::from(Spanned::new(
        span,
        DeValue::Table(good),
    )))
    .map_err(|e| problems.push(parser_problem(text, &e)))
    .ok()
    .map(|t| (t, mistyped))
}

/// Reads one `[metrics.NAME]` table: the common keys as [`table_keys`]
/// reads any table, each kind-specific key by the type its kind declares
/// (every kind's keys are accepted here; whether one applies to the metric's
/// kind is checked once the kind is known). Problems read as serde's would.
fn metric_table(
    text: &str,
    metric_name: &str,
    value: Spanned<toml::de::DeValue<'_>>,
    problems: &mut Vec<Problem>,
) -> Option<(Spanned<raw::RawMetric>, Vec<String>)> {
    use toml::de::{DeTable, DeValue};
    let span = value.span();
    let DeValue::Table(fields) = value.get_ref() else {
        return table_keys(text, value, problems);
    };
    let known = metrics::all_keys();
    // The metric's kind, when the table says it (or its name is one): an
    // unknown key is then compared with that kind's keys alone.
    let kind = match fields.get("kind").map(|v| v.get_ref()) {
        Some(DeValue::String(k)) => metrics::Kind::from_name(k),
        Some(_) => None,
        None => metrics::Kind::from_name(metric_name),
    };
    let mut common = DeTable::new();
    let mut specific = Vec::new();
    let mut mistyped = Vec::new();
    for (key, v) in fields.iter() {
        let name: &str = key.get_ref();
        if COMMON_KEYS.contains(&name) {
            common.insert(key.clone(), v.clone());
            continue;
        }
        let Some(k) = known.iter().find(|k| k.name == name) else {
            let keys: Vec<&str> = match kind {
                Some(kind) => kind.info().keys.iter().map(|k| k.name).collect(),
                None => known.iter().map(|k| k.name).collect(),
            };
            let candidates: Vec<&str> = COMMON_KEYS.iter().copied().chain(keys).collect();
            let expected: Vec<String> = candidates.iter().map(|k| format!("`{k}`")).collect();
            let message = format!(
                "unknown field `{name}`{}, expected one of {}",
                did_you_mean(name, &candidates),
                expected.join(", ")
            );
            problems.push(problem(
                text,
                key.span(),
                plain_words(&redact(&message), None),
            ));
            continue;
        };
        match typed_value(k.ty, v.clone()) {
            Ok(value) => specific.push((name.to_string(), value)),
            Err(e) => {
                mistyped.push(name.to_string());
                let at = e.span().unwrap_or(v.span());
                let message = plain_words(&redact(e.message().trim()), None);
                problems.push(problem(text, at, message));
            }
        }
    }
    let (metric, mut more): (Spanned<raw::RawMetric>, _) =
        table_keys(text, Spanned::new(span, DeValue::Table(common)), problems)?;
    let span = metric.span();
    let mut metric = metric.into_inner();
    metric.specific = specific;
    mistyped.append(&mut more);
    Some((Spanned::new(span, metric), mistyped))
}

/// A kind-specific value read as its key's type.
fn typed_value(
    ty: Type,
    value: Spanned<toml::de::DeValue<'_>>,
) -> Result<Spanned<RawValue>, toml::de::Error> {
    use serde::Deserialize;
    use toml::de::ValueDeserializer;
    fn read<T: serde::de::DeserializeOwned>(
        value: Spanned<toml::de::DeValue<'_>>,
        wrap: fn(T) -> RawValue,
    ) -> Result<Spanned<RawValue>, toml::de::Error> {
        let v = Spanned::<T>::deserialize(ValueDeserializer::from(value))?;
        let span = v.span();
        Ok(Spanned::new(span, wrap(v.into_inner())))
    }
    match ty {
        Type::Count { .. } => read(value, RawValue::Int),
        Type::Fraction { .. } | Type::Number => read(value, RawValue::Float),
        Type::Choice { .. } | Type::OneOf { .. } | Type::Text | Type::Language => {
            read(value, RawValue::Str)
        }
        Type::Texts => read(value, RawValue::Strs),
    }
}

fn parser_problem(text: &str, e: &toml::de::Error) -> Problem {
    let span = e.span().unwrap_or(0..0);
    let message = plain_words(&redact(e.message().trim()), text.get(span.clone()));
    problem(text, span, suggest_field(message))
}

/// ` (did you mean `min`?)` when a known key is near the mistyped one.
fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    crate::text::nearest(name, candidates.iter().copied())
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

/// A parser's `unknown field `x`, expected one of `a`, `b`` with the
/// nearest of the table's own keys suggested.
fn suggest_field(message: String) -> String {
    let parts = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .and_then(|(name, tail)| {
            let list = tail
                .strip_prefix(", expected one of ")
                .or_else(|| tail.strip_prefix(", expected "))?;
            Some((name, tail, list))
        });
    let Some((name, tail, list)) = parts else {
        return message;
    };
    let candidates: Vec<&str> = list
        .split(", ")
        .flat_map(|k| k.split(" or "))
        .map(|k| k.trim_matches('`'))
        .collect();
    format!(
        "unknown field `{name}`{}{tail}",
        did_you_mean(name, &candidates)
    )
}

/// The longest message about one problem (the longest qscan writes is about
/// half of this).
const MESSAGE_CHARS: usize = 500;

/// A parser's message with the tokens it quotes cut as [`token`] cuts ours:
/// serde quotes a string value whole (`string "…"`) and a key as written
/// (`unknown field `…``).
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    if let Some(after) = rest.strip_prefix("unknown field `") {
        let end = ["`, expected", "`, there are no fields"]
            .iter()
            .filter_map(|m| after.rfind(m))
            .max();
        if let Some(end) = end {
            out.push_str("unknown field `");
            out.push_str(&token(&after[..end]));
            rest = &after[end..];
        }
    }
    while let Some(at) = rest.find("string \"") {
        let (before, quoted) = rest.split_at(at + "string \"".len());
        out.push_str(before);
        // Debug-escaped: the string ends at the first `"` not escaped.
        let mut end = quoted.len();
        let mut escaped = false;
        for (i, c) in quoted.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let inner = &quoted[..end];
        if inner.chars().count() > TOKEN_CHARS {
            let mut cut: String = inner.chars().take(TOKEN_CHARS).collect();
            // Not half an escape.
            if let Some(at) = cut.rfind('\\') {
                cut.truncate(at);
            }
            out.push_str(&cut);
            out.push('…');
        } else {
            out.push_str(inner);
        }
        rest = &quoted[end..];
    }
    out.push_str(rest);
    out
}

/// Rewrites a parser message in the words of quality.toml's documentation:
/// no Rust type names, and a duplicate key is named.
fn plain_words(message: &str, spanned: Option<&str>) -> String {
    if message == "duplicate key"
        && let Some(key) = spanned.map(str::trim).filter(|k| !k.is_empty())
    {
        return format!(
            "duplicate key `{}`: a key or table may appear only once",
            token(key)
        );
    }
    let mut out = message
        .replace("expected f64", "expected a number")
        .replace("expected u64", "expected a whole number (0 or more)")
        .replace("expected a sequence", "expected an array");
    if let Some(at) = out.find("expected struct Raw") {
        out.replace_range(at.., "expected a table");
    }
    out
}

fn problem(text: &str, span: Range<usize>, message: String) -> Problem {
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let snippet = text[line_start..]
        .lines()
        .next()
        .unwrap_or("")
        .trim_end()
        .to_string();
    // Every message is bounded and escaped, whatever it quotes.
    let mut message = escape(&message);
    if message.chars().count() > MESSAGE_CHARS {
        message = message.chars().take(MESSAGE_CHARS).collect();
        message.push('…');
    }
    Problem {
        line,
        column,
        message,
        snippet,
    }
}

struct Validator<'a> {
    /// The definition file's folder (files it names are read inside it).
    dir: Option<PathBuf>,
    text: &'a str,
    problems: Vec<Problem>,
    /// The keys of the metric being validated whose values were of the
    /// wrong type: already reported, so not reported missing too.
    mistyped: Vec<String>,
}

impl Validator<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problems.push(problem(self.text, span, message.into()));
    }

    fn definition(&mut self, raw: raw::RawConfig, origin: Origin) -> Definition {
        let scan = raw.scan.unwrap_or_default();
        // Check the globs now, so a bad one is reported with its line.
        for (key, globs) in [
            ("exclude", &scan.exclude),
            ("test_patterns", &scan.test_patterns),
        ] {
            let Some(globs) = globs else { continue };
            for p in globs.get_ref() {
                if let Err(e) = glob_set(std::slice::from_ref(p)) {
                    self.error(
                        globs.span(),
                        format!("invalid glob `{}` in [scan] {key}: {}", token(p), e.kind()),
                    );
                }
            }
        }
        let roles = self.scan_roles(scan.roles);
        let exclude = plain(scan.exclude).unwrap_or_default();
        // Without `[scan] test_patterns`, each language's own (README, Precise definitions).
        let test_patterns =
            plain(scan.test_patterns).unwrap_or_else(crate::lang::default_test_patterns);
        let max_file_bytes = match scan.max_file_bytes {
            Some(v) if *v.get_ref() == 0 => {
                self.error(v.span(), "max_file_bytes must be at least 1");
                DEFAULT_MAX_FILE_BYTES
            }
            Some(v) => v.into_inner(),
            None => DEFAULT_MAX_FILE_BYTES,
        };

        let history = raw.history.unwrap_or_default();
        let window = match history.window {
            Some(v) if *v.get_ref() == 0 => {
                self.error(v.span(), "window must be at least 1 change unit");
                None
            }
            Some(v) => Some(v.into_inner()),
            None => None,
        };
        let since = history.since.and_then(|s| match parse_span(s.get_ref()) {
            Ok(secs) => Some(secs),
            Err(msg) => {
                self.error(s.span(), msg);
                None
            }
        });
        let window = match (window, since) {
            (None, None) => Some(DEFAULT_WINDOW),
            (w, _) => w,
        };
        let min_units = match history.min_units {
            Some(v) if *v.get_ref() == 0 => {
                self.error(v.span(), "min_units must be at least 1 change unit");
                DEFAULT_MIN_UNITS
            }
            Some(v) => v.into_inner(),
            None => DEFAULT_MIN_UNITS,
        };

        let gate = raw.gate.unwrap_or_default();
        let min_score = gate.min_score.and_then(|v| self.percent(v, "min_score"));

        let mut metrics = Vec::new();
        let mut mistyped = raw.mistyped;
        let tables = raw.metrics.len();
        // Where each metric's weight is written (its table when it is not).
        let mut weight_spans = Vec::new();
        for (name, m) in raw.metrics {
            let span = m.span();
            let weight_span = m
                .get_ref()
                .weight
                .as_ref()
                .map_or(span.clone(), |w| w.span());
            self.mistyped = mistyped.swap_remove(&name).unwrap_or_default();
            if let Some(def) = self.metric(name, m.into_inner(), span) {
                metrics.push(def);
                weight_spans.push(weight_span);
            }
        }
        self.mistyped.clear();
        if metrics.len() == tables {
            self.weights(&metrics, &weight_spans);
        }
        let goals = raw
            .goals
            .into_iter()
            .filter_map(|(team, goal)| self.goal(team, goal, &metrics, tables))
            .collect();
        Definition {
            origin,
            scan: Scan {
                exclude,
                max_file_bytes,
                test_patterns,
                roles,
            },
            history: History {
                window,
                since,
                branch: plain(history.branch),
                min_units,
            },
            gate: Gate {
                min_score,
                no_regression: gate.no_regression.is_some_and(|v| *v.get_ref()),
            },
            metrics,
            goals,
        }
    }

    /// `[goals."TEAM"]`: a target score and/or per-metric targets, and a
    /// date. Per-metric targets name metrics of the definition (checked
    /// only when every metric table was read, so a broken one does not
    /// also make its goals unknown).
    fn goal(
        &mut self,
        team: Spanned<String>,
        raw: raw::RawGoal,
        metrics: &[MetricDef],
        tables: usize,
    ) -> Option<crate::metrics::goals::Goal> {
        let span = team.span();
        let team = team.into_inner();
        // A goal whose targets were all refused is not also told it has none.
        let problems_before = self.problems.len();
        if team.trim().is_empty() || team.chars().any(char::is_control) {
            self.error(
                span.clone(),
                "a goal's team is a CODEOWNERS team like \"@org/team\" or a folder",
            );
        }
        let score = raw.score.and_then(|v| self.percent(v, "score"));
        let mut targets = Vec::new();
        for (name, v) in raw.metrics.map(Spanned::into_inner).unwrap_or_default() {
            let known = metrics.iter().any(|m| m.name == name);
            if !known && metrics.len() == tables {
                let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
                self.error(
                    v.span(),
                    format!(
                        "the goal of `{}` names `{}`, which is no metric of this definition{}",
                        token(&team),
                        token(&name),
                        did_you_mean(&name, &names)
                    ),
                );
                continue;
            }
            if let Some(x) = self.percent(v, &name) {
                targets.push((name, x));
            }
        }
        let Some(by) = raw.by else {
            self.error(
                span,
                format!(
                    "the goal of `{}` needs a date: by = \"YYYY-MM-DD\"",
                    token(&team)
                ),
            );
            return None;
        };
        let by_span = by.span();
        let text = match by.into_inner() {
            toml::Value::String(s) => s,
            toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            other => format!("{other}"),
        };
        let Some(by_seconds) = crate::metrics::goals::end_of_day(&text) else {
            self.error(
                by_span,
                format!(
                    "by is a calendar date like \"2027-03-31\", found `{}`",
                    token(&text)
                ),
            );
            return None;
        };
        if score.is_none() && targets.is_empty() {
            if self.problems.len() == problems_before {
                self.error(
                    span,
                    format!(
                        "the goal of `{}` sets no target: give score = N or [goals.\"{}\".metrics]",
                        token(&team),
                        token(&team)
                    ),
                );
            }
            return None;
        }
        Some(crate::metrics::goals::Goal {
            team,
            score,
            metrics: targets,
            by: text,
            by_seconds,
        })
    }

    /// `[scan.roles]`: each key a role, each value globs.
    fn scan_roles(
        &mut self,
        raw: Option<Spanned<IndexMap<String, Spanned<Vec<String>>>>>,
    ) -> Vec<(crate::snapshot::Role, Vec<String>)> {
        let mut out = Vec::new();
        for (name, globs) in raw.map(Spanned::into_inner).unwrap_or_default() {
            let Some(role) = self.role(&name, globs.span(), "[scan.roles]") else {
                continue;
            };
            for p in globs.get_ref() {
                if let Err(e) = glob_set(std::slice::from_ref(p)) {
                    self.error(
                        globs.span(),
                        format!(
                            "invalid glob `{}` in [scan.roles] {}: {}",
                            token(p),
                            role.name(),
                            e.kind()
                        ),
                    );
                }
            }
            out.push((role, globs.into_inner()));
        }
        out
    }

    /// A role name, or an error naming the roles (and the nearest one).
    fn role(
        &mut self,
        name: &str,
        span: Range<usize>,
        place: &str,
    ) -> Option<crate::snapshot::Role> {
        let role = crate::snapshot::Role::from_name(name);
        if role.is_none() {
            let hint = metrics::suggest_role(name)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            self.error(
                span,
                format!(
                    "unknown role `{}` in {place}{hint}; expected one of {}",
                    token(name),
                    metrics::role_names()
                ),
            );
        }
        role
    }

    /// The score is the weighted mean of the metrics' values: it needs a
    /// weight above 0, and weights whose sum (times 100) is a finite number.
    fn weights(&mut self, metrics: &[MetricDef], spans: &[Range<usize>]) {
        let Some(last) = spans.last() else { return };
        if metrics.iter().all(|m| m.weight == 0.0) {
            self.error(
                last.clone(),
                "every metric's weight is 0, so the score would weigh nothing; \
                 give at least one metric a weight above 0 (the default is 1)",
            );
            return;
        }
        let sum: f64 = metrics.iter().map(|m| m.weight).sum();
        if !(sum * 100.0).is_finite() {
            let heaviest = metrics
                .iter()
                .zip(spans)
                .max_by(|a, b| a.0.weight.total_cmp(&b.0.weight))
                .map_or(last, |(_, s)| s);
            self.error(
                heaviest.clone(),
                "the weights are too large to compute a score with (100 times their sum \
                 is not a finite number); use smaller weights: only their ratios matter",
            );
        }
    }

    fn percent(&mut self, v: Spanned<f64>, key: &str) -> Option<f64> {
        let x = *v.get_ref();
        if !(0.0..=100.0).contains(&x) {
            self.error(
                v.span(),
                format!("{key} is a percentage from 0 to 100, found {x}"),
            );
            return None;
        }
        Some(x)
    }

    fn finite(&mut self, v: Option<Spanned<f64>>, key: &str) -> Option<f64> {
        let v = v?;
        if !v.get_ref().is_finite() {
            self.error(v.span(), format!("{key} must be a finite number"));
            return None;
        }
        Some(v.into_inner())
    }

    fn metric(&mut self, name: String, m: raw::RawMetric, span: Range<usize>) -> Option<MetricDef> {
        let kind = match &m.kind {
            Some(k) => match Kind::from_name(k.get_ref()) {
                Some(kind) => kind,
                None => {
                    let hint = metrics::suggest_kind(k.get_ref())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    self.error(
                        k.span(),
                        format!(
                            "unknown metric kind `{}`{hint}; expected one of {}",
                            token(k.get_ref()),
                            metrics::kind_names().join(", ")
                        ),
                    );
                    return None;
                }
            },
            None => match Kind::from_name(&name) {
                Some(kind) => kind,
                // Its `kind` is already reported.
                None if self.mistyped.iter().any(|k| k == "kind") => return None,
                None => {
                    self.error(
                        span,
                        format!(
                            "metric `{}` needs a `kind` (its name is not a kind); expected one of {}",
                            token(&name),
                            metrics::kind_names().join(", ")
                        ),
                    );
                    return None;
                }
            },
        };
        let info = kind.info();
        let mut values = IndexMap::new();
        for (key, value) in m.specific {
            if info.key(&key).is_some() {
                values.insert(key, value);
                continue;
            }
            self.error(
                value.span(),
                format!(
                    "`{key}` does not apply to metric `{}` of kind `{}`{}",
                    token(&name),
                    kind.name(),
                    if info.keys.is_empty() {
                        String::from(" (it takes no kind-specific keys)")
                    } else {
                        let keys: Vec<&str> = info.keys.iter().map(|k| k.name).collect();
                        format!(" (its keys: {})", keys.join(", "))
                    }
                ),
            );
        }
        // An external metric's `min` bounds its number; its value is 100 or 0,
        // and it must be 100 to pass.
        let (min, lower) = if info.min == Min::Bound {
            (Some(100.0), self.finite(m.min, "min"))
        } else {
            (m.min.and_then(|v| self.percent(v, "min")), None)
        };
        let weight = match m.weight {
            Some(w) if !(w.get_ref().is_finite() && *w.get_ref() >= 0.0) => {
                self.error(
                    w.span(),
                    format!(
                        "weight must be a number of 0 or more, found {}{}",
                        w.get_ref(),
                        if w.get_ref().is_finite() {
                            ""
                        } else {
                            ", which is not a finite number"
                        }
                    ),
                );
                1.0
            }
            Some(w) => w.into_inner(),
            None => 1.0,
        };
        let languages = m.languages.map(|langs| {
            let span = langs.span();
            let mut out = Vec::new();
            for l in langs.into_inner() {
                match Language::from_name(&l) {
                    Some(lang) => out.push(lang),
                    None => self.error(
                        span.clone(),
                        format!(
                            "unknown language `{}`; expected one of {}",
                            token(&l),
                            crate::lang::names()
                        ),
                    ),
                }
            }
            out
        });
        let exclude = match m.exclude {
            Some(globs) => match glob_set(globs.get_ref()) {
                Ok(set) => set,
                Err(e) => {
                    let glob = e.glob().map(|g| format!(" `{}`", token(g)));
                    self.error(
                        globs.span(),
                        format!("invalid glob{}: {}", glob.unwrap_or_default(), e.kind()),
                    );
                    GlobSet::empty()
                }
            },
            None => GlobSet::empty(),
        };
        let roles = match m.roles {
            Some(roles) => {
                let span = roles.span();
                let place = format!("metric `{}`", token(&name));
                roles
                    .into_inner()
                    .iter()
                    .filter_map(|r| self.role(r, span.clone(), &place))
                    .collect()
            }
            None => info.roles.to_vec(),
        };
        let mut table = Table::new(self.text, &name, kind, span, values, &self.mistyped);
        table.min_bound = lower;
        table.dir = self.dir.clone();
        let params = (info.parse)(&mut table);
        for (span, message) in table.errors {
            self.error(span, message);
        }
        let params = params?;
        Some(MetricDef {
            name,
            kind,
            min,
            max_offenders: plain(m.max_offenders),
            weight,
            optional: plain(m.optional).unwrap_or(false),
            languages,
            exclude,
            roles,
            params,
        })
    }
}

fn plain<T>(v: Option<Spanned<T>>) -> Option<T> {
    v.map(Spanned::into_inner)
}

/// Parses a time span such as `180 days`, `6 weeks`, `12h` into seconds.
pub fn parse_span(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().map_err(|_| {
        format!(
            "`{}` is not a time span; write it like \"180 days\"",
            token(s)
        )
    })?;
    let unit_secs = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 7 * 86_400,
        "month" | "months" => 30 * 86_400,
        "y" | "year" | "years" => 365 * 86_400,
        other => {
            return Err(format!(
                "unknown time unit `{}` in `{}`; use seconds, minutes, hours, days, weeks, months or years",
                token(other),
                token(s)
            ));
        }
    };
    if n == 0 {
        return Err(format!(
            "the time span `{}` is empty; give at least 1",
            token(s)
        ));
    }
    n.checked_mul(unit_secs)
        .ok_or_else(|| format!("the time span `{}` is too long", token(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "q.toml", Origin::BuiltIn)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn goals_per_team_with_a_date() {
        let text = "[metrics.typed]\nkind = \"typed\"\n[metrics.tests]\nkind = \"test-association\"\n\
                    [goals.\"@acme/payments\"]\nscore = 80\nby = \"2027-03-31\"\n\
                    [goals.\"@acme/payments\".metrics]\ntyped = 70\n\
                    [goals.\"src/api\"]\nby = 2027-06-30\nmetrics = { tests = 50.5 }\n";
        let def = parse(text, "q.toml", Origin::BuiltIn).unwrap();
        assert_eq!(def.goals.len(), 2);
        let g = &def.goals[0];
        assert_eq!(
            (g.team.as_str(), g.score, g.by.as_str()),
            ("@acme/payments", Some(80.0), "2027-03-31")
        );
        assert_eq!(g.metrics, [("typed".to_string(), 70.0)]);
        assert_eq!(g.by_seconds, 1_806_537_599);
        // A TOML date works as well as a string.
        assert_eq!(def.goals[1].by, "2027-06-30");
        assert_eq!(def.goals[1].score, None);
    }

    #[test]
    fn goal_problems_point_at_their_key() {
        let base = "[metrics.typed]\nkind = \"typed\"\n";
        let e = err(&format!("{base}[goals.\"@a/b\"]\nscore = 80\n"));
        assert!(e.contains("needs a date: by = \"YYYY-MM-DD\""), "{e}");
        let e = err(&format!(
            "{base}[goals.\"@a/b\"]\nscore = 80\nby = \"next spring\"\n"
        ));
        assert!(e.contains("5:6") && e.contains("calendar date"), "{e}");
        let e = err(&format!(
            "{base}[goals.\"@a/b\"]\nscore = 180\nby = \"2027-02-30\"\n"
        ));
        assert!(e.contains("score is a percentage"), "{e}");
        assert!(e.contains("found `2027-02-30`"), "{e}");
        let e = err(&format!("{base}[goals.\"@a/b\"]\nby = \"2027-01-01\"\n"));
        assert!(e.contains("sets no target"), "{e}");
        let e = err(&format!(
            "{base}[goals.\"@a/b\"]\nby = \"2027-01-01\"\nmetrics = {{ typd = 3 }}\n"
        ));
        assert!(
            e.contains("names `typd`, which is no metric") && e.contains("`typed`"),
            "{e}"
        );
        assert!(!e.contains("sets no target"), "{e}");
        let e = err(&format!(
            "{base}[goals.\"@a/b\"]\nby = \"2027-01-01\"\nscore = 1\ntarget = 3\n"
        ));
        assert!(e.contains("unknown field `target`"), "{e}");
        let e = err(&format!("goals = 3\n{base}"));
        assert!(e.contains("`goals` must be a table of teams"), "{e}");
    }

    #[test]
    fn default_definition_is_valid() {
        let def = parse(DEFAULT_TOML, "default", Origin::BuiltIn).unwrap();
        assert!(!def.metrics.is_empty());
        // A report, not a verdict: nothing to fail (README, "What you see").
        assert_eq!(def.gate.min_score, None);
        assert!(def.metrics.iter().all(|m| m.min.is_none()));
        assert_eq!(def.history.min_units, DEFAULT_MIN_UNITS);
    }

    #[test]
    fn metric_order_follows_the_file() {
        let def = parse(
            "[metrics.z]\nkind = \"typed\"\n[metrics.a]\nkind = \"large-files\"\n",
            "q",
            Origin::BuiltIn,
        )
        .unwrap();
        let names: Vec<_> = def.metrics.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["z", "a"]);
    }

    #[test]
    fn a_mistyped_key_suggests_the_nearest_key_of_its_kind() {
        let e = err("[metrics.typed]\nmni = 5\n");
        let typed: Vec<String> = COMMON_KEYS
            .iter()
            .copied()
            .chain(metrics::typed::INFO.keys.iter().map(|k| k.name))
            .map(|k| format!("`{k}`"))
            .collect();
        assert!(
            e.starts_with(&format!(
                "q.toml:2:1: unknown field `mni` (did you mean `min`?), expected one of {}\n",
                typed.join(", ")
            )),
            "{e}"
        );
        // A kind named by `kind`: its keys, not large-files' `max_lines`.
        let e = err("[metrics.big]\nkind = \"large-files\"\nmax_line = 5\n");
        assert!(
            e.starts_with("q.toml:3:1: unknown field `max_line` (did you mean `max_lines`?)"),
            "{e}"
        );
        assert!(!e.contains("`mode`"), "{e}");
        // Nothing near: no suggestion.
        let e = err("[metrics.typed]\nzzzzzzzz = 5\n");
        assert!(
            e.starts_with("q.toml:2:1: unknown field `zzzzzzzz`, expected"),
            "{e}"
        );
        // The other tables suggest their own keys.
        let e = err("[gate]\nmin_scor = 5\n");
        assert!(
            e.starts_with(
                "q.toml:2:1: unknown field `min_scor` (did you mean `min_score`?), expected \
                 `min_score` or `no_regression`\n"
            ),
            "{e}"
        );
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let e = err("[metrics.typed]\nmn = 5\n");
        assert!(e.starts_with("q.toml:2:1: unknown field `mn`"), "{e}");
    }

    #[test]
    fn out_of_range_threshold() {
        let e = err("[metrics.typed]\nmin = 150\n");
        assert!(
            e.starts_with("q.toml:2:7: min is a percentage from 0 to 100, found 150"),
            "{e}"
        );
    }

    #[test]
    fn unknown_kind_suggests() {
        let e = err("[metrics.x]\nkind = \"typd\"\n");
        assert!(
            e.contains("q.toml:2:8: unknown metric kind `typd` (did you mean `typed`?)"),
            "{e}"
        );
    }

    #[test]
    fn key_of_another_kind() {
        let e = err("[metrics.typed]\nmax_lines = 3\n");
        assert!(
            e.contains("q.toml:2:13: `max_lines` does not apply to metric `typed`"),
            "{e}"
        );
    }

    #[test]
    fn all_problems_in_one_pass() {
        let e = err("[metrics.typed]\nmin = -1\n[metrics.large-files]\nmax_lines = 0\n");
        assert_eq!(e.matches("q.toml:").count(), 2, "{e}");
    }

    #[test]
    fn parser_messages_in_plain_words() {
        let e = err("[metrics.typed]\nmin = \"high\"\n");
        assert!(
            e.contains("q.toml:2:7: invalid type: string \"high\", expected a number"),
            "{e}"
        );
        let e = err("[metrics.large-files]\nmax_lines = 1.5\n");
        assert!(e.contains("expected a whole number (0 or more)"), "{e}");
        let e = err("[scan]\nexclude = \"docs\"\n");
        assert!(e.contains("expected an array"), "{e}");
        let e = err("[metrics]\ntyped = 5\n");
        assert!(
            e.ends_with("expected a table\n  |\n2 | typed = 5\n  |         ^"),
            "{e}"
        );
        let e = err("[metrics.x]\nkind = \"typed\"\n[metrics.x]\n");
        assert!(e.starts_with("q.toml:3:10: duplicate key `x`"), "{e}");
    }

    #[test]
    fn roles_are_validated_with_a_suggestion() {
        let e = err("[metrics.t]\nkind = \"typed\"\nroles = [\"source\", \"tests\"]\n");
        assert!(
            e.contains(
                "q.toml:3:9: unknown role `tests` in metric `t` (did you mean `test`?); expected one \
                 of source, test, stub, generated, vendored, docs, example, bench"
            ),
            "{e}"
        );
        let e = err("[scan.roles]\ngenerated = [\"a/**\"]\ndoc = [\"b/**\"]\nbench = [\"[\"]\n");
        assert!(
            e.contains("q.toml:3:7: unknown role `doc` in [scan.roles] (did you mean `docs`?)"),
            "{e}"
        );
        assert!(e.contains("invalid glob `[` in [scan.roles] bench"), "{e}");
    }

    #[test]
    fn roles_default_to_the_kinds() {
        use crate::snapshot::Role;
        let def = parse(
            "[scan.roles]\nexample = [\"demo/**\"]\ngenerated = [\"gen/**\", \"*.pb.py\"]\n\
             [metrics.t]\nkind = \"typed\"\n[metrics.w]\nkind = \"interface-width\"\n\
             [metrics.h]\nkind = \"hot-files\"\n[metrics.a]\nkind = \"typed\"\nroles = [\"test\", \"source\"]\n",
            "q.toml",
            Origin::BuiltIn,
        )
        .unwrap();
        assert_eq!(
            def.scan.roles,
            [
                (Role::Example, vec!["demo/**".to_string()]),
                (
                    Role::Generated,
                    vec!["gen/**".to_string(), "*.pb.py".to_string()]
                ),
            ]
        );
        let roles: Vec<Vec<Role>> = def.metrics.iter().map(|m| m.roles.clone()).collect();
        assert_eq!(
            roles,
            [
                vec![Role::Source],
                vec![Role::Source, Role::Stub],
                Role::ALL.to_vec(),
                vec![Role::Test, Role::Source],
            ]
        );
    }

    #[test]
    fn problems_of_different_tables_in_one_pass() {
        let e = err(
            "[metrics.a]\nkind = \"typed\"\nmn = 1\n[metrics.b]\nkind = \"typed\"\nmin = 150\n\
             [scan]\nexclude = \"docs\"\n[gate]\nmin_score = -1\n[nope]\n",
        );
        let lines: Vec<_> = e.lines().filter(|l| l.starts_with("q.toml:")).collect();
        // The common keys, then the keys of the metric's kind.
        let known: Vec<String> = COMMON_KEYS
            .iter()
            .copied()
            .chain(metrics::typed::INFO.keys.iter().map(|k| k.name))
            .map(|k| format!("`{k}`"))
            .collect();
        assert!(
            known.join(", ").starts_with(
                "`kind`, `min`, `max_offenders`, `weight`, `languages`, `exclude`, `roles`, \
                 `optional`, `python`"
            ),
            "{known:?}"
        );
        let unknown = format!(
            "q.toml:3:1: unknown field `mn` (did you mean `min`?), expected one of {}",
            known.join(", ")
        );
        assert_eq!(
            lines,
            [
                unknown.as_str(),
                "q.toml:6:7: min is a percentage from 0 to 100, found 150",
                "q.toml:8:11: invalid type: string \"docs\", expected an array",
                "q.toml:10:13: min_score is a percentage from 0 to 100, found -1",
                "q.toml:11:2: unknown field `nope`, expected one of `scan`, `history`, `gate`, `metrics`, `goals`",
            ],
            "{e}"
        );
    }

    #[test]
    fn weights_must_be_finite_and_not_all_zero() {
        for (w, found) in [
            ("nan", "NaN"),
            ("inf", "inf"),
            ("-inf", "-inf"),
            ("-1", "-1"),
        ] {
            let e = err(&format!("[metrics.typed]\nweight = {w}\n"));
            assert!(
                e.starts_with(&format!(
                    "q.toml:2:10: weight must be a number of 0 or more, found {found}"
                )),
                "{e}"
            );
        }
        let e = err("[metrics.typed]\nweight = 0\n[metrics.large-files]\nweight = 0.0\n");
        assert!(
            e.starts_with(
                "q.toml:4:10: every metric's weight is 0, so the score would weigh nothing"
            ),
            "{e}"
        );
        assert_eq!(e.matches("q.toml:").count(), 1, "{e}");
        // One weight above 0 is enough.
        parse(
            "[metrics.typed]\nweight = 0\n[metrics.large-files]\n",
            "q",
            Origin::BuiltIn,
        )
        .unwrap();
        let e = err("[metrics.typed]\nweight = 1e308\n[metrics.large-files]\nweight = 1e308\n");
        assert!(
            e.starts_with("q.toml:4:10: the weights are too large to compute a score with"),
            "{e}"
        );
        // A definition without metrics has no weights to check.
        parse("[gate]\nmin_score = 50\n", "q", Origin::BuiltIn).unwrap();
    }

    #[test]
    fn non_finite_thresholds_are_refused() {
        let e = err("[metrics.typed]\nmin = nan\n");
        assert!(
            e.contains("min is a percentage from 0 to 100, found NaN"),
            "{e}"
        );
        let e = err("[gate]\nmin_score = inf\n");
        assert!(
            e.contains("min_score is a percentage from 0 to 100, found inf"),
            "{e}"
        );
        let e = err("[metrics.h]\nkind = \"hot-files\"\nshare = nan\n");
        assert!(
            e.contains("share is a fraction above 0 and at most 1"),
            "{e}"
        );
        let e = err("[metrics.x]\nkind = \"external\"\nfile = \"m.json\"\nmax = -inf\n");
        assert!(e.contains("max must be a finite number"), "{e}");
    }

    #[test]
    fn every_key_problem_of_one_table_at_once() {
        // An unknown key, a second unknown key and a value of the wrong type
        // in the same table as an invalid query: four problems, and the
        // mistyped `language` is not also reported missing.
        let e = err(
            "[metrics.q]\nkind = \"query\"\nlanguag = \"rust\"\nlanguage = 5\nqury = 1\n\
             query = '(blok) @b'\n",
        );
        let lines: Vec<_> = e.lines().filter(|l| l.starts_with("q.toml:")).collect();
        assert_eq!(lines.len(), 3, "{e}");
        assert!(
            lines[0].starts_with("q.toml:3:1: unknown field `languag`"),
            "{e}"
        );
        assert!(
            lines[1].starts_with("q.toml:4:12: invalid type: integer `5`"),
            "{e}"
        );
        assert!(
            lines[2].starts_with("q.toml:5:1: unknown field `qury`"),
            "{e}"
        );
        let e = err(
            "[metrics.q]\nkind = \"query\"\nlanguage = \"rust\"\nmn = 1\nquery = '(blok) @b'\n",
        );
        let lines: Vec<_> = e.lines().filter(|l| l.starts_with("q.toml:")).collect();
        assert_eq!(lines.len(), 2, "{e}");
        assert!(
            lines[0].starts_with("q.toml:4:1: unknown field `mn`"),
            "{e}"
        );
        assert!(lines[1].starts_with("q.toml:5:11: invalid query"), "{e}");
    }

    #[test]
    fn query_errors_point_into_the_string() {
        // Row 0 starts after the opening quote; a multi-line string's first
        // newline is not part of its value.
        let e = err("[metrics.q]\nkind = \"query\"\nlanguage = \"rust\"\nquery = '(blok) @b'\n");
        assert!(
            e.starts_with("q.toml:4:11: invalid query: the rust grammar has no node type `blok`"),
            "{e}"
        );
        let e = err(
            "[metrics.q]\nkind = \"query\"\nlanguage = \"rust\"\nquery = \"\"\"\n(function_item)@f\n (blok) @b\"\"\"\n",
        );
        assert!(e.starts_with("q.toml:6:3: invalid query"), "{e}");
    }

    #[test]
    fn external_min_is_a_bound() {
        let def = parse(
            "[metrics.p95]\nkind = \"external\"\nfile = \"m.json\"\npointer = \"/p95\"\nmin = -5\nmax = 900.5\n",
            "q",
            Origin::BuiltIn,
        )
        .unwrap();
        let m = &def.metrics[0];
        assert_eq!(m.min, Some(100.0));
        assert_eq!(
            m.params::<crate::metrics::external::Params>(),
            Some(&crate::metrics::external::Params {
                file: "m.json".into(),
                pointer: "/p95".into(),
                min: Some(-5.0),
                max: Some(900.5),
            })
        );
    }

    #[test]
    fn quoted_tokens_are_cut_and_escaped() {
        let long = "k".repeat(60);
        assert_eq!(
            redact(&format!(
                "unknown field `{long}\u{1b}`, expected one of `a`, `b`"
            )),
            format!(
                "unknown field `{}…`, expected one of `a`, `b`",
                "k".repeat(40)
            )
        );
        assert_eq!(
            redact(&format!(
                "invalid type: string {:?}, expected a number",
                "v".repeat(50)
            )),
            format!(
                "invalid type: string \"{}…\", expected a number",
                "v".repeat(40)
            )
        );
        // A cut never leaves half an escape behind.
        let quoted = format!(
            "{:?}",
            format!("{}\u{1b}tail-of-the-secret", "v".repeat(38))
        );
        let cut = redact(&format!("invalid type: string {quoted}, expected a number"));
        assert!(cut.contains(&format!("\"{}…\"", "v".repeat(38))), "{cut}");
        assert_eq!(token("a\u{7}b"), "a\\u{7}b");
    }

    #[test]
    fn spans() {
        assert_eq!(parse_span("180 days"), Ok(180 * 86_400));
        assert_eq!(parse_span("12h"), Ok(12 * 3600));
        assert!(parse_span("soon").is_err());
        assert!(parse_span("3 fortnights").is_err());
    }
}
