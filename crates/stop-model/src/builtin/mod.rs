//! Named built-in models with parameters, selected by `[builtin] kind = "…"`. A built-in
//! supplies some fields (n(H2), T, abundance, velocity, b); the `[fields]` table may override
//! any of them and must give the rest.

mod kepler_disk;
mod power_law;
mod ulrich;
mod vz2002;

pub use kepler_disk::KeplerDisk;
pub use power_law::PowerLawEnvelope;
pub use ulrich::{UlrichEnvelope, streamline_mu0};
pub use vz2002::{ShuCollapse, Vz2002Problem1};

use crate::error::ModelError;
use crate::file::keys::Section;
use crate::physical::{Bounds, LineWidth, Position};
use std::path::Path;

/// The fields a built-in computes at one position (those it does not provide are 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuiltinSample {
    /// n(H2), m⁻³.
    pub n_h2_m3: f64,
    /// Kinetic temperature, K.
    pub tkin_k: f64,
    /// n(molecule)/n(H2).
    pub abundance: f64,
    /// Velocity, m/s.
    pub velocity_m_s: [f64; 3],
    /// Doppler b, m/s.
    pub doppler_b_m_s: f64,
}

impl BuiltinSample {
    pub(crate) const ZERO: Self = Self { n_h2_m3: 0.0, tkin_k: 0.0, abundance: 0.0, velocity_m_s: [0.0; 3], doppler_b_m_s: 0.0 };
}

/// Which fields a built-in supplies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provides {
    /// n(H2).
    pub density: bool,
    /// Kinetic temperature.
    pub tkin: bool,
    /// Abundance.
    pub abundance: bool,
    /// Velocity.
    pub velocity: bool,
    /// Doppler b.
    pub doppler: bool,
}

impl Provides {
    const NONE: Self = Self { density: false, tkin: false, abundance: false, velocity: false, doppler: false };
}

/// A named built-in model.
#[derive(Debug, Clone, PartialEq)]
pub enum Builtin {
    /// `power_law_envelope`.
    PowerLawEnvelope(PowerLawEnvelope),
    /// `vz2002_problem1`.
    Vz2002Problem1(Vz2002Problem1),
    /// `vz2002_shu_collapse`.
    ShuCollapse(Box<ShuCollapse>),
    /// `kepler_disk`.
    KeplerDisk(KeplerDisk),
    /// `ulrich_envelope`.
    UlrichEnvelope(UlrichEnvelope),
}

impl Builtin {
    /// The `kind` names.
    pub const NAMES: &'static str =
        "`power_law_envelope`, `vz2002_problem1`, `vz2002_shu_collapse`, `kepler_disk`, `ulrich_envelope`";

    /// Read `[builtin]` (its `kind` and parameters); files are relative to `base_dir`.
    pub(crate) fn from_section(s: &mut Section<'_>, base_dir: &Path) -> Result<Self, ModelError> {
        let kind = s.required_string("kind")?;
        Ok(match kind.as_str() {
            "power_law_envelope" => Builtin::PowerLawEnvelope(PowerLawEnvelope::from_section(s)?),
            "vz2002_problem1" => Builtin::Vz2002Problem1(Vz2002Problem1::from_section(s)?),
            "vz2002_shu_collapse" => Builtin::ShuCollapse(Box::new(ShuCollapse::from_section(s, base_dir)?)),
            "kepler_disk" => Builtin::KeplerDisk(KeplerDisk::from_section(s)?),
            "ulrich_envelope" => Builtin::UlrichEnvelope(UlrichEnvelope::from_section(s)?),
            _ => return Err(s.bad_value("kind", &kind, format!("one of {}", Self::NAMES))),
        })
    }

    /// The fields it supplies.
    #[must_use]
    pub fn provides(&self) -> Provides {
        match self {
            Builtin::PowerLawEnvelope(m) => m.provides(),
            Builtin::Vz2002Problem1(_) => Vz2002Problem1::PROVIDES,
            Builtin::ShuCollapse(_) => ShuCollapse::PROVIDES,
            Builtin::KeplerDisk(m) => m.provides(),
            Builtin::UlrichEnvelope(_) => UlrichEnvelope::PROVIDES,
        }
    }

    /// Its region, when the model defines one (the file's `[model]` radii take precedence).
    #[must_use]
    pub fn bounds(&self) -> Option<Bounds> {
        match self {
            Builtin::PowerLawEnvelope(_) => None,
            Builtin::Vz2002Problem1(_) => Some(Vz2002Problem1::BOUNDS),
            Builtin::ShuCollapse(m) => Some(m.bounds()),
            Builtin::KeplerDisk(m) => Some(m.bounds()),
            Builtin::UlrichEnvelope(m) => Some(m.bounds()),
        }
    }

    /// The line-width convention it prescribes, if any.
    #[must_use]
    pub fn line_width(&self) -> Option<LineWidth> {
        match self {
            Builtin::Vz2002Problem1(_) => Some(LineWidth::Total),
            Builtin::ShuCollapse(_) => Some(LineWidth::TurbulentPlusThermal),
            _ => None,
        }
    }

    /// Its fields at a position.
    #[must_use]
    pub fn sample(&self, p: &Position) -> BuiltinSample {
        match self {
            Builtin::PowerLawEnvelope(m) => m.sample(p),
            Builtin::Vz2002Problem1(m) => m.sample(p),
            Builtin::ShuCollapse(m) => m.sample(p),
            Builtin::KeplerDisk(m) => m.sample(p),
            Builtin::UlrichEnvelope(m) => m.sample(p),
        }
    }
}
