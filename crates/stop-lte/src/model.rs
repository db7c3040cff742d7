//! The LTE model: components along the line of sight, each with one T_ex, width,
//! velocity and size, holding the columns of one or more species (`lte.md` §1, §6).

use serde::{Deserialize, Serialize};

use crate::beam::{Beam, SourceShape};
use crate::error::LteError;
use crate::species::Species;

/// How a component combines with what lies behind it (`lte.md` §6, CASSIS semantics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComponentMode {
    /// Non-interacting: adds ff (J − I_bg)(1 − e^{−τ}) against the original background
    /// (CMB + continuum), independent of the other components. The default.
    #[default]
    Sum,
    /// Interacting: everything computed so far is its background, which it absorbs and
    /// re-emits. List order is back to front.
    Stack,
}

/// One species of a component with its total column density.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeciesColumn {
    /// The species (lines and partition function).
    pub species: Species,
    /// Total column density, cm⁻².
    pub column_cm2: f64,
}

/// One emitting/absorbing layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// Excitation temperature shared by all its lines, K.
    pub tex_k: f64,
    /// Line FWHM, km s⁻¹.
    pub fwhm_km_s: f64,
    /// Velocity (radio convention, LSR), km s⁻¹.
    pub vlsr_km_s: f64,
    /// Source FWHM, arcsec; `None` = fills the beam (ff = 1).
    pub source_arcsec: Option<f64>,
    /// How it combines with the components before it.
    pub mode: ComponentMode,
    /// Species and columns; their opacities add before the radiative transfer.
    pub species: Vec<SpeciesColumn>,
}

/// Background, telescope and components.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LteModel {
    /// Components in list order (back to front for [`ComponentMode::Stack`]).
    pub components: Vec<Component>,
    /// Background (CMB) temperature, K; an input, never a hidden constant (`lte.md` §1).
    pub tbg_k: f64,
    /// Continuum brightness added to the background and kept in the output, K.
    pub continuum_k: f64,
    /// Telescope beam; needed for source sizes and for Jy output.
    pub beam: Option<Beam>,
    /// Source shape for the filling factor.
    pub source_shape: SourceShape,
}

impl LteModel {
    /// A model with the CMB at `tbg_k`, no continuum, no beam and no component.
    #[must_use]
    pub fn new(tbg_k: f64) -> Self {
        Self { components: Vec::new(), tbg_k, continuum_k: 0.0, beam: None, source_shape: SourceShape::Gaussian }
    }

    /// Check every parameter; called by the computing functions before they start.
    ///
    /// # Errors
    /// [`LteError::InvalidParameter`] (T_ex ≤ 0, negative column, FWHM ≤ 0, source size ≤ 0,
    /// a source size without a beam), [`LteError::InvalidSetting`] (T_bg < 0, bad beam),
    /// [`LteError::EmptyModel`].
    pub fn validate(&self) -> Result<(), LteError> {
        let setting = |field: &'static str, value: f64, ok: bool, expected: &'static str| {
            if ok { Ok(()) } else { Err(LteError::InvalidSetting { field, value, expected }) }
        };
        setting("tbg_k", self.tbg_k, self.tbg_k.is_finite() && self.tbg_k >= 0.0, "must be finite and >= 0")?;
        setting("continuum_k", self.continuum_k, self.continuum_k.is_finite(), "must be finite")?;
        match self.beam {
            Some(Beam::Fixed { major_arcsec, minor_arcsec }) => {
                setting("beam_major_arcsec", major_arcsec, major_arcsec.is_finite() && major_arcsec > 0.0, "must be > 0")?;
                setting("beam_minor_arcsec", minor_arcsec, minor_arcsec.is_finite() && minor_arcsec > 0.0, "must be > 0")?;
            }
            Some(Beam::Dish { diameter_m, factor }) => {
                setting("dish_diameter_m", diameter_m, diameter_m.is_finite() && diameter_m > 0.0, "must be > 0")?;
                setting("beam_factor", factor, factor.is_finite() && factor > 0.0, "must be > 0")?;
            }
            None => {}
        }
        if self.components.iter().all(|c| c.species.is_empty()) {
            return Err(LteError::EmptyModel);
        }
        for (i_comp, comp) in self.components.iter().enumerate() {
            let param = |field: &'static str, value: f64, ok: bool, expected: &'static str| {
                if ok { Ok(()) } else { Err(LteError::InvalidParameter { component: i_comp, field, value, expected }) }
            };
            param("tex_k", comp.tex_k, comp.tex_k.is_finite() && comp.tex_k > 0.0, "must be finite and > 0")?;
            param("fwhm_km_s", comp.fwhm_km_s, comp.fwhm_km_s.is_finite() && comp.fwhm_km_s > 0.0, "must be finite and > 0")?;
            param("vlsr_km_s", comp.vlsr_km_s, comp.vlsr_km_s.is_finite(), "must be finite")?;
            if let Some(size) = comp.source_arcsec {
                param("source_arcsec", size, size.is_finite() && size > 0.0, "must be finite and > 0")?;
                param("source_arcsec", size, self.beam.is_some(), "needs a beam size to compute the filling factor")?;
            }
            for entry in &comp.species {
                param("column_cm2", entry.column_cm2, entry.column_cm2.is_finite() && entry.column_cm2 >= 0.0, "must be finite and >= 0")?;
            }
        }
        Ok(())
    }

    /// Filling factor of component `comp` at a frequency.
    #[must_use]
    pub fn filling_factor(&self, comp: &Component, freq_hz: f64) -> f64 {
        match (comp.source_arcsec, &self.beam) {
            (Some(size), Some(beam)) => crate::beam::filling_factor(size, beam, self.source_shape, freq_hz),
            _ => 1.0,
        }
    }

    /// Names of all species, comma-separated (for messages).
    #[must_use]
    pub fn species_names(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for name in self.components.iter().flat_map(|c| c.species.iter().map(|s| s.species.name.as_str())) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names.join(", ")
    }
}
