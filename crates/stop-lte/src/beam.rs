//! Beam dilution and the K ↔ Jy/beam conversion (`lte.md` §5).

use serde::{Deserialize, Serialize};
use stop_physics::constants::{ARCSEC_RAD, C_CM_S, JY_CGS, K_ERG_K};

/// Brightness distribution of the source, used for the beam-filling factor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceShape {
    /// Gaussian of FWHM θ_s: ff = θ_s² / (θ_s² + θ_b²). The default.
    #[default]
    Gaussian,
    /// Uniform disc of diameter θ_s in a Gaussian beam: ff = 1 − exp(−ln2 θ_s²/θ_b²)
    /// (CASSIS python).
    Disc,
}

/// The telescope beam (Gaussian main beam).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Beam {
    /// The same beam at every frequency.
    Fixed {
        /// Major-axis FWHM, arcsec.
        major_arcsec: f64,
        /// Minor-axis FWHM, arcsec (equal to the major axis for a circular beam).
        minor_arcsec: f64,
    },
    /// θ_b = factor · λ / D (CASSIS python uses factor 1.22; others 1.13–1.2).
    Dish {
        /// Dish diameter, m.
        diameter_m: f64,
        /// Factor in front of λ/D.
        factor: f64,
    },
}

impl Beam {
    /// A circular beam of FWHM `fwhm_arcsec`.
    #[must_use]
    pub fn circular(fwhm_arcsec: f64) -> Self {
        Self::Fixed { major_arcsec: fwhm_arcsec, minor_arcsec: fwhm_arcsec }
    }

    /// (major, minor) FWHM at a frequency, arcsec.
    ///
    /// ```
    /// use stop_lte::Beam;
    /// // 1.22 λ/D for a 30 m dish at 115.271 GHz: 21.815″
    /// let (maj, min) = Beam::Dish { diameter_m: 30.0, factor: 1.22 }.fwhm_arcsec(115.271e9);
    /// assert!((maj - 21.815).abs() < 0.001 && maj == min);
    /// ```
    #[must_use]
    pub fn fwhm_arcsec(&self, freq_hz: f64) -> (f64, f64) {
        match *self {
            Self::Fixed { major_arcsec, minor_arcsec } => (major_arcsec, minor_arcsec),
            Self::Dish { diameter_m, factor } => {
                let lambda_m = C_CM_S * 1e-2 / freq_hz;
                let theta = factor * lambda_m / diameter_m / ARCSEC_RAD;
                (theta, theta)
            }
        }
    }

    /// Rayleigh–Jeans K per Jy/beam at a frequency: T = c² S / (2 k ν² Ω),
    /// Ω = π θ_maj θ_min / (4 ln 2) (`lte.md` §5: 91.98 K per Jy/beam at 115.27 GHz, 1″×1″).
    ///
    /// ```
    /// let k_per_jy = stop_lte::Beam::circular(1.0).k_per_jy(115.27e9);
    /// assert!((k_per_jy - 91.98).abs() < 0.01);
    /// ```
    #[must_use]
    pub fn k_per_jy(&self, freq_hz: f64) -> f64 {
        let (maj, min) = self.fwhm_arcsec(freq_hz);
        let omega_sr = std::f64::consts::PI * maj * min * ARCSEC_RAD * ARCSEC_RAD / (4.0 * std::f64::consts::LN_2);
        C_CM_S * C_CM_S * JY_CGS / (2.0 * K_ERG_K * freq_hz * freq_hz * omega_sr)
    }
}

/// Beam-filling factor of a source of FWHM (or diameter) `source_arcsec` in `beam` at a
/// frequency (`lte.md` §5). For an elliptical beam θ_b² = θ_maj θ_min.
///
/// ```
/// use stop_lte::{filling_factor, Beam, SourceShape};
/// // lte.md §9: θ_s = 10″, θ_b = 20″ → ff = 0.2
/// assert!((filling_factor(10.0, &Beam::circular(20.0), SourceShape::Gaussian, 1e11) - 0.2).abs() < 1e-15);
/// ```
#[must_use]
pub fn filling_factor(source_arcsec: f64, beam: &Beam, shape: SourceShape, freq_hz: f64) -> f64 {
    let (maj, min) = beam.fwhm_arcsec(freq_hz);
    let beam2 = maj * min;
    let source2 = source_arcsec * source_arcsec;
    match shape {
        SourceShape::Gaussian => source2 / (source2 + beam2),
        SourceShape::Disc => -(-std::f64::consts::LN_2 * source2 / beam2).exp_m1(),
    }
}
