//! The non-LTE level populations: photons from every grid point, the local accelerated
//! lambda iteration, statistical equilibrium, Ng acceleration and a stopping rule
//! (Brinch & Hogerheijde 2010, A&A 523, A25, 2010A&A...523A..25B, §2; `lime-algorithm.md` §3).
//!
//! | module | job |
//! |---|---|
//! | [`setup`] | per-point line width, velocity, opacity scales, collision rates |
//! | [`stateq`] | rate matrix and its solution at one point |
//! | [`local`] | the local ALI loop at one point |
//! | [`ng`] | Ng acceleration of the global population vector |
//! | `relax` | under-relaxation of the points whose iteration oscillates |
//! | [`convergence`] | per-iteration statistics and the stopping rule |
//! | [`averaging`] | the mean of iterations with new photons after convergence |
//! | [`params`] | settings |
//! | [`iterate`] | the global loop |
//! | [`model_run`] | grid, molecule and dust of a model file |

pub mod averaging;
pub mod convergence;
pub mod error;
pub mod iterate;
pub mod local;
pub mod model_run;
pub mod ng;
pub mod params;
mod relax;
pub mod setup;
pub mod stateq;
