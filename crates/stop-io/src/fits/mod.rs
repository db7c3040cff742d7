//! FITS (Flexible Image Transport System, version 4.0; Pence et al. 2010, A&A 524, A42,
//! 2010A&A...524A..42P): images and cubes with WCS in the primary HDU, streaming binary tables,
//! and readers for both. Written in-house (80-character cards, 2880-byte blocks, big-endian
//! data), checked against astropy in the crate's interoperability test.

mod bintable_read;
mod bintable_write;
mod card;
mod header;
mod image;
mod wcs;

pub use bintable_read::read_fits_table;
pub use bintable_write::FitsTableWriter;
pub use card::{Card, HeaderValue};
pub use header::Header;
pub use image::{FitsImage, FitsImageWriter, FitsPixel, ImageData, read_fits_image, write_fits_image};
pub use wcs::{Beam, ImageMeta, WcsAxis};

pub(crate) use bintable_read::{read_fits_table_bytes, table_from_hdu};
pub(crate) use bintable_write::encode_row;
pub(crate) use header::parse_hdus;
pub(crate) use image::{image_from_hdu, is_image_with_data};
