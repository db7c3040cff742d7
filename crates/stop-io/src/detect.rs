//! Reading a file whole (gunzipping it if it starts with the gzip magic) and telling FITS,
//! VOTable and delimited text apart by their first bytes.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use crate::IoError;

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// Starts with the FITS `SIMPLE  =` card.
    Fits,
    /// XML whose root is (presumably) a VOTable.
    VoTable,
    /// Anything else: read as delimited text.
    Text,
}

/// Reads `path`; gzip-compressed content (`.fits.gz`, `.tsv.gz`) is decompressed.
pub(crate) fn read_maybe_gzip(path: &Path) -> Result<Vec<u8>, IoError> {
    let bytes = std::fs::read(path).map_err(|e| IoError::io(path, e))?;
    maybe_gunzip(path, bytes)
}

/// Decompresses content that starts with the gzip magic; `path` names the source in errors.
pub(crate) fn maybe_gunzip(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, IoError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .map_err(|e| IoError::io(path, e))?;
        return Ok(out);
    }
    Ok(bytes)
}

/// Classifies file content.
pub(crate) fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(b"SIMPLE  =") {
        return Sniffed::Fits;
    }
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let trimmed = start.trim_ascii_start();
    if trimmed.starts_with(b"<?xml") || trimmed.starts_with(b"<VOTABLE") || trimmed.starts_with(b"<!--") {
        return Sniffed::VoTable;
    }
    Sniffed::Text
}

/// The content as text: a leading byte-order mark dropped, bytes that are not UTF-8 (a
/// Latin-1 `°` or `é` in a column name) replaced by U+FFFD rather than refused, since the
/// numbers that matter are ASCII.
pub(crate) fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
}
