//! The one error type of `stop-io`: every variant names the file and, where it applies, the
//! line (text formats), the HDU and keyword (FITS), the row and the column.

use std::path::{Path, PathBuf};

use crate::table::DataType;

/// Everything that can go wrong while writing or reading a STOP file.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The operating system refused a read, write, seek or open.
    #[error("{}: {source}", .path.display())]
    Io {
        /// File concerned.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A schema was built without columns.
    #[error("a table needs at least one column")]
    EmptySchema,
    /// A column, parameter or table name is empty, starts with `#` or holds control characters.
    #[error("name `{name}` is not allowed: {reason}")]
    BadName {
        /// The offending name.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Two columns share a name.
    #[error("column `{name}` appears twice")]
    DuplicateColumn {
        /// The repeated name.
        name: String,
    },
    /// A string column has no width but the format (FITS) needs one.
    #[error("{}: string column `{column}` needs a width in bytes for FITS", .path.display())]
    MissingStringWidth {
        /// File being written.
        path: PathBuf,
        /// Column name.
        column: String,
    },
    /// A row has the wrong number of values.
    #[error("{}: row {row}: expected {expected} values, found {found}", .path.display())]
    RowLength {
        /// File being written.
        path: PathBuf,
        /// 0-based row index in the table.
        row: u64,
        /// Number of columns.
        expected: usize,
        /// Number of values given.
        found: usize,
    },
    /// A value does not have the column's type.
    #[error("{}: row {row}, column `{column}`: expected {expected}, found {found}", .path.display())]
    TypeMismatch {
        /// File being written.
        path: PathBuf,
        /// 0-based row index.
        row: u64,
        /// Column name.
        column: String,
        /// Column type.
        expected: DataType,
        /// Type of the value given.
        found: DataType,
    },
    /// A string cannot be stored in this format (too long, or characters the format forbids).
    #[error("{}: row {row}, column `{column}`: string `{value}` cannot be stored: {reason}", .path.display())]
    BadString {
        /// File being written.
        path: PathBuf,
        /// 0-based row index (0 for header values).
        row: u64,
        /// Column or keyword name.
        column: String,
        /// The string.
        value: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// `write_row` was called after `finish`.
    #[error("{}: the table writer is already finished", .path.display())]
    WriterFinished {
        /// File concerned.
        path: PathBuf,
    },
    /// Encoded bytes handed to a FITS table writer are not a whole number of its rows.
    #[error("{}: {bytes} encoded bytes are not {rows} rows of {row_bytes} bytes", .path.display())]
    EncodedLength {
        /// File being written.
        path: PathBuf,
        /// Bytes given.
        bytes: usize,
        /// Rows they should hold.
        rows: u64,
        /// Bytes of one row.
        row_bytes: usize,
    },
    /// A header line of an existing file differs from the one the schema produces.
    #[error("{}:{line}: header line `{found}` does not match the schema's `{expected}`", .path.display())]
    HeaderMismatch {
        /// File being resumed.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Line the schema produces.
        expected: String,
        /// Line found in the file.
        found: String,
    },
    /// A text line has the wrong number of fields.
    #[error("{}:{line}: expected {expected} fields, found {found}", .path.display())]
    FieldCount {
        /// File read.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Fields the header (or first row) announces.
        expected: usize,
        /// Fields on this line.
        found: usize,
    },
    /// A cell that must be a number is not one.
    #[error("{}:{line}: column `{column}`: `{value}` is not a {expected}", .path.display())]
    NotANumber {
        /// File read.
        path: PathBuf,
        /// 1-based line number in text formats, 1-based row in FITS and VOTable tables.
        line: usize,
        /// Column name (or 1-based index when there is no header).
        column: String,
        /// Text found.
        value: String,
        /// `f64` or `i64`.
        expected: DataType,
    },
    /// A TSV cell holds a backslash escape other than `\t`, `\n`, `\r`, `\\`.
    #[error("{}:{line}: column `{column}`: bad escape in `{value}`", .path.display())]
    BadEscape {
        /// File read.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Column name.
        column: String,
        /// Cell text.
        value: String,
    },
    /// A text file has no header line or no data.
    #[error("{}: {what} is missing", .path.display())]
    Missing {
        /// File read.
        path: PathBuf,
        /// What was expected (`header line`, `data rows`, ...).
        what: &'static str,
    },
    /// The file is shorter than its FITS headers announce.
    #[error("{}: HDU {hdu}: file ends at byte {found_bytes}, {expected_bytes} bytes expected", .path.display())]
    FitsTruncated {
        /// File read.
        path: PathBuf,
        /// 0-based HDU index.
        hdu: usize,
        /// Bytes the headers require.
        expected_bytes: u64,
        /// Bytes present.
        found_bytes: u64,
    },
    /// A mandatory FITS keyword is absent.
    #[error("{}: HDU {hdu}: keyword `{keyword}` is missing", .path.display())]
    FitsMissingKeyword {
        /// File read.
        path: PathBuf,
        /// 0-based HDU index.
        hdu: usize,
        /// Keyword name.
        keyword: String,
    },
    /// A FITS keyword has a value of the wrong kind or out of range.
    #[error("{}: HDU {hdu}: keyword `{keyword}` = `{value}`: expected {expected}", .path.display())]
    FitsBadKeyword {
        /// File read or written.
        path: PathBuf,
        /// 0-based HDU index.
        hdu: usize,
        /// Keyword name.
        keyword: String,
        /// Value found (as text).
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A FITS feature this crate does not read (or write).
    #[error("{}: HDU {hdu}: unsupported: {what}", .path.display())]
    FitsUnsupported {
        /// File concerned.
        path: PathBuf,
        /// 0-based HDU index.
        hdu: usize,
        /// The feature.
        what: String,
    },
    /// The data array does not fit the shape given.
    #[error("{}: shape {shape:?} needs {expected} values, data has {found}", .path.display())]
    ShapeMismatch {
        /// File being written.
        path: PathBuf,
        /// Shape given (NAXIS1 first).
        shape: Vec<usize>,
        /// Product of the shape.
        expected: usize,
        /// Length of the data.
        found: usize,
    },
    /// The XML parser rejected a VOTable.
    #[error("{}:{line}: XML error: {source}", .path.display())]
    Xml {
        /// File read.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// Parser error.
        #[source]
        source: quick_xml::Error,
    },
    /// A VOTable is well-formed XML but not a table this crate reads.
    #[error("{}:{line}: VOTable: {problem}", .path.display())]
    VoTable {
        /// File read.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong (quotes the element or attribute).
        problem: String,
    },
    /// No reader recognises the file's content.
    #[error("{}: not a FITS, VOTable or delimited-text file", .path.display())]
    UnknownFormat {
        /// File read.
        path: PathBuf,
    },
    /// No column or axis of the file can serve as the spectral axis or the values.
    #[error("{}: no {wanted} column among {available:?}", .path.display())]
    ColumnNotFound {
        /// File read.
        path: PathBuf,
        /// `spectral axis` or `intensity`.
        wanted: &'static str,
        /// Column names present.
        available: Vec<String>,
    },
    /// A unit string is not one this crate converts.
    #[error("{}: column `{column}`: unit `{unit}` is not a {expected} unit", .path.display())]
    UnknownUnit {
        /// File read.
        path: PathBuf,
        /// Column or axis name.
        column: String,
        /// Unit found.
        unit: String,
        /// `frequency` or `velocity`.
        expected: &'static str,
    },
    /// The spectral axis unit cannot be decided from the file alone.
    #[error("{}: column `{column}`: no unit given; pass one in SpectrumReadOptions::axis_unit", .path.display())]
    AmbiguousAxis {
        /// File read.
        path: PathBuf,
        /// Axis column.
        column: String,
    },
    /// A spectrum's axis and value arrays differ in length, or are empty.
    #[error("{}: spectral axis has {axis_len} channels, values have {values_len}", .path.display())]
    SpectrumLength {
        /// File concerned.
        path: PathBuf,
        /// Channels on the axis.
        axis_len: usize,
        /// Number of values.
        values_len: usize,
    },
    /// A 1-D FITS spectrum needs a uniform axis; this one is not.
    #[error("{}: channel {channel} deviates from a uniform axis by {deviation_steps} steps", .path.display())]
    NonUniformAxis {
        /// File being written.
        path: PathBuf,
        /// 0-based channel.
        channel: usize,
        /// Deviation in units of the channel step.
        deviation_steps: f64,
    },
}

impl IoError {
    /// Wraps an OS error with the file it concerns.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        IoError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
