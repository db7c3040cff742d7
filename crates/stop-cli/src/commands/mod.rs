//! One module per subcommand.

pub mod lte;
pub mod grid;
pub mod lime;
pub mod lime_images;
pub mod lvg;
pub mod molecule;
pub mod rotdiag;
pub mod serve;
pub mod worker;
