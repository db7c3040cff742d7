//! Physical constants, CODATA 2018 (Tiesinga et al. 2021, RvMP 93, 025010), cgs units.
//!
//! SI-exact constants (c, h, k) are exact here too. Derived constants are computed
//! from the exact ones in `const` expressions so they can never drift apart.

/// Speed of light in vacuum, cm s⁻¹ (exact).
pub const C_CM_S: f64 = 2.997_924_58e10;
/// Speed of light in vacuum, m s⁻¹ (exact).
pub const C_M_S: f64 = 2.997_924_58e8;
/// Speed of light in vacuum, km s⁻¹ (exact).
pub const C_KM_S: f64 = 2.997_924_58e5;
/// Planck constant, erg s (exact).
pub const H_ERG_S: f64 = 6.626_070_15e-27;
/// Boltzmann constant, erg K⁻¹ (exact).
pub const K_ERG_K: f64 = 1.380_649e-16;
/// Atomic mass constant (1 u), g (CODATA 2018, relative uncertainty 3e-10).
pub const AMU_G: f64 = 1.660_539_066_60e-24;
/// Second radiation constant h c / k, cm K: converts a wavenumber in cm⁻¹ to kelvin.
///
/// ```
/// use stop_physics::constants::*;
/// assert!((HC_OVER_K_CM_K - 1.438_776_877).abs() < 1e-9);
/// assert_eq!(HC_OVER_K_CM_K, H_ERG_S * C_CM_S / K_ERG_K);
/// ```
pub const HC_OVER_K_CM_K: f64 = H_ERG_S * C_CM_S / K_ERG_K;
/// h / k, K s: converts a frequency in Hz to kelvin.
///
/// ```
/// use stop_physics::constants::*;
/// assert!((H_OVER_K_K_S - 4.799_243_073e-11).abs() < 1e-19);
/// ```
pub const H_OVER_K_K_S: f64 = H_ERG_S / K_ERG_K;
/// Cosmic microwave background temperature, K (Fixsen 2009, ApJ 707, 916).
pub const T_CMB_K: f64 = 2.725_48;
/// One jansky in erg s⁻¹ cm⁻² Hz⁻¹.
pub const JY_CGS: f64 = 1.0e-23;
/// One arcsecond in radians.
///
/// ```
/// use stop_physics::constants::ARCSEC_RAD;
/// assert!((ARCSEC_RAD * 3600.0 * 180.0 - std::f64::consts::PI).abs() < 1e-15);
/// ```
pub const ARCSEC_RAD: f64 = std::f64::consts::PI / (180.0 * 3600.0);
/// Astronomical unit, cm (IAU 2012 Resolution B2, exact).
pub const AU_CM: f64 = 1.495_978_707e13;
/// Astronomical unit, m (IAU 2012 Resolution B2, exact).
pub const AU_M: f64 = 1.495_978_707e11;
/// Parsec, cm (IAU 2015 Resolution B2: 648000/π au).
pub const PC_CM: f64 = AU_CM * 648_000.0 / std::f64::consts::PI;
/// Newtonian constant of gravitation, cm³ g⁻¹ s⁻² (CODATA 2018, relative uncertainty 2.2e-5).
pub const G_CGS: f64 = 6.674_30e-8;
/// Nominal solar mass parameter GM☉, cm³ s⁻² (IAU 2015 Resolution B3, exact by definition).
pub const GM_SUN_CGS: f64 = 1.327_124_4e26;
/// Solar mass, g: GM☉ / G (IAU 2015 B3 with CODATA 2018 G; uncertain to G's 2.2e-5).
///
/// ```
/// use stop_physics::constants::*;
/// assert!((M_SUN_G / 1.988_41e33 - 1.0).abs() < 1e-5);
/// assert_eq!(M_SUN_G, GM_SUN_CGS / G_CGS);
/// ```
pub const M_SUN_G: f64 = GM_SUN_CGS / G_CGS;
/// Gaussian area factor √(π / (4 ln 2)) = ∫ profile / (peak · FWHM) ≈ 1.0644670194.
///
/// ```
/// use stop_physics::constants::GAUSS_AREA_FACTOR;
/// let formula = (std::f64::consts::PI / (4.0 * std::f64::consts::LN_2)).sqrt();
/// assert!((GAUSS_AREA_FACTOR - formula).abs() <= f64::EPSILON);
/// ```
pub const GAUSS_AREA_FACTOR: f64 = 1.064_467_019_431_226_2;
