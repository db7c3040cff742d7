//! `ulrich_envelope`: a rotating, infalling envelope (Ulrich 1976, ApJ 210, 377; Cassen &
//! Moosman 1981, Icarus 48, 353).

use super::{BuiltinSample, Provides};
use crate::error::ModelError;
use crate::file::keys::Section;
use crate::physical::{Bounds, Position};

/// Gas falling ballistically from a rigidly rotating cloud onto a point mass M at the rate Ṁ;
/// the streamlines reach the mid-plane inside the centrifugal radius R_c.
///
/// A parcel at (r, θ) (θ from the +z rotation axis, μ = cos θ) started at polar angle θ0,
/// μ0 = cos θ0, the root of the streamline equation of a parabolic orbit (Ulrich 1976;
/// Cassen & Moosman 1981)
///
/// μ0³ + μ0 (r/R_c − 1) − μ r/R_c = 0,
///
/// with |μ0| ≥ |μ| and the sign of μ. Then
///
/// * ρ = Ṁ / (4π sqrt(G M r³)) · (1 + μ/μ0)^(−1/2) · (μ/μ0 + 2 μ0² R_c/r)^(−1),
/// * v_r = −sqrt(G M/r) (1 + μ/μ0)^(1/2),
/// * v_θ = sqrt(G M/r) (μ0 − μ) ((μ0 + μ)/(μ0 sin²θ))^(1/2),
/// * v_φ = sqrt(G M/r) (sin θ0 / sin θ) (1 − μ/μ0)^(1/2),
///
/// so |v|² = 2GM/r (parabolic orbits) and r sin θ v_φ = sqrt(G M R_c) sin²θ0 (angular momentum
/// of the parcel's start). n(H2) = ρ / (μ_H2 m_u). The density diverges in the mid-plane at
/// r = R_c (a known property of the solution); nothing is placed inside `inner_radius_m`.
#[derive(Debug, Clone, PartialEq)]
pub struct UlrichEnvelope {
    /// Central mass, kg.
    pub stellar_mass_kg: f64,
    /// G, SI.
    pub grav_si: f64,
    /// Infall rate Ṁ, kg/s.
    pub infall_rate_kg_s: f64,
    /// Centrifugal radius R_c, m.
    pub centrifugal_radius_m: f64,
    /// Mass per H2 molecule, amu (2.8 with helium: Kauffmann et al. 2008, A&A 487, 993, App. A).
    pub mass_per_h2_amu: f64,
    /// Inner radius (empty inside), m.
    pub inner_radius_m: f64,
    /// Outer radius, m.
    pub outer_radius_m: f64,
}

/// Newton steps allowed for μ0 (convergence is monotone from μ0 = 1, ~6 steps typical).
const MAX_NEWTON_STEPS: usize = 100;

/// μ0 for a parcel at μ = cos θ and ζ = r/R_c.
///
/// f(m) = m³ + m(ζ − 1) − μζ is convex for m > 0 with f(0) ≤ 0 ≤ f(1) when μ ≥ 0, so it has one
/// positive root, and Newton's method from m = 1 approaches it monotonically from above. μ < 0
/// follows by symmetry.
#[must_use]
pub fn streamline_mu0(mu: f64, zeta: f64) -> f64 {
    let a = mu.abs();
    let mut m: f64 = 1.0;
    for _ in 0..MAX_NEWTON_STEPS {
        let f = m * m * m + m * (zeta - 1.0) - a * zeta;
        let df = 3.0 * m * m + zeta - 1.0;
        if f <= 0.0 || df <= 0.0 {
            break;
        }
        let next = (m - f / df).max(a);
        if next >= m {
            break;
        }
        m = next;
    }
    m.copysign(mu)
}

impl UlrichEnvelope {
    pub(crate) fn from_section(s: &mut Section<'_>) -> Result<Self, ModelError> {
        let positive = |v: f64| v > 0.0;
        let stellar_mass_kg = s.f64_checked("stellar_mass_kg", None, positive, "a mass > 0")?;
        let grav_si = s.f64_checked("grav_si", Some(s.names()["grav_si"]), positive, "G > 0")?;
        let infall_rate_kg_s = s.f64_checked("infall_rate_kg_s", None, positive, "a rate > 0")?;
        let centrifugal_radius_m = s.f64_checked("centrifugal_radius_m", None, positive, "a radius > 0")?;
        let mass_per_h2_amu = s.f64_checked("mass_per_h2_amu", Some(2.8), positive, "a mass > 0")?;
        let inner_radius_m = s.f64_checked("inner_radius_m", None, positive, "a radius > 0")?;
        let outer_radius_m = s.f64_checked("outer_radius_m", None, |v| v > inner_radius_m, "a radius > inner_radius_m")?;
        Ok(Self { stellar_mass_kg, grav_si, infall_rate_kg_s, centrifugal_radius_m, mass_per_h2_amu, inner_radius_m, outer_radius_m })
    }

    pub(crate) const PROVIDES: Provides = Provides { density: true, velocity: true, ..Provides::NONE };

    pub(crate) fn bounds(&self) -> Bounds {
        Bounds { inner_radius_m: self.inner_radius_m, outer_radius_m: self.outer_radius_m }
    }

    pub(crate) fn sample(&self, p: &Position) -> BuiltinSample {
        let mut out = BuiltinSample::ZERO;
        let r = p.r_m;
        if !(self.inner_radius_m..=self.outer_radius_m).contains(&r) {
            return out;
        }
        let gm = self.grav_si * self.stellar_mass_kg;
        let zeta = r / self.centrifugal_radius_m;
        let mu = (p.z_m / r).clamp(-1.0, 1.0);
        let mu0 = streamline_mu0(mu, zeta);
        // μ/μ0 on the mid-plane outside R_c is the limit (ζ − 1)/ζ of μ0 ≈ μ ζ/(ζ − 1).
        let ratio = if mu0 == 0.0 { (zeta - 1.0) / zeta } else { mu / mu0 };
        let rho = self.infall_rate_kg_s / (4.0 * std::f64::consts::PI * (gm * r * r * r).sqrt())
            / (1.0 + ratio).sqrt()
            / (ratio + 2.0 * mu0 * mu0 / zeta);
        out.n_h2_m3 = rho / (self.mass_per_h2_amu * stop_physics::constants::AMU_G * 1e-3);
        let v_kep = (gm / r).sqrt();
        let v_r = -v_kep * (1.0 + ratio).sqrt();
        let sin_theta = p.rcyl_m / r;
        let (v_theta, v_phi) = if sin_theta > 0.0 && mu0 != 0.0 {
            let sin_theta0 = (1.0 - mu0 * mu0).max(0.0).sqrt();
            (
                v_kep * (mu0 - mu) * ((mu0 + mu) / (mu0 * sin_theta * sin_theta)).sqrt(),
                v_kep * sin_theta0 / sin_theta * (1.0 - ratio).max(0.0).sqrt(),
            )
        } else if sin_theta > 0.0 {
            // Mid-plane outside R_c: parcels arrive from just above the plane (θ0 → π/2).
            (0.0, v_kep * (1.0 - ratio).max(0.0).sqrt() / sin_theta)
        } else {
            (0.0, 0.0)
        };
        // Spherical to Cartesian: r̂, θ̂ and φ̂ at azimuth φ.
        let (cos_phi, sin_phi) = if p.rcyl_m > 0.0 { (p.x_m / p.rcyl_m, p.y_m / p.rcyl_m) } else { (1.0, 0.0) };
        let v_cyl = v_r * sin_theta + v_theta * mu;
        out.velocity_m_s = [v_cyl * cos_phi - v_phi * sin_phi, v_cyl * sin_phi + v_phi * cos_phi, v_r * mu - v_theta * sin_theta];
        out
    }
}
