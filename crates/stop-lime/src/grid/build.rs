//! The whole grid stage: sample, smooth, triangulate, list neighbours, index; and the
//! adaptive second pass that adds points where a solution changes most between neighbours.
//!
//! Adaptive refinement: LIME places points by density alone (`lime-algorithm.md` §2.1), so a
//! grid is finest where the gas is densest, which in a centrally concentrated model is the
//! thermalised core where the populations hardly change. The populations, and with them the
//! error of a reconstruction inside a cell, change most where the excitation leaves
//! equilibrium. After a solve on a coarse grid, [`Grid::refinement`] ranks the Delaunay
//! edges between interior points by the largest change of a level's fractional population
//! along them and returns the midpoints of the highest-ranked ones; the caller
//! re-triangulates with them ([`Grid::from_points`]), starts the new points from the mean of
//! their edge's two ends ([`Refinement::populations`]) and continues the solve. The indicator
//! is the undivided difference of the solution along an edge (a jump indicator), which needs
//! no error model of the solver and no tuning beyond how many points to add.

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

/// Settings of [`Grid::refinement`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefineParams {
    /// Most points added (the midpoints of this many edges at most).
    pub max_new_points: usize,
    /// Edges whose largest change of a fractional population is below this are never split.
    pub min_jump: f64,
}

/// New points of an adaptive pass: the midpoints of the split edges and the edges' ends.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Refinement {
    /// Positions of the new points, m.
    pub points_m: Vec<[f64; 3]>,
    /// The coarse grid's points at the two ends of each new point's edge.
    pub ends: Vec<(usize, usize)>,
}

impl Grid {
    /// The Delaunay edges between interior points along which the populations `pops`
    /// (`[point * n_levels + level]`) change most, as the largest absolute change of a
    /// level's fractional population, at most `params.max_new_points` of them, each above
    /// `params.min_jump`, of those whose midpoint `keep` accepts (e.g. inside the model's
    /// shell), with their midpoints. Ties are broken by the edges' point indices, so the
    /// result is deterministic.
    #[must_use]
    pub fn refinement(&self, pops: &[f64], n_levels: usize, params: &RefineParams, keep: impl Fn([f64; 3]) -> bool) -> Refinement {
        let mut edges: Vec<(f64, usize, usize)> = Vec::new();
        for i in (0..self.positions_m.len()).filter(|&i| !self.is_sink[i]) {
            for j in self.neighbours.of(i).iter().map(|&j| j as usize).filter(|&j| j > i && !self.is_sink[j]) {
                let jump = (0..n_levels).map(|l| (pops[i * n_levels + l] - pops[j * n_levels + l]).abs()).fold(0.0, f64::max);
                if jump >= params.min_jump {
                    edges.push((jump, i, j));
                }
            }
        }
        edges.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut out = Refinement::default();
        for &(_, i, j) in &edges {
            if out.ends.len() == params.max_new_points {
                break;
            }
            let x: [f64; 3] = std::array::from_fn(|k| 0.5 * (self.positions_m[i][k] + self.positions_m[j][k]));
            if keep(x) {
                out.points_m.push(x);
                out.ends.push((i, j));
            }
        }
        out
    }
}

impl Refinement {
    /// Populations on the refined grid, whose points are the coarse grid's, in order,
    /// followed by [`Refinement::points_m`]: the old points keep `coarse_pops`, each new
    /// point starts from the mean of its edge's two ends, and points the refined grid made
    /// sinks (`refined_is_sink`) get zeros.
    #[must_use]
    pub fn populations(&self, coarse_pops: &[f64], n_levels: usize, refined_is_sink: &[bool]) -> Vec<f64> {
        let mut pops = coarse_pops.to_vec();
        for &(i, j) in &self.ends {
            pops.extend((0..n_levels).map(|l| 0.5 * (coarse_pops[i * n_levels + l] + coarse_pops[j * n_levels + l])));
        }
        for (block, _) in pops.chunks_mut(n_levels).zip(refined_is_sink).filter(|(_, s)| **s) {
            block.fill(0.0);
        }
        pops
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

    #[test]
    fn refinement_splits_the_edges_across_a_jump_and_starts_from_their_means() {
        let sp = SamplingParams { radius_m: 1.0, min_scale_m: 1e-2, n_interior: 300, n_sink: 100, seed: 3, ..Default::default() };
        let grid = Grid::build(&|_: f64, _: f64, _: f64| 1.0, &sp, &SmoothingParams::default()).expect("grid builds");
        // two levels: the upper one 0.6 for x < 0, 0.1 beyond (a step across the plane x = 0)
        let upper = |p: &[f64; 3]| if p[0] < 0.0 { 0.6 } else { 0.1 };
        let pops: Vec<f64> = grid.positions_m.iter().zip(&grid.is_sink).flat_map(|(p, &s)| if s { [0.0, 0.0] } else { [1.0 - upper(p), upper(p)] }).collect();
        let crossing = (0..grid.positions_m.len())
            .filter(|&i| !grid.is_sink[i])
            .flat_map(|i| grid.neighbours.of(i).iter().map(move |&j| (i, j as usize)))
            .filter(|&(i, j)| j > i && !grid.is_sink[j] && (grid.positions_m[i][0] < 0.0) != (grid.positions_m[j][0] < 0.0))
            .count();
        let params = RefineParams { max_new_points: 10_000, min_jump: 0.1 };
        let refinement = grid.refinement(&pops, 2, &params, |_| true);
        // every edge across the step, and only those, is split at its midpoint
        assert_eq!(refinement.points_m.len(), crossing);
        for (x, &(i, j)) in refinement.points_m.iter().zip(&refinement.ends) {
            assert!((grid.positions_m[i][0] < 0.0) != (grid.positions_m[j][0] < 0.0));
            assert!((0..3).all(|k| (x[k] - 0.5 * (grid.positions_m[i][k] + grid.positions_m[j][k])).abs() < 1e-15));
        }
        // a cap keeps the first edges of the ranking; a filter drops points
        let capped = grid.refinement(&pops, 2, &RefineParams { max_new_points: 5, ..params }, |_| true);
        assert_eq!(capped.ends[..], refinement.ends[..5]);
        assert!(grid.refinement(&pops, 2, &params, |x| x[1] > 0.0).points_m.iter().all(|x| x[1] > 0.0));
        // new points start halfway, old points keep their values, sums stay 1
        let n_old = grid.positions_m.len();
        let is_sink: Vec<bool> = grid.is_sink.iter().copied().chain(std::iter::repeat_n(false, crossing)).collect();
        let refined = refinement.populations(&pops, 2, &is_sink);
        assert_eq!(refined[..2 * n_old], pops[..]);
        assert!(refined[2 * n_old..].chunks(2).all(|p| (p[1] - 0.35).abs() < 1e-15 && (p[0] + p[1] - 1.0).abs() < 1e-15));
    }
}
