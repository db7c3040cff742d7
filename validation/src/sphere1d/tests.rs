//! The solver's limits (LTE, optically thin) and van Zadelhoff et al. (2002) problem 1a.

use super::*;
use crate::vz2002::reference::read_fiducial;
use stop_lime::solve::setup::{LineConstants, planck_occupation};
use stop_lime::solve::stateq::{StateqScratch, solve_statistical_equilibrium};
use stop_model::ModelFile;
use stop_molecule::{PartnerDensities, PartnerKind};

fn hco_plus() -> Molecule {
    stop_molecule::shipped("hco+").expect("HCO+ ships with STOP")
}

/// Shells on `edges_m` with n(H2) `n_h2_m3`, abundance `x`, temperature `tkin_k(shell)` and b.
fn uniform(edges_m: &[f64], n_h2_m3: f64, x: f64, tkin_k: impl Fn(usize) -> f64, doppler_b_m_s: f64) -> Vec<Shell> {
    edges_m
        .windows(2)
        .enumerate()
        .map(|(k, w)| {
            let mut density_m3 = [0.0; N_PARTNERS];
            density_m3[PartnerKind::H2.index()] = n_h2_m3;
            Shell { inner_m: w[0], outer_m: w[1], density_m3, molecule_density_m3: x * n_h2_m3, tkin_k: tkin_k(k), doppler_b_m_s }
        })
        .collect()
}

/// The rate equations of `molecule` at `tkin_k` and n(H2) `n_h2_cm3` with J = the 2.73 K
/// background alone, by stop-lime's statistical-equilibrium solver (independent of this module).
fn background_only(molecule: &Molecule, tkin_k: f64, n_h2_cm3: f64) -> Vec<f64> {
    let lines: Vec<LineConstants> = (0..molecule.n_lines())
        .map(|i| {
            let line = &molecule.lines[i];
            let freq_hz = stop_physics::units::cm1_to_hz(molecule.line_wavenumber_cm1(i));
            let weight_ratio = molecule.levels[line.up].weight / molecule.levels[line.lo].weight;
            LineConstants { up: line.up, lo: line.lo, weight_ratio, a_ul_s: line.a_ul_s, freq_hz, background: planck_occupation(freq_hz, 2.73) }
        })
        .collect();
    let j_cmb: Vec<f64> = lines.iter().map(|l| l.background).collect();
    let mut densities = PartnerDensities::default();
    densities.set(PartnerKind::H2, n_h2_cm3);
    let rates = molecule.collision_rates(tkin_k, &densities).expect("HCO+ has H2 rates");
    let n = molecule.n_levels();
    let mut pops = vec![1.0 / n as f64; n];
    assert!(solve_statistical_equilibrium(&lines, rates.as_slice(), &j_cmb, &mut pops, &mut StateqScratch::new(n)));
    pops
}

#[test]
fn trapped_line_photons_thermalise_subthermal_gas() {
    // n(H2) = 1e10 m^-3 (1e4 cm^-3), 15 K: without its own radiation the gas is far below LTE
    // (J=1: C_10 ~ 3e-6 s^-1 against A_10 = 4e-5 s^-1); with X = 1e-3 the lines of the levels
    // that hold 97 % of the molecules (J <= 4) have tau ~ 1e5-1e6 per shell (1e16 m), and
    // infall of 1 km/s does not open them. Measured: those levels within 4.3e-5 of LTE (the
    // outer shell; J = 5-8, less thick, depart by 1.4e-4 ... 0.17)
    let molecule = hco_plus();
    let z = molecule.partition_function(15.0);
    let lte: Vec<f64> = molecule.levels.iter().map(|l| l.weight * (-l.energy_k() / 15.0).exp() / z).collect();
    let alone = background_only(&molecule, 15.0, 1e4);
    assert!(alone[1] / alone[0] < 0.5 * lte[1] / lte[0] && alone[3] < 0.1 * lte[3]);
    let shells = uniform(&[0.0, 1e16, 2e16, 3e16], 1e10, 1e-3, |_| 15.0, 200.0);
    let model = SphereModel { shells, velocity_m_s: Box::new(|r| -1000.0 * r / 3e16), tcmb_k: 2.73 };
    let solution = solve(&model, &molecule, &SolveSettings::default()).expect("solves");
    assert!(solution.converged);
    for (k, pops) in solution.populations.iter().enumerate() {
        for (level, (p, e)) in pops.iter().zip(&lte).enumerate().take(5) {
            assert!((p / e - 1.0).abs() < 1e-4, "shell {k} level {level}: {p:e} vs LTE {e:e}");
        }
    }
}

#[test]
fn optically_thin_gas_sees_the_background_alone() {
    // X = 1e-20: tau ~ 1e-13, so J = the 2.73 K background; two temperatures, subthermal gas
    let molecule = hco_plus();
    let tkin_k = |k: usize| if k == 0 { 40.0 } else { 15.0 };
    let shells = uniform(&[1e14, 2e14, 4e14], 1e10, 1e-20, tkin_k, 150.0);
    let model = SphereModel { shells, velocity_m_s: Box::new(|_| 300.0), tcmb_k: 2.73 };
    let solution = solve(&model, &molecule, &SolveSettings::default()).expect("solves");
    assert!(solution.converged);
    for (k, ours) in solution.populations.iter().enumerate() {
        let expected = background_only(&molecule, tkin_k(k), 1e4);
        for (level, (o, e)) in ours.iter().zip(&expected).enumerate().filter(|(_, (_, e))| **e > 1e-8) {
            assert!((o / e - 1.0).abs() < 1e-10, "shell {k} level {level}: {o:e} vs {e:e}");
        }
        // subthermal: J=1 well below its 40 / 15 K Boltzmann value
        assert!(ours[1] < 0.9 * molecule.levels[1].weight * (-molecule.levels[1].energy_k() / tkin_k(k)).exp() * ours[0]);
    }
}

/// Problem 1a on 100 log shells with the default 3 rays per shell against the published
/// curve: max 0.56 %, rms 0.22 % (see the module documentation).
#[test]
fn vz2002_problem_1a_matches_the_published_curve() {
    let file = ModelFile::load(concat!(env!("CARGO_MANIFEST_DIR"), "/models/vz2002_1a.toml")).expect("the 1a model file loads");
    let molecule = file.molecule.read().expect("the two-level molecule reads");
    let bounds = file.model.bounds;
    let edges = log_edges_m(bounds.inner_radius_m, bounds.outer_radius_m, 100);
    let model = SphereModel::from_model(file.model, &molecule, &edges, file.solver.tcmb_k).expect("valid edges");
    // the volume average of n ∝ r⁻² over the first shell, 3 r_in² (r_b − r_in) / (r_b³ − r_in³)
    let r_b = edges[1];
    let expected = 2e13 * 3.0 * 1e26 * (r_b - 1e13) / (r_b.powi(3) - 1e39);
    assert!((model.shells[0].density_m3[PartnerKind::H2.index()] / expected - 1.0).abs() < 1e-4);
    let solution = solve(&model, &molecule, &SolveSettings::default()).expect("solves");
    assert!(solution.converged, "{:?}", solution.history);
    let fiducial = read_fiducial(&crate::default_reference_dir().join("benchmark-vz2002/fiducial/problem1a_upper_level.tsv")).expect("fiducial curve");
    let d = solution.deviations_from(1, &fiducial);
    // every point of the published curve lies inside the shells
    assert_eq!(d.n_points, fiducial.r_m.len());
    assert!(d.max_abs < crate::vz2002::run::P1A_MAX_DEV && d.rms < crate::vz2002::run::P1A_RMS_DEV, "max {:.4}, rms {:.4}", d.max_abs, d.rms);
    // the exact LTE value 0.6608 in the thermalised core (benchmark README)
    assert!((solution.populations[0][1] - 0.6608).abs() < 2e-4);
}

#[test]
fn shells_of_a_model_file_follow_its_table_and_its_core() {
    let load = |name: &str| ModelFile::load(format!("{}/models/{name}", env!("CARGO_MANIFEST_DIR"))).expect("the model file loads");
    // RATRAN's 2b shells: the 50 table radii (49 shells) and a core shell down to r = 0
    let like = load("vz2002_2b_ratran_like.toml");
    let edges = model_edges_m(&like, EdgeSpec::Table, false).expect("table edges");
    assert_eq!(edges.len(), 51);
    assert_eq!(edges[0], 0.0);
    assert!((edges[1] / 1.00065e14 - 1.0).abs() < 1e-12 && (edges[50] / 4.6284e15 - 1.0).abs() < 1e-4, "{edges:?}");
    let merged = model_edges_m(&like, EdgeSpec::Table, true).expect("table edges");
    assert_eq!((merged.len(), merged[0], merged[1]), (50, 0.0, edges[2]));
    // log shells need a positive inner edge: none in a model reaching r = 0 ...
    assert!(matches!(model_edges_m(&like, EdgeSpec::Log { shells: 10, inner_m: None }, false), Err(Sphere1dError::Edges(_))));
    let given = model_edges_m(&like, EdgeSpec::Log { shells: 10, inner_m: Some(1e14) }, false).expect("log edges");
    assert_eq!((given.len(), given[0], given[1]), (12, 0.0, 1e14));
    // ... and problem 1's from its inner radius, with no core shell
    let p1 = load("vz2002_1b.toml");
    let log = model_edges_m(&p1, EdgeSpec::Log { shells: 400, inner_m: None }, false).expect("log edges");
    assert_eq!((log.len(), log[0], log[400]), (401, 1e13, 7.8e16));
    // a model without a density table has no table shells
    assert!(matches!(model_edges_m(&p1, EdgeSpec::Table, false), Err(Sphere1dError::Edges(_))));
}
