//! `stop worker JOB_DIR`: runs one job from its directory (started by `stop serve` or SLURM).

use std::path::PathBuf;

/// Arguments of `stop worker`.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// The job directory (holds job.json; results and status.json are written there).
    pub job_dir: PathBuf,
}

/// Run `stop worker`.
///
/// # Errors
/// Unreadable job description or unwritable status.
pub fn run(args: &WorkerArgs) -> anyhow::Result<()> {
    stop_service::run_worker(&args.job_dir)
}
