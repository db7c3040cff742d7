//! From catalog quantities to the Einstein A coefficient and the upper-level energy
//! (`lte.md` §4.1; Pickett et al. 1998, JQSRT 60, 883, eqs. 3 and 9).

use stop_physics::constants::{C_CM_S, HC_OVER_K_CM_K};

use crate::spcat::CatalogLine;

/// Temperature at which SPCAT catalogs tabulate intensities, K.
pub const CATALOG_T_K: f64 = 300.0;

/// MHz per cm⁻¹: ν/c with ν in MHz gives cm⁻¹ (c in cm s⁻¹ divided by 1e6).
const MHZ_PER_CM1: f64 = C_CM_S * 1e-6;

/// 8π/c² in the catalog units: A (s⁻¹) = `A_FACTOR` · I (nm² MHz) · ν² (MHz²) · Q / g_u / (…),
/// i.e. 8π/c² (cgs) × 1e-14 cm² nm⁻² × 1e6 Hz MHz⁻¹ × 1e12 Hz² MHz⁻² = 2.79639e-16.
///
/// ```
/// assert!((stop_catalog::intensity::A_FACTOR - 2.7964e-16).abs() < 1e-20);
/// ```
pub const A_FACTOR: f64 = 8.0 * std::f64::consts::PI / (C_CM_S * C_CM_S) * 1e4;

/// Upper-state energy E_u = E_l + ν/c, cm⁻¹.
#[must_use]
pub fn upper_energy_cm1(line: &CatalogLine) -> f64 {
    line.elo_cm1 + line.freq_mhz / MHZ_PER_CM1
}

/// Upper-state energy E_u/k, K.
#[must_use]
pub fn upper_energy_k(line: &CatalogLine) -> f64 {
    upper_energy_cm1(line) * HC_OVER_K_CM_K
}

/// Einstein A coefficient from the catalog intensity:
/// A_ul = 8π/c² · I(300) ν² Q(300) / g_u / (exp(−E_l/300 K) − exp(−E_u/300 K))
/// (`lte.md` §4.1). `q300` must be the Q(300 K) of the same catalog the line comes from,
/// not an interpolated value.
///
/// ```
/// use stop_catalog::{intensity::einstein_a_s, parse_catalog};
/// let cat = parse_catalog("co.cat", "  115271.2018  0.0005 -5.0105 2    0.0000  3 -28503 101 1           0").unwrap();
/// let a_ul_s = einstein_a_s(&cat.lines[0], 10f64.powf(2.0369));
/// assert!((a_ul_s / 7.2035e-8 - 1.0).abs() < 1e-4); // CDMS quotes 7.203e-8
/// ```
#[must_use]
pub fn einstein_a_s(line: &CatalogLine, q300: f64) -> f64 {
    let intensity = 10f64.powf(line.lgint);
    let boltz_lo = (-line.elo_cm1 * HC_OVER_K_CM_K / CATALOG_T_K).exp();
    let boltz_up = (-upper_energy_cm1(line) * HC_OVER_K_CM_K / CATALOG_T_K).exp();
    A_FACTOR * intensity * line.freq_mhz * line.freq_mhz * q300 / f64::from(line.gup) / (boltz_lo - boltz_up)
}
