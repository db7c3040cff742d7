#![doc = include_str!("../README.md")]

pub mod error;
pub mod intensity;
pub mod partfunc;
pub mod spcat;

pub use error::{CatalogError, FieldProblem};
pub use partfunc::{
    Database, Extrapolation, PartitionTable, PartitionTables, QInterpolation, QParams, QPoint, parse_cdms_partfunc, parse_jpl_catdir,
    parse_qpart, read_cdms_partfunc, read_jpl_catdir, read_qpart,
};
pub use spcat::{Catalog, CatalogLine, QuantumNumber, parse_catalog, parse_line, read_catalog};

/// Read a text file and return (file name for messages, contents).
pub(crate) fn read_text(path: &std::path::Path) -> Result<(String, String), CatalogError> {
    let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Io { path: path.display().to_string(), source })?;
    let label = path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned());
    Ok((label, text))
}
