//! `power_law_envelope`: n(H2) = n0 (max(r, r_floor)/r0)^p, optional T = t0 (max(r, r_floor)/r0)^q,
//! optional free fall onto a point mass (LIME's example model; model A without its T table).

use super::{BuiltinSample, Provides};
use crate::error::ModelError;
use crate::file::keys::Section;
use crate::physical::Position;

/// A spherical power-law envelope.
///
/// Free fall from rest at infinity onto a point mass M: `v = -sqrt(2 G M / r_v) (x, y, z)/r_v`
/// with `r_v = max(r, velocity_floor_m)` (energy conservation, parabolic orbit; the floor and the
/// `/r_v` of the direction reproduce LIME's example `model.c`). A density slope of −1.5 is the
/// free-fall envelope inside the collapse front (Shu 1977, ApJ 214, 488, eq. 13 limit).
#[derive(Debug, Clone, PartialEq)]
pub struct PowerLawEnvelope {
    /// n(H2) at r0, m⁻³.
    pub n0_m3: f64,
    /// Reference radius, m.
    pub r0_m: f64,
    /// Density exponent p.
    pub exponent: f64,
    /// Radius below which r is replaced by the floor (density and temperature), m.
    pub r_floor_m: f64,
    /// T at r0 and its exponent, when the model sets the temperature.
    pub temperature: Option<(f64, f64)>,
    /// Central mass (kg), G (SI) and the velocity floor (m), when the gas falls freely.
    pub infall: Option<(f64, f64, f64)>,
}

impl PowerLawEnvelope {
    pub(crate) fn from_section(s: &mut Section<'_>) -> Result<Self, ModelError> {
        let positive = |v: f64| v > 0.0;
        let n0_m3 = s.f64_checked("n0_m3", None, positive, "a density > 0")?;
        let r0_m = s.f64_checked("r0_m", None, positive, "a radius > 0")?;
        let exponent = s.required_f64("exponent")?;
        let r_floor_m = s.f64_checked("r_floor_m", None, positive, "a radius > 0 (keeps r^p finite at the centre)")?;
        let temperature = match s.f64("t0_k")? {
            None => None,
            Some(t0) if t0 > 0.0 => Some((t0, s.f64("t_exponent")?.unwrap_or(0.0))),
            Some(t0) => return Err(s.bad_value("t0_k", t0, "a temperature > 0")),
        };
        let infall = match s.f64("infall_mass_kg")? {
            None => None,
            Some(m) if m > 0.0 => {
                let g = s.f64_checked("grav_si", Some(s.names()["grav_si"]), positive, "G > 0")?;
                let floor = s.f64_checked("velocity_floor_m", Some(r_floor_m), positive, "a radius > 0")?;
                Some((m, g, floor))
            }
            Some(m) => return Err(s.bad_value("infall_mass_kg", m, "a mass > 0")),
        };
        Ok(Self { n0_m3, r0_m, exponent, r_floor_m, temperature, infall })
    }

    pub(crate) fn provides(&self) -> Provides {
        Provides { density: true, tkin: self.temperature.is_some(), velocity: true, ..Provides::NONE }
    }

    pub(crate) fn sample(&self, p: &Position) -> BuiltinSample {
        let x = p.r_m.max(self.r_floor_m) / self.r0_m;
        let mut out = BuiltinSample::ZERO;
        out.n_h2_m3 = self.n0_m3 * x.powf(self.exponent);
        if let Some((t0, q)) = self.temperature {
            out.tkin_k = t0 * x.powf(q);
        }
        if let Some((mass_kg, g, floor)) = self.infall {
            let r_v = p.r_m.max(floor);
            let s = -(2.0 * g * mass_kg / r_v).sqrt() / r_v;
            out.velocity_m_s = [s * p.x_m, s * p.y_m, s * p.z_m];
        }
        out
    }
}
