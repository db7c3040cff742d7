//! The constants of the legacy RADEX code (van der Tak et al. 2007, A&A 468, 627), for a
//! bit-exact port only (`../shared/docs/escape-probability.md` §1).
//!
//! RADEX uses CODATA 2002 values and several single-precision literals promoted to
//! double. They differ from [`crate::constants`] by ~1e-7 relative. Nothing but the
//! RADEX-compatible mode may use them.

/// Speed of light, cm s⁻¹ (as in RADEX).
pub const C_CM_S: f64 = 2.997_924_58e10;
/// Planck constant, erg s (CODATA 2002, as in RADEX).
pub const H_ERG_S: f64 = 6.626_096_3e-27;
/// Boltzmann constant, erg K⁻¹ (CODATA 2002, as in RADEX).
pub const K_ERG_K: f64 = 1.380_650_5e-16;
/// π truncated as in RADEX.
#[allow(clippy::approx_constant)] // deliberately RADEX's truncated literal, not std::f64::consts::PI
pub const PI: f64 = 3.141_592_65;
/// h c / k formed as (h·c)/k, cm K.
pub const HC_OVER_K_CM_K: f64 = H_ERG_S * C_CM_S / K_ERG_K;
/// 2 h c formed as (2·h)·c, erg cm.
pub const TWO_HC: f64 = 2.0 * H_ERG_S * C_CM_S;
/// RADEX's Gaussian factor: the single-precision literal 1.0645 promoted to double.
pub const GAUSS_FACTOR_F32: f64 = 1.0645_f32 as f64;
/// Line-opacity constant F = (1.0645₃₂ × 8) × π (escape-probability.md §1).
pub const FGAUSS: f64 = GAUSS_FACTOR_F32 * 8.0 * PI;
/// Lowest allowed fractional population.
pub const MIN_POP: f64 = 1e-20;
/// Background intensity used when the Planck exponent overflows, erg s⁻¹ cm⁻² Hz⁻¹ sr⁻¹.
pub const EPS: f64 = 1e-30;
/// Exponents c₂ν̃/T at or above this are treated as infinite.
pub const MAX_EXPONENT: f64 = 160.0;
/// CMB temperature of RADEX's built-in interstellar field: the single-precision 2.725.
pub const T_CMB_GALBR_K: f64 = 2.725_f32 as f64;
/// Energy of the lowest ortho-H2 level above para J = 0, K, in RADEX's thermal ortho/para
/// ratio opr = min(3, 9 exp(−170.6/T)): the single-precision 170.6 (escape-probability.md §4).
pub const H2_ORTHO_PARA_DE_K_F32: f64 = 170.6_f32 as f64;
/// Dust temperature of the COBE single-temperature fit in RADEX's interstellar field, K
/// (escape-probability.md §5.2; Wright et al. 1991, ApJ 381, 200).
pub const T_DUST_GALBR_K: f64 = 23.3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fgauss_matches_the_documented_value() {
        // escape-probability.md §1: F as RADEX computes it is 26.75380236
        assert!((FGAUSS - 26.753_802_36).abs() < 1e-8);
        assert!((HC_OVER_K_CM_K - 1.438_780_99).abs() < 1e-8);
        assert!((TWO_HC - 3.972_907_39e-16).abs() < 1e-24);
    }
}
