//! Reading LAMDA files.
//!
//! Records are the non-comment lines in the order of the format; `!` lines and blank lines
//! between them are skipped (RADEX reads by position instead, which silently misreads a
//! file with one comment line more or less). Everything after the last rate line of the
//! last partner is kept as notes.

use std::path::Path;

use crate::collisions::{CollisionPartner, CollisionTransition, PartnerKind};
use crate::error::{MoleculeError, ParseError, ParseErrorKind};
use crate::molecule::{Level, Molecule, RadiativeLine};
use crate::text::{Fields, Lines, out_of_range};

/// Read a LAMDA file from disk.
///
/// # Errors
/// [`MoleculeError::Io`] if the file cannot be read, [`MoleculeError::Parse`] naming the
/// file, line and field of the first problem.
pub fn read_lamda(path: impl AsRef<Path>) -> Result<Molecule, MoleculeError> {
    let path = path.as_ref();
    let text = std::fs::read(path).map_err(|source| MoleculeError::Io { path: path.display().to_string(), source })?;
    let text = String::from_utf8_lossy(&text);
    Ok(parse_lamda(&path.display().to_string(), &text)?)
}

/// Parse LAMDA text; `source` names it in errors.
///
/// ```
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/lamda/hco+.dat")).unwrap();
/// let hco = stop_molecule::lamda::parse_lamda("hco+.dat", &text).unwrap();
/// assert_eq!((hco.n_levels(), hco.n_lines(), hco.partners.len()), (21, 20, 1));
/// let broken = text.replacen("2.975008479", "2.97x", 1);
/// let err = stop_molecule::lamda::parse_lamda("hco+.dat", &broken).unwrap_err();
/// assert!(err.to_string().starts_with("hco+.dat:9: field `energy_cm1`"), "{err}");
/// ```
///
/// # Errors
/// A [`ParseError`] naming the line and field of the first problem.
pub fn parse_lamda(source: &str, text: &str) -> Result<Molecule, ParseError> {
    let mut cursor = Lines::new(source, text);
    let (_, name) = cursor.next_data("the molecule name")?;
    let (no, line) = cursor.next_data("the molecular weight")?;
    let mut fields = Fields::new(no, line);
    let weight_amu = fields.float(&cursor, "molecular weight")?;
    if weight_amu <= 0.0 {
        return Err(cursor.error_at(no, out_of_range("molecular weight", weight_amu, "> 0")));
    }
    let levels = read_levels(&mut cursor)?;
    let lines = read_lines(&mut cursor, &levels)?;
    let (no, line) = cursor.next_data("the number of collision partners")?;
    let mut fields = Fields::new(no, line);
    let n_partners = fields.count(&cursor, "number of collision partners")?;
    fields.finish(&cursor, "the number of collision partners")?;
    let mut partners = Vec::with_capacity(n_partners.min(16));
    for _ in 0..n_partners {
        partners.push(read_partner(&mut cursor, levels.len())?);
    }
    let notes = cursor
        .rest()
        .map(|l| l.trim_start().strip_prefix('!').unwrap_or(l).trim_end().to_owned())
        .collect::<Vec<_>>();
    let notes = trim_blank_tail(notes);
    Ok(Molecule { name: name.trim().to_owned(), weight_amu, levels, lines, partners, notes })
}

fn trim_blank_tail(mut notes: Vec<String>) -> Vec<String> {
    while notes.last().is_some_and(|n| n.trim().is_empty()) {
        notes.pop();
    }
    notes
}

fn read_levels(cursor: &mut Lines<'_>) -> Result<Vec<Level>, ParseError> {
    let (no, line) = cursor.next_data("the number of energy levels")?;
    let mut fields = Fields::new(no, line);
    let n_levels = fields.count(cursor, "number of energy levels")?;
    if n_levels == 0 {
        return Err(cursor.error_at(no, out_of_range("number of energy levels", 0.0, ">= 1")));
    }
    let mut levels = Vec::with_capacity(n_levels.min(100_000));
    for i_level in 0..n_levels {
        let (no, line) = cursor.next_data(&format!("energy level {} of {n_levels}", i_level + 1))?;
        let mut fields = Fields::new(no, line);
        fields.sequence(cursor, "level number", i_level + 1)?;
        let energy_cm1 = fields.float(cursor, "energy_cm1")?;
        let weight = fields.float(cursor, "weight")?;
        if weight <= 0.0 {
            return Err(cursor.error_at(no, out_of_range("weight", weight, "> 0")));
        }
        let label = level_label(&fields.remainder());
        if label.contains('"') && label.contains('\'') {
            return Err(cursor.error_at(
                no,
                ParseErrorKind::OutOfRange {
                    field: "label".to_owned(),
                    value: label,
                    expected: "a label using at most one kind of quote character".to_owned(),
                },
            ));
        }
        levels.push(Level { energy_cm1, weight, label });
    }
    Ok(levels)
}

/// The label: a quoted label keeps its inner blanks; otherwise the remaining tokens joined.
fn level_label(tokens: &[&str]) -> String {
    let joined = tokens.join(" ");
    let t = joined.trim();
    if let Some(inner) = t.strip_prefix('"') {
        return inner.split('"').next().unwrap_or(inner).to_owned();
    }
    if let Some(inner) = t.strip_prefix('\'') {
        return inner.split('\'').next().unwrap_or(inner).to_owned();
    }
    t.to_owned()
}

fn read_lines(cursor: &mut Lines<'_>, levels: &[Level]) -> Result<Vec<RadiativeLine>, ParseError> {
    let (no, line) = cursor.next_data("the number of radiative transitions")?;
    let mut fields = Fields::new(no, line);
    let n_lines = fields.count(cursor, "number of radiative transitions")?;
    let mut lines = Vec::with_capacity(n_lines.min(1_000_000));
    for i_line in 0..n_lines {
        let (no, line) = cursor.next_data(&format!("radiative transition {} of {n_lines}", i_line + 1))?;
        let mut fields = Fields::new(no, line);
        fields.sequence(cursor, "transition number", i_line + 1)?;
        let up = fields.index(cursor, "upper level", levels.len())?;
        let lo = fields.index(cursor, "lower level", levels.len())?;
        let a_ul_s = fields.float(cursor, "einstein_a")?;
        if a_ul_s <= 0.0 {
            return Err(cursor.error_at(no, out_of_range("einstein_a", a_ul_s, "> 0")));
        }
        let freq_ghz = fields.float(cursor, "freq_ghz")?;
        if freq_ghz <= 0.0 {
            return Err(cursor.error_at(no, out_of_range("freq_ghz", freq_ghz, "> 0")));
        }
        let eup_k = fields.float(cursor, "e_up_k")?;
        fields.finish(cursor, "a radiative transition")?;
        let (e_up_cm1, e_lo_cm1) = (levels[up].energy_cm1, levels[lo].energy_cm1);
        if e_up_cm1 <= e_lo_cm1 {
            return Err(cursor.error_at(
                no,
                ParseErrorKind::UpperNotAbove { index: i_line + 1, up: up + 1, lo: lo + 1, e_up_cm1, e_lo_cm1 },
            ));
        }
        lines.push(RadiativeLine { up, lo, a_ul_s, freq_ghz, eup_k });
    }
    Ok(lines)
}

fn read_partner(cursor: &mut Lines<'_>, n_levels: usize) -> Result<CollisionPartner, ParseError> {
    let (no, line) = cursor.next_data("a collision partner line")?;
    let trimmed = line.trim_start();
    let id_text: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    let kind = id_text
        .parse::<u8>()
        .ok()
        .and_then(PartnerKind::from_lamda_id)
        .ok_or_else(|| {
            cursor.error_at(
                no,
                ParseErrorKind::UnknownPartner { value: trimmed.split_whitespace().next().unwrap_or("").to_owned() },
            )
        })?;
    let description = trimmed[id_text.len()..].trim().to_owned();

    let (no, line) = cursor.next_data("the number of collisional transitions")?;
    let mut fields = Fields::new(no, line);
    let n_trans = fields.count(cursor, "number of collisional transitions")?;
    fields.finish(cursor, "the number of collisional transitions")?;
    let (no, line) = cursor.next_data("the number of collision temperatures")?;
    let mut fields = Fields::new(no, line);
    let n_temps = fields.count(cursor, "number of collision temperatures")?;
    fields.finish(cursor, "the number of collision temperatures")?;
    if n_temps == 0 {
        return Err(cursor.error_at(no, out_of_range("number of collision temperatures", 0.0, ">= 1")));
    }
    let (no, line) = cursor.next_data("the collision temperatures")?;
    let mut fields = Fields::new(no, line);
    let mut temperatures_k = Vec::with_capacity(n_temps.min(1000));
    for i_temp in 0..n_temps {
        let field = format!("temperature {}", i_temp + 1);
        let t = fields.float(cursor, &field)?;
        if t <= 0.0 || temperatures_k.last().is_some_and(|&prev| t <= prev) {
            return Err(cursor.error_at(no, out_of_range(&field, t, "> 0 and above the previous temperature")));
        }
        temperatures_k.push(t);
    }
    fields.finish(cursor, "the collision temperatures")?;

    let mut transitions = Vec::with_capacity(n_trans.min(1_000_000));
    let mut rates_cm3_s = Vec::with_capacity(n_trans.min(1_000_000) * n_temps);
    for i_trans in 0..n_trans {
        let (no, line) = cursor.next_data(&format!("collisional transition {} of {n_trans}", i_trans + 1))?;
        let mut fields = Fields::new(no, line);
        fields.sequence(cursor, "collisional transition number", i_trans + 1)?;
        let up = fields.index(cursor, "upper level", n_levels)?;
        let lo = fields.index(cursor, "lower level", n_levels)?;
        for temperature_k in &temperatures_k {
            let field = format!("rate at {temperature_k} K");
            let rate = fields.float(cursor, &field)?;
            if rate < 0.0 {
                return Err(cursor.error_at(no, out_of_range(&field, rate, ">= 0")));
            }
            rates_cm3_s.push(rate);
        }
        let line_no = fields.line_no();
        fields.finish(cursor, &format!("{n_temps} rates (line {line_no})"))?;
        transitions.push(CollisionTransition { up, lo });
    }
    Ok(CollisionPartner { kind, description, temperatures_k, transitions, rates_cm3_s })
}
