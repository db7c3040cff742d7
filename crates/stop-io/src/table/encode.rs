//! Rows turned into a table file's bytes away from its writer: a [`RowEncoder`] (from
//! [`TableWriter::row_encoder`](super::TableWriter::row_encoder)) is `Send + Sync`, so worker
//! threads can encode their rows in parallel and hand the bytes to
//! [`TableWriter::write_encoded`](super::TableWriter::write_encoded), which only copies them.
//! The writers' own `write_row` goes through the same encoder, so both paths give the same
//! bytes.

use std::path::{Path, PathBuf};

use super::{Schema, Value, check_row};
use crate::IoError;

/// The on-disk layout a [`RowEncoder`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Layout {
    /// One tab-separated line per row.
    Tsv,
    /// Fixed-width big-endian cells; the width in bytes of each column.
    Fits(Vec<usize>),
    /// One `<TR>` element per row.
    VoTable,
}

/// Encodes rows into the bytes one table file holds for them (see the module docs).
///
/// ```
/// use stop_io::{Column, Schema, TableWriter, TsvWriter, Value};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("grid.tsv");
/// let schema = Schema::new(vec![Column::i64("model"), Column::f64("tkin_k")])?;
/// let mut writer = TsvWriter::create(&path, &schema)?;
/// let encoder = writer.row_encoder();
/// let mut bytes = Vec::new();
/// for (i, t) in [10.0, 20.0].into_iter().enumerate() {
///     encoder.encode(i as u64, &[Value::I64(i as i64 + 1), Value::F64(t)], &mut bytes)?;
/// }
/// writer.write_encoded(&bytes, 2)?;
/// writer.finish()?;
/// assert!(std::fs::read_to_string(&path)?.ends_with("model\ttkin_k\n1\t10.0\n2\t20.0\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RowEncoder {
    path: PathBuf,
    schema: Schema,
    layout: Layout,
}

impl RowEncoder {
    /// A TSV encoder (see [`super::TsvWriter`]).
    pub(crate) fn tsv(path: &Path, schema: &Schema) -> Self {
        Self::new(path, schema, Layout::Tsv)
    }

    /// A FITS binary-table encoder with the given cell widths in bytes.
    pub(crate) fn fits(path: &Path, schema: &Schema, widths: Vec<usize>) -> Self {
        Self::new(path, schema, Layout::Fits(widths))
    }

    /// A VOTable TABLEDATA encoder.
    pub(crate) fn votable(path: &Path, schema: &Schema) -> Self {
        Self::new(path, schema, Layout::VoTable)
    }

    fn new(path: &Path, schema: &Schema, layout: Layout) -> Self {
        RowEncoder {
            path: path.to_path_buf(),
            schema: schema.clone(),
            layout,
        }
    }

    /// Appends the bytes of `row` to `out`; `row_index` (0-based position in the file) only
    /// names the row in errors. On error `out` is left as it was.
    ///
    /// # Errors
    /// [`IoError::RowLength`], [`IoError::TypeMismatch`] for a row that does not fit the
    /// schema, [`IoError::BadString`] for a string the format cannot hold.
    pub fn encode(&self, row_index: u64, row: &[Value], out: &mut Vec<u8>) -> Result<(), IoError> {
        check_row(&self.path, &self.schema, row_index, row)?;
        let start = out.len();
        let result = match &self.layout {
            Layout::Tsv => {
                super::tsv_write::encode_row(row, out);
                Ok(())
            }
            Layout::Fits(widths) => {
                crate::fits::encode_row(&self.path, &self.schema, widths, row_index, row, out)
            }
            Layout::VoTable => crate::votable::encode_row(&self.path, &self.schema, row_index, row, out),
        };
        if result.is_err() {
            out.truncate(start);
        }
        result
    }
}
