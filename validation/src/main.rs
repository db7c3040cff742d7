//! `stop-validate radex [--mode compat|fast|both]`: compare STOP with the RADEX reference
//! tables and print the report (ends with `N passed, M failed`; exit status 1 on failures).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use stop_lvg::CompatParams;
use stop_validation::radex;

/// Validation of STOP against the legacy codes.
#[derive(Debug, Parser)]
#[command(name = "stop-validate")]
struct Cli {
    #[command(subcommand)]
    suite: Suite,
}

#[derive(Debug, Subcommand)]
enum Suite {
    /// The RADEX reference set (`../shared/reference/radex`).
    Radex {
        /// Which solver mode to check.
        #[arg(long, value_enum, default_value_t = Mode::Both)]
        mode: Mode,
        /// The reference directory (holding `radex/`).
        #[arg(long)]
        reference: Option<PathBuf>,
        /// The LAMDA directory the reference runs used.
        #[arg(long)]
        lamda: Option<PathBuf>,
    },
    /// LIME model A image cubes (`../shared/reference/lime/modelA`): STOP's ray tracer on
    /// LIME's grid and populations, then on STOP's own populations. Run in release mode.
    LimeImages(stop_validation::images::cli::LimeImagesArgs),
    /// LIME model A level populations (`../shared/reference/lime/modelA`): STOP's own grid
    /// against LIME's radial profiles, and LIME's grid point by point. Run in release mode.
    LimeModela(stop_validation::modela::cli::LimeModelAArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// RADEX-compatible mode, bit for bit.
    Compat,
    /// Fast default mode, against the tightly converged compat mode and against RADEX.
    Fast,
    /// Both.
    Both,

}

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<ExitCode> {
    let (mode, reference, lamda) = match Cli::parse().suite {
        Suite::Radex { mode, reference, lamda } => (mode, reference, lamda),
        Suite::LimeImages(args) => return stop_validation::images::cli::run(&args),
        Suite::LimeModela(args) => return stop_validation::modela::cli::run_cli(&args),
    };
    let reference_dir = reference.unwrap_or_else(stop_validation::default_reference_dir).join("radex");
    let lamda_dir = lamda.unwrap_or_else(stop_validation::default_lamda_dir);
    let reference = radex::reference::load(&reference_dir, &lamda_dir)?;
    let mut failed = 0;
    if matches!(mode, Mode::Compat | Mode::Both) {
        let report = radex::compat::run(&reference, CompatParams::default());
        print!("{}", report.render());
        failed += report.failed;
    }
    if matches!(mode, Mode::Fast | Mode::Both) {
        let report = radex::fast::run(&reference, None);
        print!("{}", report.render());
        failed += usize::from(!report.ok());
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
