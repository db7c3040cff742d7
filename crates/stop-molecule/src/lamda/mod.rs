//! The LAMDA file format (Schöier et al. 2005, A&A 432, 369, §3 and the database's
//! format description): read with located errors, written back losslessly.

mod read;
mod write;

pub use read::{parse_lamda, read_lamda};
pub use write::write_lamda;
