//! `stop worker JOB_DIR`: runs one job from its directory (started by `stop serve` or SLURM).

use std::path::PathBuf;

use anyhow::Context as _;

/// Arguments of `stop worker`.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// The job directory (holds job.json; results and status.json are written there).
    pub job_dir: PathBuf,
    /// Run only task K of a job split into array tasks (its tasks.json), writing its part.
    #[arg(long, value_name = "K", conflicts_with = "merge")]
    pub task: Option<u32>,
    /// Merge the parts of a job split into array tasks into its results and final status.
    #[arg(long)]
    pub merge: bool,
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
    let registry = stop_service::jobs::registry();
    if let Some(task) = args.task {
        return stop_uws::exec::tasks::run_task(&args.job_dir, &registry, task).with_context(|| format!("task {task} of {}", args.job_dir.display()));
    }
    if args.merge {
        // The merge's own failure is recorded in status.json, like a whole run's.
        stop_uws::exec::tasks::merge_job(&args.job_dir, &registry)?;
        return Ok(());
    }
    stop_service::run_worker(&args.job_dir)
}

/// CPUs SLURM allocated to this task (`SLURM_CPUS_PER_TASK`, set by `sbatch --cpus-per-task`).
fn slurm_cpus() -> Option<usize> {
    std::env::var("SLURM_CPUS_PER_TASK").ok()?.trim().parse().ok().filter(|&n| n > 0)
}
