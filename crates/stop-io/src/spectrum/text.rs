//! Delimited text as users write it: CSV, TSV, `;`- or whitespace-separated columns, `#`
//! comment lines, an optional header line of column names (a unit may sit in the name:
//! `freq (GHz)`, `velocity_km_s`). Columns are numbers (`f64`) when at least half of their
//! cells are; others are text.

use std::path::Path;

use crate::IoError;
use crate::table::{Column, DataType, Schema, Table, Value};

/// Field separator of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delimiter {
    Tab,
    Comma,
    Semicolon,
    Whitespace,
}

impl Delimiter {
    fn detect(line: &str) -> Delimiter {
        if line.contains('\t') {
            Delimiter::Tab
        } else if line.contains(',') {
            Delimiter::Comma
        } else if line.contains(';') {
            Delimiter::Semicolon
        } else {
            Delimiter::Whitespace
        }
    }

    fn split(self, line: &str) -> Vec<&str> {
        let fields: Vec<&str> = match self {
            Delimiter::Tab => line.split('\t').collect(),
            Delimiter::Comma => line.split(',').collect(),
            Delimiter::Semicolon => line.split(';').collect(),
            Delimiter::Whitespace => line.split_whitespace().collect(),
        };
        fields.into_iter().map(|f| f.trim().trim_matches('"').trim()).collect()
    }
}

/// Parses delimited text into an all-`f64` table; `path` names the source in errors.
pub(crate) fn parse_delimited(path: &Path, text: &str) -> Result<Table, IoError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
    let (first_line, first) = lines.next().ok_or(IoError::Missing {
        path: path.to_path_buf(),
        what: "data rows",
    })?;
    let delimiter = Delimiter::detect(first);
    let first_fields = delimiter.split(first);
    let is_header = first_fields.iter().any(|f| f.parse::<f64>().is_err());
    let names: Vec<String> = if is_header {
        first_fields
            .iter()
            .enumerate()
            .map(|(j, f)| {
                if f.is_empty() {
                    format!("col{}", j + 1)
                } else {
                    (*f).to_owned()
                }
            })
            .collect()
    } else {
        (1..=first_fields.len()).map(|j| format!("col{j}")).collect()
    };
    let data_lines: Vec<(usize, &str)> = if is_header {
        lines.collect()
    } else {
        std::iter::once((first_line, first)).chain(lines).collect()
    };
    let mut cells: Vec<(usize, Vec<&str>)> = Vec::with_capacity(data_lines.len());
    for (line, content) in data_lines {
        let fields = delimiter.split(content);
        if fields.len() != names.len() {
            return Err(IoError::FieldCount {
                path: path.to_path_buf(),
                line,
                expected: names.len(),
                found: fields.len(),
            });
        }
        cells.push((line, fields));
    }
    if cells.is_empty() {
        return Err(IoError::Missing {
            path: path.to_path_buf(),
            what: "data rows",
        });
    }
    // A column is numeric when at least half of its cells are numbers; the others are then
    // typos worth an error that names them, not a reason to read the column as text.
    let numeric: Vec<bool> = (0..names.len())
        .map(|j| {
            let ok = cells.iter().filter(|(_, f)| f[j].parse::<f64>().is_ok()).count();
            2 * ok >= cells.len()
        })
        .collect();
    let mut rows = Vec::with_capacity(cells.len());
    for (line, fields) in &cells {
        let row = fields
            .iter()
            .zip(&names)
            .zip(&numeric)
            .map(|((field, name), &is_numeric)| {
                if !is_numeric {
                    return Ok(Value::Str((*field).to_owned()));
                }
                field.parse::<f64>().map(Value::F64).map_err(|_| IoError::NotANumber {
                    path: path.to_path_buf(),
                    line: *line,
                    column: name.clone(),
                    value: (*field).to_owned(),
                    expected: DataType::F64,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(row);
    }
    let columns = names
        .iter()
        .zip(&numeric)
        .map(|(name, &is_numeric)| {
            if is_numeric {
                Column::f64(name)
            } else {
                Column {
                    width_bytes: None,
                    ..Column::string(name, 0)
                }
            }
        })
        .collect();
    Ok(Table {
        schema: Schema::from_reader(path, columns)?,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_and_comments() {
        let text = "# observed\nfreq (GHz), Tmb\n115.0, 0.5\n115.1,1.5\n";
        let table = parse_delimited(Path::new("s.csv"), text).expect("parses");
        assert_eq!(table.schema.columns()[0].name, "freq (GHz)");
        assert_eq!(table.column_f64("Tmb"), Some(vec![0.5, 1.5]));
    }

    #[test]
    fn whitespace_without_header() {
        let table = parse_delimited(Path::new("s.dat"), "1 2\n3   4\n").expect("parses");
        assert_eq!(table.column_f64("col2"), Some(vec![2.0, 4.0]));
    }

    #[test]
    fn mostly_text_columns_stay_text() {
        let table = parse_delimited(Path::new("s.csv"), "label,x\nCO,1\nHCN,2\n").expect("parses");
        assert_eq!(table.rows[1], vec![Value::Str("HCN".into()), Value::F64(2.0)]);
    }

    #[test]
    fn bad_cell_names_line_and_column() {
        let err = parse_delimited(Path::new("s.csv"), "v,T\n1,2\n3,x\n").expect_err("fails");
        assert_eq!(err.to_string(), "s.csv:3: column `T`: `x` is not a f64");
    }
}
