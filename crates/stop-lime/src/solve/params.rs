//! Solver settings, with defaults and their sources.

use crate::solve::error::SolveError;
use crate::solve::local::LocalParams;

/// When the photon directions and velocities are redrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaySchedule {
    /// One set of photons per point for the whole run: the iteration is then a
    /// deterministic map, whose fixed point Ng acceleration can find and whose population
    /// changes measure true convergence (as RATRAN's first stage, Hogerheijde & van der Tak
    /// 2000). The Monte-Carlo noise is frozen at the level of `rays_per_point`.
    Fixed,
    /// New photons every iteration (LIME 1.9.5): the changes never fall below the
    /// Monte-Carlo noise, and Ng acceleration is not applied.
    EveryIteration,
}

/// How the populations vary inside a Voronoi cell along the photon paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellPopulations {
    /// Limited linear least-squares fits ([`crate::transport::reconstruct`]).
    Linear,
    /// Quadratic least-squares fits where a cell has enough interior neighbours, limited
    /// linear elsewhere. Slightly better than linear in van Zadelhoff 1a at 4000 points
    /// (rms 0.87 % vs 1.02 %), worse at 1000 (+12 % vs +7 % worst bin), and in the very
    /// thick 1b some points then oscillate between iterations: the neighbours' fits make the
    /// radiation reaching a point depend on its own populations beyond what the local
    /// operator accounts for, which the near-unit local operator of a thick cell amplifies.
    Quadratic,
    /// Constant, the point's own values (LIME 1.9.5); first order in the cell size. The
    /// densities still follow the model along the path.
    Constant,
    /// LIME 1.9.5's first-order cells, for comparisons with LIME: populations and molecule
    /// and gas densities constant at the point's values over its whole cell, only the
    /// velocity from the model along the path
    /// ([`crate::transport::photons::CellModel::Lime`]).
    Lime,
}

impl CellPopulations {
    /// The scheme a model file's `[solver] cells` names.
    #[must_use]
    pub fn from_model(scheme: stop_model::file::CellScheme) -> Self {
        match scheme {
            stop_model::file::CellScheme::Linear => Self::Linear,
            stop_model::file::CellScheme::Quadratic => Self::Quadratic,
            stop_model::file::CellScheme::Constant => Self::Constant,
            stop_model::file::CellScheme::Lime => Self::Lime,
        }
    }

    /// The model-file scheme of these cells (the inverse of [`CellPopulations::from_model`]).
    #[must_use]
    pub fn scheme(self) -> stop_model::file::CellScheme {
        match self {
            Self::Linear => stop_model::file::CellScheme::Linear,
            Self::Quadratic => stop_model::file::CellScheme::Quadratic,
            Self::Constant => stop_model::file::CellScheme::Constant,
            Self::Lime => stop_model::file::CellScheme::Lime,
        }
    }
}

/// The photon set of a first stage with fixed photons (see [`SolveParams::seed`]); above
/// any iteration number, so no redrawn set shares its streams.
pub const FIRST_STAGE_RAY_SET: u64 = u32::MAX as u64;

/// Settings of [`crate::solve::iterate::solve`].
#[derive(Debug, Clone, PartialEq)]
pub struct SolveParams {
    /// Most global iterations.
    pub max_iterations: usize,
    /// Fewest global iterations before the stopping rule may end the run.
    pub min_iterations: usize,
    /// Stop when the 90th percentile of the relative population change (levels above
    /// `population_floor`) and, with fixed photons, its geometric extrapolation to
    /// convergence are below this.
    pub tolerance: f64,
    /// Levels below this fractional population are left out of the statistics.
    pub population_floor: f64,
    /// Photons per point per iteration (LIME's `RAYS_PER_POINT` = 200).
    pub rays_per_point: usize,
    /// Photons per point of a first stage, or `None` for one stage. With a first stage the
    /// run iterates with these photons until the stopping rule holds (or half of
    /// `max_iterations`, rounded up, are done), then with `rays_per_point` until the rule
    /// holds again: RATRAN's two stages (Hogerheijde & van der Tak 2000, A&A 362, 697, §3).
    /// The first stage's fixed point differs from the final one only by photon noise, so
    /// the final stage needs few iterations of the full count.
    pub first_stage_rays_per_point: Option<usize>,
    /// Iterations of the averaging stage (0: none): after convergence, iterations with new
    /// photons every time whose mean populations are the result
    /// ([`crate::solve::averaging`], [`crate::solve::iterate::solve`]).
    pub averaged_iterations: usize,
    /// Seed of the random streams: photon set `s` of point `i` uses stream
    /// `(seed, s · 2³² + i)`, so results do not depend on the thread count. With fixed
    /// photons `s` is 0, and [`FIRST_STAGE_RAY_SET`] in a first stage; with photons redrawn
    /// every iteration `s` is the iteration number.
    pub seed: u64,
    /// When photons are redrawn.
    pub rays: RaySchedule,
    /// Apply Ng acceleration every this many iterations (0: never), counted from the second
    /// iteration of a photon stage (the first leaves the starting populations, far from the
    /// map's asymptotic regime; on model A at 50 photons an extrapolation that used it raised
    /// the points above the tolerance from 32 to 88 of 3000). Default 4: the extrapolation needs four
    /// iterates (Ng 1974), and taking it at every fourth keeps the iterates it uses free of
    /// earlier extrapolations (Olson, Auer & Buchler 1986 §3).
    pub ng_period: usize,
    /// The populations inside a cell (default linear, or the model file's `cells`).
    pub cells: CellPopulations,
    /// The local inner loop.
    pub local: LocalParams,
}

impl Default for SolveParams {
    /// The defaults of a model file's `[solver]` table (defined once, in `stop-model`).
    fn default() -> Self {
        Self::from_model(&stop_model::file::SolverParams::default())
    }
}

impl SolveParams {
    /// The settings of a model file's `[solver]` table (fixed photons, Ng every 4).
    #[must_use]
    pub fn from_model(s: &stop_model::file::SolverParams) -> Self {
        Self {
            max_iterations: s.max_iterations,
            min_iterations: s.min_iterations,
            tolerance: s.tolerance,
            population_floor: s.population_floor,
            rays_per_point: s.rays_per_point,
            first_stage_rays_per_point: s.first_stage_rays_per_point,
            averaged_iterations: s.averaged_iterations,
            seed: s.seed,
            local: LocalParams {
                tolerance: s.inner_tolerance,
                min_iterations: s.inner_min_iterations,
                max_iterations: s.inner_max_iterations,
                ..LocalParams::default()
            },
            rays: RaySchedule::Fixed,
            ng_period: 4,
            cells: CellPopulations::from_model(s.cells),
        }
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// [`SolveError::InvalidParameter`] naming the first bad field.
    pub fn validate(&self) -> Result<(), SolveError> {
        let bad = |field, value: usize, expected| Err(SolveError::InvalidParameter { field, value: value as f64, expected });
        if self.max_iterations == 0 {
            return bad("max_iterations", 0, "at least 1");
        }
        if self.rays_per_point == 0 {
            return bad("rays_per_point", 0, "at least 1");
        }
        if let Some(first) = self.first_stage_rays_per_point
            && (first == 0 || first >= self.rays_per_point)
        {
            return bad("first_stage_rays_per_point", first, "at least 1 and fewer than rays_per_point");
        }
        if self.local.max_iterations == 0 {
            return bad("local.max_iterations", 0, "at least 1");
        }
        for (field, value) in [("tolerance", self.tolerance), ("population_floor", self.population_floor), ("local.tolerance", self.local.tolerance)] {
            if !(value > 0.0 && value < 1.0) {
                return Err(SolveError::InvalidParameter { field, value, expected: "in (0, 1)" });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_schemes_round_trip_through_the_model_file_names() {
        for scheme in stop_model::file::CellScheme::ALL {
            assert_eq!(CellPopulations::from_model(scheme).scheme(), scheme, "{}", scheme.name());
        }
    }
}
