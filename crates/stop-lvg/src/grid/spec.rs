//! The grid specification of `stop grid SPEC.toml`: axes over T_kin, each partner density,
//! column density, line width and geometry (linear, log or explicit values), or an explicit
//! table of models.
//!
//! ```toml
//! molecule = "co"
//! output = "co_grid.tsv"       # .tsv (resumable), .fits or .vot
//! tbg_k = 2.73                 # optional
//! fmin_ghz = 0.0               # optional: which lines get columns (default: all)
//! fmax_ghz = 1200.0
//! geometry = ["sphere"]        # optional, default ["sphere"]
//! [axes]
//! tkin_k = { min = 10.0, max = 300.0, n = 10, scale = "log" }
//! column_cm2 = { values = [1e13, 1e15, 1e17] }
//! fwhm_km_s = { min = 0.5, max = 20.0, n = 10, scale = "log" }
//! [axes.densities_cm3]
//! h2 = { min = 1e2, max = 1e8, n = 10, scale = "log" }
//! ```
//!
//! Models are numbered in nested order: geometry slowest, then T_kin, the partner densities
//! (LAMDA id order), the column density, and the line width fastest.

use std::collections::BTreeMap;

use serde::Deserialize;
use stop_molecule::PartnerKind;

use crate::error::LvgError;
use crate::escape::Geometry;
use crate::model::ModelParams;
use crate::radex::radex_densities;
use crate::single::DEFAULT_TBG_K;

/// One axis: explicit values, or `n` points from `min` to `max` on a linear or log scale.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Axis {
    /// Explicit values.
    Values {
        /// The values, in order.
        values: Vec<f64>,
    },
    /// Evenly spaced points.
    Range {
        /// First value.
        min: f64,
        /// Last value.
        max: f64,
        /// Number of points (≥ 1).
        n: usize,
        /// `linear` (default) or `log`.
        #[serde(default)]
        scale: Scale,
    },
}

/// Spacing of a range axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Equal steps.
    #[default]
    Linear,
    /// Equal ratios.
    Log,
}

impl Axis {
    /// The axis values.
    #[must_use]
    pub fn values(&self) -> Vec<f64> {
        match self {
            Axis::Values { values } => values.clone(),
            Axis::Range { min, max, n, scale } => {
                let n = *n;
                if n <= 1 {
                    return vec![*min];
                }
                (0..n)
                    .map(|i| {
                        let f = i as f64 / (n - 1) as f64;
                        match scale {
                            Scale::Linear => min + f * (max - min),
                            Scale::Log => (min.ln() + f * (max.ln() - min.ln())).exp(),
                        }
                    })
                    .collect()
            }
        }
    }
}

/// The axes of a Cartesian grid.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axes {
    /// Kinetic temperature, K.
    pub tkin_k: Axis,
    /// One axis per partner, by name (`h2`, `p-h2`, `o-h2`, `e`, `h`, `he`, `h+`), cm⁻³.
    pub densities_cm3: BTreeMap<String, Axis>,
    /// Column density, cm⁻².
    pub column_cm2: Axis,
    /// Line width (FWHM), km s⁻¹.
    pub fwhm_km_s: Axis,
}

/// One model of an explicit table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableModel {
    /// Kinetic temperature, K.
    pub tkin_k: f64,
    /// Partner densities by name, cm⁻³.
    pub densities_cm3: BTreeMap<String, f64>,
    /// Column density, cm⁻².
    pub column_cm2: f64,
    /// Line width (FWHM), km s⁻¹.
    pub fwhm_km_s: f64,
    /// Geometry (default: the first of the spec's list).
    #[serde(default)]
    pub geometry: Option<Geometry>,
}

/// A grid run as written in SPEC.toml.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridSpec {
    /// LAMDA file or shipped molecule name.
    pub molecule: String,
    /// Output file (`.tsv`, `.fits`, `.vot`), relative to the spec file.
    pub output: String,
    /// Background temperature, K.
    #[serde(default = "default_tbg")]
    pub tbg_k: f64,
    /// Lines with fmin < ν < fmax get columns (default: every line).
    #[serde(default)]
    pub fmin_ghz: Option<f64>,
    /// Upper edge of the line window, GHz.
    #[serde(default)]
    pub fmax_ghz: Option<f64>,
    /// Geometries (an axis of their own, slowest).
    #[serde(default = "default_geometry")]
    pub geometry: Vec<Geometry>,
    /// Cartesian axes.
    #[serde(default)]
    pub axes: Option<Axes>,
    /// Or an explicit table of models.
    #[serde(default)]
    pub models: Option<Vec<TableModel>>,
}

fn default_tbg() -> f64 {
    DEFAULT_TBG_K
}

fn default_geometry() -> Vec<Geometry> {
    vec![Geometry::Sphere]
}

fn bad(field: &str, message: String) -> LvgError {
    LvgError::Input {
        source_name: "grid spec".to_owned(),
        line: 0,
        field: field.to_owned(),
        message,
    }
}

fn partner(name: &str) -> Result<PartnerKind, LvgError> {
    PartnerKind::from_name(name).ok_or_else(|| {
        bad(
            "densities_cm3",
            format!("unknown partner `{name}` (h2, p-h2, o-h2, e, h, he, h+)"),
        )
    })
}

/// The models of a spec, generated on demand by index (never all in memory).
#[derive(Debug, Clone)]
pub struct GridModels {
    tbg_k: f64,
    geometries: Vec<Geometry>,
    tkin_k: Vec<f64>,
    partners: Vec<(PartnerKind, Vec<f64>)>,
    column_cm2: Vec<f64>,
    fwhm_km_s: Vec<f64>,
    table: Option<Vec<ModelParams>>,
}

impl GridModels {
    /// Check a spec and prepare its models.
    ///
    /// # Errors
    /// [`LvgError::Input`] for a spec with neither or both of `axes` and `models`, an empty
    /// axis, or an unknown partner; parameter errors of a table model.
    pub fn new(spec: &GridSpec) -> Result<Self, LvgError> {
        if spec.geometry.is_empty() {
            return Err(bad("geometry", "empty list".to_owned()));
        }
        let mut grid = GridModels {
            tbg_k: spec.tbg_k,
            geometries: spec.geometry.clone(),
            tkin_k: Vec::new(),
            partners: Vec::new(),
            column_cm2: Vec::new(),
            fwhm_km_s: Vec::new(),
            table: None,
        };
        match (&spec.axes, &spec.models) {
            (Some(axes), None) => {
                grid.tkin_k = axes.tkin_k.values();
                grid.column_cm2 = axes.column_cm2.values();
                grid.fwhm_km_s = axes.fwhm_km_s.values();
                for (name, axis) in &axes.densities_cm3 {
                    grid.partners.push((partner(name)?, axis.values()));
                }
                grid.partners.sort_by_key(|(kind, _)| kind.index());
                let empty = grid.tkin_k.is_empty()
                    || grid.column_cm2.is_empty()
                    || grid.fwhm_km_s.is_empty()
                    || grid.partners.is_empty()
                    || grid.partners.iter().any(|(_, v)| v.is_empty());
                if empty {
                    return Err(bad(
                        "axes",
                        "every axis needs at least one value and one partner is needed".to_owned(),
                    ));
                }
            }
            (None, Some(models)) => {
                let mut table = Vec::with_capacity(models.len());
                for m in models {
                    let mut given = Vec::new();
                    for (name, &d) in &m.densities_cm3 {
                        given.push((partner(name)?, d));
                    }
                    let params = ModelParams {
                        tkin_k: m.tkin_k,
                        densities: radex_densities(&given, false),
                        tbg_k: spec.tbg_k,
                        column_cm2: m.column_cm2,
                        fwhm_km_s: m.fwhm_km_s,
                        geometry: m.geometry.unwrap_or(spec.geometry[0]),
                    };
                    params.validate()?;
                    table.push(params);
                }
                grid.table = Some(table);
            }
            _ => {
                return Err(bad(
                    "axes",
                    "give either [axes] or a models table, not both or neither".to_owned(),
                ));
            }
        }
        Ok(grid)
    }

    /// Number of models.
    #[must_use]
    pub fn len(&self) -> u64 {
        match &self.table {
            Some(table) => table.len() as u64,
            None => {
                let mut n = (self.geometries.len()
                    * self.tkin_k.len()
                    * self.column_cm2.len()
                    * self.fwhm_km_s.len()) as u64;
                for (_, values) in &self.partners {
                    n *= values.len() as u64;
                }
                n
            }
        }
    }

    /// Whether the grid has no model.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The partners that have an axis (column order of the output).
    #[must_use]
    pub fn partner_axes(&self) -> Vec<PartnerKind> {
        match &self.table {
            Some(_) => PartnerKind::ALL.to_vec(),
            None => self.partners.iter().map(|(kind, _)| *kind).collect(),
        }
    }

    /// Lengths of the axes in nested order from the fastest (line width) to the slowest
    /// (geometry); empty for an explicit table of models.
    #[must_use]
    pub fn axis_lengths(&self) -> Vec<usize> {
        if self.table.is_some() {
            return Vec::new();
        }
        let mut lengths = vec![self.fwhm_km_s.len(), self.column_cm2.len()];
        lengths.extend(self.partners.iter().rev().map(|(_, values)| values.len()));
        lengths.extend([self.tkin_k.len(), self.geometries.len()]);
        lengths
    }

    /// Model number `index` (0-based, nested order of the module docs).
    #[must_use]
    pub fn model(&self, index: u64) -> ModelParams {
        if let Some(table) = &self.table {
            return table[index as usize];
        }
        let mut rest = index;
        let mut take = |len: usize| {
            let i = (rest % len as u64) as usize;
            rest /= len as u64;
            i
        };
        let fwhm_km_s = self.fwhm_km_s[take(self.fwhm_km_s.len())];
        let column_cm2 = self.column_cm2[take(self.column_cm2.len())];
        let mut given = Vec::with_capacity(self.partners.len());
        for (kind, values) in self.partners.iter().rev() {
            given.push((*kind, values[take(values.len())]));
        }
        given.reverse();
        let tkin_k = self.tkin_k[take(self.tkin_k.len())];
        let geometry = self.geometries[take(self.geometries.len())];
        ModelParams {
            tkin_k,
            densities: radex_densities(&given, false),
            tbg_k: self.tbg_k,
            column_cm2,
            fwhm_km_s,
            geometry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_hits_both_ends_and_models_nest_with_width_fastest() {
        let axis = Axis::Range {
            min: 1e2,
            max: 1e8,
            n: 7,
            scale: Scale::Log,
        };
        let v = axis.values();
        assert!(
            (v[0] - 1e2).abs() < 1e-10
                && (v[6] / 1e8 - 1.0).abs() < 1e-12
                && (v[3] / 1e5 - 1.0).abs() < 1e-12
        );
        let spec: GridSpec = GridSpec {
            molecule: "co".into(),
            output: "x.tsv".into(),
            tbg_k: 2.73,
            fmin_ghz: None,
            fmax_ghz: None,
            geometry: vec![Geometry::Sphere, Geometry::Slab],
            axes: Some(Axes {
                tkin_k: Axis::Values {
                    values: vec![10.0, 20.0],
                },
                densities_cm3: [(
                    "h2".to_owned(),
                    Axis::Values {
                        values: vec![1e3, 1e4, 1e5],
                    },
                )]
                .into(),
                column_cm2: Axis::Values { values: vec![1e13] },
                fwhm_km_s: Axis::Values {
                    values: vec![1.0, 2.0],
                },
            }),
            models: None,
        };
        let grid = GridModels::new(&spec).expect("valid spec");
        assert_eq!(grid.len(), 2 * 2 * 3 * 2);
        let m = grid.model(1);
        assert_eq!(
            (m.fwhm_km_s, m.densities.get(PartnerKind::H2), m.tkin_k),
            (2.0, 1e3, 10.0)
        );
        let m = grid.model(2);
        assert_eq!((m.fwhm_km_s, m.densities.get(PartnerKind::H2)), (1.0, 1e4));
        assert_eq!(grid.model(23).geometry, Geometry::Slab);
    }
}
