//! Errors of the molecular-data readers: every one names the source, the line and the field.

use std::fmt;

/// Where in a text source an error happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name (or `<input>` for in-memory text).
    pub source: String,
    /// 1-based line number; 0 when the problem is the end of the input.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)
    }
}

/// A problem in a molecular-data file, with its location.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[error("{location}: {kind}")]
pub struct ParseError {
    /// Where the problem is.
    pub location: Location,
    /// What the problem is.
    pub kind: ParseErrorKind,
}

/// What went wrong while reading a molecular-data file.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ParseErrorKind {
    /// The file ended while a record was still expected.
    #[error("file ends early: expected {expected}")]
    UnexpectedEof {
        /// What was expected next.
        expected: String,
    },
    /// A line has fewer fields than the record needs.
    #[error("missing field `{field}`")]
    MissingField {
        /// Name of the missing field.
        field: String,
    },
    /// A field is not a number.
    #[error("field `{field}`: `{value}` is not a number")]
    NotANumber {
        /// Field name.
        field: String,
        /// Text found.
        value: String,
    },
    /// A number is NaN or infinite.
    #[error("field `{field}`: `{value}` is not finite")]
    NotFinite {
        /// Field name.
        field: String,
        /// Text found.
        value: String,
    },
    /// A number violates its allowed range.
    #[error("field `{field}`: `{value}` out of range, expected {expected}")]
    OutOfRange {
        /// Field name.
        field: String,
        /// Text found.
        value: String,
        /// The allowed range, in words.
        expected: String,
    },
    /// A record's running index is not the next one.
    #[error("field `{field}`: index `{found}` out of sequence, expected {expected}")]
    OutOfSequence {
        /// Field name.
        field: String,
        /// Index found.
        found: usize,
        /// Index expected.
        expected: usize,
    },
    /// An unknown LAMDA collision-partner id.
    #[error("field `partner id`: `{value}` is not a LAMDA partner id (1 H2, 2 p-H2, 3 o-H2, 4 e, 5 H, 6 He, 7 H+)")]
    UnknownPartner {
        /// Text found.
        value: String,
    },
    /// A radiative transition whose upper level is not above its lower level.
    #[error("transition {index}: upper level {up} (E = {e_up_cm1} cm^-1) is not above lower level {lo} (E = {e_lo_cm1} cm^-1)")]
    UpperNotAbove {
        /// Transition number (1-based).
        index: usize,
        /// Upper level (1-based).
        up: usize,
        /// Lower level (1-based).
        lo: usize,
        /// Upper energy.
        e_up_cm1: f64,
        /// Lower energy.
        e_lo_cm1: f64,
    },
    /// Extra fields after a complete record.
    #[error("unexpected field `{value}` after {record}")]
    ExtraField {
        /// The record that was complete.
        record: String,
        /// Text found.
        value: String,
    },
}

/// Errors from the molecular-data API beyond parsing.
#[derive(Debug, thiserror::Error)]
pub enum MoleculeError {
    /// A file could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A file could not be read.
    #[error("reading `{path}`: {source}")]
    Io {
        /// Path that failed.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A molecule name matched no file.
    #[error("no molecule `{name}`: not a file, and not one of the shipped molecules ({known})")]
    UnknownMolecule {
        /// The name asked for.
        name: String,
        /// The shipped names, comma separated.
        known: String,
    },
    /// No collision partner of the file has a non-zero density.
    #[error("no collision rates for any partner with non-zero density (file has: {available})")]
    NoRatesForPartners {
        /// Partners the file provides.
        available: String,
    },
    /// A physical input is out of its domain.
    #[error("`{name}` = `{value}`: {expected}")]
    BadInput {
        /// Parameter name.
        name: &'static str,
        /// Value given.
        value: f64,
        /// What is allowed.
        expected: &'static str,
    },
}
