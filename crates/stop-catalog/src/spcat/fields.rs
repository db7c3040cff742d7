//! Fixed-column field access and the SPCAT alphanumeric integer encoding
//! (`lte.md` §10: `A9` = 109, `B05` = 1105, `a0` = −10, `b1` = −21).

use crate::error::{CatalogError, FieldProblem};

/// One catalog line being parsed: its text and where it came from.
pub(crate) struct Columns<'a> {
    pub file: &'a str,
    pub line_no: usize,
    pub text: &'a str,
}

impl<'a> Columns<'a> {
    /// The columns `[start, end)` (0-based bytes); shorter lines give the part that
    /// exists, possibly empty (trailing blanks are often stripped).
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        let len = self.text.len();
        // the caller has checked that the line is ASCII, so any byte index is a char boundary
        self.text.get(start.min(len)..end.min(len)).unwrap_or("")
    }

    pub fn error(&self, field: impl Into<String>, value: &str, problem: FieldProblem) -> CatalogError {
        CatalogError::field(self.file, self.line_no, field, value, problem)
    }

    /// A required floating-point field.
    pub fn float(&self, field: &str, start: usize, end: usize) -> Result<f64, CatalogError> {
        let raw = self.slice(start, end);
        let text = raw.trim();
        if text.is_empty() {
            return Err(self.error(field, raw, FieldProblem::Missing));
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            _ => Err(self.error(field, raw, FieldProblem::NotANumber)),
        }
    }

    /// A required integer field, plain decimal.
    pub fn int(&self, field: &str, start: usize, end: usize) -> Result<i64, CatalogError> {
        let raw = self.slice(start, end);
        let text = raw.trim();
        if text.is_empty() {
            return Err(self.error(field, raw, FieldProblem::Missing));
        }
        text.parse::<i64>().map_err(|_| self.error(field, raw, FieldProblem::NotANumber))
    }

    /// A required integer field that may use the alphanumeric encoding.
    pub fn alnum_int(&self, field: &str, start: usize, end: usize) -> Result<i64, CatalogError> {
        let raw = self.slice(start, end);
        if raw.trim().is_empty() {
            return Err(self.error(field, raw, FieldProblem::Missing));
        }
        decode_alnum(raw).ok_or_else(|| self.error(field, raw, FieldProblem::NotANumber))
    }
}

/// Decode an SPCAT integer field that may start with a letter standing for its leading
/// digits: upper case A–Z = 10–35, lower case a–z = −1 … −26 (negative values), the rest
/// decimal digits. Leading blanks are allowed; `None` for anything else.
///
/// ```text
/// "A9" → 109, "A95" → 1095, "B05" → 1105, "a0" → −10, "b1" → −21, "-7" → −7, " 42" → 42
/// ```
pub(crate) fn decode_alnum(raw: &str) -> Option<i64> {
    let text = raw.trim_start();
    let mut chars = text.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = 10_i64.checked_pow(u32::try_from(rest.len()).ok()?)?;
    let tail: i64 = if rest.is_empty() { 0 } else { rest.parse().ok()? };
    let lead = match first {
        'A'..='Z' => i64::from(u32::from(first) - u32::from('A')) + 10,
        'a'..='z' => -(i64::from(u32::from(first) - u32::from('a')) + 1),
        '0'..='9' | '-' | '+' => return text.trim_end().parse().ok(),
        _ => return None,
    };
    if lead < 0 { lead.checked_mul(scale)?.checked_sub(tail) } else { lead.checked_mul(scale)?.checked_add(tail) }
}

#[cfg(test)]
mod tests {
    use super::decode_alnum;

    #[test]
    fn alphanumeric_encodings_of_lte_md_section_10() {
        for (text, value) in [("A9", 109), ("A95", 1095), ("A85", 1085), ("B05", 1105), ("a0", -10), ("b1", -21), ("-7", -7), (" 42", 42), ("Z9", 359), ("A", 10)] {
            assert_eq!(decode_alnum(text), Some(value), "{text}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for text in ["", "  ", "-", "+", "AA", "1A", "x-1", "é1"] {
            assert_eq!(decode_alnum(text), None, "{text:?}");
        }
    }
}
