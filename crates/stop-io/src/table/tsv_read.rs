//! Reads a TSV table back: this crate's layout exactly, or a plain TSV with a names line
//! (types then guessed per column: `i64` if every cell is an integer, else `f64` if every cell
//! is a number, else `string`).

use std::path::Path;

use super::{Column, DataType, Schema, Table, Value};
use crate::IoError;

/// Reads a TSV table from `path` (see [`TsvWriter`](super::TsvWriter) for the layout).
///
/// ```
/// use stop_io::{read_tsv_table, Column, Schema, TableWriter, TsvWriter, Value};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("t.tsv");
/// let schema = Schema::new(vec![Column::string("name", 8), Column::f64("x").unit("K")])?;
/// let mut writer = TsvWriter::create(&path, &schema)?;
/// writer.write_row(&[Value::from("a\tb"), Value::F64(-0.5)])?;
/// writer.finish()?;
/// let table = read_tsv_table(&path)?;
/// assert_eq!(table.rows, vec![vec![Value::from("a\tb"), Value::F64(-0.5)]]);
/// assert_eq!(table.schema.columns()[1].unit.as_deref(), Some("K"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_tsv_table(path: impl AsRef<Path>) -> Result<Table, IoError> {
    let path = path.as_ref();
    let bytes = crate::detect::read_maybe_gzip(path)?;
    parse_tsv_table(path, &crate::detect::utf8(&bytes))
}

/// Undoes [`escape_cell`](super::tsv_write::escape_cell); `None` on a bad escape.
pub(crate) fn unescape_cell(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            '\\' => out.push('\\'),
            '#' => out.push('#'),
            _ => return None,
        }
    }
    Some(out)
}

/// Header facts collected from the `#` lines.
#[derive(Default)]
pub(super) struct Meta {
    table_name: Option<String>,
    params: Vec<(String, DataType, String, Option<String>)>,
    units: Option<Vec<String>>,
    pub(super) types: Option<Vec<DataType>>,
}

pub(super) fn parse_meta_line(meta: &mut Meta, line: &str) {
    let mut fields = line.split('\t');
    match fields.next() {
        Some("# table") => meta.table_name = fields.next().and_then(unescape_cell),
        Some("# unit") => meta.units = Some(fields.map(str::to_owned).collect()),
        Some("# type") => meta.types = fields.map(DataType::from_name).collect(),
        Some("# param") => {
            let parts: Vec<&str> = fields.collect();
            if let [name, datatype, value, unit] = parts[..]
                && let (Some(name), Some(datatype)) = (unescape_cell(name), DataType::from_name(datatype))
            {
                let unit = (!unit.is_empty()).then(|| unit.to_owned());
                meta.params.push((name, datatype, value.to_owned(), unit));
            }
        }
        _ => {}
    }
}

/// Parses one cell of a known type.
pub(super) fn parse_cell(
    path: &Path,
    line: usize,
    column: &str,
    datatype: DataType,
    text: &str,
) -> Result<Value, IoError> {
    let not_a_number = || IoError::NotANumber {
        path: path.to_path_buf(),
        line,
        column: column.to_owned(),
        value: text.to_owned(),
        expected: datatype,
    };
    match datatype {
        DataType::F64 => text.trim().parse().map(Value::F64).map_err(|_| not_a_number()),
        DataType::I64 => text.trim().parse().map(Value::I64).map_err(|_| not_a_number()),
        DataType::Str => unescape_cell(text).map(Value::Str).ok_or_else(|| IoError::BadEscape {
            path: path.to_path_buf(),
            line,
            column: column.to_owned(),
            value: text.to_owned(),
        }),
    }
}

/// Guesses a column type from its cells.
fn guess_type(cells: &[&str]) -> DataType {
    if cells.iter().all(|c| c.trim().parse::<i64>().is_ok()) {
        DataType::I64
    } else if cells.iter().all(|c| c.trim().parse::<f64>().is_ok()) {
        DataType::F64
    } else {
        DataType::Str
    }
}

/// The schema a header describes: names, types, the `# unit` line, table name and parameters.
pub(super) fn schema_from(path: &Path, meta: &Meta, names: &[&str], types: &[DataType]) -> Result<Schema, IoError> {
    let mut columns = Vec::with_capacity(names.len());
    for (j, name) in names.iter().enumerate() {
        let mut column = match types[j] {
            DataType::F64 => Column::f64(name),
            DataType::I64 => Column::i64(name),
            DataType::Str => Column::string(name, 0),
        };
        column.width_bytes = None;
        column.unit = meta
            .units
            .as_ref()
            .and_then(|u| u.get(j))
            .filter(|u| !u.is_empty())
            .cloned();
        columns.push(column);
    }
    let mut schema = Schema::from_reader(path, columns)?;
    if let Some(name) = &meta.table_name {
        schema.set_table_name_lenient(name);
    }
    for (name, datatype, value, unit) in &meta.params {
        let value = parse_cell(path, 0, name, *datatype, value)?;
        schema.push_param_lenient(name, value, unit.as_deref());
    }
    Ok(schema)
}

/// Parses TSV text; `path` only names the source in errors.
pub(crate) fn parse_tsv_table(path: &Path, text: &str) -> Result<Table, IoError> {
    let mut meta = Meta::default();
    let mut names: Option<(usize, Vec<&str>)> = None;
    let mut data: Vec<(usize, Vec<&str>)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.starts_with('#') {
            if names.is_none() {
                parse_meta_line(&mut meta, line);
            }
            continue;
        }
        match &names {
            None if line.trim().is_empty() => {}
            None => names = Some((i + 1, line.split('\t').collect())),
            Some(_) => data.push((i + 1, line.split('\t').collect())),
        }
    }
    let (_, names) = names.ok_or(IoError::Missing {
        path: path.to_path_buf(),
        what: "header line",
    })?;
    let n_columns = names.len();
    // Blank lines are rows only in a one-column string table (an empty string).
    let one_string_column = n_columns == 1 && meta.types.as_deref() == Some(&[DataType::Str]);
    data.retain(|(_, fields)| one_string_column || !(fields.len() == 1 && fields[0].trim().is_empty()));
    for (line, fields) in &data {
        if fields.len() != n_columns {
            return Err(IoError::FieldCount {
                path: path.to_path_buf(),
                line: *line,
                expected: n_columns,
                found: fields.len(),
            });
        }
    }
    let types: Vec<DataType> = match &meta.types {
        Some(types) if types.len() == n_columns => types.clone(),
        _ => (0..n_columns)
            .map(|j| guess_type(&data.iter().map(|(_, f)| f[j]).collect::<Vec<_>>()))
            .collect(),
    };
    let schema = schema_from(path, &meta, &names, &types)?;
    let mut rows = Vec::with_capacity(data.len());
    for (line, fields) in &data {
        let row = fields
            .iter()
            .zip(schema.columns())
            .map(|(text, column)| parse_cell(path, *line, &column.name, column.datatype, text))
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(row);
    }
    Ok(Table { schema, rows })
}
