//! `stop`: the Spectral Tools Platform command line. Each subcommand lives in
//! `commands/<name>.rs`; this file only dispatches.

mod args;
mod commands;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Molecule(a) => commands::molecule::run(&a),
        args::Command::Lvg(a) => commands::lvg::run(&a),
        args::Command::Grid(a) => commands::grid::run(&a),
        args::Command::Lime(a) => commands::lime::run(&a),
        args::Command::Serve(a) => commands::serve::run(&a),
        args::Command::Worker(a) => commands::worker::run(&a),
        args::Command::Lte(a) => commands::lte::run(&a),
        args::Command::Rotdiag(a) => commands::rotdiag::run(&a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {err:#}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}
