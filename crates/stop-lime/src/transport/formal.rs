//! The formal solution across one segment of constant emissivity and opacity.

/// Largest negative optical depth of one segment (masers): LIME clips there
/// (`lime-algorithm.md` §3.2 step 7), which keeps `exp(−Δτ)` below e^30.
pub const MASER_TAU_LIMIT: f64 = -30.0;

/// Below this |Δτ| the series of [`escape_factor`] is used: its first omitted term,
/// Δτ⁴/120, is then below 1e-22, and the closed form (with `exp_m1`) is exact to rounding
/// above it. (LIME switches at `(24 ε)^{1/4}` ≈ 8.5e-4 without `exp_m1`, §3.2 step 7.)
pub const SERIES_BELOW_TAU: f64 = 1e-5;

/// `(1 − e^{−Δτ}) / Δτ`, so a segment of emissivity `j` and length `Δs` adds
/// `e^{−τ} j Δs · escape_factor(Δτ)` to the intensity (Rybicki & Lightman 1979 eq. 1.30 for
/// constant source function `S = j/α`), finite for `Δτ → 0`.
///
/// ```
/// use stop_lime::transport::formal::escape_factor;
/// assert_eq!(escape_factor(0.0), 1.0);
/// assert!((escape_factor(2.0) - (1.0 - (-2.0f64).exp()) / 2.0).abs() < 1e-16);
/// ```
#[must_use]
pub fn escape_factor(dtau: f64) -> f64 {
    if dtau.abs() < SERIES_BELOW_TAU {
        // 1 − Δτ/2 + Δτ²/6 − Δτ³/24
        1.0 - dtau * (0.5 - dtau * (1.0 / 6.0 - dtau / 24.0))
    } else {
        -(-dtau).exp_m1() / dtau
    }
}

/// [`escape_factor`] and the transmission `e^{−Δτ}` from at most one `exp`:
/// `(1 − e^{−Δτ}) / Δτ` loses 1e-16 / |Δτ| relative, so below [`LINEAR_SERIES_BELOW_TAU`]
/// both come from the series (to its Δτ⁶ term; the first omitted one, Δτ⁷/40320, is < 3e-19).
///
/// ```
/// use stop_lime::transport::formal::{escape_and_transmission, escape_factor};
/// for dtau in [0.0, 1e-4, 0.5, 30.0, -2.0] {
///     let (escape, transmission) = escape_and_transmission(dtau);
///     assert!((escape - escape_factor(dtau)).abs() < 1e-13 * escape && (transmission - (-dtau).exp()).abs() < 1e-16);
/// }
/// ```
#[must_use]
pub fn escape_and_transmission(dtau: f64) -> (f64, f64) {
    if dtau.abs() < LINEAR_SERIES_BELOW_TAU {
        // (1 − e^{−Δτ})/Δτ = 1 − Δτ/2 + Δτ²/6 − … + Δτ⁶/5040
        let escape = 1.0 - dtau * (0.5 - dtau * (1.0 / 6.0 - dtau * (1.0 / 24.0 - dtau * (1.0 / 120.0 - dtau * (1.0 / 720.0 - dtau / 5040.0)))));
        (escape, 1.0 - dtau * escape)
    } else {
        let transmission = (-dtau).exp();
        ((1.0 - transmission) / dtau, transmission)
    }
}

/// Below this |Δτ| [`linear_source_weights`] sums series (first omitted terms Δτ⁸/40320 of
/// `1 − e^{−Δτ}` and Δτ⁷/5760 of the far weight: < 4e-16 relative), above it the closed
/// forms from one `exp` lose at most ~2e-16 / Δτ² ≈ 2e-12 relative (the far weight's
/// cancellation) and `1 − e^{−Δτ}` 1e-16 / Δτ.
pub const LINEAR_SERIES_BELOW_TAU: f64 = 1e-2;

/// Weights `(w_near, w_far)` of the source function at the near and far ends of a segment
/// of optical depth `Δτ` along which S varies linearly in τ: the segment adds
/// `e^{−τ} (w_near S_near + w_far S_far)` to the intensity, with
/// `w_far = (1 − e^{−Δτ}(1 + Δτ)) / Δτ` and `w_near = 1 − e^{−Δτ} − w_far`
/// (∫₀^Δτ S(t) e^{−t} dt; Olson & Kunasz 1987, JQSRT 38, 325, eqs. 7–9). For `Δτ → 0` both
/// tend to `Δτ / 2` (trapezoidal rule); for `Δτ → ∞` the near value alone remains.
///
/// ```
/// use stop_lime::transport::formal::linear_source_weights;
/// let (near, far) = linear_source_weights(2.0);
/// assert!((near + far - (1.0 - (-2.0f64).exp())).abs() < 1e-15);
/// assert!((far - (1.0 - 3.0 * (-2.0f64).exp()) / 2.0).abs() < 1e-15);
/// ```
#[must_use]
pub fn linear_source_weights(dtau: f64) -> (f64, f64) {
    let (near, far, _) = linear_source_weights_with_transmission(dtau);
    (near, far)
}

/// [`linear_source_weights`] and the segment's transmission `e^{−Δτ}`, from at most one
/// `exp`, so that a caller attenuating what lies behind the segment needs no second one.
///
/// ```
/// use stop_lime::transport::formal::{linear_source_weights, linear_source_weights_with_transmission};
/// for dtau in [1e-4, 2.0] {
///     let (near, far, transmission) = linear_source_weights_with_transmission(dtau);
///     assert_eq!((near, far), linear_source_weights(dtau));
///     assert!((transmission - (-dtau).exp()).abs() < 1e-16);
/// }
/// ```
#[must_use]
pub fn linear_source_weights_with_transmission(dtau: f64) -> (f64, f64, f64) {
    if dtau.abs() < LINEAR_SERIES_BELOW_TAU {
        // w_far = Δτ/2 − Δτ²/3 + Δτ³/8 − Δτ⁴/30 + Δτ⁵/144 − Δτ⁶/840 (the series of
        // Σ_{n≥2} (−1)ⁿ (n−1) Δτ^{n−1} / n!), 1 − e^{−Δτ} = Δτ − Δτ²/2 + … − Δτ⁶/720 + Δτ⁷/5040
        let far = dtau * (0.5 - dtau * (1.0 / 3.0 - dtau * (1.0 / 8.0 - dtau * (1.0 / 30.0 - dtau * (1.0 / 144.0 - dtau / 840.0)))));
        let total =
            dtau * (1.0 - dtau * (0.5 - dtau * (1.0 / 6.0 - dtau * (1.0 / 24.0 - dtau * (1.0 / 120.0 - dtau * (1.0 / 720.0 - dtau / 5040.0))))));
        (total - far, far, 1.0 - total)
    } else {
        let transmission = (-dtau).exp();
        let total = 1.0 - transmission;
        let far = (total - dtau * transmission) / dtau;
        (total - far, far, transmission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_source_weights_integrate_a_linear_source() {
        // ∫₀^Δτ (1 + 3t/Δτ) e^{−t} dt by a fine midpoint rule, on both sides of the switch
        for dtau in [1e-6, 0.999 * LINEAR_SERIES_BELOW_TAU, 1.001 * LINEAR_SERIES_BELOW_TAU, 0.3, 7.0] {
            let n = 20_000;
            let h = dtau / f64::from(n);
            let fine: f64 = (0..n).map(|k| (f64::from(k) + 0.5) * h).map(|t| (1.0 + 3.0 * t / dtau) * (-t).exp() * h).sum();
            let (near, far) = linear_source_weights(dtau);
            assert!(((near + 4.0 * far) / fine - 1.0).abs() < 1e-8, "dtau = {dtau}");
        }
    }

    #[test]
    fn series_and_closed_form_agree_at_the_switch() {
        for dtau in [SERIES_BELOW_TAU, -SERIES_BELOW_TAU] {
            let closed = -(-dtau).exp_m1() / dtau;
            let series = 1.0 - dtau * (0.5 - dtau * (1.0 / 6.0 - dtau / 24.0));
            assert!((closed - series).abs() < 1e-15);
        }
    }
}
