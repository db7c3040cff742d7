//! Command-line arguments (clap). One variant per subcommand; the argument structs live
//! next to the command that uses them.

use clap::{Parser, Subcommand};

/// STOP — the Spectral Tools Platform: LTE, escape-probability and 3-D non-LTE line
/// modelling, as a CLI, a library and a UWS web service.
#[derive(Debug, Parser)]
#[command(name = "stop", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise a molecular data file (LAMDA) or a shipped molecule (`stop molecule co`).
    Molecule(crate::commands::molecule::MoleculeArgs),
    /// Escape-probability (RADEX) models from a RADEX input file or a TOML/JSON model.
    Lvg(crate::commands::lvg::LvgArgs),
    /// A grid of escape-probability models from a TOML spec, streamed to TSV/FITS/VOTable.
    Grid(crate::commands::grid::GridArgs),
    /// 3-D non-LTE level populations of a model file (LIME-style; `stop lime model.toml`).
    Lime(crate::commands::lime::LimeArgs),
    /// Run the IVOA UWS 1.1 web service (job lists at /uws/{type}).
    Serve(crate::commands::serve::ServeArgs),
    /// Run one job from its directory (used by `stop serve`'s worker pool).
    Worker(crate::commands::worker::WorkerArgs),
    /// LTE line tables and synthetic spectra (`stop lte --species co --column-cm2 1e16 --tex-k 20 --fwhm-kms 1`).
    Lte(crate::commands::lte::LteArgs),
    /// Rotation diagram: T_rot and N with uncertainties from a table of integrated intensities.
    Rotdiag(crate::commands::rotdiag::RotdiagArgs),
}
