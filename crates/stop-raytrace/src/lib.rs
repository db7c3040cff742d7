#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod beam;
pub mod error;
pub mod fits;
pub mod grid;
pub mod image;
pub mod moments;
pub mod params;
mod profile;
pub mod rays;
mod trace;
pub mod units;

pub use error::RaytraceError;
pub use grid::TraceGrid;
pub use image::{ImageCube, render, render_all};
pub use params::RaytraceParams;
pub use rays::RayLayout;
