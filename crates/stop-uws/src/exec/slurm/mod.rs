//! [`SlurmExecutor`]: jobs run as SLURM batch jobs (`sbatch`/`squeue`/`scontrol`/`scancel`),
//! each `stop worker JOB_DIR` on whichever node SLURM picks. The job directory must be on a
//! filesystem every node sees (the service's data directory).
//!
//! Submission: `sbatch --parsable --no-requeue --job-name=stop-<id> --comment=<id>
//! --chdir=<dir> --output=<dir>/slurm-%j.out --cpus-per-task=<threads or 1> --mem=<MiB>M
//! --time=<execution duration in minutes>`; the SLURM id goes to `<dir>/slurm.json`, and to the
//! store as the worker id once the job runs. Polling, state mapping and outages: [`poll`];
//! adoption of tagged jobs after a restart: [`submit`]; jobs with more work items than
//! [`SlurmParams::items_per_task`] (big grids) run as job arrays: [`array`]. No `sacct`: it
//! needs slurmdbd (`../shared/docs/slurm-local.md`).

mod array;
mod command;
mod error;
mod poll;
pub mod states;
pub mod submit;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use tokio::sync::mpsc;

pub use error::SlurmError;
pub use submit::{RECORD_FILE, SlurmRecord, read_record};

use super::worker::Registry;
use super::{ExecEvent, Executor, Outcome, Submission};
use array::TaskWatch;
use submit::Placement;

/// Settings of the SLURM executor.
#[derive(Debug, Clone)]
pub struct SlurmParams {
    /// The `stop` binary as the compute nodes see it.
    pub program: PathBuf,
    /// Arguments before the job directory (normally `["worker"]`).
    pub args: Vec<OsString>,
    /// SLURM partition (`--partition`); `None` = the cluster's default.
    pub partition: Option<String>,
    /// SLURM account (`--account`); `None` = the submitting user's default.
    pub account: Option<String>,
    /// Memory per job, MiB (`--mem`).
    pub memory_mb: u64,
    /// Time between two `squeue` rounds.
    pub poll_interval: Duration,
    /// Longest wait for one SLURM command (with the controller down `squeue` fails after
    /// about 18 s); a command that takes longer counts as an outage.
    pub command_timeout: Duration,
    /// The job types, to ask a job how many work items it has ([`crate::exec::tasks`]);
    /// `None`: every job runs whole, as one SLURM job.
    pub split: Option<Registry>,
    /// Work items (grid models) per array task: a job with more runs as a job array of
    /// `ceil(items / items_per_task)` tasks and a merge job; 0 = never split.
    pub items_per_task: u64,
    /// Most tasks of one array (then more items per task); SLURM's default `MaxArraySize`
    /// allows 1000.
    pub max_array_tasks: u32,
    /// How often the failed tasks of an array are resubmitted, alone, before the job ends in
    /// ERROR naming them.
    pub task_retries: u32,
}

impl SlurmParams {
    /// Defaults for the worker `program`: `worker` argument, default partition and account,
    /// 1024 MiB per job, polling every 2 s, 30 s per command, no splitting until `split` is
    /// set, then 10 000 items per task, at most 1000 tasks, one retry of failed tasks.
    #[must_use]
    pub fn new(program: PathBuf) -> Self {
        Self {
            program,
            args: vec!["worker".into()],
            partition: None,
            account: None,
            memory_mb: 1024,
            poll_interval: Duration::from_secs(2),
            command_timeout: Duration::from_secs(30),
            split: None,
            items_per_task: 10_000,
            max_array_tasks: 1000,
            task_retries: 1,
        }
    }
}

/// What the executor knows about one job it was given.
#[derive(Debug, Clone)]
struct Watch {
    dir: PathBuf,
    /// The job's execution duration, s (time limit of later submissions: reruns, merge).
    duration_s: u64,
    /// `None` while `sbatch` (or adoption) is under way.
    slurm_id: Option<u32>,
    /// Whether `Started` was reported.
    started: bool,
    /// Whether ABORT was asked for.
    abort: bool,
    /// For a job run as an array: its tasks (then `slurm_id` is the newest array, or the
    /// merge job once merging).
    tasks: Option<TaskWatch>,
    /// How often it was submitted again because SLURM lost it.
    resubmits: u32,
}

/// The SLURM executor.
#[derive(Clone)]
pub struct SlurmExecutor {
    inner: Arc<Inner>,
}

struct Inner {
    params: SlurmParams,
    events: mpsc::UnboundedSender<ExecEvent>,
    jobs: Mutex<HashMap<String, Watch>>,
    /// Whether the last `squeue` failed for want of a controller (logged once per outage).
    outage: AtomicBool,
}

impl std::fmt::Debug for SlurmExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlurmExecutor").field("params", &self.inner.params).finish_non_exhaustive()
    }
}

impl SlurmExecutor {
    /// Checks that the SLURM commands exist and the controller answers, then starts polling.
    /// Must run inside a tokio runtime.
    ///
    /// # Errors
    /// [`SlurmError::Missing`] for a missing command, [`SlurmError::ControllerDown`] when
    /// `scontrol ping` does not report the controller up.
    pub async fn connect(params: SlurmParams, events: mpsc::UnboundedSender<ExecEvent>) -> Result<Self, SlurmError> {
        for program in ["sbatch", "squeue", "scancel"] {
            command::run(program, ["--version"], params.command_timeout).await?;
        }
        let ping = match command::run("scontrol", ["ping"], params.command_timeout).await {
            Ok(out) => out,
            Err(SlurmError::Failed { stderr, .. }) => return Err(SlurmError::ControllerDown { detail: stderr }),
            Err(SlurmError::TimedOut { seconds, .. }) => return Err(SlurmError::ControllerDown { detail: format!("no answer within {seconds} s") }),
            Err(e) => return Err(e),
        };
        if !ping.contains("is UP") {
            return Err(SlurmError::ControllerDown { detail: ping.trim().to_owned() });
        }
        let inner = Arc::new(Inner { params, events, jobs: Mutex::new(HashMap::new()), outage: AtomicBool::new(false) });
        tokio::spawn(poll_loop(Arc::downgrade(&inner)));
        Ok(Self { inner })
    }
}

/// Polls until the executor is dropped.
async fn poll_loop(inner: Weak<Inner>) {
    loop {
        let Some(interval) = inner.upgrade().map(|i| i.params.poll_interval) else { return };
        tokio::time::sleep(interval).await;
        let Some(strong) = inner.upgrade() else { return };
        strong.poll_once().await;
    }
}

impl Inner {
    fn jobs(&self) -> MutexGuard<'_, HashMap<String, Watch>> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn abort_requested(&self, uws_id: &str) -> bool {
        self.jobs().get(uws_id).is_none_or(|w| w.abort)
    }
}

impl Executor for SlurmExecutor {
    fn submit(&self, job: Submission) {
        let watch = Watch { dir: job.dir.clone(), duration_s: job.execution_duration_s, slurm_id: None, started: false, abort: false, tasks: None, resubmits: 0 };
        self.inner.jobs().insert(job.job_id.clone(), watch);
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let outcome = match inner.place(&job).await {
                Ok(Placement::Slurm(id, tasks)) => {
                    let abort = {
                        let mut jobs = inner.jobs();
                        jobs.get_mut(&job.job_id).map(|w| {
                            w.slurm_id = Some(id);
                            w.tasks = tasks;
                            w.abort
                        })
                    };
                    if abort == Some(true) {
                        inner.cancel(id).await;
                    }
                    return; // the poller takes it from here
                }
                Ok(Placement::Aborted) => Outcome::Aborted { reason: None },
                Err(e) => Outcome::Failed { message: format!("submitting to SLURM: {e}"), results: Vec::new() },
            };
            inner.jobs().remove(&job.job_id);
            let _ = inner.events.send(ExecEvent::Finished { job_id: job.job_id, outcome });
        });
    }

    fn reattach(&self, job: Submission, pid: u32) {
        // The record says what runs now: the arrays of a split job (or its merge), else `pid`.
        let (slurm_id, tasks) = match read_record(&job.dir) {
            Some(r) if !r.arrays.is_empty() => (r.slurm_job_id, TaskWatch::from_record(&job.dir, &r)),
            _ => (pid, None),
        };
        let watch = Watch { dir: job.dir, duration_s: job.execution_duration_s, slurm_id: Some(slurm_id), started: true, abort: false, tasks, resubmits: 0 };
        self.inner.jobs().insert(job.job_id, watch);
    }

    fn may_be_running(&self, job: &Submission, pid: u32) -> bool {
        // The poller settles it either way: from SLURM's state if it is ours, as lost if the id
        // now names another job. Only a job that was never SLURM's (a local-pool worker id from
        // before a switch of executor) is settled by the server at once. A split job reports
        // its first array as the worker id and may have moved on to a rerun or its merge.
        read_record(&job.dir).is_some_and(|r| r.slurm_job_id == pid || r.arrays.contains(&pid))
    }

    fn abort(&self, job_id: &str) -> bool {
        let ids = {
            let mut jobs = self.inner.jobs();
            let Some(w) = jobs.get_mut(job_id) else { return false };
            w.abort = true;
            w.cancel_ids()
        };
        if !ids.is_empty() {
            let inner = self.inner.clone();
            tokio::spawn(async move {
                for id in ids {
                    inner.cancel(id).await;
                }
            });
        }
        true
    }

    fn capacity(&self) -> usize {
        // SLURM queues and schedules; the service never holds jobs back.
        usize::MAX
    }
}
