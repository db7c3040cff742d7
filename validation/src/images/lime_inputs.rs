//! LIME's own inputs and outputs for model A: the grid with populations of the seed1 run
//! (`grid_5.fits.gz`) and the reference cubes.

use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use stop_io::read_fits_image;
use stop_lime::grid::lime_grid_file::{LimeGridFile, read_lime_grid};

/// LIME's grid of one run with its level populations (`[point * n_levels + level]`).
#[derive(Debug)]
pub struct LimeSolvedGrid {
    /// Points, sink flags and Delaunay neighbours.
    pub grid: LimeGridFile,
    /// Levels per point.
    pub n_levels: usize,
    /// Populations (zero at sinks).
    pub pops: Vec<f64>,
}

/// Reads `grid_5.fits.gz`: the geometry through stop-lime's reader, the populations from the
/// `LEVEL_POPS_1` image (`n_levels × n_points`, float32; the first image HDU with data).
///
/// # Errors
/// Unreadable files, or a population image whose shape does not match the grid.
pub fn read_lime_solved_grid(path: &Path) -> anyhow::Result<LimeSolvedGrid> {
    let grid = read_lime_grid(path).with_context(|| format!("reading {}", path.display()))?;
    let image = read_fits_image(path).with_context(|| format!("reading LEVEL_POPS_1 of {}", path.display()))?;
    let n_points = grid.positions_m.len();
    let [n_levels, rows] = image.shape[..] else {
        bail!("{}: LEVEL_POPS_1 has shape {:?}, expected (levels, points)", path.display(), image.shape);
    };
    if rows != n_points {
        bail!("{}: LEVEL_POPS_1 has {rows} rows for {n_points} grid points", path.display());
    }
    Ok(LimeSolvedGrid { grid, n_levels, pops: image.data.to_f64() })
}

/// A reference cube: `[(c · n + j) · n + i]` and its pixel count per side.
#[derive(Debug, Clone)]
pub struct ReferenceCube {
    /// The file.
    pub path: PathBuf,
    /// Pixels per side.
    pub n_pixels: usize,
    /// Channels.
    pub n_channels: usize,
    /// Values (the STOKES axis of length 1 dropped).
    pub values: Vec<f64>,
}

/// Reads one of LIME's cubes (`NAXIS = 4`, STOKES of length 1). LIME writes |v| < 1e-30 as
/// 1e-30 (`../shared/reference/lime/README.md`); those are set back to 0.
///
/// # Errors
/// Unreadable files or a shape other than (n, n, channels, 1).
pub fn read_reference_cube(path: &Path) -> anyhow::Result<ReferenceCube> {
    let image = read_fits_image(path).with_context(|| format!("reading {}", path.display()))?;
    let (n_pixels, n_channels) = match image.shape[..] {
        [nx, ny, nc, 1] | [nx, ny, nc] if nx == ny => (nx, nc),
        _ => bail!("{}: shape {:?}, expected (n, n, channels, 1)", path.display(), image.shape),
    };
    let values = image.data.to_f64().into_iter().map(|v| if v.abs() <= 1e-30 { 0.0 } else { v }).collect();
    Ok(ReferenceCube { path: path.to_path_buf(), n_pixels, n_channels, values })
}
