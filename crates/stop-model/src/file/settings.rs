//! Run settings of a model file: molecule, dust, grid, solver and images, each key with a
//! documented default and a validated range.

use super::keys::Section;
use crate::error::ModelError;
use std::path::{Path, PathBuf};

/// Where the molecular data come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoleculeSource {
    /// A LAMDA file (resolved against the model file's directory).
    File(PathBuf),
    /// One of the molecules shipped with STOP (`stop_molecule::shipped_names`).
    Shipped(String),
}

impl MoleculeSource {
    pub(crate) fn from_section(mut s: Section<'_>, base_dir: &Path) -> Result<Self, ModelError> {
        let file = s.required_string("file")?;
        let path = base_dir.join(&file);
        let source = if path.is_file() {
            Ok(Self::File(path))
        } else if stop_molecule::shipped_names().contains(&file.as_str()) {
            Ok(Self::Shipped(file))
        } else {
            Err(s.bad_value("file", &file, format!("a LAMDA file (relative to the model file) or a shipped molecule ({})", stop_molecule::shipped_names().join(", "))))
        };
        s.finish()?;
        source
    }

    /// Read the molecule.
    ///
    /// # Errors
    /// The molecular-data crate's error for an unreadable or malformed file.
    pub fn read(&self) -> Result<stop_molecule::Molecule, stop_molecule::MoleculeError> {
        match self {
            Self::File(path) => stop_molecule::lamda::read_lamda(path),
            Self::Shipped(name) => stop_molecule::shipped(name),
        }
    }
}

/// Dust continuum settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DustParams {
    /// Opacity table: wavelength (µm) and κ (cm² per g of dust), two columns.
    pub opacity_file: PathBuf,
    /// Gas-to-dust mass ratio (default 100, LIME's `gasIIdust`).
    pub gas_to_dust: f64,
}

impl DustParams {
    /// LIME's default gas-to-dust mass ratio.
    pub const DEFAULT_GAS_TO_DUST: f64 = 100.0;

    pub(crate) fn from_section(mut s: Section<'_>, base_dir: &Path) -> Result<Self, ModelError> {
        let file = s.required_string("opacity_file")?;
        let gas_to_dust = s.f64_checked("gas_to_dust", Some(Self::DEFAULT_GAS_TO_DUST), |v| v > 0.0, "a ratio > 0")?;
        let opacity_file = base_dir.join(&file);
        if !opacity_file.is_file() {
            return Err(s.bad_value("opacity_file", &file, "an existing file (relative to the model file)"));
        }
        s.finish()?;
        Ok(Self { opacity_file, gas_to_dust })
    }
}

/// How interior grid points are proposed (LIME `sampling`; see `lime-algorithm.md` §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// log r uniform in [min_scale, radius], isotropic direction (LIME `sampling = 2`).
    LogRadius,
    /// log r uniform, polar angle θ uniform: not isotropic (LIME `sampling = 0`).
    LogRadiusUniformTheta,
    /// Uniform in the cube [−R, R]³ (LIME `sampling = 1`).
    UniformCube,
}

/// Grid settings.
#[derive(Debug, Clone, PartialEq)]
pub struct GridParams {
    /// Interior points (default 4000, LIME's example `pIntensity`).
    pub n_points: usize,
    /// Boundary points on the outer sphere (default 3000, LIME's example `sinkPoints`).
    pub n_sink_points: usize,
    /// Smallest radius sampled, m (default: the model's inner radius; required if that is 0).
    pub min_scale_m: f64,
    /// Proposal distribution (default `log_radius`).
    pub sampling: Sampling,
    /// Smoothing sweeps (default 5, LIME's `N_SMOOTH_ITERS`).
    pub smoothing_iterations: usize,
    /// Seed of the grid's random stream (default 1).
    pub seed: u64,
}

impl GridParams {
    /// The defaults, with the one setting that has none.
    ///
    /// ```
    /// let grid = stop_model::file::GridParams::with_min_scale(7.5e10);
    /// assert_eq!((grid.n_points, grid.n_sink_points, grid.smoothing_iterations), (4000, 3000, 5));
    /// ```
    #[must_use]
    pub fn with_min_scale(min_scale_m: f64) -> Self {
        Self { n_points: 4000, n_sink_points: 3000, min_scale_m, sampling: Sampling::LogRadius, smoothing_iterations: 5, seed: 1 }
    }

    pub(crate) fn from_section(mut s: Section<'_>, inner_radius_m: f64, outer_radius_m: f64) -> Result<Self, ModelError> {
        let d = Self::with_min_scale(inner_radius_m);
        let n_points = s.count("n_points", Some(d.n_points), 1)?;
        let n_sink_points = s.count("n_sink_points", Some(d.n_sink_points), 4)?;
        let default_min = (inner_radius_m > 0.0).then_some(inner_radius_m);
        let min_scale_m =
            s.f64_checked("min_scale_m", default_min, |v| v > 0.0 && v < outer_radius_m, &format!("a radius in (0, {outer_radius_m:e}) m"))?;
        let sampling = match s.string("sampling")?.as_deref() {
            None => d.sampling,
            Some("log_radius") => Sampling::LogRadius,
            Some("log_radius_uniform_theta") => Sampling::LogRadiusUniformTheta,
            Some("uniform_cube") => Sampling::UniformCube,
            Some(other) => return Err(s.bad_value("sampling", other, "`log_radius`, `log_radius_uniform_theta` or `uniform_cube`")),
        };
        let smoothing_iterations = s.count("smoothing_iterations", Some(d.smoothing_iterations), 0)?;
        let seed = s.count("seed", Some(d.seed as usize), 0)? as u64;
        s.finish()?;
        Ok(Self { n_points, n_sink_points, min_scale_m, sampling, smoothing_iterations, seed })
    }
}

/// Initial level populations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialPopulations {
    /// Boltzmann at the local kinetic temperature.
    Lte,
    /// All zero (LIME 1.9.5's default).
    Zero,
}

/// How the solver's photons see the populations and densities inside a Voronoi cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellScheme {
    /// Limited linear populations, model densities along the path (`linear`, the default).
    Linear,
    /// Quadratic populations where a cell has enough neighbours (`quadratic`).
    Quadratic,
    /// The point's populations, model densities along the path (`constant`).
    Constant,
    /// LIME 1.9.5's first-order cells (`lime`): the point's populations and molecule and gas
    /// densities over the whole cell, only the velocity from the model; for comparisons
    /// with LIME (`lime-algorithm.md` §3.2 step 6).
    Lime,
}

impl CellScheme {
    /// Every scheme, in the order the error message lists them.
    pub const ALL: [CellScheme; 4] = [CellScheme::Linear, CellScheme::Quadratic, CellScheme::Constant, CellScheme::Lime];

    /// The word that names the scheme in a model file and in population-file metadata.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            CellScheme::Linear => "linear",
            CellScheme::Quadratic => "quadratic",
            CellScheme::Constant => "constant",
            CellScheme::Lime => "lime",
        }
    }
}

/// Non-LTE solver settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverParams {
    /// Most global iterations (default 50; the stopping rule usually ends earlier).
    pub max_iterations: usize,
    /// Fewest global iterations before the stopping rule may end the run (default 3).
    pub min_iterations: usize,
    /// Stop when the 90th percentile of the relative population change between two global
    /// iterations (levels above `population_floor`) is below this (default 1e-3: the
    /// Monte-Carlo floor of LIME with 200 rays per point, `../shared/reference/lime/README.md`).
    pub tolerance: f64,
    /// Levels with a smaller fractional population are left out of the convergence statistics
    /// (default 1e-3, as in the reference runs' relative-change line).
    pub population_floor: f64,
    /// Photons per point per iteration (default 200, LIME's `RAYS_PER_POINT`).
    pub rays_per_point: usize,
    /// Photons per point of a first stage that iterates to the stopping rule before
    /// `rays_per_point` photons take over (RATRAN's two stages, Hogerheijde & van der Tak
    /// 2000, A&A 362, 697, §3); fewer than `rays_per_point`. Default: none, one stage.
    pub first_stage_rays_per_point: Option<usize>,
    /// Iterations averaged after convergence, each with new photons (default 0: none; the
    /// result is then the converged fixed photon set's populations). After a first stage
    /// they replace the final fixed stage, one more iteration leaving the first stage's
    /// fixed point first (stop-lime `solve::averaging`).
    pub averaged_iterations: usize,
    /// Share of each point's photons drawn from a Gaussian `wing_width` times the line's
    /// width instead of the profile, weighted back to the profile (stop-lime `WingPhotons`;
    /// default 0, the profile alone; in [0, 1)).
    pub wing_photon_fraction: f64,
    /// Width of that Gaussian in units of the line's Doppler b (default 2; > 1).
    pub wing_width: f64,
    /// Seed of the solver's random streams (default 1).
    pub seed: u64,
    /// Starting populations (default `lte`).
    pub initial_populations: InitialPopulations,
    /// Background temperature, K (default 2.72548, Fixsen 2009 as LIME; the van Zadelhoff
    /// problems specify 2.73).
    pub tcmb_k: f64,
    /// Local ALI loop: relative tolerance (default 1e-6, LIME's `TOL`), fewest (5) and most
    /// (50, LIME's `MAXITER`) inner iterations.
    pub inner_tolerance: f64,
    /// Fewest inner iterations (default 5).
    pub inner_min_iterations: usize,
    /// Most inner iterations (default 50).
    pub inner_max_iterations: usize,
    /// LTE populations only, no iteration (default false).
    pub lte_only: bool,
    /// The populations and densities inside a cell (default `linear`).
    pub cells: CellScheme,
}

impl Default for SolverParams {
    fn default() -> Self {
        Self {
            max_iterations: 50,
            min_iterations: 3,
            tolerance: 1e-3,
            population_floor: 1e-3,
            rays_per_point: 200,
            first_stage_rays_per_point: None,
            averaged_iterations: 0,
            wing_photon_fraction: 0.0,
            wing_width: 2.0,
            seed: 1,
            initial_populations: InitialPopulations::Lte,
            tcmb_k: stop_physics::constants::T_CMB_K,
            inner_tolerance: 1e-6,
            inner_min_iterations: 5,
            inner_max_iterations: 50,
            lte_only: false,
            cells: CellScheme::Linear,
        }
    }
}

impl SolverParams {
    pub(crate) fn from_section(mut s: Section<'_>) -> Result<Self, ModelError> {
        let d = Self::default();
        let max_iterations = s.count("max_iterations", Some(d.max_iterations), 1)?;
        let min_iterations = s.count("min_iterations", Some(d.min_iterations), 0)?;
        if min_iterations > max_iterations {
            return Err(s.bad_value("min_iterations", min_iterations, format!("at most max_iterations = {max_iterations}")));
        }
        let unit = |v: f64| v > 0.0 && v < 1.0;
        let tolerance = s.f64_checked("tolerance", Some(d.tolerance), unit, "a relative change in (0, 1)")?;
        let population_floor = s.f64_checked("population_floor", Some(d.population_floor), unit, "a fraction in (0, 1)")?;
        let rays_per_point = s.count("rays_per_point", Some(d.rays_per_point), 1)?;
        let first_stage_rays_per_point = if s.has("first_stage_rays_per_point") {
            match s.count("first_stage_rays_per_point", None, 1)? {
                n if n < rays_per_point => Some(n),
                n => return Err(s.bad_value("first_stage_rays_per_point", n, format!("fewer than rays_per_point = {rays_per_point}"))),
            }
        } else {
            d.first_stage_rays_per_point
        };
        let averaged_iterations = s.count("averaged_iterations", Some(d.averaged_iterations), 0)?;
        let wing_photon_fraction = s.f64_checked("wing_photon_fraction", Some(d.wing_photon_fraction), |v| (0.0..1.0).contains(&v), "a share in [0, 1)")?;
        let wing_width = s.f64_checked("wing_width", Some(d.wing_width), |v| v > 1.0, "a width > 1 (units of the line's Doppler b)")?;
        let seed = s.count("seed", Some(d.seed as usize), 0)? as u64;
        let initial_populations = match s.string("initial_populations")?.as_deref() {
            None => d.initial_populations,
            Some("lte") => InitialPopulations::Lte,
            Some("zero") => InitialPopulations::Zero,
            Some(other) => return Err(s.bad_value("initial_populations", other, "`lte` or `zero`")),
        };
        let tcmb_k = s.f64_checked("tcmb_k", Some(d.tcmb_k), |v| v >= 0.0, "a temperature ≥ 0")?;
        let inner_tolerance = s.f64_checked("inner_tolerance", Some(d.inner_tolerance), unit, "a relative change in (0, 1)")?;
        let inner_min_iterations = s.count("inner_min_iterations", Some(d.inner_min_iterations), 1)?;
        let inner_max_iterations = s.count("inner_max_iterations", Some(d.inner_max_iterations), inner_min_iterations)?;
        let lte_only = s.bool("lte_only", d.lte_only)?;
        let cells = match s.string("cells")?.as_deref() {
            None => d.cells,
            Some(word) => match CellScheme::ALL.into_iter().find(|c| c.name() == word) {
                Some(scheme) => scheme,
                None => return Err(s.bad_value("cells", word, "`linear`, `quadratic`, `constant` or `lime`")),
            },
        };
        s.finish()?;
        Ok(Self {
            max_iterations,
            min_iterations,
            tolerance,
            population_floor,
            rays_per_point,
            first_stage_rays_per_point,
            averaged_iterations,
            wing_photon_fraction,
            wing_width,
            seed,
            initial_populations,
            tcmb_k,
            inner_tolerance,
            inner_min_iterations,
            inner_max_iterations,
            lte_only,
            cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CellScheme;
    use crate::error::ModelError;
    use crate::file::ModelFile;
    use std::path::Path;

    fn with_solver(solver: &str) -> Result<ModelFile, ModelError> {
        let text = format!(
            "[model]\nname = \"m\"\nradius_m = 1.0e15\n[fields]\ndensity_m3 = {{ h2 = 1e10 }}\ntkin_k = 20.0\nabundance = 1e-9\n\
             velocity_m_s = [0.0, 0.0, 0.0]\ndoppler_b_m_s = 150.0\n[molecule]\nfile = \"hco+\"\n[grid]\nmin_scale_m = 1.0e12\n[solver]\n{solver}\n"
        );
        ModelFile::from_toml_str(&text, "test.toml", Path::new("."))
    }

    #[test]
    fn cells_are_read_and_a_bad_scheme_names_the_key_and_the_choices() {
        assert_eq!(with_solver("").map(|f| f.solver.cells).ok(), Some(CellScheme::Linear));
        for (word, scheme) in [("linear", CellScheme::Linear), ("quadratic", CellScheme::Quadratic), ("constant", CellScheme::Constant), ("lime", CellScheme::Lime)] {
            assert_eq!(with_solver(&format!("cells = \"{word}\"")).map(|f| f.solver.cells).ok(), Some(scheme));
        }
        let message = with_solver("cells = \"voronoi\"").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("solver.cells") && message.contains("`voronoi`") && message.contains("`lime`"), "{message}");
    }

    #[test]
    fn a_first_photon_stage_is_optional_and_must_have_fewer_photons() {
        assert_eq!(with_solver("").map(|f| f.solver.first_stage_rays_per_point).ok(), Some(None));
        let two_stages = with_solver("rays_per_point = 50\nfirst_stage_rays_per_point = 12");
        assert_eq!(two_stages.map(|f| f.solver.first_stage_rays_per_point).ok(), Some(Some(12)));
        for bad in ["rays_per_point = 50\nfirst_stage_rays_per_point = 50", "first_stage_rays_per_point = 0", "first_stage_rays_per_point = 1.5"] {
            let message = with_solver(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains("solver.first_stage_rays_per_point"), "{bad}: {message}");
        }
    }

    #[test]
    fn averaged_iterations_default_to_none_and_must_be_a_count() {
        assert_eq!(with_solver("").map(|f| f.solver.averaged_iterations).ok(), Some(0));
        assert_eq!(with_solver("averaged_iterations = 4").map(|f| f.solver.averaged_iterations).ok(), Some(4));
        for bad in ["averaged_iterations = -1", "averaged_iterations = 2.5", "averaged_iterations = \"four\""] {
            let message = with_solver(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains("solver.averaged_iterations"), "{bad}: {message}");
        }
    }

    #[test]
    fn wing_photons_default_to_none_and_bad_values_name_the_key() {
        let defaults = with_solver("").map(|f| (f.solver.wing_photon_fraction, f.solver.wing_width)).ok();
        assert_eq!(defaults, Some((0.0, 2.0)));
        let set = with_solver("wing_photon_fraction = 0.5\nwing_width = 3.0").map(|f| (f.solver.wing_photon_fraction, f.solver.wing_width)).ok();
        assert_eq!(set, Some((0.5, 3.0)));
        for (bad, key) in [("wing_photon_fraction = 1.0", "solver.wing_photon_fraction"), ("wing_width = 1.0", "solver.wing_width")] {
            let message = with_solver(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains(key), "{bad}: {message}");
        }
    }
}
