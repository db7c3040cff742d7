//! Radiative-transfer rules of `lte.md` §5–§7: limits, component ordering, beam and Jy.

use stop_lte::{
    Beam, Component, ComponentMode, LteError, LteModel, PartitionFunction, Species, SpeciesColumn, Transition, frequency_grid, line_table,
    synthesize, velocity_axis_hz,
};
use stop_physics::constants::{C_KM_S, GAUSS_AREA_FACTOR};
use stop_physics::planck::radiation_temperature_k;

const NU0_HZ: f64 = 115.271_201_8e9;

fn co10_species() -> Species {
    let tr = Transition { freq_hz: NU0_HZ, a_ul_s: 7.203e-8, g_up: 3.0, eup_k: 5.532_145, label: "1 - 0".into() };
    Species { name: "CO".into(), transitions: vec![tr], partition: PartitionFunction::RigidRotor { b_hz: 57.635_968e9 } }
}

fn component(tex_k: f64, column_cm2: f64, mode: ComponentMode) -> Component {
    Component {
        tex_k,
        fwhm_km_s: 1.0,
        vlsr_km_s: 0.0,
        source_arcsec: None,
        mode,
        species: vec![SpeciesColumn { species: co10_species(), column_cm2 }],
    }
}

fn model(tbg_k: f64, components: Vec<Component>) -> LteModel {
    let mut m = LteModel::new(tbg_k);
    m.components = components;
    m
}

/// Peak of the spectrum at the line centre.
fn centre_k(m: &LteModel) -> f64 {
    synthesize(m, &[NU0_HZ]).expect("spectrum").tmb_k[0]
}

#[test]
fn spectrum_peak_equals_the_line_table() {
    let m = model(2.725, vec![component(20.0, 1e16, ComponentMode::Sum)]);
    let row = &line_table(&m, None).expect("table")[0];
    assert!((centre_k(&m) / row.tpeak_k - 1.0).abs() < 1e-12);
    // integrated intensity: channel sum over ±8 km/s equals the table's W
    let step_hz = NU0_HZ * 0.001 / C_KM_S;
    let grid = frequency_grid(NU0_HZ * (1.0 - 8.0 / C_KM_S), NU0_HZ * (1.0 + 8.0 / C_KM_S), step_hz).expect("grid");
    let spectrum = synthesize(&m, &grid).expect("spectrum");
    let w_k_km_s: f64 = spectrum.tmb_k.iter().sum::<f64>() * 0.001;
    assert!((w_k_km_s / row.w_k_km_s - 1.0).abs() < 1e-5, "{w_k_km_s} vs {}", row.w_k_km_s);
}

#[test]
fn one_interacting_component_equals_one_independent_one() {
    let sum = centre_k(&model(2.725, vec![component(20.0, 1e16, ComponentMode::Sum)]));
    let stack = centre_k(&model(2.725, vec![component(20.0, 1e16, ComponentMode::Stack)]));
    assert!((sum - stack).abs() < 1e-12);
}

#[test]
fn two_identical_thin_components_in_sum_mode_double_the_intensity() {
    let one = centre_k(&model(2.725, vec![component(20.0, 1e12, ComponentMode::Sum)]));
    let two = centre_k(&model(2.725, vec![component(20.0, 1e12, ComponentMode::Sum), component(20.0, 1e12, ComponentMode::Sum)]));
    assert!((two / one - 2.0).abs() < 1e-13);
}

#[test]
fn opaque_cold_foreground_in_stack_mode_saturates_at_its_own_temperature() {
    let hot = component(50.0, 1e17, ComponentMode::Sum);
    let mut cold = component(5.0, 1e19, ComponentMode::Stack);
    cold.species[0].column_cm2 = 1e19;
    let out = centre_k(&model(2.725, vec![hot.clone(), cold]));
    let expected = radiation_temperature_k(NU0_HZ, 5.0) - radiation_temperature_k(NU0_HZ, 2.725);
    assert!((out - expected).abs() < 1e-9, "{out} vs {expected}");
    // in the wrong order (foreground listed first) the hot layer hides it
    let reversed = centre_k(&model(2.725, vec![component(5.0, 1e19, ComponentMode::Stack), hot.clone()]));
    assert!(reversed > 20.0);
    // with ff = 0.3 the foreground absorbs 30 % of the beam: I + 0.3 (J_fg − I)
    let mut m = model(2.725, vec![hot, component(5.0, 1e19, ComponentMode::Stack)]);
    m.beam = Some(Beam::circular(10.0));
    m.components[1].source_arcsec = Some(10.0 * (0.3f64 / 0.7).sqrt());
    let behind = centre_k(&model(2.725, vec![component(50.0, 1e17, ComponentMode::Sum)])) + radiation_temperature_k(NU0_HZ, 2.725);
    let partial = centre_k(&m) + radiation_temperature_k(NU0_HZ, 2.725);
    let expected = behind + 0.3 * (radiation_temperature_k(NU0_HZ, 5.0) - behind);
    assert!((partial - expected).abs() < 1e-9, "{partial} vs {expected}");
}

#[test]
fn thin_limit_is_linear_in_column_and_thick_limit_saturates() {
    let at = |n: f64| centre_k(&model(2.725, vec![component(20.0, n, ComponentMode::Sum)]));
    assert!((at(2e8) / at(1e8) - 2.0).abs() < 1e-7);
    let saturated = radiation_temperature_k(NU0_HZ, 20.0) - radiation_temperature_k(NU0_HZ, 2.725);
    assert!((at(1e21) - saturated).abs() < 1e-12);
}

#[test]
fn no_signal_when_tex_equals_tbg_without_continuum() {
    assert!(centre_k(&model(20.0, vec![component(20.0, 1e16, ComponentMode::Sum)])).abs() < 1e-12);
    // with a continuum the cold gas absorbs it, and the continuum stays in the model
    let mut m = model(2.725, vec![component(2.725, 1e21, ComponentMode::Sum)]);
    m.continuum_k = 3.0;
    assert!((centre_k(&m)).abs() < 1e-12, "opaque gas at T_bg hides the continuum");
    let off_line = synthesize(&m, &[NU0_HZ * 1.01]).expect("spectrum").tmb_k[0];
    assert!((off_line - 3.0).abs() < 1e-12);
}

#[test]
fn overlapping_lines_add_opacity_before_the_exponential() {
    // two copies of the line at the same frequency = one line with twice the column
    let mut double = co10_species();
    double.transitions.push(double.transitions[0].clone());
    let m2 = model(2.725, vec![Component { species: vec![SpeciesColumn { species: double, column_cm2: 1e16 }], ..component(20.0, 0.0, ComponentMode::Sum) }]);
    let m1 = model(2.725, vec![component(20.0, 2e16, ComponentMode::Sum)]);
    let (s1, s2) = (synthesize(&m1, &[NU0_HZ]).expect("s1"), synthesize(&m2, &[NU0_HZ]).expect("s2"));
    assert!((s1.tmb_k[0] - s2.tmb_k[0]).abs() < 1e-12 && (s1.tau[0] - s2.tau[0]).abs() < 1e-12);
}

#[test]
fn velocity_shift_follows_the_radio_convention() {
    let mut c = component(20.0, 1e16, ComponentMode::Sum);
    c.vlsr_km_s = 10.0;
    let m = model(2.725, vec![c]);
    // the peak sits at ν0 (1 − v/c) (radio), not at ν0 / (1 + v/c) (optical)
    let axis = velocity_axis_hz(&[9.0, 10.0, 11.0], NU0_HZ);
    assert!((axis[1] - NU0_HZ * (1.0 - 10.0 / C_KM_S)).abs() < 1e-3);
    let s = synthesize(&m, &axis).expect("spectrum");
    // (to the rounding of 1 − ν/ν0 ≈ 3e-5 in double precision)
    assert!((s.tau[0] - s.tau[2]).abs() < 1e-9 * s.tau[1], "opacity symmetric about 10 km/s");
    // one FWHM from the centre the Gaussian is down by exp(−4 ln 2) = 1/16
    assert!((s.tau[0] / s.tau[1] - 1.0 / 16.0).abs() < 1e-9);
    // a positive velocity moves the line to lower frequency
    let higher = synthesize(&m, &[NU0_HZ]).expect("rest").tmb_k[0];
    assert!(higher < 1e-6 * s.tmb_k[1]);
}

#[test]
fn beam_dilution_and_jansky_output() {
    let mut m = model(2.725, vec![component(20.0, 1e14, ComponentMode::Sum)]);
    m.beam = Some(Beam::circular(20.0));
    m.components[0].source_arcsec = Some(10.0);
    let s = synthesize(&m, &[NU0_HZ]).expect("spectrum");
    let undiluted = centre_k(&model(2.725, vec![component(20.0, 1e14, ComponentMode::Sum)]));
    assert!((s.tmb_k[0] / undiluted - 0.2).abs() < 1e-12);
    let flux_jy = s.flux_jy.expect("beam given")[0];
    // S = T / (K per Jy), 1″ beam: 91.98 K/Jy at 115.27 GHz, scaling with the beam area
    assert!((flux_jy * Beam::circular(20.0).k_per_jy(NU0_HZ) - s.tmb_k[0]).abs() < 1e-12);
    assert!((Beam::circular(20.0).k_per_jy(115.27e9) * 400.0 - 91.98).abs() < 0.01);
}

#[test]
fn thin_integrated_intensity_is_area_times_peak() {
    let m = model(0.0, vec![component(20.0, 1e10, ComponentMode::Sum)]);
    let row = &line_table(&m, None).expect("table")[0];
    assert!((row.w_k_km_s / (row.tpeak_k * GAUSS_AREA_FACTOR) - 1.0).abs() < 1e-6);
}

#[test]
fn bad_parameters_are_named_errors() {
    type Mutation = Box<dyn Fn(&mut LteModel)>;
    let cases: [(Mutation, &str); 6] = [
        (Box::new(|m| m.components[0].tex_k = 0.0), "component 0: tex_k = `0` must be finite and > 0"),
        (Box::new(|m| m.components[0].fwhm_km_s = -1.0), "component 0: fwhm_km_s = `-1` must be finite and > 0"),
        (Box::new(|m| m.components[0].species[0].column_cm2 = -1e12), "component 0: column_cm2 = `-1000000000000` must be finite and >= 0"),
        (Box::new(|m| m.components[0].source_arcsec = Some(5.0)), "component 0: source_arcsec = `5` needs a beam size to compute the filling factor"),
        (Box::new(|m| m.tbg_k = f64::NAN), "tbg_k = `NaN` must be finite and >= 0"),
        (Box::new(|m| m.components.clear()), "the model has no component with a species"),
    ];
    for (mutate, message) in cases {
        let mut m = model(2.725, vec![component(20.0, 1e16, ComponentMode::Sum)]);
        mutate(&mut m);
        let err = synthesize(&m, &[NU0_HZ]).expect_err(message);
        assert_eq!(err.to_string(), message);
    }
    let m = model(2.725, vec![component(20.0, 1e16, ComponentMode::Sum)]);
    let err = line_table(&m, Some((200e9, 210e9))).expect_err("no lines");
    assert!(matches!(err, LteError::NoLinesInRange { .. }), "{err}");
    assert_eq!(err.to_string(), "no line of CO between 200 and 210 GHz");
    assert!(frequency_grid(2e9, 1e9, 1e6).is_err() && frequency_grid(1e9, 2e9, 0.0).is_err() && frequency_grid(1e9, 2e9, 1e-3).is_err());
}
