//! The Gaussian line profile averaged over a piece of ray, for a whole row of channels, and
//! the transfer factors of a piece.

use stop_lime::transport::formal::SERIES_BELOW_TAU;
use stop_lime::transport::profile::mean_gaussian;

/// Below this change of `x` across a piece the profile mean is a composite Simpson sum of
/// panels at most [`SIMPSON_PANEL_DX`] wide (error per panel ≤ h⁴ max|f⁗| / 2880 with
/// max|f⁗| = 12 for `exp(−x²)`: ≤ 1.6e-5 of the peak), above it the exact erf difference.
const SIMPSON_BELOW_DX: f64 = 2.0;
/// Widest Simpson panel, in units of b.
const SIMPSON_PANEL_DX: f64 = 0.25;
/// Widest channel spacing (in units of b) for which [`profile_means`] steps from channel to
/// channel by the multiplicative recurrence: its factors stay below `e^{2·8·4}` ≈ 6e27
/// (|x| ≤ 8 at the Simpson nodes of the channels it is called for), far from overflow.
const RECURRENCE_MAX_SPACING: f64 = 4.0;

/// Mean of `exp(−x²)` for `x` running linearly from `x0` to `x1`.
pub(crate) fn profile_mean(x0: f64, x1: f64) -> f64 {
    let dx = x1 - x0;
    if dx.abs() >= SIMPSON_BELOW_DX {
        return mean_gaussian(x0, x1);
    }
    let panels = ((dx.abs() / SIMPSON_PANEL_DX).ceil() as usize).max(1);
    let h = dx / (2 * panels) as f64;
    let f = |k: usize| {
        let x = x0 + h * k as f64;
        (-x * x).exp()
    };
    let inner: f64 = (1..2 * panels).map(|k| f(k) * if k % 2 == 1 { 4.0 } else { 2.0 }).sum();
    (f(0) + inner + f(2 * panels)) / (6 * panels) as f64
}

/// [`profile_mean`] for a row of channels: `out[j]` = the mean of `exp(−x²)` for `x` running
/// from `x0 + j·spacing` to `x0 + j·spacing + dx`, `j = 0 … out.len() − 1`, with
/// `|x0|, |x0 + dx| ≤ 8` at the ends of the row (channels within reach of the line).
///
/// The Simpson nodes of all channels share their offsets, so along the row each node's value
/// follows from the previous channel's by `g_{j+1} = g_j r_j`, `r_{j+1} = r_j e^{−2Δ²}` with
/// `r_0 = e^{−2yΔ − Δ²}` (`exp(−(y + jΔ)²)` expanded): three exponentials per node instead of
/// one per node and channel. Equal to [`profile_mean`] per channel to ~1e-14 relative (one
/// rounding per channel stepped).
pub(crate) fn profile_means(x0: f64, dx: f64, spacing: f64, out: &mut [f64]) {
    if dx.abs() >= SIMPSON_BELOW_DX || !(0.0..=RECURRENCE_MAX_SPACING).contains(&spacing) {
        for (j, phi) in out.iter_mut().enumerate() {
            let x = x0 + j as f64 * spacing;
            *phi = profile_mean(x, x + dx);
        }
        return;
    }
    out.fill(0.0);
    let panels = ((dx.abs() / SIMPSON_PANEL_DX).ceil() as usize).max(1);
    let h = dx / (2 * panels) as f64;
    let step_ratio = (-2.0 * spacing * spacing).exp();
    for node in 0..=2 * panels {
        let weight = match node {
            0 => 1.0,
            n if n == 2 * panels => 1.0,
            n if n % 2 == 1 => 4.0,
            _ => 2.0,
        } / (6 * panels) as f64;
        let y = x0 + h * node as f64;
        let mut g = (-y * y).exp();
        let mut r = (-2.0 * y * spacing - spacing * spacing).exp();
        for phi in out.iter_mut() {
            *phi += weight * g;
            g *= r;
            r *= step_ratio;
        }
    }
}

/// `(escape, transmission)` of a piece of optical depth `Δτ`: `(1 − e^{−Δτ})/Δτ` (so the
/// piece adds `e^{−τ} j Δs · escape`, Rybicki & Lightman 1979 eq. 1.30 for a constant source
/// function) and `e^{−Δτ}`, from one exponential.
pub(crate) fn piece_factors(dtau: f64) -> (f64, f64) {
    if dtau.abs() < SERIES_BELOW_TAU {
        // 1 − Δτ/2 + Δτ²/6 − Δτ³/24, and e^{−Δτ} = 1 − Δτ · escape exactly
        let escape = 1.0 - dtau * (0.5 - dtau * (1.0 / 6.0 - dtau / 24.0));
        (escape, 1.0 - dtau * escape)
    } else if dtau < 0.5 {
        let e = (-dtau).exp_m1();
        (-e / dtau, 1.0 + e)
    } else {
        let t = (-dtau).exp();
        ((1.0 - t) / dtau, t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stop_lime::transport::formal::escape_factor;

    #[test]
    fn profile_mean_matches_the_erf_form() {
        for (x0, x1) in [(0.0_f64, 0.1_f64), (-0.7, 0.4), (0.3, 1.9), (-1.0, 0.99), (0.5, 4.0), (2.0, 2.0)] {
            let exact = if x1 == x0 { (-x0 * x0).exp() } else { 0.5 * std::f64::consts::PI.sqrt() * (stop_lime::transport::profile::erf(x1) - stop_lime::transport::profile::erf(x0)) / (x1 - x0) };
            assert!((profile_mean(x0, x1) - exact).abs() < 2e-5, "({x0}, {x1})");
        }
    }

    #[test]
    fn channel_rows_equal_channel_by_channel_means() {
        for (x0, dx, spacing, n) in [(-7.5, 0.3, 1.6, 10), (-6.2, -1.7, 0.8, 16), (-4.0, 0.0, 2.5, 4), (-6.0, 2.5, 1.0, 13), (-6.0, 0.2, 6.0, 3)] {
            let mut row = vec![0.0; n];
            profile_means(x0, dx, spacing, &mut row);
            for (j, &phi) in row.iter().enumerate() {
                let x = x0 + j as f64 * spacing;
                let single = profile_mean(x, x + dx);
                assert!((phi - single).abs() <= 1e-13 * single + 1e-16, "row {x0} {dx} {spacing}: channel {j}: {phi} vs {single}");
            }
        }
    }

    #[test]
    fn piece_factors_are_escape_and_transmission() {
        for dtau in [-20.0, -0.3, -1e-6, 0.0, 3e-6, 0.2, 0.49, 0.5, 2.0, 40.0] {
            let (escape, transmission) = piece_factors(dtau);
            assert!((escape / escape_factor(dtau) - 1.0).abs() < 1e-14, "escape at {dtau}");
            assert!((transmission / (-dtau).exp() - 1.0).abs() < 1e-12, "transmission at {dtau}");
        }
    }
}
