//! Integration tests of the file formats, linked into one test binary.

mod images;
mod properties;
mod spectra;
mod tables;
