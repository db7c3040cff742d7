#![doc = include_str!("../README.md")]

mod detect;
pub mod error;
pub mod fits;
pub mod spectrum;
pub mod table;
pub mod votable;

pub use error::IoError;
pub use fits::{
    Beam, Card, FitsImage, FitsImageWriter, FitsPixel, FitsTableWriter, Header, HeaderValue, ImageData, ImageMeta,
    WcsAxis, read_fits_image, read_fits_table, write_fits_image,
};
pub use spectrum::{
    SpectralAxis, Spectrum, SpectrumReadOptions, UNIFORM_AXIS_TOL_STEPS, parse_spectrum, read_spectrum,
    read_spectrum_with, write_spectrum_fits_image, write_spectrum_table,
};
pub use table::{
    Column, DataType, Param, RowEncoder, Schema, Table, TableFormat, TableWriter, TsvReader, TsvWriter, Value,
    convert_tsv, create_table_writer, push_f64, read_table, read_tsv_table, resume_or_create_table_writer,
};
pub use votable::{VoTableWriter, parse_votable, read_votable, votable_string};
