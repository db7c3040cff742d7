//! Streaming TSV reader (row by row, never the whole file in memory) and the TSV → FITS /
//! VOTable conversion built on it: a grid written to a resumable TSV becomes a FITS or VOTable
//! table at the end without loading it.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::tsv_read::{Meta, parse_cell, parse_meta_line, schema_from};
use super::{DataType, Schema, TableFormat, Value, create_table_writer};
use crate::IoError;

/// Reads the rows of a TSV file written by [`TsvWriter`](super::TsvWriter) one at a time.
///
/// The header must carry a `# type` line (files from `TsvWriter` always do). Every row must
/// end with a newline: a last line without one is a torn write and is reported, not returned
/// (reopen the file with [`TsvWriter::resume`](super::TsvWriter::resume) to cut it off).
///
/// ```
/// use stop_io::{Column, Schema, TableWriter, TsvReader, TsvWriter, Value};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("grid.tsv");
/// let schema = Schema::new(vec![Column::f64("tkin_k"), Column::i64("n")])?;
/// let mut writer = TsvWriter::create(&path, &schema)?;
/// writer.write_row(&[Value::F64(10.0), Value::I64(1)])?;
/// writer.write_row(&[Value::F64(20.0), Value::I64(2)])?;
/// writer.finish()?;
/// let reader = TsvReader::open(&path)?;
/// assert_eq!(reader.schema(), &schema);
/// let rows = reader.collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(rows[1], vec![Value::F64(20.0), Value::I64(2)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct TsvReader {
    path: PathBuf,
    schema: Schema,
    reader: BufReader<File>,
    line_no: usize,
    buffer: String,
    done: bool,
}

impl TsvReader {
    /// Opens `path` and reads its header.
    pub fn open(path: impl AsRef<Path>) -> Result<TsvReader, IoError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| IoError::io(path, e))?;
        let mut reader = BufReader::new(file);
        let mut meta = Meta::default();
        let mut line = String::new();
        let mut line_no = 0;
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(|e| IoError::io(path, e))?;
            line_no += 1;
            if n == 0 {
                return Err(IoError::Missing {
                    path: path.to_path_buf(),
                    what: "header line",
                });
            }
            let text = line.trim_end_matches(['\n', '\r']);
            if text.starts_with('#') {
                parse_meta_line(&mut meta, text);
            } else if !text.trim().is_empty() {
                break;
            }
        }
        let names: Vec<&str> = line.trim_end_matches(['\n', '\r']).split('\t').collect();
        let types = match &meta.types {
            Some(types) if types.len() == names.len() => types.clone(),
            _ => {
                return Err(IoError::Missing {
                    path: path.to_path_buf(),
                    what: "`# type` line matching the column names",
                });
            }
        };
        let schema = schema_from(path, &meta, &names, &types)?;
        Ok(TsvReader {
            path: path.to_path_buf(),
            schema,
            reader,
            line_no,
            buffer: String::new(),
            done: false,
        })
    }

    /// The schema the header describes.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    fn next_row(&mut self) -> Result<Option<Vec<Value>>, IoError> {
        let one_string_column = self.schema.columns().len() == 1 && self.schema.columns()[0].datatype == DataType::Str;
        loop {
            self.buffer.clear();
            let n = self
                .reader
                .read_line(&mut self.buffer)
                .map_err(|e| IoError::io(&self.path, e))?;
            self.line_no += 1;
            if n == 0 {
                return Ok(None);
            }
            if !self.buffer.ends_with('\n') {
                return Err(IoError::Missing {
                    path: self.path.clone(),
                    what: "newline at the end of the last row (torn write)",
                });
            }
            let text = self.buffer.trim_end_matches(['\n', '\r']);
            if text.starts_with('#') || (text.trim().is_empty() && !one_string_column) {
                continue;
            }
            let fields: Vec<&str> = text.split('\t').collect();
            let columns = self.schema.columns();
            if fields.len() != columns.len() {
                return Err(IoError::FieldCount {
                    path: self.path.clone(),
                    line: self.line_no,
                    expected: columns.len(),
                    found: fields.len(),
                });
            }
            let row = fields
                .iter()
                .zip(columns)
                .map(|(field, column)| parse_cell(&self.path, self.line_no, &column.name, column.datatype, field))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Some(row));
        }
    }
}

impl Iterator for TsvReader {
    type Item = Result<Vec<Value>, IoError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = self.next_row().transpose();
        if !matches!(result, Some(Ok(_))) {
            self.done = true;
        }
        result
    }
}

/// Streams a TSV table (from [`TsvWriter`](super::TsvWriter)) into a new file of another
/// format, row by row; returns the number of rows. String columns get a FITS width of the
/// longest value found in a first pass over the file.
///
/// ```
/// use stop_io::{convert_tsv, read_table, Column, Schema, TableFormat, TableWriter, TsvWriter, Value};
/// let dir = tempfile::tempdir()?;
/// let tsv = dir.path().join("grid.tsv");
/// let schema = Schema::new(vec![Column::f64("tau"), Column::string("note", 1)])?;
/// let mut writer = TsvWriter::create(&tsv, &schema)?;
/// writer.write_row(&[Value::F64(0.5), Value::from("converged")])?;
/// writer.finish()?;
/// let fits = dir.path().join("grid.fits");
/// assert_eq!(convert_tsv(&tsv, &fits, TableFormat::Fits)?, 1);
/// assert_eq!(read_table(&fits)?.rows, vec![vec![Value::F64(0.5), Value::from("converged")]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn convert_tsv(
    tsv_path: impl AsRef<Path>,
    out_path: impl AsRef<Path>,
    format: TableFormat,
) -> Result<u64, IoError> {
    let tsv_path = tsv_path.as_ref();
    let mut widths = vec![0usize; TsvReader::open(tsv_path)?.schema().columns().len()];
    for row in TsvReader::open(tsv_path)? {
        for (width, value) in widths.iter_mut().zip(row?) {
            if let Value::Str(text) = value {
                *width = (*width).max(text.len());
            }
        }
    }
    let reader = TsvReader::open(tsv_path)?;
    let mut columns = reader.schema().columns().to_vec();
    for (column, width) in columns.iter_mut().zip(widths) {
        if column.datatype == DataType::Str {
            column.width_bytes = Some(width.max(1));
        }
    }
    let mut schema = Schema::new(columns)?;
    if let Some(name) = reader.schema().table_name() {
        schema = schema.with_table_name(name)?;
    }
    for param in reader.schema().params() {
        schema = schema.with_param(&param.name, param.value.clone(), param.unit.as_deref())?;
    }
    let mut writer = create_table_writer(out_path, format, &schema)?;
    for row in reader {
        writer.write_row(&row?)?;
    }
    writer.finish()?;
    Ok(writer.rows_written())
}
