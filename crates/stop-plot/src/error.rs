//! Errors of `stop-plot`.

use thiserror::Error;

/// Plotting errors; each names the output file.
#[derive(Debug, Error)]
pub enum PlotError {
    /// The extension is neither `png` nor `svg`.
    #[error("{path}: unknown plot format `{extension}` (use .png or .svg)")]
    UnknownFormat {
        /// Output path.
        path: String,
        /// Extension found (empty if none).
        extension: String,
    },
    /// Nothing finite to draw.
    #[error("{path}: no finite data point to plot")]
    NoData {
        /// Output path.
        path: String,
    },
    /// A series whose x, y and error columns differ in length.
    #[error("{path}: series `{series}` has {n_x} x values, {n_y} y values and {n_err} errors")]
    Shape {
        /// Output path.
        path: String,
        /// Series label.
        series: String,
        /// Number of x values.
        n_x: usize,
        /// Number of y values.
        n_y: usize,
        /// Number of y errors (equal to `n_y` when given).
        n_err: usize,
    },
    /// A map whose values do not fill its `n_x × n_y` cells.
    #[error("{path}: map of {n_x} × {n_y} cells has {n_values} values")]
    MapShape {
        /// Output path.
        path: String,
        /// Number of values given.
        n_values: usize,
        /// Cells along x.
        n_x: usize,
        /// Cells along y.
        n_y: usize,
    },
    /// The drawing backend failed (file not writable, encoder error…).
    #[error("{path}: drawing failed: {reason}")]
    Backend {
        /// Output path.
        path: String,
        /// The backend's message.
        reason: String,
    },
}
