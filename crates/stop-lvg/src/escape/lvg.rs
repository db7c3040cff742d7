//! Expanding sphere (LVG / Sobolev): de Jong, Boland & Dalgarno (1980, A&A 91, 68), scaled so
//! that β(0) = 1, as in RADEX (escape-probability.md §7, method 2), with t = τ/2.
//!
//! For t ≤ −7 the asymptote takes the logarithm of a negative number and returns NaN, as
//! RADEX does; the solvers detect that and report it.

/// |t| below this gives β = 1 exactly: RADEX's single-precision 0.01.
const UNITY_BELOW: f64 = 0.01_f32 as f64;
/// |t| at or above this uses the asymptote.
const ASYMPTOTE_FROM: f64 = 7.0;
/// 2.34 and 4.68 of the middle branch, single precision in RADEX.
const A_F32: f64 = 2.34_f32 as f64;
const B_F32: f64 = 4.68_f32 as f64;

/// β(τ), evaluated in RADEX's order.
pub(super) fn beta(tau: f64) -> f64 {
    let t = tau / 2.0;
    if t.abs() < UNITY_BELOW {
        1.0
    } else if t.abs() < ASYMPTOTE_FROM {
        // β = (1 − e^(−2.34 t)) / (2.34 t), written 2(1 − e^(−2.34t))/(4.68 t) as in RADEX
        2.0 * (1.0 - (-(A_F32 * t)).exp()) / (B_F32 * t)
    } else {
        // β = 1 / (2t √ln(t/√π)), written 2/(4t √ln(t/√π))
        2.0 / (t * 4.0 * (t / stop_physics::radex_legacy::PI.sqrt()).ln().sqrt())
    }
}

/// dβ/dτ of the branch in force.
pub(super) fn dbeta_dtau(tau: f64) -> f64 {
    let t = tau / 2.0;
    let dbeta_dt = if t.abs() < UNITY_BELOW {
        0.0
    } else if t.abs() < ASYMPTOTE_FROM {
        let e = (-(A_F32 * t)).exp();
        2.0 * (A_F32 * e / (B_F32 * t) - (1.0 - e) / (B_F32 * t * t))
    } else {
        let log = (t / stop_physics::radex_legacy::PI.sqrt()).ln();
        -0.5 / (t * t * log.sqrt()) * (1.0 + 0.5 / log)
    };
    0.5 * dbeta_dt
}

/// β and dβ/dτ together for the fast mode (no powers here: the plain formulas).
pub(super) fn beta_with_derivative(tau: f64) -> (f64, f64) {
    (beta(tau), dbeta_dtau(tau))
}
