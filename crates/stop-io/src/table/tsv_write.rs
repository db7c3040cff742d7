//! Streaming TSV writer, and the appender that resumes an interrupted file.
//!
//! Layout (every header line but the names line starts with `#`, so `pandas`, `numpy` and
//! astropy skip them as comments):
//!
//! ```text
//! # table<TAB>lvg_grid                         (only when the schema has a name)
//! # param<TAB>rest_freq_hz<TAB>f64<TAB>115271201800.0<TAB>Hz    (one per parameter)
//! # unit<TAB>K<TAB>
//! # type<TAB>f64<TAB>i64
//! tkin_k<TAB>iterations
//! 20.0<TAB>12
//! ```
//!
//! Floats are the shortest text that parses back to the same bits (`1e-7`, `NaN`, `inf`).
//! In strings, tab, newline, carriage return and backslash are written `\t`, `\n`, `\r`, `\\`,
//! and a leading `#` as `\#`.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::schema::format_f64;
use super::{RowEncoder, Schema, TableWriter, Value, push_f64};
use crate::IoError;

/// Escapes a string for one TSV cell.
pub(crate) fn escape_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.starts_with('#') {
        out.push('\\');
    }
    for ch in text.chars() {
        match ch {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            _ => out.push(ch),
        }
    }
    out
}

/// Appends one row as a TSV line (with its newline); the row was checked against the schema.
pub(crate) fn encode_row(row: &[Value], out: &mut Vec<u8>) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match value {
            Value::F64(x) => push_f64(out, *x),
            Value::I64(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Str(s) => out.extend_from_slice(escape_cell(s).as_bytes()),
        }
    }
    out.push(b'\n');
}

/// Text of one cell.
fn format_value(value: &Value) -> String {
    match value {
        Value::F64(x) => format_f64(*x),
        Value::I64(i) => i.to_string(),
        Value::Str(s) => escape_cell(s),
    }
}

/// The header lines the schema produces, each without its newline.
pub(crate) fn header_lines(schema: &Schema) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(name) = schema.table_name() {
        lines.push(format!("# table\t{}", escape_cell(name)));
    }
    for param in schema.params() {
        lines.push(format!(
            "# param\t{}\t{}\t{}\t{}",
            escape_cell(&param.name),
            param.value.datatype(),
            format_value(&param.value),
            param.unit.as_deref().unwrap_or("")
        ));
    }
    let units: Vec<&str> = schema
        .columns()
        .iter()
        .map(|c| c.unit.as_deref().unwrap_or(""))
        .collect();
    lines.push(format!("# unit\t{}", units.join("\t")));
    let types: Vec<&str> = schema.columns().iter().map(|c| c.datatype.as_str()).collect();
    lines.push(format!("# type\t{}", types.join("\t")));
    let names: Vec<&str> = schema.columns().iter().map(|c| c.name.as_str()).collect();
    lines.push(names.join("\t"));
    lines
}

/// Streaming TSV table writer; see the module docs for the layout.
#[derive(Debug)]
pub struct TsvWriter {
    path: PathBuf,
    schema: Schema,
    out: Option<BufWriter<File>>,
    rows: u64,
    encoder: RowEncoder,
    row_buffer: Vec<u8>,
}

impl TsvWriter {
    /// Creates (or truncates) `path` and writes the header.
    pub fn create(path: impl AsRef<Path>, schema: &Schema) -> Result<TsvWriter, IoError> {
        let path = path.as_ref();
        let file = File::create(path).map_err(|e| IoError::io(path, e))?;
        let mut writer = TsvWriter {
            path: path.to_path_buf(),
            schema: schema.clone(),
            out: Some(BufWriter::new(file)),
            rows: 0,
            encoder: RowEncoder::tsv(path, schema),
            row_buffer: Vec::new(),
        };
        writer.write_header()?;
        Ok(writer)
    }

    /// Reopens an existing TSV written with the same schema, to append after its last row.
    ///
    /// Checks the header line by line against the schema's ([`IoError::HeaderMismatch`] names
    /// the line), counts the complete rows (each must have one field per column), cuts off a
    /// torn last line (a line without its newline, left by an interrupted write), and returns
    /// a writer whose [`rows_written`](TableWriter::rows_written) is that count. An empty file
    /// gets a fresh header.
    ///
    /// ```
    /// use stop_io::{Column, Schema, TableWriter, TsvWriter, Value};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("grid.tsv");
    /// let schema = Schema::new(vec![Column::f64("x")])?;
    /// let mut writer = TsvWriter::create(&path, &schema)?;
    /// writer.write_row(&[Value::F64(1.0)])?;
    /// writer.finish()?;
    /// std::fs::OpenOptions::new().append(true).open(&path)?.write_all(b"2.5")?; // torn row
    /// # use std::io::Write;
    /// let mut resumed = TsvWriter::resume(&path, &schema)?;
    /// assert_eq!(resumed.rows_written(), 1);
    /// resumed.write_row(&[Value::F64(3.0)])?;
    /// resumed.finish()?;
    /// assert!(std::fs::read_to_string(&path)?.ends_with("x\n1.0\n3.0\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resume(path: impl AsRef<Path>, schema: &Schema) -> Result<TsvWriter, IoError> {
        let path = path.as_ref();
        let io = |e| IoError::io(path, e);
        let file = OpenOptions::new().read(true).write(true).open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        if file_len == 0 {
            let mut writer = TsvWriter {
                path: path.to_path_buf(),
                schema: schema.clone(),
                out: Some(BufWriter::new(file)),
                rows: 0,
                encoder: RowEncoder::tsv(path, schema),
                row_buffer: Vec::new(),
            };
            writer.write_header()?;
            return Ok(writer);
        }
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        let mut offset: u64 = 0;
        let header = header_lines(schema);
        for (i, expected) in header.iter().enumerate() {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(io)?;
            let found = String::from_utf8_lossy(&line);
            if found.strip_suffix('\n') != Some(expected.as_str()) {
                return Err(IoError::HeaderMismatch {
                    path: path.to_path_buf(),
                    line: i + 1,
                    expected: expected.clone(),
                    found: found.trim_end_matches('\n').to_owned(),
                });
            }
            offset += n as u64;
        }
        let n_columns = schema.columns().len();
        let mut rows: u64 = 0;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(io)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break;
            }
            let fields = line.iter().filter(|&&b| b == b'\t').count() + 1;
            if fields != n_columns {
                return Err(IoError::FieldCount {
                    path: path.to_path_buf(),
                    line: header.len() + rows as usize + 1,
                    expected: n_columns,
                    found: fields,
                });
            }
            offset += n as u64;
            rows += 1;
        }
        let mut file = reader.into_inner();
        file.set_len(offset).map_err(io)?;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        Ok(TsvWriter {
            path: path.to_path_buf(),
            schema: schema.clone(),
            out: Some(BufWriter::new(file)),
            rows,
            encoder: RowEncoder::tsv(path, schema),
            row_buffer: Vec::new(),
        })
    }

    /// [`resume`](Self::resume)s `path` if it exists, [`create`](Self::create)s it otherwise:
    /// the one call a restartable grid run needs.
    ///
    /// ```
    /// use stop_io::{Column, Schema, TableWriter, TsvWriter, Value};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("grid.tsv");
    /// let schema = Schema::new(vec![Column::i64("model")])?;
    /// for run in 0..2 {
    ///     let mut writer = TsvWriter::resume_or_create(&path, &schema)?;
    ///     assert_eq!(writer.rows_written(), run);
    ///     writer.write_row(&[Value::I64(run as i64)])?;
    ///     writer.finish()?;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resume_or_create(path: impl AsRef<Path>, schema: &Schema) -> Result<TsvWriter, IoError> {
        let path = path.as_ref();
        if path.try_exists().map_err(|e| IoError::io(path, e))? {
            TsvWriter::resume(path, schema)
        } else {
            TsvWriter::create(path, schema)
        }
    }

    fn write_header(&mut self) -> Result<(), IoError> {
        let mut text = header_lines(&self.schema).join("\n");
        text.push('\n');
        self.write_text(&text)
    }

    fn write_text(&mut self, text: &str) -> Result<(), IoError> {
        self.write_bytes(text.as_bytes())
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), IoError> {
        let out = self.out.as_mut().ok_or_else(|| IoError::WriterFinished {
            path: self.path.clone(),
        })?;
        out.write_all(bytes).map_err(|e| IoError::io(&self.path, e))
    }
}

impl TableWriter for TsvWriter {
    fn write_row(&mut self, row: &[Value]) -> Result<(), IoError> {
        let mut line = std::mem::take(&mut self.row_buffer);
        line.clear();
        let result = self
            .encoder
            .encode(self.rows, row, &mut line)
            .and_then(|()| self.write_bytes(&line));
        self.row_buffer = line;
        result?;
        self.rows += 1;
        Ok(())
    }

    fn row_encoder(&self) -> RowEncoder {
        self.encoder.clone()
    }

    fn write_encoded(&mut self, bytes: &[u8], rows: u64) -> Result<(), IoError> {
        self.write_bytes(bytes)?;
        self.rows += rows;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), IoError> {
        match self.out.as_mut() {
            Some(out) => out.flush().map_err(|e| IoError::io(&self.path, e)),
            None => Ok(()),
        }
    }

    fn finish(&mut self) -> Result<(), IoError> {
        self.flush()?;
        self.out = None;
        Ok(())
    }

    fn rows_written(&self) -> u64 {
        self.rows
    }
}
