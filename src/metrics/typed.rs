//! `typed`: the share of functions that are statically typed.

use std::sync::Arc;

use super::RuleText;
use super::keys::token;
use super::{
    Facts, Key, KindInfo, KindParams, MetricDef, Min, Offender, Outcome, Source, Type, plural,
};
use crate::facts::{Function, Typing};

/// The words of `python`, in [`PythonMode`] order (the first is the default).
const PYTHON: Key = Key {
    name: "python",
    ty: Type::Choice {
        values: &["complete", "mypy"],
    },
    doc: "every parameter and the return annotated; \"mypy\": any annotation",
};

pub const INFO: KindInfo = KindInfo {
    name: "typed",
    unit: "function",
    offender: "untyped function",
    source: Source::Files,
    roles: super::SOURCE,
    keys: &[PYTHON],
    min: Min::Percent,
    hint: "annotate every parameter and the return",
    parse: |t| {
        let python = match t.choice(&PYTHON, |other| {
            format!(
                "python mode `{}` is not known; expected \"complete\" or \"mypy\"",
                token(other)
            )
        }) {
            1 => PythonMode::Mypy,
            _ => PythonMode::Complete,
        };
        Some(Arc::new(Params { python }))
    },
    summary: "The share of functions that are statically typed.",
    rule: RuleText::Built(rule),
};

/// The rule, with what each language's spec says of its typing.
fn rule() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(crate::lang::docs::typed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonMode {
    Complete,
    Mypy,
}

#[derive(Debug)]
pub struct Params {
    pub python: PythonMode,
}

impl KindParams for Params {
    fn evaluate(&self, def: &MetricDef, facts: &Facts) -> Outcome {
        evaluate(self.python, def, facts)
    }

    fn settings(&self) -> Vec<String> {
        vec![format!(
            "python = \"{}\"",
            match self.python {
                PythonMode::Complete => "complete",
                PythonMode::Mypy => "mypy",
            }
        )]
    }
}

fn evaluate(mode: PythonMode, def: &MetricDef, facts: &Facts) -> Outcome {
    let mut out = Outcome::default();
    for file in facts.files {
        if !def.sees(file) {
            continue;
        }
        for f in file.functions.iter().filter(|f| f.typed_unit) {
            out.unit(
                &file.path,
                offense(f, mode).map(|(detail, weight)| Offender {
                    path: file.path.clone(),
                    line: Some(f.line),
                    item: f.name.clone(),
                    detail,
                    weight,
                }),
            );
        }
    }
    out
}

/// Why a function is not typed under `mode`, and how much is missing.
fn offense(f: &Function, mode: PythonMode) -> Option<(String, f64)> {
    match &f.typing {
        Typing::Static => None,
        Typing::Untyped => Some((
            "JavaScript without `// @ts-check` has no static types".into(),
            1.0,
        )),
        Typing::ExplicitAny { params, ret } => {
            let names = quoted(params);
            let detail = match (params.len(), ret) {
                (0, _) => "the return is any".to_string(),
                (1, false) => format!("parameter {names} is any"),
                (_, false) => format!("parameters {names} are any"),
                (1, true) => format!("parameter {names} and the return are any"),
                (_, true) => format!("parameters {names} and the return are any"),
            };
            Some((detail, (params.len() + usize::from(*ret)) as f64))
        }
        Typing::JsDocMissing { params } => {
            let names = quoted(params);
            let detail = if params.len() == 1 {
                format!("parameter {names} has no JSDoc type")
            } else {
                format!("parameters {names} have no JSDoc type")
            };
            Some((detail, params.len() as f64))
        }
        Typing::Python {
            unannotated_params,
            return_missing,
            any_annotation,
        } => match mode {
            PythonMode::Mypy if *any_annotation => None,
            PythonMode::Mypy => Some(("no parameter or return annotation".into(), 1.0)),
            PythonMode::Complete => {
                let missing = u64::from(*unannotated_params) + u64::from(*return_missing);
                if missing == 0 {
                    return None;
                }
                let detail = match (*unannotated_params, *return_missing) {
                    (0, _) => "the return unannotated".to_string(),
                    (n, false) => format!("{} unannotated", plural(n.into(), "parameter")),
                    (n, true) => {
                        format!(
                            "{} and the return unannotated",
                            plural(n.into(), "parameter")
                        )
                    }
                };
                Some((detail, missing as f64))
            }
        },
    }
}

/// "`a`, `b`"
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(params: u32, ret: bool, any: bool) -> Function {
        Function {
            name: "f".into(),
            line: 1,
            typed_unit: true,
            typing: Typing::Python {
                unannotated_params: params,
                return_missing: ret,
                any_annotation: any,
            },
        }
    }

    #[test]
    fn details_name_what_is_missing() {
        let c = PythonMode::Complete;
        assert_eq!(offense(&py(0, false, true), c), None);
        assert_eq!(
            offense(&py(2, true, false), c).unwrap().0,
            "2 parameters and the return unannotated"
        );
        assert_eq!(
            offense(&py(1, false, true), c).unwrap().0,
            "1 parameter unannotated"
        );
        assert_eq!(
            offense(&py(0, true, true), c).unwrap().0,
            "the return unannotated"
        );
        assert_eq!(offense(&py(1, true, true), PythonMode::Mypy), None);
    }
}
