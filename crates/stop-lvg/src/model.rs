//! The physical parameters of one model and the molecule prepared for solving.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use stop_molecule::{Molecule, PartnerDensities};
use stop_physics::radex_legacy::EPS;

use crate::error::LvgError;
use crate::escape::Geometry;

/// The physical conditions of one escape-probability model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelParams {
    /// Kinetic temperature, K.
    pub tkin_k: f64,
    /// Collision-partner densities, cm⁻³. When only total H2 is given and the file has more
    /// than one partner block, RADEX's thermal ortho/para split is applied (escape-probability.md §4).
    pub densities: PartnerDensities,
    /// Background temperature, K: > 0 a blackbody (2.73 K: the CMB), 0 RADEX's interstellar field.
    pub tbg_k: f64,
    /// Molecular column density, cm⁻².
    pub column_cm2: f64,
    /// Line width, FWHM, km s⁻¹.
    pub fwhm_km_s: f64,
    /// Escape-probability geometry.
    pub geometry: Geometry,
}

impl ModelParams {
    /// Check that every parameter is physical (finite, positive where needed).
    ///
    /// # Errors
    /// [`LvgError::BadParameter`] naming the first bad parameter.
    pub fn validate(&self) -> Result<(), LvgError> {
        let positive = [
            ("tkin_k", self.tkin_k),
            ("column_cm2", self.column_cm2),
            ("fwhm_km_s", self.fwhm_km_s),
        ];
        for (name, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(LvgError::BadParameter {
                    name,
                    value,
                    expected: "a finite value > 0",
                });
            }
        }
        for &value in &self.densities.0 {
            if !(value.is_finite() && value >= 0.0) {
                return Err(LvgError::BadParameter {
                    name: "density_cm3",
                    value,
                    expected: "a finite density >= 0",
                });
            }
        }
        if !self.tbg_k.is_finite() || self.tbg_k < 0.0 {
            return Err(LvgError::UnsupportedBackground { tbg_k: self.tbg_k });
        }
        Ok(())
    }

    /// Line width in cm s⁻¹ as RADEX forms it (km/s × the single-precision 1e5, exact).
    #[must_use]
    pub fn fwhm_cm_s(&self) -> f64 {
        self.fwhm_km_s * 1.0e5
    }
}

/// Constants of one radiative line, precomputed once per molecule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineConst {
    /// Upper level, 0-based.
    pub up: usize,
    /// Lower level, 0-based.
    pub lo: usize,
    /// Einstein A, s⁻¹.
    pub a_ul_s: f64,
    /// Statistical weight of the upper level.
    pub g_up: f64,
    /// Statistical weight of the lower level.
    pub g_lo: f64,
    /// Wavenumber E_u − E_l from the level energies, cm⁻¹.
    pub wavenumber_cm1: f64,
    /// pow(ν̃, 3) with the C library's pow (escape-probability.md §1), cm⁻³.
    pub wavenumber3: f64,
}

/// A molecule ready for solving: its lines' constants checked and precomputed.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The molecule.
    pub molecule: Molecule,
    /// One entry per radiative line, in file order.
    pub lines: Vec<LineConst>,
    /// Distinct for every [`Problem::new`] (clones share it): lets a solver keep the
    /// collision matrix of the previous model when only N or Δv changed.
    id: u64,
}

impl Problem {
    /// Prepare a molecule.
    ///
    /// # Errors
    /// [`LvgError::BadLine`] when a line's upper level does not lie above its lower level by
    /// more than 1e-30 cm⁻¹ (RADEX stops there too).
    pub fn new(molecule: Molecule) -> Result<Self, LvgError> {
        let mut lines = Vec::with_capacity(molecule.lines.len());
        for (i_line, line) in molecule.lines.iter().enumerate() {
            let wavenumber_cm1 = molecule.line_wavenumber_cm1(i_line);
            if wavenumber_cm1.is_nan() || wavenumber_cm1 < EPS {
                return Err(LvgError::BadLine {
                    line: i_line + 1,
                    wavenumber_cm1,
                });
            }
            lines.push(LineConst {
                up: line.up,
                lo: line.lo,
                a_ul_s: line.a_ul_s,
                g_up: molecule.levels[line.up].weight,
                g_lo: molecule.levels[line.lo].weight,
                wavenumber_cm1,
                wavenumber3: wavenumber_cm1.powf(3.0),
            });
        }
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Ok(Problem { molecule, lines, id })
    }

    /// The identity of this problem (see the field).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Number of levels.
    #[must_use]
    pub fn n_levels(&self) -> usize {
        self.molecule.levels.len()
    }
}
