//! Gridded input: values given at scattered points, looked up by nearest neighbour in a
//! kd-tree (`kiddo` `ImmutableKdTree`, built once at load time).

use crate::error::{ModelError, TableProblem};
use crate::physical::Position;
use kiddo::{ImmutableKdTree, SquaredEuclidean};
use std::sync::Arc;

/// Values at scattered points; the value at a position is that of the nearest point
/// (a Voronoi-cell, piecewise-constant field, like LIME's own grid cells).
///
/// ```
/// use stop_model::{PointCloud, Position};
/// let cloud = PointCloud::new("inline", vec![[0.0, 0.0, 0.0], [10.0, 0.0, 0.0]], vec![1.0, 2.0])?;
/// assert_eq!(cloud.at(&Position::new(6.0, 1.0, 0.0)), 2.0);
/// # Ok::<(), stop_model::ModelError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PointCloud {
    tree: Arc<ImmutableKdTree<f64, 3>>,
    values: Vec<f64>,
}

impl PointCloud {
    /// Build from point positions (m) and one value per point. `source` names the table.
    ///
    /// # Errors
    /// [`ModelError::Table`] if there are no points.
    pub fn new(source: &str, positions_m: Vec<[f64; 3]>, values: Vec<f64>) -> Result<Self, ModelError> {
        let fail = |found| ModelError::Table { path: source.to_string(), line: 0, problem: TableProblem::TooFewRows { found, needed: 1 } };
        if positions_m.is_empty() || values.len() != positions_m.len() {
            return Err(fail(positions_m.len().min(values.len())));
        }
        let tree = ImmutableKdTree::new_from_slice(&positions_m).map_err(|_| fail(positions_m.len()))?;
        Ok(Self { tree: Arc::new(tree), values })
    }

    /// The value of the point nearest to `position`.
    #[must_use]
    pub fn at(&self, position: &Position) -> f64 {
        let query = [position.x_m, position.y_m, position.z_m];
        let nearest = self.tree.query(&query).nearest_one::<SquaredEuclidean<f64>>().execute();
        usize::try_from(nearest.item).ok().and_then(|i| self.values.get(i)).copied().unwrap_or(f64::NAN)
    }
}
