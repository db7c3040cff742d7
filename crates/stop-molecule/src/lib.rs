#![doc = include_str!("../README.md")]

pub mod collisions;
pub mod error;
pub mod lamda;
pub mod molecule;
mod shipped;
mod text;

pub use collisions::{CollisionPartner, CollisionRates, CollisionTransition, PartnerDensities, PartnerKind, TableRange};
pub use error::{Location, MoleculeError, ParseError, ParseErrorKind};
pub use molecule::{Level, Molecule, RadiativeLine};
pub use shipped::{resolve_molecule, shipped, shipped_names, shipped_text};

/// The repository README's library example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
