//! The CDMS partition-function table as re-exported by astroquery: pipe-separated, a
//! header row `| tag | molecule | #lines | lg(Q(1000)) | … |`, then one row per species
//! with log10 Q or `nan`.

use std::path::Path;

use super::{Database, PartitionTable, PartitionTables, QPoint};
use crate::error::{CatalogError, FieldProblem};

/// Read a CDMS `partfunc.cat` pipe table.
///
/// # Errors
/// [`CatalogError::Io`], or as [`parse_cdms_partfunc`].
pub fn read_cdms_partfunc(path: impl AsRef<Path>) -> Result<PartitionTables, CatalogError> {
    let (label, text) = crate::read_text(path.as_ref())?;
    parse_cdms_partfunc(&label, &text)
}

/// Parse a CDMS pipe table; the temperatures come from the header (`lg(Q(T))` columns).
///
/// # Errors
/// [`CatalogError::Field`] (bad header temperature, tag or value, naming line and column),
/// [`CatalogError::Columns`] (wrong number of cells), [`CatalogError::Empty`].
pub fn parse_cdms_partfunc(source: &str, text: &str) -> Result<PartitionTables, CatalogError> {
    let mut rows = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
    let (header_index, header) = rows.next().ok_or_else(|| CatalogError::Empty { file: source.to_owned() })?;
    let header_cells = cells(header);
    // tag | molecule | #lines | lg(Q(T1)) ...: at least one temperature column
    if header_cells.len() < 4 {
        return Err(CatalogError::Columns { file: source.to_owned(), line: header_index + 1, expected: 4, found: header_cells.len() });
    }
    let mut temps_k = Vec::new();
    for cell in header_cells.iter().skip(3) {
        let t_k = cell
            .strip_prefix("lg(Q(")
            .and_then(|rest| rest.strip_suffix("))"))
            .and_then(|t| t.trim().parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t > 0.0)
            .ok_or_else(|| CatalogError::field(source, header_index + 1, "header", cell, FieldProblem::NotANumber))?;
        temps_k.push(t_k);
    }
    let mut tables = PartitionTables::default();
    for (i_line, line) in rows {
        let line_no = i_line + 1;
        let row = cells(line);
        if row.len() != header_cells.len() {
            return Err(CatalogError::Columns { file: source.to_owned(), line: line_no, expected: header_cells.len(), found: row.len() });
        }
        let tag = row[0].parse::<u32>().map_err(|_| CatalogError::field(source, line_no, "tag", row[0], FieldProblem::NotANumber))?;
        let mut points = Vec::new();
        for (cell, &t_k) in row[3..].iter().zip(&temps_k) {
            if cell.eq_ignore_ascii_case("nan") {
                continue;
            }
            let log10_q = cell
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| CatalogError::field(source, line_no, format!("lg(Q({t_k}))"), cell, FieldProblem::NotANumber))?;
            points.push(QPoint { t_k, log10_q, line: line_no });
        }
        tables.insert(PartitionTable::from_points(Database::Cdms, tag, row[1], source, points));
    }
    if tables.is_empty() {
        return Err(CatalogError::Empty { file: source.to_owned() });
    }
    Ok(tables)
}

/// The trimmed cells of a `| a | b |` row (outer empty cells dropped).
fn cells(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(str::trim).collect()
}
