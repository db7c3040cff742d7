//! The Gaussian line profile averaged over a path segment along which the projected
//! velocity changes linearly.

/// Below this change of the dimensionless offset `x` across a segment the erf difference
/// loses digits, and Simpson's rule (error ~ Δx⁵ · max|f⁗| / 2880 < 1e-7 here) is used.
pub const SIMPSON_BELOW_DX: f64 = 0.05;

/// The error function, Abramowitz & Stegun (1964) eq. 7.1.26 (|error| ≤ 1.5e-7).
#[must_use]
pub fn erf(x: f64) -> f64 {
    // A&S 7.1.26 coefficients
    const P: f64 = 0.327_591_1;
    const A: [f64; 5] = [0.254_829_592, -0.284_496_736, 1.421_413_741, -1.453_152_027, 1.061_405_429];
    let sign = x.signum();
    let x = x.abs();
    let t = 1.0 / (1.0 + P * x);
    let poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
    sign * (1.0 - poly * (-x * x).exp())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        // erf(0.5), erf(1), erf(2) to 10 digits (A&S table 7.1)
        for (x, v) in [(0.5, 0.520_499_877_8), (1.0, 0.842_700_792_9), (2.0, 0.995_322_265_0)] {
            assert!((erf(x) - v).abs() < 1.5e-7);
            assert!((erf(-x) + v).abs() < 1.5e-7);
        }
    }

    #[test]
    fn mean_is_continuous_across_the_simpson_switch() {
        let below = mean_gaussian(0.7, 0.7 + 0.999 * SIMPSON_BELOW_DX);
        let above = mean_gaussian(0.7, 0.7 + 1.001 * SIMPSON_BELOW_DX);
        assert!((below - above).abs() < 5e-6);
        assert_eq!(mean_gaussian(0.2, 1.5), mean_gaussian(1.5, 0.2));
    }
}
