//! The local accelerated lambda iteration at one point: the intensity from outside the
//! point's cell is frozen, the cell's own contribution is recomputed from the current
//! populations, and statistical equilibrium is solved again until the populations settle
//! (Brinch & Hogerheijde 2010 §2.3, eq. 8; Rybicki & Hummer 1991 with a diagonal operator;
//! `lime-algorithm.md` §3.4).

use crate::solve::setup::SolverSetup;
use crate::solve::stateq::{StateqScratch, solve_statistical_equilibrium};
use crate::transport::formal::{MASER_TAU_LIMIT, escape_factor};
use crate::transport::photons::PointRadiation;

/// Inner-loop settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalParams {
    /// Stop when the largest relative change of a level above `min_population` is below
    /// this (LIME's `TOL` = 1e-6).
    pub tolerance: f64,
    /// Levels below this population are ignored by the test (LIME: 1e-6).
    pub min_population: f64,
    /// Fewest inner iterations (LIME: 5).
    pub min_iterations: usize,
    /// Most inner iterations (LIME's `MAXITER` = 50).
    pub max_iterations: usize,
}

impl Default for LocalParams {
    fn default() -> Self {
        Self { tolerance: 1e-6, min_population: 1e-6, min_iterations: 5, max_iterations: 50 }
    }
}

/// How the inner loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalOutcome {
    /// Inner iterations done.
    pub iterations: usize,
    /// The change fell below the tolerance.
    pub converged: bool,
    /// A rate matrix was singular (the populations of the last good solve are kept).
    pub singular: bool,
}

/// Work space of [`solve_point`].
#[derive(Debug, Clone)]
pub struct LocalScratch {
    stateq: StateqScratch,
    mean_intensity: Vec<f64>,
    previous: Vec<f64>,
    collisions_s: Vec<f64>,
}

impl LocalScratch {
    /// Space for a molecule with `n_levels` levels and `n_lines` lines.
    #[must_use]
    pub fn new(n_levels: usize, n_lines: usize) -> Self {
        Self { stateq: StateqScratch::new(n_levels), mean_intensity: vec![0.0; n_lines], previous: vec![0.0; n_levels], collisions_s: Vec::with_capacity(n_levels * n_levels) }
    }
}

/// Profile-weighted mean intensity of every line at point `i` for populations `p`:
/// `J̄ = Σ_k φ_k [e^{−Δτ_k} I_k + S (1 − e^{−Δτ_k})] / Σ_k φ_k` with `Δτ_k` the optical
/// depth of the point's own cell along photon k (`lime-algorithm.md` §3.4), plus the frozen
/// [`PointRadiation::own_cell_correction`].
pub fn mean_intensity(setup: &SolverSetup<'_>, i: usize, p: &[f64], radiation: &PointRadiation, out: &mut [f64]) {
    let n_lines = setup.n_lines();
    let total_weight: f64 = radiation.weight.iter().sum();
    let base = i * n_lines;
    for (l, line) in setup.lines.iter().enumerate() {
        let kappa0 = setup.kappa0_m[base + l];
        let alpha_per_path = kappa0 * (p[line.lo] * line.weight_ratio - p[line.up]);
        let emission_per_path = kappa0 * p[line.up];
        let dust_alpha = setup.dust_alpha_m[base + l];
        let dust_emission = dust_alpha * setup.dust_source[base + l];
        let mut sum = 0.0;
        for (k, &w) in radiation.weight.iter().enumerate() {
            let line_path_m = radiation.local_line_path_m[k];
            let dust_path_m = radiation.local_dust_path_m[k];
            let dtau = (alpha_per_path * line_path_m + dust_alpha * dust_path_m).max(MASER_TAU_LIMIT);
            let local = (emission_per_path * line_path_m + dust_emission * dust_path_m) * escape_factor(dtau);
            sum += w * ((-dtau).exp() * radiation.incoming[k * n_lines + l] + local);
        }
        let correction = radiation.own_cell_correction.get(l).copied().unwrap_or(0.0);
        out[l] = if total_weight > 0.0 { sum / total_weight + correction } else { line.background };
    }
}

/// Iterates `J̄(p) → p` at point `i` from the populations in `p` (updated in place). Rates
/// that cannot be computed (never for a setup that [`SolverSetup::new`] accepted) count as
/// a singular solve.
pub fn solve_point(
    setup: &SolverSetup<'_>,
    i: usize,
    radiation: &PointRadiation,
    params: &LocalParams,
    p: &mut [f64],
    scratch: &mut LocalScratch,
) -> LocalOutcome {
    let mut outcome = LocalOutcome { iterations: 0, converged: false, singular: false };
    if setup.collision_rates_of(i, &mut scratch.collisions_s).is_err() {
        outcome.singular = true;
        return outcome;
    }
    let collisions = &scratch.collisions_s;
    while outcome.iterations < params.max_iterations {
        scratch.previous.copy_from_slice(p);
        mean_intensity(setup, i, p, radiation, &mut scratch.mean_intensity);
        outcome.iterations += 1;
        if !solve_statistical_equilibrium(&setup.lines, collisions, &scratch.mean_intensity, p, &mut scratch.stateq) {
            outcome.singular = true;
            break;
        }
        let change = p
            .iter()
            .zip(&scratch.previous)
            .filter(|(new, _)| **new > params.min_population)
            .map(|(new, old)| ((new - old) / new).abs())
            .fold(0.0, f64::max);
        if change < params.tolerance && outcome.iterations >= params.min_iterations {
            outcome.converged = true;
            break;
        }
    }
    outcome
}
