//! Output rows of `stop lvg --format tsv|json`: one row per printed line, with the columns
//! and units of `../shared/reference/radex/README.md`, values as shortest round-trip doubles.

use serde::Serialize;

use crate::model::Problem;
use crate::result::{LineResult, Status};

/// The TSV header, in column order.
pub const TSV_COLUMNS: [&str; 13] = [
    "model",
    "status",
    "iup",
    "ilow",
    "freq_GHz",
    "e_up_K",
    "tex_K",
    "tau",
    "t_r_K",
    "pop_up",
    "pop_low",
    "flux_K_kms",
    "flux_erg_cm2_s",
];

/// One printed line of one model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OutputRow {
    /// 1-based position of the model in its input file.
    pub model: usize,
    /// How the model ended.
    pub status: Status,
    /// Upper level, 1-based as in the LAMDA file.
    pub iup: usize,
    /// Lower level, 1-based.
    pub ilow: usize,
    /// File frequency, GHz.
    #[serde(rename = "freq_GHz")]
    pub freq_ghz: f64,
    /// File E_u, K.
    #[serde(rename = "e_up_K")]
    pub e_up_k: f64,
    /// Excitation temperature, K.
    #[serde(rename = "tex_K")]
    pub tex_k: f64,
    /// Line-centre optical depth.
    pub tau: f64,
    /// Radiation temperature above the background, K.
    #[serde(rename = "t_r_K")]
    pub t_r_k: f64,
    /// Upper-level population.
    pub pop_up: f64,
    /// Lower-level population.
    pub pop_low: f64,
    /// Integrated intensity, K km s⁻¹.
    #[serde(rename = "flux_K_kms")]
    pub flux_k_kms: f64,
    /// Flux, erg cm⁻² s⁻¹.
    pub flux_erg_cm2_s: f64,
}

impl OutputRow {
    /// The row of `line` of model number `model` (1-based).
    #[must_use]
    pub fn new(model: usize, status: Status, line: &LineResult) -> Self {
        OutputRow {
            model,
            status,
            iup: line.up + 1,
            ilow: line.lo + 1,
            freq_ghz: line.freq_ghz,
            e_up_k: line.eup_k,
            tex_k: line.tex_k,
            tau: line.tau,
            t_r_k: line.t_r_k,
            pop_up: line.pop_up,
            pop_low: line.pop_low,
            flux_k_kms: line.flux_k_km_s,
            flux_erg_cm2_s: line.flux_erg_cm2_s,
        }
    }

    /// The row as TSV (no newline); doubles in shortest round-trip form.
    #[must_use]
    pub fn tsv(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{:?}\t{:?}\t{:?}\t{:?}\t{:?}\t{:?}\t{:?}\t{:?}\t{:?}",
            self.model,
            self.status.name(),
            self.iup,
            self.ilow,
            self.freq_ghz,
            self.e_up_k,
            self.tex_k,
            self.tau,
            self.t_r_k,
            self.pop_up,
            self.pop_low,
            self.flux_k_kms,
            self.flux_erg_cm2_s
        )
    }
}

/// The printed lines of a solved model: those with f_min < ν < f_max, in file order.
#[must_use]
pub fn printed_lines(
    problem: &Problem,
    solution: &crate::Solution,
    fwhm_cm_s: f64,
    window_ghz: (f64, f64),
) -> Vec<LineResult> {
    (0..problem.lines.len())
        .filter(|&i| {
            crate::in_window(
                problem.molecule.lines[i].freq_ghz,
                window_ghz.0,
                window_ghz.1,
            )
        })
        .map(|i| crate::line_result(problem, solution, &solution.background[i], fwhm_cm_s, i))
        .collect()
}
