//! Gaussian line profiles.
//!
//! A Gaussian of full width at half maximum Δ has standard deviation
//! σ = Δ / (2√(2 ln 2)) and Doppler parameter b = √2 σ = Δ / (2√(ln 2)).

/// 2√(2 ln 2): FWHM / σ of a Gaussian.
///
/// ```
/// use stop_physics::profile::{FWHM_OVER_DOPPLER_B, FWHM_OVER_SIGMA};
/// let ln2 = std::f64::consts::LN_2;
/// assert!((FWHM_OVER_SIGMA - 2.0 * (2.0 * ln2).sqrt()).abs() <= 2.0 * f64::EPSILON);
/// assert!((FWHM_OVER_DOPPLER_B - 2.0 * ln2.sqrt()).abs() <= 2.0 * f64::EPSILON);
/// ```
pub const FWHM_OVER_SIGMA: f64 = 2.354_820_045_030_949_3;
/// 2√(ln 2): FWHM / b (Doppler parameter) of a Gaussian.
pub const FWHM_OVER_DOPPLER_B: f64 = 1.665_109_222_315_395_5;

/// Unit-area Gaussian profile φ(x) of a given FWHM centred on `x0`, in units of 1/x.
///
/// ```
/// use stop_physics::profile::gaussian;
/// // peak of a unit-area Gaussian: 1/(1.0644670 FWHM)
/// let peak = gaussian(0.0, 0.0, 2.0);
/// assert!((peak * 1.064_467_019_4 * 2.0 - 1.0).abs() < 1e-10);
/// ```
#[must_use]
pub fn gaussian(x: f64, x0: f64, fwhm: f64) -> f64 {
    let sigma = fwhm / FWHM_OVER_SIGMA;
    let u = (x - x0) / sigma;
    (-0.5 * u * u).exp() / (sigma * (2.0 * std::f64::consts::PI).sqrt())
}

/// Gaussian of unit peak: exp(−4 ln 2 (x − x0)² / FWHM²).
#[must_use]
pub fn gaussian_unit_peak(x: f64, x0: f64, fwhm: f64) -> f64 {
    let u = (x - x0) / fwhm;
    (-4.0 * std::f64::consts::LN_2 * u * u).exp()
}

/// Thermal Doppler parameter b = √(2kT/m), km s⁻¹, for a molecule of mass `mass_amu`.
#[must_use]
pub fn thermal_doppler_b_km_s(tkin_k: f64, mass_amu: f64) -> f64 {
    use crate::constants::{AMU_G, K_ERG_K};
    (2.0 * K_ERG_K * tkin_k / (mass_amu * AMU_G)).sqrt() * 1e-5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_integrates_to_one() {
        let fwhm = 1.7;
        let dx = 1e-3;
        let sum: f64 = (-10_000..=10_000).map(|i| gaussian(f64::from(i) * dx, 0.0, fwhm) * dx).sum();
        assert!((sum - 1.0).abs() < 1e-10);
    }

    #[test]
    fn half_maximum_at_half_width() {
        assert!((gaussian_unit_peak(0.75, 0.0, 1.5) - 0.5).abs() < 1e-15);
        assert!((gaussian(0.75, 0.0, 1.5) / gaussian(0.0, 0.0, 1.5) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn thermal_width_of_co_at_20_k() {
        // b = sqrt(2kT/m) = 0.1089853 km/s for CO (28 u) at 20 K (computed by hand)
        assert!((thermal_doppler_b_km_s(20.0, 28.0) - 0.108_985_3).abs() < 1e-7);
    }
}
