//! The RADEX-compatible mode against the reference, bit for bit: every value of `lines.tsv`
//! and `lines_unreliable.tsv`, and every status, iteration count, NaN count, population sum
//! and density list of `models.tsv` (escape-probability.md §13).

use std::fmt::Write as _;

use rayon::prelude::*;
use stop_lvg::radex::format_e;
use stop_lvg::{CompatParams, CompatSolver, LineResult, Solution, Status, in_window, line_result};
use stop_molecule::PartnerKind;

use super::reference::{RefModel, Reference, VALUE_COLUMNS};
use crate::stats::{ColumnStats, format_columns};

/// The outcome of the comparison.
#[derive(Debug)]
pub struct CompatReport {
    /// Models whose every check passed.
    pub passed: usize,
    /// Models with at least one difference.
    pub failed: usize,
    /// Line rows compared.
    pub rows_compared: usize,
    /// Per-column statistics of the line rows.
    pub columns: Vec<ColumnStats>,
    /// One line per failed model, naming what differs and the model's parameters.
    pub failures: Vec<String>,
}

impl CompatReport {
    /// The printed report, ending with `N passed, M failed`.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::from("RADEX-compatible mode against ../shared/reference/radex (bit for bit)\n");
        let _ = writeln!(out, "rows compared: {}", self.rows_compared);
        out.push_str(&format_columns(&self.columns));
        for failure in &self.failures {
            let _ = writeln!(out, "FAIL {failure}");
        }
        let _ = writeln!(out, "{} passed, {} failed", self.passed, self.failed);
        out
    }
}

/// The reference name of a status.
#[must_use]
pub fn reference_status(status: Status) -> &'static str {
    match status {
        Status::Singular => "aborted",
        other => other.name(),
    }
}

/// RADEX's header densities in the reference notation, `h2=1.000E+04;ph2=…`.
#[must_use]
pub fn densities_text(solution: &Solution) -> String {
    const NAMES: [&str; 7] = ["h2", "ph2", "oh2", "e", "h", "he", "h+"];
    let mut parts = Vec::new();
    for kind in PartnerKind::ALL {
        let density = solution.densities_used.get(kind);
        if density > 1e-30 {
            parts.push(format!("{}={}", NAMES[kind.index()], format_e(density, 10, 3).trim()));
        }
    }
    parts.join(";")
}

/// The printed lines of a solved model.
#[must_use]
pub fn printed_lines(reference: &Reference, model: &RefModel, solution: &Solution) -> Vec<LineResult> {
    let problem = &reference.problems[&model.molecule_file];
    let fwhm_cm_s = model.params.fwhm_cm_s();
    (0..problem.lines.len())
        .filter(|&i| in_window(problem.molecule.lines[i].freq_ghz, model.window_ghz.0, model.window_ghz.1))
        .map(|i| line_result(problem, solution, &solution.background[i], fwhm_cm_s, i))
        .collect()
}

/// The values of a line in [`VALUE_COLUMNS`] order.
#[must_use]
pub fn line_values(line: &LineResult) -> [f64; 10] {
    [
        line.eup_k,
        line.freq_ghz,
        line.wavel_um,
        line.tex_k,
        line.tau,
        line.t_r_k,
        line.pop_up,
        line.pop_low,
        line.flux_k_km_s,
        line.flux_erg_cm2_s,
    ]
}

/// Short description of a model for outlier lists.
#[must_use]
pub fn describe(model: &RefModel) -> String {
    let p = &model.params;
    format!(
        "{} {} {} T={} {} N={} dv={} Tbg={}",
        model.id,
        model.molecule_file,
        p.geometry.name(),
        p.tkin_k,
        model.partners_text,
        p.column_cm2,
        p.fwhm_km_s,
        p.tbg_k
    )
}

struct ModelCheck {
    problems: Vec<String>,
    rows: Vec<(usize, [f64; 10], [f64; 10])>,
}

fn check_model(reference: &Reference, model: &RefModel, solver: &mut CompatSolver) -> ModelCheck {
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let problem = &reference.problems[&model.molecule_file];
    let mut solution = Solution::default();
    if let Err(err) = solver.solve(problem, &model.params, &mut solution) {
        problems.push(format!("setup failed: {err}"));
        return ModelCheck { problems, rows };
    }
    let status = solution.status.map_or("none", reference_status);
    if status != model.status {
        problems.push(format!("status {status} (RADEX {})", model.status));
    }
    if model.status == "aborted" {
        return ModelCheck { problems, rows };
    }
    if i64::from(solution.iterations) != model.niter {
        problems.push(format!("{} iterations (RADEX {})", solution.iterations, model.niter));
    }
    if let Some(nan) = model.nan_iterations
        && nan != solution.nan_iterations
    {
        problems.push(format!("{} NaN iterations (RADEX {nan})", solution.nan_iterations));
    }
    if let Some(sum) = model.pop_sum
        && sum.to_bits() != solution.pop_sum.to_bits()
    {
        problems.push(format!("population sum {} (RADEX {sum})", solution.pop_sum));
    }
    let densities = densities_text(&solution);
    if densities != model.densities_used {
        problems.push(format!("densities {densities} (RADEX {})", model.densities_used));
    }
    let ours = printed_lines(reference, model, &solution);
    let empty = Vec::new();
    let theirs = reference.lines.get(&model.id).unwrap_or(&empty);
    if ours.len() != theirs.len() || ours.len() != model.n_lines {
        problems.push(format!("{} lines printed (RADEX {})", ours.len(), theirs.len()));
    }
    for (line, reference_line) in ours.iter().zip(theirs) {
        if line.i_line + 1 != reference_line.trans_index {
            problems.push(format!("line {} printed where RADEX has {}", line.i_line + 1, reference_line.trans_index));
            continue;
        }
        let values = line_values(line);
        let differing: Vec<&str> = VALUE_COLUMNS
            .iter()
            .zip(values.iter().zip(&reference_line.values))
            .filter(|(_, (a, b))| a.to_bits() != b.to_bits())
            .map(|(name, _)| *name)
            .collect();
        if !differing.is_empty() {
            problems.push(format!("line {}: {} differ", line.i_line + 1, differing.join(",")));
        }
        rows.push((line.i_line + 1, values, reference_line.values));
    }
    ModelCheck { problems, rows }
}

/// Run every reference model in the RADEX-compatible mode (models in parallel) and compare.
#[must_use]
pub fn run(reference: &Reference, params: CompatParams) -> CompatReport {
    let checks: Vec<ModelCheck> = reference
        .models
        .par_iter()
        .map_init(|| CompatSolver::new(params), |solver, model| check_model(reference, model, solver))
        .collect();
    let mut columns: Vec<ColumnStats> = VALUE_COLUMNS.iter().map(|&n| ColumnStats::new(n)).collect();
    let (mut passed, mut failed, mut rows_compared) = (0, 0, 0);
    let mut failures = Vec::new();
    for (model, check) in reference.models.iter().zip(&checks) {
        for (trans, ours, theirs) in &check.rows {
            rows_compared += 1;
            for (column, (a, b)) in columns.iter_mut().zip(ours.iter().zip(theirs)) {
                column.record(*a, *b, || format!("{} line {trans}", model.id));
            }
        }
        if check.problems.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            let shown: Vec<&String> = check.problems.iter().take(4).collect();
            let more = check.problems.len().saturating_sub(4);
            let suffix = if more > 0 { format!(" (+{more} more)") } else { String::new() };
            failures.push(format!(
                "{}: {}{suffix}",
                describe(model),
                shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
            ));
        }
    }
    CompatReport { passed, failed, rows_compared, columns, failures }
}
