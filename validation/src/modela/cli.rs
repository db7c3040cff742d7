//! `stop-validate lime-modela`: the arguments and the printed run.

use super::Cells;
use super::run::{ModelAOptions, Part, run};
use anyhow::Context as _;
use stop_model::ModelFile;
use stop_model::file::CellScheme;
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
    /// The cells: `lime-paths` (LIME's constant cells on LIME's photon paths and schedule,
    /// judged by LIME's noise), `lime` (LIME's cells on STOP's straight paths) or `linear`
    /// (STOP's default); the last two differ from LIME by LIME's choices, explained and judged
    /// where those do not matter. Default: the model file's `[solver] cells`.
    #[arg(long, value_enum)]
    pub cells: Option<Cells>,
    /// Photons per point (default: the model file's, LIME's 200). STOP at 100 has LIME's
    /// same-grid noise at 200 or less (benches/README.md).
    #[arg(long)]
    pub photons: Option<usize>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write STOP's populations to this directory.
    #[arg(long)]
    pub populations_dir: Option<PathBuf>,
    /// Compare these populations (an earlier run's `modelA_own_grid_pops_<cells>.tsv`) instead of
    /// solving on STOP's own grid.
    #[arg(long)]
    pub own_grid_populations: Option<PathBuf>,
    /// Compare these populations (an earlier run's `modelA_lime_grid_pops_<cells>.tsv`) instead of
    /// solving on LIME's grid; with `--part diagnose`, the populations a step must return.
    #[arg(long)]
    pub lime_grid_populations: Option<PathBuf>,
    /// With `--cells linear`: STOP's lime-cells populations on LIME's grid (an earlier `--cells
    /// lime` run's `modelA_lime_grid_pops_lime.tsv`); beyond 300 au the linear cells' difference
    /// to LIME must equal their difference to these.
    #[arg(long)]
    pub lime_cells_populations: Option<PathBuf>,
}

/// Runs the comparisons (progress on stderr), prints the report and `N passed, M failed`.
///
/// # Errors
/// Missing or unreadable files, grid or solver failures, a thread pool that cannot start.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn run_cli(args: &LimeModelAArgs) -> anyhow::Result<ExitCode> {
    let model_path = args.model.clone().unwrap_or_else(|| {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models/lime_modelA.toml"))
    });
    let cells = match args.cells {
        Some(cells) => cells,
        None => {
            let file = ModelFile::load(&model_path).with_context(|| format!("reading {}", model_path.display()))?;
            match file.solver.cells {
                CellScheme::Linear => Cells::Linear,
                CellScheme::Lime => Cells::Lime,
                other => anyhow::bail!("{}: [solver] cells = {other:?}: the runner checks `linear` or `lime` (--cells)", model_path.display()),
            }
        }
    };
    let options = ModelAOptions {
        model_a_dir: args
            .reference
            .clone()
            .unwrap_or_else(crate::default_reference_dir)
            .join("lime/modelA"),
        model_path,
        part: args.part,
        lime_rays: args.lime_rays,
        cells,
        photons: args.photons,
        populations_dir: args.populations_dir.clone(),
        own_grid_populations: args.own_grid_populations.clone(),
        lime_grid_populations: args.lime_grid_populations.clone(),
        lime_cells_populations: args.lime_cells_populations.clone(),
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
