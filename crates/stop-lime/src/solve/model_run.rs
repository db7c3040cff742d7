//! From a model file to populations: build the grid, read the molecule and dust, set up
//! and solve. Used by `stop lime`, the `lime` job, the validation runners and the benches.

use crate::grid::build::Grid;
use crate::grid::sampling::SamplingParams;
use crate::grid::smoothing::SmoothingParams;
use crate::pops::io::PopulationFile;
use crate::solve::error::SolveError;
use crate::solve::iterate::SolveOutcome;
use crate::solve::params::SolveParams;
use crate::solve::setup::{DustInput, Mesh, SolverSetup};
use crate::transport::dust::DustOpacity;
use crate::transport::photons::WingPhotons;
use stop_model::file::Sampling;
use stop_model::{ModelFile, PhysicalModel, Position};
use stop_molecule::Molecule;

/// Why a model file could not be turned into a grid and a solver set-up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelRunError {
    /// The grid could not be built.
    #[error("building the grid: {0}")]
    Grid(#[from] crate::LimeError),
    /// The molecular data could not be read.
    #[error("reading the molecule: {0}")]
    Molecule(#[from] stop_molecule::MoleculeError),
    /// The solver rejected the set-up.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// A grid sampling mode the sampler does not offer.
    #[error("grid sampling `{0:?}` is not available; use `log_radius`")]
    UnsupportedSampling(Sampling),
}

/// The sampling settings of a model file: LIME's log-radius proposal with the model's own
/// grid-point density (already raised to LIME's power, so the sampler's exponent is 1).
///
/// # Errors
/// [`ModelRunError::UnsupportedSampling`] for a sampling mode other than `log_radius`.
pub fn sampling_params(file: &ModelFile) -> Result<SamplingParams, ModelRunError> {
    if file.grid.sampling != Sampling::LogRadius {
        return Err(ModelRunError::UnsupportedSampling(file.grid.sampling));
    }
    Ok(SamplingParams {
        radius_m: file.model.bounds().outer_radius_m,
        min_scale_m: file.grid.min_scale_m,
        n_interior: file.grid.n_points,
        n_sink: file.grid.n_sink_points,
        density_power: 1.0,
        seed: file.grid.seed,
        ..SamplingParams::default()
    })
}

/// Builds the grid of a model file (sampling, smoothing sweeps, Delaunay, neighbours).
///
/// # Errors
/// As [`sampling_params`] and [`Grid::build`].
pub fn build_grid(file: &ModelFile) -> Result<Grid, ModelRunError> {
    let model = &file.model;
    let density = |x: f64, y: f64, z: f64| model.grid_density(&Position::new(x, y, z));
    let smoothing = SmoothingParams { sweeps: file.grid.smoothing_iterations, ..SmoothingParams::default() };
    Ok(Grid::build(&density, &sampling_params(file)?, &smoothing)?)
}

/// The dust opacity table of a model file, if it has one.
///
/// # Errors
/// [`SolveError`] for an unreadable or malformed table.
pub fn read_dust(file: &ModelFile) -> Result<Option<(DustOpacity, f64)>, SolveError> {
    file.dust.as_ref().map(|d| Ok((DustOpacity::read(&d.opacity_file)?, d.gas_to_dust))).transpose()
}

/// The solver set-up of a model file's model on `mesh`: `molecule` (the file's molecular data),
/// the file's T_CMB, its dust table (read here, [`read_dust`]) and its wing photons
/// (`[solver] wing_photon_fraction`, `wing_width`).
///
/// # Errors
/// As [`read_dust`] and [`SolverSetup::new`].
pub fn file_setup<'a>(file: &'a ModelFile, mesh: Mesh<'a>, molecule: &Molecule) -> Result<SolverSetup<'a>, SolveError> {
    let dust = read_dust(file)?;
    let dust_input = dust.as_ref().map(|(opacity, gas_to_dust)| DustInput { opacity, gas_to_dust: *gas_to_dust });
    let mut setup = SolverSetup::new(mesh, &file.model, molecule, file.solver.tcmb_k, dust_input.as_ref())?;
    setup.wing_photons = WingPhotons { fraction: file.solver.wing_photon_fraction, width: file.solver.wing_width };
    Ok(setup)
}

/// The population file of a finished solve of a model file on `grid`, with the metadata
/// `stop lime` and the `lime` job write: `model` (how the model was named), the molecule, the
/// grid size and seeds, photons per point (and those of a first stage, when there was one),
/// the cells (`[solver] cells`), T_CMB, the iterations run, the status and the last p90
/// relative change; after an averaging stage also the iterations averaged and the median and
/// p90 relative standard error of the populations (`averaged_iterations`,
/// `mc_rel_error_median`, `mc_rel_error_p90`; the per-population errors stay in
/// [`crate::solve::iterate::SolveOutcome::standard_error`]).
#[must_use]
pub fn population_file(model: &str, file: &ModelFile, molecule_name: &str, grid: &Grid, params: &SolveParams, outcome: SolveOutcome) -> PopulationFile {
    let n_interior = grid.is_sink.iter().filter(|s| !**s).count();
    let n_levels = outcome.pops.len() / grid.positions_m.len().max(1);
    let last = outcome.history.last();
    let first_stage = params.first_stage_rays_per_point.map(|n| ("first_stage_rays_per_point", n.to_string()));
    let averaged = outcome.averaging.map(|a| {
        [("averaged_iterations", a.samples.to_string()), ("mc_rel_error_median", format!("{:e}", a.median_rel_error)), ("mc_rel_error_p90", format!("{:e}", a.p90_rel_error))]
    });
    let metadata = [
        ("model", model.to_owned()),
        ("molecule", molecule_name.to_owned()),
        ("n_interior", n_interior.to_string()),
        ("grid_seed", file.grid.seed.to_string()),
        ("solver_seed", params.seed.to_string()),
        ("rays_per_point", params.rays_per_point.to_string()),
        ("cells", params.cells.scheme().name().to_owned()),
        ("tcmb_k", file.solver.tcmb_k.to_string()),
        ("iterations", outcome.history.len().to_string()),
        ("status", format!("{:?}", outcome.status)),
        ("last_p90_rel_change", last.map_or_else(String::new, |s| format!("{:e}", s.p90_rel_change))),
    ];
    PopulationFile {
        metadata: metadata.into_iter().chain(first_stage).chain(averaged.into_iter().flatten()).map(|(k, v)| (k.to_owned(), v)).collect(),
        positions_m: grid.positions_m.clone(),
        is_sink: grid.is_sink.clone(),
        n_levels,
        pops: outcome.pops,
    }
}
