//! One module per subcommand.

pub mod lvg;
pub mod molecule;
pub mod serve;
pub mod worker;
