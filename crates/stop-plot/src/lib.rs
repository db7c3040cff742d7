#![doc = include_str!("../README.md")]

mod draw;
mod error;
mod figure;
mod map;

pub use draw::plot_spectrum;
pub use error::PlotError;
pub use figure::{Figure, Series, SeriesKind};
pub use map::{MapFigure, MapScale, plot_map};
