//! RADEX's output layout (io.f `output`), reproduced character for character: a header
//! block per model, then one row per line inside the frequency window.

use std::fmt::Write as _;

use stop_molecule::PartnerKind;

use super::fortran::{format_e, format_f, format_i};
use crate::escape::Geometry;
use crate::model::{ModelParams, Problem};
use crate::result::Solution;
use crate::rows::printed_lines;

/// Header labels of the partner densities, in LAMDA id order.
const DENSITY_LABELS: [&str; 7] = [
    "* Density of H2  [cm-3]: ",
    "* Density of pH2 [cm-3]: ",
    "* Density of oH2 [cm-3]: ",
    "* Density of e-  [cm-3]: ",
    "* Density of H   [cm-3]: ",
    "* Density of He  [cm-3]: ",
    "* Density of H+  [cm-3]: ",
];
/// RADEX's two column-header lines (list-directed writes, hence the leading blank).
const COLUMN_HEADER: &str = "      LINE         E_UP       FREQ        WAVEL     T_EX      TAU        T_R       POP        POP       FLUX        FLUX\n                   (K)        (GHz)       (um)      (K)                  (K)        UP        LOW      (K*km/s) (erg/cm2/s)\n";
/// Densities at or below this are not listed (RADEX's `eps`).
const LISTED_ABOVE: f64 = 1e-30;
/// |T_ex| below this is printed `F8.3`, above `1PE10.3`.
const TEX_FIXED_BELOW: f64 = 1000.0;

/// What one output block shows.
#[derive(Debug, Clone, Copy)]
pub struct RadexBlock<'a> {
    /// The molecule file as named in the input (printed in the header, first 80 characters).
    pub molecule_file: &'a str,
    /// The molecule.
    pub problem: &'a Problem,
    /// The model.
    pub model: &'a ModelParams,
    /// The solution.
    pub solution: &'a Solution,
    /// The printed window (after RADEX's normalisation), GHz.
    pub window_ghz: (f64, f64),
}

/// Append one model's block to `out` as RADEX 30nov2011 writes it.
pub fn write_radex_block(out: &mut String, block: &RadexBlock<'_>) {
    let model = block.model;
    let labels: Vec<&str> = block
        .problem
        .molecule
        .levels
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    let lines = printed_lines(
        block.problem,
        block.solution,
        model.fwhm_cm_s(),
        block.window_ghz,
    );
    out.push_str("* Radex version        : 30nov2011\n");
    let _ = writeln!(
        out,
        "* Geometry             : {}",
        geometry_header(model.geometry)
    );
    let name: String = block.molecule_file.chars().take(80).collect();
    let _ = writeln!(out, "* Molecular data file  : {name:<80}");
    let _ = writeln!(
        out,
        "* T(kin)            [K]: {}",
        format_f(model.tkin_k, 8, 3)
    );
    for kind in PartnerKind::ALL {
        let density = block.solution.densities_used.get(kind);
        if density > LISTED_ABOVE {
            let _ = writeln!(
                out,
                "{}{}",
                DENSITY_LABELS[kind.index()],
                format_e(density, 10, 3)
            );
        }
    }
    let _ = writeln!(
        out,
        "* T(background)     [K]: {}",
        format_f(model.tbg_k, 8, 3)
    );
    let _ = writeln!(
        out,
        "* Column density [cm-2]: {}",
        format_e(model.column_cm2, 10, 3)
    );
    let _ = writeln!(
        out,
        "* Line width     [km/s]: {}",
        format_f(model.fwhm_cm_s() / 1.0e5, 8, 3)
    );
    let _ = writeln!(
        out,
        "Calculation finished in {} iterations",
        format_i(i64::from(block.solution.iterations), 4)
    );
    out.push_str(COLUMN_HEADER);
    for line in &lines {
        out.push_str(&label6(labels[line.up]));
        out.push_str(" -- ");
        out.push_str(&label6(labels[line.lo]));
        out.push_str(&format_f(line.eup_k, 8, 1));
        for value in [line.freq_ghz, line.wavel_um] {
            out.push_str("  ");
            out.push_str(&format_f(value, 10, 4));
        }
        out.push(' ');
        if line.tex_k.abs() < TEX_FIXED_BELOW {
            out.push_str(&format_f(line.tex_k, 8, 3));
        } else {
            out.push_str(&format_e(line.tex_k, 10, 3));
        }
        for value in [
            line.tau,
            line.t_r_k,
            line.pop_up,
            line.pop_low,
            line.flux_k_km_s,
            line.flux_erg_cm2_s,
        ] {
            out.push(' ');
            out.push_str(&format_e(value, 10, 3));
        }
        out.push('\n');
    }
}

fn geometry_header(geometry: Geometry) -> &'static str {
    geometry.radex_header()
}

/// A level label as RADEX stores it: `character*6`, truncated or blank-padded.
fn label6(label: &str) -> String {
    let truncated: String = label.chars().take(6).collect();
    format!("{truncated:<6}")
}
