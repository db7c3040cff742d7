//! Physical limits of the escape-probability solution, for both solvers.

use stop_lvg::{CompatSolver, FastSolver, Geometry, ModelParams, Problem, Solution, Status};
use stop_molecule::{PartnerDensities, PartnerKind};
use stop_physics::radex_legacy::HC_OVER_K_CM_K;

fn co() -> Problem {
    Problem::new(stop_molecule::shipped("co").expect("co ships")).expect("valid")
}

fn model(density_cm3: f64, column_cm2: f64, geometry: Geometry) -> ModelParams {
    let mut densities = PartnerDensities::default();
    densities.set(PartnerKind::H2, density_cm3);
    ModelParams {
        tkin_k: 40.0,
        densities,
        tbg_k: 2.73,
        column_cm2,
        fwhm_km_s: 1.0,
        geometry,
    }
}

fn both(problem: &Problem, model: &ModelParams) -> [Solution; 2] {
    let mut compat = Solution::default();
    CompatSolver::default()
        .solve(problem, model, &mut compat)
        .expect("set up");
    let mut fast = Solution::default();
    FastSolver::default()
        .solve(problem, model, &mut fast)
        .expect("set up");
    [compat, fast]
}

#[test]
fn high_density_thermalises_the_excitation() {
    let problem = co();
    for geometry in Geometry::ALL {
        for solution in both(&problem, &model(1e12, 1e15, geometry)) {
            assert_eq!(solution.status, Some(Status::Converged));
            for i_line in 0..8 {
                let tex = solution.tex_k[i_line];
                assert!(
                    (tex / 40.0 - 1.0).abs() < 1e-3,
                    "{geometry:?} line {i_line}: T_ex = {tex}"
                );
            }
        }
    }
}

#[test]
fn low_column_is_optically_thin_with_the_thin_flux() {
    let problem = co();
    let m = model(1e3, 1e8, Geometry::Sphere);
    for solution in both(&problem, &m) {
        assert!(
            solution.tau.iter().all(|t| t.abs() < 1e-6),
            "{:?}",
            &solution.tau[..3]
        );
        // thin line: flux_erg / 4π = ∫ΔI dν = (hν/4π) A N x_u (1 − n_bg/n_ex)
        // (escape-probability.md §10; n are photon occupation numbers at T_ex and T_bg)
        let line = stop_lvg::line_result(
            &problem,
            &solution,
            &solution.background[0],
            m.fwhm_cm_s(),
            0,
        );
        let xnu = problem.lines[0].wavenumber_cm1;
        let emitted = stop_physics::radex_legacy::H_ERG_S
            * stop_physics::radex_legacy::C_CM_S
            * xnu
            * problem.lines[0].a_ul_s
            * m.column_cm2
            * line.pop_up
            / (4.0 * stop_physics::radex_legacy::PI);
        let n_ex = 1.0 / ((HC_OVER_K_CM_K * xnu / line.tex_k).exp() - 1.0);
        let n_bg = 1.0 / ((HC_OVER_K_CM_K * xnu / 2.73).exp() - 1.0);
        let expected = emitted * (1.0 - n_bg / n_ex);
        let flux_per_sr = line.flux_erg_cm2_s / (4.0 * stop_physics::radex_legacy::PI);
        assert!(
            (flux_per_sr / expected - 1.0).abs() < 1e-4,
            "{flux_per_sr} vs {expected}"
        );
    }
}

#[test]
fn populations_sum_to_one_and_balance() {
    let problem = Problem::new(stop_molecule::shipped("o-h2co").expect("ships")).expect("valid");
    let mut densities = PartnerDensities::default();
    densities.set(PartnerKind::H2, 1e5);
    let m = ModelParams {
        tkin_k: 60.0,
        densities,
        tbg_k: 2.73,
        column_cm2: 1e14,
        fwhm_km_s: 2.0,
        geometry: Geometry::Lvg,
    };
    for solution in both(&problem, &m) {
        assert_eq!(solution.status, Some(Status::Converged));
        assert!(
            (solution.pop_sum - 1.0).abs() < 1e-12,
            "{}",
            solution.pop_sum
        );
    }
    let mut fast = Solution::default();
    let mut solver = FastSolver::default();
    solver.solve(&problem, &m, &mut fast).expect("set up");
    assert!(fast.residual < 1e-10, "residual {}", fast.residual);
}

#[test]
fn detailed_balance_gives_boltzmann_populations_without_radiation_trapping_or_field() {
    // thermalised by collisions, the ratio of two levels is the Boltzmann factor at T_kin
    let problem = co();
    let [_, fast] = both(&problem, &model(1e13, 1e13, Geometry::Slab));
    let levels = &problem.molecule.levels;
    let (u, l) = (3, 1);
    let boltzmann = levels[u].weight / levels[l].weight
        * (-HC_OVER_K_CM_K * (levels[u].energy_cm1 - levels[l].energy_cm1) / 40.0).exp();
    let ratio = fast.populations[u] / fast.populations[l];
    assert!(
        (ratio / boltzmann - 1.0).abs() < 1e-4,
        "{ratio} vs {boltzmann}"
    );
}

#[test]
fn neighbour_solves_with_chord_steps_reach_the_cold_answers() {
    // runs of optically thick CO models 1.5× apart in N (a grid axis), each started from
    // the one before with its factored Jacobian (chord steps), against cold solves
    let problem = co();
    let (mut chain, mut cold) = (FastSolver::default(), FastSolver::default());
    let (mut warm_solution, mut cold_solution) = (Solution::default(), Solution::default());
    for geometry in Geometry::ALL {
        for step in 0..12 {
            let m = model(1e4, 1e16 * 1.5_f64.powi(step), geometry);
            if step == 0 {
                chain.solve(&problem, &m, &mut warm_solution).expect("set up");
            } else {
                chain
                    .solve_after_previous(&problem, &m, &mut warm_solution)
                    .expect("set up");
            }
            cold.solve(&problem, &m, &mut cold_solution).expect("set up");
            assert_eq!(warm_solution.status, Some(Status::Converged), "{geometry:?} step {step}");
            assert!(warm_solution.residual < 1e-10, "{geometry:?} step {step}");
            for (w, c) in warm_solution.populations.iter().zip(&cold_solution.populations) {
                if *c > 1e-10 {
                    assert!((w / c - 1.0).abs() < 1e-6, "{geometry:?} step {step}: {w} vs {c}");
                }
            }
        }
    }
}
