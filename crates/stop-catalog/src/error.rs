//! The one error type of the crate. Every parsing variant names the file (or source
//! label), the 1-based line and the field, and quotes the offending text.

use thiserror::Error;

use crate::partfunc::Database;

/// What is wrong with one field of a line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldProblem {
    /// The field is blank (or the line ends before it) but is required.
    #[error("is missing")]
    Missing,
    /// The text is not a number of the expected kind.
    #[error("is not a number")]
    NotANumber,
    /// The number is outside the range the format allows.
    #[error("is out of range ({expected})")]
    OutOfRange {
        /// What the format allows.
        expected: &'static str,
    },
    /// A negative ERR means FREQ and ERR are in cm⁻¹ (SPCAT convention); STOP refuses
    /// such lines instead of guessing (`lte.md` §10).
    #[error("is negative: FREQ/ERR in cm^-1 are not supported, convert the catalog to MHz")]
    WavenumberUnits,
    /// The line holds bytes outside ASCII, so fixed columns cannot be sliced.
    #[error("contains non-ASCII text")]
    NotAscii,
}

/// Errors of `stop-catalog`.
#[derive(Debug, Error)]
pub enum CatalogError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// One field of one line is unusable.
    #[error("{file}:{line}: {field} `{value}` {problem}")]
    Field {
        /// File name or source label.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Field name as in the format description (`FREQ`, `GUP`, `QN'[2]`, `lg(Q(300))`).
        field: String,
        /// The text found (trimmed).
        value: String,
        /// What is wrong with it.
        problem: FieldProblem,
    },
    /// A table line does not have the expected number of columns.
    #[error("{file}:{line}: expected {expected} columns, found {found}")]
    Columns {
        /// File name or source label.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Columns expected.
        expected: usize,
        /// Columns found.
        found: usize,
    },
    /// A file holds no data line.
    #[error("{file}: no data lines")]
    Empty {
        /// File name or source label.
        file: String,
    },
    /// log10 Q decreases while T increases: a typo in the table (`lte.md` §3.2).
    #[error(
        "{file}:{line}: {database} tag {tag}: log10 Q = {log10_q_high} at {t_high_k} K is below {log10_q_low} at {t_low_k} K (Q must grow with T)"
    )]
    NotMonotonic {
        /// File name or source label.
        file: String,
        /// 1-based line number of the table row.
        line: usize,
        /// Database of the table.
        database: Database,
        /// Species tag.
        tag: u32,
        /// Lower temperature, K.
        t_low_k: f64,
        /// log10 Q at the lower temperature.
        log10_q_low: f64,
        /// Higher temperature, K.
        t_high_k: f64,
        /// log10 Q at the higher temperature.
        log10_q_high: f64,
    },
    /// No partition function for this (database, tag).
    #[error("no partition function for {database} tag {tag}")]
    UnknownTag {
        /// Database asked for.
        database: Database,
        /// Tag asked for.
        tag: u32,
    },
    /// T outside the table and extrapolation was not enabled.
    #[error(
        "T = {t_k} K is outside the partition-function table of {database} tag {tag} ({tmin_k}–{tmax_k} K); enable extrapolation explicitly to go beyond it"
    )]
    OutOfRange {
        /// Database of the table.
        database: Database,
        /// Species tag.
        tag: u32,
        /// Temperature asked for, K.
        t_k: f64,
        /// Lowest tabulated temperature, K.
        tmin_k: f64,
        /// Highest tabulated temperature, K.
        tmax_k: f64,
    },
    /// A temperature that is not finite and positive.
    #[error("temperature `{t_k}` K must be finite and > 0")]
    BadTemperature {
        /// The value given.
        t_k: f64,
    },
    /// The table has no entry at exactly this temperature (needed for Q(300) in
    /// the intensity → A conversion, `lte.md` §4.1).
    #[error("{database} tag {tag}: the table has no value at exactly {t_k} K")]
    NoTabulatedValue {
        /// Database of the table.
        database: Database,
        /// Species tag.
        tag: u32,
        /// Temperature asked for, K.
        t_k: f64,
    },
}

impl CatalogError {
    /// A field error (shorthand used by the parsers).
    pub(crate) fn field(file: &str, line: usize, field: impl Into<String>, value: &str, problem: FieldProblem) -> Self {
        Self::Field { file: file.to_owned(), line, field: field.into(), value: value.trim().to_owned(), problem }
    }

    /// The 1-based line number the error points at, if it points at one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Field { line, .. } | Self::Columns { line, .. } | Self::NotMonotonic { line, .. } => Some(*line),
            _ => None,
        }
    }
}
