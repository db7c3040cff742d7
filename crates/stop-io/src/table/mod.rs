//! Column-typed tables: the schema, the cell values, and the streaming [`TableWriter`] with its
//! three formats (TSV, FITS binary table, VOTable 1.4 TABLEDATA).

mod encode;
mod float_text;
mod schema;
mod tsv_read;
mod tsv_stream;
mod tsv_write;

use std::path::Path;

pub use encode::RowEncoder;
pub use float_text::push_f64;
pub use schema::{Column, DataType, Param, Schema, Table, Value};
pub(crate) use tsv_read::parse_tsv_table;
pub use tsv_read::read_tsv_table;
pub use tsv_stream::{TsvReader, convert_tsv};
pub use tsv_write::TsvWriter;

use crate::IoError;
use crate::fits::FitsTableWriter;
use crate::votable::VoTableWriter;

/// A table written row by row: rows go to disk as they come, never all held in memory.
///
/// Call [`finish`](TableWriter::finish) once at the end: the FITS writer patches `NAXIS2`
/// there and the VOTable writer closes its XML elements. A writer dropped without `finish`
/// leaves a TSV file complete up to its last flushed row, and FITS and VOTable files that
/// other readers reject until [`resume_or_create_table_writer`] reopens and finishes them.
///
/// ```
/// use stop_io::{Column, Schema, TableWriter, TsvWriter, Value};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("grid.tsv");
/// let schema = Schema::new(vec![Column::f64("tkin_k").unit("K"), Column::i64("iterations")])?;
/// let mut writer = TsvWriter::create(&path, &schema)?;
/// writer.write_row(&[Value::F64(20.0), Value::I64(12)])?;
/// writer.finish()?;
/// assert_eq!(writer.rows_written(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait TableWriter {
    /// Appends one row; its values must match the schema's columns in number and type.
    fn write_row(&mut self, row: &[Value]) -> Result<(), IoError>;
    /// Pushes buffered rows to the operating system (a checkpoint; TSV rows are then whole lines).
    fn flush(&mut self) -> Result<(), IoError>;
    /// Completes the file. Further `write_row` calls fail; calling `finish` again does nothing.
    fn finish(&mut self) -> Result<(), IoError>;
    /// Rows in the file so far (including rows found when a file was resumed).
    fn rows_written(&self) -> u64;
    /// An encoder of rows into this file's bytes, to be used on other threads; see
    /// [`RowEncoder`].
    fn row_encoder(&self) -> RowEncoder;
    /// Appends `rows` rows that this writer's [`row_encoder`](TableWriter::row_encoder)
    /// encoded into `bytes`, in order.
    ///
    /// # Errors
    /// [`IoError::WriterFinished`] after `finish`, [`IoError::EncodedLength`] when a FITS
    /// table gets bytes that are not `rows` whole rows; I/O errors.
    fn write_encoded(&mut self, bytes: &[u8], rows: u64) -> Result<(), IoError>;
}

/// The three table formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Tab-separated text, `.tsv`.
    Tsv,
    /// FITS binary table extension, `.fits` / `.fit` / `.fts`.
    Fits,
    /// VOTable 1.4 with TABLEDATA, `.vot` / `.votable` / `.xml`.
    VoTable,
}

impl TableFormat {
    /// Picks the format from a file extension (case-insensitive); `None` if unknown.
    ///
    /// ```
    /// use stop_io::TableFormat;
    /// assert_eq!(TableFormat::from_path("out/grid.FITS"), Some(TableFormat::Fits));
    /// assert_eq!(TableFormat::from_path("grid.vot"), Some(TableFormat::VoTable));
    /// assert_eq!(TableFormat::from_path("grid.dat"), None);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Option<TableFormat> {
        let ext = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tsv" => Some(TableFormat::Tsv),
            "fits" | "fit" | "fts" => Some(TableFormat::Fits),
            "vot" | "votable" | "xml" => Some(TableFormat::VoTable),
            _ => None,
        }
    }
}

/// Creates (or truncates) `path` and returns a streaming writer of the given format.
///
/// ```
/// use stop_io::{create_table_writer, Column, Schema, TableFormat, Value};
/// let dir = tempfile::tempdir()?;
/// let schema = Schema::new(vec![Column::f64("freq_hz").unit("Hz")])?;
/// for format in [TableFormat::Tsv, TableFormat::Fits, TableFormat::VoTable] {
///     let mut writer = create_table_writer(dir.path().join("t"), format, &schema)?;
///     writer.write_row(&[Value::F64(1.0e11)])?;
///     writer.finish()?;
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn create_table_writer(
    path: impl AsRef<Path>,
    format: TableFormat,
    schema: &Schema,
) -> Result<Box<dyn TableWriter>, IoError> {
    let path = path.as_ref();
    Ok(match format {
        TableFormat::Tsv => Box::new(TsvWriter::create(path, schema)?),
        TableFormat::Fits => Box::new(FitsTableWriter::create(path, schema)?),
        TableFormat::VoTable => Box::new(VoTableWriter::create(path, schema)?),
    })
}

/// Reopens `path`, a table of the given format that a killed (or finished) run of these
/// writers left behind, to append rows after its last complete one; creates it when it does
/// not exist or is empty. The header must be the one `schema` produces.
///
/// ```
/// use stop_io::{read_table, resume_or_create_table_writer, Column, Schema, TableFormat, Value};
/// let dir = tempfile::tempdir()?;
/// let schema = Schema::new(vec![Column::i64("model")])?;
/// for format in [TableFormat::Tsv, TableFormat::Fits, TableFormat::VoTable] {
///     let path = dir.path().join(format!("grid-{format:?}"));
///     for run in 0..2 {
///         let mut writer = resume_or_create_table_writer(&path, format, &schema)?;
///         assert_eq!(writer.rows_written(), run);
///         writer.write_row(&[Value::I64(run as i64)])?;
///         writer.finish()?;
///     }
///     assert_eq!(read_table(&path)?.rows.len(), 2);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`IoError::HeaderMismatch`] when the file holds another table; I/O errors.
pub fn resume_or_create_table_writer(
    path: impl AsRef<Path>,
    format: TableFormat,
    schema: &Schema,
) -> Result<Box<dyn TableWriter>, IoError> {
    let path = path.as_ref();
    Ok(match format {
        TableFormat::Tsv => Box::new(TsvWriter::resume_or_create(path, schema)?),
        TableFormat::Fits => Box::new(FitsTableWriter::resume_or_create(path, schema)?),
        TableFormat::VoTable => Box::new(VoTableWriter::resume_or_create(path, schema)?),
    })
}

/// Reads a whole table written in any of the three formats (detected from the content).
///
/// FITS: the first binary-table HDU. VOTable: the first TABLE. TSV: this crate's layout
/// (see [`TsvWriter`]); a plain TSV with only a name line is read with types guessed per column.
/// Other text (CSV, `;`- or space-separated, header optional) is read like the spectrum
/// reader does: numeric columns as `f64`, the rest as strings.
pub fn read_table(path: impl AsRef<Path>) -> Result<Table, IoError> {
    let path = path.as_ref();
    let bytes = crate::detect::read_maybe_gzip(path)?;
    match crate::detect::sniff(&bytes) {
        crate::detect::Sniffed::Fits => crate::fits::read_fits_table_bytes(path, &bytes),
        crate::detect::Sniffed::VoTable => {
            let text = crate::detect::utf8(&bytes);
            crate::votable::parse_votable(path, &text)
        }
        crate::detect::Sniffed::Text => {
            let text = crate::detect::utf8(&bytes);
            if is_tab_separated(&text) {
                parse_tsv_table(path, &text)
            } else {
                crate::spectrum::parse_delimited(path, &text)
            }
        }
    }
}

/// Whether text is this crate's TSV layout or at least tab-separated (judged by its `# type`
/// line or its first line that is neither a comment nor blank).
pub(crate) fn is_tab_separated(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("# type\t"))
        || text
            .lines()
            .find(|l| !l.starts_with('#') && !l.trim().is_empty())
            .is_some_and(|l| l.contains('\t'))
}

/// Checks one row against the schema; shared by the three writers.
pub(crate) fn check_row(path: &Path, schema: &Schema, row_index: u64, row: &[Value]) -> Result<(), IoError> {
    let columns = schema.columns();
    if row.len() != columns.len() {
        return Err(IoError::RowLength {
            path: path.to_path_buf(),
            row: row_index,
            expected: columns.len(),
            found: row.len(),
        });
    }
    for (column, value) in columns.iter().zip(row) {
        if value.datatype() != column.datatype {
            return Err(IoError::TypeMismatch {
                path: path.to_path_buf(),
                row: row_index,
                column: column.name.clone(),
                expected: column.datatype,
                found: value.datatype(),
            });
        }
    }
    Ok(())
}
