//! One module per subcommand.

pub mod molecule;
pub mod serve;
pub mod worker;
