//! `lte.md` §9: every row of the worked-numbers table, and the Q conventions behind it.

use stop_catalog::{Database, Extrapolation, QInterpolation, QParams, read_cdms_partfunc};
use stop_lte::{
    Beam, Component, ComponentMode, LteModel, PartitionFunction, Species, SpeciesColumn, Transition, line_opacity, line_table,
};
use stop_physics::planck::radiation_temperature_k;

/// The table is printed to 6 significant digits: a value reproduces an entry when it is
/// within 1e-6 relative (the task's tolerance for a fixed Q) or, where the printing is
/// coarser than that, within half a unit of the last printed digit.
fn assert_printed(what: &str, value: f64, printed: &str) {
    let expected: f64 = printed.parse().expect("table entry");
    let mantissa = printed.split(['e', 'E']).next().unwrap_or(printed);
    let exponent: i32 = printed.split(['e', 'E']).nth(1).map_or(0, |e| e.parse().expect("exponent"));
    let decimals = mantissa.split('.').nth(1).map_or(0, str::len);
    let half_unit = 0.5 * 10f64.powi(exponent - i32::try_from(decimals).expect("few digits"));
    let tolerance = (1e-6 * expected.abs()).max(half_unit) * (1.0 + 1e-9);
    assert!((value - expected).abs() <= tolerance, "{what}: {value} vs table {printed} (tolerance {tolerance:e})");
}

fn transition(freq_hz: f64, a_ul_s: f64, g_up: f64, eup_k: f64) -> Transition {
    Transition { freq_hz, a_ul_s, g_up, eup_k, label: String::new() }
}

const CO10: (f64, f64, f64, f64) = (115.271_201_8e9, 7.203e-8, 3.0, 5.532_145);
const HCOP10: (f64, f64, f64, f64) = (89.188_524_7e9, 4.187e-5, 3.0, 4.280_374);

fn co10() -> Transition {
    transition(CO10.0, CO10.1, CO10.2, CO10.3)
}

/// One component of one species with one line and a fixed Q, through the public API.
fn single_line_model(tr: Transition, q: f64, column_cm2: f64, tex_k: f64, tbg_k: f64, sizes: Option<(f64, f64)>) -> LteModel {
    let species = Species { name: "test".into(), transitions: vec![tr], partition: PartitionFunction::Fixed(q) };
    let mut model = LteModel::new(tbg_k);
    model.beam = sizes.map(|(_, beam)| Beam::circular(beam));
    model.components.push(Component {
        tex_k,
        fwhm_km_s: 1.0,
        vlsr_km_s: 0.0,
        source_arcsec: sizes.map(|(source, _)| source),
        mode: ComponentMode::Sum,
        species: vec![SpeciesColumn { species, column_cm2 }],
    });
    model
}

/// Check one row: Q, N_u, τ0, J(T_ex), J(T_bg), ΔT_peak (empty string = not in the table).
#[allow(clippy::too_many_arguments)]
fn check_row(name: &str, tr: Transition, q: f64, column_cm2: f64, tex_k: f64, tbg_k: f64, sizes: Option<(f64, f64)>, row: [&str; 5]) {
    let model = single_line_model(tr.clone(), q, column_cm2, tex_k, tbg_k, sizes);
    let line = &line_table(&model, None).expect("line table")[0];
    let checks = [
        ("N_u", line.upper_column_cm2, row[0]),
        ("tau0", line.tau0, row[1]),
        ("J(T_ex)", radiation_temperature_k(tr.freq_hz, tex_k), row[2]),
        ("J(T_bg)", radiation_temperature_k(tr.freq_hz, tbg_k), row[3]),
        ("dT_peak", line.tpeak_k, row[4]),
    ];
    for (what, value, printed) in checks {
        if !printed.is_empty() {
            assert_printed(&format!("{name} {what}"), value, printed);
        }
    }
}

#[test]
fn co_1_0_rows_with_fixed_q() {
    let row1 = ["3.00408e15", "0.453382", "17.36128", "0.83628", "6.02377"];
    check_row("CO 1-0 rigid", co10(), 7.573_23, 1e16, 20.0, 2.725, None, row1);
    check_row("CO 1-0 CDMS log-log", co10(), 7.579_31, 1e16, 20.0, 2.725, None, ["3.00167e15", "0.453018", "17.36128", "0.83628", "6.01995"]);
    check_row("CO 1-0 CDMS linear", co10(), 7.573_59, 1e16, 20.0, 2.725, None, ["3.00393e15", "0.453360", "", "", "6.02354"]);
    check_row("CO 1-0 T_bg 2.73", co10(), 7.573_23, 1e16, 20.0, 2.73, None, ["3.00408e15", "0.453382", "17.36128", "0.83987", "6.02246"]);
    check_row("CO 1-0 ff 0.2", co10(), 7.573_23, 1e16, 20.0, 2.725, Some((10.0, 20.0)), ["3.00408e15", "0.453382", "", "", "1.20475"]);
}

#[test]
fn co_1_0_thin_row() {
    check_row("CO 1-0 thin", co10(), 7.573_23, 1e14, 20.0, 2.725, None, ["3.00408e13", "4.53382e-3", "", "", ""]);
    // The table prints ΔT_peak = 0.074751 K; its own inputs give 0.0747517 K (the entry
    // is truncated, not rounded). Checked to one unit of its last digit, and exactly
    // against the thick row scaled by (1 − e^{−τ}) (same J's, τ 100× smaller).
    let thin = line_table(&single_line_model(co10(), 7.573_23, 1e14, 20.0, 2.725, None), None).expect("thin")[0].tpeak_k;
    assert!((thin - 0.074_751).abs() <= 1e-6, "{thin}");
    let thick = line_table(&single_line_model(co10(), 7.573_23, 1e16, 20.0, 2.725, None), None).expect("thick")[0].clone();
    let expected = thick.tpeak_k / -(-thick.tau0).exp_m1() * -(-thick.tau0 / 100.0).exp_m1();
    assert!((thin / expected - 1.0).abs() < 1e-12);
}

#[test]
fn co_2_1_row() {
    // The row's four numbers follow from E_u = 16.5960 K although the note prints
    // 16.5962 K (the CO J=2 energy); reproduce the row with the value it was computed with…
    let tr = transition(230.538e9, 6.910e-7, 5.0, 16.5960);
    check_row("CO 2-1", tr, 7.573_23, 1e16, 20.0, 2.725, None, ["2.87946e15", "1.208336", "14.97544", "0.19415", "10.36620"]);
    // …and show the size of the slip: 2e-4 K in E_u moves N_u by exp(2e-4/20) − 1 = 1e-5
    let true_eu = line_opacity(&transition(230.538e9, 6.910e-7, 5.0, 16.5962), 1e16, 20.0, 7.573_23, 1.0);
    assert!((true_eu.upper_column_cm2 / 2.879_46e15 - (-0.0002f64 / 20.0).exp()).abs() < 2e-6);
}

#[test]
fn hco_plus_rows() {
    let tr = transition(HCOP10.0, HCOP10.1, HCOP10.2, HCOP10.3);
    check_row("HCO+ CDMS", tr.clone(), 5.026_67, 1e13, 10.0, 2.725, None, ["3.88997e12", "1.235242", "8.01203", "1.12334", "4.88570"]);
    check_row("HCO+ rigid", tr, 5.020_69, 1e13, 10.0, 2.725, None, ["3.89461e12", "1.236713", "", "", "4.88865"]);
}

#[test]
fn integrated_opacity_of_the_first_row() {
    let op = line_opacity(&co10(), 1e16, 20.0, 7.573_23, 1.0);
    assert_printed("∫τ dv [km/s]", op.integrated_tau_km_s, "0.482610");
    assert_printed("∫τ dν [kHz]", op.integrated_tau_hz * 1e-3, "185.565");
}

#[test]
fn the_q_conventions_of_the_table() {
    let rigid = |b_hz: f64, t_k: f64| PartitionFunction::RigidRotor { b_hz }.q(t_k).expect("q");
    assert_printed("Q rigid CO 20 K", rigid(57.635_968e9, 20.0), "7.57323");
    assert_printed("Q rigid HCO+ 10 K", rigid(44.594_424e9, 10.0), "5.02069");
    let partfunc = format!("{}/../stop-catalog/tests/fixtures/cdms_partfunc.cat", env!("CARGO_MANIFEST_DIR"));
    let tables = read_cdms_partfunc(partfunc).expect("CDMS partfunc fixture of stop-catalog");
    let co = tables.get(Database::Cdms, 28503).expect("co").clone();
    let linear = QParams { interpolation: QInterpolation::Linear, extrapolation: Extrapolation::Refuse };
    let table = |table, params| PartitionFunction::Table { table, params };
    assert_printed("Q CDMS log-log CO", table(co.clone(), QParams::default()).q(20.0).expect("q"), "7.57931");
    assert_printed("Q CDMS linear CO", table(co, linear).q(20.0).expect("q"), "7.57359");
    let hcop = tables.get(Database::Cdms, 29507).expect("hco+").clone();
    assert_printed("Q CDMS log-log HCO+", table(hcop, QParams::default()).q(10.0).expect("q"), "5.02667");
    // LAMDA CO levels include centrifugal distortion: 4e-5 above the rigid rotor at 20 K
    let lamda = Species::from_molecule(&stop_molecule::shipped("co").expect("co")).q(20.0).expect("q");
    assert!((lamda / 7.573_23 - 1.0).abs() < 1e-4 && lamda > 7.573_23);
}
