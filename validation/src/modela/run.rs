//! Solving model A with `stop-lime` on STOP's own grid and on LIME's grid, and the report.

use super::tables::{binned_table, quantile_row, signed_bias_table};
use super::compare::{
    Quantiles, bin_means, binned_deviations, relative_std_over_runs, seed_scatter,
};
use super::reference::{LimePops, read_binned, read_lime_pops};
use super::{
    BINNED_SEED_REL_STD_MEDIAN, BINNED_SEED_REL_STD_P90, Cells, Check, ModelAReport, POPULATION_FLOOR,
    SAME_GRID_REL_STD_MAX, SAME_GRID_REL_STD_MEDIAN, SAME_GRID_REL_STD_P90, SAME_GRID_REL_STD_P99,
};
use anyhow::Context as _;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use stop_lime::grid::lime_grid_file::{LimeGridFile, read_lime_grid};
use stop_lime::pops::io::PopulationFile;
use stop_lime::solve::iterate::{StartFrom, initial_populations, solve};
use stop_lime::solve::model_run::{build_grid, file_setup};
use stop_lime::solve::params::{RaySchedule, SolveParams};
use stop_lime::solve::setup::{Mesh, SolverSetup};
use super::lime_paths::{self, LIME_HALF_RANGE_B, LimePaths, VelocitySamples, Velocities};
use stop_model::ModelFile;
use stop_model::file::InitialPopulations;

/// Which comparisons to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// STOP's own grid against LIME's radial profiles.
    OwnGrid,
    /// LIME's grid against LIME's seed-1 populations, point by point.
    LimeGrid,
    /// Both.
    Both,
    /// Not a comparison: one STOP step from LIME's populations on LIME's grid outside
    /// 100 au, per variant of the solver ([`super::diagnose`]).
    Diagnose,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct ModelAOptions {
    /// `../shared/reference/lime/modelA`.
    pub model_a_dir: PathBuf,
    /// STOP's model file of model A (`validation/models/lime_modelA.toml`).
    pub model_path: PathBuf,
    /// Which comparisons.
    pub part: Part,
    /// Redraw the photons every iteration as LIME does (no Ng acceleration) instead of
    /// STOP's fixed photon set.
    pub lime_rays: bool,
    /// The solver's cells: LIME-compatible (judged by LIME's noise) or STOP's default (its
    /// difference explained and judged where the cells do not matter, [`super::cells`]).
    pub cells: Cells,
    /// Photons per point, if not the model file's (LIME's 200).
    pub photons: Option<usize>,
    /// Directory to write STOP's populations to (`modelA_own_grid_pops_<cells>.tsv`,
    /// `modelA_lime_grid_pops_<cells>.tsv`), e.g. for `stop-validate lime-images`.
    pub populations_dir: Option<PathBuf>,
    /// STOP's populations on its own grid from an earlier run (a file written through
    /// `populations_dir` or by `stop lime`): compared instead of solving again.
    pub own_grid_populations: Option<PathBuf>,
    /// As `own_grid_populations`, on LIME's grid.
    pub lime_grid_populations: Option<PathBuf>,
    /// With linear cells: STOP's populations with lime cells on LIME's grid (an earlier
    /// `--cells lime` run's `modelA_lime_grid_pops_lime.tsv`), for the outer check of
    /// [`super::cells::outer_bias_checks`].
    pub lime_cells_populations: Option<PathBuf>,
}

/// STOP's populations on one grid.
struct Solved {
    pops: Vec<f64>,
    n_levels: usize,
    iterations: usize,
    status: String,
}

/// Solves the model of `file` on the given points with the file's solver settings.
fn solve_on(
    file: &ModelFile,
    mesh: Mesh<'_>,
    options: &ModelAOptions,
    out: &mut String,
    log: &mut dyn FnMut(&str),
) -> anyhow::Result<Solved> {
    let started = Instant::now();
    let molecule = file.molecule.read().context("reading the molecular data")?;
    let is_sink = mesh.is_sink;
    let setup = file_setup(file, mesh, &molecule)?;
    let mut params = SolveParams::from_model(&file.solver);
    if options.lime_rays {
        params.rays = RaySchedule::EveryIteration;
    }
    params.cells = options.cells.solver();
    if let Some(photons) = options.photons {
        params.rays_per_point = photons;
    }
    let start = if file.solver.initial_populations == InitialPopulations::Zero {
        StartFrom::Zero
    } else {
        StartFrom::Lte
    };
    let n_interior = is_sink.iter().filter(|s| !**s).count();
    if options.cells == Cells::LimePaths {
        return Ok(solve_on_lime_paths(&setup, &molecule, &params, start, started, out, log));
    }
    let head = format!(
        "  STOP: {n_interior} interior + {} sink points, {} cells, {} photons per point ({:?}), {} iterations at most, start {start:?}",
        is_sink.len() - n_interior,
        options.cells.name(),
        params.rays_per_point,
        params.rays,
        params.max_iterations
    );
    log(&head);
    let _ = writeln!(out, "{head}");
    let outcome = solve(
        &setup,
        initial_populations(&setup, &molecule, start),
        &params,
        &|| {},
        &mut |s| log(&format!("  {}", s.summary())),
    )?;
    for s in &outcome.history {
        let _ = writeln!(out, "  {}", s.summary());
    }
    let _ = writeln!(
        out,
        "  STOP: {:?} after {} iterations, {:.1} s (grid excluded)",
        outcome.status,
        outcome.history.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(Solved {
        pops: outcome.pops,
        n_levels: setup.n_levels,
        iterations: outcome.history.len(),
        status: format!("{:?}", outcome.status),
    })
}

/// Lime cells on LIME's photon paths with LIME's schedule: `max_iterations` (LIME's 14)
/// from the file's start, new photons every iteration, LIME's uniform velocities
/// ([`super::lime_paths`]).
fn solve_on_lime_paths(
    setup: &SolverSetup<'_>,
    molecule: &stop_molecule::Molecule,
    params: &SolveParams,
    start: StartFrom,
    started: Instant,
    out: &mut String,
    log: &mut dyn FnMut(&str),
) -> Solved {
    let paths = LimePaths { photons: params.rays_per_point, velocities: Velocities::LimeUniform, samples: VelocitySamples::Edge, seed: params.seed };
    let head = format!(
        "  STOP lime cells on LIME's photon paths (modela::lime_paths): {} photons per point, uniform within +-{LIME_HALF_RANGE_B} b, new every iteration, {} iterations from {start:?}",
        paths.photons, params.max_iterations
    );
    log(&head);
    let _ = writeln!(out, "{head}");
    let mut both = |line: &str| {
        log(line);
        let _ = writeln!(out, "{line}");
    };
    let pops = lime_paths::solve(setup, initial_populations(setup, molecule, start), &paths, params.max_iterations, &params.local, params.population_floor, &mut both);
    let _ = writeln!(out, "  STOP (LIME's paths): {} iterations, {:.1} s (grid excluded)", params.max_iterations, started.elapsed().as_secs_f64());
    Solved { pops, n_levels: setup.n_levels, iterations: params.max_iterations, status: "MaxIterations".to_owned() }
}

/// Solves (and saves the populations as `<save_as>_<cells>.tsv` in `--populations-dir`, if
/// given), or reads
/// `previous` after checking it was written for these points.
fn load_or_solve(
    file: &ModelFile,
    mesh: Mesh<'_>,
    options: &ModelAOptions,
    previous: Option<&PathBuf>,
    save_as: &str,
    out: &mut String,
    log: &mut dyn FnMut(&str),
) -> anyhow::Result<Solved> {
    let Some(path) = previous else {
        let (positions_m, is_sink) = (mesh.positions_m, mesh.is_sink);
        let solved = solve_on(file, mesh, options, out, log)?;
        if let Some(dir) = &options.populations_dir {
            let name = format!("{save_as}_{}.tsv", options.cells.name());
            write_pops(dir, &name, positions_m, is_sink, options.cells, &solved, out)?;
        }
        return Ok(solved);
    };
    let read = PopulationFile::read(path)?;
    let (cells, note) = Cells::of_file(&read.metadata, path)?;
    if let Some(note) = note {
        let _ = writeln!(out, "  {note}");
    }
    anyhow::ensure!(
        cells == options.cells,
        "{}: solved with {} cells, the run checks {} cells (--cells)",
        path.display(),
        cells.name(),
        options.cells.name()
    );
    anyhow::ensure!(
        read.matches_grid(mesh.positions_m),
        "{}: written for other grid points",
        path.display()
    );
    let summary: Vec<String> = read
        .metadata
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    let _ = writeln!(
        out,
        "  STOP populations read from {} ({})",
        path.display(),
        summary.join(", ")
    );
    let iterations = read
        .metadata
        .iter()
        .find(|(k, _)| k == "iterations")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let status = read
        .metadata
        .iter()
        .find(|(k, _)| k == "status")
        .map_or_else(String::new, |(_, v)| v.clone());
    Ok(Solved {
        pops: read.pops,
        n_levels: read.n_levels,
        iterations,
        status,
    })
}

fn write_pops(
    dir: &Path,
    name: &str,
    positions_m: &[[f64; 3]],
    is_sink: &[bool],
    cells: Cells,
    solved: &Solved,
    out: &mut String,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(name);
    let file = PopulationFile {
        metadata: vec![
            (
                "model".to_owned(),
                "LIME model A (stop-validate lime-modela)".to_owned(),
            ),
            ("cells".to_owned(), cells.name().to_owned()),
            ("iterations".to_owned(), solved.iterations.to_string()),
            ("status".to_owned(), solved.status.clone()),
        ],
        positions_m: positions_m.to_vec(),
        is_sink: is_sink.to_vec(),
        n_levels: solved.n_levels,
        pops: solved.pops.clone(),
    };
    file.write(&path)?;
    let _ = writeln!(out, "  populations written to {}", path.display());
    Ok(())
}

/// The binned checks: the median and 90th percentile of STOP's |deviation| from LIME's
/// 3-seed mean must not exceed those of LIME's own seed-to-seed relative scatter.
///
/// A run exactly as noisy as LIME's would land near 0.94× (median) and 1.25× (p90) of
/// LIME's figures (|x − mean₃| of a Gaussian against the sample std of three), so passing
/// needs STOP's systematic and Monte-Carlo errors together to be at or below LIME's noise.
#[must_use]
pub fn binned_checks(who: &str, deviations: &Quantiles, lime_scatter: &Quantiles) -> Vec<Check> {
    let pct = |v: f64| format!("{:.4}%", 100.0 * v);
    vec![
        Check {
            label: format!(
                "{who}: binned median |dev| {} <= LIME seed scatter median {}",
                pct(deviations.median),
                pct(lime_scatter.median)
            ),
            passed: deviations.median <= lime_scatter.median,
        },
        Check {
            label: format!(
                "{who}: binned p90 |dev| {} <= LIME seed scatter p90 {}",
                pct(deviations.p90),
                pct(lime_scatter.p90)
            ),
            passed: deviations.p90 <= lime_scatter.p90,
        },
    ]
}

/// The same-grid checks: median, 90th and 99th percentile of the two-run relative
/// standard deviation against LIME's three-run figures (the maximum is printed only, see
/// [`SAME_GRID_REL_STD_MAX`]).
#[must_use]
pub fn same_grid_checks(who: &str, q: &Quantiles) -> Vec<Check> {
    [
        ("median", q.median, SAME_GRID_REL_STD_MEDIAN),
        ("p90", q.p90, SAME_GRID_REL_STD_P90),
        ("p99", q.p99, SAME_GRID_REL_STD_P99),
    ]
    .into_iter()
    .map(|(name, ours, lime)| Check {
        label: format!(
            "{who}: point-by-point rel std {name} {ours:.3e} <= LIME same-grid {lime:.3e}"
        ),
        passed: ours <= lime,
    })
    .collect()
}

/// Point-by-point relative standard deviation of two runs on LIME's seed-1 grid (rows in
/// the same order, levels with mean p > 0.01).
///
/// # Errors
/// Runs with different rows or levels.
pub fn same_grid_quantiles(a: &LimePops, b: &LimePops) -> anyhow::Result<Quantiles> {
    anyhow::ensure!(
        a.ids == b.ids && a.n_levels == b.n_levels,
        "the two runs do not share grid rows and levels"
    );
    Ok(Quantiles::of(relative_std_over_runs(
        &[&a.pops, &b.pops],
        POPULATION_FLOOR,
    )))
}

fn own_grid(
    file: &ModelFile,
    options: &ModelAOptions,
    report: &mut ModelAReport,
    log: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let out = &mut report.text;
    let _ = writeln!(
        out,
        "== model A on STOP's own grid: radial profiles against LIME's 3-seed mean (pops_binned_3seeds.tsv)"
    );
    let profiles = read_binned(&options.model_a_dir.join("pops_binned_3seeds.tsv"))?;
    let started = Instant::now();
    let grid = build_grid(file)?;
    let _ = writeln!(
        out,
        "  STOP grid (seed {}): {:.2} s",
        file.grid.seed,
        started.elapsed().as_secs_f64()
    );
    let solved = load_or_solve(
        file,
        Mesh {
            positions_m: &grid.positions_m,
            is_sink: &grid.is_sink,
            neighbours: &grid.neighbours,
        },
        options,
        options.own_grid_populations.as_ref(),
        "modelA_own_grid_pops",
        out,
        log,
    )?;
    let interior: Vec<usize> = (0..grid.is_sink.len())
        .filter(|&i| !grid.is_sink[i])
        .collect();
    let r_m: Vec<f64> = interior
        .iter()
        .map(|&i| {
            grid.positions_m[i]
                .iter()
                .map(|c| c * c)
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let pops: Vec<f64> = interior
        .iter()
        .flat_map(|&i| {
            solved.pops[i * solved.n_levels..(i + 1) * solved.n_levels]
                .iter()
                .copied()
        })
        .collect();
    let (ours, counts) = bin_means(&r_m, &pops, solved.n_levels, &profiles);
    binned_table(out, &profiles, &ours, &counts);
    let deviations = Quantiles::of(binned_deviations(&ours, &profiles, POPULATION_FLOOR));
    let scatter = Quantiles::of(seed_scatter(&profiles, POPULATION_FLOOR));
    let _ = writeln!(
        out,
        "  (bin, level) entries with LIME mean p > 0.01, levels 0-7:"
    );
    let _ = writeln!(
        out,
        "    {:<34} {:>6} {:>10} {:>10} {:>10} {:>10}",
        "", "n", "median", "p90", "p99", "max"
    );
    quantile_row(out, "LIME seed-to-seed rel std", &scatter);
    quantile_row(out, "STOP |STOP / LIME mean - 1|", &deviations);
    let _ = writeln!(
        out,
        "    (noise.json over all 31 levels: median {BINNED_SEED_REL_STD_MEDIAN:.3e}, p90 {BINNED_SEED_REL_STD_P90:.3e})"
    );
    match options.cells {
        Cells::Lime | Cells::LimePaths => {
            for c in binned_checks(&format!("own grid, {} cells", options.cells.name()), &deviations, &scatter) {
                report.check(c.label, c.passed);
            }
        }
        Cells::Linear => {
            // the default cells differ from LIME's by construction outside ~300 au
            // (modela::cells); judged where the cells do not matter
            let (inner, ours_inner) = super::cells::inner_bins(&profiles, &ours);
            let deviations = Quantiles::of(binned_deviations(&ours_inner, &inner, POPULATION_FLOOR));
            let scatter = Quantiles::of(seed_scatter(&inner, POPULATION_FLOOR));
            let _ = writeln!(out, "  linear cells: bins inside {} au only (modela::cells):", super::cells::INNER_AU);
            quantile_row(out, "LIME seed-to-seed rel std", &scatter);
            quantile_row(out, "STOP |STOP / LIME mean - 1|", &deviations);
            let who = format!("own grid, linear cells, inside {} au", super::cells::INNER_AU);
            for c in binned_checks(&who, &deviations, &scatter) {
                report.check(c.label, c.passed);
            }
        }
    }
    Ok(())
}

/// LIME's seed-1 grid (`seed1/grid_5.fits.gz`) and populations (`seed1/pops.tsv.gz`).
///
/// # Errors
/// Missing or unreadable files, named.
pub(super) fn read_lime_seed1(options: &ModelAOptions) -> anyhow::Result<(LimeGridFile, LimePops)> {
    let grid_path = options.model_a_dir.join("seed1/grid_5.fits.gz");
    let grid =
        read_lime_grid(&grid_path).with_context(|| format!("reading {}", grid_path.display()))?;
    let seed1 = read_lime_pops(&options.model_a_dir.join("seed1/pops.tsv.gz"))?;
    Ok((grid, seed1))
}

fn lime_grid(
    file: &ModelFile,
    options: &ModelAOptions,
    report: &mut ModelAReport,
    log: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let out = &mut report.text;
    let _ = writeln!(
        out,
        "== model A on LIME's grid (seed1/grid_5.fits.gz): point by point against seed1/pops.tsv.gz"
    );
    let (grid, seed1) = read_lime_seed1(options)?;
    let solved = load_or_solve(
        file,
        Mesh {
            positions_m: &grid.positions_m,
            is_sink: &grid.is_sink,
            neighbours: &grid.neighbours,
        },
        options,
        options.lime_grid_populations.as_ref(),
        "modelA_lime_grid_pops",
        out,
        log,
    )?;
    anyhow::ensure!(
        solved.n_levels == seed1.n_levels,
        "STOP has {} levels, LIME's pops.tsv {}",
        solved.n_levels,
        seed1.n_levels
    );
    let n = solved.n_levels;
    let ours = rows_of(&solved.pops, n, &seed1, &grid.is_sink)?;
    let _ = writeln!(
        out,
        "  two-run relative std sqrt(2)|a - b|/(a + b), levels with mean p > 0.01:"
    );
    let _ = writeln!(
        out,
        "    {:<34} {:>6} {:>10} {:>10} {:>10} {:>10}",
        "", "n", "median", "p90", "p99", "max"
    );
    let _ = writeln!(
        out,
        "    {:<34} {:>6} {SAME_GRID_REL_STD_MEDIAN:>10.3e} {SAME_GRID_REL_STD_P90:>10.3e} {SAME_GRID_REL_STD_P99:>10.3e} {SAME_GRID_REL_STD_MAX:>10.3e}",
        "LIME seed1/4/5, 3 runs (README)", 28_987
    );
    let mut fixed = Vec::new();
    for run in ["fixedgrid_seed4", "fixedgrid_seed5"] {
        let other = read_lime_pops(&options.model_a_dir.join(run).join("pops.tsv.gz"))?;
        quantile_row(
            out,
            &format!("LIME {run} vs seed1"),
            &same_grid_quantiles(&other, &seed1)?,
        );
        fixed.push(other);
    }
    let q = same_grid_quantiles(&ours, &seed1)?;
    quantile_row(out, &format!("STOP ({} cells) vs LIME seed1", options.cells.name()), &q);
    signed_bias_table(out, &ours, &seed1, &fixed);
    match options.cells {
        Cells::LimePaths => {
            for c in same_grid_checks("LIME grid, lime cells on LIME's photon paths", &q) {
                report.check(c.label, c.passed);
            }
        }
        Cells::Lime => {
            let _ = writeln!(
                out,
                "  lime cells, straight paths: LIME's photons walk Delaunay edges and see the velocity at vertices and\n  \
                 edge points off their line (modela::lime_paths), which lowers LIME's J>=4 by 1-3 % at 30-1000 au; STOP's\n  \
                 straight photons see the model's velocity on their line. The median point (collision dominated) is judged\n  \
                 here, the tails like with like by `--cells lime-paths`; `--part diagnose` measures the paths' effect."
            );
            for c in same_grid_checks("LIME grid, lime cells (straight paths)", &q).into_iter().take(1) {
                report.check(c.label, c.passed);
            }
        }
        Cells::Linear => {
            let _ = writeln!(
                out,
                "  linear cells: outside 300 au LIME gives a point's density and populations to its whole Voronoi cell,\n  \
                 which there spans hundreds of au, and its J=3-4 come out over-excited; STOP's default follows the\n  \
                 model's n(r). `--cells lime` is the implementation check; here (modela::cells):"
            );
            let checks = super::cells::inner_checks(out, &ours, &seed1, &fixed)?;
            let lime_cells = match &options.lime_cells_populations {
                Some(path) => Some(stop_rows(path, &grid.positions_m, &seed1, Cells::Lime)?),
                None => None,
            };
            let outer = super::cells::outer_bias_checks(&ours, &seed1, &fixed, lime_cells.as_ref());
            for c in checks.into_iter().chain(outer) {
                report.check(c.label, c.passed);
            }
        }
    }
    Ok(())
}

/// STOP's populations `pops` (`n` levels per grid point) in the rows of LIME's seed1
/// `pops.tsv.gz`.
fn rows_of(pops: &[f64], n: usize, seed1: &LimePops, is_sink: &[bool]) -> anyhow::Result<LimePops> {
    let mut out = LimePops {
        ids: seed1.ids.clone(),
        positions_m: seed1.positions_m.clone(),
        r_m: seed1.r_m.clone(),
        n_levels: n,
        pops: Vec::with_capacity(seed1.pops.len()),
    };
    for &id in &seed1.ids {
        anyhow::ensure!(id < is_sink.len() && !is_sink[id], "seed1/pops.tsv.gz: id {id} is not an interior point of grid_5");
        out.pops.extend_from_slice(&pops[id * n..(id + 1) * n]);
    }
    Ok(out)
}

/// A STOP population file solved with `cells` on LIME's seed1 grid, in the rows of seed1.
fn stop_rows(path: &Path, positions_m: &[[f64; 3]], seed1: &LimePops, cells: Cells) -> anyhow::Result<LimePops> {
    let read = PopulationFile::read(path)?;
    anyhow::ensure!(read.matches_grid(positions_m), "{}: written for other grid points", path.display());
    let (found, _) = Cells::of_file(&read.metadata, path)?;
    anyhow::ensure!(found == cells, "{}: solved with {} cells, expected {}", path.display(), found.name(), cells.name());
    anyhow::ensure!(read.n_levels == seed1.n_levels, "{}: {} levels, LIME's {}", path.display(), read.n_levels, seed1.n_levels);
    rows_of(&read.pops, read.n_levels, seed1, &read.is_sink)
}

/// Runs the chosen comparisons. `log` receives the convergence lines as they come.
///
/// # Errors
/// Missing or unreadable model, reference or grid files; grid or solver failures.
pub fn run(options: &ModelAOptions, log: &mut dyn FnMut(&str)) -> anyhow::Result<ModelAReport> {
    let file = ModelFile::load(&options.model_path)
        .with_context(|| format!("reading {}", options.model_path.display()))?;
    let mut report = ModelAReport::default();
    if matches!(options.part, Part::OwnGrid | Part::Both) {
        own_grid(&file, options, &mut report, log)?;
    }
    if matches!(options.part, Part::LimeGrid | Part::Both) {
        lime_grid(&file, options, &mut report, log)?;
    }
    if options.part == Part::Diagnose {
        super::diagnose::outer_step(&file, options, &mut report, log)?;
    }
    Ok(report)
}
