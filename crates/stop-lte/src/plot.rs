//! Figures of spectra and rotation diagrams, drawn by `stop-plot` (PNG or SVG by
//! extension).

use stop_plot::{Figure, Series, SeriesKind};

use crate::rotation::RotationFit;
use crate::synth::Spectrum;

/// A spectrum against frequency in GHz, or against velocity (km s⁻¹, radio convention)
/// when `velocity_km_s` is given (same length as the spectrum).
#[must_use]
pub fn spectrum_figure(title: &str, spectrum: &Spectrum, velocity_km_s: Option<&[f64]>) -> Figure {
    let (x, x_label) = match velocity_km_s {
        Some(v) => (v.to_vec(), "velocity [km/s]"),
        None => (spectrum.freq_hz.iter().map(|f| f * 1e-9).collect(), "frequency [GHz]"),
    };
    Figure::new(title, x_label, "T_mb [K]").with(Series::new("LTE model", x, spectrum.tmb_k.clone(), SeriesKind::Steps))
}

/// The rotation diagram: ln(N_u/g_u) with error bars against E_u, and the fitted line.
#[must_use]
pub fn rotation_figure(title: &str, fit: &RotationFit) -> Figure {
    let (e_min, e_max) = fit.eup_k.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), e| (lo.min(*e), hi.max(*e)));
    let line_at = |e_k: f64| (fit.column_cm2 / fit.q).ln() - e_k / fit.trot_k;
    let label = format!("T_rot = {:.2} ± {:.2} K, N = {:.3e} ± {:.1e} cm^-2", fit.trot_k, fit.trot_err_k, fit.column_cm2, fit.column_err_cm2);
    Figure::new(title, "E_u [K]", "ln(N_u / g_u) [ln cm^-2]")
        .with(Series::new("lines", fit.eup_k.clone(), fit.ln_nu_over_gu.clone(), SeriesKind::Markers).with_errors(fit.ln_err.clone()))
        .with(Series::new(&label, vec![e_min, e_max], vec![line_at(e_min), line_at(e_max)], SeriesKind::Line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_carry_the_data_and_draw() {
        let spectrum = Spectrum { freq_hz: vec![1e11, 1.0001e11, 1.0002e11], tmb_k: vec![0.0, 1.0, 0.0], tau: vec![0.0; 3], flux_jy: None };
        let fig = spectrum_figure("t", &spectrum, None);
        for (x, expected) in fig.series[0].x.iter().zip([100.0, 100.01, 100.02]) {
            assert!((x - expected).abs() < 1e-12);
        }
        let fit = RotationFit {
            trot_k: 20.0,
            trot_err_k: 1.0,
            column_cm2: 1e15,
            column_err_cm2: 1e14,
            q: 10.0,
            chi2: 0.0,
            eup_k: vec![5.0, 16.0],
            ln_nu_over_gu: vec![31.0, 30.5],
            ln_err: vec![0.1, 0.1],
            tau_correction: vec![1.0, 1.0],
            iterations: 0,
        };
        let fig = rotation_figure("rd", &fit);
        // the fitted line: ln(N/Q) − E/T
        let y0 = fig.series[1].y[0];
        assert!((y0 - ((1e14f64).ln() - 5.0 / 20.0)).abs() < 1e-12);
        let dir = tempfile::tempdir().expect("tempdir");
        stop_plot::plot_spectrum(dir.path().join("rd.svg"), &fig).expect("svg");
    }
}
