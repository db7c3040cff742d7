//! The non-LTE solver on small grids: physical limits, normalisation, thread independence.
//!
//! The molecule is the two-level one of van Zadelhoff et al. (2002) problem 1 (copied from
//! `../shared/reference/benchmark-vz2002/inputs/`): g = 1, 3; ΔE = 6 cm⁻¹; A = 1e-4 s⁻¹;
//! C_ul = 2e-10 cm³ s⁻¹.

use stop_lime::grid::build::Grid;
use stop_lime::grid::sampling::SamplingParams;
use stop_lime::grid::smoothing::SmoothingParams;
use stop_lime::solve::iterate::{SolveOutcome, SolveStatus, StartFrom, initial_populations, solve};
use stop_lime::grid::sampling::item_rng;
use stop_lime::solve::params::{CellPopulations, SolveParams};
use stop_lime::solve::setup::{Mesh, SolverSetup};
use stop_lime::solve::stateq::{StateqScratch, solve_statistical_equilibrium};
use stop_lime::transport::photons::{CellModel, PointRadiation, TraceScratch, trace_point};
use stop_lime::transport::reconstruct::{FitOrder, GradientStencil};
use stop_lime::transport::segment::LimeLines;
use stop_model::{Bounds, LineWidth, PhysicalModel, PointFields, Position};
use stop_molecule::{Molecule, PartnerKind};

const RADIUS_M: f64 = 1.0e15;
const TKIN_K: f64 = 20.0;
const TCMB_K: f64 = 2.73;

/// A uniform static sphere of H2 with the two-level molecule at abundance `x`.
struct Uniform {
    n_h2_m3: f64,
    abundance: f64,
}

impl PhysicalModel for Uniform {
    fn partners(&self) -> &[PartnerKind] {
        &[PartnerKind::H2]
    }
    fn fields(&self, p: &Position) -> PointFields {
        if p.r_m > RADIUS_M {
            return PointFields::ZERO;
        }
        let mut f = PointFields::ZERO;
        f.density_m3[PartnerKind::H2.index()] = self.n_h2_m3;
        f.tkin_k = TKIN_K;
        f.tdust_k = TKIN_K;
        f.molecule_density_m3 = self.n_h2_m3 * self.abundance;
        f.doppler_b_m_s = 150.0;
        f
    }
    fn bounds(&self) -> Bounds {
        Bounds { inner_radius_m: 0.0, outer_radius_m: RADIUS_M }
    }
    fn line_width(&self) -> LineWidth {
        LineWidth::Total
    }
}

/// [`Uniform`] continued beyond its radius, so that the cells at the edge are uniform too.
struct UniformEverywhere(Uniform);

impl PhysicalModel for UniformEverywhere {
    fn partners(&self) -> &[PartnerKind] {
        self.0.partners()
    }
    fn fields(&self, _p: &Position) -> PointFields {
        self.0.fields(&Position::new(0.0, 0.0, 0.0))
    }
    fn bounds(&self) -> Bounds {
        self.0.bounds()
    }
    fn line_width(&self) -> LineWidth {
        self.0.line_width()
    }
}

fn molecule() -> Molecule {
    let text = include_str!("fixtures/two_level_molecule.dat");
    stop_molecule::lamda::parse_lamda("two_level_molecule.dat", text).expect("valid LAMDA file")
}

fn grid(n_interior: usize) -> Grid {
    let sampling = SamplingParams { radius_m: RADIUS_M, min_scale_m: 1e-3 * RADIUS_M, n_interior, n_sink: 200, seed: 5, ..SamplingParams::default() };
    Grid::build(&|_x: f64, _y: f64, _z: f64| 1.0, &sampling, &SmoothingParams::default()).expect("grid")
}

fn run(model: &Uniform, grid: &Grid, params: &SolveParams) -> (Vec<f64>, SolveStatus) {
    let outcome = run_outcome(model, grid, params);
    (outcome.pops, outcome.status)
}

fn run_outcome(model: &Uniform, grid: &Grid, params: &SolveParams) -> SolveOutcome {
    let mol = molecule();
    let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
    let setup = SolverSetup::new(mesh, model, &mol, TCMB_K, None).expect("setup");
    let pops0 = initial_populations(&setup, &mol, StartFrom::Lte);
    solve(&setup, pops0, params, &|| {}, &mut |_| {}).expect("valid parameters")
}

fn upper_levels(grid: &Grid, pops: &[f64]) -> Vec<f64> {
    (0..grid.is_sink.len()).filter(|&i| !grid.is_sink[i]).map(|i| pops[2 * i + 1]).collect()
}

fn quick() -> SolveParams {
    SolveParams { rays_per_point: 24, max_iterations: 12, min_iterations: 2, tolerance: 1e-6, ..SolveParams::default() }
}

/// The upper-level population of the two-level molecule in LTE at [`TKIN_K`]:
/// p1 = 3 e^{-x} / (1 + 3 e^{-x}), x = hν/kT = 8.6327 K / 20 K.
fn lte_upper() -> f64 {
    let boltz = 3.0 * (-stop_physics::planck::hnu_over_k_k(6.0 * stop_physics::constants::C_CM_S) / TKIN_K).exp();
    boltz / (1.0 + boltz)
}

#[test]
fn high_density_thermalises() {
    let grid = grid(150);
    for cells in [CellPopulations::Linear, CellPopulations::Lime] {
        let (pops, status) = run(&Uniform { n_h2_m3: 1e16, abundance: 1e-8 }, &grid, &SolveParams { cells, ..quick() });
        assert_eq!(status, SolveStatus::Converged);
        for p1 in upper_levels(&grid, &pops) {
            assert!((p1 / lte_upper() - 1.0).abs() < 2e-4, "{cells:?}: p1 = {p1}, LTE {}", lte_upper());
        }
    }
}

/// With uniform fields and LTE populations everywhere, LIME's cells (point values over the
/// whole cell) and the fitted cells (whose fits are then flat) must bring the same intensity
/// along every photon, and that intensity is the formal solution of a constant source
/// function, `I = S (1 − e^{−τ}) + I_bg e^{−τ}`: between the CMB and S = B_ν(20 K), and S
/// itself where the line is opaque.
#[test]
fn lime_and_fitted_cells_agree_on_uniform_fields() {
    let grid = grid(150);
    let mol = molecule();
    let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
    let freq_hz = 6.0 * stop_physics::constants::C_CM_S;
    let source = 1.0 / (stop_physics::planck::hnu_over_k_k(freq_hz) / TKIN_K).exp_m1();
    // line-centre τ across the radius ~7 at abundance 1e-8, ~7e4 at 1e-4 (opaque)
    for abundance in [1e-8, 1e-4] {
        let model = UniformEverywhere(Uniform { n_h2_m3: 1e10, abundance });
        let setup = SolverSetup::new(mesh, &model, &mol, TCMB_K, None).expect("setup");
        let background = setup.lines[0].background;
        let pops = initial_populations(&setup, &mol, StartFrom::Lte);
        let mut fits = Vec::new();
        GradientStencil::new(&mesh).fit(&mesh, &pops, 2, FitOrder::Linear, &mut fits);
        let lime_lines = LimeLines::new(&setup, &pops);
        let (mut lime, mut fitted, mut scratch) = (PointRadiation::default(), PointRadiation::default(), TraceScratch::default());
        let r = |i: usize| grid.positions_m[i].iter().map(|c| c * c).sum::<f64>().sqrt();
        let mut n_opaque = 0;
        for i in (0..grid.is_sink.len()).filter(|&i| !grid.is_sink[i]).step_by(10) {
            trace_point(&setup, &pops, CellModel::Lime(&lime_lines), i, 16, &mut item_rng(3, i as u64), &mut lime, &mut scratch);
            trace_point(&setup, &pops, CellModel::Fitted(&fits), i, 16, &mut item_rng(3, i as u64), &mut fitted, &mut scratch);
            assert_eq!((lime.lost_paths, fitted.lost_paths), (0, 0));
            for (k, (a, b)) in lime.incoming.iter().zip(&fitted.incoming).enumerate() {
                assert!((a / b - 1.0).abs() < 1e-10, "point {i} photon {k}: lime {a}, fitted {b}");
                assert!(*a > background * (1.0 - 1e-12) && *a < source * (1.0 + 1e-12), "point {i} photon {k}: {a}");
                // opaque: a photon that crosses any cell besides its own brings S (on this
                // coarse grid some leave the own cell straight into a sink's and bring the CMB)
                if abundance > 1e-6 && r(i) < 0.5 * RADIUS_M && *a != background {
                    assert!((a / source - 1.0).abs() < 1e-12, "opaque: point {i} photon {k}: {a} vs S = {source}");
                    n_opaque += 1;
                }
            }
            for (a, b) in lime.local_line_path_m.iter().zip(&fitted.local_line_path_m).chain(lime.local_dust_path_m.iter().zip(&fitted.local_dust_path_m)) {
                assert!((a / b - 1.0).abs() < 1e-12, "point {i}: own-cell path {a} vs {b}");
            }
            // LIME's cells take the own cell as the operator alone; the fitted cells' full own-cell
            // formal solution equals that operator when nothing varies
            assert_eq!(lime.own_cell_correction, [0.0]);
            assert!(fitted.own_cell_correction[0].abs() < 1e-10 * source, "point {i}: {:?}", fitted.own_cell_correction);
        }
        assert!(abundance < 1e-6 || n_opaque > 50, "only {n_opaque} opaque photons checked");
    }
}

#[test]
fn thin_limit_sees_only_the_background() {
    // n_mol so small that τ < 1e-9: J = the CMB everywhere, the populations those of the
    // rate equations with J = B(2.73 K)
    let grid = grid(150);
    let (pops, _) = run(&Uniform { n_h2_m3: 1e9, abundance: 1e-20 }, &grid, &quick());
    let mol = molecule();
    let lines = SolverSetup::new(
        Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours },
        &Uniform { n_h2_m3: 1e9, abundance: 1e-20 },
        &mol,
        TCMB_K,
        None,
    )
    .expect("setup")
    .lines;
    let mut densities = stop_molecule::PartnerDensities::default();
    densities.set(PartnerKind::H2, 1e3);
    let coll = mol.collision_rates(TKIN_K, &densities).expect("rates");
    let mut expected = [0.5, 0.5];
    assert!(solve_statistical_equilibrium(&lines, coll.as_slice(), &[lines[0].background], &mut expected, &mut StateqScratch::new(2)));
    for (i, p1) in upper_levels(&grid, &pops).into_iter().enumerate() {
        assert!((p1 / expected[1] - 1.0).abs() < 1e-7, "point {i}: {p1} vs {}", expected[1]);
    }
}

#[test]
fn populations_sum_to_one_and_thick_cloud_is_subthermal_at_the_edge() {
    let grid = grid(200);
    let (pops, _) = run(&Uniform { n_h2_m3: 3e9, abundance: 1e-8 }, &grid, &quick());
    for i in (0..grid.is_sink.len()).filter(|&i| !grid.is_sink[i]) {
        assert!((pops[2 * i] + pops[2 * i + 1] - 1.0).abs() < 1e-12);
    }
    // trapping: the centre is more excited than the edge
    let r = |i: usize| grid.positions_m[i].iter().map(|c| c * c).sum::<f64>().sqrt();
    let mean = |sel: &dyn Fn(f64) -> bool| {
        let v: Vec<f64> = (0..grid.is_sink.len()).filter(|&i| !grid.is_sink[i] && sel(r(i))).map(|i| pops[2 * i + 1]).collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    assert!(mean(&|r| r < 0.3 * RADIUS_M) > mean(&|r| r > 0.8 * RADIUS_M));
}

#[test]
fn same_seed_gives_identical_populations_on_one_and_two_threads() {
    let grid = grid(150);
    let model = Uniform { n_h2_m3: 3e9, abundance: 1e-8 };
    let params = SolveParams { max_iterations: 5, ..quick() };
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        pool.install(|| run(&model, &grid, &params).0)
    };
    let one = on(1);
    let two = on(2);
    assert_eq!(one.len(), two.len());
    assert!(one.iter().zip(&two).all(|(a, b)| a.to_bits() == b.to_bits()));
    let lime = SolveParams { cells: CellPopulations::Lime, ..params.clone() };
    let on_lime = |threads: usize| rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool").install(|| run(&model, &grid, &lime).0);
    assert!(on_lime(1).iter().zip(&on_lime(2)).all(|(a, b)| a.to_bits() == b.to_bits()));
    // with a first photon stage (a stage switch inside the 5 iterations)
    let staged = SolveParams { first_stage_rays_per_point: Some(8), max_iterations: 5, tolerance: 1e-3, ..params };
    let on_staged = |threads: usize| rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool").install(|| run_outcome(&model, &grid, &staged));
    let (one, two) = (on_staged(1), on_staged(2));
    assert!(one.history.iter().any(|s| s.rays_per_point == 8) && one.history.iter().any(|s| s.rays_per_point == 24), "{:?}", one.history);
    assert!(one.pops.iter().zip(&two.pops).all(|(a, b)| a.to_bits() == b.to_bits()));
    // with an averaging stage after the first stage (new photons every iteration)
    let averaged = SolveParams { averaged_iterations: 2, ..staged };
    let on_averaged = |threads: usize| rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool").install(|| run_outcome(&model, &grid, &averaged));
    let (one, two) = (on_averaged(1), on_averaged(2));
    assert_eq!(one.history.last().map(|s| s.averaged), Some(2), "{:?}", one.history);
    assert!(one.pops.iter().zip(&two.pops).all(|(a, b)| a.to_bits() == b.to_bits()));
}

/// The averaging stage: after the fixed 24 photons converge, 8 iterations with new photons
/// each, averaged. Against a reference with 16× the photons, the averaged populations must
/// be much closer than the converged fixed set's (1/√8 of the Monte-Carlo error if the
/// draws were independent), and the standard error the run reports must describe the
/// deviations it actually has.
#[test]
fn averaging_new_photon_sets_reduces_the_monte_carlo_error_it_reports() {
    let grid = grid(150);
    let model = Uniform { n_h2_m3: 3e9, abundance: 1e-8 };
    let fixed = SolveParams { max_iterations: 30, tolerance: 1e-4, ..quick() };
    let reference = run_outcome(&model, &grid, &SolveParams { rays_per_point: 16 * fixed.rays_per_point, ..fixed.clone() });
    let plain = run_outcome(&model, &grid, &fixed);
    let averaged = run_outcome(&model, &grid, &SolveParams { averaged_iterations: 8, ..fixed.clone() });
    assert_eq!((reference.status, plain.status, averaged.status), (SolveStatus::Converged, SolveStatus::Converged, SolveStatus::Converged));
    let deviations = |pops: &[f64]| {
        let mut d: Vec<f64> = upper_levels(&grid, &reference.pops).iter().zip(upper_levels(&grid, pops)).map(|(r, p)| (p / r - 1.0).abs()).collect();
        d.sort_by(f64::total_cmp);
        d
    };
    let rms = |d: &[f64]| (d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64).sqrt();
    let (d_plain, d_averaged) = (deviations(&plain.pops), deviations(&averaged.pops));
    assert!(rms(&d_averaged) < 0.6 * rms(&d_plain), "rms deviation from the reference: averaged {:e}, fixed photons {:e}", rms(&d_averaged), rms(&d_plain));
    // the reported standard errors of the upper level against its measured deviations
    // (which include the reference's own error, a quarter of the fixed set's): the same
    // size within a factor 2
    let summary = averaged.averaging.expect("8 averaged iterations");
    assert_eq!(summary.samples, 8);
    let reported: Vec<f64> = upper_levels(&grid, &averaged.standard_error).iter().zip(upper_levels(&grid, &averaged.pops)).map(|(e, p)| e / p).collect();
    let ratio = rms(&reported) / rms(&d_averaged);
    assert!((0.5..2.0).contains(&ratio), "reported rms standard error {:e}, measured rms deviation {:e}", rms(&reported), rms(&d_averaged));
}

/// RATRAN's two stages: the first converges with 8 photons, the second runs the same map as
/// a one-stage run with 24 (the same photon set), from the first stage's populations, until
/// the rule holds again; both runs must end at that map's fixed point, within the tolerance
/// as the stopping rule defines it.
#[test]
fn a_first_photon_stage_ends_at_the_fixed_point_of_the_full_photon_count() {
    let grid = grid(150);
    let model = Uniform { n_h2_m3: 3e9, abundance: 1e-8 };
    let tolerance = 1e-4;
    let one_stage = SolveParams { max_iterations: 40, tolerance, ..quick() };
    let staged = SolveParams { first_stage_rays_per_point: Some(8), ..one_stage.clone() };
    let (a, b) = (run_outcome(&model, &grid, &one_stage), run_outcome(&model, &grid, &staged));
    assert_eq!((a.status, b.status), (SolveStatus::Converged, SolveStatus::Converged));
    let first = b.history.iter().take_while(|s| s.rays_per_point == 8).count();
    assert!(first >= 2 && b.history[first..].iter().all(|s| s.rays_per_point == 24), "{:?}", b.history);
    // the stage switch moved the populations by photon noise, far more than the tolerance
    assert!(b.history[first].max_rel_change > 10.0 * tolerance, "{:?}", b.history[first]);
    // what the rule promises of each run: the p90 within the tolerance, and at most 1 % of
    // the points outside it
    let mut differences: Vec<f64> = upper_levels(&grid, &a.pops).iter().zip(upper_levels(&grid, &b.pops)).map(|(x, y)| (x / y - 1.0).abs()).collect();
    differences.sort_by(f64::total_cmp);
    let p90 = differences[differences.len() * 9 / 10];
    let outside = differences.iter().filter(|&&d| d >= tolerance).count();
    assert!(p90 < tolerance && outside as f64 <= 0.01 * differences.len() as f64, "p90 {p90:e}, {outside} of {} points outside", differences.len());
}
