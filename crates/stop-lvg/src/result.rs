//! What a solve returns: a status per model, the populations, and per-line quantities.

use serde::Serialize;
use stop_molecule::PartnerDensities;

/// How a model ended. A model that is not [`Status::Converged`] still carries numbers (the
/// last iterate), but they must not be used as a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Converged; populations sum to 1.
    Converged,
    /// The iteration limit was reached.
    NotConverged,
    /// A solve produced NaN during the iteration (LVG escape probability of a strong maser,
    /// escape-probability.md §7).
    NanDuringIteration,
    /// Declared converged, but the populations sum to more than 1 + 1e-6 (negative
    /// populations clipped at the floor).
    PopSumNot1,
    /// The rate matrix had an exactly zero pivot (RADEX aborts the whole run there).
    Singular,
}

impl Status {
    /// The snake-case name used in output files (as in the reference `models.tsv`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Status::Converged => "converged",
            Status::NotConverged => "not_converged",
            Status::NanDuringIteration => "nan_during_iteration",
            Status::PopSumNot1 => "pop_sum_not_1",
            Status::Singular => "singular",
        }
    }
}

/// The result of one model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Solution {
    /// How the model ended (`None` only before a solve).
    pub status: Option<Status>,
    /// Number of iterations as RADEX counts them (maximum + 1 when not converged).
    pub iterations: u32,
    /// Number of iterations whose linear solve returned NaN.
    pub nan_iterations: u32,
    /// 0-based matrix column of the zero pivot, for [`Status::Singular`].
    pub zero_pivot: Option<usize>,
    /// Sum of the final populations over all levels (left to right).
    pub pop_sum: f64,
    /// Largest |(M x − b)_i| / (Σ_j |M_ij x_j|) of the statistical-equilibrium rows at the
    /// returned populations (fast mode; NaN where not computed).
    pub residual: f64,
    /// Partner densities used (after the ortho/para split), cm⁻³.
    pub densities_used: PartnerDensities,
    /// RADEX's thermal ortho/para ratio when it was applied.
    pub thermal_opr: Option<f64>,
    /// Fractional level populations.
    pub populations: Vec<f64>,
    /// Excitation temperature of every line, K.
    pub tex_k: Vec<f64>,
    /// Line-centre optical depth of every line.
    pub tau: Vec<f64>,
    /// Some line had τ > 1e5 at the first iteration (RADEX's warning).
    pub very_thick_warning: bool,
    /// Background at every line.
    #[serde(skip)]
    pub background: Vec<crate::background::LineBackground>,
}

/// The printed quantities of one line (escape-probability.md §10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LineResult {
    /// 0-based line index in the file.
    pub i_line: usize,
    /// Upper level, 0-based.
    pub up: usize,
    /// Lower level, 0-based.
    pub lo: usize,
    /// File frequency, GHz.
    pub freq_ghz: f64,
    /// File E_u, K.
    pub eup_k: f64,
    /// Wavelength c/ν, µm.
    pub wavel_um: f64,
    /// Excitation temperature, K (negative: inversion).
    pub tex_k: f64,
    /// Line-centre optical depth.
    pub tau: f64,
    /// Rayleigh–Jeans temperature of the line intensity above the background, K.
    pub t_r_k: f64,
    /// Upper-level population.
    pub pop_up: f64,
    /// Lower-level population.
    pub pop_low: f64,
    /// 1.0645 × T_R × FWHM, K km s⁻¹.
    pub flux_k_km_s: f64,
    /// 8π × 1.0645 × k × Δv × T_R × ν̃³, erg cm⁻² s⁻¹.
    pub flux_erg_cm2_s: f64,
}
