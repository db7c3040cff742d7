//! Single-model input files in TOML or JSON, for `stop lvg model.toml`:
//!
//! ```toml
//! molecule = "co"            # a LAMDA file or a shipped molecule
//! tkin_k = 30.0
//! column_cm2 = 1e16
//! fwhm_km_s = 1.0
//! tbg_k = 2.73               # optional, default 2.73 (0: RADEX's interstellar field)
//! geometry = "sphere"        # optional: sphere, lvg, slab
//! fmin_ghz = 0.0             # optional printed window, default everything
//! fmax_ghz = 1200.0
//! [densities_cm3]            # partner names as in stop_molecule::PartnerKind::from_name
//! h2 = 1e4
//! ```
//!
//! Partner densities follow RADEX's bookkeeping except its default n(H2): when para- or
//! ortho-H2 is given, n(H2) = n(pH2) + n(oH2).

use std::collections::BTreeMap;

use serde::Deserialize;
use stop_molecule::PartnerKind;

use crate::error::LvgError;
use crate::escape::Geometry;
use crate::model::ModelParams;
use crate::radex::radex_densities;

/// Default background temperature of a single-model file, K (RADEX's default, the CMB).
pub const DEFAULT_TBG_K: f64 = 2.73;

/// A single model as written in a TOML or JSON file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SingleModel {
    /// LAMDA file or shipped molecule name.
    pub molecule: String,
    /// Kinetic temperature, K.
    pub tkin_k: f64,
    /// Partner densities by name, cm⁻³.
    pub densities_cm3: BTreeMap<String, f64>,
    /// Column density, cm⁻².
    pub column_cm2: f64,
    /// Line width (FWHM), km s⁻¹.
    pub fwhm_km_s: f64,
    /// Background temperature, K.
    #[serde(default = "default_tbg")]
    pub tbg_k: f64,
    /// Geometry (overridden by the command line when given there).
    #[serde(default)]
    pub geometry: Option<Geometry>,
    /// Lower edge of the printed window, GHz.
    #[serde(default)]
    pub fmin_ghz: Option<f64>,
    /// Upper edge of the printed window, GHz.
    #[serde(default)]
    pub fmax_ghz: Option<f64>,
}

fn default_tbg() -> f64 {
    DEFAULT_TBG_K
}

impl SingleModel {
    /// The model parameters, with `geometry` used when the file names none.
    ///
    /// # Errors
    /// [`LvgError::Input`] for an unknown partner name; parameter errors from
    /// [`ModelParams::validate`].
    pub fn params(&self, source_name: &str, geometry: Geometry) -> Result<ModelParams, LvgError> {
        let mut partners = Vec::new();
        for (name, &density_cm3) in &self.densities_cm3 {
            let kind = PartnerKind::from_name(name).ok_or_else(|| LvgError::Input {
                source_name: source_name.to_owned(),
                line: 0,
                field: "densities_cm3".to_owned(),
                message: format!("unknown partner `{name}` (h2, p-h2, o-h2, e, h, he, h+)"),
            })?;
            partners.push((kind, density_cm3));
        }
        let params = ModelParams {
            tkin_k: self.tkin_k,
            densities: radex_densities(&partners, false),
            tbg_k: self.tbg_k,
            column_cm2: self.column_cm2,
            fwhm_km_s: self.fwhm_km_s,
            geometry: self.geometry.unwrap_or(geometry),
        };
        params.validate()?;
        Ok(params)
    }

    /// The printed window after RADEX's normalisation (everything when not given).
    #[must_use]
    pub fn window_ghz(&self) -> (f64, f64) {
        crate::radex_window(self.fmin_ghz.unwrap_or(0.0), self.fmax_ghz.unwrap_or(0.0))
    }
}
