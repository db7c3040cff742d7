//! The van Zadelhoff et al. (2002, A&A 395, 373) benchmark models: problem 1 (static r⁻²
//! sphere, two-level molecule) and problem 2 (HCO+ in the Shu 1977 inside-out collapse, from
//! the published 50-radius table).

use super::{BuiltinSample, Provides};
use crate::error::ModelError;
use crate::field::{Interpolation, Outside, RadialProfile};
use crate::file::keys::Section;
use crate::physical::{Bounds, Position};
use crate::table::DataTable;
use std::path::Path;

/// Problem 1: n(H2) = 2e7 cm⁻³ (r/r_in)⁻² for r_in ≤ r ≤ r_out, nothing inside r_in,
/// T = 20 K, static, total Doppler b = 150 m/s (no thermal term; see
/// `../shared/reference/benchmark-vz2002/README.md`), abundance 1e-8 (1a) or 1e-6 (1b).
#[derive(Debug, Clone, PartialEq)]
pub struct Vz2002Problem1 {
    /// n(molecule)/n(H2).
    pub abundance: f64,
}

impl Vz2002Problem1 {
    /// Inner radius r_in, m (1.0e15 cm).
    pub const INNER_RADIUS_M: f64 = 1.0e13;
    /// Outer radius, m (7.8e18 cm).
    pub const OUTER_RADIUS_M: f64 = 7.8e16;
    /// n(H2) at r_in, m⁻³ (2.0e7 cm⁻³).
    pub const N_INNER_M3: f64 = 2.0e13;
    /// Kinetic temperature, K.
    pub const TKIN_K: f64 = 20.0;
    /// Total Doppler b, m/s ("0.15 km/s").
    pub const DOPPLER_B_M_S: f64 = 150.0;

    pub(crate) fn from_section(s: &mut Section<'_>) -> Result<Self, ModelError> {
        let abundance = s.f64_checked("abundance", None, |v| v > 0.0 && v < 1.0, "an abundance in (0, 1): 1e-8 (1a) or 1e-6 (1b)")?;
        Ok(Self { abundance })
    }

    pub(crate) const PROVIDES: Provides =
        Provides { density: true, tkin: true, abundance: true, velocity: true, doppler: true };

    pub(crate) const BOUNDS: Bounds = Bounds { inner_radius_m: Self::INNER_RADIUS_M, outer_radius_m: Self::OUTER_RADIUS_M };

    pub(crate) fn sample(&self, p: &Position) -> BuiltinSample {
        let inside = (Self::INNER_RADIUS_M..=Self::OUTER_RADIUS_M).contains(&p.r_m);
        let x = Self::INNER_RADIUS_M / p.r_m;
        BuiltinSample {
            n_h2_m3: if inside { Self::N_INNER_M3 * x * x } else { 0.0 },
            tkin_k: Self::TKIN_K,
            abundance: self.abundance,
            velocity_m_s: [0.0; 3],
            doppler_b_m_s: Self::DOPPLER_B_M_S,
        }
    }
}

/// Problem 2: the Shu (1977, ApJ 214, 488) inside-out collapse as tabulated for the benchmark
/// (RATRAN-style file: 7 header lines, then r (cm), n(H2) (cm⁻³), X, T (K), v_r (km/s),
/// b_turb (km/s)). Interpolated as LIME's benchmark model does: linear in log r, density
/// log-log; zero density inside the innermost table radius; end values beyond the outermost.
#[derive(Debug, Clone, PartialEq)]
pub struct ShuCollapse {
    density_m3: RadialProfile,
    abundance: RadialProfile,
    tkin_k: RadialProfile,
    radial_velocity_m_s: RadialProfile,
    doppler_b_m_s: RadialProfile,
}

impl ShuCollapse {
    /// Header lines of the benchmark tables.
    pub const HEADER_LINES: usize = 7;

    /// Read a benchmark table.
    ///
    /// # Errors
    /// [`ModelError::Io`] or [`ModelError::Table`] for an unreadable or malformed table.
    pub fn read(path: &Path) -> Result<Self, ModelError> {
        let names = ["r_cm", "n_h2_cm3", "abundance", "tkin_k", "vr_km_s", "b_km_s"].map(String::from);
        let table = DataTable::read(path, Self::HEADER_LINES, &names)?;
        let source = path.display().to_string();
        let column = |i: usize, scale: f64| table.columns[i].iter().map(|v| v * scale).collect::<Vec<f64>>();
        let r_m = column(0, 1e-2);
        let profile = |values, interpolation, below| {
            RadialProfile::new(&source, r_m.clone(), values, interpolation, below, Outside::Clamp)
        };
        Ok(Self {
            density_m3: profile(column(1, 1e6), Interpolation::LogLog, Outside::Value(0.0))?,
            abundance: profile(column(2, 1.0), Interpolation::LogR, Outside::Clamp)?,
            tkin_k: profile(column(3, 1.0), Interpolation::LogR, Outside::Clamp)?,
            radial_velocity_m_s: profile(column(4, 1e3), Interpolation::LogR, Outside::Clamp)?,
            doppler_b_m_s: profile(column(5, 1e3), Interpolation::LogR, Outside::Clamp)?,
        })
    }

    pub(crate) fn from_section(s: &mut Section<'_>, base_dir: &Path) -> Result<Self, ModelError> {
        let table = s.required_string("table")?;
        Self::read(&base_dir.join(table))
    }

    pub(crate) const PROVIDES: Provides =
        Provides { density: true, tkin: true, abundance: true, velocity: true, doppler: true };

    pub(crate) fn bounds(&self) -> Bounds {
        let r = self.density_m3.radii_m();
        Bounds { inner_radius_m: r[0], outer_radius_m: r[r.len() - 1] }
    }

    pub(crate) fn sample(&self, p: &Position) -> BuiltinSample {
        let r = p.r_m;
        let s = if r > 0.0 { self.radial_velocity_m_s.at(r) / r } else { 0.0 };
        BuiltinSample {
            n_h2_m3: self.density_m3.at(r),
            tkin_k: self.tkin_k.at(r),
            abundance: self.abundance.at(r),
            velocity_m_s: [s * p.x_m, s * p.y_m, s * p.z_m],
            doppler_b_m_s: self.doppler_b_m_s.at(r),
        }
    }
}
