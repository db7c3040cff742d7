//! A parsed FITS header, and the walk over the HDUs of a file held in memory.

use std::path::Path;

use super::card::{BLOCK_LEN, CARD_LEN, Card, HeaderValue, format_card, join_continued, parse_card};
use crate::IoError;

/// The cards of one HDU header, in file order (without `END`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    /// The cards.
    pub cards: Vec<Card>,
}

impl Header {
    /// The value of the first card with this keyword.
    pub fn get(&self, keyword: &str) -> Option<&HeaderValue> {
        self.cards.iter().find(|c| c.keyword == keyword).map(|c| &c.value)
    }

    /// A numeric value (integer or real) as `f64`.
    ///
    /// ```
    /// use stop_io::{Card, Header, HeaderValue};
    /// let header = Header { cards: vec![Card::new("NAXIS1", HeaderValue::Int(4))] };
    /// assert_eq!(header.get_f64("NAXIS1"), Some(4.0));
    /// ```
    pub fn get_f64(&self, keyword: &str) -> Option<f64> {
        match self.get(keyword)? {
            HeaderValue::Float(x) => Some(*x),
            // Header integers are small (axis lengths, counts); the conversion is exact.
            HeaderValue::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    /// An integer value.
    pub fn get_i64(&self, keyword: &str) -> Option<i64> {
        match self.get(keyword)? {
            HeaderValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A string value.
    pub fn get_str(&self, keyword: &str) -> Option<&str> {
        match self.get(keyword)? {
            HeaderValue::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Formats cards plus `END` into whole 2880-byte blocks.
pub(crate) fn header_bytes(path: &Path, hdu: usize, cards: &[Card]) -> Result<Vec<u8>, IoError> {
    let mut out = Vec::with_capacity((cards.len() + 1) * CARD_LEN);
    for card in cards {
        let text = format_card(card).map_err(|expected| IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu,
            keyword: card.keyword.clone(),
            value: card.value.to_string(),
            expected,
        })?;
        out.extend_from_slice(text.as_bytes());
    }
    out.extend_from_slice(format!("{:<80}", "END").as_bytes());
    out.resize(out.len().div_ceil(BLOCK_LEN) * BLOCK_LEN, b' ');
    Ok(out)
}

/// One HDU located in the file bytes.
#[derive(Debug)]
pub(crate) struct Hdu {
    /// 0-based index.
    pub index: usize,
    /// Parsed header.
    pub header: Header,
    /// Offset of the data.
    pub data_start: usize,
    /// Data length in bytes, padding excluded.
    pub data_len: usize,
}

impl Hdu {
    /// A required integer keyword.
    pub(crate) fn int(&self, path: &Path, keyword: &str) -> Result<i64, IoError> {
        match self.header.get(keyword) {
            Some(HeaderValue::Int(i)) => Ok(*i),
            Some(other) => Err(IoError::FitsBadKeyword {
                path: path.to_path_buf(),
                hdu: self.index,
                keyword: keyword.to_owned(),
                value: other.to_string(),
                expected: "an integer",
            }),
            None => Err(IoError::FitsMissingKeyword {
                path: path.to_path_buf(),
                hdu: self.index,
                keyword: keyword.to_owned(),
            }),
        }
    }

    /// A required non-negative integer keyword (axis lengths, counts).
    pub(crate) fn count(&self, path: &Path, keyword: &str) -> Result<usize, IoError> {
        let value = self.int(path, keyword)?;
        usize::try_from(value).map_err(|_| IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu: self.index,
            keyword: keyword.to_owned(),
            value: value.to_string(),
            expected: "a non-negative integer",
        })
    }

    /// `NAXIS1..NAXISn`.
    pub(crate) fn shape(&self, path: &Path) -> Result<Vec<usize>, IoError> {
        let naxis = self.count(path, "NAXIS")?;
        (1..=naxis).map(|i| self.count(path, &format!("NAXIS{i}"))).collect()
    }

    /// The data bytes (padding excluded).
    pub(crate) fn data<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        &bytes[self.data_start..self.data_start + self.data_len]
    }
}

/// Data size in bytes announced by a header (FITS 4.0 eq. 1 and 2).
fn data_len(path: &Path, hdu: &Hdu) -> Result<usize, IoError> {
    let bitpix = hdu.int(path, "BITPIX")?;
    if ![8, 16, 32, 64, -32, -64].contains(&bitpix) {
        return Err(IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu: hdu.index,
            keyword: "BITPIX".to_owned(),
            value: bitpix.to_string(),
            expected: "one of 8, 16, 32, 64, -32, -64",
        });
    }
    let shape = hdu.shape(path)?;
    if shape.is_empty() {
        return Ok(0);
    }
    let pcount = if hdu.header.get("PCOUNT").is_some() {
        hdu.count(path, "PCOUNT")?
    } else {
        0
    };
    let gcount = if hdu.header.get("GCOUNT").is_some() {
        hdu.count(path, "GCOUNT")?
    } else {
        1
    };
    let elements = shape.iter().try_fold(1usize, |acc, &n| acc.checked_mul(n));
    let bytes_per = bitpix.unsigned_abs() as usize / 8;
    elements
        .and_then(|e| e.checked_add(pcount))
        .and_then(|e| e.checked_mul(gcount))
        .and_then(|e| e.checked_mul(bytes_per))
        .ok_or_else(|| IoError::FitsBadKeyword {
            path: path.to_path_buf(),
            hdu: hdu.index,
            keyword: "NAXIS".to_owned(),
            value: format!("{shape:?}"),
            expected: "a data size that fits in memory",
        })
}

/// Splits a FITS file into HDUs. Bytes after the last complete HDU that do not start a new
/// `XTENSION` header are ignored (some writers leave padding or junk there).
pub(crate) fn parse_hdus(path: &Path, bytes: &[u8]) -> Result<Vec<Hdu>, IoError> {
    let mut hdus = Vec::new();
    let mut offset = 0usize;
    while offset < bytes.len() {
        let index = hdus.len();
        if index > 0 && !bytes[offset..].starts_with(b"XTENSION") {
            break;
        }
        let mut cards = Vec::new();
        let mut ended = false;
        while !ended {
            let block = bytes.get(offset..offset + BLOCK_LEN).ok_or(IoError::FitsTruncated {
                path: path.to_path_buf(),
                hdu: index,
                expected_bytes: (offset + BLOCK_LEN) as u64,
                found_bytes: bytes.len() as u64,
            })?;
            offset += BLOCK_LEN;
            for raw in block.chunks_exact(CARD_LEN) {
                let card = parse_card(raw);
                if card.keyword == "END" {
                    ended = true;
                    break;
                }
                if !(card.keyword.is_empty() && card.comment.is_empty()) {
                    cards.push(card);
                }
            }
        }
        let mut hdu = Hdu {
            index,
            header: Header {
                cards: join_continued(cards),
            },
            data_start: offset,
            data_len: 0,
        };
        hdu.data_len = data_len(path, &hdu)?;
        let data_end = offset.checked_add(hdu.data_len).filter(|&end| end <= bytes.len());
        if data_end.is_none() {
            return Err(IoError::FitsTruncated {
                path: path.to_path_buf(),
                hdu: index,
                expected_bytes: (offset as u64).saturating_add(hdu.data_len as u64),
                found_bytes: bytes.len() as u64,
            });
        }
        offset += hdu.data_len.div_ceil(BLOCK_LEN) * BLOCK_LEN;
        hdus.push(hdu);
    }
    Ok(hdus)
}
