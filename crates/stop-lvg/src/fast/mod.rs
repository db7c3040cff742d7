//! The fast default mode: Newton's method on the statistical-equilibrium equations of the
//! RADEX model, F(x) = A(τ(x)) x − b = 0, with the analytic Jacobian of [`system`], a
//! backtracking step, a warm start from a neighbouring model, and no allocation per model
//! once the buffers have grown. It converges to the fixed point of the same equations RADEX
//! iterates (same escape probabilities, backgrounds, rates and constants), and reports the
//! relative statistical-equilibrium residual per model.

pub mod lu;
mod system;

use stop_molecule::PartnerDensities;
use stop_physics::radex_legacy::{HC_OVER_K_CM_K, MIN_POP};

use crate::background::line_backgrounds;
use crate::compat::POP_SUM_TOLERANCE;
use crate::error::LvgError;
use crate::model::{ModelParams, Problem};
use crate::rates::CollisionSetup;
use crate::result::{Solution, Status};
use system::{BetaForm, LineTerms, RESIDUAL_POPULATION_FLOOR};

/// Weight of the new populations in the fixed-point phase (RADEX's 0.3, escape-probability.md §9).
const RELAX_NEW: f64 = 0.3;
/// The fixed-point phase hands over to Newton when the populations change by less than this.
const SWITCH_TO_NEWTON: f64 = 1e-3;
/// Only populations above this enter the change measure of the fixed-point phase.
const SWITCH_POPULATION_FLOOR: f64 = 1e-6;
/// A step with LU factors of an older Jacobian (a chord step, Kelley 2003, Solving Nonlinear
/// Equations with Newton's Method, SIAM, §2.3) is kept when it shrinks the residual at least
/// this much; otherwise the Jacobian is assembled and factored at the current populations.
/// A chord step costs an assembly, a residual and two triangular solves (≈ 3n² flops) against
/// n³/3 for a factorisation (≈ 7× more at n = 41), so a contraction of 1/4 per chord step
/// beats refactoring once the residual is within a few decades of the tolerance.
const CHORD_CONTRACTION: f64 = 0.25;
/// Chord steps only below this relative residual: further out a step with an older
/// Jacobian can carry a maser model to another of its solutions. Chosen on the 10⁴-model CO
/// grid (benches/README.md): at 1e-2 no model changes solution, fewer factorisations than at
/// 1e-4 or 1e-6.
const CHORD_BELOW: f64 = 1e-2;

/// Controls of the fast solver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FastParams {
    /// Most Newton steps before falling back to damped fixed-point iteration.
    pub max_newton: u32,
    /// Most fixed-point iterations of the fallback.
    pub max_fixed_point: u32,
    /// Converged when the relative residual max_i |F_i| / Σ_j |A_ij x_j| is below this.
    pub residual_tolerance: f64,
}

impl Default for FastParams {
    fn default() -> Self {
        FastParams {
            max_newton: 60,
            max_fixed_point: 5000,
            residual_tolerance: 1e-10,
        }
    }
}

/// Buffers of the fast solver, reused between models.
#[derive(Debug, Clone, Default)]
pub struct FastSolver {
    /// Controls.
    pub params: FastParams,
    collisions: CollisionSetup,
    /// (problem id, T_kin, densities) of the collision data in `collisions` and `base`.
    collisions_of: Option<(u64, f64, PartnerDensities)>,
    /// (problem id, T_bg bits) of the backgrounds in `backgrounds`.
    backgrounds_of: Option<(u64, u64)>,
    backgrounds: Vec<crate::background::LineBackground>,
    wavenumbers: Vec<f64>,
    base: Vec<f64>,
    terms: Vec<LineTerms>,
    matrix: Vec<f64>,
    jacobian: Vec<f64>,
    f: Vec<f64>,
    scale: Vec<f64>,
    x: Vec<f64>,
    trial: Vec<f64>,
    step: Vec<f64>,
    pivots: Vec<usize>,
    /// The previous model's populations, the start of [`Self::solve_after_previous`].
    previous: Vec<f64>,
    /// Problem id of the LU factors of a Jacobian held in `jacobian` and `pivots` (for chord
    /// steps), `None` when there are none.
    factors_of: Option<u64>,
    /// Whether the last assembly had finite escape probabilities.
    finite: bool,
    /// Whether `matrix`, `f` and `finite` are those of the current x.
    assembled_at_x: bool,
    /// How this solve evaluates β (RADEX's form for cold solves).
    beta_form: BetaForm,
}

impl FastSolver {
    /// A solver with the given controls.
    #[must_use]
    pub fn new(params: FastParams) -> Self {
        FastSolver {
            params,
            ..FastSolver::default()
        }
    }

    /// Solve one model from RADEX's optically thin start.
    ///
    /// # Errors
    /// Bad parameters, an unsupported background or no usable collision rates.
    pub fn solve(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        out: &mut Solution,
    ) -> Result<(), LvgError> {
        self.solve_from(problem, model, None, out)
    }

    /// Solve one model starting from `start` populations (a neighbouring model's solution)
    /// when given and usable, else from the optically thin start.
    ///
    /// # Errors
    /// As [`Self::solve`].
    pub fn solve_from(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        start: Option<&[f64]>,
        out: &mut Solution,
    ) -> Result<(), LvgError> {
        self.factors_of = None;
        self.solve_inner(problem, model, start, out)
    }

    /// Solve one model starting from the populations of the model this solver solved last (a
    /// grid neighbour, [`Self::populations`]); the first steps may reuse that model's factored
    /// Jacobian (chord steps) while they shrink the residual fast enough, which saves most
    /// factorisations between close neighbours. The answer is converged to the same residual
    /// tolerance as [`Self::solve_from`]'s.
    ///
    /// # Errors
    /// As [`Self::solve`].
    pub fn solve_after_previous(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        out: &mut Solution,
    ) -> Result<(), LvgError> {
        let mut start = std::mem::take(&mut self.previous);
        start.clone_from(&self.x);
        let result = self.solve_inner(problem, model, Some(&start), out);
        self.previous = start;
        result
    }

    fn solve_inner(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        start: Option<&[f64]>,
        out: &mut Solution,
    ) -> Result<(), LvgError> {
        if self.factors_of != Some(problem.id()) {
            self.factors_of = None;
        }
        self.assembled_at_x = false;
        model.validate()?;
        let n = problem.n_levels();
        let key = (problem.id(), model.tkin_k, model.densities);
        if self.collisions_of != Some(key) {
            // neighbouring grid models often differ only in N or Δv: the collision part of
            // the matrix is then kept
            self.collisions_of = None;
            self.collisions.fill(problem, model, None)?;
            system::prepare_base(&mut self.base, n, &self.collisions);
            self.collisions_of = Some(key);
        }
        let background_key = (problem.id(), model.tbg_k.to_bits());
        if self.backgrounds_of != Some(background_key) {
            // the background depends on T_bg alone: computed once per grid
            self.backgrounds_of = None;
            self.wavenumbers.clear();
            self.wavenumbers
                .extend(problem.lines.iter().map(|l| l.wavenumber_cm1));
            line_backgrounds(model.tbg_k, &self.wavenumbers, &mut self.backgrounds)?;
            self.backgrounds_of = Some(background_key);
        }
        out.background.clone_from(&self.backgrounds);
        let cddv = model.column_cm2 / model.fwhm_cm_s();
        system::prepare_terms(&mut self.terms, &problem.lines, &out.background, cddv);
        for buffer in [&mut self.matrix, &mut self.jacobian] {
            buffer.resize(n * n, 0.0);
        }
        for buffer in [
            &mut self.f,
            &mut self.scale,
            &mut self.x,
            &mut self.trial,
            &mut self.step,
        ] {
            buffer.resize(n, 0.0);
        }
        self.pivots.resize(n, 0);
        out.densities_used = self.collisions.densities_used;
        out.thermal_opr = self.collisions.thermal_opr;
        out.nan_iterations = 0;
        out.zero_pivot = None;
        out.very_thick_warning = false;

        // a converged neighbour may hold tiny negative populations of levels below the
        // residual floor (see `iterate`): they are floored like RADEX's, not a reason to
        // start cold
        let warm = start.filter(|s| s.len() == n && s.iter().all(|v| v.is_finite()));
        // grid neighbours (chord steps allowed) use the cheaper β evaluation; cold solves
        // keep RADEX's, bit for bit the path validated against the reference models
        self.beta_form = if warm.is_some() && self.factors_of.is_some() {
            BetaForm::Combined
        } else {
            BetaForm::Radex
        };
        match warm {
            Some(s) => {
                for (x, v) in self.x.iter_mut().zip(s) {
                    *x = v.max(MIN_POP);
                }
                normalise(&mut self.x);
            }
            None => {
                if !self.thin_start(model, n) {
                    return self.finish(problem, out, Status::Singular, 0, f64::NAN);
                }
            }
        }
        let chords = warm.is_some() && self.factors_of.is_some();
        let (status, iterations, residual) =
            self.iterate(problem.id(), model, n, warm.is_some(), chords);
        self.finish(problem, out, status, iterations, residual)
    }

    /// x = solution of the β = 1 system (RADEX's iteration 0); false when singular.
    fn thin_start(&mut self, model: &ModelParams, n: usize) -> bool {
        self.assembled_at_x = false;
        system::assemble(
            &mut self.matrix,
            None,
            &self.base,
            &self.terms,
            (model.geometry, self.beta_form),
            n,
            &self.x,
            true,
        );
        if lu::factor(&mut self.matrix, n, &mut self.pivots).is_err() {
            return false;
        }
        self.x.iter_mut().for_each(|v| *v = 0.0);
        self.x[n - 1] = 1.0;
        lu::solve(&self.matrix, n, &self.pivots, &mut self.x);
        for v in &mut self.x {
            *v = v.max(MIN_POP);
        }
        normalise(&mut self.x);
        true
    }

    /// RADEX's relaxed fixed-point iteration (escape-probability.md §9) until the largest
    /// relative change of the populations above 1e-6 is below `until` or `max` iterations;
    /// returns (iterations, last change, NaN seen, singular).
    fn fixed_point(
        &mut self,
        model: &ModelParams,
        n: usize,
        until: f64,
        max: u32,
    ) -> (u32, f64, bool, bool) {
        self.assembled_at_x = false;
        let mut change = f64::INFINITY;
        for iteration in 1..=max {
            if !system::assemble(
                &mut self.matrix,
                None,
                &self.base,
                &self.terms,
                (model.geometry, self.beta_form),
                n,
                &self.x,
                false,
            ) {
                return (iteration, change, true, false);
            }
            if lu::factor(&mut self.matrix, n, &mut self.pivots).is_err() {
                return (iteration, change, false, true);
            }
            self.trial.iter_mut().for_each(|v| *v = 0.0);
            self.trial[n - 1] = 1.0;
            lu::solve(&self.matrix, n, &self.pivots, &mut self.trial);
            normalise(&mut self.trial);
            change = 0.0;
            for (x, t) in self.x.iter_mut().zip(&self.trial) {
                let new = RELAX_NEW * t.max(MIN_POP) + (1.0 - RELAX_NEW) * *x;
                if *x > SWITCH_POPULATION_FLOOR {
                    change = change.max(((new - *x) / *x).abs());
                }
                *x = new;
            }
            if change < until {
                return (iteration, change, false, false);
            }
        }
        (max, change, false, false)
    }

    /// Fixed-point iteration from the start until the populations settle to 1e-2 (so that
    /// Newton converges to the solution RADEX's iteration approaches, not to another branch
    /// of a maser model), Newton with backtracking, and the fixed-point iteration again as a
    /// fallback; returns (status, iterations, residual).
    fn iterate(
        &mut self,
        problem_id: u64,
        model: &ModelParams,
        n: usize,
        warm: bool,
        chords: bool,
    ) -> (Status, u32, f64) {
        let tolerance = self.params.residual_tolerance;
        let (mut iterations, mut saw_nan) = (0, false);
        if !warm {
            let (done, _, nan, singular) =
                self.fixed_point(model, n, SWITCH_TO_NEWTON, self.params.max_fixed_point);
            iterations += done;
            saw_nan |= nan;
            if singular {
                return (Status::Singular, iterations, f64::NAN);
            }
        }
        // Newton steps with a freshly factored Jacobian, chord steps with the factors of an
        // earlier one (this model's or, after `solve_after_previous`, the neighbour's) as
        // long as they contract the residual by CHORD_CONTRACTION
        let mut residual = self.residual_at_x(model, n, false);
        let mut fresh = false;
        let mut factorisations = 0;
        while factorisations <= self.params.max_newton {
            if residual < tolerance {
                return (Status::Converged, iterations, residual);
            }
            if !fresh && (!chords || residual >= CHORD_BELOW) {
                // far from a solution: a chord step could lead to another one (masers)
                self.factors_of = None;
            }
            if self.factors_of.is_none() {
                if self.assembled_at_x && self.finite {
                    system::jacobian_from_matrix(
                        &mut self.jacobian,
                        &self.matrix,
                        &self.terms,
                        (model.geometry, self.beta_form),
                        n,
                        &self.x,
                    );
                } else {
                    // (again at x: a rejected step left A and F of its trial point)
                    residual = self.residual_at_x(model, n, true);
                }
                if self.finite {
                    if lu::factor(&mut self.jacobian, n, &mut self.pivots).is_err() {
                        break;
                    }
                    self.factors_of = Some(problem_id);
                    factorisations += 1;
                    fresh = true;
                }
            }
            if !self.finite {
                saw_nan = true;
                break;
            }
            iterations += 1;
            for (s, f) in self.step.iter_mut().zip(&self.f) {
                *s = -f;
            }
            lu::solve(&self.jacobian, n, &self.pivots, &mut self.step);
            // largest λ ≤ 1 keeping every population that matters above a tenth of its value
            // (levels below the residual floor follow the step freely: with RADEX's offset their
            // exact values may be tiny and negative; they are floored only in the output)
            let mut lambda: f64 = 1.0;
            for (x, s) in self.x.iter().zip(&self.step) {
                if *x >= RESIDUAL_POPULATION_FLOOR && *s < 0.0 && x + s < 0.1 * x {
                    lambda = lambda.min(0.9 * x / -s);
                }
            }
            if !fresh {
                let trial = self.try_step(model, n, lambda);
                if trial < CHORD_CONTRACTION * residual {
                    residual = trial;
                } else {
                    // too slow (or not finite): factor the Jacobian at the current populations
                    self.undo_step();
                    self.factors_of = None;
                }
                continue;
            }
            fresh = false;
            let mut accepted = None;
            for _ in 0..12 {
                let trial = self.try_step(model, n, lambda);
                if trial.is_finite() && (trial < residual || lambda < 1e-3) {
                    accepted = Some(trial);
                    break;
                }
                self.undo_step();
                lambda *= 0.5;
            }
            let Some(trial) = accepted else {
                break;
            };
            if trial >= CHORD_CONTRACTION * residual {
                // far from the solution (slow Newton step): no chord steps from here
                self.factors_of = None;
            }
            residual = trial;
        }
        if residual < tolerance {
            return (Status::Converged, iterations, residual);
        }
        // fallback: the fixed-point iteration, checking the residual every 10 iterations
        let mut left = self.params.max_fixed_point;
        while left > 0 {
            let (done, _, nan, singular) = self.fixed_point(model, n, 0.0, left.min(10));
            iterations += done;
            left = left.saturating_sub(done);
            saw_nan |= nan;
            if singular {
                return (Status::Singular, iterations, residual);
            }
            residual = self.residual_at_x(model, n, false);
            if residual < tolerance {
                return (Status::Converged, iterations, residual);
            }
            if nan {
                break;
            }
        }
        let status = if saw_nan {
            Status::NanDuringIteration
        } else {
            Status::NotConverged
        };
        (status, iterations, residual)
    }

    /// Move x by λ·step (renormalised; the old x kept in `trial` for [`Self::undo_step`]) and
    /// return the relative residual there (NaN when some β is not finite).
    fn try_step(&mut self, model: &ModelParams, n: usize, lambda: f64) -> f64 {
        for ((t, x), s) in self.trial.iter_mut().zip(&self.x).zip(&self.step) {
            *t = x + lambda * s;
        }
        normalise(&mut self.trial);
        std::mem::swap(&mut self.x, &mut self.trial);
        self.residual_at_x(model, n, false)
    }

    /// Back to the x before [`Self::try_step`] (F, A and `finite` stay those of the rejected
    /// point).
    fn undo_step(&mut self) {
        std::mem::swap(&mut self.x, &mut self.trial);
        self.assembled_at_x = false;
    }

    /// Assemble A(τ(x)) (and J(x) when `with_jacobian`) and return the relative residual
    /// (F left in `self.f`; NaN, with `self.finite` false, when some β is not finite).
    fn residual_at_x(&mut self, model: &ModelParams, n: usize, with_jacobian: bool) -> f64 {
        self.finite = system::assemble(
            &mut self.matrix,
            with_jacobian.then_some(&mut self.jacobian[..]),
            &self.base,
            &self.terms,
            (model.geometry, self.beta_form),
            n,
            &self.x,
            false,
        );
        self.assembled_at_x = true;
        if !self.finite {
            return f64::NAN;
        }
        system::residual(&self.matrix, n, &self.x, &mut self.f, &mut self.scale)
    }

    /// Populations (floored at 1e-20), T_ex and τ into `out`.
    fn finish(
        &mut self,
        problem: &Problem,
        out: &mut Solution,
        status: Status,
        iterations: u32,
        residual: f64,
    ) -> Result<(), LvgError> {
        out.populations.clear();
        out.populations
            .extend(self.x.iter().map(|v| v.max(MIN_POP)));
        out.pop_sum = out.populations.iter().sum();
        out.tex_k.clear();
        out.tau.clear();
        for (line, term) in problem.lines.iter().zip(&self.terms) {
            let (xu, xl) = (out.populations[line.up], out.populations[line.lo]);
            out.tex_k.push(
                HC_OVER_K_CM_K * line.wavenumber_cm1 / (xl * line.g_up / (xu * line.g_lo)).ln(),
            );
            out.tau.push(system::tau(term, &out.populations));
        }
        out.iterations = iterations;
        out.residual = residual;
        out.status = Some(
            if status == Status::Converged && (out.pop_sum - 1.0).abs() > POP_SUM_TOLERANCE {
                Status::PopSumNot1
            } else {
                status
            },
        );
        Ok(())
    }

    /// The relative statistical-equilibrium residual of `populations` for `model` (to judge
    /// another solver's answer, e.g. a second solution of a maser model).
    ///
    /// # Errors
    /// As [`Self::solve`].
    pub fn residual_of(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        populations: &[f64],
    ) -> Result<f64, LvgError> {
        let mut scratch = Solution::default();
        let saved = self.params;
        self.params.max_newton = 0;
        self.params.max_fixed_point = 0;
        let result = self.solve_from(problem, model, Some(populations), &mut scratch);
        self.params = saved;
        result.map(|()| scratch.residual)
    }

    /// The converged populations of the last model (a warm start for its neighbour).
    #[must_use]
    pub fn populations(&self) -> &[f64] {
        &self.x
    }
}

/// x ← x / Σx.
fn normalise(x: &mut [f64]) {
    let total: f64 = x.iter().sum();
    x.iter_mut().for_each(|v| *v /= total);
}
