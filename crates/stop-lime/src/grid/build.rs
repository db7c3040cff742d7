//! The whole grid stage: sample, smooth, triangulate, list neighbours, index.

use crate::LimeError;
use crate::grid::delaunay::{Delaunay, Neighbours};
use crate::grid::locate::PointLocator;
use crate::grid::sampling::{DensityField, SamplingParams, sample_points};
use crate::grid::smoothing::{SmoothingParams, smooth};

/// A finished grid: positions, which points are sinks, the triangulation, neighbour
/// lists and a nearest-point locator.
#[derive(Debug)]
pub struct Grid {
    /// Positions (m): the sampled interior points, then the sinks.
    pub positions_m: Vec<[f64; 3]>,
    /// Whether each point is a boundary (sink) point: the sampled sinks, plus interior
    /// points that ended up on the convex hull (LIME re-labels those too, §2.4).
    pub is_sink: Vec<bool>,
    /// The Delaunay triangulation of all points.
    pub delaunay: Delaunay,
    /// Delaunay neighbours of every point.
    pub neighbours: Neighbours,
    /// Nearest-point lookup.
    pub locator: PointLocator,
}

impl Grid {
    /// Builds a grid the way LIME does by default: rejection sampling, smoothing sweeps,
    /// a final triangulation.
    ///
    /// ```
    /// use stop_lime::grid::build::Grid;
    /// use stop_lime::grid::sampling::SamplingParams;
    /// use stop_lime::grid::smoothing::SmoothingParams;
    /// let sp = SamplingParams { radius_m: 1.0, min_scale_m: 1e-3, n_interior: 400, n_sink: 100, ..Default::default() };
    /// let rho = |x: f64, y: f64, z: f64| (x * x + y * y + z * z).sqrt().max(1e-3).powf(-1.5);
    /// let grid = Grid::build(&rho, &sp, &SmoothingParams::default())?;
    /// assert_eq!(grid.positions_m.len(), 500);
    /// assert!(grid.is_sink[400..].iter().all(|&s| s));
    /// assert_eq!(grid.locator.nearest(grid.positions_m[17]).0, 17);
    /// # Ok::<(), stop_lime::LimeError>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`sample_points`], [`smooth`], [`Delaunay::new`] and [`PointLocator::new`].
    pub fn build(
        density: &impl DensityField,
        sampling: &SamplingParams,
        smoothing: &SmoothingParams,
    ) -> Result<Grid, LimeError> {
        let mut points = sample_points(density, sampling)?;
        smooth(&mut points, sampling, smoothing)?;
        let is_sink = (0..points.positions_m.len()).map(|i| points.is_sink(i)).collect();
        Grid::from_points(points.positions_m, is_sink)
    }

    /// A grid on given points, e.g. LIME's own (from
    /// [`crate::grid::lime_grid_file::read_lime_grid`]): triangulates them, lists
    /// neighbours, indexes them, and marks interior points on the convex hull as sinks.
    ///
    /// ```
    /// use stop_lime::grid::build::Grid;
    /// let pts = vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.2, 0.2]];
    /// let grid = Grid::from_points(pts, vec![false, true, true, true, false])?;
    /// assert_eq!(grid.is_sink, vec![true, true, true, true, false]); // point 0 is a hull vertex
    /// # Ok::<(), stop_lime::LimeError>(())
    /// ```
    ///
    /// # Errors
    /// [`LimeError::LengthMismatch`] when `is_sink` and `positions_m` differ in length;
    /// those of [`Delaunay::new`] and [`PointLocator::new`].
    pub fn from_points(positions_m: Vec<[f64; 3]>, is_sink: Vec<bool>) -> Result<Grid, LimeError> {
        if is_sink.len() != positions_m.len() {
            return Err(LimeError::LengthMismatch {
                what: "is_sink",
                expected: positions_m.len(),
                found: is_sink.len(),
            });
        }
        let delaunay = Delaunay::new(&positions_m)?;
        let on_hull = delaunay.on_hull();
        let is_sink = is_sink.iter().zip(on_hull).map(|(&s, h)| s || h).collect();
        let neighbours = delaunay.vertex_neighbours();
        let locator = PointLocator::new(&positions_m)?;
        Ok(Grid { positions_m, is_sink, delaunay, neighbours, locator })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_grid_on_one_and_two_threads() {
        let sp = SamplingParams { radius_m: 1.0, min_scale_m: 1e-3, n_interior: 600, n_sink: 150, seed: 11, ..Default::default() };
        let rho = |x: f64, y: f64, z: f64| (x * x + y * y + z * z).sqrt().max(1e-3).powf(-1.5);
        let build = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            pool.install(|| Grid::build(&rho, &sp, &SmoothingParams::default())).expect("grid builds")
        };
        let (one, two) = (build(1), build(2));
        assert_eq!(one.positions_m, two.positions_m);
        assert_eq!(one.is_sink, two.is_sink);
        assert_eq!(one.neighbours, two.neighbours);
        assert_eq!(one.delaunay.tetrahedra(), two.delaunay.tetrahedra());
    }
}
