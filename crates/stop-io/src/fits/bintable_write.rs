//! Streaming FITS binary-table writer: an empty primary HDU, then a `BINTABLE` extension whose
//! rows are appended as they come; `NAXIS2` is written as 0 and patched by `finish`.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::bintable_read::is_layout_keyword;
use super::card::{BLOCK_LEN, CARD_LEN, Card, HeaderValue, format_card, is_printable_ascii};
use super::header::header_bytes;
use crate::IoError;
use crate::table::{DataType, RowEncoder, Schema, TableWriter, Value};

/// Longest `TCOMMn` text: a string card holds 68 characters, less the doubling of quotes,
/// which this limit leaves room for in ordinary descriptions.
const MAX_TCOMM_CHARS: usize = 60;

/// Bytes one cell of a column takes, and its `TFORM`.
fn tform(path: &Path, column: &crate::table::Column) -> Result<(usize, String), IoError> {
    Ok(match column.datatype {
        DataType::F64 => (8, "1D".to_owned()),
        DataType::I64 => (8, "1K".to_owned()),
        DataType::Str => {
            let width = column
                .width_bytes
                .filter(|&w| w > 0)
                .ok_or_else(|| IoError::MissingStringWidth {
                    path: path.to_path_buf(),
                    column: column.name.clone(),
                })?;
            (width, format!("{width}A"))
        }
    })
}

/// A parameter as a header value: floats, integers and strings map one to one.
fn param_card(param: &crate::table::Param) -> Card {
    let value = match &param.value {
        Value::F64(x) => HeaderValue::Float(*x),
        Value::I64(i) => HeaderValue::Int(*i),
        Value::Str(s) => HeaderValue::Str(s.clone()),
    };
    Card {
        keyword: param.name.clone(),
        value,
        comment: param.unit.as_ref().map(|u| format!("[{u}]")).unwrap_or_default(),
    }
}

/// The primary header, the `BINTABLE` header (`NAXIS2` = 0) and the byte width of each column.
type Headers = (Vec<u8>, Vec<u8>, Vec<usize>);

/// The [`Headers`] of `schema`.
fn headers(path: &Path, schema: &Schema) -> Result<Headers, IoError> {
    let mut widths = Vec::new();
    let mut cards = vec![
        Card::new("XTENSION", HeaderValue::Str("BINTABLE".to_owned())),
        Card::new("BITPIX", HeaderValue::Int(8)),
        Card::new("NAXIS", HeaderValue::Int(2)),
        Card::new("NAXIS1", HeaderValue::Int(0)),
        Card::new("NAXIS2", HeaderValue::Int(0)),
        Card::new("PCOUNT", HeaderValue::Int(0)),
        Card::new("GCOUNT", HeaderValue::Int(1)),
        Card::new("TFIELDS", HeaderValue::Int(schema.columns().len() as i64)),
    ];
    for (i, column) in schema.columns().iter().enumerate() {
        let n = i + 1;
        let (width, form) = tform(path, column)?;
        widths.push(width);
        cards.push(Card::new(&format!("TTYPE{n}"), HeaderValue::Str(column.name.clone())));
        cards.push(Card::new(&format!("TFORM{n}"), HeaderValue::Str(form)));
        if let Some(unit) = &column.unit {
            cards.push(Card::new(&format!("TUNIT{n}"), HeaderValue::Str(unit.clone())));
        }
        if let Some(ucd) = &column.ucd {
            cards.push(Card::new(&format!("TUCD{n}"), HeaderValue::Str(ucd.clone())));
        }
        if let Some(description) = &column.description {
            // A description is commentary: fitted to one card rather than refused.
            let text: String = description
                .chars()
                .map(|c| if c.is_ascii() && !c.is_ascii_control() { c } else { '?' })
                .take(MAX_TCOMM_CHARS)
                .collect();
            cards.push(Card::new(&format!("TCOMM{n}"), HeaderValue::Str(text)));
        }
    }
    cards[3].value = HeaderValue::Int(widths.iter().sum::<usize>() as i64);
    if let Some(name) = schema.table_name() {
        cards.push(Card::new("EXTNAME", HeaderValue::Str(name.to_owned())));
    }
    if let Some(param) = schema
        .params()
        .iter()
        .find(|p| is_layout_keyword(&p.name) || p.name == "END")
    {
        return Err(IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu: 1,
            keyword: param.name.clone(),
            value: format!("{:?}", param.value),
            expected: "a parameter name that is not a table-layout keyword",
        });
    }
    cards.extend(schema.params().iter().map(param_card));
    let primary = header_bytes(
        path,
        0,
        &[
            Card::new("SIMPLE", HeaderValue::Bool(true)),
            Card::new("BITPIX", HeaderValue::Int(8)),
            Card::new("NAXIS", HeaderValue::Int(0)),
            Card::new("EXTEND", HeaderValue::Bool(true)),
        ],
    )?;
    let extension = header_bytes(path, 1, &cards)?;
    Ok((primary, extension, widths))
}

/// Streaming FITS `BINTABLE` writer (columns `1D`, `1K`, `nA`; `TTYPE`, `TFORM`, `TUNIT`,
/// `TUCD`, `TCOMM`; table name as `EXTNAME`; parameters as keywords, `HIERARCH` when the
/// name is not a standard 8-character keyword, unit in the comment as `[unit]`).
///
/// Strings must be printable ASCII no longer than the column width; they are padded with NUL
/// bytes, and trailing spaces are not significant in FITS (readers drop them). Column
/// descriptions are cut to 60 characters, non-ASCII characters written as `?`.
///
/// ```
/// use stop_io::{read_fits_table, Column, FitsTableWriter, Schema, TableWriter, Value};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("grid.fits");
/// let schema = Schema::new(vec![Column::f64("tkin_k").unit("K"), Column::string("geometry", 8)])?;
/// let mut writer = FitsTableWriter::create(&path, &schema)?;
/// writer.write_row(&[Value::F64(20.0), Value::from("sphere")])?;
/// writer.finish()?;
/// let table = read_fits_table(&path)?;
/// assert_eq!(table.rows, vec![vec![Value::F64(20.0), Value::from("sphere")]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FitsTableWriter {
    path: PathBuf,
    encoder: RowEncoder,
    row_bytes: usize,
    out: Option<BufWriter<File>>,
    naxis2_offset: u64,
    data_bytes: u64,
    rows: u64,
    row_buffer: Vec<u8>,
}

/// Appends one row as fixed-width big-endian cells of `widths` bytes (strings padded with
/// NULs); the row was checked against the schema.
pub(crate) fn encode_row(
    path: &Path,
    schema: &Schema,
    widths: &[usize],
    row_index: u64,
    row: &[Value],
    out: &mut Vec<u8>,
) -> Result<(), IoError> {
    for ((value, column), &width) in row.iter().zip(schema.columns()).zip(widths) {
        match value {
            Value::F64(x) => out.extend_from_slice(&x.to_be_bytes()),
            Value::I64(i) => out.extend_from_slice(&i.to_be_bytes()),
            Value::Str(s) => {
                let reason = if !is_printable_ascii(s) {
                    Some("FITS strings hold printable ASCII only")
                } else if s.len() > width {
                    Some("longer than the column width")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    return Err(IoError::BadString {
                        path: path.to_path_buf(),
                        row: row_index,
                        column: column.name.clone(),
                        value: s.clone(),
                        reason,
                    });
                }
                out.extend_from_slice(s.as_bytes());
                out.resize(out.len() + width - s.len(), 0);
            }
        }
    }
    Ok(())
}

impl FitsTableWriter {
    /// Creates (or truncates) `path` and writes both headers.
    pub fn create(path: impl AsRef<Path>, schema: &Schema) -> Result<FitsTableWriter, IoError> {
        let path = path.as_ref();
        let (primary, extension, widths) = headers(path, schema)?;
        let io = |e| IoError::io(path, e);
        let mut out = BufWriter::new(File::create(path).map_err(io)?);
        out.write_all(&primary).map_err(io)?;
        out.write_all(&extension).map_err(io)?;
        Ok(FitsTableWriter {
            path: path.to_path_buf(),
            row_bytes: widths.iter().sum(),
            encoder: RowEncoder::fits(path, schema, widths),
            out: Some(out),
            naxis2_offset: (primary.len() + 4 * CARD_LEN) as u64,
            data_bytes: 0,
            rows: 0,
            row_buffer: Vec::new(),
        })
    }

    /// Reopens a table this writer left behind (killed, or finished) to append rows: both
    /// headers must be those `schema` produces (`NAXIS2` aside), the complete rows are kept,
    /// a torn last row and the block padding are cut off. `NAXIS2` is reset to 0 until
    /// [`finish`](TableWriter::finish).
    ///
    /// ```
    /// use stop_io::{read_fits_table, Column, FitsTableWriter, Schema, TableWriter, Value};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("grid.fits");
    /// let schema = Schema::new(vec![Column::i64("model")])?;
    /// for run in 0..3 {
    ///     let mut writer = FitsTableWriter::resume_or_create(&path, &schema)?;
    ///     assert_eq!(writer.rows_written(), run);
    ///     writer.write_row(&[Value::I64(run as i64)])?;
    ///     writer.finish()?;
    /// }
    /// assert_eq!(read_fits_table(&path)?.rows.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`IoError::HeaderMismatch`] (naming the 1-based card) when the file holds another
    /// table; I/O errors.
    pub fn resume(path: impl AsRef<Path>, schema: &Schema) -> Result<FitsTableWriter, IoError> {
        let path = path.as_ref();
        let (primary, extension, widths) = headers(path, schema)?;
        let io = |e| IoError::io(path, e);
        let mut file = OpenOptions::new().read(true).write(true).open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        let expected = [primary.as_slice(), extension.as_slice()].concat();
        let mut found = vec![0u8; expected.len().min(file_len as usize)];
        file.read_exact(&mut found).map_err(io)?;
        let naxis2_offset = primary.len() + 4 * CARD_LEN;
        let mut naxis2 = None;
        for (card, (want, got)) in expected.chunks(CARD_LEN).zip(found.chunks(CARD_LEN)).enumerate() {
            let at = card * CARD_LEN;
            if at == naxis2_offset && got.len() == CARD_LEN && got.starts_with(b"NAXIS2  = ") {
                let value = String::from_utf8_lossy(&got[10..]);
                naxis2 = value.split('/').next().and_then(|v| v.trim().parse::<u64>().ok());
                if naxis2.is_some() {
                    continue;
                }
            }
            if want != got {
                return Err(IoError::HeaderMismatch {
                    path: path.to_path_buf(),
                    line: card + 1,
                    expected: String::from_utf8_lossy(want).trim_end().to_owned(),
                    found: String::from_utf8_lossy(got).trim_end().to_owned(),
                });
            }
        }
        if found.len() < expected.len() {
            let card = found.len() / CARD_LEN;
            return Err(IoError::HeaderMismatch {
                path: path.to_path_buf(),
                line: card + 1,
                expected: String::from_utf8_lossy(&expected[card * CARD_LEN..(card + 1) * CARD_LEN]).trim_end().to_owned(),
                found: "end of file".to_owned(),
            });
        }
        let header_len = expected.len() as u64;
        let row_len = widths.iter().sum::<usize>().max(1) as u64;
        // a finished file says how many rows it holds (its padding is no row); a killed one
        // holds NAXIS2 = 0 and every complete row
        let rows = match naxis2 {
            Some(n) if n > 0 => n.min((file_len - header_len) / row_len),
            _ => (file_len - header_len) / row_len,
        };
        let data_bytes = rows * row_len;
        file.set_len(header_len + data_bytes).map_err(io)?;
        let zero = format_card(&Card::new("NAXIS2", HeaderValue::Int(0))).map_err(|expected| IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu: 1,
            keyword: "NAXIS2".to_owned(),
            value: "0".to_owned(),
            expected,
        })?;
        file.seek(SeekFrom::Start(naxis2_offset as u64)).map_err(io)?;
        file.write_all(zero.as_bytes()).map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(FitsTableWriter {
            path: path.to_path_buf(),
            row_bytes: widths.iter().sum(),
            encoder: RowEncoder::fits(path, schema, widths),
            out: Some(BufWriter::new(file)),
            naxis2_offset: naxis2_offset as u64,
            data_bytes,
            rows,
            row_buffer: Vec::new(),
        })
    }

    /// [`resume`](Self::resume)s `path` if it exists, [`create`](Self::create)s it otherwise.
    ///
    /// # Errors
    /// As [`resume`](Self::resume) and [`create`](Self::create).
    pub fn resume_or_create(path: impl AsRef<Path>, schema: &Schema) -> Result<FitsTableWriter, IoError> {
        let path = path.as_ref();
        let exists = path.try_exists().map_err(|e| IoError::io(path, e))?;
        let non_empty = exists && std::fs::metadata(path).map_err(|e| IoError::io(path, e))?.len() > 0;
        if non_empty {
            FitsTableWriter::resume(path, schema)
        } else {
            FitsTableWriter::create(path, schema)
        }
    }

    fn out(&mut self) -> Result<&mut BufWriter<File>, IoError> {
        self.out.as_mut().ok_or_else(|| IoError::WriterFinished {
            path: self.path.clone(),
        })
    }
}

impl TableWriter for FitsTableWriter {
    fn write_row(&mut self, row: &[Value]) -> Result<(), IoError> {
        let mut buffer = std::mem::take(&mut self.row_buffer);
        buffer.clear();
        let result = self
            .encoder
            .encode(self.rows, row, &mut buffer)
            .and_then(|()| self.write_encoded(&buffer, 1));
        self.row_buffer = buffer;
        result
    }

    fn row_encoder(&self) -> RowEncoder {
        self.encoder.clone()
    }

    fn write_encoded(&mut self, bytes: &[u8], rows: u64) -> Result<(), IoError> {
        if Some(bytes.len() as u64) != (self.row_bytes as u64).checked_mul(rows) {
            return Err(IoError::EncodedLength {
                path: self.path.clone(),
                bytes: bytes.len(),
                rows,
                row_bytes: self.row_bytes,
            });
        }
        let path = self.path.clone();
        self.out()?.write_all(bytes).map_err(|e| IoError::io(&path, e))?;
        self.data_bytes += bytes.len() as u64;
        self.rows += rows;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), IoError> {
        let path = self.path.clone();
        match self.out.as_mut() {
            Some(out) => out.flush().map_err(|e| IoError::io(&path, e)),
            None => Ok(()),
        }
    }

    fn finish(&mut self) -> Result<(), IoError> {
        let Some(mut out) = self.out.take() else {
            return Ok(());
        };
        let io = |e| IoError::io(&self.path, e);
        let block = BLOCK_LEN as u64;
        let padding = self.data_bytes.div_ceil(block) * block - self.data_bytes;
        out.write_all(&vec![0u8; padding as usize]).map_err(io)?;
        let naxis2 = Card::new("NAXIS2", HeaderValue::Int(self.rows as i64));
        let text = format_card(&naxis2).map_err(|expected| IoError::FitsBadKeyword {
            path: self.path.clone(),
            hdu: 1,
            keyword: "NAXIS2".to_owned(),
            value: self.rows.to_string(),
            expected,
        })?;
        out.seek(SeekFrom::Start(self.naxis2_offset)).map_err(io)?;
        out.write_all(text.as_bytes()).map_err(io)?;
        out.flush().map_err(io)
    }

    fn rows_written(&self) -> u64 {
        self.rows
    }
}
