//! The spatial grid: points, their Delaunay triangulation and neighbour lists.
//!
//! LIME (Brinch & Hogerheijde 2010, A&A 523, A25; 2010A&A...523A..25B) holds every
//! physical quantity at a set of points inside a sphere, connected by a Delaunay
//! triangulation along whose edges photons travel.

pub mod build;
pub mod dedup;
pub mod delaunay;
mod fits_table;
pub mod lime_grid_file;
pub mod locate;
pub mod sampling;
pub mod smoothing;
