//! Field specifications: a TOML value (number, expression string, profile table, point-set
//! reference) turned into a [`ScalarField`] or [`VectorField`].

use super::keys::Section;
use crate::error::ModelError;
use crate::expr::Expression;
use crate::field::{Interpolation, Outside, PointCloud, RadialProfile, ScalarField, VectorField};
use crate::table::DataTable;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Value;

/// A `[tables.NAME]` entry: a data file and how to read its coordinates.
pub(crate) struct NamedTable {
    pub data: DataTable,
    /// Column holding r, and its factor to metres.
    pub radius: (String, f64),
    /// Columns holding x, y, z, and their factor to metres.
    pub position: ([String; 3], f64),
}

/// What field specifications can refer to.
pub(crate) struct SpecContext<'a> {
    pub file: &'a str,
    pub names: &'a BTreeMap<String, f64>,
    /// Names of the `[derived]` quantities, in evaluation order.
    pub derived: &'a [String],
    pub tables: &'a BTreeMap<String, NamedTable>,
}

impl SpecContext<'_> {
    /// Read `[tables]`: each entry names a file (relative to `base_dir`), its columns and the
    /// lines to skip.
    pub fn read_tables(mut s: Section<'_>, base_dir: &Path) -> Result<BTreeMap<String, NamedTable>, ModelError> {
        let mut out = BTreeMap::new();
        for (name, value) in s.drain() {
            let path = s.key(&name);
            let Value::Table(table) = value else {
                return Err(s.wrong_type(&name, "a table", &value));
            };
            let mut t = Section::new(s.file, path, table, s.names());
            let file = t.required_string("file")?;
            let skip_lines = t.count("skip_lines", Some(0), 0)?;
            let columns = string_list(&mut t, "columns")?.ok_or_else(|| t.missing("columns"))?;
            let radius_column = t.string("radius_column")?.unwrap_or_else(|| "r_m".into());
            let radius_scale = t.f64_checked("radius_scale_m", Some(1.0), |v| v > 0.0, "a factor > 0")?;
            let position_columns = match string_list(&mut t, "position_columns")? {
                None => ["x_m".to_string(), "y_m".to_string(), "z_m".to_string()],
                Some(list) => <[String; 3]>::try_from(list.clone())
                    .map_err(|_| t.bad_value("position_columns", format!("{list:?}"), "three column names"))?,
            };
            let position_scale = t.f64_checked("position_scale_m", Some(1.0), |v| v > 0.0, "a factor > 0")?;
            t.finish()?;
            let data = DataTable::read(&base_dir.join(&file), skip_lines, &columns)?;
            out.insert(name, NamedTable { data, radius: (radius_column, radius_scale), position: (position_columns, position_scale) });
        }
        Ok(out)
    }

    /// A scalar field from the value at `key` of section `s`.
    pub fn scalar(&self, s: &Section<'_>, key: &str, value: Value) -> Result<ScalarField, ModelError> {
        match value {
            Value::Integer(_) | Value::Float(_) => Ok(ScalarField::Constant(s.number(key, &value)?)),
            Value::String(text) => Expression::compile_with(&text, self.names, self.derived).map(ScalarField::Expression).map_err(|error| {
                ModelError::Expression { file: self.file.to_string(), key: s.key(key), text, error: Box::new(error) }
            }),
            Value::Table(table) => {
                let mut t = Section::new(self.file, s.key(key), table, self.names);
                let field = if t.has("points") { self.points(&mut t)? } else { self.profile(&mut t)? };
                t.finish()?;
                Ok(field)
            }
            other => Err(s.wrong_type(key, "a number, an expression string or a table", &other)),
        }
    }

    /// `{ table = "NAME", column = "C" }` or `{ r_m = [...], values = [...] }`, with
    /// `interpolation`, `below`, `above`, `scale`.
    fn profile(&self, t: &mut Section<'_>) -> Result<ScalarField, ModelError> {
        let source = t.path.clone();
        let (radius_m, values) = if let Some(name) = t.string("table")? {
            let table = self.tables.get(&name).ok_or_else(|| t.bad_value("table", &name, "a name defined under [tables]"))?;
            let column = t.required_string("column")?;
            let values = table.data.column(&column).ok_or_else(|| t.bad_value("column", &column, format!("one of {:?}", table.data.names)))?;
            let (r_name, r_scale) = &table.radius;
            let radius = table
                .data
                .column(r_name)
                .ok_or_else(|| t.bad_value("table", &name, format!("a table with the radius column `{r_name}`")))?;
            (radius.iter().map(|r| r * r_scale).collect(), values.to_vec())
        } else {
            (number_list(t, "r_m")?.ok_or_else(|| t.missing("r_m"))?, number_list(t, "values")?.ok_or_else(|| t.missing("values"))?)
        };
        let interpolation = match t.string("interpolation")? {
            None => Interpolation::Linear,
            Some(name) => {
                Interpolation::from_name(&name).ok_or_else(|| t.bad_value("interpolation", &name, format!("one of {}", Interpolation::NAMES)))?
            }
        };
        let below = outside(t, "below")?;
        let above = outside(t, "above")?;
        let scale = t.f64("scale")?.unwrap_or(1.0);
        let profile = RadialProfile::new(&source, radius_m, values, interpolation, below, above)?;
        Ok(ScalarField::Profile { profile, scale })
    }

    /// `{ points = "NAME", column = "C", scale = 1 }`: nearest-neighbour lookup.
    fn points(&self, t: &mut Section<'_>) -> Result<ScalarField, ModelError> {
        let name = t.required_string("points")?;
        let table = self.tables.get(&name).ok_or_else(|| t.bad_value("points", &name, "a name defined under [tables]"))?;
        let column = t.required_string("column")?;
        let values = table.data.column(&column).ok_or_else(|| t.bad_value("column", &column, format!("one of {:?}", table.data.names)))?;
        let (names, scale_m) = &table.position;
        let axis = |i: usize| {
            table.data.column(&names[i]).ok_or_else(|| t.bad_value("points", &name, format!("a table with the position column `{}`", names[i])))
        };
        let (xs, ys, zs) = (axis(0)?, axis(1)?, axis(2)?);
        let positions = xs.iter().zip(ys).zip(zs).map(|((x, y), z)| [x * scale_m, y * scale_m, z * scale_m]).collect();
        let scale = t.f64("scale")?.unwrap_or(1.0);
        Ok(ScalarField::Points { cloud: PointCloud::new(&table.data.path, positions, values.to_vec())?, scale })
    }

    /// A velocity: `[vx, vy, vz]` (three scalar specifications) or `{ radial = spec }`.
    pub fn vector(&self, s: &Section<'_>, key: &str, value: Value) -> Result<VectorField, ModelError> {
        match value {
            Value::Array(items) if items.len() == 3 => {
                let mut fields = Vec::with_capacity(3);
                for (i, item) in items.into_iter().enumerate() {
                    fields.push(self.scalar(s, &format!("{key}[{i}]"), item)?);
                }
                let fields: [ScalarField; 3] = fields.try_into().map_err(|_| s.bad_value(key, "array", "three components"))?;
                Ok(VectorField::Components(Box::new(fields)))
            }
            Value::Table(table) => {
                let mut t = Section::new(self.file, s.key(key), table, self.names);
                let radial = t.take("radial").ok_or_else(|| t.missing("radial"))?;
                let field = VectorField::Radial(self.scalar(&t, "radial", radial)?);
                t.finish()?;
                Ok(field)
            }
            other => Err(s.wrong_type(key, "an array of three components or a table `{ radial = … }`", &other)),
        }
    }
}

fn outside(t: &mut Section<'_>, key: &'static str) -> Result<Outside, ModelError> {
    match t.take(key) {
        None => Ok(Outside::Clamp),
        Some(Value::String(s)) if s == "clamp" => Ok(Outside::Clamp),
        Some(v @ (Value::Integer(_) | Value::Float(_))) => Ok(Outside::Value(t.number(key, &v)?)),
        Some(other) => Err(t.bad_value(key, other, "`clamp` (the end value) or a number")),
    }
}

/// An optional array of numbers (each may be a constant expression).
pub(crate) fn number_list(t: &mut Section<'_>, key: &'static str) -> Result<Option<Vec<f64>>, ModelError> {
    match t.take(key) {
        None => Ok(None),
        Some(Value::Array(items)) => items.iter().enumerate().map(|(i, v)| t.number(&format!("{key}[{i}]"), v)).collect::<Result<_, _>>().map(Some),
        Some(other) => Err(t.wrong_type(key, "an array of numbers", &other)),
    }
}

/// An optional array of strings.
pub(crate) fn string_list(t: &mut Section<'_>, key: &'static str) -> Result<Option<Vec<String>>, ModelError> {
    match t.take(key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(t.wrong_type(key, "an array of strings", &other)),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(other) => Err(t.wrong_type(key, "an array of strings", &other)),
    }
}
