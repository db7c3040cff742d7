//! Running jobs: the [`Executor`] trait the server talks to, the [`LocalPool`] of child
//! processes, and the worker side ([`worker`]) that runs inside `stop worker JOB_DIR`.
//!
//! Contract (see the crate README): the server writes the job directory and calls
//! [`Executor::submit`]; the executor starts `stop worker JOB_DIR` when capacity allows and
//! reports [`ExecEvent::Started`] then exactly one [`ExecEvent::Finished`]. The worker writes
//! results with [`crate::store::layout::write_atomic`] and `status.json` last; the executor turns
//! the exit status and `status.json` into an [`Outcome`].

mod local_pool;
mod process;
pub mod slurm;
pub mod tasks;
pub mod worker;

use std::path::PathBuf;

pub use local_pool::{LocalPool, LocalPoolParams};
pub use process::{kill_group, worker_alive};
pub use slurm::{SlurmExecutor, SlurmParams};

use crate::protocol::ResultEntry;
use crate::store::layout::{JobDir, WorkerStatus};

/// A job handed to an executor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Job id.
    pub job_id: String,
    /// Its directory.
    pub dir: PathBuf,
    /// Wall-clock seconds it may run from now; 0 = unlimited.
    pub execution_duration_s: u64,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Ran to the end; these results are complete on disk.
    Completed {
        /// Verified results.
        results: Vec<ResultEntry>,
    },
    /// The job failed (the solver reported an error, or the worker crashed).
    Failed {
        /// Why, for the error summary.
        message: String,
        /// Complete results published before the failure.
        results: Vec<ResultEntry>,
    },
    /// Killed on request or because it ran past its execution duration.
    Aborted {
        /// Server-side reason (execution duration), `None` for a client ABORT.
        reason: Option<String>,
    },
    /// A worker from before a server restart vanished without a final status.
    Lost {
        /// What was observed.
        message: String,
    },
}

/// What an executor reports, in order per job: `Started` (unless it never started), then
/// `Finished`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecEvent {
    /// A worker process is running the job.
    Started {
        /// Job id.
        job_id: String,
        /// Worker process id (also its process group id).
        pid: u32,
    },
    /// The job is over.
    Finished {
        /// Job id.
        job_id: String,
        /// How.
        outcome: Outcome,
    },
}

/// Something that runs jobs: the local process pool now, SLURM later.
pub trait Executor: Send + Sync {
    /// Queues a job; returns at once.
    fn submit(&self, job: Submission);
    /// Watches a worker started before a server restart, still running as `pid`.
    fn reattach(&self, job: Submission, pid: u32);
    /// Whether the worker recorded as `pid` for `job` before a restart may still be running,
    /// so that the server hands the job to [`Executor::reattach`]; `false` means it is gone and
    /// the server settles the job from its directory at once.
    fn may_be_running(&self, job: &Submission, pid: u32) -> bool;
    /// Stops a queued or running job (kills the worker's process group). Returns whether the
    /// executor knew the job.
    fn abort(&self, job_id: &str) -> bool;
    /// How many jobs may run at once.
    fn capacity(&self) -> usize;
}

/// Turns what the worker left behind into an outcome. `exit` describes how the process ended,
/// for the message when there is no `status.json`.
#[must_use]
pub fn read_outcome(dir: &JobDir, exit: &str) -> Outcome {
    match dir.read_status() {
        Ok(Some(WorkerStatus::Completed { results })) => {
            let verified = dir.verified_results(&results);
            if verified.len() == results.len() {
                Outcome::Completed { results: verified }
            } else {
                Outcome::Failed { message: "a result file is missing or cut short".into(), results: verified }
            }
        }
        Ok(Some(WorkerStatus::Error { message, results })) => Outcome::Failed { message, results: dir.verified_results(&results) },
        Ok(None) => Outcome::Failed { message: format!("worker {exit} without writing a final status"), results: Vec::new() },
        Err(e) => Outcome::Failed { message: format!("unreadable worker status: {e}"), results: Vec::new() },
    }
}
