//! [`LocalPool`]: workers as child processes on this machine, at most `max_workers` at once.
//!
//! Each worker is `program args... JOB_DIR`, started in a process group of its own with
//! stdout and stderr appended to `worker.log`. A crashing worker is just an exit status; ABORT
//! and an exceeded execution duration kill the whole process group.
//!
//! Queued jobs start in submission order: one dispatcher task takes the oldest waiting job
//! whenever a worker slot is free. ABORT of a waiting job takes it out of the queue at once.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex, Weak};
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
    /// Submitted jobs not yet started, oldest first, with their abort signals.
    waiting: Mutex<VecDeque<(Submission, Arc<Notify>)>>,
    /// Wakes the dispatcher when a job is submitted (or the pool is dropped).
    submitted: Arc<Notify>,
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
        let inner = Arc::new(Inner {
            params,
            permits,
            events,
            controls: Mutex::new(HashMap::new()),
            waiting: Mutex::new(VecDeque::new()),
            submitted: Arc::new(Notify::new()),
        });
        tokio::spawn(dispatch(Arc::downgrade(&inner), inner.submitted.clone()));
        Self { inner }
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, VecDeque<(Submission, Arc<Notify>)>> {
        lock(&self.inner.waiting)
    }

    fn control(&self, job_id: &str) -> Arc<Notify> {
        let notify = Arc::new(Notify::new());
        self.controls().insert(job_id.to_owned(), notify.clone());
        notify
    }

    fn controls(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        lock(&self.inner.controls)
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Starts waiting jobs oldest first, each when a worker slot is free. Holds the pool weakly
/// and ends when the pool is dropped (which wakes it).
async fn dispatch(pool: Weak<Inner>, submitted: Arc<Notify>) {
    loop {
        let permits = {
            let Some(inner) = pool.upgrade() else { return };
            let idle = lock(&inner.waiting).is_empty();
            (!idle).then(|| inner.permits.clone())
        };
        let Some(permits) = permits else {
            // `notify_one` stores a wake-up: a submission since the check is not missed.
            submitted.notified().await;
            continue;
        };
        let Ok(permit) = permits.acquire_owned().await else { return };
        let Some(inner) = pool.upgrade() else { return };
        // The oldest job may have been aborted while the slot was awaited: take whichever is
        // oldest now, or give the slot back.
        let Some((job, abort)) = lock(&inner.waiting).pop_front() else { continue };
        let pool = LocalPool { inner };
        tokio::spawn(async move {
            let outcome = pool.run(&job, &abort).await;
            drop(permit);
            pool.finish(job.job_id, outcome);
        });
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.submitted.notify_one();
    }
}

impl Executor for LocalPool {
    fn submit(&self, job: Submission) {
        let abort = self.control(&job.job_id);
        self.waiting().push_back((job, abort));
        self.inner.submitted.notify_one();
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
        let queued = {
            let mut waiting = self.waiting();
            waiting.iter().position(|(job, _)| job.job_id == job_id).and_then(|i| waiting.remove(i))
        };
        if let Some((job, _)) = queued {
            self.finish(job.job_id, Outcome::Aborted { reason: None });
            return true;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(script: &str, max_workers: usize) -> (LocalPool, mpsc::UnboundedReceiver<ExecEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let params = LocalPoolParams { program: "/bin/sh".into(), args: vec!["-c".into(), script.into()], max_workers };
        (LocalPool::new(params, tx), rx)
    }

    fn job(root: &std::path::Path, i: usize) -> Submission {
        let dir = root.join(format!("job{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        Submission { job_id: format!("job{i:02}"), dir, execution_duration_s: 60 }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn waiting_jobs_start_in_submission_order() {
        let root = tempfile::tempdir().unwrap();
        // One slot: jobs sharing slots start concurrently and report `Started` in any order.
        let (pool, mut events) = pool("sleep 0.01", 1);
        let n = 16;
        for i in 0..n {
            pool.submit(job(root.path(), i));
        }
        let (mut started, mut finished) = (Vec::new(), 0);
        while finished < n {
            match events.recv().await.unwrap() {
                ExecEvent::Started { job_id, .. } => started.push(job_id),
                ExecEvent::Finished { .. } => finished += 1,
            }
        }
        let expected: Vec<String> = (0..n).map(|i| format!("job{i:02}")).collect();
        assert_eq!(started, expected);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn abort_of_a_waiting_job_ends_it_at_once_and_the_next_one_runs() {
        let root = tempfile::tempdir().unwrap();
        let (pool, mut events) = pool("sleep 30", 1);
        for i in 0..3 {
            pool.submit(job(root.path(), i));
        }
        assert!(matches!(events.recv().await.unwrap(), ExecEvent::Started { job_id, .. } if job_id == "job00"));
        assert!(pool.abort("job01"));
        let next = tokio::time::timeout(Duration::from_secs(5), events.recv()).await.unwrap().unwrap();
        assert_eq!(next, ExecEvent::Finished { job_id: "job01".into(), outcome: Outcome::Aborted { reason: None } });
        assert!(pool.abort("job00"));
        let mut rest = Vec::new();
        while rest.len() < 2 {
            rest.push(tokio::time::timeout(Duration::from_secs(5), events.recv()).await.unwrap().unwrap());
        }
        assert_eq!(rest[0], ExecEvent::Finished { job_id: "job00".into(), outcome: Outcome::Aborted { reason: None } });
        assert!(matches!(&rest[1], ExecEvent::Started { job_id, .. } if job_id == "job02"));
        assert!(pool.abort("job02"));
        let last = tokio::time::timeout(Duration::from_secs(5), events.recv()).await.unwrap().unwrap();
        assert_eq!(last, ExecEvent::Finished { job_id: "job02".into(), outcome: Outcome::Aborted { reason: None } });
        assert!(!pool.abort("job01"), "an ended job is no longer known");
    }
}
