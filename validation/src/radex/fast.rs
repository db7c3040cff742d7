//! The fast default mode against (1) the RADEX-compatible scheme iterated to tight
//! convergence (agreement within 1e-6 relative, with absolute floors) and (2) RADEX's
//! printed answers (at least 99 % of the rows with |T_R| > 0.01 K within 5e-4 on every
//! column). Requirements from issue 4; floors from escape-probability.md §13.

use std::fmt::Write as _;

use rayon::prelude::*;
use stop_lvg::{CompatParams, CompatSolver, FastSolver, LineResult, Solution, Status};

use super::compat::{describe, line_values, printed_lines};
use super::reference::{RefModel, Reference, VALUE_COLUMNS};
use crate::stats::{ColumnStats, format_columns};

/// Agreement required with the tightly converged compat scheme (issue 4).
pub const TIGHT_TOLERANCE: f64 = 1e-6;
/// Populations below this are rounding-determined and not compared (escape-probability.md §13).
pub const POPULATION_FLOOR: f64 = 1e-10;
/// |T_R| below this (K) is cancellation noise and not compared (escape-probability.md §13).
pub const T_R_FLOOR_K: f64 = 1e-10;
/// RADEX prints 4 significant digits: a relative rounding of at most 5e-4.
pub const RADEX_TOLERANCE: f64 = 5e-4;
/// Rows with |T_R| above this (K) count in the comparison with RADEX's printed answers.
pub const RADEX_ROW_T_R_K: f64 = 0.01;
/// Share of those rows that must agree within [`RADEX_TOLERANCE`].
pub const RADEX_REQUIRED_SHARE: f64 = 0.99;
/// A population vector whose relative statistical-equilibrium residual is below this solves
/// the equations (the fast solver converges to 1e-10).
pub const SOLUTION_RESIDUAL: f64 = 1e-9;
/// The columns compared (indices into [`VALUE_COLUMNS`]): T_ex, τ, T_R, populations, fluxes.
const COMPARED: [usize; 7] = [3, 4, 5, 6, 7, 8, 9];

/// Outcome of the fast-mode checks.
#[derive(Debug, Default)]
pub struct FastReport {
    /// Models where the tight compat run converged (compared in check 1).
    pub tight_models: usize,
    /// Rows compared in check 1.
    pub tight_rows: usize,
    /// Check 1 per column, models with a single solution.
    pub tight_columns: Vec<ColumnStats>,
    /// Check 1 per column, models listed with several solutions.
    pub several_columns: Vec<ColumnStats>,
    /// Check 1 misses: model, worst difference, residual of each solution.
    pub tight_misses: Vec<String>,
    /// Models where both answers solve the equations (residual < [`SOLUTION_RESIDUAL`]) but
    /// differ: several solutions (strong masers); listed with the residual of each.
    pub several_solutions: Vec<String>,
    /// Models where the compat scheme converged tightly but the fast mode did not.
    pub fast_failures: Vec<String>,
    /// Rows with |T_R| > 0.01 K in check 2.
    pub radex_rows: usize,
    /// Of those, rows within 5e-4 on every column.
    pub radex_rows_ok: usize,
    /// Check 2 per column.
    pub radex_columns: Vec<ColumnStats>,
    /// Check-2 rows of models listed with several solutions.
    pub radex_rows_multi: usize,
    /// Of those, rows within tolerance.
    pub radex_rows_ok_multi: usize,
    /// Check 2 misses.
    pub radex_misses: Vec<String>,
    /// Models passed (check 1 and 2 rows all fine).
    pub passed: usize,
    /// Models failed.
    pub failed: usize,
}

impl FastReport {
    /// The printed report, ending with `N passed, M failed`.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::from("\nFast mode (1): against the compat scheme converged tightly (>= 400 iterations, 1e-12)\n");
        let _ = writeln!(
            out,
            "models compared: {}, rows compared: {} (floors: populations < {POPULATION_FLOOR:e}, |T_R| < {T_R_FLOOR_K:e} K), tolerance {TIGHT_TOLERANCE:e}",
            self.tight_models, self.tight_rows
        );
        out.push_str("single-solution models:\n");
        out.push_str(&format_columns(&self.tight_columns));
        for miss in &self.fast_failures {
            let _ = writeln!(out, "FAST NOT CONVERGED {miss}");
        }
        for miss in &self.tight_misses {
            let _ = writeln!(out, "MISS {miss}");
        }
        let _ = writeln!(out, "models with several solutions (both answers solve the equations): {}", self.several_solutions.len());
        out.push_str(&format_columns(&self.several_columns));
        for model in &self.several_solutions {
            let _ = writeln!(out, "SEVERAL SOLUTIONS {model}");
        }
        out.push_str("\nFast mode (2): against RADEX's printed answers (lines.tsv), rows with |T_R| > 0.01 K\n");
        let share = self.radex_rows_ok as f64 / self.radex_rows.max(1) as f64;
        let _ = writeln!(
            out,
            "rows: {}, within {RADEX_TOLERANCE:e} on every column: {} ({:.3} %, required {:.0} %)",
            self.radex_rows,
            self.radex_rows_ok,
            100.0 * share,
            100.0 * RADEX_REQUIRED_SHARE
        );
        out.push_str(&format_columns(&self.radex_columns));
        for miss in &self.radex_misses {
            let _ = writeln!(out, "OUTSIDE {miss}");
        }
        let _ = writeln!(out, "{} passed, {} failed", self.passed, self.failed);
        out
    }

    /// Share of the check-2 rows within tolerance, leaving out the models listed with several
    /// solutions.
    #[must_use]
    pub fn radex_share_single_solution(&self) -> f64 {
        let (rows, ok) = (self.radex_rows - self.radex_rows_multi, self.radex_rows_ok - self.radex_rows_ok_multi);
        ok as f64 / rows.max(1) as f64
    }

    /// Whether both requirements hold.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.tight_misses.is_empty()
            && self.fast_failures.is_empty()
            && self.radex_rows_ok as f64 >= RADEX_REQUIRED_SHARE * self.radex_rows as f64
    }
}

struct Outcome {
    tight: Option<(Solution, Vec<LineResult>)>,
    fast: (Solution, Vec<LineResult>),
    residual_of_tight: f64,
}

fn run_model(reference: &Reference, model: &RefModel, compat: &mut CompatSolver, fast: &mut FastSolver) -> Option<Outcome> {
    let problem = &reference.problems[&model.molecule_file];
    let mut tight = Solution::default();
    compat.solve(problem, &model.params, &mut tight).ok()?;
    let mut fast_solution = Solution::default();
    fast.solve(problem, &model.params, &mut fast_solution).ok()?;
    let fast_lines = printed_lines(reference, model, &fast_solution);
    let residual_of_tight = fast.residual_of(problem, &model.params, &tight.populations).unwrap_or(f64::NAN);
    let tight = (tight.status == Some(Status::Converged)).then(|| {
        let lines = printed_lines(reference, model, &tight);
        (tight, lines)
    });
    Some(Outcome { tight, fast: (fast_solution, fast_lines), residual_of_tight })
}

/// Run both fast-mode checks over `models` (indices into the reference; all when `None`).
#[must_use]
pub fn run(reference: &Reference, subset: Option<&[usize]>) -> FastReport {
    let indices: Vec<usize> = subset.map_or_else(|| (0..reference.models.len()).collect(), <[usize]>::to_vec);
    let outcomes: Vec<Option<Outcome>> = indices
        .par_iter()
        .map_init(
            || (CompatSolver::new(CompatParams::tight()), FastSolver::default()),
            |(compat, fast), &i| run_model(reference, &reference.models[i], compat, fast),
        )
        .collect();
    let mut report = FastReport {
        tight_columns: COMPARED.iter().map(|&c| ColumnStats::new(VALUE_COLUMNS[c])).collect(),
        several_columns: COMPARED.iter().map(|&c| ColumnStats::new(VALUE_COLUMNS[c])).collect(),
        radex_columns: COMPARED.iter().map(|&c| ColumnStats::new(VALUE_COLUMNS[c])).collect(),
        ..FastReport::default()
    };
    for (&i, outcome) in indices.iter().zip(&outcomes) {
        let model = &reference.models[i];
        let Some(outcome) = outcome else {
            report.failed += 1;
            report.fast_failures.push(format!("{}: setup failed", describe(model)));
            continue;
        };
        let mut model_ok = true;
        let mut several = false;
        let (fast_solution, fast_lines) = &outcome.fast;
        if let Some((_, tight_lines)) = &outcome.tight {
            report.tight_models += 1;
            if fast_solution.status != Some(Status::Converged) {
                model_ok = false;
                report.fast_failures.push(format!(
                    "{}: fast {} after {} iterations, residual {:.2e}",
                    describe(model),
                    fast_solution.status.map_or("none", Status::name),
                    fast_solution.iterations,
                    fast_solution.residual
                ));
            }
            let mut worst = (0.0, String::new());
            let mut columns: Vec<ColumnStats> = COMPARED.iter().map(|&c| ColumnStats::new(VALUE_COLUMNS[c])).collect();
            for (ours, theirs) in fast_lines.iter().zip(tight_lines) {
                if theirs.pop_up < POPULATION_FLOOR || theirs.pop_low < POPULATION_FLOOR {
                    continue;
                }
                report.tight_rows += 1;
                let (a, b) = (line_values(ours), line_values(theirs));
                for (column, &c) in columns.iter_mut().zip(&COMPARED) {
                    if c >= 5 && c != 6 && c != 7 && theirs.t_r_k.abs() < T_R_FLOOR_K {
                        continue;
                    }
                    let rel = column.record(a[c], b[c], || format!("{} line {}", model.id, ours.i_line + 1));
                    if (rel.is_nan() || rel > TIGHT_TOLERANCE) && (rel.is_nan() || rel > worst.0) {
                        worst = (rel, format!("line {} {}", ours.i_line + 1, VALUE_COLUMNS[c]));
                    }
                }
            }
            let several_here = (worst.0 > TIGHT_TOLERANCE || worst.0.is_nan())
                && fast_solution.residual < SOLUTION_RESIDUAL
                && outcome.residual_of_tight < SOLUTION_RESIDUAL;
            let target = if several_here { &mut report.several_columns } else { &mut report.tight_columns };
            for (total, part) in target.iter_mut().zip(&columns) {
                total.merge(part);
            }
            if worst.0 > TIGHT_TOLERANCE || worst.0.is_nan() {
                let both_solve = fast_solution.residual < SOLUTION_RESIDUAL && outcome.residual_of_tight < SOLUTION_RESIDUAL;
                let list = if both_solve { &mut report.several_solutions } else { &mut report.tight_misses };
                model_ok &= both_solve;
                several = both_solve;
                list.push(format!(
                    "{}: worst {:.2e} ({}); residual of the fast solution {:.2e}, of the compat solution {:.2e}",
                    describe(model),
                    worst.0,
                    worst.1,
                    fast_solution.residual,
                    outcome.residual_of_tight
                ));
            }
        }
        if !reference.unreliable.contains(&model.id) && model.status == "converged" {
            let empty = Vec::new();
            for (ours, theirs) in fast_lines.iter().zip(reference.lines.get(&model.id).unwrap_or(&empty)) {
                if theirs.values[5].abs() <= RADEX_ROW_T_R_K {
                    continue;
                }
                report.radex_rows += 1;
                let a = line_values(ours);
                let mut row_ok = true;
                let mut worst = (0.0, "");
                for (column, &c) in report.radex_columns.iter_mut().zip(&COMPARED) {
                    let rel = column.record(a[c], theirs.values[c], || format!("{} line {}", model.id, ours.i_line + 1));
                    if rel.is_nan() || rel > RADEX_TOLERANCE {
                        row_ok = false;
                        if rel.is_nan() || rel > worst.0 {
                            worst = (rel, VALUE_COLUMNS[c]);
                        }
                    }
                }
                report.radex_rows_multi += usize::from(several);
                if row_ok {
                    report.radex_rows_ok += 1;
                    report.radex_rows_ok_multi += usize::from(several);
                } else {
                    report.radex_misses.push(format!(
                        "{} line {}: {} differs by {:.2e} (T_R = {:.4} K)",
                        describe(model),
                        ours.i_line + 1,
                        worst.1,
                        worst.0,
                        theirs.values[5]
                    ));
                }
            }
        }
        if model_ok {
            report.passed += 1;
        } else {
            report.failed += 1;
        }
    }
    report
}

