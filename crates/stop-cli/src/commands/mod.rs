//! One module per subcommand.

pub mod molecule;
