//! Validation of raw form input against a [`JobDescriptor`], before any job is created.

use serde_json::{Map, Value};

use super::{JobDescriptor, ParamKind, ParamSpec, Relation};
use crate::protocol::Parameter;

/// Raw input from a creation request: text fields and already-stored uploads.
#[derive(Debug, Clone, Default)]
pub struct RawInput {
    /// `(name, value)` pairs in request order; a name may repeat (array parameters).
    pub fields: Vec<(String, String)>,
    /// `(parameter name, stored file name)` for each uploaded file.
    pub files: Vec<(String, String)>,
}

/// Input that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedInput {
    /// Typed values by canonical name, defaults filled in; files as their stored file name.
    /// This is what the worker reads (`params.json`).
    pub values: Map<String, Value>,
    /// The UWS parameter list (what the job will use, as text).
    pub parameters: Vec<Parameter>,
}

/// Why input was refused; every variant names the parameter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// Not a parameter of this job type.
    #[error("parameter `{param}`: unknown for this job type")]
    Unknown {
        /// The name given.
        param: String,
    },
    /// Required and absent.
    #[error("parameter `{param}`: required")]
    Missing {
        /// The parameter.
        param: String,
    },
    /// A single-valued parameter given more than once.
    #[error("parameter `{param}`: given more than once")]
    Repeated {
        /// The parameter.
        param: String,
    },
    /// Text that is not of the parameter's type.
    #[error("parameter `{param}`: `{value}` is not {expected}")]
    BadValue {
        /// The parameter.
        param: String,
        /// The value given.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A number outside the allowed range.
    #[error("parameter `{param}`: {value} is outside {range}")]
    OutOfRange {
        /// The parameter.
        param: String,
        /// The value given.
        value: String,
        /// The allowed range as text.
        range: String,
    },
    /// Wrong number of array elements.
    #[error("parameter `{param}`: {len} values given, {min}..={max} allowed")]
    ArrayLength {
        /// The parameter.
        param: String,
        /// Number given.
        len: usize,
        /// Fewest allowed.
        min: usize,
        /// Most allowed.
        max: usize,
    },
    /// A file parameter given as text, or a text parameter given as a file.
    #[error("parameter `{param}`: {expected}")]
    WrongForm {
        /// The parameter.
        param: String,
        /// What form it takes.
        expected: String,
    },
    /// A value (typically an uploaded file's content) that the job type's own check refused.
    #[error("parameter `{param}`: {message}")]
    Invalid {
        /// The parameter.
        param: String,
        /// What is wrong, quoting the file's own error.
        message: String,
    },
    /// A relation between parameters violated.
    #[error("parameter `{param}`: {message}")]
    Relation {
        /// The first parameter concerned.
        param: String,
        /// What is wrong.
        message: String,
    },
}

impl ParamError {
    /// The parameter the error is about.
    #[must_use]
    pub fn param(&self) -> &str {
        match self {
            Self::Unknown { param }
            | Self::Missing { param }
            | Self::Repeated { param }
            | Self::BadValue { param, .. }
            | Self::OutOfRange { param, .. }
            | Self::ArrayLength { param, .. }
            | Self::WrongForm { param, .. }
            | Self::Invalid { param, .. }
            | Self::Relation { param, .. } => param,
        }
    }
}

fn parse_scalar(spec: &ParamSpec, text: &str) -> Result<Value, ParamError> {
    let t = text.trim();
    let bad = |expected: &str| ParamError::BadValue { param: spec.name.clone(), value: text.to_owned(), expected: expected.to_owned() };
    let range_err = |range: String| ParamError::OutOfRange { param: spec.name.clone(), value: t.to_owned(), range };
    match &spec.kind {
        ParamKind::Float { min, min_exclusive, max } => {
            let x: f64 = t.parse().map_err(|_| bad("a number"))?;
            if !x.is_finite() {
                return Err(bad("a finite number"));
            }
            let below = min.is_some_and(|m| if *min_exclusive { x <= m } else { x < m });
            let above = max.is_some_and(|m| x > m);
            if below || above {
                let lo = min.map_or("-inf".to_owned(), |m| format!("{}{m}", if *min_exclusive { "(" } else { "[" }));
                let hi = max.map_or("inf)".to_owned(), |m| format!("{m}]"));
                return Err(range_err(format!("{lo}, {hi}")));
            }
            Ok(Value::from(x))
        }
        ParamKind::Integer { min, max } => {
            let n: i64 = t.parse().map_err(|_| bad("an integer"))?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                let lo = min.map_or("-inf".to_owned(), |m| m.to_string());
                let hi = max.map_or("inf".to_owned(), |m| m.to_string());
                return Err(range_err(format!("[{lo}, {hi}]")));
            }
            Ok(Value::from(n))
        }
        ParamKind::String { choices, max_len } => {
            if t.len() > *max_len {
                return Err(bad(&format!("at most {max_len} bytes long")));
            }
            match choices {
                Some(c) => c
                    .iter()
                    .find(|choice| choice.eq_ignore_ascii_case(t))
                    .map(|choice| Value::from(choice.clone()))
                    .ok_or_else(|| bad(&format!("one of {}", c.join(", ")))),
                None => Ok(Value::from(t)),
            }
        }
        ParamKind::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Bool(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Bool(false)),
            _ => Err(bad("true or false")),
        },
        ParamKind::File { .. } => Err(ParamError::WrongForm { param: spec.name.clone(), expected: "must be an uploaded file".into() }),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

impl JobDescriptor {
    /// Checks `input` and returns typed values, or the first problem found (naming its
    /// parameter). Never panics on any input.
    ///
    /// # Errors
    /// [`ParamError`] naming the offending parameter.
    pub fn validate(&self, input: &RawInput) -> Result<ValidatedInput, ParamError> {
        let mut texts: Vec<(&ParamSpec, Vec<&str>)> = Vec::new();
        for (name, value) in &input.fields {
            let spec = self.param(name).ok_or_else(|| ParamError::Unknown { param: name.clone() })?;
            match texts.iter_mut().find(|(s, _)| s.name == spec.name) {
                Some((_, v)) => v.push(value),
                None => texts.push((spec, vec![value.as_str()])),
            }
        }
        let mut values = Map::new();
        let mut parameters = Vec::new();
        for (name, stored) in &input.files {
            let spec = self.param(name).ok_or_else(|| ParamError::Unknown { param: name.clone() })?;
            if !matches!(spec.kind, ParamKind::File { .. }) {
                return Err(ParamError::WrongForm { param: spec.name.clone(), expected: "is not a file parameter".into() });
            }
            if values.contains_key(&spec.name) || texts.iter().any(|(s, _)| s.name == spec.name) {
                return Err(ParamError::Repeated { param: spec.name.clone() });
            }
            values.insert(spec.name.clone(), Value::from(stored.clone()));
            parameters.push(Parameter { name: spec.name.clone(), value: stored.clone(), upload: true });
        }
        for (spec, given) in texts {
            let value = match spec.array {
                Some(a) => {
                    let items: Vec<&str> = given
                        .iter()
                        .flat_map(|g| g.split([',', ' ', '\t', '\n']))
                        .filter(|s| !s.trim().is_empty())
                        .collect();
                    if items.len() < a.min_len || items.len() > a.max_len {
                        return Err(ParamError::ArrayLength { param: spec.name.clone(), len: items.len(), min: a.min_len, max: a.max_len });
                    }
                    Value::Array(items.iter().map(|t| parse_scalar(spec, t)).collect::<Result<_, _>>()?)
                }
                None => {
                    if given.len() > 1 {
                        return Err(ParamError::Repeated { param: spec.name.clone() });
                    }
                    parse_scalar(spec, given[0])?
                }
            };
            parameters.push(Parameter { name: spec.name.clone(), value: value_text(&value), upload: false });
            values.insert(spec.name.clone(), value);
        }
        let given: Vec<String> = values.keys().cloned().collect();
        for spec in &self.parameters {
            if values.contains_key(&spec.name) {
                continue;
            }
            if let Some(d) = &spec.default {
                parameters.push(Parameter { name: spec.name.clone(), value: value_text(d), upload: false });
                values.insert(spec.name.clone(), d.clone());
            } else if spec.required {
                return Err(ParamError::Missing { param: spec.name.clone() });
            }
        }
        self.check_relations(&values, &given)?;
        // Form order, whatever the request order was.
        parameters.sort_by_key(|p| self.parameters.iter().position(|s| s.name == p.name));
        Ok(ValidatedInput { values, parameters })
    }

    /// Checks the relations; `given` are the parameters the request gave (before defaults).
    fn check_relations(&self, values: &Map<String, Value>, given: &[String]) -> Result<(), ParamError> {
        let is_given = |name: &String| given.contains(name);
        for relation in &self.relations {
            match relation {
                Relation::ExactlyOneOf { params } => {
                    let present: Vec<&String> = params.iter().filter(|p| is_given(p)).collect();
                    if present.len() != 1 {
                        let param = present.get(1).copied().or(params.first()).cloned().unwrap_or_default();
                        return Err(ParamError::Relation { param, message: format!("give exactly one of {}", params.join(", ")) });
                    }
                }
                Relation::LessThan { lower, upper } => {
                    if let (Some(a), Some(b)) = (values.get(lower).and_then(Value::as_f64), values.get(upper).and_then(Value::as_f64))
                        && a >= b
                    {
                        return Err(ParamError::Relation { param: lower.clone(), message: format!("must be smaller than `{upper}` ({a} >= {b})") });
                    }
                }
                Relation::Requires { param, params } if is_given(param) => {
                    if let Some(missing) = params.iter().find(|p| !is_given(p)) {
                        return Err(ParamError::Relation { param: missing.clone(), message: format!("required with `{param}`") });
                    }
                }
                Relation::Excludes { param, params } if is_given(param) => {
                    if let Some(other) = params.iter().find(|p| is_given(p)) {
                        return Err(ParamError::Relation { param: other.clone(), message: format!("cannot be given with `{param}`") });
                    }
                }
                Relation::Requires { .. } | Relation::Excludes { .. } | Relation::ChoicesFrom { .. } => {}
            }
        }
        Ok(())
    }
}
