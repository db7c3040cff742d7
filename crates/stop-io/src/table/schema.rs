//! Table schema (columns and table parameters), cell values, and an in-memory table for readers.

use std::fmt;

use crate::IoError;

/// Type of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    /// 64-bit float (FITS `D`, VOTable `double`).
    F64,
    /// 64-bit signed integer (FITS `K`, VOTable `long`).
    I64,
    /// UTF-8 text (FITS `nA` with a fixed width, VOTable `char`, `arraysize="*"`).
    Str,
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl DataType {
    /// The name used in TSV `# type` lines: `f64`, `i64` or `string`.
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::F64 => "f64",
            DataType::I64 => "i64",
            DataType::Str => "string",
        }
    }

    /// Inverse of [`as_str`](Self::as_str).
    pub fn from_name(name: &str) -> Option<DataType> {
        match name {
            "f64" => Some(DataType::F64),
            "i64" => Some(DataType::I64),
            "string" => Some(DataType::Str),
            _ => None,
        }
    }
}

/// One cell (or parameter) value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A float; NaN and infinities are allowed.
    F64(f64),
    /// An integer.
    I64(i64),
    /// A string.
    Str(String),
}

impl Value {
    /// Type of this value.
    pub fn datatype(&self) -> DataType {
        match self {
            Value::F64(_) => DataType::F64,
            Value::I64(_) => DataType::I64,
            Value::Str(_) => DataType::Str,
        }
    }

    /// The value as a float (integers converted), `None` for strings.
    ///
    /// ```
    /// use stop_io::Value;
    /// assert_eq!(Value::I64(3).as_f64(), Some(3.0));
    /// assert_eq!(Value::Str("x".into()).as_f64(), None);
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::F64(x) => Some(*x),
            // i64 → f64 is the conversion asked for; precision loss above 2^53 is documented.
            Value::I64(i) => Some(*i as f64),
            Value::Str(_) => None,
        }
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::F64(x)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::I64(i)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

/// Shortest text that parses back to the same `f64` (`1.0`, `1e-7`, `NaN`, `inf`, `-inf`).
pub(crate) fn format_f64(x: f64) -> String {
    format!("{x:?}")
}

/// One column: name, type, and optional unit, UCD, description and string width.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Column name (units belong in it too, STOP style: `freq_hz`).
    pub name: String,
    /// Cell type.
    pub datatype: DataType,
    /// Unit string (FITS/VOUnit syntax, e.g. `Hz`, `K`, `km/s`).
    pub unit: Option<String>,
    /// IVOA UCD, e.g. `em.freq`.
    pub ucd: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Fixed width in bytes of a string column; FITS needs it, TSV and VOTable ignore it.
    pub width_bytes: Option<usize>,
}

impl Column {
    fn new(name: &str, datatype: DataType) -> Self {
        Column {
            name: name.to_owned(),
            datatype,
            unit: None,
            ucd: None,
            description: None,
            width_bytes: None,
        }
    }

    /// A float column.
    pub fn f64(name: &str) -> Self {
        Column::new(name, DataType::F64)
    }

    /// An integer column.
    pub fn i64(name: &str) -> Self {
        Column::new(name, DataType::I64)
    }

    /// A string column at most `width_bytes` bytes long (the width matters only for FITS).
    pub fn string(name: &str, width_bytes: usize) -> Self {
        Column {
            width_bytes: Some(width_bytes),
            ..Column::new(name, DataType::Str)
        }
    }

    /// Sets the unit.
    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = Some(unit.to_owned());
        self
    }

    /// Sets the UCD.
    pub fn ucd(mut self, ucd: &str) -> Self {
        self.ucd = Some(ucd.to_owned());
        self
    }

    /// Sets the description.
    pub fn description(mut self, text: &str) -> Self {
        self.description = Some(text.to_owned());
        self
    }
}

/// A table-level parameter (VOTable `PARAM`, FITS header keyword, TSV `# param` line).
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name (FITS writes names longer than 8 characters as `HIERARCH` cards).
    pub name: String,
    /// Value.
    pub value: Value,
    /// Unit, if any.
    pub unit: Option<String>,
}

/// The validated description of a table: columns, optional name, parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    columns: Vec<Column>,
    table_name: Option<String>,
    params: Vec<Param>,
}

/// Refuses names that would break one of the formats.
fn check_name(name: &str) -> Result<(), IoError> {
    let bad = |reason| {
        Err(IoError::BadName {
            name: name.to_owned(),
            reason,
        })
    };
    if name.is_empty() {
        return bad("empty");
    }
    if name.starts_with('#') {
        return bad("starts with `#`");
    }
    if name.chars().any(char::is_control) {
        return bad("holds a control character");
    }
    if name.trim() != name {
        return bad("has leading or trailing spaces");
    }
    Ok(())
}

/// Units and UCDs go into TSV header lines and XML attributes: no control characters.
fn check_label(label: &Option<String>) -> Result<(), IoError> {
    match label {
        Some(text) if text.chars().any(char::is_control) => Err(IoError::BadName {
            name: text.clone(),
            reason: "holds a control character",
        }),
        _ => Ok(()),
    }
}

impl Schema {
    /// Validates the columns: at least one, unique names that are non-empty, without control
    /// characters, leading/trailing spaces or a leading `#`.
    ///
    /// ```
    /// use stop_io::{Column, Schema};
    /// assert!(Schema::new(vec![Column::f64("a"), Column::f64("a")]).is_err());
    /// assert!(Schema::new(vec![Column::f64("a\tb")]).is_err());
    /// assert_eq!(Schema::new(vec![Column::f64("a")])?.columns().len(), 1);
    /// # Ok::<(), stop_io::IoError>(())
    /// ```
    pub fn new(columns: Vec<Column>) -> Result<Schema, IoError> {
        if columns.is_empty() {
            return Err(IoError::EmptySchema);
        }
        for (i, column) in columns.iter().enumerate() {
            check_name(&column.name)?;
            check_label(&column.unit)?;
            check_label(&column.ucd)?;
            if columns[..i].iter().any(|c| c.name == column.name) {
                return Err(IoError::DuplicateColumn {
                    name: column.name.clone(),
                });
            }
        }
        Ok(Schema {
            columns,
            table_name: None,
            params: Vec::new(),
        })
    }

    /// Names the table (VOTable `TABLE name`, FITS `EXTNAME`, TSV `# table` line).
    pub fn with_table_name(mut self, name: &str) -> Result<Schema, IoError> {
        check_name(name)?;
        self.table_name = Some(name.to_owned());
        Ok(self)
    }

    /// Adds a table parameter (a rest frequency, a model setting, ...).
    ///
    /// ```
    /// use stop_io::{Column, Schema, Value};
    /// let schema = Schema::new(vec![Column::f64("velocity_km_s")])?
    ///     .with_param("rest_freq_hz", Value::F64(115.2712018e9), Some("Hz"))?;
    /// assert_eq!(schema.param("rest_freq_hz").and_then(|p| p.value.as_f64()), Some(115.2712018e9));
    /// # Ok::<(), stop_io::IoError>(())
    /// ```
    pub fn with_param(mut self, name: &str, value: Value, unit: Option<&str>) -> Result<Schema, IoError> {
        check_name(name)?;
        let unit = unit.map(str::to_owned);
        check_label(&unit)?;
        if let Value::Str(text) = &value {
            check_label(&Some(text.clone()))?;
        }
        self.params.push(Param {
            name: name.to_owned(),
            value,
            unit,
        });
        Ok(self)
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The table name, if set.
    pub fn table_name(&self) -> Option<&str> {
        self.table_name.as_deref()
    }

    /// The parameters, in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The parameter called `name`, if any.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Index of the column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// Makes a name read from a file acceptable: control characters become spaces, surrounding
/// spaces and leading `#` go, and an empty result becomes `fallback`.
pub(crate) fn sanitize_name(raw: &str, fallback: &str) -> String {
    let cleaned: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let trimmed = cleaned.trim().trim_start_matches('#').trim();
    if trimmed.is_empty() {
        fallback.to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn sanitize_label(label: Option<String>) -> Option<String> {
    label.map(|l| l.chars().map(|c| if c.is_control() { ' ' } else { c }).collect())
}

impl Schema {
    /// The schema of a table read from `path`: names are sanitised ([`sanitize_name`], `colN`
    /// for empty ones), duplicates get a `_N` suffix, and no columns is an error naming the file.
    pub(crate) fn from_reader(path: &std::path::Path, columns: Vec<Column>) -> Result<Schema, IoError> {
        if columns.is_empty() {
            return Err(IoError::Missing {
                path: path.to_path_buf(),
                what: "column definitions",
            });
        }
        let mut cleaned: Vec<Column> = Vec::with_capacity(columns.len());
        for (i, mut column) in columns.into_iter().enumerate() {
            let fallback = format!("col{}", i + 1);
            let mut name = sanitize_name(&column.name, &fallback);
            while cleaned.iter().any(|c| c.name == name) {
                name = format!("{name}_{}", i + 1);
            }
            column.name = name;
            column.unit = sanitize_label(column.unit);
            column.ucd = sanitize_label(column.ucd);
            cleaned.push(column);
        }
        Schema::new(cleaned)
    }

    /// Sets a table name read from a file (sanitised; dropped if nothing is left).
    pub(crate) fn set_table_name_lenient(&mut self, raw: &str) {
        let name = sanitize_name(raw, "");
        self.table_name = (!name.is_empty()).then_some(name);
    }

    /// Adds a parameter read from a file (name and unit sanitised; nameless ones dropped).
    pub(crate) fn push_param_lenient(&mut self, raw_name: &str, value: Value, unit: Option<&str>) {
        let name = sanitize_name(raw_name, "");
        if name.is_empty() {
            return;
        }
        let value = match value {
            Value::Str(text) => Value::Str(text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()),
            other => other,
        };
        self.params.push(Param {
            name,
            value,
            unit: sanitize_label(unit.map(str::to_owned)),
        });
    }
}

/// A whole table in memory, as the readers return it (row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Columns, name and parameters.
    pub schema: Schema,
    /// Rows; each has one value per column, of the column's type.
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// The column called `name` as floats (integers converted); `None` if absent or a string column.
    ///
    /// ```
    /// use stop_io::{Column, Schema, Table, Value};
    /// let schema = Schema::new(vec![Column::i64("j")])?;
    /// let table = Table { schema, rows: vec![vec![Value::I64(1)], vec![Value::I64(2)]] };
    /// assert_eq!(table.column_f64("j"), Some(vec![1.0, 2.0]));
    /// # Ok::<(), stop_io::IoError>(())
    /// ```
    pub fn column_f64(&self, name: &str) -> Option<Vec<f64>> {
        let index = self.schema.column_index(name)?;
        self.rows
            .iter()
            .map(|row| row.get(index).and_then(Value::as_f64))
            .collect()
    }
}
