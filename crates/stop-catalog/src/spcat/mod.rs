//! SPCAT line catalogs (`c028503.cat` and the like) from CDMS and JPL: one transition per
//! line, fixed columns (Pickett 1991, J. Mol. Spectrosc. 148, 371; layout in `lte.md` §10).

mod fields;

use std::path::Path;

use serde::Serialize;

use crate::error::{CatalogError, FieldProblem};
use fields::Columns;

/// Number of quantum-number slots per state in the SPCAT layout.
pub const MAX_QUANTA: usize = 6;

/// One quantum number of a state as written in a 2-column QN field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum QuantumNumber {
    /// An integer (alphanumeric encoding decoded: `A9` = 109, `a0` = −10).
    Value(i64),
    /// A lone `+` (parity or symmetry label).
    Plus,
    /// A lone `-` (parity or symmetry label).
    Minus,
    /// Blank.
    Blank,
}

/// One transition of an SPCAT catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogLine {
    /// Rest frequency, MHz (FREQ).
    pub freq_mhz: f64,
    /// Frequency uncertainty, MHz (ERR).
    pub err_mhz: f64,
    /// log10 of the integrated intensity at 300 K, nm² MHz (LGINT).
    pub lgint: f64,
    /// Degrees of freedom of the rotational partition function (DR).
    pub dr: i64,
    /// Lower-state energy, cm⁻¹ (ELO).
    pub elo_cm1: f64,
    /// Upper-state degeneracy (GUP, alphanumeric encoding decoded).
    pub gup: u32,
    /// Species tag (absolute value of TAG).
    pub tag: u32,
    /// TAG was negative: the frequency is an experimental measurement.
    pub experimental: bool,
    /// Quantum-number format code Q·100 + H·10 + NQN (QNFMT).
    pub qnfmt: i64,
    /// Upper-state quanta (the first NQN slots).
    pub qn_up: Vec<QuantumNumber>,
    /// Lower-state quanta (the first NQN slots).
    pub qn_lo: Vec<QuantumNumber>,
    /// 1-based line number in the source.
    pub source_line: usize,
}

impl CatalogLine {
    /// Number of quanta per state, NQN = QNFMT mod 10.
    #[must_use]
    pub fn n_quanta(&self) -> usize {
        // rem_euclid(10) is in 0..10, so the cast cannot truncate
        usize::try_from(self.qnfmt.rem_euclid(10)).unwrap_or(0)
    }

    /// Quantum numbers as a short label `up - lo`, e.g. `6 1 6 0 - 5 2 3 0`.
    #[must_use]
    pub fn label(&self) -> String {
        let show = |qns: &[QuantumNumber]| {
            qns.iter()
                .map(|qn| match qn {
                    QuantumNumber::Value(v) => v.to_string(),
                    QuantumNumber::Plus => "+".to_owned(),
                    QuantumNumber::Minus => "-".to_owned(),
                    QuantumNumber::Blank => "_".to_owned(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!("{} - {}", show(&self.qn_up), show(&self.qn_lo))
    }
}

/// A parsed catalog file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalog {
    /// File name or source label (used in error messages).
    pub source: String,
    /// Transitions in file order.
    pub lines: Vec<CatalogLine>,
}

impl Catalog {
    /// The species tag of the first line (SPCAT files hold one species).
    #[must_use]
    pub fn tag(&self) -> Option<u32> {
        self.lines.first().map(|line| line.tag)
    }
}

/// Read an SPCAT `.cat` file.
///
/// # Errors
/// [`CatalogError::Io`] if the file cannot be read, else as [`parse_catalog`].
pub fn read_catalog(path: impl AsRef<Path>) -> Result<Catalog, CatalogError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Io { path: path.display().to_string(), source })?;
    let label = path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned());
    parse_catalog(&label, &text)
}

/// Parse the text of an SPCAT catalog; `source` labels error messages. Blank lines are
/// skipped; everything else must be a catalog line.
///
/// ```
/// let text = "  115271.2018  0.0005 -5.0105 2    0.0000  3 -28503 101 1           0\n";
/// let cat = stop_catalog::parse_catalog("co.cat", text).unwrap();
/// let line = &cat.lines[0];
/// assert_eq!((line.tag, line.experimental, line.gup), (28503, true, 3));
/// assert!((line.freq_mhz - 115_271.2018).abs() < 1e-9);
///
/// let err = stop_catalog::parse_catalog("co.cat", &text.replace("  3 -28503", "X9Z -28503")).unwrap_err();
/// assert_eq!(err.to_string(), "co.cat:1: GUP `X9Z` is not a number");
/// ```
///
/// # Errors
/// [`CatalogError::Field`] naming the line and field of the first bad value;
/// [`CatalogError::Empty`] if there is no line at all.
pub fn parse_catalog(source: &str, text: &str) -> Result<Catalog, CatalogError> {
    let mut lines = Vec::new();
    for (i_line, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        lines.push(parse_line(source, i_line + 1, raw)?);
    }
    if lines.is_empty() {
        return Err(CatalogError::Empty { file: source.to_owned() });
    }
    Ok(Catalog { source: source.to_owned(), lines })
}

/// Parse one catalog line (`line_no` is 1-based, for messages).
///
/// # Errors
/// [`CatalogError::Field`] naming the first bad field.
pub fn parse_line(source: &str, line_no: usize, text: &str) -> Result<CatalogLine, CatalogError> {
    let text = text.trim_end_matches(['\r', '\n']);
    let cols = Columns { file: source, line_no, text };
    if !text.is_ascii() {
        return Err(cols.error("line", text, FieldProblem::NotAscii));
    }
    let freq_mhz = cols.float("FREQ", 0, 13)?;
    let err_mhz = cols.float("ERR", 13, 21)?;
    if err_mhz < 0.0 {
        return Err(cols.error("ERR", cols.slice(13, 21), FieldProblem::WavenumberUnits));
    }
    if freq_mhz <= 0.0 {
        return Err(cols.error("FREQ", cols.slice(0, 13), FieldProblem::OutOfRange { expected: "> 0 MHz" }));
    }
    let lgint = cols.float("LGINT", 21, 29)?;
    let dr = cols.int("DR", 29, 31)?;
    let elo_cm1 = cols.float("ELO", 31, 41)?;
    let gup_raw = cols.alnum_int("GUP", 41, 44)?;
    let gup = u32::try_from(gup_raw)
        .ok()
        .filter(|&g| g > 0)
        .ok_or_else(|| cols.error("GUP", cols.slice(41, 44), FieldProblem::OutOfRange { expected: "a degeneracy > 0" }))?;
    let tag_signed = cols.int("TAG", 44, 51)?;
    let tag = u32::try_from(tag_signed.unsigned_abs())
        .ok()
        .filter(|&t| t > 0)
        .ok_or_else(|| cols.error("TAG", cols.slice(44, 51), FieldProblem::OutOfRange { expected: "a tag of 1 to 7 digits" }))?;
    let qnfmt = cols.int("QNFMT", 51, 55)?;
    let n_quanta = usize::try_from(qnfmt.rem_euclid(10)).unwrap_or(0).min(MAX_QUANTA);
    let qn_up = quanta(&cols, "QN'", 55, n_quanta)?;
    let qn_lo = quanta(&cols, "QN''", 67, n_quanta)?;
    Ok(CatalogLine { freq_mhz, err_mhz, lgint, dr, elo_cm1, gup, tag, experimental: tag_signed < 0, qnfmt, qn_up, qn_lo, source_line: line_no })
}

fn quanta(cols: &Columns<'_>, name: &str, start: usize, n_quanta: usize) -> Result<Vec<QuantumNumber>, CatalogError> {
    (0..n_quanta)
        .map(|i_qn| {
            let raw = cols.slice(start + 2 * i_qn, start + 2 * i_qn + 2);
            match raw.trim() {
                "" => Ok(QuantumNumber::Blank),
                "+" => Ok(QuantumNumber::Plus),
                "-" => Ok(QuantumNumber::Minus),
                _ => fields::decode_alnum(raw)
                    .map(QuantumNumber::Value)
                    .ok_or_else(|| cols.error(format!("{name}[{}]", i_qn + 1), raw, FieldProblem::NotANumber)),
            }
        })
        .collect()
}
