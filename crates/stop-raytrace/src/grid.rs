//! What a ray needs from a solved grid: the mesh to walk, per-point line widths, velocities,
//! line and dust opacity scales (from [`SolverSetup`]) and the level populations.

use crate::error::RaytraceError;
use stop_lime::grid::locate::PointLocator;
use stop_lime::solve::setup::SolverSetup;
use stop_model::Position;
use stop_molecule::Molecule;

/// A solved grid ready for ray tracing.
///
/// Intensities are carried in photon-occupation units (`I c² / 2hν³`) as in the solver, so
/// the line emissivity of a point is `κ0 p_u Φ` and its opacity `κ0 (p_l g_u/g_l − p_u) Φ`
/// with `κ0 = n_mol A_ul λ³ / (8 π^{3/2} b)` (`lime-algorithm.md` §3.2 step 6, divided by
/// `2hν³/c²`), Φ the line profile normalised to 1 at line centre.
pub struct TraceGrid<'a> {
    /// Static per-point data and the mesh.
    pub setup: &'a SolverSetup<'a>,
    /// Fractional populations, `[point * n_levels + level]` (zero at sinks).
    pub pops: &'a [f64],
    /// Line frequencies as printed in the molecular file, Hz (LIME's image `RESTFREQ`).
    pub rest_freq_hz: Vec<f64>,
    /// Radius of the model sphere, m: rays run across it.
    pub radius_m: f64,
    locator: PointLocator,
}

impl<'a> TraceGrid<'a> {
    /// Wraps a solver set-up and its populations.
    ///
    /// # Errors
    /// [`RaytraceError::PopulationShape`] when `pops` does not have `n_points × n_levels`
    /// values; [`RaytraceError::Grid`] when the points cannot be indexed.
    pub fn new(setup: &'a SolverSetup<'a>, molecule: &Molecule, pops: &'a [f64]) -> Result<Self, RaytraceError> {
        let n_points = setup.n_points();
        if pops.len() != n_points * setup.n_levels {
            return Err(RaytraceError::PopulationShape { n_points, n_levels: setup.n_levels, found: pops.len() });
        }
        let locator = PointLocator::new(setup.mesh.positions_m)?;
        Ok(Self {
            setup,
            pops,
            rest_freq_hz: molecule.lines.iter().map(|l| l.freq_ghz * 1e9).collect(),
            radius_m: setup.model.bounds().outer_radius_m,
            locator,
        })
    }

    /// The grid point whose Voronoi cell holds `position_m`.
    #[must_use]
    pub fn cell_of(&self, position_m: [f64; 3]) -> usize {
        self.locator.nearest(position_m).0
    }

    /// The model velocity at a position, m/s (the velocity function, sampled along rays as
    /// LIME does when a model supplies one, `lime-algorithm.md` §4.3).
    #[must_use]
    pub fn velocity_at(&self, position_m: [f64; 3]) -> [f64; 3] {
        let [x, y, z] = position_m;
        self.setup.model.fields(&Position::new(x, y, z)).velocity_m_s
    }

    /// Number of lines of the molecule.
    #[must_use]
    pub fn n_lines(&self) -> usize {
        self.setup.n_lines()
    }
}
