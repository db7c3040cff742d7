//! Assembly of RADEX's rate matrix (escape-probability.md §8), column-major, in RADEX's
//! order: the −1e-30·n_tot offset, radiative terms line by line, collisions, and the last
//! row replaced by the normalisation Σ x = 1.

use stop_physics::radex_legacy::{FGAUSS, HC_OVER_K_CM_K, MAX_EXPONENT, TWO_HC};

use crate::background::LineBackground;
use crate::escape::Geometry;
use crate::model::LineConst;
use crate::rates::CollisionSetup;

/// τ > this counts a line as thick (`n_thick`; a double 0.01 in RADEX).
pub(crate) const THICK_COUNT_ABOVE: f64 = 1.0e-2;
/// τ > this at the first iteration triggers RADEX's "very high optical depth" warning.
pub(crate) const VERY_THICK_ABOVE: f64 = 1.0e5;

/// Line-centre optical depth in RADEX's grouping (escape-probability.md §6, §9):
/// τ = [(N/Δv) · ((x_l g_u)/g_l − x_u)] / ((F ν̃³)/A).
#[inline]
pub(crate) fn optical_depth(line: &LineConst, cddv: f64, populations: &[f64]) -> f64 {
    cddv * (populations[line.lo] * line.g_up / line.g_lo - populations[line.up])
        / (FGAUSS * line.wavenumber3 / line.a_ul_s)
}

/// Start the matrix: every element −1e-30 · n_tot.
fn clear(matrix: &mut Vec<f64>, n: usize, total_density_cm3: f64) {
    matrix.clear();
    matrix.resize(n * n, -1.0e-30 * total_density_cm3);
}

/// Add one line's radiative terms, M_uu += A·(a + e), M_ll += A·((g_u·e)/g_l),
/// M_ul −= (A·(g_u/g_l))·e, M_lu −= A·(a + e) (column-major, element (i, j) at j·n + i).
#[inline]
fn add_line(matrix: &mut [f64], n: usize, line: &LineConst, a: f64, e: f64) {
    let (m, l) = (line.up, line.lo);
    matrix[m * n + m] += line.a_ul_s * (a + e);
    matrix[l * n + l] += line.a_ul_s * (line.g_up * e / line.g_lo);
    matrix[l * n + m] -= line.a_ul_s * (line.g_up / line.g_lo) * e;
    matrix[m * n + l] -= line.a_ul_s * (a + e);
}

/// Collisions (loss on the diagonal, gains off it), then the normalisation row.
fn finish(matrix: &mut [f64], n: usize, collisions: &CollisionSetup, rhs: &mut Vec<f64>) {
    for i in 0..n {
        matrix[i * n + i] += collisions.loss_s[i];
        for j in 0..n {
            if i != j {
                // row i (balance of level i), column j: gain from j, C_ji
                matrix[j * n + i] -= collisions.rates_s[j * n + i];
            }
        }
    }
    for j in 0..n {
        matrix[j * n + n - 1] = 1.0;
    }
    rhs.clear();
    rhs.resize(n, 0.0);
    rhs[n - 1] = 1.0;
}

/// The first pass: every line optically thin in the background field (a = 1, e = n_rj).
pub(crate) fn assemble_thin(
    matrix: &mut Vec<f64>,
    rhs: &mut Vec<f64>,
    n: usize,
    lines: &[LineConst],
    background: &[LineBackground],
    collisions: &CollisionSetup,
) {
    clear(matrix, n, collisions.total_density_cm3);
    for (line, bg) in lines.iter().zip(background) {
        let etr = HC_OVER_K_CM_K * line.wavenumber_cm1 / bg.t_rad_k;
        let exr = if etr >= MAX_EXPONENT {
            0.0
        } else {
            1.0 / (etr.exp() - 1.0)
        };
        let (m, l) = (line.up, line.lo);
        matrix[m * n + m] += line.a_ul_s * (1.0 + exr);
        matrix[l * n + l] += line.a_ul_s * line.g_up * exr / line.g_lo;
        matrix[l * n + m] -= line.a_ul_s * (line.g_up / line.g_lo) * exr;
        matrix[m * n + l] -= line.a_ul_s * (1.0 + exr);
    }
    finish(matrix, n, collisions, rhs);
}

/// Counts made while assembling an escape-probability pass.
pub(crate) struct PassCounts {
    /// Lines with τ > 0.01.
    pub n_thick: usize,
    /// Lines with τ > 1e5.
    pub n_very_thick: usize,
}

/// A later pass: τ from `populations` into `tau`, a = β(τ), e = (I_bg β)/(2hc ν̃³).
#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble_escape(
    matrix: &mut Vec<f64>,
    rhs: &mut Vec<f64>,
    n: usize,
    lines: &[LineConst],
    background: &[LineBackground],
    collisions: &CollisionSetup,
    geometry: Geometry,
    cddv: f64,
    populations: &[f64],
    tau: &mut [f64],
) -> PassCounts {
    clear(matrix, n, collisions.total_density_cm3);
    let mut counts = PassCounts {
        n_thick: 0,
        n_very_thick: 0,
    };
    for ((line, bg), tau) in lines.iter().zip(background).zip(tau.iter_mut()) {
        *tau = optical_depth(line, cddv, populations);
        if *tau > THICK_COUNT_ABOVE {
            counts.n_thick += 1;
        }
        if *tau > VERY_THICK_ABOVE {
            counts.n_very_thick += 1;
        }
        let beta = geometry.beta(*tau);
        let exr = bg.intensity_cgs * beta / (TWO_HC * line.wavenumber3);
        add_line(matrix, n, line, beta, exr);
    }
    finish(matrix, n, collisions, rhs);
    counts
}
