//! Following SLURM jobs: one `squeue -h -r --states=all -j ID,ID,...` per interval for every job
//! placed in SLURM, `scontrol show job -o ID` for the exit code of a job that failed, and
//! `scancel` (repeated each round) for jobs whose ABORT has not yet taken.
//!
//! A controller that does not answer is an outage: jobs keep their phase and polling goes on.
//! A job SLURM no longer knows, or whose id now carries another job's tag (ids are reused after
//! a controller crash), is settled from its `status.json` if its worker left one; else, if it
//! never ran (or is a merge), it is submitted again (at most [`MAX_LOST_RESUBMITS`] times),
//! and otherwise it is lost.

use std::io::Write as _;

use super::command::run;
use super::error::SlurmError;
use super::states::{ExitCode, QueueLine, SQUEUE_FORMAT, Stage, parse_queue, scontrol_field, stage};
use super::array::note;
use super::submit::{Placement, RECORD_FILE, slurm_output};
use super::{Inner, Watch};
use crate::exec::{ExecEvent, Outcome, Submission, read_outcome};
use crate::store::layout::{JobDir, WorkerStatus};

/// How often a job whose SLURM job vanished is submitted again before it is reported lost.
const MAX_LOST_RESUBMITS: u32 = 3;

impl Inner {
    /// One polling round over every job placed in SLURM.
    pub(super) async fn poll_once(&self) {
        let watched: Vec<(String, Watch)> =
            self.jobs().iter().filter_map(|(id, w)| w.slurm_id.map(|_| (id.clone(), w.clone()))).collect();
        if watched.is_empty() {
            return;
        }
        let ids: Vec<String> = watched
            .iter()
            .flat_map(|(_, w)| match &w.tasks {
                Some(t) if t.in_tasks() => t.arrays().to_vec(),
                _ => w.slurm_id.into_iter().collect(),
            })
            .map(|i| i.to_string())
            .collect();
        let lines = match self.squeue(&ids.join(",")).await {
            Ok(lines) => lines,
            Err(e) if e.is_unknown_job() => Vec::new(),
            Err(e) => {
                if !self.outage.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    tracing::warn!(error = %e, jobs = watched.len(), "SLURM controller unreachable; jobs keep their phase until it answers");
                }
                return;
            }
        };
        if self.outage.swap(false, std::sync::atomic::Ordering::Relaxed) {
            tracing::info!("SLURM controller answers again");
        }
        for (uws_id, watch) in watched {
            if let Some(tasks) = watch.tasks.as_ref().filter(|t| t.in_tasks()) {
                self.settle_tasks(&uws_id, &watch, tasks, &lines).await;
                continue;
            }
            let Some(slurm_id) = watch.slurm_id else { continue };
            let line = lines.iter().find(|l| l.slurm_id == slurm_id && l.task.is_none());
            self.settle(&uws_id, slurm_id, &watch, line).await;
        }
    }

    async fn squeue(&self, ids: &str) -> Result<Vec<QueueLine>, SlurmError> {
        // `-r`: one line per array task, pending ones included.
        let out = run("squeue", ["-h", "-r", "--states=all", "-j", ids, "-o", SQUEUE_FORMAT], self.params.command_timeout).await?;
        Ok(parse_queue(&out)?)
    }

    async fn settle(&self, uws_id: &str, slurm_id: u32, watch: &Watch, line: Option<&QueueLine>) {
        let dir = JobDir::new(&watch.dir);
        let line = match line {
            Some(l) if l.is_tagged(uws_id) => l,
            other => {
                let why = other.map_or_else(
                    || format!("SLURM no longer knows job {slurm_id}"),
                    |l| format!("SLURM job {slurm_id} is now `{}`, not this job (ids are reused after a controller crash)", l.name),
                );
                let has_status = matches!(dir.read_status(), Ok(Some(_)));
                // Never ran (a controller crash forgets jobs submitted seconds before it), or
                // a merge, which may always run again: submitted anew, found by its tag.
                if !has_status && (!watch.started || watch.tasks.is_some()) && watch.resubmits < MAX_LOST_RESUBMITS {
                    self.resubmit_lost(uws_id, slurm_id, watch, &why).await;
                    return;
                }
                let outcome = match dir.read_status() {
                    Ok(Some(_)) => read_outcome(&dir, &why),
                    _ => Outcome::Lost { message: format!("{why}; its worker left no final status") },
                };
                self.finish(uws_id, slurm_id, outcome);
                return;
            }
        };
        match stage(&line.state) {
            Stage::Waiting | Stage::Running if watch.abort => self.cancel(slurm_id).await,
            Stage::Waiting => {}
            Stage::Running => self.mark_started(uws_id, slurm_id),
            Stage::Completed => {
                let outcome = read_outcome(&dir, &format!("ended (SLURM job {slurm_id} COMPLETED)"));
                self.finish(uws_id, slurm_id, outcome);
            }
            Stage::Failed => {
                let exit = match self.exit_code(slurm_id).await {
                    Ok(Some(code)) => code.to_string(),
                    Ok(None) => "exit code unknown".to_owned(),
                    // The controller went away between squeue and scontrol: ask again next round.
                    Err(e) if e.is_outage() => return,
                    Err(e) => format!("exit code unknown: {e}"),
                };
                let mut message = format!("SLURM job {slurm_id} ended {} (reason {}, {exit})", line.state, line.reason);
                let results = match dir.read_status() {
                    Ok(Some(WorkerStatus::Error { message: m, results })) => {
                        message.push_str(&format!("; worker: {m}"));
                        dir.verified_results(&results)
                    }
                    Ok(Some(WorkerStatus::Completed { results })) => dir.verified_results(&results),
                    _ => Vec::new(),
                };
                append_slurm_output(&dir, slurm_id);
                self.finish(uws_id, slurm_id, Outcome::Failed { message, results });
            }
            Stage::Cancelled => {
                let reason = (!watch.abort).then(|| format!("SLURM job {slurm_id} was cancelled outside the service"));
                self.finish(uws_id, slurm_id, Outcome::Aborted { reason });
            }
            Stage::Unknown => tracing::debug!(job = uws_id, slurm_job = slurm_id, state = %line.state, "unknown SLURM state; still polling"),
        }
    }

    /// Places a job again whose SLURM job is gone (`why`), from scratch: its record is
    /// dropped so that only a live job carrying its tag is adopted, else it is submitted anew.
    async fn resubmit_lost(&self, uws_id: &str, slurm_id: u32, watch: &Watch, why: &str) {
        tracing::warn!(job = uws_id, slurm_job = slurm_id, why, "SLURM lost the job; submitting it again");
        note(&watch.dir, &format!("stop: {why}; submitting the job again"));
        let _ = std::fs::remove_file(watch.dir.join(RECORD_FILE));
        if let Some(w) = self.jobs().get_mut(uws_id) {
            w.slurm_id = None;
            w.tasks = None;
            w.resubmits += 1;
        }
        let sub = Submission { job_id: uws_id.to_owned(), dir: watch.dir.clone(), execution_duration_s: watch.duration_s };
        match self.place(&sub).await {
            Ok(Placement::Slurm(id, tasks)) => {
                if let Some(w) = self.jobs().get_mut(uws_id) {
                    w.slurm_id = Some(id);
                    w.tasks = tasks;
                }
            }
            Ok(Placement::Aborted) => self.finish(uws_id, slurm_id, Outcome::Aborted { reason: None }),
            Err(e) => self.finish(uws_id, slurm_id, Outcome::Failed { message: format!("{why}; submitting it again: {e}"), results: Vec::new() }),
        }
    }

    pub(super) fn mark_started(&self, uws_id: &str, slurm_id: u32) {
        let mut jobs = self.jobs();
        if let Some(w) = jobs.get_mut(uws_id)
            && !w.started
        {
            w.started = true;
            let _ = self.events.send(ExecEvent::Started { job_id: uws_id.to_owned(), pid: slurm_id });
        }
    }

    /// Reports the end of `uws_id`: `Started` first if SLURM ran it between two polls.
    pub(super) fn finish(&self, uws_id: &str, slurm_id: u32, outcome: Outcome) {
        if matches!(outcome, Outcome::Completed { .. } | Outcome::Failed { .. }) {
            self.mark_started(uws_id, slurm_id);
        }
        self.jobs().remove(uws_id);
        tracing::info!(job = uws_id, slurm_job = slurm_id, ?outcome, "SLURM job over");
        let _ = self.events.send(ExecEvent::Finished { job_id: uws_id.to_owned(), outcome });
    }

    /// `scancel ID`; failures are logged and retried next round.
    pub(super) async fn cancel(&self, slurm_id: u32) {
        if let Err(e) = run("scancel", [slurm_id.to_string()], self.params.command_timeout).await {
            tracing::warn!(slurm_job = slurm_id, error = %e, "scancel failed; retrying next round");
        }
    }

    async fn exit_code(&self, slurm_id: u32) -> Result<Option<ExitCode>, SlurmError> {
        let out = run("scontrol", ["show", "job", "-o", &slurm_id.to_string()], self.params.command_timeout).await?;
        Ok(out.lines().find_map(|l| scontrol_field(l, "ExitCode")).and_then(ExitCode::parse))
    }
}

/// Appends SLURM's own messages about a failed job (time limit, memory, node failure) to
/// `worker.log`, the `/error` detail.
fn append_slurm_output(dir: &JobDir, slurm_id: u32) {
    let Ok(text) = std::fs::read_to_string(slurm_output(dir.root(), slurm_id)) else { return };
    if text.trim().is_empty() {
        return;
    }
    if let Ok(mut log) = std::fs::OpenOptions::new().create(true).append(true).open(dir.log_path()) {
        let _ = write!(log, "--- SLURM job {slurm_id} ---\n{text}");
    }
}
