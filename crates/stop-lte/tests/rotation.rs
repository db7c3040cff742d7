//! Rotation diagrams (`lte.md` §8): round trips through the LTE model and the formal
//! uncertainties of the weighted fit.

use stop_lte::rotation::upper_column_from_w_cm2;
use stop_lte::{
    Component, ComponentMode, LteError, LteModel, OpacityCorrection, PartitionFunction, RotationParams, RotationPoint, Species, SpeciesColumn, Transition,
    fit_rotation_diagram, line_table,
};
use stop_physics::constants::GAUSS_AREA_FACTOR;

fn co() -> Species {
    Species::from_molecule(&stop_molecule::shipped("co").expect("co"))
}

/// Points measured from the LTE model itself (T_bg = 0, so only opacity biases them).
fn measured_points(column_cm2: f64, tex_k: f64, n_lines: usize) -> (Vec<RotationPoint>, PartitionFunction) {
    let species = co();
    let partition = species.partition.clone();
    let mut model = LteModel::new(0.0);
    model.components.push(Component {
        tex_k,
        fwhm_km_s: 1.0,
        vlsr_km_s: 0.0,
        source_arcsec: None,
        mode: ComponentMode::Sum,
        species: vec![SpeciesColumn { species, column_cm2 }],
    });
    let rows = line_table(&model, None).expect("lines");
    let points = rows
        .iter()
        .take(n_lines)
        .map(|r| RotationPoint { freq_hz: r.freq_hz, a_ul_s: r.a_ul_s, g_up: r.g_up, eup_k: r.eup_k, w_k_km_s: r.w_k_km_s, w_err_k_km_s: 0.05 * r.w_k_km_s })
        .collect();
    (points, partition)
}

#[test]
fn note_round_trip_for_co_1_0() {
    // lte.md §8: N = 1e12, T_ex = 20 K, ΔV = 1, T_bg → 0, W = ΔT_peak · 1.06447 · ΔV
    // = 8.3785e-4 K km/s gives N_u(RD) = 3.00401e11 against the true 3.00408e11; the
    // ratio is (1 − e^{−τ0})/τ0
    let tr = Transition { freq_hz: 115.271_201_8e9, a_ul_s: 7.203e-8, g_up: 3.0, eup_k: 5.532_145, label: String::new() };
    let mut model = LteModel::new(0.0);
    let species = Species { name: "CO".into(), transitions: vec![tr], partition: PartitionFunction::Fixed(7.573_23) };
    model.components.push(Component {
        tex_k: 20.0,
        fwhm_km_s: 1.0,
        vlsr_km_s: 0.0,
        source_arcsec: None,
        mode: ComponentMode::Sum,
        species: vec![SpeciesColumn { species, column_cm2: 1e12 }],
    });
    let row = &line_table(&model, None).expect("line")[0];
    let w_k_km_s = row.tpeak_k * GAUSS_AREA_FACTOR * 1.0;
    assert!((w_k_km_s - 8.3785e-4).abs() <= 0.5e-8, "{w_k_km_s}");
    let n_u = upper_column_from_w_cm2(row.freq_hz, row.a_ul_s, w_k_km_s);
    assert!((n_u - 3.004_01e11).abs() <= 0.5e6, "{n_u}");
    assert!((row.upper_column_cm2 - 3.004_08e11).abs() <= 0.5e6);
    assert!((n_u / row.upper_column_cm2 - (-(-row.tau0).exp_m1() / row.tau0)).abs() < 1e-12);
}

#[test]
fn thin_lines_give_back_the_model_temperature_and_column() {
    let (points, partition) = measured_points(1e12, 25.0, 6);
    let fit = fit_rotation_diagram(&points, &partition, RotationParams::default()).expect("fit");
    // τ0 ≤ 1e-4 here: the only bias is (1 − e^{−τ})/τ of the line profile, < 1e-4
    assert!((fit.trot_k / 25.0 - 1.0).abs() < 1e-4, "{}", fit.trot_k);
    assert!((fit.column_cm2 / 1e12 - 1.0).abs() < 1e-4, "{}", fit.column_cm2);
    assert!(fit.chi2 < 1e-4);
}

#[test]
fn opacity_correction_reduces_the_thick_bias() {
    let (points, partition) = measured_points(1e16, 25.0, 6);
    let thin = fit_rotation_diagram(&points, &partition, RotationParams::default()).expect("thin fit");
    let params = RotationParams { tau_correction_fwhm_km_s: Some(1.0), ..RotationParams::default() };
    let corrected = fit_rotation_diagram(&points, &partition, params).expect("corrected fit");
    let thin_error = (thin.column_cm2 / 1e16 - 1.0).abs();
    let corrected_error = (corrected.column_cm2 / 1e16 - 1.0).abs();
    assert!(thin_error > 0.1, "thick lines underestimate N without correction: {thin_error}");
    // C_τ uses the peak τ while W integrates over the profile: approximate, but better
    assert!(corrected_error < thin_error, "{corrected_error} vs {thin_error}");
    assert!(corrected.iterations > 1 && corrected.tau_correction.iter().all(|c| *c >= 1.0));
    // the Gaussian-profile factor is exact for this model: the round trip closes
    let exact = RotationParams { correction: OpacityCorrection::GaussianProfile, ..params };
    let fit = fit_rotation_diagram(&points, &partition, exact).expect("exact fit");
    assert!((fit.column_cm2 / 1e16 - 1.0).abs() < 1e-6, "{}", fit.column_cm2);
    assert!((fit.trot_k / 25.0 - 1.0).abs() < 1e-6, "{}", fit.trot_k);
}

#[test]
fn two_point_uncertainties_follow_from_error_propagation() {
    // two points: slope b = Δy/Δx, σ_b² = (σ1² + σ2²)/Δx², T = −1/b, σ_T = σ_b/b²
    let (mut points, _) = measured_points(1e12, 25.0, 2);
    points[0].w_err_k_km_s = 0.1 * points[0].w_k_km_s;
    points[1].w_err_k_km_s = 0.2 * points[1].w_k_km_s;
    let fixed_q = PartitionFunction::Fixed(10.0);
    let fit = fit_rotation_diagram(&points, &fixed_q, RotationParams::default()).expect("fit");
    let dx = points[1].eup_k - points[0].eup_k;
    let sigma_b = (0.1f64.powi(2) + 0.2f64.powi(2)).sqrt() / dx;
    let b = -1.0 / fit.trot_k;
    assert!((fit.trot_err_k / (sigma_b / (b * b)) - 1.0).abs() < 1e-10);
    // with a fixed Q, ln N = a: σ_a² = (x2² σ1² + x1² σ2²)/Δx²
    let (x1, x2) = (points[0].eup_k, points[1].eup_k);
    let sigma_a = ((x2 * 0.1).powi(2) + (x1 * 0.2).powi(2)).sqrt() / dx;
    assert!((fit.column_err_cm2 / (fit.column_cm2 * sigma_a) - 1.0).abs() < 1e-10);
    assert!(fit.chi2 < 1e-20, "a line through two points");
}

#[test]
fn bad_diagrams_are_named_errors() {
    let (points, partition) = measured_points(1e12, 25.0, 3);
    let err = fit_rotation_diagram(&points[..1], &partition, RotationParams::default()).expect_err("one point");
    assert!(matches!(err, LteError::DegenerateDiagram { n_points: 1, .. }), "{err}");
    let mut bad = points.clone();
    bad[2].w_k_km_s = -1.0;
    let err = fit_rotation_diagram(&bad, &partition, RotationParams::default()).expect_err("negative W");
    assert_eq!(err.to_string(), "rotation diagram point 2: w_k_km_s = `-1` must be > 0 (a detection)");
    // populations rising with energy: no positive temperature
    let mut inverted = points;
    inverted[2].w_k_km_s *= 1e3;
    inverted[1].w_k_km_s *= 1e2;
    let err = fit_rotation_diagram(&inverted, &partition, RotationParams::default()).expect_err("inverted");
    assert!(matches!(err, LteError::NonPhysicalSlope { .. }), "{err}");
}
