//! Output units of a cube (`lime-algorithm.md` §4.4).

use crate::image::ImageCube;
use stop_model::file::ImageUnit;
use stop_physics::constants::{C_M_S, K_ERG_K};

/// Boltzmann constant, J/K (CODATA 2018, from `stop_physics::constants::K_ERG_K`).
const K_J_K: f64 = K_ERG_K * 1e-7;

/// 1 Jy in W m⁻² Hz⁻¹.
const JY_SI: f64 = 1e-26;

/// Factor from SI specific intensity to the unit (`None` for τ, which is not a scaling):
/// K = `I c² / (2 k ν²)` (Rayleigh–Jeans, no Planck inversion, as LIME); Jy/pixel =
/// `I Ω_pix / 1e-26`, or Jy/beam `I Ω_beam / 1e-26` for a convolved cube.
#[must_use]
pub fn si_to_unit_factor(cube: &ImageCube, unit: ImageUnit) -> Option<f64> {
    match unit {
        ImageUnit::Kelvin => Some(C_M_S * C_M_S / (2.0 * K_J_K * cube.rest_freq_hz * cube.rest_freq_hz)),
        ImageUnit::JanskyPerPixel => Some(cube.beam.map_or_else(|| cube.pixel_sr(), |b| b.solid_angle_sr()) / JY_SI),
        ImageUnit::Si => Some(1.0),
        ImageUnit::Tau => None,
    }
}

/// The cube's values in `unit`, same layout as [`ImageCube::intensity_si`].
///
/// ```
/// # use stop_raytrace::ImageCube;
/// use stop_model::file::ImageUnit;
/// let cube = ImageCube { file_stem: "x".into(), n_pixels: 1, n_channels: 1, pixel_rad: 1e-6,
///     channel_width_m_s: 100.0, rest_freq_hz: 100e9, distance_m: 1.0,
///     intensity_si: vec![1e-18], tau: vec![0.5], continuum_si: vec![0.0], beam: None };
/// // 1e-18 W m⁻² Hz⁻¹ sr⁻¹ at 100 GHz: c²/(2kν²) × I = 0.3254829 K
/// let k = stop_raytrace::units::values(&cube, ImageUnit::Kelvin);
/// assert!((k[0] - 0.325_482_9).abs() < 1e-7);
/// assert_eq!(stop_raytrace::units::values(&cube, ImageUnit::Tau), vec![0.5]);
/// let jy = stop_raytrace::units::values(&cube, ImageUnit::JanskyPerPixel);
/// assert!((jy[0] - 1e-12 * 1e-18 / 1e-26).abs() < 1e-18);
/// ```
#[must_use]
pub fn values(cube: &ImageCube, unit: ImageUnit) -> Vec<f64> {
    match si_to_unit_factor(cube, unit) {
        Some(f) => cube.intensity_si.iter().map(|v| v * f).collect(),
        None => cube.tau.clone(),
    }
}

/// `BUNIT` of a unit (FITS standard spellings; τ is dimensionless, an empty string).
#[must_use]
pub fn bunit(unit: ImageUnit) -> &'static str {
    match unit {
        ImageUnit::Kelvin => "K",
        ImageUnit::JanskyPerPixel => "Jy/pixel",
        ImageUnit::Si => "W/(m2 Hz sr)",
        ImageUnit::Tau => "",
    }
}

/// File-name suffix of a unit, LIME's (`<stem>_<suffix>.fits`, `lime-algorithm.md` §4.4).
#[must_use]
pub fn file_suffix(unit: ImageUnit) -> &'static str {
    match unit {
        ImageUnit::Kelvin => "Kelvin",
        ImageUnit::JanskyPerPixel => "Jansky-per-px",
        ImageUnit::Si => "SI",
        ImageUnit::Tau => "Tau",
    }
}
