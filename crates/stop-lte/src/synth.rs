//! Synthetic spectra on a frequency (or velocity) axis: Gaussian opacity profiles summed
//! over the lines of each component, then radiative transfer component by component with
//! the ordering rules of `lte.md` §6.

use serde::Serialize;
use stop_physics::constants::C_KM_S;
use stop_physics::planck::radiation_temperature_k;
use stop_physics::profile::gaussian;

use crate::error::LteError;
use crate::model::{ComponentMode, LteModel};
use crate::opacity::line_opacity;

/// Lines farther than this many FWHM from a channel contribute nothing (φ < e^{−400}).
const PROFILE_CUTOFF_FWHM: f64 = 12.0;

/// A synthetic spectrum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spectrum {
    /// Channel frequencies, Hz (the axis as given).
    pub freq_hz: Vec<f64>,
    /// Model ΔT_mb: final intensity minus J(T_bg) (the continuum stays in), K.
    pub tmb_k: Vec<f64>,
    /// Total optical depth, all components.
    pub tau: Vec<f64>,
    /// Flux density per beam, Jy (only when the model has a beam).
    pub flux_jy: Option<Vec<f64>>,
}

impl Spectrum {
    /// The model on the antenna-temperature scale, T_A* = η_mb(ν) · ΔT_mb (`lte.md` §5), for
    /// data that are not corrected for the main-beam efficiency; `eta_mb` gives η_mb at a
    /// frequency in Hz (a constant, or a telescope's curve).
    ///
    /// ```
    /// let s = stop_lte::Spectrum { freq_hz: vec![1e11, 2e11], tmb_k: vec![2.0, 2.0], tau: vec![0.1; 2], flux_jy: None };
    /// assert_eq!(s.ta_star_k(|f_hz| if f_hz < 1.5e11 { 0.8 } else { 0.5 }), [1.6, 1.0]);
    /// ```
    #[must_use]
    pub fn ta_star_k(&self, eta_mb: impl Fn(f64) -> f64) -> Vec<f64> {
        self.tmb_k.iter().zip(&self.freq_hz).map(|(t, &f)| eta_mb(f) * t).collect()
    }
}

/// The default channel width, Hz: a tenth of the narrowest component FWHM, taken at `fmin_hz`
/// (so that every line is sampled by about ten channels or more).
#[must_use]
pub fn default_channel_hz(model: &LteModel, fmin_hz: f64) -> f64 {
    let fwhm_km_s = model.components.iter().map(|c| c.fwhm_km_s).fold(f64::INFINITY, f64::min);
    fmin_hz * fwhm_km_s / 10.0 / C_KM_S
}

/// Channel frequencies from `fmin_hz` to `fmax_hz` (inclusive, to rounding) in steps of
/// `step_hz`.
///
/// # Errors
/// [`LteError::InvalidSetting`] for non-finite bounds, `fmin ≥ fmax`, a step ≤ 0 or more
/// than 10⁷ channels.
pub fn frequency_grid(fmin_hz: f64, fmax_hz: f64, step_hz: f64) -> Result<Vec<f64>, LteError> {
    if !(fmin_hz.is_finite() && fmin_hz > 0.0) {
        return Err(LteError::InvalidSetting { field: "fmin_hz", value: fmin_hz, expected: "must be finite and > 0" });
    }
    if !(fmax_hz.is_finite() && fmax_hz > fmin_hz) {
        return Err(LteError::InvalidSetting { field: "fmax_hz", value: fmax_hz, expected: "must be finite and above fmin" });
    }
    let n = ((fmax_hz - fmin_hz) / step_hz * (1.0 + 1e-12)).floor();
    if !(step_hz.is_finite() && step_hz > 0.0 && n < 1e7) {
        return Err(LteError::InvalidSetting { field: "step_hz", value: step_hz, expected: "must be > 0 and give at most 1e7 channels" });
    }
    // n < 1e7 was checked, so the conversion is exact
    let n_channels = n as u32 + 1;
    Ok((0..n_channels).map(|i| fmin_hz + f64::from(i) * step_hz).collect())
}

/// Frequencies of velocity channels (radio convention, `lte.md` §7):
/// ν = ν₀ (1 − v/c).
#[must_use]
pub fn velocity_axis_hz(v_km_s: &[f64], rest_freq_hz: f64) -> Vec<f64> {
    v_km_s.iter().map(|v| rest_freq_hz * (1.0 - v / C_KM_S)).collect()
}

/// Synthesise the spectrum of a model on a frequency axis (any order).
///
/// Per component, τ(ν) = Σ_lines ∫τ dv · φ_v(v(ν) − v_lsr) with v(ν) = c (1 − ν/ν_line)
/// (`lte.md` §4.2, §7). Then, starting from I = J(T_bg) + T_c (§6): a `Sum` component adds
/// ff (J(T_ex) − J(T_bg) − T_c)(1 − e^{−τ}); a `Stack` component replaces I by
/// I + ff (J(T_ex) − I)(1 − e^{−τ}). The result is I − J(T_bg).
///
/// # Errors
/// Model validation and partition-function errors.
pub fn synthesize(model: &LteModel, freq_hz: &[f64]) -> Result<Spectrum, LteError> {
    model.validate()?;
    if let Some(bad) = freq_hz.iter().find(|f| !(f.is_finite() && **f > 0.0)) {
        return Err(LteError::InvalidSetting { field: "freq_hz", value: *bad, expected: "channel frequencies must be finite and > 0" });
    }
    let background: Vec<f64> = freq_hz.iter().map(|&nu| radiation_temperature_k(nu, model.tbg_k) + model.continuum_k).collect();
    let mut intensity = background.clone();
    let mut tau_total = vec![0.0; freq_hz.len()];
    for comp in &model.components {
        // (rest frequency, ∫τ dv in km/s) of every line of every species
        let mut lines = Vec::new();
        for entry in &comp.species {
            let q = entry.species.q(comp.tex_k)?;
            for tr in &entry.species.transitions {
                let op = line_opacity(tr, entry.column_cm2, comp.tex_k, q, comp.fwhm_km_s);
                if op.integrated_tau_km_s != 0.0 {
                    lines.push((tr.freq_hz, op.integrated_tau_km_s));
                }
            }
        }
        for (i_chan, &nu) in freq_hz.iter().enumerate() {
            let tau: f64 = lines
                .iter()
                .filter_map(|&(nu0, integrated)| {
                    let dv = C_KM_S * (1.0 - nu / nu0) - comp.vlsr_km_s;
                    (dv.abs() < PROFILE_CUTOFF_FWHM * comp.fwhm_km_s).then(|| integrated * gaussian(dv, 0.0, comp.fwhm_km_s))
                })
                .sum();
            if tau == 0.0 {
                continue;
            }
            tau_total[i_chan] += tau;
            let absorbed = -(-tau).exp_m1();
            let ff = model.filling_factor(comp, nu);
            let j_k = radiation_temperature_k(nu, comp.tex_k);
            intensity[i_chan] += match comp.mode {
                ComponentMode::Sum => ff * (j_k - background[i_chan]) * absorbed,
                ComponentMode::Stack => ff * (j_k - intensity[i_chan]) * absorbed,
            };
        }
    }
    let tmb_k: Vec<f64> = intensity.iter().zip(freq_hz).map(|(i, &nu)| i - radiation_temperature_k(nu, model.tbg_k)).collect();
    let flux_jy = model.beam.map(|beam| tmb_k.iter().zip(freq_hz).map(|(t, &nu)| t / beam.k_per_jy(nu)).collect());
    Ok(Spectrum { freq_hz: freq_hz.to_vec(), tmb_k, tau: tau_total, flux_jy })
}
