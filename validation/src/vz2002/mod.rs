//! The van Zadelhoff et al. (2002, A&A 395, 373) benchmark problems solved by `stop-lime`:
//! problem 1a/1b against the published curves (`fiducial/`), problem 2a/2b against RATRAN,
//! explained where they miss it by a run on RATRAN's model as it evidently ran. The same
//! models solved to convergence by the 1-D solver ([`exact`], [`crate::sphere1d`]) are a
//! second reference, which separates STOP's error from the references' own.

pub mod compare;
pub mod diagnose;
pub mod exact;
pub mod problem2;
pub mod reference;
pub mod run;
