//! Statistical equilibrium at one point: the rate matrix and its solution.

use crate::solve::setup::LineConstants;

/// Populations below this are set to it (LIME floors at the same value, `lime-algorithm.md`
/// §3.4), so relative changes and logarithms stay finite.
pub const POPULATION_FLOOR: f64 = 1e-30;

/// Reusable work space for [`solve_statistical_equilibrium`] (allocate once per thread).
#[derive(Debug, Clone)]
pub struct StateqScratch {
    matrix: Vec<f64>,
    rhs: Vec<f64>,
}

impl StateqScratch {
    /// Space for `n_levels` levels.
    #[must_use]
    pub fn new(n_levels: usize) -> Self {
        Self { matrix: vec![0.0; n_levels * n_levels], rhs: vec![0.0; n_levels] }
    }
}

/// Solves `Σ_j p_j R_ji − p_i Σ_j R_ij = 0` with `Σ p = 1` for the fractional populations
/// `p` (Brinch & Hogerheijde 2010 eq. 1; van der Tak et al. 2007 eq. 3), where
/// `R_ul = A_ul (1 + J̄) + C_ul` and `R_lu = (g_u/g_l) A_ul J̄ + C_lu` with `J̄` in photon
/// occupation units. The conservation row replaces the equation of the top level. Returns
/// `false` (populations untouched) for a singular matrix.
///
/// ```
/// use stop_lime::solve::setup::LineConstants;
/// use stop_lime::solve::stateq::{StateqScratch, solve_statistical_equilibrium};
/// // two levels, no collisions, no radiation: everything in the ground state
/// let line = LineConstants { up: 1, lo: 0, weight_ratio: 3.0, a_ul_s: 1e-4, freq_hz: 1e11, background: 0.0 };
/// let mut pops = [0.5, 0.5];
/// assert!(solve_statistical_equilibrium(&[line], &[0.0; 4], &[0.0], &mut pops, &mut StateqScratch::new(2)));
/// assert!(pops[0] > 0.999_999 && pops[1] <= 1e-29);
/// ```
pub fn solve_statistical_equilibrium(
    lines: &[LineConstants],
    collisions_s: &[f64],
    mean_intensity: &[f64],
    pops: &mut [f64],
    scratch: &mut StateqScratch,
) -> bool {
    let n = pops.len();
    let m = &mut scratch.matrix;
    // m[row * n + col]: d p_row / dt contribution of p_col
    for row in 0..n {
        for col in 0..n {
            m[row * n + col] = if row == col { 0.0 } else { collisions_s[col * n + row] };
        }
    }
    for i in 0..n {
        let out: f64 = (0..n).filter(|&j| j != i).map(|j| collisions_s[i * n + j]).sum();
        m[i * n + i] = -out;
    }
    for (line, &j) in lines.iter().zip(mean_intensity) {
        let down = line.a_ul_s * (1.0 + j);
        let up = line.weight_ratio * line.a_ul_s * j;
        m[line.lo * n + line.up] += down;
        m[line.up * n + line.up] -= down;
        m[line.up * n + line.lo] += up;
        m[line.lo * n + line.lo] -= up;
    }
    for col in 0..n {
        m[(n - 1) * n + col] = 1.0;
    }
    let rhs = &mut scratch.rhs;
    rhs.fill(0.0);
    rhs[n - 1] = 1.0;
    if !gauss_solve(m, rhs, n) {
        return false;
    }
    let total: f64 = rhs.iter().map(|p| p.max(POPULATION_FLOOR)).sum();
    for (p, &x) in pops.iter_mut().zip(rhs.iter()) {
        *p = x.max(POPULATION_FLOOR) / total;
    }
    true
}

/// Gaussian elimination with partial pivoting on the dense row-major `a` (n × n); the
/// solution replaces `b`. `false` when a pivot vanishes.
fn gauss_solve(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    for col in 0..n {
        let pivot_row = (col..n).max_by(|&r, &s| a[r * n + col].abs().total_cmp(&a[s * n + col].abs())).unwrap_or(col);
        let pivot = a[pivot_row * n + col];
        if pivot == 0.0 || !pivot.is_finite() {
            return false;
        }
        if pivot_row != col {
            for k in 0..n {
                a.swap(col * n + k, pivot_row * n + k);
            }
            b.swap(col, pivot_row);
        }
        for row in col + 1..n {
            let factor = a[row * n + col] / pivot;
            if factor != 0.0 {
                for k in col..n {
                    a[row * n + k] -= factor * a[col * n + k];
                }
                b[row] -= factor * b[col];
            }
        }
    }
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row * n + k] * b[k]).sum();
        b[row] = (b[row] - s) / a[row * n + row];
    }
    b.iter().all(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_level(c_ul: f64, t_k: f64) -> (LineConstants, Vec<f64>) {
        let line = LineConstants { up: 1, lo: 0, weight_ratio: 3.0, a_ul_s: 1e-4, freq_hz: 179.875_474_8e9, background: 0.0 };
        let x = stop_physics::planck::hnu_over_k_k(line.freq_hz) / t_k;
        (line, vec![0.0, 3.0 * c_ul * (-x).exp(), c_ul, 0.0])
    }

    #[test]
    fn high_density_thermalises() {
        let (line, coll) = two_level(1e3, 20.0);
        let mut pops = [0.5, 0.5];
        assert!(solve_statistical_equilibrium(&[line], &coll, &[0.0], &mut pops, &mut StateqScratch::new(2)));
        // Boltzmann at 20 K: p1/p0 = 3 exp(-8.6327 K / 20 K)
        let ratio = 3.0 * (-stop_physics::planck::hnu_over_k_k(line.freq_hz) / 20.0).exp();
        assert!((pops[1] / pops[0] / ratio - 1.0).abs() < 1e-6);
        assert!((pops[0] + pops[1] - 1.0).abs() < 1e-15);
        // the README's LTE core value of problem 1
        assert!((pops[1] - 0.6608).abs() < 1e-4);
    }

    #[test]
    fn radiation_alone_gives_the_radiation_temperature() {
        let (line, _) = two_level(0.0, 20.0);
        let j = crate::solve::setup::planck_occupation(line.freq_hz, 7.0);
        let mut pops = [0.5, 0.5];
        assert!(solve_statistical_equilibrium(&[line], &[0.0; 4], &[j], &mut pops, &mut StateqScratch::new(2)));
        let ratio = 3.0 * (-stop_physics::planck::hnu_over_k_k(line.freq_hz) / 7.0).exp();
        assert!((pops[1] / pops[0] / ratio - 1.0).abs() < 1e-12);
    }
}
