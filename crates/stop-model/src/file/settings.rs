//! Run settings of a model file: molecule, dust, grid, solver and images, each key with a
//! documented default and a validated range.

use super::keys::Section;
use super::spec::string_list;
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
    pub(crate) fn from_section(mut s: Section<'_>, inner_radius_m: f64, outer_radius_m: f64) -> Result<Self, ModelError> {
        let n_points = s.count("n_points", Some(4000), 1)?;
        let n_sink_points = s.count("n_sink_points", Some(3000), 4)?;
        let default_min = (inner_radius_m > 0.0).then_some(inner_radius_m);
        let min_scale_m =
            s.f64_checked("min_scale_m", default_min, |v| v > 0.0 && v < outer_radius_m, &format!("a radius in (0, {outer_radius_m:e}) m"))?;
        let sampling = match s.string("sampling")?.as_deref() {
            None | Some("log_radius") => Sampling::LogRadius,
            Some("log_radius_uniform_theta") => Sampling::LogRadiusUniformTheta,
            Some("uniform_cube") => Sampling::UniformCube,
            Some(other) => return Err(s.bad_value("sampling", other, "`log_radius`, `log_radius_uniform_theta` or `uniform_cube`")),
        };
        let smoothing_iterations = s.count("smoothing_iterations", Some(5), 0)?;
        let seed = s.count("seed", Some(1), 0)? as u64;
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
}

impl SolverParams {
    pub(crate) fn from_section(mut s: Section<'_>) -> Result<Self, ModelError> {
        let max_iterations = s.count("max_iterations", Some(50), 1)?;
        let min_iterations = s.count("min_iterations", Some(3), 0)?;
        if min_iterations > max_iterations {
            return Err(s.bad_value("min_iterations", min_iterations, format!("at most max_iterations = {max_iterations}")));
        }
        let unit = |v: f64| v > 0.0 && v < 1.0;
        let tolerance = s.f64_checked("tolerance", Some(1e-3), unit, "a relative change in (0, 1)")?;
        let population_floor = s.f64_checked("population_floor", Some(1e-3), unit, "a fraction in (0, 1)")?;
        let rays_per_point = s.count("rays_per_point", Some(200), 1)?;
        let seed = s.count("seed", Some(1), 0)? as u64;
        let initial_populations = match s.string("initial_populations")?.as_deref() {
            None | Some("lte") => InitialPopulations::Lte,
            Some("zero") => InitialPopulations::Zero,
            Some(other) => return Err(s.bad_value("initial_populations", other, "`lte` or `zero`")),
        };
        let tcmb_k = s.f64_checked("tcmb_k", Some(stop_physics::constants::T_CMB_K), |v| v >= 0.0, "a temperature ≥ 0")?;
        let inner_tolerance = s.f64_checked("inner_tolerance", Some(1e-6), unit, "a relative change in (0, 1)")?;
        let inner_min_iterations = s.count("inner_min_iterations", Some(5), 1)?;
        let inner_max_iterations = s.count("inner_max_iterations", Some(50), inner_min_iterations)?;
        let lte_only = s.bool("lte_only", false)?;
        s.finish()?;
        Ok(Self {
            max_iterations,
            min_iterations,
            tolerance,
            population_floor,
            rays_per_point,
            seed,
            initial_populations,
            tcmb_k,
            inner_tolerance,
            inner_min_iterations,
            inner_max_iterations,
            lte_only,
        })
    }
}

/// Brightness unit of an image cube (LIME `unit` codes 0, 1, 2, 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageUnit {
    /// Rayleigh–Jeans brightness temperature, K.
    Kelvin,
    /// Jy per pixel.
    JanskyPerPixel,
    /// Specific intensity, W m⁻² Hz⁻¹ sr⁻¹.
    Si,
    /// Optical depth.
    Tau,
}

/// One image cube to ray-trace (LIME's `img[i]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageParams {
    /// Output file name without extension.
    pub file_stem: String,
    /// Transition index, 0-based, in the molecular file's order.
    pub transition: usize,
    /// Channels.
    pub n_channels: usize,
    /// Channel width, m/s.
    pub channel_width_m_s: f64,
    /// Pixels per side.
    pub n_pixels: usize,
    /// Pixel size, arcsec.
    pub pixel_arcsec: f64,
    /// Source distance, m.
    pub distance_m: f64,
    /// Systemic velocity, m/s (default 0).
    pub source_velocity_m_s: f64,
    /// Inclination, position angle, azimuth, rad (default 0 each).
    pub angles_rad: [f64; 3],
    /// Units to write (default `["K"]`).
    pub units: Vec<ImageUnit>,
}

impl ImageParams {
    pub(crate) fn from_section(mut s: Section<'_>) -> Result<Self, ModelError> {
        let positive = |v: f64| v > 0.0;
        let file_stem = s.required_string("file_stem")?;
        let transition = s.count("transition", None, 0)?;
        let n_channels = s.count("n_channels", None, 1)?;
        let channel_width_m_s = s.f64_checked("channel_width_m_s", None, positive, "a width > 0")?;
        let n_pixels = s.count("n_pixels", None, 1)?;
        let pixel_arcsec = s.f64_checked("pixel_arcsec", None, positive, "a size > 0")?;
        let distance_m = s.f64_checked("distance_m", None, positive, "a distance > 0")?;
        let source_velocity_m_s = s.f64("source_velocity_m_s")?.unwrap_or(0.0);
        let angles_rad = [s.f64("inclination_rad")?.unwrap_or(0.0), s.f64("position_angle_rad")?.unwrap_or(0.0), s.f64("azimuth_rad")?.unwrap_or(0.0)];
        let units = match string_list(&mut s, "units")? {
            None => vec![ImageUnit::Kelvin],
            Some(names) if !names.is_empty() => names
                .iter()
                .map(|n| match n.as_str() {
                    "K" => Ok(ImageUnit::Kelvin),
                    "Jy/pixel" => Ok(ImageUnit::JanskyPerPixel),
                    "SI" => Ok(ImageUnit::Si),
                    "tau" => Ok(ImageUnit::Tau),
                    other => Err(s.bad_value("units", other, "`K`, `Jy/pixel`, `SI` or `tau`")),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(s.bad_value("units", "[]", "at least one unit")),
        };
        s.finish()?;
        Ok(Self { file_stem, transition, n_channels, channel_width_m_s, n_pixels, pixel_arcsec, distance_m, source_velocity_m_s, angles_rad, units })
    }

    /// The rotation R with `r_model = R · r_obs` (observer: x right, y up, z away), LIME's
    /// (PA, inclination, azimuth) scheme, `lime-algorithm.md` §4.1:
    /// R = R_z(az + π/2) · R_y(inc + π) · R_z(pa).
    #[must_use]
    pub fn rotation_matrix(&self) -> [[f64; 3]; 3] {
        let [inc, pa, az] = self.angles_rad;
        let rz = |a: f64| [[a.cos(), -a.sin(), 0.0], [a.sin(), a.cos(), 0.0], [0.0, 0.0, 1.0]];
        let ry = |a: f64| [[a.cos(), 0.0, -a.sin()], [0.0, 1.0, 0.0], [a.sin(), 0.0, a.cos()]];
        let mul = |a: [[f64; 3]; 3], b: [[f64; 3]; 3]| {
            let mut c = [[0.0; 3]; 3];
            for (i, row) in c.iter_mut().enumerate() {
                for (j, cell) in row.iter_mut().enumerate() {
                    *cell = (0..3).map(|k| a[i][k] * b[k][j]).sum();
                }
            }
            c
        };
        mul(mul(rz(az + std::f64::consts::FRAC_PI_2), ry(inc + std::f64::consts::PI)), rz(pa))
    }
}
