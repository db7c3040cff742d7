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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_and_closed_form_agree_at_the_switch() {
        for dtau in [SERIES_BELOW_TAU, -SERIES_BELOW_TAU] {
            let closed = -(-dtau).exp_m1() / dtau;
            let series = 1.0 - dtau * (0.5 - dtau * (1.0 / 6.0 - dtau / 24.0));
            assert!((closed - series).abs() < 1e-15);
        }
    }
}
