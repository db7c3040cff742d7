//! Escape probabilities β(τ) of the three RADEX geometries (escape-probability.md §7), with
//! their derivatives dβ/dτ for the Newton step of the fast solver.
//!
//! The formulas, branch thresholds and literals are RADEX's, single-precision literals
//! promoted to double included, so that the RADEX-compatible mode is bit-exact. τ is the
//! line-centre optical depth; negative τ (masers) goes through the same formulas.

mod lvg;
mod slab;
mod sphere;

use serde::Serialize;

/// The geometry of the emitting region, i.e. which escape probability is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Geometry {
    /// Static uniform sphere (Osterbrock; RADEX `method` 1, "Uniform sphere").
    Sphere,
    /// Expanding sphere, LVG / Sobolev (de Jong, Boland & Dalgarno 1980, A&A 91, 68;
    /// RADEX `method` 2, "Expanding sphere").
    Lvg,
    /// Plane-parallel slab (de Jong, Dalgarno & Chu 1975, ApJ 199, 69; RADEX `method` 3).
    Slab,
}

impl Geometry {
    /// All geometries, in RADEX `method` order.
    pub const ALL: [Geometry; 3] = [Geometry::Sphere, Geometry::Lvg, Geometry::Slab];

    /// Escape probability β(τ) exactly as RADEX evaluates it.
    #[must_use]
    pub fn beta(self, tau: f64) -> f64 {
        match self {
            Geometry::Sphere => sphere::beta(tau),
            Geometry::Lvg => lvg::beta(tau),
            Geometry::Slab => slab::beta(tau),
        }
    }

    /// dβ/dτ of the branch RADEX uses at `tau` (the branches are not continuous; the
    /// derivative is that of the formula in force).
    #[must_use]
    pub fn dbeta_dtau(self, tau: f64) -> f64 {
        match self {
            Geometry::Sphere => sphere::dbeta_dtau(tau),
            Geometry::Lvg => lvg::dbeta_dtau(tau),
            Geometry::Slab => slab::dbeta_dtau(tau),
        }
    }

    /// β(τ) and dβ/dτ together, as the fast solver evaluates them: the same formulas with
    /// one exponential and powers written as products (equal to [`Self::beta`] and
    /// [`Self::dbeta_dtau`] to rounding; `--radex-compat` keeps RADEX's evaluation).
    #[must_use]
    pub fn beta_with_derivative(self, tau: f64) -> (f64, f64) {
        match self {
            Geometry::Sphere => sphere::beta_with_derivative(tau),
            Geometry::Lvg => lvg::beta_with_derivative(tau),
            Geometry::Slab => slab::beta_with_derivative(tau),
        }
    }

    /// Lower-case name used in files and on the command line (`sphere`, `lvg`, `slab`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Geometry::Sphere => "sphere",
            Geometry::Lvg => "lvg",
            Geometry::Slab => "slab",
        }
    }

    /// Parse `sphere`, `lvg` or `slab` (also RADEX's method numbers `1`, `2`, `3`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "sphere" | "uniform-sphere" | "1" => Some(Geometry::Sphere),
            "lvg" | "expanding-sphere" | "2" => Some(Geometry::Lvg),
            "slab" | "plane-parallel-slab" | "3" => Some(Geometry::Slab),
            _ => None,
        }
    }

    /// The geometry text of RADEX's output header.
    #[must_use]
    pub fn radex_header(self) -> &'static str {
        match self {
            Geometry::Sphere => "Uniform sphere",
            Geometry::Lvg => "Expanding sphere",
            Geometry::Slab => "Plane parallel slab",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thin_limit_is_one_for_every_geometry() {
        for geometry in Geometry::ALL {
            assert!((geometry.beta(1e-9) - 1.0).abs() < 1e-8, "{geometry:?}");
        }
    }

    #[test]
    fn derivatives_match_finite_differences_inside_branches() {
        for geometry in Geometry::ALL {
            for &tau in &[0.003_f64, 0.05, 0.5, 3.0, 20.0, 150.0, -0.5, -3.0] {
                let h = 1e-6 * tau.abs();
                let fd = (geometry.beta(tau + h) - geometry.beta(tau - h)) / (2.0 * h);
                let an = geometry.dbeta_dtau(tau);
                assert!(
                    (fd - an).abs() <= 1e-5 * an.abs().max(1e-3),
                    "{geometry:?} tau={tau}: {fd} vs {an}"
                );
            }
        }
    }

    #[test]
    fn combined_evaluation_equals_the_separate_formulas_to_rounding() {
        for geometry in Geometry::ALL {
            for &tau in &[1e-4, 0.003, 0.05, 0.19, 0.21, 0.5, 3.0, 20.0, 99.0, 101.0, 400.0, -0.05, -0.5, -3.0] {
                let (beta, dbeta) = geometry.beta_with_derivative(tau);
                let (b, d) = (geometry.beta(tau), geometry.dbeta_dtau(tau));
                assert!((beta - b).abs() <= 4.0 * f64::EPSILON * b.abs(), "{geometry:?} tau={tau}: {beta} vs {b}");
                // just above the sphere's series threshold dβ/dτ cancels terms of size 1/t³ ≈ 10³
                // to a result of 0.3: both evaluations carry ≈ 10³ ε of rounding there
                assert!((dbeta - d).abs() <= 1e-11 * d.abs().max(1e-3), "{geometry:?} tau={tau}: {dbeta} vs {d}");
            }
        }
    }

    #[test]
    fn thick_limits_follow_the_asymptotes() {
        // sphere: 0.75/t with t = τ/2; slab: 1/(3τ); LVG: 1/(τ √ln(τ/(2√π)))
        assert!((Geometry::Sphere.beta(400.0) - 0.75 / 200.0).abs() < 1e-15);
        assert!((Geometry::Slab.beta(400.0) - 1.0 / 1200.0).abs() < 1e-15);
        let tau: f64 = 400.0;
        let lvg = 1.0 / (tau * (tau / (2.0 * std::f64::consts::PI.sqrt())).ln().sqrt());
        assert!((Geometry::Lvg.beta(tau) / lvg - 1.0).abs() < 1e-8);
    }
}
