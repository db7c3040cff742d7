//! Spectral-axis units found in observed files, and how to bring them to Hz or km/s.

/// Kind and scale of a spectral-axis unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AxisUnit {
    /// Frequency; multiply by the factor to get Hz.
    Frequency { to_hz: f64 },
    /// Velocity; divide by the factor to get km/s (a division keeps `1500 m/s` → `1.5` exact).
    Velocity { per_km_s: f64 },
}

/// Parses a unit string (`GHz`, `km/s`, `m.s-1`, `km s-1`, ...); case-insensitive except that
/// `MHz` and `mHz` are both read as megahertz (millihertz never labels a spectrum).
pub(crate) fn parse_axis_unit(unit: &str) -> Option<AxisUnit> {
    let compact: String = unit
        .trim()
        .trim_matches(|c| matches!(c, '(' | ')' | '[' | ']'))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
        .replace("**", "")
        .replace('^', "");
    let frequency = |to_hz| Some(AxisUnit::Frequency { to_hz });
    let velocity = |per_km_s| Some(AxisUnit::Velocity { per_km_s });
    match compact.as_str() {
        "hz" => frequency(1.0),
        "khz" => frequency(1e3),
        "mhz" => frequency(1e6),
        "ghz" => frequency(1e9),
        "thz" => frequency(1e12),
        "m/s" | "m.s-1" | "ms-1" | "m_s" | "mps" => velocity(1e3),
        "km/s" | "km.s-1" | "kms-1" | "km_s" | "kms" | "kmps" => velocity(1.0),
        "cm/s" | "cm.s-1" | "cms-1" | "cm_s" => velocity(1e5),
        _ => None,
    }
}

/// A unit written into a column name: a bracketed part (`freq (GHz)`, `v[km/s]`) or a STOP-style
/// suffix (`freq_ghz`, `velocity_km_s`). Returns the name without it, and the unit.
pub(crate) fn unit_from_name(name: &str) -> (String, Option<AxisUnit>) {
    let mut lower = name.trim().to_ascii_lowercase();
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let (Some(start), Some(end)) = (lower.find(open), lower.rfind(close))
            && start < end
        {
            // A bracketed part is a unit, wanted (`GHz`) or not (`K`): the name is what precedes it.
            let unit = parse_axis_unit(&lower[start + 1..end]);
            lower = lower[..start].trim().to_owned();
            if unit.is_some() {
                return (lower, unit);
            }
            break;
        }
    }
    for suffix in ["_thz", "_ghz", "_mhz", "_khz", "_hz", "_km_s", "_kms", "_cm_s", "_m_s"] {
        if let Some(base) = lower.strip_suffix(suffix)
            && !base.is_empty()
        {
            return (base.to_owned(), parse_axis_unit(&suffix[1..]));
        }
    }
    (lower, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_units_parse() {
        assert_eq!(parse_axis_unit("GHz"), Some(AxisUnit::Frequency { to_hz: 1e9 }));
        assert_eq!(parse_axis_unit("km s-1"), Some(AxisUnit::Velocity { per_km_s: 1.0 }));
        assert_eq!(parse_axis_unit("m/s"), Some(AxisUnit::Velocity { per_km_s: 1e3 }));
        assert_eq!(parse_axis_unit("K"), None);
    }

    #[test]
    fn units_in_names_are_found() {
        assert_eq!(
            unit_from_name("Frequency (GHz)"),
            ("frequency".into(), Some(AxisUnit::Frequency { to_hz: 1e9 }))
        );
        assert_eq!(
            unit_from_name("velocity_km_s"),
            ("velocity".into(), Some(AxisUnit::Velocity { per_km_s: 1.0 }))
        );
        assert_eq!(unit_from_name("Tmb"), ("tmb".into(), None));
        assert_eq!(unit_from_name("T (K)"), ("t".into(), None));
    }
}
