//! `.qpart` tables (molsim/pyspeckit): comment lines starting with `#`, then
//! `T  Q` pairs (linear Q, not log10), whitespace-separated.

use std::path::Path;

use super::{Database, PartitionTable, QPoint};
use crate::error::{CatalogError, FieldProblem};

/// Read a `.qpart` file and key it as (database, tag) — the file itself does not say.
///
/// # Errors
/// [`CatalogError::Io`], or as [`parse_qpart`].
pub fn read_qpart(path: impl AsRef<Path>, database: Database, tag: u32) -> Result<PartitionTable, CatalogError> {
    let (label, text) = crate::read_text(path.as_ref())?;
    parse_qpart(&label, &text, database, tag)
}

/// Parse the text of a `.qpart` table.
///
/// ```
/// use stop_catalog::{parse_qpart, Database, QInterpolation, QParams};
/// let text = "#form : interpolation\n18.75\t7.1223\n37.5\t13.8965\n";
/// let co = parse_qpart("co.qpart", text, Database::Cdms, 28503).unwrap();
/// let linear = QParams { interpolation: QInterpolation::Linear, ..QParams::default() };
/// // 7.1223 + (20 − 18.75)/(37.5 − 18.75) · (13.8965 − 7.1223)
/// assert!((co.q(20.0, linear).unwrap() - 7.573_913).abs() < 1e-6);
/// ```
///
/// # Errors
/// [`CatalogError::Columns`] (not two columns), [`CatalogError::Field`] (a value that is
/// not a positive number), [`CatalogError::Empty`].
pub fn parse_qpart(source: &str, text: &str, database: Database, tag: u32) -> Result<PartitionTable, CatalogError> {
    let mut points = Vec::new();
    for (i_line, line) in text.lines().enumerate() {
        let line_no = i_line + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = trimmed.split_whitespace().collect();
        if cols.len() != 2 {
            return Err(CatalogError::Columns { file: source.to_owned(), line: line_no, expected: 2, found: cols.len() });
        }
        let positive = |field: &str, text: &str| {
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| CatalogError::field(source, line_no, field, text, FieldProblem::NotANumber))
        };
        let t_k = positive("T", cols[0])?;
        let q = positive("Q", cols[1])?;
        points.push(QPoint { t_k, log10_q: q.log10(), line: line_no });
    }
    if points.is_empty() {
        return Err(CatalogError::Empty { file: source.to_owned() });
    }
    Ok(PartitionTable::from_points(database, tag, "", source, points))
}
