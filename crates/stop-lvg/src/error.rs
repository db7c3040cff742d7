//! Errors of the escape-probability crate. Numerical failure of one model is not an error
//! but a [`crate::Status`]; these are the problems that prevent a model from being set up or
//! an input file from being read.

use stop_molecule::MoleculeError;

/// Why a model could not be set up or an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LvgError {
    /// A model parameter is out of its physical range.
    #[error("parameter `{name}` = `{value}`: expected {expected}")]
    BadParameter {
        /// Parameter name (with unit).
        name: &'static str,
        /// Value given.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A background temperature below zero (RADEX's user spectrum) is not supported.
    #[error(
        "background temperature `{tbg_k}` K: only T_bg > 0 (blackbody) and T_bg = 0 (interstellar field) are supported"
    )]
    UnsupportedBackground {
        /// The temperature given, K.
        tbg_k: f64,
    },
    /// No collision partner with a non-zero density has rates in the molecule file.
    #[error("no rates for any collision partner with a density (file has: {available})")]
    NoRatesForPartners {
        /// Partners the file has rates for.
        available: String,
    },
    /// A line of the molecule has a non-positive wavenumber (upper below lower).
    #[error(
        "line {line} (1-based) has wavenumber `{wavenumber_cm1}` cm^-1: upper level must lie above the lower one"
    )]
    BadLine {
        /// 1-based line number in the file.
        line: usize,
        /// E_u − E_l, cm⁻¹.
        wavenumber_cm1: f64,
    },
    /// The molecule file could not be read.
    #[error(transparent)]
    Molecule(#[from] MoleculeError),
    /// An input file (RADEX, TOML, JSON) is malformed.
    #[error("{source_name}:{line}: {field}: {message}")]
    Input {
        /// File name.
        source_name: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// The field or record being read.
        field: String,
        /// What is wrong, quoting the value.
        message: String,
    },
    /// Writing a grid's output table failed.
    #[error("grid output: {0}")]
    Output(#[from] stop_io::IoError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}
