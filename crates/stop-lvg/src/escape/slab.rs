//! Plane-parallel slab: de Jong, Dalgarno & Chu (1975, ApJ 199, 69) with RADEX's series and
//! asymptote (escape-probability.md §7, method 3). The series keeps RADEX's wrong-sign τ²
//! term, a 0.35 % jump at τ = 1/30 that the RADEX-compatible mode must reproduce.

/// |3τ| below this uses the series: RADEX's single-precision 0.1.
const SERIES_BELOW: f64 = 0.1_f32 as f64;
/// |3τ| above this uses the asymptote 1/(3τ).
const ASYMPTOTE_ABOVE: f64 = 50.0;

/// β(τ), evaluated in RADEX's order.
pub(super) fn beta(tau: f64) -> f64 {
    if (3.0 * tau).abs() < SERIES_BELOW {
        // RADEX's series 1 − 1.5 (τ + τ²)
        1.0 - 1.5 * (tau + tau.powf(2.0))
    } else if (3.0 * tau).abs() > ASYMPTOTE_ABOVE {
        1.0 / (3.0 * tau)
    } else {
        // β = (1 − e^(−3τ)) / (3τ)
        (1.0 - (-3.0 * tau).exp()) / (3.0 * tau)
    }
}

/// dβ/dτ of the branch in force.
pub(super) fn dbeta_dtau(tau: f64) -> f64 {
    if (3.0 * tau).abs() < SERIES_BELOW {
        -1.5 * (1.0 + 2.0 * tau)
    } else if (3.0 * tau).abs() > ASYMPTOTE_ABOVE {
        -1.0 / (3.0 * tau * tau)
    } else {
        let e = (-3.0 * tau).exp();
        e / tau - (1.0 - e) / (3.0 * tau * tau)
    }
}

/// β and dβ/dτ together for the fast mode (the series' τ² as a product: the last bits may
/// differ from RADEX's `powf` form, below the fast mode's residual tolerance).
pub(super) fn beta_with_derivative(tau: f64) -> (f64, f64) {
    if (3.0 * tau).abs() < SERIES_BELOW {
        (1.0 - 1.5 * (tau + tau * tau), -1.5 * (1.0 + 2.0 * tau))
    } else {
        (beta(tau), dbeta_dtau(tau))
    }
}
