//! A minimal reader for FITS binary tables (Pence et al. 2010, A&A 524, A42,
//! 2010A&A...524A..42P; FITS standard 4.0 §7.3), enough for LIME's grid file.
//!
//! A FITS file is a sequence of HDUs, each a header of 80-character cards in 2880-byte
//! blocks ending with `END`, followed by its data padded to 2880 bytes. A `BINTABLE`
//! stores `NAXIS2` rows of `NAXIS1` bytes, big-endian, with column `n` described by
//! `TTYPEn` (name), `TFORMn` (repeat count and type letter) and optional `TSCALn`,
//! `TZEROn` (physical = TZERO + TSCAL × stored, used for unsigned integers).

use crate::LimeError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const BLOCK: usize = 2880;
const CARD: usize = 80;

/// One HDU: its header keywords and its data bytes.
pub(crate) struct Hdu<'a> {
    cards: HashMap<String, String>,
    data: &'a [u8],
}

/// All HDUs of a FITS file held in memory.
pub(crate) struct FitsFile<'a> {
    path: PathBuf,
    hdus: Vec<Hdu<'a>>,
}

impl<'a> FitsFile<'a> {
    /// Splits `bytes` (a whole FITS file) into HDUs.
    pub(crate) fn parse(path: &Path, bytes: &'a [u8]) -> Result<Self, LimeError> {
        let mut hdus = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let mut cards = HashMap::new();
            let mut ended = false;
            while !ended {
                let block = bytes.get(pos..pos + BLOCK).ok_or(LimeError::FitsTruncated { path: path.to_path_buf(), offset: pos })?;
                pos += BLOCK;
                for card in block.chunks_exact(CARD) {
                    let keyword = String::from_utf8_lossy(&card[..8]).trim_end().to_string();
                    if keyword == "END" {
                        ended = true;
                        break;
                    }
                    if &card[8..10] == b"= " {
                        cards.insert(keyword, card_value(&String::from_utf8_lossy(&card[10..])));
                    }
                }
            }
            let hdu_len = data_len(&cards, path)?;
            let data = pos
                .checked_add(hdu_len)
                .and_then(|end| bytes.get(pos..end))
                .ok_or(LimeError::FitsTruncated { path: path.to_path_buf(), offset: pos })?;
            pos += hdu_len.div_ceil(BLOCK) * BLOCK;
            hdus.push(Hdu { cards, data });
        }
        Ok(FitsFile { path: path.to_path_buf(), hdus })
    }

    /// The primary HDU's keywords.
    pub(crate) fn primary(&self) -> Result<&Hdu<'a>, LimeError> {
        self.hdus.first().ok_or(LimeError::FitsTruncated { path: self.path.clone(), offset: 0 })
    }

    /// The extension named `extname` as a binary table.
    pub(crate) fn table(&self, extname: &str) -> Result<BinTable<'_, 'a>, LimeError> {
        let hdu = self
            .hdus
            .iter()
            .find(|h| h.cards.get("EXTNAME").is_some_and(|n| n == extname))
            .ok_or_else(|| LimeError::FitsMissingHdu { path: self.path.clone(), extname: extname.to_string() })?;
        BinTable::new(&self.path, extname, hdu)
    }

    /// The file's path, for error messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// The value part of a card: a quoted string without quotes, or the text before `/`.
fn card_value(rest: &str) -> String {
    let rest = rest.trim_start();
    if let Some(quoted) = rest.strip_prefix('\'') {
        // FITS escapes a quote inside a string by doubling it; LIME writes none.
        return quoted.split('\'').next().unwrap_or_default().trim_end().to_string();
    }
    rest.split('/').next().unwrap_or_default().trim().to_string()
}

/// A numeric keyword of a header.
fn number(cards: &HashMap<String, String>, path: &Path, keyword: &str) -> Result<f64, LimeError> {
    let text = cards.get(keyword).ok_or_else(|| LimeError::FitsKeyword {
        path: path.to_path_buf(),
        keyword: keyword.to_string(),
        found: "nothing".to_string(),
        expected: "a number",
    })?;
    text.replace('D', "E").parse().map_err(|_| LimeError::FitsKeyword {
        path: path.to_path_buf(),
        keyword: keyword.to_string(),
        found: text.clone(),
        expected: "a number",
    })
}

/// A size keyword: a non-negative integer below 2^48 (far beyond any real table).
fn size(cards: &HashMap<String, String>, path: &Path, keyword: &str) -> Result<usize, LimeError> {
    let value = number(cards, path, keyword)?;
    if value >= 0.0 && value.fract() == 0.0 && value < 2f64.powi(48) {
        Ok(value as usize)
    } else {
        Err(LimeError::FitsKeyword {
            path: path.to_path_buf(),
            keyword: keyword.to_string(),
            found: value.to_string(),
            expected: "a non-negative integer size",
        })
    }
}

/// Data bytes: |BITPIX|/8 × NAXIS1 × … × NAXISn + PCOUNT (GCOUNT = 1).
fn data_len(cards: &HashMap<String, String>, path: &Path) -> Result<usize, LimeError> {
    let naxis = size(cards, path, "NAXIS")?;
    if naxis == 0 {
        return Ok(0);
    }
    let too_big = || LimeError::FitsKeyword {
        path: path.to_path_buf(),
        keyword: "NAXISn".to_string(),
        found: "a product beyond 2^64 bytes".to_string(),
        expected: "a data size that fits in memory",
    };
    let mut len = (number(cards, path, "BITPIX")?.abs() as usize) / 8;
    for k in 1..=naxis.min(999) {
        len = len.checked_mul(size(cards, path, &format!("NAXIS{k}"))?).ok_or_else(too_big)?;
    }
    let pcount = if cards.contains_key("PCOUNT") { size(cards, path, "PCOUNT")? } else { 0 };
    len.checked_add(pcount).ok_or_else(too_big)
}

impl Hdu<'_> {
    /// A numeric keyword.
    pub(crate) fn number(&self, path: &Path, keyword: &str) -> Result<f64, LimeError> {
        number(&self.cards, path, keyword)
    }
}

/// One column's layout.
struct Column {
    offset: usize,
    kind: u8,
    scale: f64,
    zero: f64,
}

/// A binary-table HDU with its columns located.
pub(crate) struct BinTable<'h, 'a> {
    path: &'h Path,
    extname: String,
    hdu: &'h Hdu<'a>,
    row_len: usize,
    n_rows: usize,
    columns: HashMap<String, Column>,
}

impl<'h, 'a> BinTable<'h, 'a> {
    fn new(path: &'h Path, extname: &str, hdu: &'h Hdu<'a>) -> Result<Self, LimeError> {
        let row_len = size(&hdu.cards, path, "NAXIS1")?;
        let n_rows = size(&hdu.cards, path, "NAXIS2")?;
        // The standard allows at most 999 fields.
        let n_fields = size(&hdu.cards, path, "TFIELDS")?.min(999);
        let mut columns = HashMap::new();
        let mut offset: usize = 0;
        for n in 1..=n_fields {
            let form = hdu.cards.get(&format!("TFORM{n}")).cloned().unwrap_or_default();
            let digits: String = form.chars().take_while(char::is_ascii_digit).collect();
            let repeat: usize = if digits.is_empty() { 1 } else { digits.parse().unwrap_or(usize::MAX) };
            let kind = form.as_bytes().get(digits.len()).copied().unwrap_or(b'?');
            let width = match kind {
                b'L' | b'B' | b'A' => 1,
                b'I' => 2,
                b'J' | b'E' => 4,
                b'K' | b'D' | b'C' | b'P' => 8,
                b'M' | b'Q' => 16,
                b'X' => {
                    offset = offset.saturating_add(repeat.div_ceil(8));
                    continue;
                }
                _ => {
                    return Err(LimeError::FitsKeyword {
                        path: path.to_path_buf(),
                        keyword: format!("TFORM{n}"),
                        found: form,
                        expected: "a FITS binary-table format (L, X, B, I, J, K, A, E, D, C, M, P, Q)",
                    });
                }
            };
            let opt = |k: &str, default: f64| if hdu.cards.contains_key(k) { hdu.number(path, k) } else { Ok(default) };
            let end = repeat.checked_mul(width).and_then(|w| offset.checked_add(w));
            let Some(end) = end.filter(|&end| end <= row_len) else {
                return Err(LimeError::FitsKeyword {
                    path: path.to_path_buf(),
                    keyword: format!("TFORM{n}"),
                    found: form,
                    expected: "a column inside the row width NAXIS1",
                });
            };
            let column = Column { offset, kind, scale: opt(&format!("TSCAL{n}"), 1.0)?, zero: opt(&format!("TZERO{n}"), 0.0)? };
            if let Some(name) = hdu.cards.get(&format!("TTYPE{n}")) {
                columns.insert(name.clone(), column);
            }
            offset = end;
        }
        if row_len.checked_mul(n_rows).is_none_or(|len| len > hdu.data.len()) {
            return Err(LimeError::FitsTruncated { path: path.to_path_buf(), offset: hdu.data.len() });
        }
        Ok(BinTable { path, extname: extname.to_string(), hdu, row_len, n_rows, columns })
    }

    /// Number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }

    fn column(&self, name: &str) -> Result<&Column, LimeError> {
        self.columns.get(name).ok_or_else(|| LimeError::FitsMissingColumn {
            path: self.path.to_path_buf(),
            extname: self.extname.clone(),
            column: name.to_string(),
        })
    }

    /// The first element of column `name` in every row, as physical values
    /// (`TZERO + TSCAL × stored`). Logical columns give 1 for `T`, 0 otherwise.
    pub(crate) fn f64_column(&self, name: &str) -> Result<Vec<f64>, LimeError> {
        let col = self.column(name)?;
        if !b"LBIJKED".contains(&col.kind) {
            return Err(LimeError::FitsKeyword {
                path: self.path.to_path_buf(),
                keyword: format!("TFORM of {name}"),
                found: char::from(col.kind).to_string(),
                expected: "a numeric or logical column (L, B, I, J, K, E, D)",
            });
        }
        let rows = self.hdu.data.chunks_exact(self.row_len).take(self.n_rows);
        let values = rows.map(|row| {
            let b = &row[col.offset..];
            let stored = match col.kind {
                b'L' => f64::from(u8::from(b[0] == b'T')),
                b'B' => f64::from(b[0]),
                b'I' => f64::from(i16::from_be_bytes([b[0], b[1]])),
                b'J' => f64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]])),
                b'K' => i64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f64,
                b'E' => f64::from(f32::from_be_bytes([b[0], b[1], b[2], b[3]])),
                _ => f64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
            };
            if col.kind == b'L' { stored } else { col.zero + col.scale * stored }
        });
        Ok(values.collect())
    }

    /// An integer-valued column as non-negative indices.
    pub(crate) fn index_column(&self, name: &str) -> Result<Vec<usize>, LimeError> {
        let values = self.f64_column(name)?;
        values
            .iter()
            .enumerate()
            .map(|(row, &v)| {
                if v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 {
                    Ok(v as usize)
                } else {
                    Err(LimeError::FitsValue {
                        path: self.path.to_path_buf(),
                        extname: self.extname.clone(),
                        column: name.to_string(),
                        row,
                        value: v,
                        expected: "a non-negative integer index",
                    })
                }
            })
            .collect()
    }
}
