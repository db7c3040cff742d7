//! From a model file to populations: build the grid, read the molecule and dust, set up
//! and solve. Used by `stop lime` and the validation runner.

use crate::grid::build::Grid;
use crate::grid::sampling::SamplingParams;
use crate::grid::smoothing::SmoothingParams;
use crate::solve::error::SolveError;
use crate::transport::dust::DustOpacity;
use stop_model::file::Sampling;
use stop_model::{ModelFile, PhysicalModel, Position};

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
