//! `stop lime MODEL.toml`: build the grid of a model file, solve the non-LTE level
//! populations with a progress bar and one convergence line per iteration, write the
//! populations (format: `stop_lime::pops`), ray-trace the model's `[[image]]` cubes
//! ([`super::lime_images`]) and report the peak memory. `--images-only --populations FILE`
//! only ray-traces, from saved populations.

use anyhow::{Context as _, bail};
use std::path::PathBuf;
use std::time::Instant;
use stop_lime::pops::io::PopulationFile;
use stop_lime::solve::iterate::{StartFrom, initial_populations, solve};
use stop_lime::solve::model_run::{build_grid, file_setup, population_file};
use stop_lime::solve::params::{RaySchedule, SolveParams};
use stop_lime::solve::setup::Mesh;
use stop_model::ModelFile;
use stop_model::file::InitialPopulations;

/// Arguments of `stop lime`.
#[derive(Debug, clap::Args)]
pub struct LimeArgs {
    /// The model file (TOML; see the stop-model README).
    pub model: PathBuf,
    /// Where to write the populations (default: `<model stem>_pops.tsv` in the current directory).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Start from a population file written for the same grid (restart).
    #[arg(long)]
    pub restart: Option<PathBuf>,
    /// Interior grid points (overrides `[grid] n_points`).
    #[arg(long)]
    pub points: Option<usize>,
    /// Photons per point (overrides `[solver] rays_per_point`).
    #[arg(long)]
    pub rays: Option<usize>,
    /// Most iterations (overrides `[solver] max_iterations`).
    #[arg(long)]
    pub max_iterations: Option<usize>,
    /// Stopping tolerance (overrides `[solver] tolerance`).
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Redraw photons every iteration as LIME does (no Ng acceleration).
    #[arg(long)]
    pub lime_rays: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Image options.
    #[command(flatten)]
    pub images: super::lime_images::ImageArgs,
}

/// Peak resident memory of this process, kB (`VmHWM` in `/proc/self/status`), if available.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `--images-only`: the grid of the population file (re-triangulated), the model's fields
/// at its points, the cubes.
fn images_only(args: &LimeArgs, file: &ModelFile, molecule: &stop_molecule::Molecule) -> anyhow::Result<()> {
    let Some(path) = &args.images.populations else { bail!("--images-only needs --populations FILE") };
    let pops = PopulationFile::read(path).with_context(|| format!("reading {}", path.display()))?;
    super::lime_images::check_levels(path, pops.n_levels, molecule.n_levels())?;
    let grid = stop_lime::grid::build::Grid::from_points(pops.positions_m.clone(), pops.is_sink.clone())?;
    let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
    let setup = file_setup(file, mesh, molecule)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    pool.install(|| super::lime_images::write_images(file, &setup, molecule, &pops.pops, &args.images))?;
    Ok(())
}

/// Runs `stop lime`.
///
/// # Errors
/// Unreadable model, molecule, dust or restart files, a grid or solver failure, an
/// unwritable output.
#[allow(clippy::print_stderr)]
pub fn run(args: &LimeArgs) -> anyhow::Result<()> {
    let clock = Instant::now();
    let mut file = ModelFile::load(&args.model).with_context(|| format!("reading {}", args.model.display()))?;
    if let Some(n) = args.points {
        file.grid.n_points = n;
    }
    let molecule = file.molecule.read().context("reading the molecular data")?;
    if args.images.images_only {
        return images_only(args, &file, &molecule);
    }
    let grid = build_grid(&file)?;
    let n_interior = grid.is_sink.iter().filter(|s| !**s).count();
    eprintln!(
        "grid: {n_interior} interior + {} boundary points, {} Delaunay links, {:.2} s",
        grid.is_sink.len() - n_interior,
        grid.neighbours.indices().len(),
        clock.elapsed().as_secs_f64()
    );
    let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
    let setup = file_setup(&file, mesh, &molecule)?;
    let mut params = SolveParams::from_model(&file.solver);
    if let Some(r) = args.rays {
        params.rays_per_point = r;
    }
    if let Some(m) = args.max_iterations {
        params.max_iterations = m;
    }
    if let Some(t) = args.tolerance {
        params.tolerance = t;
    }
    if args.lime_rays {
        params.rays = RaySchedule::EveryIteration;
    }
    let pops0 = match &args.restart {
        Some(path) => {
            let previous = PopulationFile::read(path)?;
            if !previous.matches_grid(&grid.positions_m) || previous.n_levels != setup.n_levels {
                bail!("{}: written for another grid or molecule (same model file, seed and --points needed)", path.display());
            }
            previous.pops
        }
        None => {
            let start = if file.solver.initial_populations == InitialPopulations::Zero { StartFrom::Zero } else { StartFrom::Lte };
            initial_populations(&setup, &molecule, start)
        }
    };
    let bar = if args.quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(n_interior as u64) };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} points, ETA {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    let outcome = pool.install(|| {
        solve(&setup, pops0, &params, &|| bar.inc(1), &mut |stats| {
            if args.quiet {
                eprintln!("{}", stats.summary());
            } else {
                bar.println(stats.summary());
            }
            bar.reset();
        })
    })?;
    bar.finish_and_clear();
    let output = args.output.clone().unwrap_or_else(|| {
        let stem = args.model.file_stem().map_or_else(|| "model".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from(format!("{stem}_pops.tsv"))
    });
    let n_iterations = outcome.history.len();
    let status = outcome.status;
    let averaging = outcome.averaging;
    let pops_file = population_file(&args.model.display().to_string(), &file, &molecule.name, &grid, &params, outcome);
    pops_file.write(&output)?;
    super::lime_images::write_images(&file, &setup, &molecule, &pops_file.pops, &args.images)?;
    eprintln!(
        "{:?} after {} iterations; populations written to {}; {:.1} s; peak memory {}",
        status,
        n_iterations,
        output.display(),
        clock.elapsed().as_secs_f64(),
        peak_rss_kb().map_or_else(|| "unknown".to_owned(), |kb| format!("{:.1} MB", kb as f64 / 1024.0))
    );
    if let Some(averaging) = averaging {
        eprintln!("{}", averaging.line());
    }
    Ok(())
}
