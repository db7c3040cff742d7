//! [`LocalPool`]: workers as child processes on this machine, at most `max_workers` at once.
//!
//! Each worker is `program args... JOB_DIR`, started in a process group of its own with
//! stdout and stderr appended to `worker.log`. A crashing worker is just an exit status; ABORT
//! and an exceeded execution duration kill the whole process group.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore, mpsc};

use super::{ExecEvent, Executor, Outcome, Submission, kill_group, read_outcome, worker_alive};
use crate::store::layout::JobDir;

/// How often a re-attached worker (started before a restart, not our child) is polled.
const REATTACH_POLL: Duration = Duration::from_millis(200);

/// Settings of the local pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPoolParams {
    /// The worker program (normally the `stop` binary itself).
    pub program: PathBuf,
    /// Arguments before the job directory (normally `["worker"]`).
    pub args: Vec<OsString>,
    /// Most workers running at once.
    pub max_workers: usize,
}

/// The local process pool.
#[derive(Clone)]
pub struct LocalPool {
    inner: Arc<Inner>,
}

struct Inner {
    params: LocalPoolParams,
    permits: Arc<Semaphore>,
    events: mpsc::UnboundedSender<ExecEvent>,
    controls: Mutex<HashMap<String, Arc<Notify>>>,
}

impl std::fmt::Debug for LocalPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalPool").field("params", &self.inner.params).finish_non_exhaustive()
    }
}

fn duration_limit(seconds: u64) -> tokio::time::Sleep {
    // 0 = unlimited: a century is as good as forever for a job.
    let s = if seconds == 0 { 100 * 365 * 86_400 } else { seconds };
    tokio::time::sleep(Duration::from_secs(s))
}

fn exceeded(seconds: u64) -> Outcome {
    Outcome::Aborted { reason: Some(format!("execution duration of {seconds} s exceeded")) }
}

impl LocalPool {
    /// A pool reporting to `events`. Must be used inside a tokio runtime.
    #[must_use]
    pub fn new(params: LocalPoolParams, events: mpsc::UnboundedSender<ExecEvent>) -> Self {
        let permits = Arc::new(Semaphore::new(params.max_workers.max(1)));
        Self { inner: Arc::new(Inner { params, permits, events, controls: Mutex::new(HashMap::new()) }) }
    }

    fn control(&self, job_id: &str) -> Arc<Notify> {
        let notify = Arc::new(Notify::new());
        self.controls().insert(job_id.to_owned(), notify.clone());
        notify
    }

    fn controls(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        self.inner.controls.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn finish(&self, job_id: String, outcome: Outcome) {
        self.controls().remove(&job_id);
        let _ = self.inner.events.send(ExecEvent::Finished { job_id, outcome });
    }

    async fn run(&self, job: &Submission, abort: &Notify) -> Outcome {
        let dir = JobDir::new(&job.dir);
        let log = match std::fs::OpenOptions::new().create(true).append(true).open(dir.log_path()) {
            Ok(f) => f,
            Err(e) => return Outcome::Failed { message: format!("cannot open worker log: {e}"), results: Vec::new() },
        };
        let stderr = match log.try_clone() {
            Ok(f) => f,
            Err(e) => return Outcome::Failed { message: format!("cannot open worker log: {e}"), results: Vec::new() },
        };
        let mut cmd = tokio::process::Command::new(&self.inner.params.program);
        cmd.args(&self.inner.params.args)
            .arg(&job.dir)
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(stderr)
            .kill_on_drop(false);
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => return Outcome::Failed { message: format!("cannot start worker: {e}"), results: Vec::new() },
        };
        let Some(pid) = child.id() else {
            return Outcome::Failed { message: "worker exited before it could be watched".into(), results: Vec::new() };
        };
        let _ = self.inner.events.send(ExecEvent::Started { job_id: job.job_id.clone(), pid });
        tokio::select! {
            status = child.wait() => {
                let exit = status.map_or_else(|e| format!("could not be waited for ({e})"), |s| format!("exited with {s}"));
                read_outcome(&dir, &exit)
            }
            () = duration_limit(job.execution_duration_s) => {
                kill_group(pid);
                let _ = child.wait().await;
                exceeded(job.execution_duration_s)
            }
            () = abort.notified() => {
                kill_group(pid);
                let _ = child.wait().await;
                Outcome::Aborted { reason: None }
            }
        }
    }
}

impl Executor for LocalPool {
    fn submit(&self, job: Submission) {
        let abort = self.control(&job.job_id);
        let pool = self.clone();
        tokio::spawn(async move {
            let outcome = tokio::select! {
                permit = pool.inner.permits.clone().acquire_owned() => match permit {
                    Ok(_permit) => pool.run(&job, &abort).await,
                    Err(_) => Outcome::Failed { message: "worker pool closed".into(), results: Vec::new() },
                },
                () = abort.notified() => Outcome::Aborted { reason: None },
            };
            pool.finish(job.job_id, outcome);
        });
    }

    fn reattach(&self, job: Submission, pid: u32) {
        let abort = self.control(&job.job_id);
        let pool = self.clone();
        tokio::spawn(async move {
            // It is running already: count it against capacity if a slot is free, never wait.
            let _permit = pool.inner.permits.clone().try_acquire_owned().ok();
            let deadline = duration_limit(job.execution_duration_s);
            tokio::pin!(deadline);
            let outcome = loop {
                if !worker_alive(pid, &job.dir) {
                    let dir = JobDir::new(&job.dir);
                    break match dir.read_status() {
                        Ok(Some(_)) => read_outcome(&dir, "ended"),
                        _ => Outcome::Lost { message: format!("worker process {pid} died without a final status") },
                    };
                }
                tokio::select! {
                    () = tokio::time::sleep(REATTACH_POLL) => {}
                    () = &mut deadline => { kill_group(pid); break exceeded(job.execution_duration_s); }
                    () = abort.notified() => { kill_group(pid); break Outcome::Aborted { reason: None }; }
                }
            };
            pool.finish(job.job_id, outcome);
        });
    }

    fn may_be_running(&self, job: &Submission, pid: u32) -> bool {
        worker_alive(pid, &job.dir)
    }

    fn abort(&self, job_id: &str) -> bool {
        match self.controls().get(job_id) {
            Some(n) => {
                n.notify_one();
                true
            }
            None => false,
        }
    }

    fn capacity(&self) -> usize {
        self.inner.params.max_workers.max(1)
    }
}
