//! Errors of the non-LTE solver and the population files.

use std::path::PathBuf;

/// What can go wrong while setting up or running the solver, or reading a population file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SolveError {
    /// The grid arrays disagree in length.
    #[error("grid has {n_positions} positions but {n_other} {what}")]
    GridMismatch {
        /// Number of positions.
        n_positions: usize,
        /// Length of the other array.
        n_other: usize,
        /// Which array.
        what: &'static str,
    },
    /// A model field is unusable at a grid point.
    #[error("point {point}: field `{field}` = `{value}` must be {expected}")]
    BadField {
        /// Point index.
        point: usize,
        /// Field name.
        field: &'static str,
        /// The value found.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// The molecular data cannot give rates at a point.
    #[error("point {point}: {source}")]
    Molecule {
        /// Point index.
        point: usize,
        /// The molecular-data error.
        source: stop_molecule::MoleculeError,
    },
    /// A solver parameter out of range.
    #[error("solver parameter `{field}` = `{value}` must be {expected}")]
    InvalidParameter {
        /// Field name.
        field: &'static str,
        /// The value found.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A population file is malformed.
    #[error("{path}: line {line}: {message}")]
    BadPopulationFile {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, quoting the value.
        message: String,
    },
    /// A dust opacity table is malformed.
    #[error("{path}: line {line}: {message}")]
    BadOpacityTable {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, quoting the value.
        message: String,
    },
}
