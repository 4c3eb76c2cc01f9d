//! A kind's own keys: how each is declared in the registry (name, type,
//! default, description) and the [`Table`] a kind reads them from when its
//! `[metrics.NAME]` table is validated.
//!
//! The definition loader checks the keys every metric shares and each value's
//! type; what a value means, and its default, is the kind's business. A key's
//! default is written once, in its declaration here: the reader, `qscan init`,
//! `qscan explain`, the README table and the JSON schema all take it from there.

use std::ops::Range;

use indexmap::IndexMap;
use toml::Spanned;

use super::Kind;
use crate::discover::confine::escape;

/// One kind-specific key of a metric table.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub ty: Type,
    /// What the key sets, in a few words (the JSON schema's description and
    /// `qscan init`'s comment).
    pub doc: &'static str,
}

/// A key's type, with its default where it has one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Type {
    /// A whole number of at least 1.
    Count { default: u64 },
    /// A number above 0 and at most 1.
    Fraction { default: f64 },
    /// One of a few words; the default is `values[0]`.
    Choice { values: &'static [&'static str] },
    /// One of a few words, without a default.
    OneOf { values: &'static [&'static str] },
    /// A string, without a default.
    Text,
    /// The name of a language qscan reads, without a default.
    Language,
    /// An array of strings; empty when not given.
    Texts,
    /// A finite number, without a default.
    Number,
}

impl Type {
    /// The type's name in the documentation.
    pub fn name(self) -> &'static str {
        match self {
            Type::Count { .. } => "whole number ≥ 1",
            Type::Fraction { .. } => "number in (0, 1]",
            Type::Choice { .. } | Type::OneOf { .. } | Type::Text | Type::Language => "string",
            Type::Texts => "array of strings",
            Type::Number => "number",
        }
    }

    /// The default as TOML text, if there is one.
    pub fn default_toml(self) -> Option<String> {
        match self {
            Type::Count { default } => Some(default.to_string()),
            Type::Fraction { default } => Some(default.to_string()),
            Type::Choice { values } => values
                .first()
                .map(|v| toml::Value::String((*v).to_string()).to_string()),
            Type::Texts => Some("[]".to_string()),
            Type::OneOf { .. } | Type::Text | Type::Language | Type::Number => None,
        }
    }
}

/// A kind-specific value as read from the file, its type already checked
/// against the key's [`Type`].
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Int(u64),
    Float(f64),
    Str(String),
    Strs(Vec<String>),
}

/// The kind-specific part of one `[metrics.NAME]` table, handed to the kind's
/// `parse`. Problems are collected in [`Table::errors`], in the order found.
pub struct Table<'a> {
    /// The whole definition text (a query's problem points into its string).
    pub text: &'a str,
    pub name: &'a str,
    pub kind: Kind,
    /// The metric table's span, where a missing key is reported.
    pub span: Range<usize>,
    /// The common `min`, when the kind reads it as a bound on its number.
    pub min_bound: Option<f64>,
    /// The folder of the definition file, which files it names are read
    /// inside (None: the built-in definition, which names none).
    pub dir: Option<std::path::PathBuf>,
    values: IndexMap<String, Spanned<RawValue>>,
    /// Keys whose values were of the wrong type: already reported, so not
    /// reported missing as well.
    mistyped: &'a [String],
    pub errors: Vec<(Range<usize>, String)>,
}

impl<'a> Table<'a> {
    pub fn new(
        text: &'a str,
        name: &'a str,
        kind: Kind,
        span: Range<usize>,
        values: IndexMap<String, Spanned<RawValue>>,
        mistyped: &'a [String],
    ) -> Table<'a> {
        Table {
            text,
            name,
            kind,
            span,
            min_bound: None,
            dir: None,
            values,
            mistyped,
            errors: Vec::new(),
        }
    }

    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors.push((span, message.into()));
    }

    /// Whether any key of the table had a value of the wrong type.
    pub fn any_mistyped(&self) -> bool {
        !self.mistyped.is_empty()
    }

    /// A problem at the metric's table: a key it needs is missing. `key` is
    /// written as the message shows it (`` `report` ``, `` `max` or `min` ``).
    pub fn needs(&mut self, key: &str, what: &str) {
        if self
            .mistyped
            .iter()
            .any(|k| key.contains(&format!("`{k}`")))
        {
            return;
        }
        let message = format!(
            "metric `{}` of kind `{}` needs {key}: {what}",
            token(self.name),
            self.kind.name()
        );
        self.error(self.span.clone(), message);
    }

    fn take(&mut self, key: &Key) -> Option<Spanned<RawValue>> {
        self.values.shift_remove(key.name)
    }

    /// A string key's value.
    pub fn text(&mut self, key: &Key) -> Option<Spanned<String>> {
        let v = self.take(key)?;
        let span = v.span();
        match v.into_inner() {
            RawValue::Str(s) => Some(Spanned::new(span, s)),
            other => self.wrong(key, span, &other),
        }
    }

    /// An array-of-strings key's value; empty when not given.
    pub fn texts(&mut self, key: &Key) -> Vec<String> {
        let Some(v) = self.take(key) else {
            return Vec::new();
        };
        let span = v.span();
        match v.into_inner() {
            RawValue::Strs(s) => s,
            other => self.wrong(key, span, &other).unwrap_or_default(),
        }
    }

    /// A number key's value, which must be finite.
    pub fn finite(&mut self, key: &Key) -> Option<f64> {
        let v = self.take(key)?;
        let span = v.span();
        let x = match v.into_inner() {
            RawValue::Float(x) => x,
            other => return self.wrong(key, span, &other),
        };
        if !x.is_finite() {
            self.error(span, format!("{} must be a finite number", key.name));
            return None;
        }
        Some(x)
    }

    /// A count key's value: at least 1, its default when not given or not valid.
    pub fn count(&mut self, key: &Key) -> u64 {
        let Type::Count { default } = key.ty else {
            return self
                .wrong(key, self.span.clone(), &RawValue::Int(0))
                .unwrap_or(0);
        };
        let Some(v) = self.take(key) else {
            return default;
        };
        let span = v.span();
        match v.into_inner() {
            RawValue::Int(0) => {
                self.error(span, format!("{} must be at least 1", key.name));
                default
            }
            RawValue::Int(n) => n,
            other => self.wrong(key, span, &other).unwrap_or(default),
        }
    }

    /// A fraction key's value, or its default with `problem` reported when
    /// it is not above 0 and at most 1 (`problem` gets the number found).
    pub fn fraction(&mut self, key: &Key, problem: impl Fn(f64) -> String) -> f64 {
        let Type::Fraction { default } = key.ty else {
            return self
                .wrong(key, self.span.clone(), &RawValue::Int(0))
                .unwrap_or(0.0);
        };
        let Some(v) = self.take(key) else {
            return default;
        };
        let span = v.span();
        match v.into_inner() {
            RawValue::Float(x) if x > 0.0 && x <= 1.0 => x,
            RawValue::Float(x) => {
                self.error(span, problem(x));
                default
            }
            other => self.wrong(key, span, &other).unwrap_or(default),
        }
    }

    /// A choice key's value as the index of its word in the key's values (0,
    /// the default, when not given or not one of them; `problem` gets the
    /// word found).
    pub fn choice(&mut self, key: &Key, problem: impl Fn(&str) -> String) -> usize {
        let Type::Choice { values } = key.ty else {
            return self
                .wrong(key, self.span.clone(), &RawValue::Int(0))
                .unwrap_or(0);
        };
        let Some(v) = self.text(key) else {
            return 0;
        };
        match values.iter().position(|w| w == v.get_ref()) {
            Some(i) => i,
            None => {
                self.error(v.span(), problem(v.get_ref()));
                0
            }
        }
    }

    /// A value whose type does not match its declaration: the definition
    /// loader checks types against the same declaration, so this is a
    /// mistake in a kind's file, reported rather than hidden.
    fn wrong<T>(&mut self, key: &Key, span: Range<usize>, found: &RawValue) -> Option<T> {
        self.error(
            span,
            format!(
                "internal error: key `{}` of kind `{}` is declared as {} but read as {found:?}",
                key.name,
                self.kind.name(),
                key.ty.name()
            ),
        );
        None
    }
}

/// The longest piece of the definition's text a message quotes.
pub const TOKEN_CHARS: usize = 40;

/// A key or value of the definition as a message quotes it: escaped and cut
/// to a readable length, so a message shows at most this one token of the
/// file, never lines of it.
pub fn token(text: &str) -> String {
    let mut cut: String = text.chars().take(TOKEN_CHARS).collect();
    if text.chars().count() > TOKEN_CHARS {
        cut.push('…');
    }
    escape(&cut)
}

/// Keys every metric accepts, whatever its kind.
pub const COMMON_KEYS: &[&str] = &[
    "kind",
    "min",
    "max_offenders",
    "weight",
    "languages",
    "exclude",
    "roles",
    "optional",
];

impl Key {
    /// The key's JSON Schema (draft-07): its type, range, default and description.
    pub fn schema(&self) -> serde_json::Value {
        use serde_json::json;
        let mut s = match self.ty {
            Type::Count { default } => json!({"type": "integer", "minimum": 1, "default": default}),
            Type::Fraction { default } => json!({
                "type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": default
            }),
            Type::Choice { values } => json!({
                "type": "string", "enum": values, "default": values.first()
            }),
            Type::OneOf { values } => json!({"type": "string", "enum": values}),
            Type::Text => json!({"type": "string"}),
            Type::Language => json!({"type": "string", "enum": language_names()}),
            Type::Texts => json!({"type": "array", "items": {"type": "string"}, "default": []}),
            Type::Number => json!({"type": "number"}),
        };
        s["description"] = self.doc.into();
        s
    }
}

/// The names of the languages qscan reads, as quality.toml writes them.
pub fn language_names() -> Vec<&'static str> {
    crate::lang::LANGUAGES.iter().map(|l| l.name).collect()
}
