#![doc = include_str!("../README.md")]

pub mod beam;
pub mod config;
pub mod error;
pub mod lines;
pub mod model;
pub mod opacity;
pub mod output;
pub mod plot;
pub mod rotation;
pub mod species;
pub mod synth;

pub use beam::{Beam, SourceShape, filling_factor};
pub use config::{ComponentInput, LteInput, SpeciesInput};
pub use error::LteError;
pub use lines::{LineRow, line_table};
pub use model::{Component, ComponentMode, LteModel, SpeciesColumn};
pub use opacity::{LineOpacity, line_opacity};
pub use rotation::{OpacityCorrection, RotationFit, RotationParams, RotationPoint, fit_rotation_diagram};
pub use species::{PartitionFunction, Species, Transition};
pub use synth::{Spectrum, default_channel_hz, frequency_grid, synthesize, velocity_axis_hz};
