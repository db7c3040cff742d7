//! Wall times of the `stop-lime` grid layer: Delaunay triangulation and neighbour
//! extraction for uniform points in a ball and a cubic lattice, and a LIME model-A grid.
//!
//! `cargo bench -p stop-benches --bench delaunay` (release profile, one thread). Prints
//! medians; figures and machine notes go to `benches/README.md`.
#![allow(clippy::print_stdout, reason = "a benchmark's job is to print its figures")]

use stop_benches::{lattice, median_time, uniform_ball};
use stop_lime::grid::build::Grid;
use stop_lime::grid::delaunay::Delaunay;
use stop_lime::grid::sampling::SamplingParams;
use stop_lime::grid::smoothing::SmoothingParams;

/// qhull (`qdelaunay Qt`) and TetGen wall times on this machine for 1e4, 1e5, 1e6 uniform
/// points in a ball, from `../shared/docs/dependencies.md` §3 (a different run: compare
/// ratios loosely).
const QHULL_S: [f64; 3] = [0.12, 2.38, 30.6];
const TETGEN_S: [f64; 3] = [0.037, 0.415, 4.49];

fn report(label: &str, n: usize, repeats: usize, pts: &[[f64; 3]]) -> f64 {
    let (t_dt, dt) = median_time(repeats, || Delaunay::new(pts).expect("benchmark input triangulates"));
    let (t_nb, nb) = median_time(repeats, || dt.vertex_neighbours());
    println!(
        "{label:<14} n = {n:>8}  delaunay {:>7.3} s wall {:>7.3} s cpu  neighbours {:>6.3} s wall {:>6.3} s cpu  tets/point {:.3}  mean degree {:.2}  (median of {repeats})",
        t_dt.wall_s,
        t_dt.cpu_s,
        t_nb.wall_s,
        t_nb.cpu_s,
        dt.tetrahedra().len() as f64 / n as f64,
        nb.indices().len() as f64 / n as f64,
    );
    t_dt.wall_s
}

fn main() {
    for (k, (n, repeats)) in [(10_000, 7), (100_000, 5), (1_000_000, 3)].into_iter().enumerate() {
        let t = report("uniform ball", n, repeats, &uniform_ball(n, 42));
        println!("{:<14} {:>12}  qhull/STOP {:.1}x  STOP/TetGen {:.1}x", "", "", QHULL_S[k] / t, t / TETGEN_S[k]);
    }
    report("lattice 30^3", 27_000, 5, &lattice(30));

    // LIME model A (../shared/reference/lime/modelA/model.toml): n(H2) = 1.5e6 cm^-3
    // (r / 300 au)^-1.5, 3000 interior + 1000 sink points, 5 smoothing sweeps.
    let params = SamplingParams::default();
    let r0_m = 300.0 * params.radius_m / 2000.0;
    let n_h2 = move |x: f64, y: f64, z: f64| 1.5e12 * ((x * x + y * y + z * z).sqrt() / r0_m).powf(-1.5);
    let (t_grid, grid) =
        median_time(5, || Grid::build(&n_h2, &params, &SmoothingParams::default()).expect("model A grid builds"));
    println!(
        "{:<14} n = {:>8}  sample + 5 smoothing sweeps + triangulation + neighbours + kd-tree {:.3} s wall, rayon's default pool (median of 5; LIME's whole set-up ≈ 0.65 s)",
        "model A grid",
        grid.positions_m.len(),
        t_grid.wall_s,
    );
}
