//! The TOML model file: parameters, tables, a built-in, fields and run settings (format in the
//! crate README).

pub(crate) mod keys;
mod image;
mod settings;
mod spec;

pub use image::{ImageParams, ImageUnit, Rotation};
pub use settings::{CellScheme, DustParams, GridParams, InitialPopulations, MoleculeSource, Sampling, SolverParams};

use crate::builtin::Builtin;
use crate::error::{ExprErrorKind, ModelError};
use crate::expr::{Expression, MAX_DERIVED, builtin_constants, constant_value};
use crate::field::ScalarField;
use crate::model::{FileModel, MoleculeAmount, Source};
use crate::physical::{Bounds, LineWidth, N_PARTNERS};
use keys::Section;
use spec::SpecContext;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use stop_molecule::PartnerKind;
use toml::Value;

/// A loaded, validated model file.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// The file read (`<inline>` for text).
    pub path: PathBuf,
    /// `[model] description`, if given.
    pub description: Option<String>,
    /// The physical model.
    pub model: FileModel,
    /// Molecular data.
    pub molecule: MoleculeSource,
    /// Dust continuum, if any.
    pub dust: Option<DustParams>,
    /// Grid settings.
    pub grid: GridParams,
    /// Solver settings.
    pub solver: SolverParams,
    /// Images to ray-trace.
    pub images: Vec<ImageParams>,
    /// Resolved parameter values (with the built-in constants).
    pub parameters: BTreeMap<String, f64>,
}

impl ModelFile {
    /// Read and validate a model file; relative paths inside are relative to its directory.
    ///
    /// # Errors
    /// [`ModelError`] naming the file and key (and the column of a bad expression, or the
    /// line of a bad table row).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ModelError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Io { path: path.display().to_string(), source })?;
        let base_dir = path.parent().unwrap_or(Path::new("."));
        let mut file = Self::from_toml_str(&text, &path.display().to_string(), base_dir)?;
        file.path = path.to_path_buf();
        Ok(file)
    }

    /// Parse model-file text; `file` names it in errors, `base_dir` resolves relative paths.
    ///
    /// # Errors
    /// As [`ModelFile::load`].
    pub fn from_toml_str(text: &str, file: &str, base_dir: &Path) -> Result<Self, ModelError> {
        let mut root: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let offset = (0..=offset).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            ModelError::Toml { file: file.to_string(), line, column, message: e.message().trim().to_string() }
        })?;
        let constants = builtin_constants();
        let parameters = match root.remove("parameters") {
            Some(Value::Table(t)) => resolve_parameters(Section::new(file, "parameters".into(), t, &constants))?,
            Some(other) => {
                return Err(ModelError::WrongType { file: file.to_string(), key: "parameters".into(), expected: "a table", found: other.to_string() });
            }
            None => constants.clone(),
        };
        let names = &parameters;
        let mut root = Section::new(file, String::new(), root, names);
        root.allow("parameters");
        let tables = match root.table("tables")? {
            Some(s) => SpecContext::read_tables(s, base_dir)?,
            None => BTreeMap::new(),
        };
        let (derived_names, derived) = match root.table("derived")? {
            Some(s) => resolve_derived(s)?,
            None => (Vec::new(), Vec::new()),
        };
        let ctx = SpecContext { file, names, derived: &derived_names, tables: &tables };
        let builtin = match root.table("builtin")? {
            Some(mut s) => {
                let b = Builtin::from_section(&mut s, base_dir)?;
                s.finish()?;
                Some(b)
            }
            None => None,
        };
        let mut meta = root.table("model")?.ok_or_else(|| root.missing("model"))?;
        let name = meta.required_string("name")?;
        let description = meta.string("description")?;
        let builtin_bounds = builtin.as_ref().and_then(Builtin::bounds);
        let outer_radius_m = meta.f64_checked("radius_m", builtin_bounds.map(|b| b.outer_radius_m), |v| v > 0.0, "a radius > 0")?;
        let inner_radius_m = meta.f64_checked(
            "inner_radius_m",
            Some(builtin_bounds.map_or(0.0, |b| b.inner_radius_m)),
            |v| v >= 0.0 && v < outer_radius_m,
            "a radius ≥ 0 and below radius_m",
        )?;
        meta.finish()?;
        let bounds = Bounds { inner_radius_m, outer_radius_m };
        let empty = |path: &str| Section::new(file, path.to_string(), toml::Table::new(), names);
        let fields = root.table("fields")?.unwrap_or_else(|| empty("fields"));
        let model = read_fields(fields, &ctx, name, builtin, derived, bounds)?;
        let molecule = MoleculeSource::from_section(root.table("molecule")?.ok_or_else(|| root.missing("molecule"))?, base_dir)?;
        let dust = root.table("dust")?.map(|s| DustParams::from_section(s, base_dir)).transpose()?;
        let grid = GridParams::from_section(root.table("grid")?.unwrap_or_else(|| empty("grid")), inner_radius_m, outer_radius_m)?;
        let solver = SolverParams::from_section(root.table("solver")?.unwrap_or_else(|| empty("solver")))?;
        let images = match root.take("image") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Table(t) => ImageParams::from_section(Section::new(file, format!("image[{i}]"), t, names)),
                    other => Err(root.wrong_type("image", "an array of tables ([[image]])", &other)),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(root.wrong_type("image", "an array of tables ([[image]])", &other)),
        };
        root.finish()?;
        Ok(Self { path: PathBuf::from(file), description, model, molecule, dust, grid, solver, images, parameters })
    }
}

/// Resolve `[parameters]`: numbers, or constant expressions of built-in constants and other
/// parameters, in any order. A name that never resolves (a typo, or a cycle) is reported with
/// its position.
fn resolve_parameters(mut s: Section<'_>) -> Result<BTreeMap<String, f64>, ModelError> {
    let mut values = s.names().clone();
    let mut pending = s.drain();
    for (name, _) in &pending {
        check_name(&s, name)?;
    }
    loop {
        let n_pending = pending.len();
        let mut unresolved = Vec::new();
        let mut first_error = None;
        for (name, value) in pending {
            let Value::String(text) = &value else {
                let v = s.number(&name, &value)?;
                values.insert(name, v);
                continue;
            };
            match constant_value(text, &values) {
                Ok(v) => {
                    values.insert(name, v);
                }
                Err(error) if matches!(error.kind, ExprErrorKind::UnknownName { .. }) => {
                    let located = ModelError::Expression { file: s.file.to_string(), key: s.key(&name), text: text.clone(), error: Box::new(error) };
                    first_error.get_or_insert(located);
                    unresolved.push((name, value));
                }
                Err(error) => {
                    return Err(ModelError::Expression { file: s.file.to_string(), key: s.key(&name), text: text.clone(), error: Box::new(error) });
                }
            }
        }
        match first_error {
            None => return Ok(values),
            Some(error) if unresolved.len() == n_pending => return Err(error),
            Some(_) => pending = unresolved,
        }
    }
}

/// Check a user-chosen name: letters, digits and `_`, not a coordinate.
fn check_name(s: &Section<'_>, name: &str) -> Result<(), ModelError> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !["x", "y", "z", "r", "rcyl"].contains(&name);
    if valid {
        Ok(())
    } else {
        Err(s.bad_value(name, name, "a name of letters, digits and `_` that is not a coordinate (x, y, z, r, rcyl)"))
    }
}

/// Resolve `[derived]`: per-position quantities, expressions of the coordinates, parameters and
/// other derived quantities, in any order; returned in an order where each uses only earlier
/// ones.
fn resolve_derived(mut s: Section<'_>) -> Result<(Vec<String>, Vec<Expression>), ModelError> {
    let mut pending = s.drain();
    if pending.len() > MAX_DERIVED {
        return Err(ModelError::BadValue {
            file: s.file.to_string(),
            key: s.path.clone(),
            value: format!("{} quantities", pending.len()),
            expected: format!("at most {MAX_DERIVED}"),
        });
    }
    for (name, _) in &pending {
        check_name(&s, name)?;
        if s.names().contains_key(name) {
            return Err(s.bad_value(name, name, "a name not used by a parameter or built-in constant"));
        }
    }
    let (mut names, mut expressions) = (Vec::new(), Vec::new());
    loop {
        let n_pending = pending.len();
        let mut unresolved = Vec::new();
        let mut first_error = None;
        for (name, value) in pending {
            let Value::String(text) = &value else {
                return Err(s.wrong_type(&name, "an expression string", &value));
            };
            match Expression::compile_with(text, s.names(), &names) {
                Ok(e) => {
                    names.push(name);
                    expressions.push(e);
                }
                Err(error) if matches!(error.kind, ExprErrorKind::UnknownName { .. }) => {
                    let located = ModelError::Expression { file: s.file.to_string(), key: s.key(&name), text: text.clone(), error: Box::new(error) };
                    first_error.get_or_insert(located);
                    unresolved.push((name, value));
                }
                Err(error) => {
                    return Err(ModelError::Expression { file: s.file.to_string(), key: s.key(&name), text: text.clone(), error: Box::new(error) });
                }
            }
        }
        match first_error {
            None => return Ok((names, expressions)),
            Some(error) if unresolved.len() == n_pending => return Err(error),
            Some(_) => pending = unresolved,
        }
    }
}

/// Read `[fields]` into a [`FileModel`].
fn read_fields(
    mut s: Section<'_>,
    ctx: &SpecContext<'_>,
    name: String,
    builtin: Option<Builtin>,
    derived: Vec<Expression>,
    bounds: Bounds,
) -> Result<FileModel, ModelError> {
    let provides = builtin.as_ref().map(Builtin::provides);
    let from_builtin = |flag: fn(&crate::builtin::Provides) -> bool| provides.as_ref().is_some_and(flag);
    let scalar = |s: &mut Section<'_>, key: &'static str, builtin_has: bool| -> Result<Option<Source<ScalarField>>, ModelError> {
        match s.take(key) {
            Some(v) => Ok(Some(Source::Field(ctx.scalar(s, key, v)?))),
            None if builtin_has => Ok(Some(Source::Builtin)),
            None => Ok(None),
        }
    };
    // Densities: a table partner name → field; the built-in supplies H2.
    let mut densities = Vec::new();
    match s.table("density_m3")? {
        Some(mut t) => {
            for (key, value) in t.drain() {
                let partner = PartnerKind::from_name(&key)
                    .filter(|p| densities.iter().all(|(q, _)| q != p))
                    .ok_or_else(|| t.bad_value(&key, &key, "a LAMDA partner name, each partner once: h2, p-h2, o-h2, e, h, he, h+"))?;
                densities.push((partner, Source::Field(ctx.scalar(&t, &key, value)?)));
            }
        }
        None if from_builtin(|p| p.density) => densities.push((PartnerKind::H2, Source::Builtin)),
        None => return Err(s.missing("density_m3")),
    }
    densities.sort_by_key(|(p, _)| p.index());
    if densities.is_empty() {
        return Err(s.bad_value("density_m3", "{}", "at least one collision partner"));
    }
    let partners = densities.iter().map(|(p, _)| *p).collect();
    let tkin_k = scalar(&mut s, "tkin_k", from_builtin(|p| p.tkin))?.ok_or_else(|| s.missing("tkin_k"))?;
    let tdust_k = match scalar(&mut s, "tdust_k", false)? {
        Some(Source::Field(f)) => Some(f),
        _ => None,
    };
    let abundance = scalar(&mut s, "abundance", from_builtin(|p| p.abundance))?;
    let molecule_density = scalar(&mut s, "molecule_density_m3", false)?;
    let molecule = match (abundance, molecule_density) {
        (Some(Source::Field(_)), Some(_)) => {
            return Err(s.bad_value("molecule_density_m3", "given", "either `abundance` or `molecule_density_m3`, not both"));
        }
        (_, Some(Source::Field(f))) => MoleculeAmount::Density(f),
        (Some(a), _) => MoleculeAmount::Abundance(a),
        _ => return Err(s.missing("abundance")),
    };
    let mut molecule_weights = [0.0; N_PARTNERS];
    for (p, _) in &densities {
        molecule_weights[p.index()] = 1.0;
    }
    if let Some(mut t) = s.table("molecule_weights")? {
        for (key, value) in t.drain() {
            let partner = PartnerKind::from_name(&key)
                .filter(|p| densities.iter().any(|(q, _)| q == p))
                .ok_or_else(|| t.bad_value(&key, &key, "a partner given under density_m3"))?;
            molecule_weights[partner.index()] = t.number(&key, &value)?;
        }
    }
    let velocity_m_s = match s.take("velocity_m_s") {
        Some(v) => Source::Field(ctx.vector(&s, "velocity_m_s", v)?),
        None if from_builtin(|p| p.velocity) => Source::Builtin,
        None => return Err(s.missing("velocity_m_s")),
    };
    let doppler_b_m_s = scalar(&mut s, "doppler_b_m_s", from_builtin(|p| p.doppler))?.ok_or_else(|| s.missing("doppler_b_m_s"))?;
    let line_width = match s.string("line_width")?.as_deref() {
        None => builtin.as_ref().and_then(Builtin::line_width).unwrap_or(LineWidth::TurbulentPlusThermal),
        Some("turbulent_plus_thermal") => LineWidth::TurbulentPlusThermal,
        Some("total") => LineWidth::Total,
        Some(other) => return Err(s.bad_value("line_width", other, "`turbulent_plus_thermal` or `total`")),
    };
    let grid_density = match scalar(&mut s, "grid_density", false)? {
        Some(Source::Field(f)) => Some(f),
        _ => None,
    };
    s.finish()?;
    Ok(FileModel {
        name,
        partners,
        densities,
        builtin,
        derived,
        tkin_k,
        tdust_k,
        molecule,
        molecule_weights,
        velocity_m_s,
        doppler_b_m_s,
        line_width,
        bounds,
        grid_density,
    })
}
