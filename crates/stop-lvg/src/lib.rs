#![doc = include_str!("../README.md")]

pub mod background;
pub mod compat;
pub mod emission;
pub mod error;
pub mod escape;
pub mod fast;
pub mod grid;
pub mod linpack;
pub mod model;
pub mod rates;
pub mod result;

pub use compat::{CompatParams, CompatSolver};
pub use emission::{in_window, line_result, radex_window};
pub use error::LvgError;
pub use escape::Geometry;
pub use fast::{FastParams, FastSolver};
pub use model::{ModelParams, Problem};
pub use result::{LineResult, Solution, Status};
pub mod radex;
pub mod rows;
pub mod single;
