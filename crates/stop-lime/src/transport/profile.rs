//! The Gaussian line profile averaged over a path segment along which the projected
//! velocity changes linearly.

/// Below this change of the dimensionless offset `x` across a segment the erf difference
/// loses digits (1e-14 / Δx), and Simpson's rule (relative error ≤ Δx⁴ · max|f⁗| / 2880
/// ≈ 4e-13 here) is used.
pub const SIMPSON_BELOW_DX: f64 = 1e-3;

/// The error function, `erf x = (2/√π) ∫₀ˣ e^{−t²} dt` (Abramowitz & Stegun 1964, eq. 7.1.1),
/// from the `libm` crate (the Rust port of musl's `erf`: rational approximations on five
/// intervals of |x|, error below 1 ulp).
#[must_use]
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}

/// Mean of `exp(−x²)` for `x` running linearly from `x0` to `x1`:
/// `(√π / 2) (erf x1 − erf x0) / (x1 − x0)` (the average of LIME's half-edge profile,
/// `lime-algorithm.md` §3.2 step 5), Simpson's rule when `|x1 − x0|` is small.
///
/// ```
/// use stop_lime::transport::profile::mean_gaussian;
/// assert!((mean_gaussian(0.3, 0.3) - (-0.09f64).exp()).abs() < 1e-15);
/// // over [0, 10] the mean is (√π / 2) / 10
/// assert!((mean_gaussian(0.0, 10.0) - 0.088_622_692_5).abs() < 1e-7);
/// ```
#[must_use]
pub fn mean_gaussian(x0: f64, x1: f64) -> f64 {
    let dx = x1 - x0;
    if dx.abs() < SIMPSON_BELOW_DX {
        let xm = 0.5 * (x0 + x1);
        // Simpson's rule on [x0, x1]
        ((-x0 * x0).exp() + 4.0 * (-xm * xm).exp() + (-x1 * x1).exp()) / 6.0
    } else {
        0.5 * std::f64::consts::PI.sqrt() * (erf(x1) - erf(x0)) / dx
    }
}

/// [`mean_gaussian`] over the two halves `[x0, x1]` and `[x1, x2]` of a path, evaluating the
/// shared `erf x1` once: the same values as two calls, for ~3/4 of the work.
///
/// ```
/// use stop_lime::transport::profile::{mean_gaussian, mean_gaussian_pair};
/// let x = [0.1, 0.9, 2.7];
/// assert_eq!(mean_gaussian_pair(x), [mean_gaussian(x[0], x[1]), mean_gaussian(x[1], x[2])]);
/// ```
#[must_use]
pub fn mean_gaussian_pair(x: [f64; 3]) -> [f64; 2] {
    let wide = [(x[1] - x[0]).abs() >= SIMPSON_BELOW_DX, (x[2] - x[1]).abs() >= SIMPSON_BELOW_DX];
    let erf_mid = if wide[0] || wide[1] { erf(x[1]) } else { 0.0 };
    // the branch of mean_gaussian that uses erf, with the shared value
    let half_sqrt_pi = 0.5 * std::f64::consts::PI.sqrt();
    [
        if wide[0] { half_sqrt_pi * (erf_mid - erf(x[0])) / (x[1] - x[0]) } else { mean_gaussian(x[0], x[1]) },
        if wide[1] { half_sqrt_pi * (erf(x[2]) - erf_mid) / (x[2] - x[1]) } else { mean_gaussian(x[1], x[2]) },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        // A&S table 7.1 (10 digits) and erf(3) = 0.999 977 909 503 001 4
        for (x, v) in [(0.5, 0.520_499_877_8), (1.0, 0.842_700_792_9), (2.0, 0.995_322_265_0), (3.0, 0.999_977_909_503_001_4)] {
            assert!((erf(x) - v).abs() < 1e-10);
            assert!((erf(-x) + v).abs() < 1e-10);
        }
        // the Maclaurin series' first two terms (A&S eq. 7.1.5) near 0, where the relative
        // error of the next one is x⁴/10
        let x = 1e-4;
        assert!((erf(x) / (2.0 / std::f64::consts::PI.sqrt() * (x - x * x * x / 3.0)) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn mean_matches_a_fine_quadrature_on_both_sides_of_the_switch() {
        // composite Simpson with 2000 intervals: error < 1e-14 for these widths
        let fine = |a: f64, b: f64| {
            let n = 2000;
            let h = (b - a) / f64::from(n);
            let f = |x: f64| (-x * x).exp();
            let inner: f64 = (1..n).map(|k| f(a + f64::from(k) * h) * if k % 2 == 1 { 4.0 } else { 2.0 }).sum();
            (f(a) + inner + f(b)) * h / 3.0 / (b - a)
        };
        for dx in [0.999 * SIMPSON_BELOW_DX, 1.001 * SIMPSON_BELOW_DX, 0.3, 3.0] {
            assert!((mean_gaussian(0.7, 0.7 + dx) - fine(0.7, 0.7 + dx)).abs() < 1e-10, "dx = {dx}");
        }
        assert_eq!(mean_gaussian(0.2, 1.5), mean_gaussian(1.5, 0.2));
    }

    #[test]
    fn pair_equals_two_single_means_bit_for_bit() {
        // both halves wide, both narrow, one of each, and a sign change
        let d = SIMPSON_BELOW_DX;
        for x in [[0.1, 0.9, 2.7], [1.0, 1.0 + 0.3 * d, 1.0 + 0.6 * d], [0.5, 0.5 + 0.5 * d, 1.5], [-3.0, 0.2, 0.2 + 0.1 * d], [2.0, -1.0, -4.0]] {
            assert_eq!(mean_gaussian_pair(x), [mean_gaussian(x[0], x[1]), mean_gaussian(x[1], x[2])], "{x:?}");
        }
    }
}
