//! The crate's error type.

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
}
