//! The per-line table: for each line of each species of each component, N_u, τ0, ∫τ dv,
//! the peak brightness and the integrated intensity of the line on its own.

use serde::Serialize;
use stop_physics::constants::C_KM_S;
use stop_physics::planck::radiation_temperature_k;

use crate::error::LteError;
use crate::model::LteModel;
use crate::opacity::{line_opacity, opacity_width_factor};

/// LTE quantities of one line of one component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineRow {
    /// Component index (0-based).
    pub component: usize,
    /// Species name.
    pub species: String,
    /// Quantum numbers.
    pub label: String,
    /// Rest frequency, Hz.
    pub freq_hz: f64,
    /// Upper-level energy, K.
    pub eup_k: f64,
    /// Einstein A, s⁻¹.
    pub a_ul_s: f64,
    /// Upper-level weight.
    pub g_up: f64,
    /// Partition function used, Q(T_ex).
    pub q: f64,
    /// Upper-level column, cm⁻².
    pub upper_column_cm2: f64,
    /// Line-centre optical depth.
    pub tau0: f64,
    /// ∫τ dv, km s⁻¹.
    pub integrated_tau_km_s: f64,
    /// Peak of ΔT_mb = ff [J(T_ex) − J(T_bg) − T_c] (1 − e^{−τ0}) for this line alone, K
    /// (`lte.md` §5, §9).
    pub tpeak_k: f64,
    /// ∫ΔT_mb dv of this line alone, K km s⁻¹.
    pub w_k_km_s: f64,
    /// Filling factor used.
    pub filling_factor: f64,
}

/// The line table of a model, optionally restricted to lines whose (Doppler-shifted)
/// centre lies in `[fmin_hz, fmax_hz]`. Rows are ordered by component, then frequency.
/// Overlaps between lines are ignored here; the spectrum accounts for them.
///
/// ```
/// use stop_lte::{line_table, Component, ComponentMode, LteModel, PartitionFunction, Species, SpeciesColumn, Transition};
/// let co10 = Transition { freq_hz: 115.271_201_8e9, a_ul_s: 7.203e-8, g_up: 3.0, eup_k: 5.532_145, label: "1 - 0".into() };
/// let species = Species { name: "CO".into(), transitions: vec![co10], partition: PartitionFunction::Fixed(7.573_23) };
/// let mut model = LteModel::new(2.725);
/// model.components.push(Component {
///     tex_k: 20.0, fwhm_km_s: 1.0, vlsr_km_s: 0.0, source_arcsec: None, mode: ComponentMode::Sum,
///     species: vec![SpeciesColumn { species, column_cm2: 1e16 }],
/// });
/// let rows = line_table(&model, None).unwrap();
/// assert!((rows[0].tpeak_k / 6.023_77 - 1.0).abs() < 1e-6); // lte.md §9
/// ```
///
/// # Errors
/// Validation errors of the model, partition-function errors, and
/// [`LteError::NoLinesInRange`] when no line is selected.
pub fn line_table(model: &LteModel, range_hz: Option<(f64, f64)>) -> Result<Vec<LineRow>, LteError> {
    model.validate()?;
    if let Some((fmin_hz, fmax_hz)) = range_hz
        && !(fmin_hz.is_finite() && fmax_hz.is_finite() && fmin_hz < fmax_hz && fmin_hz >= 0.0)
    {
        return Err(LteError::InvalidSetting { field: "fmax_hz", value: fmax_hz, expected: "must be finite and above fmin_hz >= 0" });
    }
    let mut rows = Vec::new();
    for (i_comp, comp) in model.components.iter().enumerate() {
        let doppler = 1.0 - comp.vlsr_km_s / C_KM_S;
        let mut comp_rows = Vec::new();
        for entry in &comp.species {
            let q = entry.species.q(comp.tex_k)?;
            for tr in &entry.species.transitions {
                let centre_hz = tr.freq_hz * doppler;
                if range_hz.is_some_and(|(lo, hi)| centre_hz < lo || centre_hz > hi) {
                    continue;
                }
                let op = line_opacity(tr, entry.column_cm2, comp.tex_k, q, comp.fwhm_km_s);
                let ff = model.filling_factor(comp, centre_hz);
                let background_k = radiation_temperature_k(centre_hz, model.tbg_k) + model.continuum_k;
                let contrast_k = ff * (radiation_temperature_k(centre_hz, comp.tex_k) - background_k);
                comp_rows.push(LineRow {
                    component: i_comp,
                    species: entry.species.name.clone(),
                    label: tr.label.clone(),
                    freq_hz: tr.freq_hz,
                    eup_k: tr.eup_k,
                    a_ul_s: tr.a_ul_s,
                    g_up: tr.g_up,
                    q,
                    upper_column_cm2: op.upper_column_cm2,
                    tau0: op.tau0,
                    integrated_tau_km_s: op.integrated_tau_km_s,
                    tpeak_k: contrast_k * -(-op.tau0).exp_m1(),
                    w_k_km_s: contrast_k * comp.fwhm_km_s * opacity_width_factor(op.tau0),
                    filling_factor: ff,
                });
            }
        }
        comp_rows.sort_by(|a, b| a.freq_hz.total_cmp(&b.freq_hz));
        rows.extend(comp_rows);
    }
    if rows.is_empty() {
        let (fmin_hz, fmax_hz) = range_hz.unwrap_or((0.0, f64::INFINITY));
        return Err(LteError::NoLinesInRange { species: model.species_names(), fmin_ghz: fmin_hz * 1e-9, fmax_ghz: fmax_hz * 1e-9 });
    }
    Ok(rows)
}
