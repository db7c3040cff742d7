//! Typed, located reading of one TOML table: every getter removes its key, every error names
//! the file and the full key path, and [`Section::finish`] rejects the keys nobody asked for.

use crate::error::ModelError;
use crate::expr::constant_value;
use std::collections::BTreeMap;
use toml::{Table, Value};

/// One TOML table being read.
pub(crate) struct Section<'a> {
    pub file: &'a str,
    /// Key path of this table (`grid`, `image[1]`), empty for the root.
    pub path: String,
    table: Table,
    /// Parameter values, for numbers written as constant expressions (`"300 * au_m"`).
    names: &'a BTreeMap<String, f64>,
    /// Keys asked for, for the "allowed here" list.
    asked: Vec<&'static str>,
}

impl<'a> Section<'a> {
    pub fn new(file: &'a str, path: String, table: Table, names: &'a BTreeMap<String, f64>) -> Self {
        Self { file, path, table, names, asked: Vec::new() }
    }

    /// Full key path of `key` in this table.
    pub fn key(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    pub fn missing(&self, key: &str) -> ModelError {
        ModelError::MissingKey { file: self.file.to_string(), key: self.key(key) }
    }

    pub fn wrong_type(&self, key: &str, expected: &'static str, found: &Value) -> ModelError {
        ModelError::WrongType { file: self.file.to_string(), key: self.key(key), expected, found: found.to_string() }
    }

    pub fn bad_value(&self, key: &str, value: impl ToString, expected: impl Into<String>) -> ModelError {
        ModelError::BadValue { file: self.file.to_string(), key: self.key(key), value: value.to_string(), expected: expected.into() }
    }

    pub fn names(&self) -> &'a BTreeMap<String, f64> {
        self.names
    }

    /// Count `key` as allowed in this table (read elsewhere).
    pub fn allow(&mut self, key: &'static str) {
        self.asked.push(key);
    }

    /// Whether the table has `key` (without taking it).
    pub fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// Remove and return a raw value.
    pub fn take(&mut self, key: &'static str) -> Option<Value> {
        self.asked.push(key);
        self.table.remove(key)
    }

    /// A number: TOML integer or float, or a string holding a constant expression.
    pub fn f64(&mut self, key: &'static str) -> Result<Option<f64>, ModelError> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => self.number(key, &v).map(Some),
        }
    }

    /// Interpret a value as a finite number (see [`Section::f64`]).
    pub fn number(&self, key: &str, value: &Value) -> Result<f64, ModelError> {
        let v = match value {
            // Integers in model files are small counts or round numbers; i64 → f64 is exact there.
            Value::Integer(i) => *i as f64,
            Value::Float(f) => *f,
            Value::String(text) => constant_value(text, self.names).map_err(|error| ModelError::Expression {
                file: self.file.to_string(),
                key: self.key(key),
                text: text.clone(),
                error: Box::new(error),
            })?,
            other => return Err(self.wrong_type(key, "a number or a constant expression", other)),
        };
        if v.is_finite() { Ok(v) } else { Err(self.bad_value(key, v, "a finite number")) }
    }

    pub fn required_f64(&mut self, key: &'static str) -> Result<f64, ModelError> {
        self.f64(key)?.ok_or_else(|| self.missing(key))
    }

    /// A number with a default and a range check (`ok` states the allowed range in words).
    pub fn f64_checked(
        &mut self,
        key: &'static str,
        default: Option<f64>,
        ok: impl Fn(f64) -> bool,
        expected: &str,
    ) -> Result<f64, ModelError> {
        let v = match (self.f64(key)?, default) {
            (Some(v), _) | (None, Some(v)) => v,
            (None, None) => return Err(self.missing(key)),
        };
        if ok(v) { Ok(v) } else { Err(self.bad_value(key, v, expected)) }
    }

    /// A count: a non-negative TOML integer, at least `min`.
    pub fn count(&mut self, key: &'static str, default: Option<usize>, min: usize) -> Result<usize, ModelError> {
        let v = match (self.take(key), default) {
            (Some(Value::Integer(i)), _) => {
                usize::try_from(i).map_err(|_| self.bad_value(key, i, format!("an integer ≥ {min}")))?
            }
            (Some(other), _) => return Err(self.wrong_type(key, "an integer", &other)),
            (None, Some(d)) => d,
            (None, None) => return Err(self.missing(key)),
        };
        if v >= min { Ok(v) } else { Err(self.bad_value(key, v, format!("an integer ≥ {min}"))) }
    }

    pub fn string(&mut self, key: &'static str) -> Result<Option<String>, ModelError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong_type(key, "a string", &other)),
        }
    }

    pub fn required_string(&mut self, key: &'static str) -> Result<String, ModelError> {
        self.string(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn bool(&mut self, key: &'static str, default: bool) -> Result<bool, ModelError> {
        match self.take(key) {
            None => Ok(default),
            Some(Value::Boolean(b)) => Ok(b),
            Some(other) => Err(self.wrong_type(key, "true or false", &other)),
        }
    }

    /// A sub-table, as a section of its own.
    pub fn table(&mut self, key: &'static str) -> Result<Option<Section<'a>>, ModelError> {
        let path = self.key(key);
        match self.take(key) {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(Section::new(self.file, path, t, self.names))),
            Some(other) => Err(self.wrong_type(key, "a table", &other)),
        }
    }

    /// All remaining entries, in key order (for free-form tables such as `[tables]`).
    pub fn drain(&mut self) -> Vec<(String, Value)> {
        std::mem::take(&mut self.table).into_iter().collect()
    }

    /// Error on any key nobody asked for.
    pub fn finish(self) -> Result<(), ModelError> {
        match self.table.keys().next() {
            None => Ok(()),
            Some(key) => Err(ModelError::UnknownKey {
                file: self.file.to_string(),
                key: self.key(key),
                allowed: self.asked.join(", "),
            }),
        }
    }
}
