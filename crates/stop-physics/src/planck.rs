//! Planck and Rayleigh–Jeans laws (Rybicki & Lightman 1979, eqs. 1.51, 1.53).

use crate::constants::{C_CM_S, H_ERG_S, H_OVER_K_K_S, K_ERG_K};

/// hν/k in kelvin for a frequency in Hz.
#[must_use]
pub fn hnu_over_k_k(freq_hz: f64) -> f64 {
    H_OVER_K_K_S * freq_hz
}

/// Planck specific intensity B_ν(T), erg s⁻¹ cm⁻² Hz⁻¹ sr⁻¹ (Rybicki & Lightman eq. 1.51).
///
/// Returns 0 for `t_k <= 0` (no emission) and uses `exp_m1` so that the Rayleigh–Jeans
/// limit is exact to rounding.
///
/// ```
/// use stop_physics::planck::{planck_cgs, rayleigh_jeans_cgs};
/// // hν/kT = 1e-6: B and the RJ law agree to 5e-7 relative
/// let t_k = 1.0e4;
/// let freq_hz = 1e-6 * t_k / stop_physics::constants::H_OVER_K_K_S;
/// let ratio = planck_cgs(freq_hz, t_k) / rayleigh_jeans_cgs(freq_hz, t_k);
/// assert!((ratio - 1.0).abs() < 1e-6);
/// ```
#[must_use]
pub fn planck_cgs(freq_hz: f64, t_k: f64) -> f64 {
    if t_k <= 0.0 {
        return 0.0;
    }
    let x = hnu_over_k_k(freq_hz) / t_k;
    2.0 * H_ERG_S * freq_hz.powi(3) / (C_CM_S * C_CM_S) / x.exp_m1()
}

/// Rayleigh–Jeans intensity 2ν²kT/c², erg s⁻¹ cm⁻² Hz⁻¹ sr⁻¹ (Rybicki & Lightman eq. 1.53).
#[must_use]
pub fn rayleigh_jeans_cgs(freq_hz: f64, t_k: f64) -> f64 {
    2.0 * freq_hz * freq_hz * K_ERG_K * t_k / (C_CM_S * C_CM_S)
}

/// The "radiation temperature" J_ν(T) = (hν/k) / (exp(hν/kT) − 1), K: the Planck law
/// in Rayleigh–Jeans temperature units (Wilson, Rohlfs & Hüttemeister 2013, eq. 1.32).
/// Zero for `t_k <= 0`.
///
/// ```
/// use stop_physics::planck::radiation_temperature_k;
/// // high-temperature limit: J(T) → T − hν/2k
/// let j = radiation_temperature_k(115.271e9, 1000.0);
/// assert!((j - (1000.0 - 5.532 / 2.0)).abs() < 0.01);
/// ```
#[must_use]
pub fn radiation_temperature_k(freq_hz: f64, t_k: f64) -> f64 {
    if t_k <= 0.0 {
        return 0.0;
    }
    let t0_k = hnu_over_k_k(freq_hz);
    t0_k / (t0_k / t_k).exp_m1()
}

/// Rayleigh–Jeans brightness temperature of a specific intensity (inverse of
/// [`rayleigh_jeans_cgs`]), K.
#[must_use]
pub fn rj_temperature_k(freq_hz: f64, intensity_cgs: f64) -> f64 {
    intensity_cgs * C_CM_S * C_CM_S / (2.0 * freq_hz * freq_hz * K_ERG_K)
}

/// Excitation temperature of a line from the populations per sublevel ratio
/// `(n_u/g_u) / (n_l/g_l)` (Boltzmann law inverted), K. Negative for inversion.
#[must_use]
pub fn excitation_temperature_k(freq_hz: f64, ratio_per_sublevel: f64) -> f64 {
    -hnu_over_k_k(freq_hz) / ratio_per_sublevel.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planck_and_radiation_temperature_agree() {
        for &(freq_hz, t_k) in &[(115e9, 10.0), (1e12, 3.0), (5e9, 300.0)] {
            let b = planck_cgs(freq_hz, t_k);
            let j = radiation_temperature_k(freq_hz, t_k);
            let rel = (rj_temperature_k(freq_hz, b) - j).abs() / j;
            assert!(rel < 1e-13, "{freq_hz} {t_k}: {rel}");
        }
    }

    #[test]
    fn wien_limit_is_exponentially_small() {
        // hν/kT = 50: B / RJ = x e^{-x}/(1 - e^{-x}) ≈ 50 e^{-50}
        let t_k = 1.0;
        let freq_hz = 50.0 / H_OVER_K_K_S;
        let ratio = planck_cgs(freq_hz, t_k) / rayleigh_jeans_cgs(freq_hz, t_k);
        assert!((ratio / (50.0 * (-50.0f64).exp()) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn excitation_temperature_inverts_boltzmann() {
        let freq_hz = 230.538e9;
        let tex_k = 17.3;
        let ratio = (-hnu_over_k_k(freq_hz) / tex_k).exp();
        assert!((excitation_temperature_k(freq_hz, ratio) - tex_k).abs() < 1e-12);
    }
}
