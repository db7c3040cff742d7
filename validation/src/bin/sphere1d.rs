//! `stop-sphere1d MODEL.toml`: solve a spherically symmetric model file with the 1-D solver of
//! `stop_validation::sphere1d` on log-spaced shells (`--shells N`) or on the radii of the
//! model's density table (`--edges-from-table`), print the populations per shell as TSV
//! (`r_inner_m r_outer_m r_mid_m p0 p1 …`), and optionally compare them with a RATRAN `.out`
//! file (`--ratran`) or a published problem-1 curve (`--fiducial`). Comment lines start with
//! `#`. Run in release mode.

use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;
use stop_model::ModelFile;
use stop_validation::sphere1d::{EdgeSpec, SolveSettings, SphereModel, model_edges_m, solve};
use stop_validation::vz2002::compare::Deviations;
use stop_validation::vz2002::reference::{RadialCurve, read_fiducial, read_ratran};

/// Levels compared with RATRAN (J = 0 … 4).
const RATRAN_LEVELS: usize = 5;

/// Solve a spherical model file with the 1-D long-characteristics solver.
#[derive(Debug, Parser)]
#[command(name = "stop-sphere1d")]
struct Cli {
    /// The model file (TOML).
    model: PathBuf,
    /// Shells equally spaced in log r between the inner edge and the model's outer radius.
    #[arg(long, conflicts_with = "edges_from_table", required_unless_present = "edges_from_table")]
    shells: Option<usize>,
    /// The radii of the model's tabulated density as the shell edges (RATRAN's shells).
    #[arg(long)]
    edges_from_table: bool,
    /// The innermost edge of `--shells`, m (default: the model's inner radius, which must then
    /// be positive).
    #[arg(long)]
    inner_edge_m: Option<f64>,
    /// Gas inside the innermost edge (a model with a smaller inner radius) joins the first
    /// shell instead of getting a shell of its own.
    #[arg(long)]
    merge_core: bool,
    /// Impact parameters per shell (default: `SolveSettings::default()`'s, as the next two).
    #[arg(long)]
    rays_per_shell: Option<usize>,
    /// Stop at this largest relative population change.
    #[arg(long)]
    tolerance: Option<f64>,
    /// Most iterations.
    #[arg(long)]
    max_iterations: Option<usize>,
    /// Levels printed (default: all).
    #[arg(long)]
    levels: Option<usize>,
    /// A RATRAN `.out` file: print ours/RATRAN − 1 of J = 0…4 per RATRAN shell, with the median
    /// and the 90th percentile of its magnitude.
    #[arg(long)]
    ratran: Option<PathBuf>,
    /// A published problem-1 curve (`r_cm value`): print the deviation of level 1 from it.
    #[arg(long)]
    fiducial: Option<PathBuf>,
}

fn summary(label: &str, d: &Deviations) -> String {
    format!("# {label}: median {:+.2} %, p90 |dev| {:.2} %, max |dev| {:.2} %, rms {:.2} % ({} points)", 100.0 * d.median, 100.0 * d.p90_abs, 100.0 * d.max_abs, 100.0 * d.rms, d.n_points)
}

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let file = ModelFile::load(&cli.model)?;
    let molecule = file.molecule.read()?;
    let spec = match cli.shells {
        Some(shells) => EdgeSpec::Log { shells, inner_m: cli.inner_edge_m },
        None => EdgeSpec::Table,
    };
    let edges = model_edges_m(&file, spec, cli.merge_core)?;
    let model = SphereModel::from_model(file.model, &molecule, &edges, file.solver.tcmb_k)?;
    let default = SolveSettings::default();
    let settings = SolveSettings {
        rays_per_shell: cli.rays_per_shell.unwrap_or(default.rays_per_shell),
        tolerance: cli.tolerance.unwrap_or(default.tolerance),
        max_iterations: cli.max_iterations.unwrap_or(default.max_iterations),
    };
    let started = Instant::now();
    let solution = solve(&model, &molecule, &settings)?;
    let d = solution.discretisation;
    println!(
        "# {}: {} shells, {} rays per shell; {} rays, {} steps, {} channels, T_cmb {} K",
        cli.model.display(),
        model.shells.len(),
        settings.rays_per_shell,
        d.rays,
        d.steps,
        d.channels,
        model.tcmb_k
    );
    println!(
        "# {} after {} iterations (last change {:.2e}), {:.1} s",
        if solution.converged { "converged" } else { "NOT converged" },
        solution.iterations,
        solution.history.last().copied().unwrap_or(f64::NAN),
        started.elapsed().as_secs_f64()
    );
    let n_levels = cli.levels.unwrap_or(molecule.n_levels()).min(molecule.n_levels());
    let header: Vec<String> = (0..n_levels).map(|l| format!("p{l}")).collect();
    println!("r_inner_m\tr_outer_m\tr_mid_m\t{}", header.join("\t"));
    let mid = solution.level_curve(0);
    let mids = if edges[0] > 0.0 { &mid.r_m[1..] } else { &mid.r_m[..] };
    for (k, pops) in solution.populations.iter().enumerate() {
        let values: Vec<String> = pops[..n_levels].iter().map(|p| format!("{p:.6e}")).collect();
        println!("{:.6e}\t{:.6e}\t{:.6e}\t{}", edges[k], edges[k + 1], mids[k], values.join("\t"));
    }
    if let Some(path) = &cli.fiducial {
        let fiducial = read_fiducial(path)?;
        println!("{}", summary(&format!("level 1 vs {}", path.display()), &solution.deviations_from(1, &fiducial)));
    }
    if let Some(path) = &cli.ratran {
        let ratran = read_ratran(path)?;
        let levels: Vec<(RadialCurve, RadialCurve)> = (0..RATRAN_LEVELS).map(|j| (solution.level_curve(j), ratran.level(j))).collect();
        println!("# r_m (RATRAN shell)\tours/RATRAN - 1 for J = 0..{}", RATRAN_LEVELS - 1);
        for (i, &r) in ratran.r_m.iter().enumerate() {
            let devs: Vec<String> = levels.iter().map(|(ours, theirs)| format!("{:+.2}%", 100.0 * (ours.at(r).unwrap_or(f64::NAN) / theirs.values[i] - 1.0))).collect();
            println!("# {r:.3e}\t{}", devs.join("\t"));
        }
        for (j, (_, theirs)) in levels.iter().enumerate() {
            println!("{}", summary(&format!("J={j} vs RATRAN"), &solution.deviations_from(j, theirs)));
        }
    }
    Ok(())
}
