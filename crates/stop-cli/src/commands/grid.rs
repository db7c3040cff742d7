//! `stop grid SPEC.toml`: a grid of escape-probability models (fast solver) on every core,
//! streamed to TSV, FITS or VOTable with a progress bar; `--resume` continues a killed run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};
use stop_io::{TableFormat, TableWriter, create_table_writer, resume_or_create_table_writer};
use stop_lvg::grid::{BATCH_MODELS, GridModels, GridSpec, grid_schema, run_grid_checkpointed};
use stop_lvg::{Problem, in_window, radex_window};

/// Arguments of `stop grid`.
#[derive(Debug, clap::Args)]
pub struct GridArgs {
    /// The grid specification (TOML; see the README section "stop grid").
    pub spec: PathBuf,
    /// Continue a killed run: keep the complete rows of the output (TSV, FITS or VOTable),
    /// compute the rest.
    #[arg(long)]
    pub resume: bool,
    /// Output file (overrides the spec's `output`; `.tsv`, `.fits` or `.vot`).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Extra directory searched for the molecule file.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Models between two flushes of the output (the points `--resume` can restart from;
    /// rounded up to whole chunks of neighbouring models).
    #[arg(long, default_value_t = BATCH_MODELS)]
    pub checkpoint: u64,
}

/// Run `stop grid`.
///
/// # Errors
/// A bad spec, an unknown molecule, an output that cannot be written or resumed.
#[allow(clippy::print_stderr)]
pub fn run(args: &GridArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.spec).with_context(|| format!("reading {}", args.spec.display()))?;
    let spec: GridSpec = toml::from_str(&text).with_context(|| format!("parsing {}", args.spec.display()))?;
    let spec_dir = args.spec.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut dirs = vec![spec_dir.as_path()];
    if let Some(dir) = &args.data_dir {
        dirs.push(dir.as_path());
    }
    let molecule = stop_molecule::resolve_molecule(&spec.molecule, &dirs)
        .with_context(|| format!("molecule `{}`", spec.molecule))?;
    let problem = Problem::new(molecule)?;
    let models = GridModels::new(&spec)?;
    let window = radex_window(spec.fmin_ghz.unwrap_or(0.0), spec.fmax_ghz.unwrap_or(0.0));
    let lines: Vec<usize> = (0..problem.lines.len())
        .filter(|&i| in_window(problem.molecule.lines[i].freq_ghz, window.0, window.1))
        .collect();
    let output = args.output.clone().unwrap_or_else(|| spec_dir.join(&spec.output));
    let format = TableFormat::from_path(&output)
        .with_context(|| format!("{}: output must end in .tsv, .fits or .vot", output.display()))?;
    let schema = grid_schema(&problem, &models, &lines)?;
    let mut writer: Box<dyn TableWriter> = if args.resume {
        resume_or_create_table_writer(&output, format, &schema)
            .with_context(|| format!("resuming {}", output.display()))?
    } else {
        create_table_writer(&output, format, &schema)?
    };
    let start = writer.rows_written();
    let total = models.len();
    if start > total {
        bail!("{} holds {start} rows but the grid has {total} models", output.display());
    }
    let bar = if args.quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(total) };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} models, {per_sec}, ETA {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_position(start);
    bar.reset_eta();
    let clock = Instant::now();
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let summary = run_grid_checkpointed(
        &problem,
        &models,
        &lines,
        writer.as_mut(),
        start..total,
        &pool,
        &|done| bar.set_position(done),
        args.checkpoint,
    )?;
    writer.finish()?;
    bar.finish_and_clear();
    let seconds = clock.elapsed().as_secs_f64();
    if !args.quiet {
        eprintln!(
            "{} models computed ({} already in the file) in {seconds:.2} s on {} threads: {:.0} models/s; {} not converged; {}",
            summary.computed,
            start,
            pool.current_num_threads(),
            summary.computed as f64 / seconds,
            summary.not_converged,
            output.display()
        );
    }
    Ok(())
}
