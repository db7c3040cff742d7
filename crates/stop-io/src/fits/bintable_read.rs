//! Reads the first FITS `BINTABLE` extension into a [`Table`].
//!
//! Column types: `D`, `E` → `f64`; `K`, `J`, `I`, `B` → `i64` (→ `f64` when `TSCAL`/`TZERO`
//! scale them); `A` → string (cut at the first NUL, trailing spaces dropped); `L` → string
//! `T`/`F`. Vector cells (repeat count r > 1, all vector columns sharing one r) are unrolled
//! into r rows, scalar cells of the same row repeated: the layout of one-row spectra.

use std::path::Path;

use super::card::HeaderValue;
use super::header::{Hdu, parse_hdus};
use crate::IoError;
use crate::table::{Column, DataType, Schema, Table, Value};

/// Reads the first binary table of a FITS file (gzip-compressed or not).
pub fn read_fits_table(path: impl AsRef<Path>) -> Result<Table, IoError> {
    let path = path.as_ref();
    let bytes = crate::detect::read_maybe_gzip(path)?;
    read_fits_table_bytes(path, &bytes)
}

/// Storage code of a column.
#[derive(Clone, Copy)]
enum Code {
    Logical,
    Byte,
    Short,
    Int,
    Long,
    Float,
    Double,
    Char,
}

impl Code {
    fn bytes(self) -> usize {
        match self {
            Code::Logical | Code::Byte | Code::Char => 1,
            Code::Short => 2,
            Code::Int | Code::Float => 4,
            Code::Long | Code::Double => 8,
        }
    }
}

struct ColumnLayout {
    column: Column,
    code: Code,
    repeat: usize,
    offset: usize,
    scale: Option<(f64, f64)>,
}

fn parse_tform(path: &Path, hdu: &Hdu, n: usize, tform: &str) -> Result<(usize, Code), IoError> {
    let tform = tform.trim();
    let digits = tform.bytes().take_while(u8::is_ascii_digit).count();
    let repeat = if digits == 0 {
        1
    } else {
        tform[..digits].parse().unwrap_or(usize::MAX)
    };
    let code = match tform[digits..].chars().next() {
        Some('L') => Code::Logical,
        Some('B') => Code::Byte,
        Some('I') => Code::Short,
        Some('J') => Code::Int,
        Some('K') => Code::Long,
        Some('E') => Code::Float,
        Some('D') => Code::Double,
        Some('A') => Code::Char,
        _ => {
            return Err(IoError::FitsUnsupported {
                path: path.to_path_buf(),
                hdu: hdu.index,
                what: format!("column {n} with TFORM{n} = `{tform}`"),
            });
        }
    };
    Ok((repeat, code))
}

fn layouts(path: &Path, hdu: &Hdu) -> Result<Vec<ColumnLayout>, IoError> {
    let n_fields = hdu.count(path, "TFIELDS")?;
    let mut offset = 0usize;
    let mut out = Vec::new();
    for n in 1..=n_fields {
        let tform = hdu
            .header
            .get_str(&format!("TFORM{n}"))
            .ok_or_else(|| IoError::FitsMissingKeyword {
                path: path.to_path_buf(),
                hdu: hdu.index,
                keyword: format!("TFORM{n}"),
            })?;
        let (repeat, code) = parse_tform(path, hdu, n, tform)?;
        let width = repeat.saturating_mul(code.bytes());
        let scale = match (
            hdu.header.get_f64(&format!("TSCAL{n}")),
            hdu.header.get_f64(&format!("TZERO{n}")),
        ) {
            (None, None) => None,
            (scale, zero) => Some((scale.unwrap_or(1.0), zero.unwrap_or(0.0))),
        };
        let datatype = match code {
            Code::Char | Code::Logical => DataType::Str,
            Code::Float | Code::Double => DataType::F64,
            _ if scale.is_some() => DataType::F64,
            _ => DataType::I64,
        };
        let name = hdu
            .header
            .get_str(&format!("TTYPE{n}"))
            .map_or_else(|| format!("col{n}"), str::to_owned);
        let text = |k: &str| {
            hdu.header
                .get_str(&format!("{k}{n}"))
                .map(str::to_owned)
                .filter(|s| !s.is_empty())
        };
        let column = Column {
            name,
            datatype,
            unit: text("TUNIT"),
            ucd: text("TUCD"),
            description: text("TCOMM"),
            width_bytes: matches!(code, Code::Char).then_some(repeat),
        };
        if repeat > 0 {
            out.push(ColumnLayout {
                column,
                code,
                repeat: if matches!(code, Code::Char) { 1 } else { repeat },
                offset,
                scale,
            });
        }
        offset = offset.saturating_add(width);
    }
    let row_len = hdu.count(path, "NAXIS1")?;
    if offset > row_len {
        return Err(IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu: hdu.index,
            keyword: "NAXIS1".to_owned(),
            value: row_len.to_string(),
            expected: "at least the sum of the TFORM widths",
        });
    }
    Ok(out)
}

/// Decodes element `k` of a column in one row.
fn cell(layout: &ColumnLayout, row: &[u8], k: usize) -> Value {
    let width = layout.code.bytes();
    let at = layout.offset + k * width;
    let b = &row[at..at + width];
    let int = |v: i64| match layout.scale {
        Some((scale, zero)) => Value::F64(zero + scale * v as f64),
        None => Value::I64(v),
    };
    let float = |v: f64| Value::F64(layout.scale.map_or(v, |(scale, zero)| zero + scale * v));
    match layout.code {
        Code::Logical => Value::Str(if b[0] == b'T' { "T" } else { "F" }.to_owned()),
        Code::Byte => int(i64::from(b[0])),
        Code::Short => int(i64::from(i16::from_be_bytes([b[0], b[1]]))),
        Code::Int => int(i64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))),
        Code::Long => int(i64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])),
        Code::Float => float(f64::from(f32::from_be_bytes([b[0], b[1], b[2], b[3]]))),
        Code::Double => float(f64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])),
        Code::Char => {
            let text = &row[layout.offset..layout.offset + layout.column.width_bytes.unwrap_or(0)];
            let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
            Value::Str(String::from_utf8_lossy(&text[..end]).trim_end().to_owned())
        }
    }
}

/// Whether a keyword describes the table layout rather than a parameter.
pub(crate) fn is_layout_keyword(keyword: &str) -> bool {
    const FIXED: &[&str] = &[
        "XTENSION", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "PCOUNT", "GCOUNT", "TFIELDS", "EXTNAME", "THEAP",
        "COMMENT", "HISTORY", "",
    ];
    if FIXED.contains(&keyword) {
        return true;
    }
    // TTYPEn, TFORMn, TUNITn, TSCALn, TZEROn, TNULLn, TDIMn, TCOMMn, TUCDn, ...
    let letters = keyword.trim_end_matches(|c: char| c.is_ascii_digit());
    keyword.starts_with('T') && letters.len() < keyword.len() && letters.bytes().all(|b| b.is_ascii_uppercase())
}

fn schema_of(path: &Path, hdu: &Hdu, layouts: &[ColumnLayout]) -> Result<Schema, IoError> {
    let mut schema = Schema::from_reader(path, layouts.iter().map(|l| l.column.clone()).collect())?;
    if let Some(name) = hdu.header.get_str("EXTNAME") {
        schema.set_table_name_lenient(name);
    }
    for card in hdu.header.cards.iter().filter(|c| !is_layout_keyword(&c.keyword)) {
        let value = match &card.value {
            HeaderValue::Float(x) => Value::F64(*x),
            HeaderValue::Int(i) => Value::I64(*i),
            HeaderValue::Str(s) => Value::Str(s.clone()),
            HeaderValue::Bool(b) => Value::Str(if *b { "T" } else { "F" }.to_owned()),
            HeaderValue::None => continue,
        };
        let unit = card
            .comment
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .map(|(unit, _)| unit.trim());
        schema.push_param_lenient(&card.keyword, value, unit);
    }
    Ok(schema)
}

pub(crate) fn read_fits_table_bytes(path: &Path, bytes: &[u8]) -> Result<Table, IoError> {
    let hdus = parse_hdus(path, bytes)?;
    let hdu = hdus
        .iter()
        .find(|h| h.header.get_str("XTENSION").map(str::trim) == Some("BINTABLE"))
        .ok_or_else(|| IoError::FitsUnsupported {
            path: path.to_path_buf(),
            hdu: 0,
            what: "no BINTABLE extension".to_owned(),
        })?;
    table_from_hdu(path, hdu, bytes)
}

pub(crate) fn table_from_hdu(path: &Path, hdu: &Hdu, bytes: &[u8]) -> Result<Table, IoError> {
    let layouts = layouts(path, hdu)?;
    let schema = schema_of(path, hdu, &layouts)?;
    let row_len = hdu.count(path, "NAXIS1")?;
    let n_rows = hdu.count(path, "NAXIS2")?;
    let mut repeats: Vec<usize> = layouts.iter().map(|l| l.repeat).filter(|&r| r > 1).collect();
    repeats.dedup();
    if repeats.len() > 1 {
        return Err(IoError::FitsUnsupported {
            path: path.to_path_buf(),
            hdu: hdu.index,
            what: format!("vector columns of different lengths {repeats:?}"),
        });
    }
    let unroll = repeats.first().copied().unwrap_or(1);
    let data = hdu.data(bytes);
    if row_len.checked_mul(n_rows).is_none_or(|needed| needed > data.len()) {
        return Err(IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu: hdu.index,
            keyword: "NAXIS2".to_owned(),
            value: n_rows.to_string(),
            expected: "NAXIS1 × NAXIS2 within the data size BITPIX, NAXIS, PCOUNT and GCOUNT give",
        });
    }
    // Every row occupies NAXIS1 > 0 bytes that exist in the file, so this is bounded by its size.
    let mut rows = Vec::with_capacity(n_rows.saturating_mul(unroll));
    for i_row in 0..n_rows {
        let row = &data[i_row * row_len..(i_row + 1) * row_len];
        for k in 0..unroll {
            rows.push(
                layouts
                    .iter()
                    .map(|l| cell(l, row, if l.repeat > 1 { k } else { 0 }))
                    .collect(),
            );
        }
    }
    Ok(Table { schema, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fits::card::Card;
    use crate::fits::header::header_bytes;

    /// One row holding a 4-channel spectrum as vector columns, a scaled 16-bit column and a
    /// label: the layout of single-dish archive tables.
    fn vector_table_bytes() -> Vec<u8> {
        let path = Path::new("v.fits");
        let primary = [
            Card::new("SIMPLE", HeaderValue::Bool(true)),
            Card::new("BITPIX", HeaderValue::Int(8)),
            Card::new("NAXIS", HeaderValue::Int(0)),
        ];
        let row_len = 4 * 8 + 4 * 4 + 2 + 5;
        let table = [
            Card::new("XTENSION", HeaderValue::Str("BINTABLE".into())),
            Card::new("BITPIX", HeaderValue::Int(8)),
            Card::new("NAXIS", HeaderValue::Int(2)),
            Card::new("NAXIS1", HeaderValue::Int(row_len)),
            Card::new("NAXIS2", HeaderValue::Int(1)),
            Card::new("PCOUNT", HeaderValue::Int(0)),
            Card::new("GCOUNT", HeaderValue::Int(1)),
            Card::new("TFIELDS", HeaderValue::Int(4)),
            Card::new("TTYPE1", HeaderValue::Str("FREQ".into())),
            Card::new("TFORM1", HeaderValue::Str("4D".into())),
            Card::new("TUNIT1", HeaderValue::Str("GHz".into())),
            Card::new("TTYPE2", HeaderValue::Str("FLUX".into())),
            Card::new("TFORM2", HeaderValue::Str("4E".into())),
            Card::new("TTYPE3", HeaderValue::Str("SCAN".into())),
            Card::new("TFORM3", HeaderValue::Str("1I".into())),
            Card::new("TSCAL3", HeaderValue::Float(0.5)),
            Card::new("TZERO3", HeaderValue::Float(10.0)),
            Card::new("TTYPE4", HeaderValue::Str("LABEL".into())),
            Card::new("TFORM4", HeaderValue::Str("5A".into())),
        ];
        let mut bytes = header_bytes(path, 0, &primary).expect("primary");
        bytes.extend(header_bytes(path, 1, &table).expect("table"));
        for f in [100.0f64, 100.1, 100.2, 100.3] {
            bytes.extend(f.to_be_bytes());
        }
        for v in [1.0f32, 2.0, 3.0, 4.0] {
            bytes.extend(v.to_be_bytes());
        }
        bytes.extend(4i16.to_be_bytes());
        bytes.extend(b"ab  \0");
        bytes.resize(bytes.len().div_ceil(2880) * 2880, 0);
        bytes
    }

    #[test]
    fn vector_columns_unroll_into_rows() {
        let table = read_fits_table_bytes(Path::new("v.fits"), &vector_table_bytes()).expect("reads");
        assert_eq!(table.rows.len(), 4);
        assert_eq!(table.column_f64("FREQ"), Some(vec![100.0, 100.1, 100.2, 100.3]));
        assert_eq!(table.column_f64("FLUX"), Some(vec![1.0, 2.0, 3.0, 4.0]));
        assert_eq!(
            table.rows[3][2],
            Value::F64(12.0),
            "TSCAL/TZERO applied, scalar repeated"
        );
        assert_eq!(
            table.rows[0][3],
            Value::Str("ab".into()),
            "NUL and trailing spaces dropped"
        );
        assert_eq!(table.schema.columns()[0].unit.as_deref(), Some("GHz"));
    }

    #[test]
    fn naxis2_beyond_the_file_is_an_error() {
        let mut bytes = vector_table_bytes();
        let card = format!("{:<80}", "NAXIS2  =                  999");
        let at = 2880 + 4 * 80;
        bytes[at..at + 80].copy_from_slice(card.as_bytes());
        let err = read_fits_table_bytes(Path::new("v.fits"), &bytes).expect_err("NAXIS2 too large");
        assert!(err.to_string().starts_with("v.fits: HDU 1"), "{err}");
    }
}
