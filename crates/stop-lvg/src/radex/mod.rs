//! RADEX's file formats: the batch input file (the answers to RADEX's questions, several
//! models in one file) and the output layout, reproduced character for character.

mod fortran;
mod input;
mod output;
mod process;

pub use fortran::{format_e, format_f, format_i};
pub use input::{RadexInput, parse_radex_input, partner_id_from_radex_name, radex_densities};
pub use output::{RadexBlock, write_radex_block};
pub use process::RadexProcess;
