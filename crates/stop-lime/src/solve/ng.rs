//! Ng (1974, J. Chem. Phys. 61, 2680) acceleration of the global population vector, in the
//! form of Olson, Auer & Buchler (1986, JQSRT 35, 431, eqs. 16–18).
//!
//! From four successive iterates x₀ (newest) … x₃ the extrapolation is
//! `x* = (1 − a − b) x₀ + a x₁ + b x₂`, where (a, b) minimise the weighted norm of the
//! extrapolated change; with `d₀ = x₀ − x₁`, `d₁ = x₁ − x₂`, `d₂ = x₂ − x₃` the normal
//! equations are `A₁₁ a + A₁₂ b = B₁`, `A₁₂ a + A₂₂ b = B₂`, `A₁₁ = Σ w (d₀ − d₁)²`,
//! `A₁₂ = Σ w (d₀ − d₁)(d₀ − d₂)`, `A₂₂ = Σ w (d₀ − d₂)²`, `B₁ = Σ w d₀ (d₀ − d₁)`,
//! `B₂ = Σ w d₀ (d₀ − d₂)`, with weights `w = 1 / x₀²` (relative changes).

use crate::solve::stateq::POPULATION_FLOOR;

/// Extrapolates from `iterates` (oldest first, at least 4; the last four are used) into
/// `out`. Returns `false` (and leaves `out` alone) when the 2 × 2 system is singular or the
/// coefficients are not finite. Each block of `n_levels` values is renormalised to sum 1
/// after negative values are floored.
pub fn ng_extrapolate(iterates: &[Vec<f64>], n_levels: usize, out: &mut [f64]) -> bool {
    let Some(last4) = iterates.len().checked_sub(4).map(|s| &iterates[s..]) else {
        return false;
    };
    let (x3, x2, x1, x0) = (&last4[0], &last4[1], &last4[2], &last4[3]);
    let (mut a11, mut a12, mut a22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for k in 0..x0.len() {
        if x0[k] <= POPULATION_FLOOR {
            continue;
        }
        let w = 1.0 / (x0[k] * x0[k]);
        let d0 = x0[k] - x1[k];
        let d1 = x1[k] - x2[k];
        let d2 = x2[k] - x3[k];
        a11 += w * (d0 - d1) * (d0 - d1);
        a12 += w * (d0 - d1) * (d0 - d2);
        a22 += w * (d0 - d2) * (d0 - d2);
        b1 += w * d0 * (d0 - d1);
        b2 += w * d0 * (d0 - d2);
    }
    let det = a11 * a22 - a12 * a12;
    if !(det.is_finite() && det.abs() > 1e-300 && det.abs() > 1e-14 * a11 * a22) {
        return false;
    }
    let a = (b1 * a22 - b2 * a12) / det;
    let b = (b2 * a11 - b1 * a12) / det;
    if !(a.is_finite() && b.is_finite()) {
        return false;
    }
    for k in 0..x0.len() {
        out[k] = ((1.0 - a - b) * x0[k] + a * x1[k] + b * x2[k]).max(POPULATION_FLOOR);
    }
    for block in out.chunks_mut(n_levels) {
        let total: f64 = block.iter().sum();
        if total > 0.0 {
            block.iter_mut().for_each(|p| *p /= total);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_fixed_point_iteration_is_solved_in_one_step() {
        // x ← M x + c with a 2-dimensional contraction: Ng with 4 iterates is exact for a
        // linear map whose error has at most two eigen-components
        let fixed = [0.3, 0.7];
        let step = |x: &[f64]| {
            let e = [x[0] - fixed[0], x[1] - fixed[1]];
            vec![fixed[0] + 0.95 * e[0] + 0.01 * e[1], fixed[1] + 0.02 * e[0] + 0.9 * e[1]]
        };
        let mut iterates = vec![vec![0.5, 0.5]];
        for _ in 0..3 {
            let next = step(iterates.last().map_or(&[][..], |v| v.as_slice()));
            iterates.push(next);
        }
        let mut out2 = vec![0.0; 2];
        assert!(ng_extrapolate(&iterates, 2, &mut out2));
        // the fixed point sums to 1, so the renormalisation does not disturb it
        assert!((out2[0] - fixed[0]).abs() < 1e-10 && (out2[1] - fixed[1]).abs() < 1e-10);
    }
}
