//! Property tests: any parameters (also non-physical ones) give a result or a named error,
//! never a panic; physical ones give finite spectra bounded by the saturation limits.

use proptest::prelude::*;
use stop_lte::{
    Beam, Component, ComponentMode, LteModel, PartitionFunction, Species, SpeciesColumn, Transition, line_table, synthesize,
};
use stop_physics::planck::radiation_temperature_k;

const NU0_HZ: f64 = 115.271_201_8e9;

fn species() -> Species {
    let tr = Transition { freq_hz: NU0_HZ, a_ul_s: 7.203e-8, g_up: 3.0, eup_k: 5.532_145, label: "1 - 0".into() };
    Species { name: "CO".into(), transitions: vec![tr], partition: PartitionFunction::RigidRotor { b_hz: 57.635_968e9 } }
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(0.0), -1e3f64..1e3, 1e-3f64..1e22]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_parameters_never_panic(
        tex_k in any_f64(), fwhm in any_f64(), column in any_f64(), vlsr in any_f64(), tbg in any_f64(), size in any_f64(), stack: bool,
    ) {
        let mut model = LteModel::new(tbg);
        model.beam = Some(Beam::circular(20.0));
        model.components.push(Component {
            tex_k,
            fwhm_km_s: fwhm,
            vlsr_km_s: vlsr,
            source_arcsec: Some(size),
            mode: if stack { ComponentMode::Stack } else { ComponentMode::Sum },
            species: vec![SpeciesColumn { species: species(), column_cm2: column }],
        });
        let valid = model.validate().is_ok();
        let spectrum = synthesize(&model, &[NU0_HZ * 0.9999, NU0_HZ, NU0_HZ * 1.0001]);
        prop_assert_eq!(spectrum.is_ok(), valid);
        let _ = line_table(&model, Some((1e11, 2e11)));
    }

    #[test]
    fn physical_spectra_are_finite_and_bounded(tex_k in 3.0f64..500.0, fwhm in 0.1f64..20.0, column in 1e8f64..1e20, tbg in 0.0f64..10.0) {
        let mut model = LteModel::new(tbg);
        model.components.push(Component {
            tex_k, fwhm_km_s: fwhm, vlsr_km_s: 0.0, source_arcsec: None, mode: ComponentMode::Sum,
            species: vec![SpeciesColumn { species: species(), column_cm2: column }],
        });
        let s = synthesize(&model, &[NU0_HZ]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let limit = radiation_temperature_k(NU0_HZ, tex_k) - radiation_temperature_k(NU0_HZ, tbg);
        prop_assert!(s.tmb_k[0].is_finite() && s.tau[0] >= 0.0);
        // |ΔT| ≤ |J(T_ex) − J(T_bg)| (the optically thick limit), same sign
        prop_assert!(s.tmb_k[0].abs() <= limit.abs() * (1.0 + 1e-12) + 1e-300);
        prop_assert!(s.tmb_k[0] * limit >= 0.0);
    }
}
