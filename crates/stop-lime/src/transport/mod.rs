//! Photon transport for the solver: straight paths through the Voronoi cells of the grid,
//! the line profile along a segment, the linear reconstruction of the populations in a cell,
//! the formal solution of a segment, dust opacity.

pub mod dust;
pub mod formal;
pub mod photons;
pub mod profile;
pub mod reconstruct;
pub mod segment;
pub mod walk;
