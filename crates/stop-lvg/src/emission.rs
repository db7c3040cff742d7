//! The printed line quantities from populations, T_ex and τ (escape-probability.md §10):
//! T_R as the Rayleigh–Jeans temperature of I_bg e^(−τ) + B(T_ex)(1 − e^(−τ)) above the
//! background, and the two fluxes, with RADEX's groupings and literals.

use stop_physics::radex_legacy::{
    C_CM_S, FGAUSS, GAUSS_FACTOR_F32, HC_OVER_K_CM_K, K_ERG_K, MAX_EXPONENT, TWO_HC,
};

use crate::background::LineBackground;
use crate::model::Problem;
use crate::result::{LineResult, Solution};

/// |τ| above this is treated as infinitely thick (also for τ < −300).
const TAU_INFINITE: f64 = 300.0;
/// Background brightness below this fraction of c₂ν̃ is not subtracted: RADEX's
/// single-precision 0.02.
const BACKGROUND_NEGLIGIBLE: f64 = 0.02_f32 as f64;

/// The printed quantities of line `i_line`.
#[must_use]
pub fn line_result(
    problem: &Problem,
    solution: &Solution,
    background: &LineBackground,
    fwhm_cm_s: f64,
    i_line: usize,
) -> LineResult {
    let line = &problem.lines[i_line];
    let file_line = &problem.molecule.lines[i_line];
    let xnu = line.wavenumber_cm1;
    let xt = xnu.powf(3.0);
    let tex_k = solution.tex_k[i_line];
    let tau = solution.tau[i_line];
    let backi = background.intensity_cgs;
    // source function B(T_ex)
    let hnu = HC_OVER_K_CM_K * xnu / tex_k;
    let bnutex = if hnu >= MAX_EXPONENT {
        0.0
    } else {
        TWO_HC * xt / ((HC_OVER_K_CM_K * xnu / tex_k).exp() - 1.0)
    };
    let ftau = if tau.abs() <= TAU_INFINITE {
        (-tau).exp()
    } else {
        0.0
    };
    let toti = backi * ftau + bnutex * (1.0 - ftau);
    let tback = if backi == 0.0 {
        0.0
    } else {
        HC_OVER_K_CM_K * xnu / (TWO_HC * xt / backi + 1.0).ln()
    };
    let hnu = HC_OVER_K_CM_K * xnu;
    let ta = if (tback / hnu).abs() <= BACKGROUND_NEGLIGIBLE {
        toti
    } else {
        toti - backi
    };
    // T_R = ΔI / (2kν̃²), the divisor formed as ((2hc ν̃) ν̃)/c₂
    let t_r_k = ta / (TWO_HC * xnu * xnu / HC_OVER_K_CM_K);
    let kkms = GAUSS_FACTOR_F32 * fwhm_cm_s * t_r_k;
    let flux_erg_cm2_s = FGAUSS * K_ERG_K * fwhm_cm_s * t_r_k * xnu.powf(3.0);
    LineResult {
        i_line,
        up: line.up,
        lo: line.lo,
        freq_ghz: file_line.freq_ghz,
        eup_k: file_line.eup_k,
        wavel_um: C_CM_S / file_line.freq_ghz / 1.0e5,
        tex_k,
        tau,
        t_r_k,
        pop_up: solution.populations[line.up],
        pop_low: solution.populations[line.lo],
        flux_k_km_s: kkms / 1.0e5,
        flux_erg_cm2_s,
    }
}

/// Whether RADEX prints a line of file frequency `freq_ghz` for the window
/// (strictly inside on both sides).
#[must_use]
pub fn in_window(freq_ghz: f64, fmin_ghz: f64, fmax_ghz: f64) -> bool {
    freq_ghz < fmax_ghz && freq_ghz > fmin_ghz
}

/// RADEX's normalisation of a frequency window (escape-probability.md §2): equal limits mean
/// everything (0 to 3e7 GHz), reversed limits are swapped, then clipped to [0, 3e7].
#[must_use]
pub fn radex_window(fmin_ghz: f64, fmax_ghz: f64) -> (f64, f64) {
    let (mut lo, mut hi) = if fmin_ghz == fmax_ghz {
        (0.0, 3.0e7)
    } else {
        (fmin_ghz, fmax_ghz)
    };
    if lo > hi {
        // RADEX swaps arithmetically; kept for parity of the rounding
        lo += hi;
        hi = lo - hi;
        lo -= hi;
    }
    (lo.max(0.0), hi.min(3.0e7))
}
