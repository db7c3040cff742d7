//! Writing LAMDA files. Numbers are written in shortest round-trip form, so reading the
//! output gives back exactly the same data.

use std::fmt::Write as _;

use crate::molecule::Molecule;

/// The molecule as LAMDA text.
///
/// ```
/// let co = stop_molecule::shipped("co").unwrap();
/// let text = stop_molecule::lamda::write_lamda(&co);
/// let again = stop_molecule::lamda::parse_lamda("written", &text).unwrap();
/// assert_eq!(co, again);
/// ```
#[must_use]
pub fn write_lamda(molecule: &Molecule) -> String {
    let mut out = String::new();
    // `write!` into a String cannot fail.
    let mut w = |s: std::fmt::Arguments<'_>| {
        let _ = out.write_fmt(s);
    };
    w(format_args!("!MOLECULE\n{}\n", molecule.name));
    w(format_args!("!MOLECULAR WEIGHT\n{:?}\n", molecule.weight_amu));
    w(format_args!("!NUMBER OF ENERGY LEVELS\n{}\n", molecule.levels.len()));
    w(format_args!("!LEVEL + ENERGIES(cm^-1) + WEIGHT + LABEL\n"));
    for (i, level) in molecule.levels.iter().enumerate() {
        let label = quote_label(&level.label);
        w(format_args!("{:5} {:?} {:?} {}\n", i + 1, level.energy_cm1, level.weight, label));
    }
    w(format_args!("!NUMBER OF RADIATIVE TRANSITIONS\n{}\n", molecule.lines.len()));
    w(format_args!("!TRANS + UP + LOW + EINSTEINA(s^-1) + FREQ(GHz) + E_u(K)\n"));
    for (i, line) in molecule.lines.iter().enumerate() {
        w(format_args!(
            "{:5} {:5} {:5} {:e} {:?} {:?}\n",
            i + 1,
            line.up + 1,
            line.lo + 1,
            line.a_ul_s,
            line.freq_ghz,
            line.eup_k
        ));
    }
    w(format_args!("!NUMBER OF COLL PARTNERS\n{}\n", molecule.partners.len()));
    for partner in &molecule.partners {
        w(format_args!("!COLLISIONS BETWEEN\n{} {}\n", partner.kind.lamda_id(), partner.description));
        w(format_args!("!NUMBER OF COLL TRANS\n{}\n", partner.transitions.len()));
        w(format_args!("!NUMBER OF COLL TEMPS\n{}\n", partner.temperatures_k.len()));
        w(format_args!("!COLL TEMPS\n"));
        let temps: Vec<String> = partner.temperatures_k.iter().map(|t| format!("{t:?}")).collect();
        w(format_args!("{}\n", temps.join(" ")));
        w(format_args!("!TRANS + UP + LOW + COLLRATES(cm^3 s^-1)\n"));
        for (i, trans) in partner.transitions.iter().enumerate() {
            let rates: Vec<String> = partner.rates_of(i).iter().map(|k| format!("{k:e}")).collect();
            w(format_args!("{:5} {:5} {:5} {}\n", i + 1, trans.up + 1, trans.lo + 1, rates.join(" ")));
        }
    }
    for note in &molecule.notes {
        w(format_args!("!{note}\n"));
    }
    out
}

/// A label as the reader will read it back: bare when it is one token not starting with a
/// quote, otherwise quoted with a quote character it does not contain (the reader rejects
/// labels containing both).
fn quote_label(label: &str) -> String {
    let bare = !label.is_empty() && !label.contains(char::is_whitespace) && !label.starts_with(['"', '\'']);
    if bare {
        label.to_owned()
    } else if label.contains('"') {
        format!("'{label}'")
    } else {
        format!("\"{label}\"")
    }
}
