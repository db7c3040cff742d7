//! The chunks of a grid run and the warm starts inside a chunk.
//!
//! A chunk is a block of consecutive models spanning whole runs of the fastest axes (e.g.
//! every line width × every column density at one T_kin and density), solved in order by one
//! worker. Each model starts from the solution of its nearest already-solved neighbour: the
//! model one step back along the fastest axis on which it is not at the first value (one Δv
//! step back, or, at the first Δv, the same Δv one column-density step back), so a warm start
//! never jumps across a whole axis. Chunk boundaries depend only on the model index, so the
//! rows do not depend on the number of threads or on where a resumed run starts.
//!
//! Strong masers have several solutions, and a warm start may reach another one than the
//! solver finds from its cold start for the same model alone. Models whose warm-started
//! solution, or whose neighbour, has a line with τ below [`STRONG_MASER_TAU`] are therefore
//! solved again from the cold start, as are warm starts that do not converge.

use super::GridModels;
use crate::error::LvgError;
use crate::fast::FastSolver;
use crate::model::{ModelParams, Problem};
use crate::result::{Solution, Status};

/// Smallest number of models in a chunk (when the axes allow it).
pub const CHUNK_MODELS: u64 = 64;
/// Largest number of models in a chunk, so that a long fastest axis still spreads over the
/// threads.
pub(crate) const MAX_CHUNK_MODELS: u64 = 4096;
/// A line whose optical depth is below this (a strong maser) makes the model's solution
/// depend on the starting point; such models are solved from the cold start
/// (the maser models with two solutions in the validation have τ down to −10³).
pub(crate) const STRONG_MASER_TAU: f64 = -1.0;

/// How a grid's models are cut into chunks.
#[derive(Debug, Clone)]
pub(crate) struct ChunkLayout {
    /// Models per chunk.
    pub len: u64,
    /// (stride, length) of the axes, fastest first.
    axes: Vec<(u64, u64)>,
}

impl ChunkLayout {
    /// The layout of `models`: whole runs of the fastest axes, at least [`CHUNK_MODELS`]
    /// models when the grid has them, at most [`MAX_CHUNK_MODELS`].
    pub fn new(models: &GridModels) -> Self {
        let mut axes = Vec::new();
        let mut stride = 1_u64;
        let mut len = None;
        for length in models.axis_lengths() {
            let length = length as u64;
            axes.push((stride, length));
            stride = stride.saturating_mul(length);
            if len.is_none() && stride >= CHUNK_MODELS {
                len = Some(stride.min(MAX_CHUNK_MODELS));
            }
        }
        let len = len.unwrap_or(if axes.is_empty() {
            CHUNK_MODELS
        } else {
            stride.max(1)
        });
        ChunkLayout { len, axes }
    }

    /// First model of the chunk holding `index`.
    pub fn chunk_start(&self, index: u64) -> u64 {
        index / self.len * self.len
    }

    /// The already-solved model `index` starts from: one step back along its fastest axis not
    /// at its first value, or the previous model when that one lies before the chunk; `None`
    /// at the chunk's first model.
    fn neighbour(&self, index: u64, chunk_start: u64) -> Option<u64> {
        if index == chunk_start {
            return None;
        }
        let along_axis = self
            .axes
            .iter()
            .find(|(stride, length)| !(index / stride).is_multiple_of(*length))
            .map(|(stride, _)| index - stride);
        Some(
            along_axis
                .filter(|&j| j >= chunk_start)
                .unwrap_or(index - 1),
        )
    }
}

/// The per-worker state of a chunk: solver buffers and the solutions of the chunk so far.
#[derive(Debug, Default)]
pub(crate) struct ChunkSolver {
    solver: FastSolver,
    solution: Solution,
    /// Populations of every model of the chunk, `n_levels` each.
    populations: Vec<f64>,
    /// Per model of the chunk: converged (usable as a warm start), strong maser.
    flags: Vec<(bool, bool)>,
}

impl ChunkSolver {
    /// Solve the chunk's models from its start to `last` (exclusive) and call `emit` for
    /// each model from `first` on (earlier ones are solved only for the warm starts, as
    /// when a resumed run starts inside a chunk).
    ///
    /// # Errors
    /// A model that cannot be set up, or an error of `emit`.
    pub fn run(
        &mut self,
        problem: &Problem,
        models: &GridModels,
        layout: &ChunkLayout,
        (first, last): (u64, u64),
        emit: &mut dyn FnMut(u64, &ModelParams, &Solution) -> Result<(), LvgError>,
    ) -> Result<(), LvgError> {
        let n = problem.n_levels();
        let chunk_start = layout.chunk_start(first);
        let size = (last - chunk_start) as usize;
        self.populations.resize(size * n, 0.0);
        self.flags.clear();
        for index in chunk_start..last {
            let model = models.model(index);
            let source = layout
                .neighbour(index, chunk_start)
                .map(|j| (j - chunk_start) as usize)
                .filter(|&j| self.flags[j].0);
            let k = (index - chunk_start) as usize;
            if source.is_some() && source == k.checked_sub(1) {
                // the neighbour is the model just solved: its factored Jacobian may serve
                self.solver
                    .solve_after_previous(problem, &model, &mut self.solution)?;
            } else {
                let warm = source.map(|j| &self.populations[j * n..(j + 1) * n]);
                self.solver
                    .solve_from(problem, &model, warm, &mut self.solution)?;
            }
            let mut maser = strong_maser(&self.solution);
            let converged = self.solution.status == Some(Status::Converged);
            if let Some(j) = source
                && (!converged || maser || self.flags[j].1)
            {
                self.solver.solve(problem, &model, &mut self.solution)?;
                maser = strong_maser(&self.solution);
            }
            self.populations[k * n..(k + 1) * n].copy_from_slice(self.solver.populations());
            self.flags
                .push((self.solution.status == Some(Status::Converged), maser));
            if index >= first {
                emit(index, &model, &self.solution)?;
            }
        }
        Ok(())
    }
}

/// Whether some line of `solution` is a strong maser.
fn strong_maser(solution: &Solution) -> bool {
    solution.tau.iter().any(|&tau| tau < STRONG_MASER_TAU)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape::Geometry;
    use crate::grid::{Axes, Axis, GridSpec, Scale};

    fn layout(fwhm: usize, column: usize, tkin: usize) -> (GridModels, ChunkLayout) {
        let range = |min: f64, max: f64, n: usize| Axis::Range {
            min,
            max,
            n,
            scale: Scale::Log,
        };
        let spec = GridSpec {
            molecule: "co".into(),
            output: "x.tsv".into(),
            tbg_k: 2.73,
            fmin_ghz: None,
            fmax_ghz: None,
            geometry: vec![Geometry::Sphere],
            axes: Some(Axes {
                tkin_k: range(10.0, 100.0, tkin),
                densities_cm3: [("h2".to_owned(), Axis::Values { values: vec![1e4] })].into(),
                column_cm2: range(1e13, 1e15, column),
                fwhm_km_s: range(1.0, 2.0, fwhm),
            }),
            models: None,
        };
        let models = GridModels::new(&spec).expect("valid spec");
        let layout = ChunkLayout::new(&models);
        (models, layout)
    }

    #[test]
    fn chunks_span_whole_runs_of_the_fastest_axes() {
        // 10 widths × 10 columns: 100 models per chunk (the first product ≥ 64)
        let (_, l) = layout(10, 10, 3);
        assert_eq!(l.len, 100);
        // 200 widths alone exceed 64
        let (_, l) = layout(200, 2, 2);
        assert_eq!(l.len, 200);
        // a grid smaller than 64 models is one chunk
        let (models, l) = layout(3, 2, 2);
        assert_eq!((l.len, models.len()), (12, 12));
    }

    #[test]
    fn warm_starts_step_back_along_one_axis_inside_the_chunk() {
        let (_, l) = layout(10, 10, 3);
        assert_eq!(l.neighbour(100, 100), None);
        assert_eq!(l.neighbour(105, 100), Some(104)); // previous width
        assert_eq!(l.neighbour(130, 100), Some(120)); // first width: previous column
        // a long fastest axis cut by the chunk cap falls back to the previous model
        let (_, l) = layout(5000, 1, 2);
        assert_eq!(l.len, MAX_CHUNK_MODELS);
        assert_eq!(l.neighbour(5000, 4096), Some(4999));
    }
}
