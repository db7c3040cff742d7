//! A species as the LTE model sees it: a list of transitions (ν, A_ul, g_u, E_u) and a
//! partition function with an explicit convention, built from a LAMDA file or from a
//! CDMS/JPL catalog with its own partition-function table.

use serde::Serialize;
use stop_catalog::{Catalog, PartitionTable, QParams, intensity};
use stop_molecule::Molecule;
use stop_physics::constants::H_OVER_K_K_S;

use crate::error::LteError;

/// One radiative transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    /// Rest frequency, Hz.
    pub freq_hz: f64,
    /// Einstein A coefficient, s⁻¹.
    pub a_ul_s: f64,
    /// Upper-level statistical weight.
    pub g_up: f64,
    /// Upper-level energy E_u/k, K.
    pub eup_k: f64,
    /// Quantum numbers, `up - lo`.
    pub label: String,
}

/// How Q(T) is obtained (`lte.md` §3). The choice moves τ by ~1e-3, so it is always
/// explicit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PartitionFunction {
    /// Σ g_i exp(−E_i/kT) over a level list, (g, E/k in K) pairs (§3.1). LAMDA level lists
    /// are truncated: fine at low T, too small at high T.
    Levels(Vec<(f64, f64)>),
    /// A catalog table with its interpolation conventions (§3.2).
    Table {
        /// The table (keyed by database and tag).
        table: PartitionTable,
        /// Interpolation and extrapolation policy.
        params: QParams,
    },
    /// Linear rigid rotor Σ (2J+1) exp(−h B J(J+1) / kT) with rotational constant B in Hz.
    RigidRotor {
        /// Rotational constant B, Hz.
        b_hz: f64,
    },
    /// A fixed value used at any T (Weeds' `/PARTFUNC`).
    Fixed(f64),
}

impl PartitionFunction {
    /// Q at temperature `t_k`.
    ///
    /// ```
    /// use stop_lte::PartitionFunction;
    /// // lte.md §3.1: CO (B = 57.635968 GHz) Q(20 K) = 7.57323
    /// let q = PartitionFunction::RigidRotor { b_hz: 57.635_968e9 }.q(20.0).unwrap();
    /// assert!((q - 7.573_23).abs() < 5e-6);
    /// ```
    ///
    /// # Errors
    /// Catalog table errors (out of range, non-monotonic table), or
    /// [`LteError::InvalidSetting`] for a non-positive temperature.
    pub fn q(&self, t_k: f64) -> Result<f64, LteError> {
        if !(t_k.is_finite() && t_k > 0.0) {
            return Err(LteError::InvalidSetting { field: "temperature_k", value: t_k, expected: "must be finite and > 0" });
        }
        Ok(match self {
            Self::Levels(levels) => levels.iter().map(|&(g, e_k)| g * (-e_k / t_k).exp()).sum(),
            Self::Table { table, params } => table.q(t_k, *params)?,
            Self::RigidRotor { b_hz } => rigid_rotor_q(*b_hz, t_k),
            Self::Fixed(q) => *q,
        })
    }
}

/// Σ_J (2J+1) exp(−hBJ(J+1)/kT), summed until the terms are below 1e-17 of the sum.
fn rigid_rotor_q(b_hz: f64, t_k: f64) -> f64 {
    let theta_k = H_OVER_K_K_S * b_hz;
    let mut sum = 0.0;
    for j in 0..1_000_000_u32 {
        let jf = f64::from(j);
        let term = (2.0 * jf + 1.0) * (-theta_k * jf * (jf + 1.0) / t_k).exp();
        sum += term;
        if j > 0 && term < 1e-17 * sum && jf * (jf + 1.0) * theta_k > t_k {
            break;
        }
    }
    sum
}

/// A species: its transitions and its partition function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Species {
    /// Name for messages and tables.
    pub name: String,
    /// Transitions (any order).
    pub transitions: Vec<Transition>,
    /// Partition function convention.
    pub partition: PartitionFunction,
}

impl Species {
    /// From a LAMDA molecule: the rest frequencies of the file's FREQ column (the measured
    /// ones: E_u − E_l from the rounded level energies misplaces CO 2-1 by 1 MHz, 1.3 km/s),
    /// weights, A_ul, and Q from the file's levels ([`PartitionFunction::Levels`]).
    ///
    /// ```
    /// let co = stop_lte::Species::from_molecule(&stop_molecule::shipped("co").unwrap());
    /// assert_eq!(co.transitions[1].freq_hz, 230.538e9);
    /// assert!((co.partition.q(20.0).unwrap() / 7.573_23 - 1.0).abs() < 1e-4);
    /// ```
    #[must_use]
    pub fn from_molecule(molecule: &Molecule) -> Self {
        let transitions = molecule
            .lines
            .iter()
            .map(|line| {
                let up = &molecule.levels[line.up];
                let lo = &molecule.levels[line.lo];
                Transition {
                    freq_hz: line.freq_ghz * 1e9,
                    a_ul_s: line.a_ul_s,
                    g_up: up.weight,
                    eup_k: up.energy_k(),
                    label: format!("{} - {}", up.label, lo.label),
                }
            })
            .collect();
        let levels = molecule.levels.iter().map(|level| (level.weight, level.energy_k())).collect();
        Self { name: molecule.name.clone(), transitions, partition: PartitionFunction::Levels(levels) }
    }

    /// From a CDMS/JPL catalog and the partition-function table of the same database and
    /// tag: A_ul from LGINT with the table's own Q(300 K) (`lte.md` §4.1).
    ///
    /// # Errors
    /// [`stop_catalog::CatalogError::NoTabulatedValue`] if the table lacks 300 K, or a table
    /// validation error.
    pub fn from_catalog(name: &str, catalog: &Catalog, table: PartitionTable, params: QParams) -> Result<Self, LteError> {
        table.validate()?;
        let q300 = table.tabulated_q(intensity::CATALOG_T_K)?;
        let transitions = catalog
            .lines
            .iter()
            .map(|line| Transition {
                freq_hz: line.freq_mhz * 1e6,
                a_ul_s: intensity::einstein_a_s(line, q300),
                g_up: f64::from(line.gup),
                eup_k: intensity::upper_energy_k(line),
                label: line.label(),
            })
            .collect();
        Ok(Self { name: name.to_owned(), transitions, partition: PartitionFunction::Table { table, params } })
    }

    /// Q at `t_k`, checked finite and positive.
    ///
    /// # Errors
    /// As [`PartitionFunction::q`], or [`LteError::BadPartitionFunction`].
    pub fn q(&self, t_k: f64) -> Result<f64, LteError> {
        let q = self.partition.q(t_k)?;
        if q.is_finite() && q > 0.0 { Ok(q) } else { Err(LteError::BadPartitionFunction { species: self.name.clone(), t_k, q }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stop_catalog::{Database, parse_catalog, parse_qpart};

    #[test]
    fn rigid_rotor_high_temperature_limit() {
        // Q → kT/hB + 1/3 (lte.md §3.1: 7.5638 for CO at 20 K, series 7.57323)
        let b_hz = 57.635_968e9;
        let t_k = 2000.0;
        let limit = t_k / (H_OVER_K_K_S * b_hz) + 1.0 / 3.0;
        assert!((rigid_rotor_q(b_hz, t_k) / limit - 1.0).abs() < 1e-5);
    }

    #[test]
    fn catalog_species_needs_q_at_300_k() {
        let cat = parse_catalog("co.cat", "  115271.2018  0.0005 -5.0105 2    0.0000  3 -28503 101 1           0").expect("line");
        let no_300 = parse_qpart("co.qpart", "18.75 7.1223\n37.5 13.8965\n", Database::Cdms, 28503).expect("qpart");
        let err = Species::from_catalog("CO", &cat, no_300, QParams::default()).expect_err("no Q(300)");
        assert_eq!(err.to_string(), "CDMS tag 28503: the table has no value at exactly 300 K");
        let with_300 = parse_qpart("co.qpart", "37.5 13.8965\n300 108.8651\n", Database::Cdms, 28503).expect("qpart");
        let species = Species::from_catalog("CO", &cat, with_300, QParams::default()).expect("species");
        assert!((species.transitions[0].a_ul_s / 7.2033e-8 - 1.0).abs() < 1e-4);
        // outside the table: refused, not extrapolated
        assert!(matches!(species.q(10.0), Err(LteError::Catalog(stop_catalog::CatalogError::OutOfRange { .. }))));
        assert!(matches!(species.q(-1.0), Err(LteError::InvalidSetting { .. })));
    }
}
