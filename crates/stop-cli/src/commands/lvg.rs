//! `stop lvg FILE`: escape-probability models from a RADEX input file (several models) or a
//! TOML/JSON single-model file, printed in RADEX's layout, as TSV or as JSON.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use stop_lvg::radex::{RadexBlock, RadexProcess, parse_radex_input, write_radex_block};
use stop_lvg::rows::{OutputRow, TSV_COLUMNS, printed_lines};
use stop_lvg::single::SingleModel;
use stop_lvg::{CompatSolver, FastSolver, Geometry, ModelParams, Problem, Solution};

/// Arguments of `stop lvg`.
#[derive(Debug, clap::Args)]
pub struct LvgArgs {
    /// A RADEX input file (`.inp`, several models) or a single model as `.toml` / `.json`.
    pub input: PathBuf,
    /// Escape-probability geometry (RADEX's compile-time `method`).
    #[arg(long, value_enum, default_value_t = GeometryArg::Sphere)]
    pub geometry: GeometryArg,
    /// Follow RADEX 30nov2011 to the bit (its iteration, literals and LINPACK elimination,
    /// and its rate tables left over between models of different molecule files). Without
    /// it, the fast solver converges each model to the fixed point of the same equations.
    #[arg(long)]
    pub radex_compat: bool,
    /// Output layout.
    #[arg(long, value_enum, default_value_t = Format::Radex)]
    pub format: Format,
    /// Extra directory searched for molecule files (after the input file's directory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Geometry names on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GeometryArg {
    /// Static uniform sphere.
    Sphere,
    /// Expanding sphere (LVG, Sobolev).
    Lvg,
    /// Plane-parallel slab.
    Slab,
}

impl From<GeometryArg> for Geometry {
    fn from(g: GeometryArg) -> Self {
        match g {
            GeometryArg::Sphere => Geometry::Sphere,
            GeometryArg::Lvg => Geometry::Lvg,
            GeometryArg::Slab => Geometry::Slab,
        }
    }
}

/// Output layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// RADEX's own output file layout.
    Radex,
    /// One row per printed line (columns of ../shared/reference/radex/README.md).
    Tsv,
    /// The same rows as a JSON array.
    Json,
}

/// One model to run.
struct Job {
    molecule_file: String,
    problem: Arc<Problem>,
    model: ModelParams,
    window_ghz: (f64, f64),
}

/// Run `stop lvg`.
///
/// # Errors
/// Unreadable or malformed input, unknown molecules, bad parameters, output errors.
pub fn run(args: &LvgArgs) -> anyhow::Result<()> {
    let jobs = read_jobs(args)?;
    let mut compat = CompatSolver::default();
    let mut fast = FastSolver::default();
    let mut process = RadexProcess::new();
    let mut radex_text = String::new();
    let mut rows = Vec::new();
    for (i_model, job) in jobs.iter().enumerate() {
        let mut solution = Solution::default();
        let solved = if args.radex_compat {
            compat.solve_in_process(&job.problem, &job.model, Some(&mut process), &mut solution)
        } else {
            fast.solve(&job.problem, &job.model, &mut solution)
        };
        solved.with_context(|| format!("model {} ({})", i_model + 1, job.molecule_file))?;
        match args.format {
            Format::Radex => write_radex_block(
                &mut radex_text,
                &RadexBlock {
                    molecule_file: &job.molecule_file,
                    problem: &job.problem,
                    model: &job.model,
                    solution: &solution,
                    window_ghz: job.window_ghz,
                },
            ),
            Format::Tsv | Format::Json => {
                let status = solution.status.unwrap_or(stop_lvg::Status::NotConverged);
                let lines = printed_lines(&job.problem, &solution, job.model.fwhm_cm_s(), job.window_ghz);
                rows.extend(lines.iter().map(|line| OutputRow::new(i_model + 1, status, line)));
            }
        }
    }
    let text = match args.format {
        Format::Radex => radex_text,
        Format::Tsv => {
            let mut text = TSV_COLUMNS.join("\t");
            text.push('\n');
            for row in &rows {
                text.push_str(&row.tsv());
                text.push('\n');
            }
            text
        }
        Format::Json => serde_json::to_string_pretty(&rows)? + "\n",
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

fn read_jobs(args: &LvgArgs) -> anyhow::Result<Vec<Job>> {
    let path = &args.input;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let source = path.display().to_string();
    let input_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut dirs: Vec<PathBuf> = vec![input_dir];
    dirs.extend(args.data_dir.clone());
    let mut problems: HashMap<String, Arc<Problem>> = HashMap::new();
    let mut problem_for = |name: &str| -> anyhow::Result<Arc<Problem>> {
        if let Some(problem) = problems.get(name) {
            return Ok(problem.clone());
        }
        let dir_refs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
        let molecule = stop_molecule::resolve_molecule(name, &dir_refs)
            .with_context(|| format!("molecule `{name}` (searched next to the input, --data-dir, data/lamda)"))?;
        let problem = Arc::new(Problem::new(molecule)?);
        problems.insert(name.to_owned(), problem.clone());
        Ok(problem)
    };
    let geometry = Geometry::from(args.geometry);
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if extension == "toml" || extension == "json" {
        let single: SingleModel = if extension == "toml" {
            toml::from_str(&text).with_context(|| format!("parsing {source}"))?
        } else {
            serde_json::from_str(&text).with_context(|| format!("parsing {source}"))?
        };
        let model = single.params(&source, geometry)?;
        let problem = problem_for(&single.molecule)?;
        return Ok(vec![Job { molecule_file: single.molecule.clone(), problem, model, window_ghz: single.window_ghz() }]);
    }
    let mut jobs = Vec::new();
    for input in parse_radex_input(&source, &text)? {
        let problem = problem_for(&input.molecule_file)?;
        let model = ModelParams {
            tkin_k: input.tkin_k,
            densities: input.densities,
            tbg_k: input.tbg_k,
            column_cm2: input.column_cm2,
            fwhm_km_s: input.fwhm_km_s,
            geometry,
        };
        jobs.push(Job { molecule_file: input.molecule_file, problem, model, window_ghz: (input.fmin_ghz, input.fmax_ghz) });
    }
    Ok(jobs)
}
