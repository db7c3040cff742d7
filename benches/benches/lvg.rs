//! Escape-probability solver: one CO and one o-H2CO model in the RADEX-compatible mode and in
//! the fast mode (cold and warm-started from a neighbouring model), and the 41×41 LINPACK
//! LU solve that is the arithmetic floor of one iteration. Grid throughput is measured with
//! `stop grid` (see README.md).

use criterion::{Criterion, criterion_group, criterion_main};
use stop_lvg::{CompatSolver, FastSolver, Geometry, ModelParams, Problem, Solution};
use stop_molecule::{PartnerDensities, PartnerKind};

fn model(tkin_k: f64, column_cm2: f64) -> ModelParams {
    let mut densities = PartnerDensities::default();
    densities.set(PartnerKind::H2, 1e4);
    ModelParams { tkin_k, densities, tbg_k: 2.73, column_cm2, fwhm_km_s: 1.0, geometry: Geometry::Sphere }
}

fn solvers(c: &mut Criterion) {
    // the README's single-model anchors: CO N = 1e16, o-H2CO N = 1e13, T = 30 K, n = 1e4
    for (name, column_cm2) in [("co", 1e16), ("o-h2co", 1e13)] {
        let problem = Problem::new(stop_molecule::shipped(name).expect("shipped")).expect("valid");
        let m = model(30.0, column_cm2);
        let neighbour = model(31.07, column_cm2);
        let mut solution = Solution::default();
        let mut compat = CompatSolver::default();
        c.bench_function(&format!("{name}/compat"), |b| {
            b.iter(|| compat.solve(&problem, &m, &mut solution).expect("solves"));
        });
        let mut fast = FastSolver::default();
        c.bench_function(&format!("{name}/fast_cold"), |b| {
            b.iter(|| fast.solve(&problem, &m, &mut solution).expect("solves"));
        });
        fast.solve(&problem, &neighbour, &mut solution).expect("solves");
        let warm = fast.populations().to_vec();
        c.bench_function(&format!("{name}/fast_warm"), |b| {
            b.iter(|| fast.solve_from(&problem, &m, Some(&warm), &mut solution).expect("solves"));
        });
    }
}

fn linear_solve(c: &mut Criterion) {
    // a diagonally dominant 41×41 system like CO's rate matrix
    let n = 41;
    let mut a = vec![0.0; n * n];
    for j in 0..n {
        for i in 0..n {
            a[j * n + i] = if i == j { 10.0 + i as f64 } else { 1.0 / (1.0 + (i + 2 * j) as f64) };
        }
    }
    let mut pivots = vec![0; n];
    let mut work = a.clone();
    let mut rhs = vec![0.0; n];
    c.bench_function("linpack_lu_41", |b| {
        b.iter(|| {
            work.copy_from_slice(&a);
            stop_lvg::linpack::factor(&mut work, n, &mut pivots).expect("regular");
            rhs.iter_mut().for_each(|v| *v = 1.0);
            stop_lvg::linpack::solve(&work, n, &pivots, &mut rhs);
        });
    });
    c.bench_function("fast_lu_41", |b| {
        b.iter(|| {
            work.copy_from_slice(&a);
            stop_lvg::fast::lu::factor(&mut work, n, &mut pivots).expect("regular");
            rhs.iter_mut().for_each(|v| *v = 1.0);
            stop_lvg::fast::lu::solve(&work, n, &pivots, &mut rhs);
        });
    });
}

criterion_group!(benches, solvers, linear_solve);
criterion_main!(benches);
