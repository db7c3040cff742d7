#![doc = include_str!("../README.md")]

pub mod builtin;
pub mod error;
mod expr;
pub mod field;
pub mod file;
mod model;
mod physical;
mod table;

pub use builtin::Builtin;
pub use error::{ExprError, ExprErrorKind, ModelError, TableProblem};
pub use expr::{Expression, MAX_DERIVED, builtin_constants, constant_value};
pub use field::{Interpolation, Outside, PointCloud, RadialProfile, ScalarField, VectorField};
pub use file::ModelFile;
pub use model::{FileModel, MoleculeAmount, Source};
pub use physical::{Bounds, DENSITY_POWER, LineWidth, N_PARTNERS, PathFields, PhysicalModel, PointFields, Position, grid_density_norm};
pub use table::DataTable;
