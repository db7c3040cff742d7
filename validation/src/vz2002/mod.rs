//! The van Zadelhoff et al. (2002, A&A 395, 373) benchmark problems solved by `stop-lime`:
//! problem 1a/1b against the published curves (`fiducial/`), problem 2a/2b against RATRAN,
//! explained where they miss it by a run on RATRAN's model as it evidently ran.

pub mod compare;
pub mod diagnose;
pub mod problem2;
pub mod reference;
pub mod run;
