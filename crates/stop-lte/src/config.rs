//! The model as a data file (TOML or JSON, parsed by the caller with serde): species
//! definitions (LAMDA, or a CDMS/JPL catalog with its partition-function table and an
//! explicit Q convention), background, beam and components. [`LteInput::build`] resolves
//! files and returns a validated [`LteModel`].
//!
//! ```toml
//! tbg_k = 2.725
//! beam_arcsec = 20.0
//!
//! [[species]]
//! name = "co"
//! lamda = "co"                      # a shipped name or a LAMDA file
//!
//! [[species]]
//! name = "co-cdms"
//! catalog = "c028503.cat"           # SPCAT file
//! partfunc = "partfunc.cat"         # CDMS pipe table, JPL catdir.cat or a .qpart
//! database = "cdms"
//! q_interpolation = "log-log"       # or "linear"
//! q_extrapolation = "refuse"        # or "allow" (warns)
//!
//! [[components]]
//! tex_k = 20.0
//! fwhm_km_s = 1.0
//! vlsr_km_s = 0.0
//! source_arcsec = 10.0              # omit: fills the beam
//! mode = "sum"                      # or "stack" (absorbs what is listed before it)
//! columns_cm2 = { co = 1e16 }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use stop_catalog::{Database, Extrapolation, PartitionTable, QInterpolation, QParams};

use crate::beam::{Beam, SourceShape};
use crate::error::LteError;
use crate::model::{Component, ComponentMode, LteModel, SpeciesColumn};
use crate::species::Species;

/// One species definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeciesInput {
    /// Name used by the components.
    pub name: String,
    /// LAMDA file or shipped molecule name (Q from its levels).
    #[serde(default)]
    pub lamda: Option<String>,
    /// SPCAT catalog file.
    #[serde(default)]
    pub catalog: Option<PathBuf>,
    /// Partition-function table: CDMS `partfunc.cat`, JPL `catdir.cat` or `.qpart`.
    #[serde(default)]
    pub partfunc: Option<PathBuf>,
    /// Database of the catalog and table.
    #[serde(default)]
    pub database: Option<Database>,
    /// Tag in the table (default: the catalog's tag).
    #[serde(default)]
    pub tag: Option<u32>,
    /// Q interpolation (default log–log).
    #[serde(default)]
    pub q_interpolation: QInterpolation,
    /// Q extrapolation policy (default refuse).
    #[serde(default)]
    pub q_extrapolation: Extrapolation,
}

/// One component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentInput {
    /// Excitation temperature, K.
    pub tex_k: f64,
    /// FWHM, km s⁻¹.
    pub fwhm_km_s: f64,
    /// Velocity, km s⁻¹ (radio, LSR).
    #[serde(default)]
    pub vlsr_km_s: f64,
    /// Source FWHM, arcsec (omit: fills the beam).
    #[serde(default)]
    pub source_arcsec: Option<f64>,
    /// `sum` (default) or `stack`.
    #[serde(default)]
    pub mode: ComponentMode,
    /// Column density per species name, cm⁻².
    pub columns_cm2: BTreeMap<String, f64>,
}

/// A whole model input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LteInput {
    /// Background temperature, K (required: never a hidden constant).
    pub tbg_k: f64,
    /// Continuum temperature, K.
    #[serde(default)]
    pub continuum_k: f64,
    /// Circular beam FWHM, arcsec.
    #[serde(default)]
    pub beam_arcsec: Option<f64>,
    /// Dish diameter, m (beam = 1.22 λ/D) — alternative to `beam_arcsec`.
    #[serde(default)]
    pub dish_m: Option<f64>,
    /// Source shape for the filling factor.
    #[serde(default)]
    pub source_shape: SourceShape,
    /// Species definitions.
    pub species: Vec<SpeciesInput>,
    /// Components in list order.
    pub components: Vec<ComponentInput>,
}

/// Factor of λ/D for `dish_m` (the CASSIS python convention, `lte.md` §5).
pub const DISH_BEAM_FACTOR: f64 = 1.22;

impl SpeciesInput {
    /// Load the species, resolving relative paths against `base_dir`.
    ///
    /// # Errors
    /// [`LteError::SpeciesDefinition`], molecule and catalog errors.
    pub fn load(&self, base_dir: &Path) -> Result<Species, LteError> {
        let bad = |problem| LteError::SpeciesDefinition { name: self.name.clone(), problem };
        match (&self.lamda, &self.catalog) {
            (Some(lamda), None) => {
                let local = base_dir.join(lamda);
                let name = if local.is_file() { local.display().to_string() } else { lamda.clone() };
                let molecule = stop_molecule::resolve_molecule(&name, &[base_dir])?;
                let mut species = Species::from_molecule(&molecule);
                species.name.clone_from(&self.name);
                Ok(species)
            }
            (None, Some(catalog)) => {
                let partfunc = self.partfunc.as_ref().ok_or_else(|| bad("a `catalog` needs its `partfunc` table"))?;
                let database = self.database.ok_or_else(|| bad("a `catalog` needs `database` = \"cdms\" or \"jpl\""))?;
                let catalog = stop_catalog::read_catalog(base_dir.join(catalog))?;
                let tag = self.tag.or_else(|| catalog.tag()).ok_or_else(|| bad("no tag"))?;
                let table = read_partition_table(&base_dir.join(partfunc), database, tag)?;
                let params = QParams { interpolation: self.q_interpolation, extrapolation: self.q_extrapolation };
                Species::from_catalog(&self.name, &catalog, table, params)
            }
            (Some(_), Some(_)) => Err(bad("give either `lamda` or `catalog`, not both")),
            (None, None) => Err(bad("give `lamda` (a LAMDA file or name) or `catalog` + `partfunc` + `database`")),
        }
    }
}

/// Whether `text` is a `.qpart` table (for files whose name lost its extension, such as
/// uploads): its first line is a `#` comment or a pair of numbers (T, Q), where the CDMS table
/// starts with `|` and a JPL `catdir.cat` line has ten or more fields.
fn looks_like_qpart(text: &str) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim();
    first.starts_with('#') || first.split_whitespace().count() == 2
}

/// Read a partition-function file of any of the three layouts and take (database, tag):
/// `.qpart` by extension or content ([`looks_like_qpart`]), the CDMS pipe table when the first
/// line starts with `|`, else the JPL `catdir.cat` layout.
///
/// # Errors
/// Catalog errors (unreadable file, bad line, unknown tag, non-monotonic table).
pub fn read_partition_table(path: &Path, database: Database, tag: u32) -> Result<PartitionTable, LteError> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("qpart")) {
        return Ok(stop_catalog::read_qpart(path, database, tag)?);
    }
    let text = std::fs::read_to_string(path).map_err(|source| stop_catalog::CatalogError::Io { path: path.display().to_string(), source })?;
    let label = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    if looks_like_qpart(&text) {
        return Ok(stop_catalog::parse_qpart(&label, &text, database, tag)?);
    }
    let tables = if text.trim_start().starts_with('|') {
        stop_catalog::parse_cdms_partfunc(&label, &text)?
    } else {
        stop_catalog::parse_jpl_catdir(&label, &text)?
    };
    Ok(tables.get(database, tag)?.clone())
}

impl LteInput {
    /// Resolve species files (relative to `base_dir`) and build a validated model.
    ///
    /// # Errors
    /// Species loading errors, [`LteError::UnknownSpecies`], model validation errors.
    pub fn build(&self, base_dir: &Path) -> Result<LteModel, LteError> {
        let mut loaded = BTreeMap::new();
        for def in &self.species {
            loaded.insert(def.name.clone(), def.load(base_dir)?);
        }
        let mut model = LteModel::new(self.tbg_k);
        model.continuum_k = self.continuum_k;
        model.source_shape = self.source_shape;
        model.beam = match (self.beam_arcsec, self.dish_m) {
            (Some(beam), _) => Some(Beam::circular(beam)),
            (None, Some(diameter_m)) => Some(Beam::Dish { diameter_m, factor: DISH_BEAM_FACTOR }),
            (None, None) => None,
        };
        for (i_comp, comp) in self.components.iter().enumerate() {
            let mut species = Vec::new();
            for (name, &column_cm2) in &comp.columns_cm2 {
                let found = loaded.get(name).ok_or_else(|| LteError::UnknownSpecies {
                    component: i_comp,
                    name: name.clone(),
                    defined: loaded.keys().cloned().collect::<Vec<_>>().join(", "),
                })?;
                species.push(SpeciesColumn { species: found.clone(), column_cm2 });
            }
            model.components.push(Component {
                tex_k: comp.tex_k,
                fwhm_km_s: comp.fwhm_km_s,
                vlsr_km_s: comp.vlsr_km_s,
                source_arcsec: comp.source_arcsec,
                mode: comp.mode,
                species,
            });
        }
        model.validate()?;
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_qpart;

    #[test]
    fn qpart_is_told_from_the_cdms_and_jpl_tables_by_content() {
        assert!(looks_like_qpart("#form : interpolation\n2.725\t1.4053\n"));
        assert!(looks_like_qpart("\n9.375 3.7435\n"));
        assert!(!looks_like_qpart("|    tag |   molecule | #lines | lg(Q(1000)) |\n"));
        assert!(!looks_like_qpart("  1001 H-atom            1 0.6021 0.6021 0.6021 0.6021 0.6021 0.6021 0.6021 1\n"));
    }
}
