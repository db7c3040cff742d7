//! Rotation (population) diagrams: ln(N_u/g_u) against E_u is a straight line of slope
//! −1/T_rot and intercept ln(N/Q(T_rot)) (Goldsmith & Langer 1999, ApJ 517, 209, eq. 19;
//! `lte.md` §8), with N_u = 8πkν²W / (hc³A_ul) (optically thin, T_bg ≪ T_ex) and the
//! opacity correction C_τ = τ/(1 − e^{−τ}) (Mangum & Shirley 2015, eq. 84) as an option.

use serde::{Deserialize, Serialize};
use stop_physics::constants::{C_CM_S, GAUSS_AREA_FACTOR, H_ERG_S, K_ERG_K};

use crate::error::LteError;
use crate::opacity::opacity_width_factor;
use crate::species::PartitionFunction;

/// One measured line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RotationPoint {
    /// Rest frequency, Hz.
    pub freq_hz: f64,
    /// Einstein A, s⁻¹.
    pub a_ul_s: f64,
    /// Upper-level weight.
    pub g_up: f64,
    /// Upper-level energy, K.
    pub eup_k: f64,
    /// Integrated intensity ∫T_mb dv, K km s⁻¹.
    pub w_k_km_s: f64,
    /// 1σ uncertainty of `w_k_km_s`, K km s⁻¹.
    pub w_err_k_km_s: f64,
}

/// Which opacity correction factor multiplies the optically thin N_u.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpacityCorrection {
    /// C_τ = τ0/(1 − e^{−τ0}) with the line-centre τ0 (Mangum & Shirley 2015, eq. 84;
    /// Goldsmith & Langer 1999). Over-corrects integrated intensities of thick lines.
    #[default]
    Peak,
    /// The exact factor for a Gaussian opacity profile, ∫τ dv / ∫(1 − e^{−τ}) dv
    /// (consistent with the LTE model of this crate).
    GaussianProfile,
}

/// Options of the fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RotationParams {
    /// Beam-filling factor the intensities are divided by.
    pub filling_factor: f64,
    /// Line FWHM (km s⁻¹) for the opacity correction; `None` = optically thin.
    pub tau_correction_fwhm_km_s: Option<f64>,
    /// Which correction factor (used only with `tau_correction_fwhm_km_s`).
    pub correction: OpacityCorrection,
    /// Maximum iterations of the opacity correction.
    pub max_iterations: usize,
    /// Relative change of T_rot at which the opacity iteration stops.
    pub tolerance: f64,
}

impl Default for RotationParams {
    fn default() -> Self {
        Self { filling_factor: 1.0, tau_correction_fwhm_km_s: None, correction: OpacityCorrection::Peak, max_iterations: 200, tolerance: 1e-10 }
    }
}

/// The fitted diagram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RotationFit {
    /// Rotation temperature, K.
    pub trot_k: f64,
    /// 1σ uncertainty of T_rot, K.
    pub trot_err_k: f64,
    /// Total column density N = Q(T_rot) e^{intercept}, cm⁻².
    pub column_cm2: f64,
    /// 1σ uncertainty of N (from intercept, slope, their covariance and dQ/dT), cm⁻².
    pub column_err_cm2: f64,
    /// Q(T_rot).
    pub q: f64,
    /// χ² of the weighted fit.
    pub chi2: f64,
    /// Upper energies of the points, K.
    pub eup_k: Vec<f64>,
    /// ln(N_u/g_u) of the points (after the opacity correction, if any), ln(cm⁻²).
    pub ln_nu_over_gu: Vec<f64>,
    /// 1σ uncertainties of `ln_nu_over_gu`.
    pub ln_err: Vec<f64>,
    /// Opacity correction factor of each point (1 when thin).
    pub tau_correction: Vec<f64>,
    /// Iterations of the opacity correction (0 without it).
    pub iterations: usize,
}

/// N_u = 8πkν² W / (h c³ A_ul) for W in K km s⁻¹, cm⁻² (`lte.md` §8).
///
/// ```
/// // lte.md §8: CO 1-0, W = 8.3785e-4 K km/s → N_u = 3.00401e11 cm^-2
/// let nu = stop_lte::rotation::upper_column_from_w_cm2(115.271_201_8e9, 7.203e-8, 8.3785e-4);
/// assert!((nu / 3.004_01e11 - 1.0).abs() < 2e-5);
/// ```
#[must_use]
pub fn upper_column_from_w_cm2(freq_hz: f64, a_ul_s: f64, w_k_km_s: f64) -> f64 {
    8.0 * std::f64::consts::PI * K_ERG_K * freq_hz * freq_hz * (w_k_km_s * 1e5) / (H_ERG_S * C_CM_S.powi(3) * a_ul_s)
}

/// Weighted straight-line fit y = a + b x; returns (a, b, var a, var b, cov ab, χ²).
fn weighted_line(x: &[f64], y: &[f64], sigma: &[f64]) -> (f64, f64, f64, f64, f64, f64) {
    let (mut s, mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((&xi, &yi), &si) in x.iter().zip(y).zip(sigma) {
        let w = 1.0 / (si * si);
        s += w;
        sx += w * xi;
        sy += w * yi;
        sxx += w * xi * xi;
        sxy += w * xi * yi;
    }
    let delta = s * sxx - sx * sx;
    let a = (sxx * sy - sx * sxy) / delta;
    let b = (s * sxy - sx * sy) / delta;
    let chi2 = x.iter().zip(y).zip(sigma).map(|((&xi, &yi), &si)| ((yi - a - b * xi) / si).powi(2)).sum();
    (a, b, sxx / delta, s / delta, -sx / delta, chi2)
}

/// Fit a rotation diagram (weighted least squares in ln(N_u/g_u), weights from the
/// intensity uncertainties). With `tau_correction_fwhm_km_s`, each N_u is multiplied by
/// C_τ = τ0/(1 − e^{−τ0}) where τ0 follows from the current (N, T_rot) fit, and the fit is
/// repeated (under-relaxed) until the corrections settle.
///
/// # Errors
/// [`LteError::BadPoint`], [`LteError::DegenerateDiagram`], [`LteError::NonPhysicalSlope`],
/// [`LteError::NotConverged`], partition-function errors.
pub fn fit_rotation_diagram(points: &[RotationPoint], partition: &PartitionFunction, params: RotationParams) -> Result<RotationFit, LteError> {
    validate_points(points, params)?;
    let eup_k: Vec<f64> = points.iter().map(|p| p.eup_k).collect();
    let thin_ln: Vec<f64> =
        points.iter().map(|p| (upper_column_from_w_cm2(p.freq_hz, p.a_ul_s, p.w_k_km_s / params.filling_factor) / p.g_up).ln()).collect();
    let ln_err: Vec<f64> = points.iter().map(|p| p.w_err_k_km_s / p.w_k_km_s).collect();
    let mut correction = vec![1.0; points.len()];
    let mut iterations = 0;
    let mut last_change = f64::INFINITY;
    loop {
        let y: Vec<f64> = thin_ln.iter().zip(&correction).map(|(ln, c): (&f64, &f64)| ln + c.ln()).collect();
        let (a, b, var_a, var_b, cov_ab, chi2) = weighted_line(&eup_k, &y, &ln_err);
        if b >= 0.0 || b.is_nan() {
            return Err(LteError::NonPhysicalSlope { slope_per_k: b });
        }
        let trot_k = -1.0 / b;
        let q = partition.q(trot_k)?;
        let column_cm2 = q * a.exp();
        let Some(fwhm_km_s) = params.tau_correction_fwhm_km_s else {
            return Ok(finish(trot_k, q, column_cm2, (a, b, var_a, var_b, cov_ab, chi2), partition, eup_k, y, ln_err, correction, 0));
        };
        if iterations >= params.max_iterations {
            return Err(LteError::NotConverged { iterations, rel_change: last_change });
        }
        iterations += 1;
        // τ0 of each line in LTE at (N, T_rot): the same formula as opacity::line_opacity
        let new_correction: Vec<f64> = points
            .iter()
            .map(|p| {
                let tr = crate::species::Transition { freq_hz: p.freq_hz, a_ul_s: p.a_ul_s, g_up: p.g_up, eup_k: p.eup_k, label: String::new() };
                let tau0 = crate::opacity::line_opacity(&tr, column_cm2, trot_k, q, fwhm_km_s).tau0;
                match params.correction {
                    OpacityCorrection::Peak if tau0 < 1e-8 => 1.0 + tau0 / 2.0,
                    OpacityCorrection::Peak => tau0 / -(-tau0).exp_m1(),
                    OpacityCorrection::GaussianProfile if tau0 < 1e-8 => 1.0,
                    OpacityCorrection::GaussianProfile => tau0 * GAUSS_AREA_FACTOR / opacity_width_factor(tau0),
                }
            })
            .collect();
        let change = new_correction.iter().zip(&correction).fold(0.0_f64, |m, (n, o)| m.max((n / o - 1.0).abs()));
        // under-relaxed update (geometric mean of old and new): the plain fixed-point
        // iteration oscillates once the lines are optically thick; same fixed point
        correction = new_correction.iter().zip(&correction).map(|(n, o)| (n * o).sqrt()).collect();
        last_change = change;
        if change < params.tolerance {
            let y: Vec<f64> = thin_ln.iter().zip(&correction).map(|(ln, c): (&f64, &f64)| ln + c.ln()).collect();
            let fit = weighted_line(&eup_k, &y, &ln_err);
            let trot_k = -1.0 / fit.1;
            let q = partition.q(trot_k)?;
            return Ok(finish(trot_k, q, q * fit.0.exp(), fit, partition, eup_k, y, ln_err, correction, iterations));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(
    trot_k: f64,
    q: f64,
    column_cm2: f64,
    (_, b, var_a, var_b, cov_ab, chi2): (f64, f64, f64, f64, f64, f64),
    partition: &PartitionFunction,
    eup_k: Vec<f64>,
    ln_nu_over_gu: Vec<f64>,
    ln_err: Vec<f64>,
    tau_correction: Vec<f64>,
    iterations: usize,
) -> RotationFit {
    // T = −1/b → σ_T = σ_b / b²; ln N = a + ln Q(−1/b) → ∂lnN/∂b = (dlnQ/dT) / b²
    let trot_err_k = var_b.sqrt() / (b * b);
    let h = 1e-4 * trot_k;
    let dlnq_dt = match (partition.q(trot_k + h), partition.q(trot_k - h)) {
        (Ok(up), Ok(down)) => (up.ln() - down.ln()) / (2.0 * h),
        // at a table edge: one-sided difference
        (Ok(up), Err(_)) => (up.ln() - q.ln()) / h,
        (Err(_), Ok(down)) => (q.ln() - down.ln()) / h,
        (Err(_), Err(_)) => 0.0,
    };
    let g = dlnq_dt / (b * b);
    let var_ln_n = var_a + g * g * var_b + 2.0 * g * cov_ab;
    RotationFit {
        trot_k,
        trot_err_k,
        column_cm2,
        column_err_cm2: column_cm2 * var_ln_n.max(0.0).sqrt(),
        q,
        chi2,
        eup_k,
        ln_nu_over_gu,
        ln_err,
        tau_correction,
        iterations,
    }
}

fn validate_points(points: &[RotationPoint], params: RotationParams) -> Result<(), LteError> {
    for (index, p) in points.iter().enumerate() {
        let check = |field: &'static str, value: f64, ok: bool, expected: &'static str| {
            if ok { Ok(()) } else { Err(LteError::BadPoint { index, field, value, expected }) }
        };
        check("freq_hz", p.freq_hz, p.freq_hz.is_finite() && p.freq_hz > 0.0, "must be finite and > 0")?;
        check("a_ul_s", p.a_ul_s, p.a_ul_s.is_finite() && p.a_ul_s > 0.0, "must be finite and > 0")?;
        check("g_up", p.g_up, p.g_up.is_finite() && p.g_up > 0.0, "must be finite and > 0")?;
        check("eup_k", p.eup_k, p.eup_k.is_finite() && p.eup_k >= 0.0, "must be finite and >= 0")?;
        check("w_k_km_s", p.w_k_km_s, p.w_k_km_s.is_finite() && p.w_k_km_s > 0.0, "must be > 0 (a detection)")?;
        check("w_err_k_km_s", p.w_err_k_km_s, p.w_err_k_km_s.is_finite() && p.w_err_k_km_s > 0.0, "must be finite and > 0")?;
    }
    let ok = |field: &'static str, value: f64, good: bool| {
        if good { Ok(()) } else { Err(LteError::InvalidSetting { field, value, expected: "must be finite and > 0" }) }
    };
    ok("filling_factor", params.filling_factor, params.filling_factor.is_finite() && params.filling_factor > 0.0)?;
    if let Some(fwhm) = params.tau_correction_fwhm_km_s {
        ok("fwhm_km_s", fwhm, fwhm.is_finite() && fwhm > 0.0)?;
    }
    let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| (lo.min(p.eup_k), hi.max(p.eup_k)));
    if points.len() < 2 || hi - lo <= 0.0 {
        return Err(LteError::DegenerateDiagram { n_points: points.len(), eup_span_k: if points.is_empty() { 0.0 } else { hi - lo } });
    }
    Ok(())
}
