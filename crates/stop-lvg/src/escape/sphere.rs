//! Static uniform sphere: Osterbrock (1989, Astrophysics of Gaseous Nebulae, Appendix 2) with
//! RADEX's series and asymptote (escape-probability.md §7, method 1), in terms of the radius
//! optical depth t = τ/2.

/// |t| below this uses the series: RADEX's single-precision 0.1.
const SERIES_BELOW: f64 = 0.1_f32 as f64;
/// |t| above this uses the asymptote 0.75/t.
const ASYMPTOTE_ABOVE: f64 = 50.0;

/// β(τ), evaluated in RADEX's order with C-library powers.
pub(super) fn beta(tau: f64) -> f64 {
    let t = tau / 2.0;
    if t.abs() < SERIES_BELOW {
        // β = 1 − 0.75 t + t²/2.5 − t³/6 + t⁴/17.5 (escape-probability.md §7)
        1.0 - 0.75 * t + t.powf(2.0) / 2.5 - t.powf(3.0) / 6.0 + t.powf(4.0) / 17.5
    } else if t.abs() > ASYMPTOTE_ABOVE {
        0.75 / t
    } else {
        // β = (0.75/t) [1 − 1/(2t²) + (1/t + 1/(2t²)) e^(−2t)]
        0.75 / t
            * (1.0 - 1.0 / (2.0 * t.powf(2.0))
                + (1.0 / t + 1.0 / (2.0 * t.powf(2.0))) * (-2.0 * t).exp())
    }
}

/// dβ/dτ of the branch in force.
pub(super) fn dbeta_dtau(tau: f64) -> f64 {
    let t = tau / 2.0;
    let dbeta_dt = if t.abs() < SERIES_BELOW {
        -0.75 + 2.0 * t / 2.5 - 3.0 * t * t / 6.0 + 4.0 * t * t * t / 17.5
    } else if t.abs() > ASYMPTOTE_ABOVE {
        -0.75 / (t * t)
    } else {
        let e = (-2.0 * t).exp();
        let g = 1.0 - 1.0 / (2.0 * t * t) + (1.0 / t + 1.0 / (2.0 * t * t)) * e;
        let dg = 1.0 / (t * t * t)
            - (1.0 / (t * t) + 1.0 / (t * t * t)) * e
            - 2.0 * (1.0 / t + 1.0 / (2.0 * t * t)) * e;
        -0.75 / (t * t) * g + 0.75 / t * dg
    };
    0.5 * dbeta_dt
}

/// β and dβ/dτ together for the fast mode: the same formulas with one exponential, powers as
/// products and the series in Horner form (rounding differs from RADEX's `powf` form in the
/// last bits, which the fast mode's residual tolerance does not see).
pub(super) fn beta_with_derivative(tau: f64) -> (f64, f64) {
    let t = tau / 2.0;
    let (beta, dbeta_dt) = if t.abs() < SERIES_BELOW {
        // β = 1 − 0.75 t + t²/2.5 − t³/6 + t⁴/17.5 (escape-probability.md §7)
        let beta = 1.0 + t * (-0.75 + t * (1.0 / 2.5 + t * (-1.0 / 6.0 + t / 17.5)));
        let dbeta = -0.75 + t * (2.0 / 2.5 + t * (-3.0 / 6.0 + t * 4.0 / 17.5));
        (beta, dbeta)
    } else if t.abs() > ASYMPTOTE_ABOVE {
        (0.75 / t, -0.75 / (t * t))
    } else {
        // β = (0.75/t) g, g = 1 − 1/(2t²) + (1/t + 1/(2t²)) e^(−2t)
        let e = (-2.0 * t).exp();
        let (inv_t, inv_2t2) = (1.0 / t, 1.0 / (2.0 * t * t));
        let g = 1.0 - inv_2t2 + (inv_t + inv_2t2) * e;
        let dg = 2.0 * inv_2t2 * inv_t - (inv_t * inv_t + 2.0 * inv_2t2 * inv_t) * e
            - 2.0 * (inv_t + inv_2t2) * e;
        (0.75 * inv_t * g, -0.75 * inv_t * inv_t * g + 0.75 * inv_t * dg)
    };
    (beta, 0.5 * dbeta_dt)
}
