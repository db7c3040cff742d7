//! The molecular data model: levels, radiative lines and collision partners.

use serde::Serialize;
use stop_physics::constants::HC_OVER_K_CM_K;

use crate::collisions::CollisionPartner;

/// One energy level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// Energy above the file's zero, cm⁻¹.
    pub energy_cm1: f64,
    /// Statistical weight g (> 0).
    pub weight: f64,
    /// Label (quantum numbers) as in the file, quotes removed.
    pub label: String,
}

impl Level {
    /// Energy E/k in K (CODATA 2018 hc/k).
    #[must_use]
    pub fn energy_k(&self) -> f64 {
        self.energy_cm1 * HC_OVER_K_CM_K
    }
}

/// One radiative transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RadiativeLine {
    /// Upper level, 0-based.
    pub up: usize,
    /// Lower level, 0-based.
    pub lo: usize,
    /// Einstein A coefficient, s⁻¹.
    pub a_ul_s: f64,
    /// Frequency as printed in the file, GHz.
    pub freq_ghz: f64,
    /// Upper-level energy as printed in the file, K.
    pub eup_k: f64,
}

/// A molecule as read from a LAMDA file (Schöier et al. 2005, A&A 432, 369).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Molecule {
    /// Name (second line of the file).
    pub name: String,
    /// Molecular weight, atomic mass units.
    pub weight_amu: f64,
    /// Energy levels in file order.
    pub levels: Vec<Level>,
    /// Radiative transitions in file order.
    pub lines: Vec<RadiativeLine>,
    /// Collision partners in file order.
    pub partners: Vec<CollisionPartner>,
    /// Comment lines after the last rate line (references, notes), without the `!`.
    pub notes: Vec<String>,
}

impl Molecule {
    /// Number of levels.
    #[must_use]
    pub fn n_levels(&self) -> usize {
        self.levels.len()
    }

    /// Number of radiative transitions.
    #[must_use]
    pub fn n_lines(&self) -> usize {
        self.lines.len()
    }

    /// Line wavenumber E_u − E_l from the level energies, cm⁻¹ (what every physical formula
    /// uses; the file's frequency column is for display and selection).
    #[must_use]
    pub fn line_wavenumber_cm1(&self, i_line: usize) -> f64 {
        let line = &self.lines[i_line];
        self.levels[line.up].energy_cm1 - self.levels[line.lo].energy_cm1
    }

    /// Rotational partition function from the levels, Q(T) = Σ g_i exp(−E_i / kT), with E_i
    /// as in the file (`../shared/docs/lte.md` §3.1). Only as complete as the level list.
    ///
    /// ```
    /// let co = stop_molecule::shipped("co").unwrap();
    /// // lte.md §3.1 gives 7.57323 for a rigid rotor; LAMDA's levels include
    /// // centrifugal distortion, which adds 4e-5 relative at 20 K
    /// assert!((co.partition_function(20.0) / 7.573_23 - 1.0).abs() < 1e-4);
    /// ```
    #[must_use]
    pub fn partition_function(&self, t_k: f64) -> f64 {
        self.levels.iter().map(|level| level.weight * (-level.energy_k() / t_k).exp()).sum()
    }

    /// The ten (or `n`) strongest lines at temperature `t_k` in LTE, ranked by the
    /// optically thin integrated intensity ∝ g_u A_ul exp(−E_u/kT) / ν̃², strongest first
    /// (returns line indices).
    #[must_use]
    pub fn strongest_lines(&self, t_k: f64, n: usize) -> Vec<usize> {
        let mut scored: Vec<(usize, f64)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i_line, line)| {
                let up = &self.levels[line.up];
                let wn = self.line_wavenumber_cm1(i_line);
                (i_line, up.weight * line.a_ul_s * (-up.energy_k() / t_k).exp() / (wn * wn))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.into_iter().take(n).map(|(i_line, _)| i_line).collect()
    }
}
