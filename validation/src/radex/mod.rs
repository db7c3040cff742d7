//! RADEX: the reference tables of `../shared/reference/radex` (see its README) against the
//! escape-probability solvers of `stop-lvg`.

pub mod compat;
pub mod fast;
pub mod reference;
