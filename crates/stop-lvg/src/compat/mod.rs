//! The RADEX-compatible iteration (escape-probability.md §9), bit for bit: an optically
//! thin first pass, then escape-probability passes with 0.3/0.7 under-relaxation of the
//! populations, a running average of T_ex, and RADEX's convergence test on the mean relative
//! T_ex change of the optically thick lines.

mod matrix;

use stop_physics::radex_legacy::{HC_OVER_K_CM_K, MIN_POP};

pub(crate) use matrix::optical_depth;

use crate::background::line_backgrounds;
use crate::error::LvgError;
use crate::linpack;
use crate::model::{ModelParams, Problem};
use crate::radex::RadexProcess;
use crate::rates::CollisionSetup;
use crate::result::{Solution, Status};

/// RADEX's weight of the new populations in the under-relaxation (single-precision 0.3).
const RELAX_NEW: f64 = 0.3_f32 as f64;
/// RADEX's weight of the old populations (single-precision 0.7; 0.3₃₂ + 0.7₃₂ = 1 exactly).
const RELAX_OLD: f64 = 0.7_f32 as f64;
/// τ above which a line enters the convergence sum: RADEX's single-precision 0.01.
const CONVERGENCE_THICK_ABOVE: f64 = 0.01_f32 as f64;
/// Populations summing to more than 1 + this are flagged ([`Status::PopSumNot1`]), as in the
/// reference tables (`../shared/reference/radex/README.md`).
pub const POP_SUM_TOLERANCE: f64 = 1e-6;

/// Iteration controls of the RADEX-compatible mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompatParams {
    /// No convergence test before this iteration (RADEX `miniter` = 10).
    pub min_iterations: u32,
    /// Give up after this many iterations (RADEX `maxiter` = 9999).
    pub max_iterations: u32,
    /// Converged when the mean |ΔT_ex/T_ex| of the thick lines is below this (RADEX `ccrit`,
    /// the single-precision 1e-6).
    pub tolerance: f64,
}

impl Default for CompatParams {
    fn default() -> Self {
        CompatParams {
            min_iterations: 10,
            max_iterations: 9999,
            tolerance: 1.0e-6_f32 as f64,
        }
    }
}

impl CompatParams {
    /// The "tight" setting used to judge the fast mode: at least 400 iterations and a
    /// tolerance of 1e-12 (escape-probability.md §13 reran RADEX's scheme the same way).
    #[must_use]
    pub fn tight() -> Self {
        CompatParams {
            min_iterations: 400,
            max_iterations: 20_000,
            tolerance: 1e-12,
        }
    }
}

/// Buffers of the RADEX-compatible solver, reused between models.
#[derive(Debug, Clone, Default)]
pub struct CompatSolver {
    /// Iteration controls.
    pub params: CompatParams,
    collisions: CollisionSetup,
    matrix: Vec<f64>,
    rhs: Vec<f64>,
    pivots: Vec<usize>,
    pop_old: Vec<f64>,
}

impl CompatSolver {
    /// A solver with the given controls.
    #[must_use]
    pub fn new(params: CompatParams) -> Self {
        CompatSolver {
            params,
            ..CompatSolver::default()
        }
    }

    /// Solve one model into `out` (its buffers are reused).
    ///
    /// # Errors
    /// Bad parameters, an unsupported background or no usable collision rates. Numerical
    /// failure is not an error: it is the [`Solution::status`].
    pub fn solve(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        out: &mut Solution,
    ) -> Result<(), LvgError> {
        self.solve_in_process(problem, model, None, out)
    }

    /// [`Self::solve`] as the next model of a RADEX run whose left-over rate tables are
    /// `process` (see [`RadexProcess`]); `None` is a fresh run.
    ///
    /// # Errors
    /// As [`Self::solve`].
    pub fn solve_in_process(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        process: Option<&mut RadexProcess>,
        out: &mut Solution,
    ) -> Result<(), LvgError> {
        model.validate()?;
        self.collisions.fill(problem, model, process)?;
        let wavenumbers: Vec<f64> = problem.lines.iter().map(|l| l.wavenumber_cm1).collect();
        line_backgrounds(model.tbg_k, &wavenumbers, &mut out.background)?;
        let n = problem.n_levels();
        let n_lines = problem.lines.len();
        out.densities_used = self.collisions.densities_used;
        out.thermal_opr = self.collisions.thermal_opr;
        out.nan_iterations = 0;
        out.zero_pivot = None;
        out.residual = f64::NAN;
        out.very_thick_warning = false;
        out.populations.clear();
        out.populations.resize(n, 0.0);
        out.tex_k.clear();
        out.tex_k.resize(n_lines, 0.0);
        out.tau.clear();
        out.tau.resize(n_lines, 0.0);
        self.pivots.resize(n, 0);
        let cddv = model.column_cm2 / model.fwhm_cm_s();

        // iteration 0: optically thin in the background field
        matrix::assemble_thin(
            &mut self.matrix,
            &mut self.rhs,
            n,
            &problem.lines,
            &out.background,
            &self.collisions,
        );
        if let Some(status) = self.solve_and_update(problem, out, 0, cddv, 0) {
            out.status = Some(status);
            out.iterations = 0;
            return Ok(());
        }
        let mut converged = false;
        let mut iterations = self.params.max_iterations + 1;
        for niter in 1..=self.params.max_iterations {
            let counts = matrix::assemble_escape(
                &mut self.matrix,
                &mut self.rhs,
                n,
                &problem.lines,
                &out.background,
                &self.collisions,
                model.geometry,
                cddv,
                &out.populations,
                &mut out.tau,
            );
            if niter == 1 && counts.n_very_thick > 0 {
                out.very_thick_warning = true;
            }
            if let Some(status) = self.solve_and_update(problem, out, niter, cddv, counts.n_thick) {
                out.status = Some(status);
                out.iterations = niter;
                return Ok(());
            }
            if out.status == Some(Status::Converged) {
                converged = true;
                iterations = niter;
                break;
            }
        }
        out.iterations = iterations;
        out.pop_sum = out.populations.iter().fold(0.0, |sum, &x| x + sum);
        out.status = Some(if out.nan_iterations > 0 {
            Status::NanDuringIteration
        } else if !converged {
            Status::NotConverged
        } else if out.pop_sum > 1.0 + POP_SUM_TOLERANCE {
            Status::PopSumNot1
        } else {
            Status::Converged
        });
        Ok(())
    }

    /// Solve the assembled system, normalise and floor, update T_ex and τ, test convergence
    /// (recorded as `out.status = Some(Converged)`), relax. Returns a final status when the
    /// matrix is singular.
    fn solve_and_update(
        &mut self,
        problem: &Problem,
        out: &mut Solution,
        niter: u32,
        cddv: f64,
        n_thick: usize,
    ) -> Option<Status> {
        let n = problem.n_levels();
        if let Err(zero) = linpack::factor(&mut self.matrix, n, &mut self.pivots) {
            out.zero_pivot = Some(zero.column);
            out.pop_sum = out.populations.iter().fold(0.0, |sum, &x| x + sum);
            return Some(Status::Singular);
        }
        linpack::solve(&self.matrix, n, &self.pivots, &mut self.rhs);
        if self.rhs.iter().any(|x| x.is_nan()) {
            out.nan_iterations += 1;
        }
        let total = self.rhs.iter().fold(0.0, |sum, &x| x + sum);
        self.pop_old.clear();
        self.pop_old.extend_from_slice(&out.populations);
        for (x, &r) in out.populations.iter_mut().zip(&self.rhs) {
            *x = MIN_POP.max(r / total);
        }
        if niter == 0 {
            self.pop_old.copy_from_slice(&out.populations);
        }
        let x = &out.populations;
        let mut tsum = 0.0;
        for (i_line, line) in problem.lines.iter().enumerate() {
            let (xu, xl) = (x[line.up], x[line.lo]);
            let at_floor = xl <= MIN_POP || xu <= MIN_POP;
            let excitation =
                || HC_OVER_K_CM_K * line.wavenumber_cm1 / (xl * line.g_up / (xu * line.g_lo)).ln();
            if niter == 0 {
                // at the floor RADEX stores the background intensity as T_ex (§9 parity note)
                out.tex_k[i_line] = if at_floor {
                    out.background[i_line].intensity_cgs
                } else {
                    excitation()
                };
            } else {
                let old = out.tex_k[i_line];
                let this_tex = if at_floor { old } else { excitation() };
                if out.tau[i_line] > CONVERGENCE_THICK_ABOVE {
                    tsum += ((this_tex - old) / this_tex).abs();
                }
                out.tex_k[i_line] = 0.5 * (this_tex + old);
                out.tau[i_line] = optical_depth(line, cddv, x);
            }
        }
        if niter >= self.params.min_iterations
            && (n_thick == 0 || tsum / (n_thick as f64) < self.params.tolerance)
        {
            out.status = Some(Status::Converged);
        } else {
            out.status = None;
        }
        for (x, &old) in out.populations.iter_mut().zip(&self.pop_old) {
            *x = RELAX_NEW * *x + RELAX_OLD * old;
        }
        None
    }
}
