//! JPL `catdir.cat`: fixed columns, tag I6, 1X, name A13, number of lines I6, then
//! log10 Q at 300, 225, 150, 75, 37.5, 18.75, 9.375 K as 7 × F7.4, then a version string
//! (`lte.md` §3.2).

use std::path::Path;

use super::{Database, PartitionTable, PartitionTables, QPoint};
use crate::error::{CatalogError, FieldProblem};

/// Temperatures of the seven log10 Q columns of `catdir.cat`, K.
pub const JPL_CATDIR_TEMPS_K: [f64; 7] = [300.0, 225.0, 150.0, 75.0, 37.5, 18.75, 9.375];

/// Read a JPL `catdir.cat`.
///
/// # Errors
/// [`CatalogError::Io`], or as [`parse_jpl_catdir`].
pub fn read_jpl_catdir(path: impl AsRef<Path>) -> Result<PartitionTables, CatalogError> {
    let (label, text) = crate::read_text(path.as_ref())?;
    parse_jpl_catdir(&label, &text)
}

/// Parse the text of a JPL `catdir.cat`.
///
/// ```
/// let line = " 28001 CO               91 2.0369 1.9123 1.7370 1.4386 1.1429 0.8526 0.5733 4*\n";
/// let tables = stop_catalog::parse_jpl_catdir("catdir.cat", line).unwrap();
/// let co = tables.get(stop_catalog::Database::Jpl, 28001).unwrap();
/// assert!((co.tabulated_q(300.0).unwrap() - 10f64.powf(2.0369)).abs() < 1e-9);
/// ```
///
/// # Errors
/// [`CatalogError::Field`] naming the line and column, [`CatalogError::Empty`].
pub fn parse_jpl_catdir(source: &str, text: &str) -> Result<PartitionTables, CatalogError> {
    let mut tables = PartitionTables::default();
    for (i_line, line) in text.lines().enumerate() {
        let line_no = i_line + 1;
        if line.trim().is_empty() {
            continue;
        }
        if !line.is_ascii() {
            return Err(CatalogError::field(source, line_no, "line", line, FieldProblem::NotAscii));
        }
        let slice = |start: usize, end: usize| line.get(start.min(line.len())..end.min(line.len())).unwrap_or("");
        let tag_text = slice(0, 6);
        let tag = tag_text
            .trim()
            .parse::<u32>()
            .map_err(|_| CatalogError::field(source, line_no, "TAG", tag_text, if tag_text.trim().is_empty() { FieldProblem::Missing } else { FieldProblem::NotANumber }))?;
        let mut points = Vec::with_capacity(JPL_CATDIR_TEMPS_K.len());
        for (i_col, &t_k) in JPL_CATDIR_TEMPS_K.iter().enumerate() {
            let start = 26 + 7 * i_col;
            let cell = slice(start, start + 7);
            let field = format!("lg(Q({t_k}))");
            if cell.trim().is_empty() {
                return Err(CatalogError::field(source, line_no, field, cell, FieldProblem::Missing));
            }
            let log10_q = cell
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| CatalogError::field(source, line_no, field, cell, FieldProblem::NotANumber))?;
            points.push(QPoint { t_k, log10_q, line: line_no });
        }
        tables.insert(PartitionTable::from_points(Database::Jpl, tag, slice(7, 20), source, points));
    }
    if tables.is_empty() {
        return Err(CatalogError::Empty { file: source.to_owned() });
    }
    Ok(tables)
}
