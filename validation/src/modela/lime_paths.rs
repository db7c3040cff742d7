//! LIME 1.9.5's photon paths, rebuilt from their description (`lime-algorithm.md` §3.2), for
//! comparing STOP's lime cells with LIME like with like.
//!
//! STOP's lime cells (`CellPopulations::Lime`) give every Voronoi cell its point's
//! populations and densities, as LIME does, but a photon travels a straight line through the
//! cells and sees the model's velocity on that line. LIME's photon instead
//! - walks along Delaunay edges: at each vertex the forward edge (`e·n > 0`) whose far end lies
//!   nearest the straight track from the start, or with probability `d₁²/(d₁² + 0.4 d₂²)` the
//!   second nearest (step 3);
//! - counts each half edge with its length projected on the direction, `½ ds (e·n)` (step 4);
//! - gives each vertex the two half edges beside it, with the profile averaged over each half
//!   for the velocity linear between the model's values at the edge's ends and quarter points
//!   (step 5), the far half added before the near one (step 7);
//! - leaves the first half edge to the local operator (§3.4);
//! - draws its velocity uniformly within ±2.15 b of the local line centre and is weighted by
//!   the local profile `exp(−x²)` (step 2).
//!
//! The vertices and quarter points lie up to half an edge off the photon's line. On model A's
//! log-radius grid an edge spans 30–50 % of its radius, and the free fall's velocity turns by
//! v/r across the line, so the velocity a photon sees jumps by ~1 km/s (≈ 4 b) per edge more
//! than on the straight line: a wider spread per half edge, less opacity near line centre,
//! more escape. The J ≥ 4 lines, excited in part by their own trapped photons, come out
//! lower in LIME ([`super::diagnose`] measures it, with velocities sampled on the track as
//! the control).
//!
//! With these paths and LIME's schedule (200 photons, 14 iterations from zero, new photons
//! each) STOP's lime cells on LIME's seed-1 grid match LIME like its own reruns: point by point
//! against seed 1 median / p90 / p99 9.29e-6 / 5.87e-4 / 1.24e-2, LIME's fixedgrid runs
//! 9.6–9.8e-6 / 5.67–5.72e-4 / 1.20–1.27e-2 (2026-11-26, `stop-validate lime-modela --part
//! lime-grid --cells lime-paths`), and the change per iteration settles at LIME's own floor
//! (median 2.0e-5, p90 1.1e-3 from iteration 3).

use rand::RngExt;
use stop_lime::grid::sampling::item_rng;
use stop_lime::solve::convergence::{quantile, relative_changes};
use stop_lime::solve::local::{LocalParams, LocalScratch, solve_point};
use stop_lime::solve::setup::{Mesh, SolverSetup};
use stop_lime::transport::formal::{MASER_TAU_LIMIT, escape_and_transmission};
use stop_lime::transport::photons::{PointRadiation, inverse_profile_cdf};
use stop_lime::transport::profile::mean_gaussian;
use stop_model::Position;
use rayon::prelude::*;

/// LIME's velocity range: photons within ±2.15 b of the local line centre (§3.2 step 2).
pub const LIME_HALF_RANGE_B: f64 = 2.15;

/// LIME's weight of the second-nearest edge: taken with probability `d₁²/(d₁² + 0.4 d₂²)`
/// (§3.2 step 3).
pub const SCATTER_REDUCTION: f64 = 0.4;

/// How photon velocities are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Velocities {
    /// LIME's: uniform within ±2.15 b, each photon weighted by `exp(−x²)`.
    LimeUniform,
    /// STOP's: the k-th of n photons in the k-th of n equal slices of the profile (inverse
    /// CDF), weight 1.
    Profile,
}

/// Where the velocity along an edge is sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VelocitySamples {
    /// LIME's: at the edge's ends and quarter points.
    Edge,
    /// The control: at the same points projected onto the photon's straight track.
    Track,
}

/// Settings of the LIME-path photons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimePaths {
    /// Photons per point and iteration.
    pub photons: usize,
    /// How their velocities are drawn.
    pub velocities: Velocities,
    /// Where the velocity is sampled.
    pub samples: VelocitySamples,
    /// Seed of the random streams (one per point and iteration).
    pub seed: u64,
}

/// The random numbers of one point's photons: the solver's per-item streams
/// ([`item_rng`]), one per (iteration, point) as in `stop_lime::solve::iterate`, so results do
/// not depend on the thread count.
fn path_rng(seed: u64, iteration: u64, point: usize) -> impl RngExt {
    item_rng(seed, (iteration << 32) | point as u64)
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// The vertex LIME's photon goes to from `here`, started at `start` along `dir`: among the
/// neighbours ahead (`e·dir > 0`) the one nearest the track, or with probability
/// `d₁² / (d₁² + 0.4 d₂²)` (`u` uniform in [0, 1)) the second nearest. `None` if no neighbour
/// lies ahead.
fn next_vertex(mesh: &Mesh<'_>, start: usize, here: usize, dir: [f64; 3], u: f64) -> Option<usize> {
    let pos = mesh.positions_m;
    let mut best: [Option<(f64, usize)>; 2] = [None, None];
    for &j in mesh.neighbours.of(here) {
        let j = j as usize;
        if dot(sub(pos[j], pos[here]), dir) <= 0.0 {
            continue;
        }
        let d = sub(pos[j], pos[start]);
        let along = dot(d, dir);
        let off_track_m2: f64 = (0..3).map(|k| (d[k] - along * dir[k]).powi(2)).sum();
        match best {
            [None, _] => best[0] = Some((off_track_m2, j)),
            [Some(first), _] if off_track_m2 < first.0 => best = [Some((off_track_m2, j)), Some(first)],
            [_, None] => best[1] = Some((off_track_m2, j)),
            [_, Some(second)] if off_track_m2 < second.0 => best[1] = Some((off_track_m2, j)),
            _ => {}
        }
    }
    match best {
        [Some((d1, j1)), Some((d2, j2))] => Some(if (d1 + SCATTER_REDUCTION * d2) * u < d1 { j2 } else { j1 }),
        [Some((_, j1)), None] => Some(j1),
        _ => None,
    }
}

/// The profile averaged over the two halves of an edge, `[near half, far half]`, from the
/// offsets `x = (v_photon − n·v)` at the edge's ends and quarter points (m/s) and each half's
/// Doppler b: the mean of the two quarters' [`mean_gaussian`] (§3.2 step 5).
#[must_use]
pub fn half_edge_profiles(offsets_m_s: [f64; 5], b_near_m_s: f64, b_far_m_s: f64) -> [f64; 2] {
    let half = |q: usize, b: f64| {
        if b > 0.0 { 0.5 * (mean_gaussian(offsets_m_s[q] / b, offsets_m_s[q + 1] / b) + mean_gaussian(offsets_m_s[q + 1] / b, offsets_m_s[q + 2] / b)) } else { 0.0 }
    };
    [half(0, b_near_m_s), half(2, b_far_m_s)]
}

/// Adds a half edge of `cell` (profile `phi`, length `half_m`) to the photon: its emission
/// attenuated by what lies before it, then its transmission.
fn add_half(setup: &SolverSetup<'_>, pops: &[f64], cell: usize, phi: f64, half_m: f64, intensity: &mut [f64], transmission: &mut [f64]) {
    let (n_lines, n) = (setup.n_lines(), setup.n_levels);
    let p = &pops[cell * n..(cell + 1) * n];
    for (l, line) in setup.lines.iter().enumerate() {
        let base = cell * n_lines + l;
        let kappa0 = setup.kappa0_m[base];
        let dust = setup.dust_alpha_m[base];
        // α and j of `lime-algorithm.md` §3.2 step 6 in occupation units (SolverSetup::kappa0_m)
        let dtau = ((kappa0 * phi * (p[line.lo] * line.weight_ratio - p[line.up]) + dust) * half_m).max(MASER_TAU_LIMIT);
        let (escape, t) = escape_and_transmission(dtau);
        intensity[l] += transmission[l] * (kappa0 * phi * p[line.up] + dust * setup.dust_source[base]) * half_m * escape;
        transmission[l] = (transmission[l] * t).min((-MASER_TAU_LIMIT).exp());
    }
}

/// Traces the photons of interior point `i` along LIME's paths through the populations `pops`
/// and fills `out` as `stop_lime::transport::photons::trace_point` does for lime cells (the
/// first half edge goes to the local operator of `solve_point`).
fn trace_point(setup: &SolverSetup<'_>, pops: &[f64], i: usize, paths: &LimePaths, rng: &mut impl RngExt, out: &mut PointRadiation) {
    let n_lines = setup.n_lines();
    let pos = setup.mesh.positions_m;
    out.weight.clear();
    out.local_line_path_m.clear();
    out.local_dust_path_m.clear();
    out.incoming.clear();
    out.incoming.resize(paths.photons * n_lines, 0.0);
    out.own_cell_correction.clear();
    out.own_cell_correction.resize(n_lines, 0.0);
    out.lost_paths = 0;
    let (b_i, v_i) = (setup.doppler_b_m_s[i], setup.velocity_m_s[i]);
    let mut transmission = vec![1.0; n_lines];
    for k in 0..paths.photons {
        // isotropic: uniform azimuth and z (§3.2 step 1)
        let z = 2.0 * rng.random::<f64>() - 1.0;
        let azimuth = std::f64::consts::TAU * rng.random::<f64>();
        let sin_theta = (1.0 - z * z).max(0.0).sqrt();
        let dir = [sin_theta * azimuth.cos(), sin_theta * azimuth.sin(), z];
        let (x, weight) = match paths.velocities {
            Velocities::LimeUniform => {
                let x = 2.0 * LIME_HALF_RANGE_B * (rng.random::<f64>() - 0.5);
                (x, (-x * x).exp())
            }
            Velocities::Profile => (inverse_profile_cdf((k as f64 + rng.random::<f64>()) / paths.photons as f64), 1.0),
        };
        let v_photon = dot(dir, v_i) + x * b_i;
        out.weight.push(weight);
        let intensity = &mut out.incoming[k * n_lines..(k + 1) * n_lines];
        transmission.fill(1.0);
        let (mut local_line_path_m, mut local_dust_path_m) = (0.0, 0.0);
        let (mut here, mut near_half): (usize, Option<(f64, f64)>) = (i, None);
        let mut reached = false;
        while let Some(there) = next_vertex(&setup.mesh, i, here, dir, rng.random::<f64>()) {
            let e = sub(pos[there], pos[here]);
            let sample = |f: f64| -> [f64; 3] {
                let x: [f64; 3] = std::array::from_fn(|q| pos[here][q] + f * e[q]);
                match paths.samples {
                    VelocitySamples::Edge => x,
                    VelocitySamples::Track => {
                        let along = dot(sub(x, pos[i]), dir);
                        std::array::from_fn(|q| pos[i][q] + along * dir[q])
                    }
                }
            };
            let offsets = [0.0, 0.25, 0.5, 0.75, 1.0].map(|f| {
                let at = sample(f);
                v_photon - dot(dir, setup.model.velocity_m_s(&Position::new(at[0], at[1], at[2])))
            });
            let [phi_out, phi_in] = half_edge_profiles(offsets, setup.doppler_b_m_s[here], setup.doppler_b_m_s[there]);
            // §3.2 step 4: the half edge projected on the direction
            let half_m = 0.5 * dot(e, dir);
            match near_half {
                None => (local_line_path_m, local_dust_path_m) = (phi_out * half_m, half_m),
                Some((phi_near, half_near_m)) => {
                    // the far half (leaving `here`) first, then the near one (§3.2 step 7)
                    add_half(setup, pops, here, phi_out, half_m, intensity, &mut transmission);
                    add_half(setup, pops, here, phi_near, half_near_m, intensity, &mut transmission);
                }
            }
            near_half = Some((phi_in, half_m));
            here = there;
            if setup.mesh.is_sink[here] {
                reached = true;
                break;
            }
        }
        if reached {
            for (l, line) in setup.lines.iter().enumerate() {
                intensity[l] += transmission[l] * line.background;
            }
        } else {
            out.lost_paths += 1;
        }
        out.local_line_path_m.push(local_line_path_m);
        out.local_dust_path_m.push(local_dust_path_m);
    }
}

/// One iteration at the interior points `points`: photons along LIME's paths through `pops`,
/// then the local ALI of `solve_point` from each point's populations. Returns the new
/// populations of `points` (`n_levels` each, in order).
#[must_use]
pub fn step(setup: &SolverSetup<'_>, pops: &[f64], points: &[usize], paths: &LimePaths, iteration: u64, local: &LocalParams) -> Vec<f64> {
    let n = setup.n_levels;
    points
        .par_iter()
        .map_init(
            || (PointRadiation::default(), LocalScratch::new(n, setup.n_lines())),
            |(radiation, scratch), &i| {
                let mut rng = path_rng(paths.seed, iteration, i);
                trace_point(setup, pops, i, paths, &mut rng, radiation);
                let mut p = pops[i * n..(i + 1) * n].to_vec();
                solve_point(setup, i, radiation, local, &mut p, scratch);
                p
            },
        )
        .flatten()
        .collect()
}

/// LIME's schedule with LIME's paths: `iterations` global iterations from `pops` (LIME: 14
/// from zero), new photons each; every point reads the previous iteration's populations
/// (Jacobi; LIME updates in place, which reaches the same fixed point). `log` gets one line
/// per iteration with the median and 90th percentile of the relative change (levels above
/// `floor`).
#[must_use]
pub fn solve(setup: &SolverSetup<'_>, mut pops: Vec<f64>, paths: &LimePaths, iterations: usize, local: &LocalParams, floor: f64, log: &mut dyn FnMut(&str)) -> Vec<f64> {
    let n = setup.n_levels;
    let is_sink = setup.mesh.is_sink;
    let interior: Vec<usize> = (0..is_sink.len()).filter(|&i| !is_sink[i]).collect();
    for iteration in 1..=iterations {
        let solved = step(setup, &pops, &interior, paths, iteration as u64, local);
        let mut next = pops.clone();
        for (k, &i) in interior.iter().enumerate() {
            next[i * n..(i + 1) * n].copy_from_slice(&solved[k * n..(k + 1) * n]);
        }
        let (changes, _) = relative_changes(&pops, &next, n, floor, is_sink);
        log(&format!(
            "  LIME paths, iteration {iteration}: relative change median {:.2e}, p90 {:.2e}",
            quantile(&changes, 0.5),
            quantile(&changes, 0.9)
        ));
        pops = next;
    }
    pops
}

#[cfg(test)]
mod tests {
    use super::*;
    use stop_lime::grid::delaunay::Delaunay;

    #[test]
    fn half_edge_profiles_average_the_gaussian_over_each_half() {
        // velocity linear along the edge: each half is one linear piece
        let b = 200.0;
        let offsets = [-300.0, -150.0, 0.0, 150.0, 300.0];
        let [near, far] = half_edge_profiles(offsets, b, 2.0 * b);
        assert!((near - mean_gaussian(-1.5, 0.0)).abs() < 1e-12);
        assert!((far - mean_gaussian(0.0, 0.75)).abs() < 1e-12);
        // no velocity change: the Gaussian at the offset; a sink's half (b = 0) is empty
        let [flat, sink] = half_edge_profiles([100.0; 5], b, 0.0);
        assert!((flat - (-0.25f64).exp()).abs() < 1e-12 && sink == 0.0);
    }

    #[test]
    fn the_walk_goes_forward_to_the_vertex_nearest_the_track_and_sometimes_the_second() {
        // a 5×5×5 lattice of unit spacing, slightly jittered
        let mut rng = path_rng(1, 0, 0);
        let mut pts = Vec::new();
        for i in 0..5 {
            for j in 0..5 {
                for k in 0..5 {
                    let mut jit = || 0.02 * (rng.random::<f64>() - 0.5);
                    pts.push([f64::from(i) - 2.0 + jit(), f64::from(j) - 2.0 + jit(), f64::from(k) - 2.0 + jit()]);
                }
            }
        }
        let nb = Delaunay::new(&pts).expect("lattice").vertex_neighbours();
        let sinks: Vec<bool> = pts.iter().map(|p| p.iter().any(|c| c.abs() > 1.5)).collect();
        let mesh = Mesh { positions_m: &pts, is_sink: &sinks, neighbours: &nb };
        let centre = 2 * 25 + 2 * 5 + 2;
        let norm = (1.0f64 + 0.1 * 0.1).sqrt();
        let dir = [1.0 / norm, 0.1 / norm, 0.0];
        // u near 1 never takes the second choice: the lattice neighbour along +x
        let first = next_vertex(&mesh, centre, centre, dir, 1.0 - 1e-12).expect("a forward edge");
        assert_eq!(first, 3 * 25 + 2 * 5 + 2);
        // over many u the second choice comes with probability d₁²/(d₁² + 0.4 d₂²) < 1/2 ...
        let n = 10_000;
        let seconds = (0..n).filter(|&k| next_vertex(&mesh, centre, centre, dir, (f64::from(k) + 0.5) / f64::from(n)) != Some(first)).count();
        let share = seconds as f64 / f64::from(n);
        assert!(share > 0.0 && share < 0.5, "{share}");
        // ... and a walk along it ends at a sink, every step forward
        let (mut here, mut along) = (centre, 0.0);
        while !sinks[here] {
            let next = next_vertex(&mesh, centre, here, dir, rng.random::<f64>()).expect("forward");
            let step = dot(sub(pts[next], pts[here]), dir);
            assert!(step > 0.0);
            along += step;
            here = next;
        }
        assert!((along - dot(sub(pts[here], pts[centre]), dir)).abs() < 1e-12);
    }
}
