//! The global iteration: photons from every point with the previous populations, the local
//! ALI at every point, statistics, Ng acceleration, the stopping rule.
//!
//! Every point reads only the previous iteration's populations (Jacobi order, unlike LIME's
//! in-place OpenMP update), and its photons come from its own random stream, so the result
//! is bit-identical for any number of rayon threads.

use crate::grid::sampling::item_rng;
use crate::solve::averaging::{Averaging, AveragingSummary};
use crate::solve::convergence::{Contraction, IterationStats, is_converged, quantile, relative_changes, remaining_estimate};
use crate::solve::local::{LocalScratch, solve_point};
use crate::solve::ng::ng_extrapolate;
use crate::solve::params::{CellPopulations, FIRST_STAGE_RAY_SET, RaySchedule, SolveParams};
use crate::solve::setup::SolverSetup;
use crate::transport::photons::{CellModel, PointRadiation, TraceScratch, trace_point};
use crate::transport::reconstruct::{CellFit, FitOrder, GradientStencil, N_TERMS};
use crate::transport::segment::LimeLines;
use rayon::prelude::*;
use stop_physics::constants::HC_OVER_K_CM_K;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolveStatus {
    /// The stopping rule was met.
    Converged,
    /// `max_iterations` were done first.
    MaxIterations,
}

/// Result of [`solve`].
#[derive(Debug, Clone)]
pub struct SolveOutcome {
    /// Fractional populations, `[point * n_levels + level]` (zero at sinks).
    pub pops: Vec<f64>,
    /// Statistics of every iteration.
    pub history: Vec<IterationStats>,
    /// How the run ended.
    pub status: SolveStatus,
    /// With an averaging stage (`averaged_iterations`), the scatter of the averaged
    /// populations; `None` without one or with fewer than two averaged iterations.
    pub averaging: Option<AveragingSummary>,
    /// With an averaging stage, the standard error of every averaged population (same
    /// layout as `pops`); empty without one.
    pub standard_error: Vec<f64>,
}

/// Starting populations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartFrom {
    /// Boltzmann at each point's kinetic temperature.
    Lte,
    /// All zero (LIME 1.9.5: the first iteration sees only the background).
    Zero,
}

/// Initial populations for every point (zero at sinks).
#[must_use]
pub fn initial_populations(setup: &SolverSetup<'_>, molecule: &stop_molecule::Molecule, start: StartFrom) -> Vec<f64> {
    let n = setup.n_levels;
    let mut pops = vec![0.0; setup.n_points() * n];
    if start == StartFrom::Zero {
        return pops;
    }
    for (i, block) in pops.chunks_mut(n).enumerate() {
        if setup.mesh.is_sink[i] {
            continue;
        }
        let t_k = setup.tkin_k[i];
        let e0 = molecule.levels[0].energy_cm1;
        // Boltzmann distribution, g_i exp(−E_i / kT)
        for (p, level) in block.iter_mut().zip(&molecule.levels) {
            *p = level.weight * (-HC_OVER_K_CM_K * (level.energy_cm1 - e0) / t_k).exp();
        }
        let total: f64 = block.iter().sum();
        block.iter_mut().for_each(|p| *p /= total);
    }
    pops
}

/// Halves the step of every point whose main motion flips back: its largest relative step
/// among the levels above `floor` reverses that level's previous plain step (`new · old < 0`)
/// and is more than half as large. In the very thick van Zadelhoff 1b a few per cent of the
/// points near where the line leaves thermalisation flip between two states by 3–10 % per
/// iteration: the neighbours' cell fits feed a point's own change back into its radiation
/// beyond the diagonal operator, an iteration matrix with an eigenvalue near −1 there.
/// Averaging consecutive iterates is under-relaxation with factor ½ for those points only;
/// it maps an eigenvalue λ to (1 + λ)/2, which speeds convergence only for λ < −½, hence the
/// size test. A reversal in another level (the sum of the populations is 1, so some level
/// always turns when the largest one slows, and levels near the rounding or below the
/// statistics' floor flip at random) is no oscillation: halving the whole point for it
/// would slow every point to a rate of ½. A fixed point is unchanged, and each point uses
/// only its own values, so the result stays independent of the thread count. `reset` (the
/// first step, and after an Ng step or a change of photon stage, whose step is no plain
/// iteration's) only records.
fn damp_oscillations(old: &[f64], new: &mut [f64], last_step: &mut [f64], n_levels: usize, floor: f64, reset: bool) {
    for ((o, nw), last) in old.chunks(n_levels).zip(new.chunks_mut(n_levels)).zip(last_step.chunks_mut(n_levels)) {
        let largest = (0..n_levels)
            .filter(|&k| nw[k] > floor)
            .max_by(|&a, &b| ((nw[a] - o[a]) / nw[a]).abs().total_cmp(&((nw[b] - o[b]) / nw[b]).abs()));
        let reverses = !reset
            && largest.is_some_and(|k| {
                let step = nw[k] - o[k];
                step * last[k] < 0.0 && step.abs() > 0.5 * last[k].abs()
            });
        for ((o, n), l) in o.iter().zip(nw.iter_mut()).zip(last.iter_mut()) {
            *l = *n - o;
            if reverses {
                *n = o + 0.5 * *l;
            }
        }
    }
}

/// Per-thread work space.
struct Workspace {
    radiation: PointRadiation,
    trace: TraceScratch,
    local: LocalScratch,
}

/// Iterates from `pops` until the stopping rule or `max_iterations`. `on_point` is called
/// once per solved point (progress bars), `on_iteration` after every iteration.
///
/// With a first photon stage (`first_stage_rays_per_point`) the rule ends that stage
/// instead (or half of `max_iterations`, rounded up, do), and the run goes on with
/// `rays_per_point` photons, from the first stage's populations, until the rule holds again;
/// the Ng iterates and contraction rates are not carried over into the new stage. The rule
/// is checked on the plain step before an Ng extrapolation: when it holds, the run (or the
/// stage) ends on that step's populations and the extrapolation is not made.
///
/// With `averaged_iterations` M > 0 an averaging stage ([`crate::solve::averaging`])
/// follows instead of the end: M iterations with `rays_per_point` photons redrawn each
/// time (no Ng, no damping), whose mean populations are the result. After a first stage it
/// replaces the final fixed stage, and its first iteration, which leaves the first stage's
/// fixed point, is not averaged. `max_iterations` bounds the fixed stages only; the status
/// is [`SolveStatus::Converged`] when the rule held before the averaging began (a first
/// stage may end at its cap instead).
///
/// # Errors
/// [`crate::solve::error::SolveError::InvalidParameter`] for bad settings or a population
/// vector of the wrong length.
pub fn solve(
    setup: &SolverSetup<'_>,
    mut pops: Vec<f64>,
    params: &SolveParams,
    on_point: &(dyn Fn() + Sync),
    on_iteration: &mut dyn FnMut(&IterationStats),
) -> Result<SolveOutcome, crate::solve::error::SolveError> {
    params.validate()?;
    let n = setup.n_levels;
    if pops.len() != setup.n_points() * n {
        return Err(crate::solve::error::SolveError::InvalidParameter {
            field: "pops.len()",
            value: pops.len() as f64,
            expected: "n_points × n_levels",
        });
    }
    let use_ng = params.ng_period > 0 && params.rays == RaySchedule::Fixed;
    let mut iterates: Vec<Vec<f64>> = Vec::new();
    let mut history: Vec<IterationStats> = Vec::new();
    let mut next = vec![0.0; pops.len()];
    let is_sink = setup.mesh.is_sink;
    let stencil = GradientStencil::new(&setup.mesh);
    let mut fits = Vec::new();
    // the change of the previous plain iteration, per (point, level); see damp_oscillations
    let mut last_step = vec![0.0; pops.len()];
    // no plain step before this iteration's to compare with (start, Ng step, new stage)
    let mut fresh_start = true;
    let mut contraction = Contraction::default();
    let mut first_stage = params.first_stage_rays_per_point.is_some();
    let first_stage_cap = params.max_iterations.div_ceil(2);
    // the iteration after which the current stage began
    let mut stage_start = 0;
    let mut averaging: Option<Averaging> = None;
    // whether the stopping rule held before the averaging stage began (a first stage may end
    // at its cap instead)
    let mut rule_held = false;
    for iteration in 1.. {
        if averaging.is_none() && iteration > params.max_iterations {
            break;
        }
        let ray_set = match (params.rays, first_stage) {
            _ if averaging.is_some() => iteration as u64,
            (RaySchedule::EveryIteration, _) => iteration as u64,
            (RaySchedule::Fixed, false) => 0,
            (RaySchedule::Fixed, true) => FIRST_STAGE_RAY_SET,
        };
        let rays_per_point = match params.first_stage_rays_per_point {
            Some(first) if first_stage => first,
            _ => params.rays_per_point,
        };
        match params.cells {
            CellPopulations::Quadratic => stencil.fit(&setup.mesh, &pops, n, FitOrder::Quadratic, &mut fits),
            CellPopulations::Linear => stencil.fit(&setup.mesh, &pops, n, FitOrder::Linear, &mut fits),
            CellPopulations::Constant => {
                fits.clear();
                fits.resize(pops.len(), CellFit { coeff: [0.0; N_TERMS], lo: 0.0, hi: f64::INFINITY });
            }
            CellPopulations::Lime => fits.clear(),
        }
        let lime_lines = if params.cells == CellPopulations::Lime { LimeLines::new(setup, &pops) } else { LimeLines::default() };
        let cells = if params.cells == CellPopulations::Lime { CellModel::Lime(&lime_lines) } else { CellModel::Fitted(&fits) };
        let per_point: Vec<(usize, bool, usize)> = next
            .par_chunks_mut(n)
            .enumerate()
            .map_init(
                || Workspace {
                    radiation: PointRadiation::default(),
                    trace: TraceScratch::default(),
                    local: LocalScratch::new(n, setup.n_lines()),
                },
                |ws, (i, out)| {
                    out.copy_from_slice(&pops[i * n..(i + 1) * n]);
                    if is_sink[i] {
                        return (0, false, 0);
                    }
                    let mut rng = item_rng(params.seed, (ray_set << 32) | i as u64);
                    trace_point(setup, &pops, cells, i, rays_per_point, &mut rng, &mut ws.radiation, &mut ws.trace);
                    let outcome = solve_point(setup, i, &ws.radiation, &params.local, out, &mut ws.local);
                    on_point();
                    (outcome.iterations, outcome.singular, ws.radiation.lost_paths)
                },
            )
            .collect();
        let n_interior = is_sink.iter().filter(|s| !**s).count().max(1);
        let (changes, worst) = relative_changes(&pops, &next, n, params.population_floor, is_sink);
        if averaging.is_none() {
            damp_oscillations(&pops, &mut next, &mut last_step, n, params.population_floor, fresh_start);
        }
        std::mem::swap(&mut pops, &mut next);
        let p90 = quantile(&changes, 0.9);
        let rho = contraction.record(p90);
        let mut stats = IterationStats {
            iteration,
            max_rel_change: changes.last().copied().unwrap_or(0.0),
            p90_rel_change: p90,
            median_rel_change: quantile(&changes, 0.5),
            fraction_converged: worst.iter().filter(|&&w| w < params.tolerance).count() as f64 / n_interior as f64,
            remaining_estimate: if params.rays == RaySchedule::Fixed { remaining_estimate(p90, rho) } else { None },
            ng_applied: false,
            mean_inner_iterations: per_point.iter().map(|r| r.0 as f64).sum::<f64>() / n_interior as f64,
            singular_points: per_point.iter().filter(|r| r.1).count(),
            lost_paths: per_point.iter().map(|r| r.2).sum(),
            rays_per_point,
            averaged: 0,
        };
        if let Some(avg) = averaging.as_mut() {
            avg.add(&pops);
            stats.averaged = avg.samples();
            stats.remaining_estimate = None;
            on_iteration(&stats);
            history.push(stats);
            if avg.samples() == params.averaged_iterations {
                let standard_error = avg.standard_errors();
                let summary = avg.summary(&standard_error, n, params.population_floor, is_sink);
                let status = if rule_held { SolveStatus::Converged } else { SolveStatus::MaxIterations };
                return Ok(SolveOutcome { pops: avg.mean(), history, status, averaging: summary, standard_error });
            }
            continue;
        }
        let done = is_converged(&stats, params);
        fresh_start = false;
        // the first step of a stage leaves the starting populations (LTE, zero, another
        // photon count's fixed point) and is no step of the map's asymptotic regime: Ng
        // extrapolates from the iterates after it
        let stage_iteration = iteration - stage_start;
        if use_ng && !done && stage_iteration > 1 {
            iterates.push(pops.clone());
            if iterates.len() > 4 {
                iterates.remove(0);
            }
            if (stage_iteration - 1) % params.ng_period == 0 && iterates.len() == 4 && ng_extrapolate(&iterates, n, &mut next) {
                std::mem::swap(&mut pops, &mut next);
                iterates.clear();
                contraction.extrapolated();
                stats.ng_applied = true;
                fresh_start = true;
            }
        }
        on_iteration(&stats);
        history.push(stats);
        if first_stage && (done || iteration - stage_start == first_stage_cap) {
            first_stage = false;
            stage_start = iteration;
            iterates.clear();
            contraction.reset();
            fresh_start = true;
            if params.averaged_iterations > 0 {
                averaging = Some(Averaging::new(pops.len(), 1));
                rule_held = done;
            }
        } else if done {
            if params.averaged_iterations == 0 {
                return Ok(SolveOutcome { pops, history, status: SolveStatus::Converged, averaging: None, standard_error: Vec::new() });
            }
            averaging = Some(Averaging::new(pops.len(), 0));
            rule_held = true;
        }
    }
    Ok(SolveOutcome { pops, history, status: SolveStatus::MaxIterations, averaging: None, standard_error: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversing_steps_are_halved_and_monotone_ones_kept() {
        // point 0 flips back (2-cycle), point 1 keeps moving the same way, point 2 is at rest
        let old = [0.6, 0.4, 0.5, 0.5, 0.3, 0.7];
        let mut new = [0.4, 0.6, 0.45, 0.55, 0.3, 0.7];
        let mut last = [0.2, -0.2, -0.1, 0.1, 0.0, 0.0];
        damp_oscillations(&old, &mut new, &mut last, 2, 1e-3, false);
        let expected = [0.5, 0.5, 0.45, 0.55, 0.3, 0.7];
        assert!(new.iter().zip(expected).all(|(n, e)| (n - e).abs() < 1e-15), "{new:?}");
        // the undamped steps are recorded; sums stay 1
        assert!((last[0] + 0.2).abs() < 1e-15 && (last[2] + 0.05).abs() < 1e-15);
        assert!(new.chunks(2).all(|p| (p[0] + p[1] - 1.0).abs() < 1e-15));
        // after an Ng step nothing is damped, only recorded
        let mut again = [0.6, 0.4, 0.5, 0.5, 0.3, 0.7];
        damp_oscillations(&new, &mut again, &mut last, 2, 1e-3, true);
        assert_eq!(again, [0.6, 0.4, 0.5, 0.5, 0.3, 0.7]);
    }

    #[test]
    fn small_reversals_and_reversals_of_minor_levels_are_no_oscillation() {
        // point 0: after the first step from zero the largest level turns back by a tenth of
        // it (convergence, not a 2-cycle); point 1: the largest relative step (level 0) goes
        // on, only level 1 turns; point 2: only a level below the floor flips
        let old = [0.5, 0.5, 0.0, 0.2, 0.3, 0.5, 0.5, 0.4999, 1e-4];
        let mut new = [0.45, 0.55, 0.0, 0.15, 0.31, 0.54, 0.4, 0.5999, 1e-4 - 1e-6];
        let mut last = [0.5, 0.5, 0.0, -0.1, -0.02, 0.12, -0.1, 0.1, 1e-6];
        let expected = new;
        damp_oscillations(&old, &mut new, &mut last, 3, 1e-3, false);
        assert_eq!(new, expected);
    }
}
