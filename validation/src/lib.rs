//! Validation of STOP against the reference outputs of the legacy codes in
//! `../shared/reference` (one module per legacy code). The `stop-validate` binary prints the
//! reports; the tests in `tests/` enforce them.

pub mod images;
pub mod modela;
pub mod radex;
pub mod sphere1d;
pub mod stats;
pub mod vz2002;

use std::path::PathBuf;

/// The shared reference directory, `../shared/reference` next to the repository.
#[must_use]
pub fn default_reference_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference"))
}

/// The shared LAMDA directory the reference runs used, `../shared/data/lamda`.
#[must_use]
pub fn default_lamda_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/lamda"))
}
