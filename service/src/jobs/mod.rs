//! The job types the service offers. Each file holds one: its parameter description (names as
//! in the CLI's input) and its `run`, which executes inside `stop worker`.

mod diagnostic;
mod grid;
mod lime;
mod lte;
mod lvg;
mod molecule;

use stop_uws::exec::worker::Registry;
use stop_uws::params::{ParamKind, ParamSpec};

pub use diagnostic::Diagnostic;
pub use grid::GridJob;
pub use lime::LimeModel;
pub use lte::LteSpectrum;
pub use lvg::LvgModel;
pub use molecule::MoleculeSummary;

/// Every job type of this build.
#[must_use]
pub fn registry() -> Registry {
    Registry::default().with(MoleculeSummary::new()).with(LvgModel::new()).with(Diagnostic::new()).with(GridJob::new()).with(LteSpectrum::new()).with(LimeModel::new())
}

/// A float parameter with a unit, a lower bound (exclusive when `positive`) and a default.
/// The two ways to name a molecule, shared by every job type that takes one: a shipped
/// molecule by name, or an uploaded LAMDA file (exactly one of them).
fn molecule_source_params() -> [ParamSpec; 2] {
    let names: Vec<String> = stop_molecule::shipped_names().into_iter().map(str::to_owned).collect();
    [
        ParamSpec {
            name: "molecule".into(),
            description: "A shipped molecule".into(),
            kind: ParamKind::String { choices: Some(names), max_len: 64 },
            unit: None,
            required: false,
            default: None,
            array: None,
        },
        ParamSpec {
            name: "lamda_file".into(),
            description: "Your own LAMDA file instead of a shipped molecule".into(),
            kind: ParamKind::File { media_types: vec!["text/plain".into()] },
            unit: None,
            required: false,
            default: None,
            array: None,
        },
    ]
}

fn float(name: &str, description: &str, unit: Option<&str>, min: Option<f64>, positive: bool, max: Option<f64>, default: Option<f64>) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        description: description.into(),
        kind: ParamKind::Float { min, min_exclusive: positive, max },
        unit: unit.map(str::to_owned),
        required: default.is_none(),
        default: default.map(serde_json::Value::from),
        array: None,
    }
}
