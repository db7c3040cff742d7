//! The van Zadelhoff et al. (2002, A&A 395, 373) benchmark problems solved by `stop-lime`:
//! problem 1a/1b against the published curves (`fiducial/`), problem 2a/2b against RATRAN.

pub mod compare;
pub mod diagnose;
pub mod reference;
pub mod run;
