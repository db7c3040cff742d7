//! Per-line LTE quantities: upper-level column, integrated and peak optical depth
//! (`lte.md` §3 and §4.2; Mangum & Shirley 2015, PASP 127, 266, eq. 29).
//!
//! SI units inside (N_u in m⁻², ΔV in m s⁻¹, ν in Hz), as `lte.md` §4.2 advises: the
//! cgs factors of 1e4 and 1e5 are where LTE codes usually go wrong.

use serde::Serialize;
use stop_physics::constants::{C_M_S, H_OVER_K_K_S};

use crate::species::Transition;

/// 2√(ln 2/π): peak of the unit-area Gaussian times its FWHM (`lte.md` §2).
pub const GAUSS_PEAK_TIMES_FWHM: f64 = 0.939_437_278_699_651_3;

/// LTE quantities of one transition.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LineOpacity {
    /// Upper-level column N_u = N g_u exp(−E_u/T_ex)/Q, cm⁻².
    pub upper_column_cm2: f64,
    /// ∫τ dv, km s⁻¹.
    pub integrated_tau_km_s: f64,
    /// ∫τ dν, Hz.
    pub integrated_tau_hz: f64,
    /// Optical depth at line centre for a Gaussian of the given FWHM.
    pub tau0: f64,
}

/// Boltzmann upper-level column (`lte.md` §3): N_u = N_tot g_u exp(−E_u/T_ex) / Q(T_ex), cm⁻².
#[must_use]
pub fn upper_column_cm2(transition: &Transition, column_cm2: f64, tex_k: f64, q: f64) -> f64 {
    column_cm2 * transition.g_up * (-transition.eup_k / tex_k).exp() / q
}

/// ∫τ dv = c³ A_ul N_u (exp(hν/kT_ex) − 1) / (8π ν³), in m s⁻¹ for N_u in m⁻² (`lte.md` §4.2).
fn integrated_tau_m_s(transition: &Transition, upper_column_m2: f64, tex_k: f64) -> f64 {
    let nu = transition.freq_hz;
    let stimulated = (H_OVER_K_K_S * nu / tex_k).exp_m1();
    C_M_S.powi(3) * transition.a_ul_s * upper_column_m2 * stimulated / (8.0 * std::f64::consts::PI * nu.powi(3))
}

/// The LTE quantities of one line for a total column, T_ex, Q(T_ex) and a Gaussian FWHM.
///
/// ```
/// use stop_lte::{line_opacity, Transition};
/// // lte.md §9, first row: CO 1-0, N = 1e16 cm^-2, T_ex = 20 K, ΔV = 1 km/s, Q = 7.57323
/// let co10 = Transition { freq_hz: 115.271_201_8e9, a_ul_s: 7.203e-8, g_up: 3.0, eup_k: 5.532_145, label: "1 - 0".into() };
/// let line = line_opacity(&co10, 1e16, 20.0, 7.573_23, 1.0);
/// assert!((line.upper_column_cm2 / 3.004_08e15 - 1.0).abs() < 1e-5);
/// assert!((line.tau0 - 0.453_382).abs() < 5e-7); // the 6 printed digits
/// ```
#[must_use]
pub fn line_opacity(transition: &Transition, column_cm2: f64, tex_k: f64, q: f64, fwhm_km_s: f64) -> LineOpacity {
    let upper_column_cm2 = upper_column_cm2(transition, column_cm2, tex_k, q);
    let integrated_m_s = integrated_tau_m_s(transition, upper_column_cm2 * 1e4, tex_k);
    let integrated_tau_km_s = integrated_m_s * 1e-3;
    LineOpacity {
        upper_column_cm2,
        integrated_tau_km_s,
        // ∫τ dν = (ν0/c) ∫τ dv
        integrated_tau_hz: integrated_m_s * transition.freq_hz / C_M_S,
        // τ0 = ∫τ dv · φ(0), φ(0) = 2√(ln2/π)/ΔV
        tau0: integrated_tau_km_s * GAUSS_PEAK_TIMES_FWHM / fwhm_km_s,
    }
}

/// ∫(1 − exp(−τ0 exp(−4 ln2 v²/ΔV²))) dv in units of ΔV: the "effective width" of a
/// Gaussian-opacity line (→ √(π/(4 ln 2)) τ0 when thin). Trapezoid rule on a grid that
/// resolves the profile; exponentially convergent for this smooth integrand.
#[must_use]
pub fn opacity_width_factor(tau0: f64) -> f64 {
    // x = v/ΔV; the integrand is below 1e-18 beyond τ0 exp(−4 ln2 x²) < 1e-18
    let x_max = ((tau0.max(1.0).ln() + 18.0 * std::f64::consts::LN_10) / (4.0 * std::f64::consts::LN_2)).sqrt();
    let n_steps = 4000_u32;
    let dx = 2.0 * x_max / f64::from(n_steps);
    (0..=n_steps)
        .map(|i| {
            let x = -x_max + f64::from(i) * dx;
            let weight = if i == 0 || i == n_steps { 0.5 } else { 1.0 };
            weight * -(-tau0 * (-4.0 * std::f64::consts::LN_2 * x * x).exp()).exp_m1()
        })
        .sum::<f64>()
        * dx
}

#[cfg(test)]
mod tests {
    use super::*;
    use stop_physics::constants::GAUSS_AREA_FACTOR;

    #[test]
    fn peak_constant_is_two_sqrt_ln2_over_pi() {
        let expected = 2.0 * (std::f64::consts::LN_2 / std::f64::consts::PI).sqrt();
        assert!((GAUSS_PEAK_TIMES_FWHM - expected).abs() < 1e-16);
        // stop-physics' GAUSS_AREA_FACTOR literal ends in …2303 where √(π/(4 ln 2)) is
        // 1.0644670194312262 (4e-15 relative): the product is 1 to that precision
        assert!((GAUSS_PEAK_TIMES_FWHM * GAUSS_AREA_FACTOR - 1.0).abs() < 5e-15);
    }

    #[test]
    fn width_factor_thin_and_thick_limits() {
        // thin: ∫(1 − e^{−τ}) dv → ∫τ dv = τ0 · 1.0644670 ΔV
        let tau0 = 1e-6;
        assert!((opacity_width_factor(tau0) / (tau0 * GAUSS_AREA_FACTOR) - 1.0).abs() < 1e-6);
        // series √π Σ (−1)^{n+1} τ0^n/(n! √n) in units of the 1/e half-width, τ0 = 1
        let series: f64 = (1..40)
            .map(|n: i32| {
                let nf = f64::from(n);
                let fact: f64 = (1..=n).map(f64::from).product();
                (-1f64).powi(n + 1) / (fact * nf.sqrt())
            })
            .sum::<f64>()
            * std::f64::consts::PI.sqrt()
            / (2.0 * std::f64::consts::LN_2.sqrt());
        assert!((opacity_width_factor(1.0) / series - 1.0).abs() < 1e-12);
        // thick: grows like √(ln τ0) — wider than the profile itself
        assert!(opacity_width_factor(1e4) > 2.0);
    }
}
