//! Nearest-grid-point location with a kd-tree (`kiddo` `ImmutableKdTree`; LIME 1.9.5
//! searches all points linearly).
//!
//! The nearest grid point of a position is the owner of the Voronoi cell containing it,
//! which is what a ray tracer or a gridded-input interpolator needs.

use crate::LimeError;
use kiddo::{ImmutableKdTree, SquaredEuclidean};

/// Finds the grid point nearest to any position.
///
/// ```
/// use stop_lime::grid::locate::PointLocator;
/// let pts = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 5.0, 0.0]];
/// let loc = PointLocator::new(&pts)?;
/// let (index, distance_m) = loc.nearest([0.9, 0.2, 0.0]);
/// assert_eq!(index, 1);
/// assert!((distance_m - 0.05f64.sqrt()).abs() < 1e-12);
/// # Ok::<(), stop_lime::LimeError>(())
/// ```
#[derive(Debug)]
pub struct PointLocator {
    tree: ImmutableKdTree<f64, 3>,
}

impl PointLocator {
    /// Builds the tree over `points_m`.
    ///
    /// # Errors
    /// [`LimeError::NonFinitePoint`] for a NaN or infinite coordinate;
    /// [`LimeError::TooFewPoints`] for an empty set; [`LimeError::KdTree`] if the tree
    /// cannot index the points.
    pub fn new(points_m: &[[f64; 3]]) -> Result<Self, LimeError> {
        for (index, p) in points_m.iter().enumerate() {
            if let Some(axis) = p.iter().position(|v| !v.is_finite()) {
                return Err(LimeError::NonFinitePoint { index, axis, value: p[axis] });
            }
        }
        if points_m.is_empty() {
            return Err(LimeError::TooFewPoints { n_distinct: 0 });
        }
        let tree = ImmutableKdTree::<f64, 3>::new_from_slice(points_m)
            .map_err(|e| LimeError::KdTree { n_points: points_m.len(), reason: e.to_string() })?;
        Ok(PointLocator { tree })
    }

    /// Index of the nearest point to `position_m` and its distance (m); ties go to
    /// either point.
    pub fn nearest(&self, position_m: [f64; 3]) -> (usize, f64) {
        let hit = self.tree.query(&position_m).nearest_one::<SquaredEuclidean<f64>>().execute();
        (hit.item as usize, hit.distance.sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::sampling::item_rng;
    use rand::RngExt;

    #[test]
    fn matches_brute_force() {
        let mut rng = item_rng(7, 0);
        let pts: Vec<[f64; 3]> = (0..2000).map(|_| std::array::from_fn(|_| rng.random::<f64>())).collect();
        let loc = PointLocator::new(&pts).expect("finite points");
        for _ in 0..300 {
            let q: [f64; 3] = std::array::from_fn(|_| 1.2 * rng.random::<f64>() - 0.1);
            let d2 = |p: &[f64; 3]| (0..3).map(|k| (p[k] - q[k]).powi(2)).sum::<f64>();
            let best = pts.iter().map(d2).fold(f64::INFINITY, f64::min);
            let (i, d) = loc.nearest(q);
            assert_eq!(d2(&pts[i]), best);
            assert!((d * d - best).abs() <= 1e-15);
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(PointLocator::new(&[]), Err(LimeError::TooFewPoints { n_distinct: 0 })));
        assert!(matches!(
            PointLocator::new(&[[0.0, f64::INFINITY, 0.0]]),
            Err(LimeError::NonFinitePoint { index: 0, axis: 1, .. })
        ));
    }
}
