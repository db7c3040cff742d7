//! Picks the spectral-axis and intensity columns of a table and converts the axis to Hz or km/s.
//!
//! Axis column: a name (units removed, lower case) starting with `freq` or equal to `nu`,
//! `f`; or starting with `vel`/`velo`, or equal to `v`, `vlsr`, `v_lsr`, `vrad`; or a UCD
//! `em.freq*`, `spect.dopplerVeloc*`, `phys.veloc*`. Intensity column: a name starting with
//! `flux`, `intens`, `tmb`, `t_mb`, `t_a`, `tb`, `t_b`, `temp`, `bright`, or equal to `t`, `i`,
//! `s`, `y`, `int`, `ta`, `ta*`, `tastar`, `value`, `spectrum`, `data`; or a `phot.*` UCD; otherwise the first
//! other numeric column. Without any named axis, a table of exactly two numeric columns is read
//! as (axis, intensity).

use std::path::Path;

use super::units::{AxisUnit, parse_axis_unit, unit_from_name};
use super::{SpectralAxis, Spectrum, SpectrumReadOptions};
use crate::IoError;
use crate::table::{DataType, Table, Value};

/// What a column name says about the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Frequency,
    Velocity,
    Intensity,
    Unknown,
}

fn role_of(name: &str, ucd: Option<&str>) -> Role {
    let ucd = ucd.unwrap_or("").to_ascii_lowercase();
    if ucd.starts_with("em.freq") {
        return Role::Frequency;
    }
    if ucd.starts_with("spect.dopplerveloc") || ucd.starts_with("phys.veloc") {
        return Role::Velocity;
    }
    let (base, _) = unit_from_name(name);
    let base = base.as_str();
    if base.starts_with("freq") || matches!(base, "nu" | "f") {
        return Role::Frequency;
    }
    if base.starts_with("vel") || matches!(base, "v" | "vlsr" | "v_lsr" | "vrad" | "v_rad") {
        return Role::Velocity;
    }
    let intensity_prefixes = ["flux", "intens", "tmb", "t_mb", "t_a", "tb", "t_b", "temp", "bright"];
    if ucd.starts_with("phot.")
        || intensity_prefixes.iter().any(|p| base.starts_with(p))
        || matches!(
            base,
            "t" | "i" | "s" | "y" | "int" | "ta" | "ta*" | "tastar" | "value" | "spectrum" | "data"
        )
    {
        return Role::Intensity;
    }
    Role::Unknown
}

/// Rest frequency in Hz from the table parameters, if one is named like one.
fn rest_freq_hz(table: &Table) -> Option<f64> {
    table.schema.params().iter().find_map(|param| {
        let (base, name_unit) = unit_from_name(&param.name);
        let is_rest = matches!(
            base.as_str(),
            "restfrq" | "restfreq" | "rest_freq" | "rest_frequency" | "restfrequency"
        );
        if !is_rest {
            return None;
        }
        let value = param.value.as_f64()?;
        let unit = param.unit.as_deref().and_then(parse_axis_unit).or(name_unit);
        match unit {
            Some(AxisUnit::Frequency { to_hz }) => Some(value * to_hz),
            // FITS RESTFRQ/RESTFREQ are in Hz by definition.
            _ => Some(value),
        }
    })
}

/// Converts a table to a spectrum; `path` names the source in errors.
pub(crate) fn table_to_spectrum(
    path: &Path,
    table: &Table,
    options: &SpectrumReadOptions,
) -> Result<Spectrum, IoError> {
    let columns = table.schema.columns();
    let numeric: Vec<usize> = (0..columns.len())
        .filter(|&j| columns[j].datatype != DataType::Str)
        .collect();
    let roles: Vec<Role> = columns.iter().map(|c| role_of(&c.name, c.ucd.as_deref())).collect();
    let available = || columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let axis_index = numeric
        .iter()
        .copied()
        .find(|&j| matches!(roles[j], Role::Frequency | Role::Velocity))
        .or_else(|| (numeric.len() == 2).then(|| numeric[0]))
        .ok_or_else(|| IoError::ColumnNotFound {
            path: path.to_path_buf(),
            wanted: "spectral axis",
            available: available(),
        })?;
    let value_index = numeric
        .iter()
        .copied()
        .find(|&j| j != axis_index && roles[j] == Role::Intensity)
        .or_else(|| {
            numeric
                .iter()
                .copied()
                .find(|&j| j != axis_index && roles[j] == Role::Unknown)
        })
        .ok_or_else(|| IoError::ColumnNotFound {
            path: path.to_path_buf(),
            wanted: "intensity",
            available: available(),
        })?;
    let axis_column = &columns[axis_index];
    let unknown_unit = |unit: &str| IoError::UnknownUnit {
        path: path.to_path_buf(),
        column: axis_column.name.clone(),
        unit: unit.to_owned(),
        expected: "frequency or velocity",
    };
    let unit = match (&options.axis_unit, &axis_column.unit) {
        (Some(unit), _) => Some(parse_axis_unit(unit).ok_or_else(|| unknown_unit(unit))?),
        (None, Some(unit)) => Some(parse_axis_unit(unit).ok_or_else(|| unknown_unit(unit))?),
        (None, None) => unit_from_name(&axis_column.name).1,
    };
    let unit = unit.ok_or_else(|| IoError::AmbiguousAxis {
        path: path.to_path_buf(),
        column: axis_column.name.clone(),
    })?;
    let column_values = |j: usize| -> Vec<f64> {
        table
            .rows
            .iter()
            .map(|row| row.get(j).and_then(Value::as_f64).unwrap_or(f64::NAN))
            .collect()
    };
    let raw_axis = column_values(axis_index);
    let axis = match unit {
        AxisUnit::Frequency { to_hz } => SpectralAxis::Frequency {
            freq_hz: raw_axis.iter().map(|x| x * to_hz).collect(),
        },
        AxisUnit::Velocity { per_km_s } => SpectralAxis::Velocity {
            velocity_km_s: raw_axis.iter().map(|x| x / per_km_s).collect(),
            rest_freq_hz: rest_freq_hz(table),
        },
    };
    let value_column = &columns[value_index];
    Ok(Spectrum {
        axis,
        values: column_values(value_index),
        value_name: value_column.name.clone(),
        value_unit: value_column.unit.clone().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_names_and_ucds() {
        assert_eq!(role_of("Frequency (GHz)", None), Role::Frequency);
        assert_eq!(role_of("VLSR", None), Role::Velocity);
        assert_eq!(role_of("x", Some("spect.dopplerVeloc.radio")), Role::Velocity);
        assert_eq!(role_of("Tmb", None), Role::Intensity);
        assert_eq!(role_of("rms", None), Role::Unknown);
    }
}
