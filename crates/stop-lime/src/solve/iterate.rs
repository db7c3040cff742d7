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
use crate::solve::relax::Relaxation;
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
/// time (no Ng; a point that oscillated before keeps its recent smallest relaxation
/// factor), whose mean populations are the result. After a first stage it replaces the
/// final fixed stage, and its first iteration, which leaves the first stage's fixed point,
/// is not averaged. `max_iterations` bounds the fixed stages only; the status is
/// [`SolveStatus::Converged`] when the rule held before the averaging began (a first stage
/// may end at its cap instead).
///
/// A point whose iteration oscillates is under-relaxed (`relax` module of
/// [`crate::solve`]); the statistics count those points.
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
    let mut relaxation = Relaxation::new(setup.n_points(), n);
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
        let relaxed_points = match averaging {
            None => relaxation.step(&pops, &mut next, params.population_floor, params.tolerance, fresh_start),
            Some(_) => relaxation.averaging_step(&pops, &mut next),
        };
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
            relaxed_points,
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
