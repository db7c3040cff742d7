//! Model A image cubes (`../shared/reference/lime/README.md`): STOP's ray tracer against
//! LIME 1.9.5's cubes, in three parts:
//! 1. LIME's own grid and populations (`seed1/grid_5.fits.gz`): the ray tracer alone;
//! 2. STOP's populations solved on LIME's grid (`stop-validate lime-modela`'s
//!    `modelA_lime_grid_pops_<cells>.tsv`): with LIME's cells on LIME's photon paths
//!    (`lime-paths`), STOP's local solution and ray tracer judged by LIME's same-grid noise;
//!    with LIME's cells on STOP's straight paths (`lime`) printed, as they differ from LIME by
//!    LIME's paths ([`crate::modela::lime_paths`]); with the default cells, judged after
//!    LIME's populations replace STOP's beyond 300 au, where the cells differ by construction;
//! 3. STOP's populations on STOP's own grid (`stop lime validation/models/lime_modelA.toml`
//!    or `modelA_own_grid_pops_<cells>.tsv`): everything STOP, judged by LIME's
//!    grid-to-grid noise, the per-pixel part split into the grid's and the populations'
//!    ([`geometry`]).
//!
//! Each code's figures are printed side by side, with LIME's own scatter (same grid: the
//! fixedgrid runs; different grids: seeds 2, 3) as the yardstick. A population file records
//! its cells (`# cells = linear|lime|lime-paths`).

pub mod cli;
pub mod compare;
pub mod geometry;
pub mod lime_inputs;
pub mod report;

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use stop_lime::grid::build::Grid;
use stop_lime::pops::io::PopulationFile;
use stop_lime::solve::model_run::file_setup;
use stop_lime::solve::setup::Mesh;
use stop_model::ModelFile;
use stop_model::file::ImageUnit;
use stop_raytrace::fits::{SkyPlacement, write_cube};
use stop_physics::constants::AU_CM;
use stop_raytrace::{RaytraceParams, TraceGrid, render_all};

use crate::modela::Cells;

pub use report::{ImagesReport, PopulationSource};

/// What to compare.
#[derive(Debug, Clone)]
pub struct ImagesOptions {
    /// `../shared/reference` (holding `lime/modelA`).
    pub reference_dir: PathBuf,
    /// STOP's model file of model A (`validation/models/lime_modelA.toml`).
    pub model_path: PathBuf,
    /// STOP's populations of model A on STOP's own grid (`stop lime` output), any number;
    /// none skips that part and says so in the report (a failed check).
    pub populations: Vec<PathBuf>,
    /// STOP's populations of model A solved on LIME's seed1 grid (`stop-validate lime-modela
    /// --populations-dir`), any number; none skips that part and says so (a failed check).
    pub lime_grid_populations: Vec<PathBuf>,
    /// Ray-tracer settings.
    pub params: RaytraceParams,
    /// Where to write STOP's cubes (K), if anywhere.
    pub write_cubes: Option<PathBuf>,
}

/// STOP's model file of model A, `validation/models/lime_modelA.toml`.
#[must_use]
pub fn default_model_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models/lime_modelA.toml"))
}

/// Cubes of every image of the model, traced through one grid, each with the wall time of
/// tracing them all (images sharing their rays are traced together).
fn trace_all(
    file: &ModelFile,
    positions_m: &[[f64; 3]],
    is_sink: &[bool],
    neighbours: &stop_lime::grid::delaunay::Neighbours,
    pops: &[f64],
    params: &RaytraceParams,
) -> anyhow::Result<Vec<(stop_raytrace::ImageCube, f64)>> {
    let molecule = file.molecule.read().context("reading the molecular data")?;
    let mesh = Mesh { positions_m, is_sink, neighbours };
    let setup = file_setup(file, mesh, &molecule)?;
    let grid = TraceGrid::new(&setup, &molecule, pops)?;
    let clock = Instant::now();
    let cubes = render_all(&grid, &file.images, params)?;
    let seconds = clock.elapsed().as_secs_f64();
    Ok(cubes.into_iter().map(|cube| (cube, seconds)).collect())
}

/// Runs both parts and builds the report.
///
/// # Errors
/// Missing or unreadable reference files, model or population files (a missing reference is
/// an error, never a pass).
pub fn run(options: &ImagesOptions) -> anyhow::Result<ImagesReport> {
    let model_a = options.reference_dir.join("lime/modelA");
    let file = ModelFile::load(&options.model_path).with_context(|| format!("reading {}", options.model_path.display()))?;
    let mut report = ImagesReport::new(&model_a, &options.params);

    let lime = lime_inputs::read_lime_solved_grid(&model_a.join("seed1/grid_5.fits.gz"))?;
    let cubes = trace_all(&file, &lime.grid.positions_m, &lime.grid.is_sink, &lime.grid.neighbours, &lime.pops, &options.params)?;
    for (cube, seconds) in &cubes {
        report.compare(cube, *seconds, PopulationSource::LimeGrid)?;
        save(options, cube, "lime_grid")?;
    }

    if options.lime_grid_populations.is_empty() {
        report.note_missing_populations("on LIME's grid", "--lime-grid-populations");
    }
    for path in &options.lime_grid_populations {
        let stop = PopulationFile::read(path).with_context(|| format!("reading {}", path.display()))?;
        anyhow::ensure!(stop.matches_grid(&lime.grid.positions_m), "{}: not written for the points of LIME's seed1 grid_5.fits.gz", path.display());
        anyhow::ensure!(stop.n_levels == lime.n_levels, "{}: {} levels, LIME's grid {}", path.display(), stop.n_levels, lime.n_levels);
        let cells = file_cells(path, &stop, &mut report)?;
        let cubes = trace_all(&file, &lime.grid.positions_m, &lime.grid.is_sink, &lime.grid.neighbours, &stop.pops, &options.params)?;
        for (cube, seconds) in &cubes {
            report.compare(cube, *seconds, PopulationSource::StopOnLimeGrid(path.clone(), cells))?;
            save(options, cube, &format!("stop_pops_{}_lime_grid", cells.name()))?;
        }
        if cells == Cells::Linear {
            let hybrid = hybrid_pops(&stop.pops, &lime, report::HYBRID_OUTER_AU);
            let cubes = trace_all(&file, &lime.grid.positions_m, &lime.grid.is_sink, &lime.grid.neighbours, &hybrid, &options.params)?;
            for (cube, seconds) in &cubes {
                report.compare(cube, *seconds, PopulationSource::HybridOnLimeGrid(path.clone()))?;
            }
        }
    }

    if options.populations.is_empty() {
        report.note_missing_populations("on STOP's own grid", "--populations");
    }
    let lime_grids = geometry::LimeGrids::new(&file, &model_a, &lime, &options.params)?;
    for path in &options.populations {
        let stop = PopulationFile::read(path).with_context(|| format!("reading {}", path.display()))?;
        let cells = file_cells(path, &stop, &mut report)?;
        let grid = geometry::GridPoints::from(Grid::from_points(stop.positions_m.clone(), stop.is_sink.clone())?);
        let cubes = trace_all(&file, &grid.positions_m, &grid.is_sink, &grid.neighbours, &stop.pops, &options.params)?;
        for (cube, seconds) in &cubes {
            report.compare(cube, *seconds, PopulationSource::StopOwnGrid(path.clone(), cells))?;
            save(options, cube, &format!("stop_pops_{}", cells.name()))?;
        }
        geometry::population_part(&file, &lime_grids, &grid, &stop.pops, cells, &options.params, &mut report)?;
    }
    geometry::geometry_checks(&file, &lime_grids, &options.params, &mut report)?;
    Ok(report)
}

/// The cells a population file was solved with; a file from before the modes gets a note.
fn file_cells(path: &Path, stop: &PopulationFile, report: &mut ImagesReport) -> anyhow::Result<Cells> {
    let (cells, note) = Cells::of_file(&stop.metadata, path)?;
    if let Some(note) = note {
        report.text.push_str(&format!("\n{note}\n"));
    }
    Ok(cells)
}

/// STOP's populations on LIME's seed1 grid with every point at or beyond `outer_au` given
/// LIME's seed1 populations.
fn hybrid_pops(stop: &[f64], lime: &lime_inputs::LimeSolvedGrid, outer_au: f64) -> Vec<f64> {
    let n = lime.n_levels;
    let outer_m = outer_au * AU_CM * 1e-2;
    let mut pops = stop.to_vec();
    for (i, p) in lime.grid.positions_m.iter().enumerate() {
        if p.iter().map(|c| c * c).sum::<f64>().sqrt() >= outer_m {
            pops[i * n..(i + 1) * n].copy_from_slice(&lime.pops[i * n..(i + 1) * n]);
        }
    }
    pops
}

/// Writes a cube in K to `<dir>/<stem>_<label>_Kelvin.fits` when asked to.
fn save(options: &ImagesOptions, cube: &stop_raytrace::ImageCube, label: &str) -> anyhow::Result<()> {
    if let Some(dir) = &options.write_cubes {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(format!("{}_{label}_Kelvin.fits", cube.file_stem));
        write_cube(&path, cube, ImageUnit::Kelvin, &SkyPlacement::default()).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The reference cube of a run directory, image stem and unit suffix.
fn reference_path(model_a: &Path, run: &str, stem: &str, suffix: &str) -> PathBuf {
    model_a.join(run).join(format!("{stem}_{suffix}.fits.gz"))
}
