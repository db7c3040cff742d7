//! Streaming VOTable writer: the header at creation, one `<TR>` per row, the closing tags at
//! `finish`.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::IoError;
use crate::table::{Column, DataType, RowEncoder, Schema, Table, TableWriter, Value, check_row, push_f64};

/// VOTable namespace (1.4 documents use the 1.3 namespace, VOTable 1.4 §1.4).
const VOTABLE_NS: &str = "http://www.ivoa.net/xml/VOTable/v1.3";

/// Escapes text for XML content (`attribute = false`) or a double-quoted attribute.
/// Returns `Err(reason)` for characters XML 1.0 cannot carry at all.
pub(crate) fn escape_xml(text: &str, attribute: bool) -> Result<String, &'static str> {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' | '\n' => out.push(ch),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                return Err("XML 1.0 cannot hold this control character");
            }
            _ => out.push(ch),
        }
    }
    Ok(out)
}

/// Appends the VOTable text of a float: `NaN`, `+Inf`, `-Inf` or the shortest round-trip
/// decimal.
fn push_double(out: &mut Vec<u8>, x: f64) {
    if x.is_infinite() {
        out.extend_from_slice(if x > 0.0 { b"+Inf" } else { b"-Inf" });
    } else {
        push_f64(out, x);
    }
}

/// VOTable text of a float (see [`push_double`]).
fn format_double(x: f64) -> String {
    let mut out = Vec::new();
    push_double(&mut out, x);
    String::from_utf8_lossy(&out).into_owned()
}

/// `datatype` (and `arraysize`) attributes for a type.
fn type_attributes(datatype: DataType) -> &'static str {
    match datatype {
        DataType::F64 => r#"datatype="double""#,
        DataType::I64 => r#"datatype="long""#,
        DataType::Str => r#"datatype="char" arraysize="*""#,
    }
}

/// Streaming VOTable 1.4 writer (one RESOURCE, one TABLE, TABLEDATA).
#[derive(Debug)]
pub struct VoTableWriter {
    path: PathBuf,
    encoder: RowEncoder,
    out: Option<BufWriter<File>>,
    rows: u64,
    row_buffer: Vec<u8>,
}

impl VoTableWriter {
    /// Creates (or truncates) `path` and writes everything up to `<TABLEDATA>`.
    ///
    /// ```
    /// use stop_io::{read_votable, Column, Schema, TableWriter, Value, VoTableWriter};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("spectrum.vot");
    /// let schema = Schema::new(vec![
    ///     Column::f64("freq_hz").unit("Hz").ucd("em.freq"),
    ///     Column::f64("intensity_k").unit("K").description("brightness temperature"),
    /// ])?;
    /// let mut writer = VoTableWriter::create(&path, &schema)?;
    /// writer.write_row(&[Value::F64(115.27e9), Value::F64(f64::NAN)])?;
    /// writer.finish()?;
    /// let table = read_votable(&path)?;
    /// assert_eq!(table.schema.columns()[0].ucd.as_deref(), Some("em.freq"));
    /// assert!(table.column_f64("intensity_k").is_some_and(|v| v[0].is_nan()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(path: impl AsRef<Path>, schema: &Schema) -> Result<VoTableWriter, IoError> {
        let path = path.as_ref();
        let header = header_text(path, schema)?;
        let file = File::create(path).map_err(|e| IoError::io(path, e))?;
        let mut writer = VoTableWriter {
            path: path.to_path_buf(),
            encoder: RowEncoder::votable(path, schema),
            out: Some(BufWriter::new(file)),
            rows: 0,
            row_buffer: Vec::new(),
        };
        writer.write_text(&header)?;
        Ok(writer)
    }

    /// Reopens a table this writer left behind (killed, or finished) to append rows: the
    /// header must be the one `schema` produces, the complete `<TR>` rows are kept, a torn
    /// last row and the closing tags are cut off (and written again by
    /// [`finish`](TableWriter::finish)).
    ///
    /// ```
    /// use stop_io::{read_votable, Column, Schema, TableWriter, Value, VoTableWriter};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("grid.vot");
    /// let schema = Schema::new(vec![Column::i64("model")])?;
    /// for run in 0..3 {
    ///     let mut writer = VoTableWriter::resume_or_create(&path, &schema)?;
    ///     assert_eq!(writer.rows_written(), run);
    ///     writer.write_row(&[Value::I64(run as i64)])?;
    ///     writer.finish()?;
    /// }
    /// assert_eq!(read_votable(&path)?.rows.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`IoError::HeaderMismatch`] when the file holds another table, [`IoError::FieldCount`]
    /// for a row with another number of cells; I/O errors.
    pub fn resume(path: impl AsRef<Path>, schema: &Schema) -> Result<VoTableWriter, IoError> {
        let path = path.as_ref();
        let io = |e| IoError::io(path, e);
        let header = header_text(path, schema)?;
        let file = OpenOptions::new().read(true).write(true).open(path).map_err(io)?;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        let mut offset = 0_u64;
        for (i, expected) in header.split_inclusive('\n').enumerate() {
            line.clear();
            offset += reader.read_until(b'\n', &mut line).map_err(io)? as u64;
            if line != expected.as_bytes() {
                return Err(IoError::HeaderMismatch {
                    path: path.to_path_buf(),
                    line: i + 1,
                    expected: expected.trim_end().to_owned(),
                    found: String::from_utf8_lossy(&line).trim_end().to_owned(),
                });
            }
        }
        let header_lines = header.lines().count();
        let n_columns = schema.columns().len();
        let mut rows = 0_u64;
        let mut lines_read = header_lines;
        // a row is complete at its `</TR>` line end (strings may hold newlines; `<` never
        // appears unescaped inside a cell)
        let mut row = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(io)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break;
            }
            row.extend_from_slice(&line);
            if !row.starts_with(b"<TR>") {
                break;
            }
            if !row.ends_with(b"</TR>\n") {
                continue;
            }
            let cells = row.windows(4).filter(|w| w == b"<TD>").count();
            if cells != n_columns {
                return Err(IoError::FieldCount {
                    path: path.to_path_buf(),
                    line: lines_read + 1,
                    expected: n_columns,
                    found: cells,
                });
            }
            lines_read += row.iter().filter(|&&b| b == b'\n').count();
            offset += row.len() as u64;
            rows += 1;
            row.clear();
        }
        let mut file = reader.into_inner();
        file.set_len(offset).map_err(io)?;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        Ok(VoTableWriter {
            path: path.to_path_buf(),
            encoder: RowEncoder::votable(path, schema),
            out: Some(BufWriter::new(file)),
            rows,
            row_buffer: Vec::new(),
        })
    }

    /// [`resume`](Self::resume)s `path` if it exists and is not empty,
    /// [`create`](Self::create)s it otherwise.
    ///
    /// # Errors
    /// As [`resume`](Self::resume) and [`create`](Self::create).
    pub fn resume_or_create(path: impl AsRef<Path>, schema: &Schema) -> Result<VoTableWriter, IoError> {
        let path = path.as_ref();
        let exists = path.try_exists().map_err(|e| IoError::io(path, e))?;
        if exists && std::fs::metadata(path).map_err(|e| IoError::io(path, e))?.len() > 0 {
            VoTableWriter::resume(path, schema)
        } else {
            VoTableWriter::create(path, schema)
        }
    }

    fn write_text(&mut self, text: &str) -> Result<(), IoError> {
        let out = self.out.as_mut().ok_or_else(|| IoError::WriterFinished {
            path: self.path.clone(),
        })?;
        out.write_all(text.as_bytes()).map_err(|e| IoError::io(&self.path, e))
    }
}

/// Escapes a header string, naming it in the error.
fn esc(path: &Path, what: &str, text: &str, attribute: bool) -> Result<String, IoError> {
    escape_xml(text, attribute).map_err(|reason| IoError::BadString {
        path: path.to_path_buf(),
        row: 0,
        column: what.to_owned(),
        value: text.to_owned(),
        reason,
    })
}

fn field_text(path: &Path, column: &Column) -> Result<String, IoError> {
    let mut text = format!(
        r#"   <FIELD name="{}" {}"#,
        esc(path, &column.name, &column.name, true)?,
        type_attributes(column.datatype)
    );
    if let Some(unit) = &column.unit {
        text.push_str(&format!(r#" unit="{}""#, esc(path, &column.name, unit, true)?));
    }
    if let Some(ucd) = &column.ucd {
        text.push_str(&format!(r#" ucd="{}""#, esc(path, &column.name, ucd, true)?));
    }
    match &column.description {
        Some(description) => text.push_str(&format!(
            ">\n    <DESCRIPTION>{}</DESCRIPTION>\n   </FIELD>\n",
            esc(path, &column.name, description, false)?
        )),
        None => text.push_str("/>\n"),
    }
    Ok(text)
}

fn header_text(path: &Path, schema: &Schema) -> Result<String, IoError> {
    let mut text = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VOTABLE version=\"1.4\" xmlns=\"{VOTABLE_NS}\">\n <RESOURCE type=\"results\">\n"
    );
    match schema.table_name() {
        Some(name) => text.push_str(&format!("  <TABLE name=\"{}\">\n", esc(path, "TABLE", name, true)?)),
        None => text.push_str("  <TABLE>\n"),
    }
    for param in schema.params() {
        let value = match &param.value {
            Value::F64(x) => format_double(*x),
            Value::I64(i) => i.to_string(),
            Value::Str(s) => esc(path, &param.name, s, true)?,
        };
        text.push_str(&format!(
            r#"   <PARAM name="{}" {} value="{value}""#,
            esc(path, &param.name, &param.name, true)?,
            type_attributes(param.value.datatype())
        ));
        if let Some(unit) = &param.unit {
            text.push_str(&format!(r#" unit="{}""#, esc(path, &param.name, unit, true)?));
        }
        text.push_str("/>\n");
    }
    for column in schema.columns() {
        text.push_str(&field_text(path, column)?);
    }
    text.push_str("   <DATA>\n    <TABLEDATA>\n");
    Ok(text)
}

/// One `<TR>` line, checked against the schema.
fn row_text(path: &Path, schema: &Schema, row_index: u64, row: &[Value]) -> Result<String, IoError> {
    check_row(path, schema, row_index, row)?;
    let mut line = Vec::new();
    encode_row(path, schema, row_index, row, &mut line)?;
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Appends one row as a `<TR>` element and its newline; the row was checked against the schema.
pub(crate) fn encode_row(
    path: &Path,
    schema: &Schema,
    row_index: u64,
    row: &[Value],
    out: &mut Vec<u8>,
) -> Result<(), IoError> {
    out.extend_from_slice(b"<TR>");
    for (value, column) in row.iter().zip(schema.columns()) {
        out.extend_from_slice(b"<TD>");
        match value {
            Value::F64(x) => push_double(out, *x),
            Value::I64(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Str(s) => out.extend_from_slice(
                escape_xml(s, false)
                    .map_err(|reason| IoError::BadString {
                        path: path.to_path_buf(),
                        row: row_index,
                        column: column.name.clone(),
                        value: s.clone(),
                        reason,
                    })?
                    .as_bytes(),
            ),
        }
        out.extend_from_slice(b"</TD>");
    }
    out.extend_from_slice(b"</TR>\n");
    Ok(())
}

/// Closing tags after the last row.
const FOOTER: &str = "    </TABLEDATA>\n   </DATA>\n  </TABLE>\n </RESOURCE>\n</VOTABLE>\n";

/// A whole table as a VOTable document in memory (for a SAMP message or an HTTP response).
/// Errors name the file as `<memory>`.
///
/// ```
/// use stop_io::{parse_votable, votable_string, Column, Schema, Table, Value};
/// let table = Table {
///     schema: Schema::new(vec![Column::f64("freq_hz").unit("Hz")])?,
///     rows: vec![vec![Value::F64(1e11)]],
/// };
/// let xml = votable_string(&table)?;
/// assert_eq!(parse_votable("<memory>".as_ref(), &xml)?, table);
/// # Ok::<(), stop_io::IoError>(())
/// ```
pub fn votable_string(table: &Table) -> Result<String, IoError> {
    let path = Path::new("<memory>");
    let mut text = header_text(path, &table.schema)?;
    for (i, row) in table.rows.iter().enumerate() {
        text.push_str(&row_text(path, &table.schema, i as u64, row)?);
    }
    text.push_str(FOOTER);
    Ok(text)
}

impl TableWriter for VoTableWriter {
    fn write_row(&mut self, row: &[Value]) -> Result<(), IoError> {
        let mut line = std::mem::take(&mut self.row_buffer);
        line.clear();
        let result = self
            .encoder
            .encode(self.rows, row, &mut line)
            .and_then(|()| self.write_encoded(&line, 1));
        self.row_buffer = line;
        result
    }

    fn row_encoder(&self) -> RowEncoder {
        self.encoder.clone()
    }

    fn write_encoded(&mut self, bytes: &[u8], rows: u64) -> Result<(), IoError> {
        let out = self.out.as_mut().ok_or_else(|| IoError::WriterFinished {
            path: self.path.clone(),
        })?;
        out.write_all(bytes).map_err(|e| IoError::io(&self.path, e))?;
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
        if self.out.is_none() {
            return Ok(());
        }
        self.write_text(FOOTER)?;
        self.flush()?;
        self.out = None;
        Ok(())
    }

    fn rows_written(&self) -> u64 {
        self.rows
    }
}
