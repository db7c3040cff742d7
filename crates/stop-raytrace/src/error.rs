//! Errors of the ray tracer.

use std::path::PathBuf;

/// Why an image could not be made or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RaytraceError {
    /// The population array does not fit the grid.
    #[error("populations: {found} values for {n_points} points × {n_levels} levels")]
    PopulationShape {
        /// Points of the grid.
        n_points: usize,
        /// Levels of the molecule.
        n_levels: usize,
        /// Values given.
        found: usize,
    },
    /// An image names a transition the molecule does not have.
    #[error("image `{image}`: transition `{transition}` out of range (the molecule has {n_lines} lines)")]
    NoSuchTransition {
        /// The image's file stem.
        image: String,
        /// The 0-based transition asked for.
        transition: usize,
        /// Lines of the molecule.
        n_lines: usize,
    },
    /// A setting outside its range.
    #[error("{what} = `{value}`: expected {expected}")]
    BadParameter {
        /// The setting.
        what: &'static str,
        /// The value found.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A ray did not reach the far side of the model within the step limit (a broken mesh).
    #[error("ray at ({x_m:e}, {y_m:e}) m stuck in cell {cell} after {steps} steps")]
    RayStuck {
        /// Observer-frame x of the ray, m.
        x_m: f64,
        /// Observer-frame y of the ray, m.
        y_m: f64,
        /// The cell it was in.
        cell: usize,
        /// Steps taken.
        steps: usize,
    },
    /// The grid could not be indexed.
    #[error(transparent)]
    Grid(#[from] stop_lime::LimeError),
    /// Writing a FITS file failed.
    #[error(transparent)]
    Io(#[from] stop_io::IoError),
    /// Writing a plot failed.
    #[error("{path}: {message}")]
    Plot {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
