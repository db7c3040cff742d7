//! `stop-validate lime-modela`: the arguments and the printed run.

use super::run::{ModelAOptions, Part, run};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `stop-validate lime-modela`.
#[derive(Debug, clap::Args)]
pub struct LimeModelAArgs {
    /// Which comparisons to run.
    #[arg(long, value_enum, default_value_t = Part::Both)]
    pub part: Part,
    /// STOP's model file of model A (default `validation/models/lime_modelA.toml`).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The reference directory (holding `lime/modelA`).
    #[arg(long)]
    pub reference: Option<PathBuf>,
    /// Redraw photons every iteration as LIME does (no Ng acceleration).
    #[arg(long)]
    pub lime_rays: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write STOP's populations to this directory.
    #[arg(long)]
    pub populations_dir: Option<PathBuf>,
    /// Compare these populations (an earlier run's `modelA_own_grid_pops.tsv`) instead of
    /// solving on STOP's own grid.
    #[arg(long)]
    pub own_grid_populations: Option<PathBuf>,
    /// Compare these populations (an earlier run's `modelA_lime_grid_pops.tsv`) instead of
    /// solving on LIME's grid; with `--part diagnose`, the populations a step must return.
    #[arg(long)]
    pub lime_grid_populations: Option<PathBuf>,
}

/// Runs the comparisons (progress on stderr), prints the report and `N passed, M failed`.
///
/// # Errors
/// Missing or unreadable files, grid or solver failures, a thread pool that cannot start.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn run_cli(args: &LimeModelAArgs) -> anyhow::Result<ExitCode> {
    let options = ModelAOptions {
        model_a_dir: args
            .reference
            .clone()
            .unwrap_or_else(crate::default_reference_dir)
            .join("lime/modelA"),
        model_path: args.model.clone().unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/models/lime_modelA.toml"
            ))
        }),
        part: args.part,
        lime_rays: args.lime_rays,
        populations_dir: args.populations_dir.clone(),
        own_grid_populations: args.own_grid_populations.clone(),
        lime_grid_populations: args.lime_grid_populations.clone(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let report = pool.install(|| run(&options, &mut |line| eprintln!("{line}")))?;
    print!("{}", report.text);
    for c in &report.checks {
        println!("  [{}] {}", if c.passed { "pass" } else { "FAIL" }, c.label);
    }
    println!("{} passed, {} failed", report.passed(), report.failed());
    Ok(if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
