//! [`SlurmExecutor`]: jobs run as SLURM batch jobs (`sbatch`/`squeue`/`scontrol`/`scancel`),
//! each `stop worker JOB_DIR` on whichever node SLURM picks. The job directory must be on a
//! filesystem every node sees (the service's data directory).
//!
//! Submission: `sbatch --parsable --no-requeue --job-name=stop-<id> --comment=<id>
//! --chdir=<dir> --output=<dir>/slurm-%j.out --cpus-per-task=<threads or 1> --mem=<MiB>M
//! --time=<execution duration in minutes>`; the SLURM id goes to `<dir>/slurm.json`, and to the
//! store as the worker id once the job runs. Polling, state mapping and outages: [`poll`];
//! adoption of tagged jobs after a restart: [`submit`]. No `sacct`: it needs slurmdbd
//! (`../shared/docs/slurm-local.md`).

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

use super::{ExecEvent, Executor, Outcome, Submission};
use submit::Placement;

/// Settings of the SLURM executor.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl SlurmParams {
    /// Defaults for the worker `program`: `worker` argument, default partition and account,
    /// 1024 MiB per job, polling every 2 s, 30 s per command.
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
        }
    }
}

/// What the executor knows about one job it was given.
#[derive(Debug, Clone)]
struct Watch {
    dir: PathBuf,
    /// `None` while `sbatch` (or adoption) is under way.
    slurm_id: Option<u32>,
    /// Whether `Started` was reported.
    started: bool,
    /// Whether ABORT was asked for.
    abort: bool,
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
        let watch = Watch { dir: job.dir.clone(), slurm_id: None, started: false, abort: false };
        self.inner.jobs().insert(job.job_id.clone(), watch);
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let outcome = match inner.place(&job).await {
                Ok(Placement::Slurm(id)) => {
                    let abort = {
                        let mut jobs = inner.jobs();
                        jobs.get_mut(&job.job_id).map(|w| {
                            w.slurm_id = Some(id);
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
        let watch = Watch { dir: job.dir, slurm_id: Some(pid), started: true, abort: false };
        self.inner.jobs().insert(job.job_id, watch);
    }

    fn may_be_running(&self, job: &Submission, pid: u32) -> bool {
        // The poller settles it either way: from SLURM's state if it is ours, as lost if the id
        // now names another job. Only a job that was never SLURM's (a local-pool worker id from
        // before a switch of executor) is settled by the server at once.
        read_record(&job.dir).is_some_and(|r| r.slurm_job_id == pid)
    }

    fn abort(&self, job_id: &str) -> bool {
        let slurm_id = {
            let mut jobs = self.inner.jobs();
            let Some(w) = jobs.get_mut(job_id) else { return false };
            w.abort = true;
            w.slurm_id
        };
        if let Some(id) = slurm_id {
            let inner = self.inner.clone();
            tokio::spawn(async move { inner.cancel(id).await });
        }
        true
    }

    fn capacity(&self) -> usize {
        // SLURM queues and schedules; the service never holds jobs back.
        usize::MAX
    }
}
