//! `kepler_disk`: a flared disk in Keplerian rotation about the z axis.

use super::{BuiltinSample, Provides};
use crate::error::ModelError;
use crate::file::keys::Section;
use crate::physical::{Bounds, Position};

/// A thin disk around a point mass M, between cylindrical radii R_in and R_out:
///
/// * n(H2)(R, z) = n0 (R/R0)^p exp(−z²/2H²), H = H0 (R/R0)^f: a vertically isothermal disk in
///   hydrostatic equilibrium is Gaussian in z with H = c_s/Ω (Pringle 1981, ARA&A 19, 137,
///   §3); f = 1.25 for T ∝ R^−0.5 (H ∝ R^{3/2} T^{1/2}).
/// * defaults p = −2.25 and f = 1.25: a surface density Σ ∝ R⁻¹ (n_mid ∝ Σ/H).
/// * T(R) = t0 (R/R0)^q when `t0_k` is given (default q = −0.5).
/// * v = sqrt(G M / R) φ̂, counter-clockwise seen from +z (Kepler's third law; gas pressure
///   and self-gravity neglected).
#[derive(Debug, Clone, PartialEq)]
pub struct KeplerDisk {
    /// Central mass, kg.
    pub stellar_mass_kg: f64,
    /// G, SI.
    pub grav_si: f64,
    /// Mid-plane n(H2) at R0, m⁻³.
    pub n0_m3: f64,
    /// Reference radius R0, m.
    pub r0_m: f64,
    /// Mid-plane density exponent p.
    pub density_exponent: f64,
    /// Scale height at R0, m.
    pub h0_m: f64,
    /// Flaring exponent f.
    pub flaring_exponent: f64,
    /// Inner and outer cylindrical radius, m.
    pub inner_radius_m: f64,
    /// Outer cylindrical radius (also the bounding sphere), m.
    pub outer_radius_m: f64,
    /// T at R0 and its exponent, when the model sets the temperature.
    pub temperature: Option<(f64, f64)>,
}

impl KeplerDisk {
    pub(crate) fn from_section(s: &mut Section<'_>) -> Result<Self, ModelError> {
        let positive = |v: f64| v > 0.0;
        let stellar_mass_kg = s.f64_checked("stellar_mass_kg", None, positive, "a mass > 0")?;
        let grav_si = s.f64_checked("grav_si", Some(s.names()["grav_si"]), positive, "G > 0")?;
        let n0_m3 = s.f64_checked("n0_m3", None, positive, "a density > 0")?;
        let r0_m = s.f64_checked("r0_m", None, positive, "a radius > 0")?;
        let density_exponent = s.f64("density_exponent")?.unwrap_or(-2.25);
        let h0_m = s.f64_checked("h0_m", None, positive, "a height > 0")?;
        let flaring_exponent = s.f64("flaring_exponent")?.unwrap_or(1.25);
        let inner_radius_m = s.f64_checked("inner_radius_m", None, positive, "a radius > 0")?;
        let outer_radius_m = s.f64_checked("outer_radius_m", None, |v| v > inner_radius_m, "a radius > inner_radius_m")?;
        let temperature = match s.f64("t0_k")? {
            None => None,
            Some(t0) if t0 > 0.0 => Some((t0, s.f64("t_exponent")?.unwrap_or(-0.5))),
            Some(t0) => return Err(s.bad_value("t0_k", t0, "a temperature > 0")),
        };
        Ok(Self {
            stellar_mass_kg,
            grav_si,
            n0_m3,
            r0_m,
            density_exponent,
            h0_m,
            flaring_exponent,
            inner_radius_m,
            outer_radius_m,
            temperature,
        })
    }

    pub(crate) fn provides(&self) -> Provides {
        Provides { density: true, tkin: self.temperature.is_some(), velocity: true, ..Provides::NONE }
    }

    pub(crate) fn bounds(&self) -> Bounds {
        Bounds { inner_radius_m: 0.0, outer_radius_m: self.outer_radius_m }
    }

    pub(crate) fn sample(&self, p: &Position) -> BuiltinSample {
        let mut out = BuiltinSample::ZERO;
        let big_r = p.rcyl_m;
        if !(self.inner_radius_m..=self.outer_radius_m).contains(&big_r) {
            return out;
        }
        let x = big_r / self.r0_m;
        let h = self.h0_m * x.powf(self.flaring_exponent);
        out.n_h2_m3 = self.n0_m3 * x.powf(self.density_exponent) * (-0.5 * (p.z_m / h).powi(2)).exp();
        if let Some((t0, q)) = self.temperature {
            out.tkin_k = t0 * x.powf(q);
        }
        let s = (self.grav_si * self.stellar_mass_kg / big_r).sqrt() / big_r;
        out.velocity_m_s = [-s * p.y_m, s * p.x_m, 0.0];
        out
    }
}
