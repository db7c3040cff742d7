//! Level populations on disk, for restarts and for a later ray tracer.
//!
//! The format is tab-separated text (readable by any table tool, exact on round trip):
//!
//! ```text
//! # stop-lime populations v1
//! # model = vz2002_1a
//! # molecule = X
//! # iterations = 14
//! index→x_m→y_m→z_m→sink→pop_0→pop_1
//! 0→1.2e13→-3.4e12→5.6e12→0→3.39e-1→6.61e-1
//! ```
//!
//! (→ stands for a tab.)
//!
//! * line 1 names the format and its version;
//! * then any number of `# key = value` lines (the writer records model, molecule, grid and
//!   solver settings and the convergence state; readers keep them as strings);
//! * a header row: `index`, the position in metres, `sink` (1 for boundary points, whose
//!   populations are zero), and one `pop_<level>` column per level (0-based, LAMDA order);
//! * one row per grid point in grid order, numbers in Rust's shortest round-trip form, so
//!   reading gives back the same bits.

pub mod io;
