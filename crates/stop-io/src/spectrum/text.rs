//! Observed spectra as delimited text: CSV, TSV, `;`- or whitespace-separated columns, `#`
//! comment lines, an optional header line of column names (a unit may sit in the name:
//! `freq (GHz)`, `velocity_km_s`).

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
    let mut rows = Vec::with_capacity(data_lines.len());
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
        let row = fields
            .iter()
            .zip(&names)
            .map(|(field, name)| {
                field.parse::<f64>().map(Value::F64).map_err(|_| IoError::NotANumber {
                    path: path.to_path_buf(),
                    line,
                    column: name.clone(),
                    value: (*field).to_owned(),
                    expected: DataType::F64,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(IoError::Missing {
            path: path.to_path_buf(),
            what: "data rows",
        });
    }
    let columns = names.iter().map(|name| Column::f64(name)).collect();
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
    fn bad_cell_names_line_and_column() {
        let err = parse_delimited(Path::new("s.csv"), "v,T\n1,2\n3,x\n").expect_err("fails");
        assert_eq!(err.to_string(), "s.csv:3: column `T`: `x` is not a f64");
    }
}
