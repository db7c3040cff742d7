//! Job-type parameter descriptions (names, types, units, ranges, defaults, arrays, files,
//! relations) and the validation of creation requests against them.

mod spec;
mod validate;

pub use spec::{ArraySpec, JobDescriptor, ParamKind, ParamSpec, Relation};
pub use validate::{ParamError, RawInput, ValidatedInput};

#[cfg(test)]
mod tests;
