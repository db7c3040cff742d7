//! `stop worker JOB_DIR`: runs one job from its directory (started by `stop serve` or SLURM).

use std::path::PathBuf;

use anyhow::Context as _;

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
    if let Some(threads) = slurm_cpus() {
        // Under SLURM the allocation, not the node's core count, sizes the pool.
        rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().context("sizing the thread pool from SLURM_CPUS_PER_TASK")?;
    }
    stop_service::run_worker(&args.job_dir)
}

/// CPUs SLURM allocated to this task (`SLURM_CPUS_PER_TASK`, set by `sbatch --cpus-per-task`).
fn slurm_cpus() -> Option<usize> {
    std::env::var("SLURM_CPUS_PER_TASK").ok()?.trim().parse().ok().filter(|&n| n > 0)
}
