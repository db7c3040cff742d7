//! The background radiation field at every line (escape-probability.md §5).
//!
//! T_bg > 0 is a blackbody (normally the CMB); T_bg = 0 is RADEX's built-in average
//! interstellar field (CMB at 2.725 K plus synchrotron, cold dust and starlight after Black
//! 1994, ASP Conf. Ser. 58, 355, and Mathis, Mezger & Panagia 1983, A&A 128, 212). RADEX's
//! user-spectrum option (T_bg < 0) is not supported.

use stop_physics::radex_legacy::{
    EPS, HC_OVER_K_CM_K, MAX_EXPONENT, T_CMB_GALBR_K, T_DUST_GALBR_K, TWO_HC,
};

use crate::error::LvgError;

/// Background at one line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineBackground {
    /// Specific intensity I_bg, erg s⁻¹ cm⁻² Hz⁻¹ sr⁻¹.
    pub intensity_cgs: f64,
    /// Brightness temperature used only in the first (optically thin) pass, K.
    pub t_rad_k: f64,
}

/// The background of every line of wavenumbers `wavenumbers_cm1` for a background
/// temperature `tbg_k` (> 0: blackbody, 0: interstellar field), written into `out`.
///
/// # Errors
/// [`LvgError::UnsupportedBackground`] for a negative or non-finite `tbg_k`.
pub fn line_backgrounds(
    tbg_k: f64,
    wavenumbers_cm1: &[f64],
    out: &mut Vec<LineBackground>,
) -> Result<(), LvgError> {
    out.clear();
    if !(tbg_k.is_finite() && tbg_k >= 0.0) {
        return Err(LvgError::UnsupportedBackground { tbg_k });
    }
    for &xnu in wavenumbers_cm1 {
        out.push(if tbg_k > 0.0 {
            blackbody(tbg_k, xnu)
        } else {
            interstellar(xnu)
        });
    }
    Ok(())
}

/// A blackbody of `tbg_k` (escape-probability.md §5.1): I = 2hcν̃³/(exp(c₂ν̃/T) − 1), or
/// 1e-30 when the exponent reaches 160.
fn blackbody(tbg_k: f64, xnu: f64) -> LineBackground {
    let hnu = HC_OVER_K_CM_K * xnu / tbg_k;
    let intensity_cgs = if hnu >= MAX_EXPONENT {
        EPS
    } else {
        TWO_HC * xnu.powf(3.0) / ((HC_OVER_K_CM_K * xnu / tbg_k).exp() - 1.0)
    };
    LineBackground {
        intensity_cgs,
        t_rad_k: tbg_k,
    }
}

/// RADEX's interstellar field (escape-probability.md §5.2, table of ten ranges).
fn interstellar(xnu: f64) -> LineBackground {
    let aa = TWO_HC * xnu.powf(3.0);
    let hnuk = HC_OVER_K_CM_K * xnu / T_CMB_GALBR_K;
    let (cbi, cmi) = if xnu <= 10.0 {
        // CMB + synchrotron
        (aa / (hnuk.exp() - 1.0), 0.3 * 1.767e-19 / xnu.powf(0.75))
    } else if xnu <= 104.98 {
        // CMB + COBE single-temperature dust
        let cmib = aa / ((HC_OVER_K_CM_K * xnu / T_DUST_GALBR_K).exp() - 1.0);
        (
            aa / (hnuk.exp() - 1.0),
            0.3 * 5.846e-7 * xnu.powf(1.65) * cmib,
        )
    } else if xnu <= 1113.126 {
        (0.0, 1.3853e-12 * xnu.powf(-1.8381))
    } else if xnu <= 4461.40 {
        let poly = 18.213_601 - 0.023_017_717 * xnu + 1.102_970_5e-5 * xnu.powf(2.0)
            - 2.188_738_3e-9 * xnu.powf(3.0)
            + 1.572_853_3e-13 * xnu.powf(4.0);
        (0.0, 1.0e-18 * poly)
    } else if xnu <= 8333.33 {
        let poly = -2.430_472_6 + 0.002_026_115_2 * xnu - 2.083_071_5e-7 * xnu.powf(2.0)
            + 6.170_339_3e-12 * xnu.powf(3.0);
        (0.0, 1.0e-18 * poly)
    } else if xnu <= 14286.0 {
        let yy = -17.092_474 - 4.215_365_6e-5 * xnu;
        (0.0, 10.0_f64.powf(yy))
    } else if xnu <= 40000.0 {
        let xla = 1.0e8 / xnu;
        let ylg = -1.750_687_7e-14 * xla.powf(4.0)
            + 3.903_018_9e-10 * xla.powf(3.0)
            + 3.128_217_4e-7 * (xla * xla)
            - 3.018_902_4e-3 * xla
            + 2.084_515_5;
        (0.0, 1.581e-24 * xnu * ylg)
    } else if xnu <= 55556.0 {
        let xla = 1.0e8 / xnu;
        (0.0, 1.581e-24 * xnu * (-0.560_200_85 + 9.806_303e-4 * xla))
    } else if xnu <= 90909.0 {
        let xla = 1.0e8 / xnu;
        (
            0.0,
            1.581e-25 * xnu * (-21.822_255 + 3.207_280_0e-2 * xla - 7.340_851_8e-6 * xla * xla),
        )
    } else if xnu <= 109_678.76 {
        let xla = 1.0e8 / xnu;
        (
            0.0,
            1.581e-25 * xnu * (30.955_076 - 7.339_350_9e-2 * xla + 4.490_643_3e-5 * xla * xla),
        )
    } else {
        // beyond the Lyman limit: no field
        (0.0, 0.0)
    };
    let intensity_cgs = cbi + cmi;
    LineBackground {
        intensity_cgs,
        t_rad_k: HC_OVER_K_CM_K * xnu / (1.0 + aa / intensity_cgs).ln(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blackbody_brightness_temperature_is_the_input() {
        let mut out = Vec::new();
        line_backgrounds(2.73, &[3.845], &mut out).expect("positive tbg");
        let i = out[0].intensity_cgs;
        // invert the Planck law: T = c₂ν̃ / ln(1 + 2hcν̃³/I)
        let t = HC_OVER_K_CM_K * 3.845 / (1.0 + TWO_HC * 3.845_f64.powi(3) / i).ln();
        assert!((t / 2.73 - 1.0).abs() < 1e-14);
    }

    #[test]
    fn interstellar_field_is_at_least_the_cmb_below_the_dust_peak() {
        let mut out = Vec::new();
        line_backgrounds(0.0, &[0.5, 3.845, 50.0, 200.0], &mut out).expect("tbg = 0");
        for (bg, xnu) in out.iter().zip([0.5, 3.845, 50.0]) {
            let cmb = blackbody(T_CMB_GALBR_K, xnu).intensity_cgs;
            assert!(bg.intensity_cgs > cmb, "{xnu}");
        }
        assert!(out[3].intensity_cgs > 0.0);
        assert!(line_backgrounds(-3.0, &[1.0], &mut out).is_err());
    }
}
