//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong in `stop-lime`; variants quote the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LimeError {
    /// A point coordinate is NaN or infinite.
    #[error("point {index} has a non-finite coordinate `{value}` on axis {axis}")]
    NonFinitePoint {
        /// Index of the point in the input.
        index: usize,
        /// Axis (0 = x, 1 = y, 2 = z).
        axis: usize,
        /// The coordinate found.
        value: f64,
    },
    /// A coordinate so large that the exact predicates could overflow.
    #[error("point {index} has coordinate `{value}` beyond the supported magnitude {limit:e}")]
    CoordinateTooLarge {
        /// Index of the point in the input.
        index: usize,
        /// The coordinate found.
        value: f64,
        /// The largest supported magnitude.
        limit: f64,
    },
    /// More points than the triangulation's 32-bit indices can address.
    #[error("{n_points} points exceed the supported maximum of {limit}")]
    TooManyPoints {
        /// Number of points given.
        n_points: usize,
        /// The maximum.
        limit: usize,
    },
    /// Fewer than four distinct points: no tetrahedron exists.
    #[error("a 3-D triangulation needs at least 4 distinct points, got {n_distinct}")]
    TooFewPoints {
        /// Number of distinct points.
        n_distinct: usize,
    },
    /// All points lie on one line or one plane.
    #[error("all {n_distinct} distinct points are {shape}: no tetrahedron exists")]
    Degenerate {
        /// Number of distinct points.
        n_distinct: usize,
        /// `"collinear"` or `"coplanar"`.
        shape: &'static str,
    },
    /// A parameter outside its valid range.
    #[error("parameter `{field}` = `{value}` must be {expected}")]
    InvalidParameter {
        /// Field name in the parameter struct.
        field: &'static str,
        /// The value found.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// The grid-point density has no positive value where LIME looks for its maximum.
    #[error("no positive density at the centre, at (r_min, r_min, r_min) or at {n_probes} random positions")]
    NoDensityMaximum {
        /// Random positions tried.
        n_probes: u64,
    },
    /// Rejection sampling found no accepted position for a point.
    #[error("point {point} still rejected after {proposals} proposals")]
    SamplingStalled {
        /// Index of the point being sampled.
        point: usize,
        /// Proposals tried.
        proposals: usize,
    },
    /// The kd-tree could not be built.
    #[error("kd-tree over {n_points} points failed: {reason}")]
    KdTree {
        /// Number of points.
        n_points: usize,
        /// kiddo's explanation.
        reason: String,
    },
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A FITS file ends inside a header or data block.
    #[error("`{path}` is truncated at byte {offset}")]
    FitsTruncated {
        /// The file.
        path: PathBuf,
        /// Byte offset (in the decompressed stream) where data ran out.
        offset: usize,
    },
    /// A FITS keyword is missing or has an unusable value.
    #[error("`{path}`: keyword `{keyword}` is `{found}`, expected {expected}")]
    FitsKeyword {
        /// The file.
        path: PathBuf,
        /// The keyword.
        keyword: String,
        /// The value found (`nothing` when absent).
        found: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A FITS extension is missing.
    #[error("`{path}` has no extension `{extname}`")]
    FitsMissingHdu {
        /// The file.
        path: PathBuf,
        /// The `EXTNAME` looked for.
        extname: String,
    },
    /// A binary-table column is missing.
    #[error("`{path}`: table `{extname}` has no column `{column}`")]
    FitsMissingColumn {
        /// The file.
        path: PathBuf,
        /// The table's `EXTNAME`.
        extname: String,
        /// The column looked for.
        column: String,
    },
    /// A binary-table cell holds an unusable value.
    #[error("`{path}`: table `{extname}` column `{column}` row {row} is `{value}`, expected {expected}")]
    FitsValue {
        /// The file.
        path: PathBuf,
        /// The table's `EXTNAME`.
        extname: String,
        /// The column.
        column: String,
        /// 0-based row.
        row: usize,
        /// The value found.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A LIME grid file whose tables contradict each other.
    #[error("`{path}`: LIME grid point {point}: {problem}")]
    LimeGridInconsistent {
        /// The file.
        path: PathBuf,
        /// The grid point concerned.
        point: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// Two inputs that must have one entry per point differ in length.
    #[error("`{what}` has {found} entries, expected {expected} (one per point)")]
    LengthMismatch {
        /// The shorter or longer input.
        what: &'static str,
        /// Number of points.
        expected: usize,
        /// Entries found.
        found: usize,
    },
}
