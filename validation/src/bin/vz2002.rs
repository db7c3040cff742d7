//! `stop-validate-vz2002 [PROBLEM…]`: solve the van Zadelhoff et al. (2002) benchmark
//! problems with `stop-lime`, print the convergence history and the comparison, and end with
//! `N passed, M failed, K explained` (exit status 1 on failures; an explained check is a
//! problem-2 check that fails on the benchmark model while STOP agrees with RATRAN on
//! RATRAN's model as it evidently ran, see `stop_validation::vz2002::problem2`). Run in
//! release mode.

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use stop_lime::solve::params::CellPopulations;
use stop_validation::vz2002::problem2::{P2Model, Verdict};
use stop_validation::vz2002::run::{Problem, RunOptions, run_problem};

/// Validation of stop-lime against the van Zadelhoff et al. (2002) benchmark.
#[derive(Debug, Parser)]
#[command(name = "stop-validate-vz2002")]
struct Cli {
    /// Problems to run (default: all four).
    #[arg(value_enum)]
    problems: Vec<Problem>,
    /// Interior grid points (default: the model file's).
    #[arg(long)]
    points: Option<usize>,
    /// Photons per point (default: the model file's).
    #[arg(long)]
    rays: Option<usize>,
    /// Stopping tolerance (default: the model file's).
    #[arg(long)]
    tolerance: Option<f64>,
    /// Most iterations (default: the model file's).
    #[arg(long)]
    max_iterations: Option<usize>,
    /// Grid and solver seed (default: the model file's).
    #[arg(long)]
    seed: Option<u64>,
    /// Populations inside a Voronoi cell: linear (default), quadratic, or constant (LIME's
    /// treatment), for comparisons.
    #[arg(long, value_parser = ["quadratic", "linear", "constant"])]
    cells: Option<String>,
    /// Ng acceleration every this many iterations, 0 for none (default: the solver's, 4).
    #[arg(long)]
    ng_period: Option<usize>,
    /// Print diagnostics of the problem-1 error (reconstruction of the published curve by
    /// each cell scheme).
    #[arg(long)]
    diagnose: bool,
    /// Problem 1: solve again with twice the interior points and report how much the radial
    /// profile changes ("the same answer under grid refinement").
    #[arg(long)]
    refine: bool,
    /// Problem 1: log shells of the converged 1-D reference (stop_validation::sphere1d), which
    /// STOP is also checked against; a miss of the published curve that STOP does not make
    /// against the converged answer is explained (default 200 for 1a, 400 for 1b; 0: none, for
    /// problem 2 either, whose 1-D reference solves the RATRAN-like file on RATRAN's shells).
    #[arg(long)]
    exact_shells: Option<usize>,
    /// Adaptive refinement: the fraction of the interior points placed adaptively. The first
    /// grid gets the rest; after each solve an equal share goes to the midpoints of the
    /// Delaunay edges with the largest population jumps, and the solve continues from the
    /// interpolated populations (0: off). Default: 0.25 for problem 1, 0 for problem 2.
    #[arg(long)]
    adapt: Option<f64>,
    /// Problem 1: sample grid points as the model file says (LIME's n^0.2 weight) instead of
    /// log-uniformly in radius.
    #[arg(long)]
    lime_sampling: bool,
    /// Share of each point's photons drawn from a Gaussian twice the line's width, weighted
    /// back to the profile (default: the model file's `[solver] wing_photon_fraction`, 0.5 for
    /// problem 1, 0 for problem 2; 0: the profile alone).
    #[arg(long)]
    wing_fraction: Option<f64>,
    /// Problem 2: solve the table as RATRAN's 49 constant shells
    /// (`vz2002_<p>_ratran_shells.toml`) instead of the continuous interpolation.
    #[arg(long, conflicts_with = "ratran_like")]
    ratran_shells: bool,
    /// Problem 2: solve RATRAN's model as it evidently ran (`vz2002_<p>_ratran_like.toml`: the
    /// shells, gas in the inner hole, no thermal width) instead of the continuous interpolation.
    #[arg(long)]
    ratran_like: bool,
    /// Problem 2: do not solve the RATRAN-like model when a J check fails (by default it is
    /// solved with the same settings, and explains the failure if STOP then agrees with RATRAN
    /// within the spread in every level).
    #[arg(long)]
    no_explain: bool,
    /// Adaptive passes when --adapt > 0.
    #[arg(long, default_value_t = 1)]
    adapt_passes: usize,
    /// The directory of the model files `vz2002_<problem>.toml` (default: the crate's `models/`).
    #[arg(long)]
    models: Option<PathBuf>,
    /// The reference directory (holding `benchmark-vz2002/`).
    #[arg(long)]
    reference: Option<PathBuf>,
}

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let reference = cli.reference.unwrap_or_else(stop_validation::default_reference_dir).join("benchmark-vz2002");
    let models = cli.models.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models")));
    let problems = if cli.problems.is_empty() { vec![Problem::P1a, Problem::P1b, Problem::P2a, Problem::P2b] } else { cli.problems };
    let p2_model = match (cli.ratran_shells, cli.ratran_like) {
        (true, _) => P2Model::RatranShells,
        (_, true) => P2Model::RatranLike,
        _ => P2Model::Benchmark,
    };
    let opts = RunOptions { n_points: cli.points, rays_per_point: cli.rays, tolerance: cli.tolerance, max_iterations: cli.max_iterations, seed: cli.seed, cells: cli.cells.as_deref().map(|c| match c {
        "quadratic" => CellPopulations::Quadratic,
        "constant" => CellPopulations::Constant,
        _ => CellPopulations::Linear,
    }), ng_period: cli.ng_period, diagnose: cli.diagnose, refine: cli.refine, adapt: cli.adapt, adapt_passes: cli.adapt_passes, lime_sampling: cli.lime_sampling, wing_fraction: cli.wing_fraction, p2_model, explain: !cli.no_explain, exact_shells: cli.exact_shells };
    let (mut passed, mut failed, mut explained) = (0, 0, 0);
    for problem in problems {
        let report = run_problem(problem, &models, &reference, &opts, &mut |line| println!("{line}"))?;
        let summary_start = report.text.find("  status").unwrap_or(0);
        print!("{}", &report.text[summary_start..]);
        for check in &report.checks {
            let (tag, count) = match check.verdict {
                Verdict::Pass => ("pass", &mut passed),
                Verdict::Fail => ("FAIL", &mut failed),
                Verdict::Explained => ("explained", &mut explained),
            };
            println!("  [{tag}] {}", check.text);
            *count += 1;
        }
    }
    println!("{passed} passed, {failed} failed, {explained} explained");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
