//! Whitespace-separated numeric tables (TSV, RATRAN-style `.in` files): named columns, a
//! number of leading lines to skip, `#` and `!` comment lines ignored.

use crate::error::{ModelError, TableProblem};
use std::path::Path;

/// A numeric table read from a text file, column-major.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// Where it came from (for messages).
    pub path: String,
    /// Column names, as declared in the model file.
    pub names: Vec<String>,
    /// `columns[i][row]`.
    pub columns: Vec<Vec<f64>>,
}

impl DataTable {
    /// Read `path`, skipping `skip_lines` leading lines, with the given column names.
    ///
    /// # Errors
    /// [`ModelError::Io`] if unreadable; [`ModelError::Table`] naming the line for a row with
    /// the wrong number of columns or a cell that is not a finite number.
    pub fn read(path: &Path, skip_lines: usize, names: &[String]) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ModelError::Io { path: path.display().to_string(), source })?;
        Self::parse(&path.display().to_string(), &text, skip_lines, names)
    }

    /// Parse table text (see [`DataTable::read`]).
    ///
    /// ```
    /// let names = ["r_m".to_string(), "t_k".to_string()];
    /// let t = stop_model::DataTable::parse("<inline>", "# r T\n1 10\n2 20\n", 0, &names)?;
    /// assert_eq!(t.column("t_k"), Some(&[10.0, 20.0][..]));
    /// # Ok::<(), stop_model::ModelError>(())
    /// ```
    ///
    /// # Errors
    /// As [`DataTable::read`].
    pub fn parse(path: &str, text: &str, skip_lines: usize, names: &[String]) -> Result<Self, ModelError> {
        let mut columns = vec![Vec::new(); names.len()];
        for (i_line, line) in text.lines().enumerate().skip(skip_lines) {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
                continue;
            }
            let problem = |problem| ModelError::Table { path: path.to_string(), line: i_line + 1, problem };
            let cells: Vec<&str> = trimmed.split_whitespace().collect();
            if cells.len() != names.len() {
                return Err(problem(TableProblem::ColumnCount { expected: names.len(), found: cells.len() }));
            }
            for ((cell, column), name) in cells.iter().zip(&mut columns).zip(names) {
                let value = cell.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
                    problem(TableProblem::NotANumber { column: name.clone(), value: (*cell).to_string() })
                })?;
                column.push(value);
            }
        }
        Ok(Self { path: path.to_string(), names: names.to_vec(), columns })
    }

    /// The values of a named column.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.names.iter().position(|n| n == name).map(|i| self.columns[i].as_slice())
    }

    /// Number of data rows.
    #[must_use]
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_cell_names_line_and_column() {
        let names = ["a".to_string(), "b".to_string()];
        let err = DataTable::parse("t.tsv", "skip me\n1 2\n3 x\n", 1, &names).err();
        let Some(ModelError::Table { line, problem, .. }) = err else { panic!("expected a table error") };
        assert_eq!(line, 3);
        assert_eq!(problem, TableProblem::NotANumber { column: "b".into(), value: "x".into() });
    }

    #[test]
    fn short_row_is_reported() {
        let names = ["a".to_string(), "b".to_string()];
        let err = DataTable::parse("t.tsv", "1 2\n3\n", 0, &names).err();
        assert!(matches!(err, Some(ModelError::Table { line: 2, problem: TableProblem::ColumnCount { expected: 2, found: 1 }, .. })));
    }
}
