//! Named unit conversions (GHz, Hz, cm⁻¹, K, km/s, m/s).

use crate::constants::{C_CM_S, C_KM_S, HC_OVER_K_CM_K};

/// GHz → Hz.
#[must_use]
pub fn ghz_to_hz(freq_ghz: f64) -> f64 {
    freq_ghz * 1e9
}
/// Hz → GHz.
#[must_use]
pub fn hz_to_ghz(freq_hz: f64) -> f64 {
    freq_hz * 1e-9
}
/// Frequency in Hz → wavenumber in cm⁻¹.
#[must_use]
pub fn hz_to_cm1(freq_hz: f64) -> f64 {
    freq_hz / C_CM_S
}
/// Wavenumber in cm⁻¹ → frequency in Hz.
#[must_use]
pub fn cm1_to_hz(wavenumber_cm1: f64) -> f64 {
    wavenumber_cm1 * C_CM_S
}
/// Energy as a wavenumber in cm⁻¹ → temperature E/k in K.
///
/// ```
/// use stop_physics::units::{cm1_to_k, k_to_cm1};
/// assert!((cm1_to_k(1.0) - 1.438_776_877).abs() < 1e-9);
/// assert!((k_to_cm1(cm1_to_k(3.845)) - 3.845).abs() < 1e-14);
/// ```
#[must_use]
pub fn cm1_to_k(energy_cm1: f64) -> f64 {
    energy_cm1 * HC_OVER_K_CM_K
}
/// Temperature E/k in K → energy as a wavenumber in cm⁻¹.
#[must_use]
pub fn k_to_cm1(energy_k: f64) -> f64 {
    energy_k / HC_OVER_K_CM_K
}
/// km s⁻¹ → m s⁻¹.
#[must_use]
pub fn km_s_to_m_s(v_km_s: f64) -> f64 {
    v_km_s * 1e3
}
/// km s⁻¹ → cm s⁻¹.
#[must_use]
pub fn km_s_to_cm_s(v_km_s: f64) -> f64 {
    v_km_s * 1e5
}
/// Radio-convention velocity (km s⁻¹) of a frequency relative to a rest frequency:
/// v = c (ν₀ − ν) / ν₀.
///
/// ```
/// use stop_physics::units::{freq_to_radio_velocity_km_s, radio_velocity_to_freq};
/// let nu0 = 115.271_201_8e9;
/// let v = freq_to_radio_velocity_km_s(nu0 * (1.0 - 1e-5), nu0);
/// assert!((v - 2.997_924_58).abs() < 1e-9);
/// assert!((radio_velocity_to_freq(v, nu0) / (nu0 * (1.0 - 1e-5)) - 1.0).abs() < 1e-15);
/// ```
#[must_use]
pub fn freq_to_radio_velocity_km_s(freq: f64, rest_freq: f64) -> f64 {
    C_KM_S * (rest_freq - freq) / rest_freq
}
/// Frequency (same unit as `rest_freq`) of a radio-convention velocity in km s⁻¹.
#[must_use]
pub fn radio_velocity_to_freq(v_km_s: f64, rest_freq: f64) -> f64 {
    rest_freq * (1.0 - v_km_s / C_KM_S)
}
/// Wavelength in µm of a frequency in GHz.
#[must_use]
pub fn ghz_to_um(freq_ghz: f64) -> f64 {
    C_CM_S / ghz_to_hz(freq_ghz) * 1e4
}
