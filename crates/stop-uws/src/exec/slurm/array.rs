//! Big jobs as SLURM job arrays. A job whose type reports more work items than
//! [`SlurmParams::items_per_task`](super::SlurmParams::items_per_task) (a big grid) is planned
//! into tasks ([`crate::exec::tasks`]) and submitted as one array, `stop worker DIR --task
//! $SLURM_ARRAY_TASK_ID`, every task tagged like a whole job. The poller follows every task
//! (`squeue -r`): a task is done when its part file exists. The UWS job is EXECUTING once a
//! task is seen running or a part exists (short tasks often run between two polls). When no
//! task is waiting or running:
//! - every part is there: the merge job (`stop worker DIR --merge`) is submitted, and from then
//!   on the job is followed like a whole one (its `status.json` settles it);
//! - some failed (or were cancelled, or SLURM forgot them after a controller crash): those
//!   tasks alone are resubmitted as a new array, up to `task_retries` times, each rerun noted
//!   in `worker.log`; after that the job ends in ERROR naming each failed task with its SLURM
//!   state and exit code. Parts of finished tasks are kept and never recomputed.
//!
//! `slurm.json` lists the arrays (first, then reruns) and the SLURM job followed now, so a
//! restarted service picks up where it was.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use super::command::run;
use super::error::SlurmError;
use super::states::{ExitCode, QueueLine, Stage, scontrol_field, stage};
use super::submit::{Run, SlurmRecord, sbatch_args_for, tagged_jobs};
use super::{Inner, Watch};
use crate::exec::tasks::{TaskPlan, missing_tasks, plan_job, read_plan};
use crate::exec::{Outcome, Submission};
use crate::store::layout::JobDir;

/// What the executor follows of a job run as array tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskWatch {
    plan: TaskPlan,
    /// SLURM ids of the job's arrays, oldest first.
    arrays: Vec<u32>,
    /// Whether the merge job was submitted (it is then the watch's `slurm_id`).
    merging: bool,
}

impl TaskWatch {
    /// The watch a restarted service rebuilds from `slurm.json` and `tasks.json`.
    pub(super) fn from_record(dir: &Path, record: &SlurmRecord) -> Option<Self> {
        let plan = read_plan(dir)?;
        Some(Self { plan, arrays: record.arrays.clone(), merging: !record.arrays.contains(&record.slurm_job_id) })
    }

    /// Whether the tasks (not the merge) are what is followed now.
    pub(super) fn in_tasks(&self) -> bool {
        !self.merging
    }

    /// The arrays to ask `squeue` about.
    pub(super) fn arrays(&self) -> &[u32] {
        &self.arrays
    }
}

impl Watch {
    /// The SLURM jobs an ABORT must cancel.
    pub(super) fn cancel_ids(&self) -> Vec<u32> {
        match &self.tasks {
            Some(t) if t.in_tasks() => t.arrays.clone(),
            _ => self.slurm_id.into_iter().collect(),
        }
    }
}

/// `--array` list of `tasks` (sorted): runs become ranges, `0-19` or `3,7-9`.
#[must_use]
pub fn array_list(tasks: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tasks.len() {
        let mut j = i;
        while j + 1 < tasks.len() && tasks[j + 1] == tasks[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { tasks[i].to_string() } else { format!("{}-{}", tasks[i], tasks[j]) });
        i = j + 1;
    }
    parts.join(",")
}

/// How the tasks of a job stand after one `squeue` round.
#[derive(Debug, Default)]
struct Census {
    /// Tasks waiting or running (or listed as a pending range).
    in_progress: usize,
    /// Whether one runs, or one has written its part: tasks that take less than a polling
    /// interval are seldom seen running.
    running: bool,
    /// Failed tasks: task → (array id, what SLURM said).
    failed: BTreeMap<u32, (Option<u32>, String)>,
}

fn census(uws_id: &str, dir: &Path, tasks: &TaskWatch, lines: &[QueueLine]) -> Census {
    let mut c = Census::default();
    let ours = |l: &&QueueLine| tasks.arrays.contains(&l.slurm_id) && l.is_tagged(uws_id);
    if lines.iter().filter(ours).any(|l| l.task.is_none() && stage(&l.state) == Stage::Waiting) {
        c.in_progress += 1; // an unexpanded pending range
    }
    let missing = missing_tasks(dir, &tasks.plan);
    c.running = missing.len() < tasks.plan.tasks as usize;
    for task in missing {
        // The newest array that holds this task decides.
        let line = tasks.arrays.iter().rev().find_map(|&a| lines.iter().filter(ours).find(|l| l.slurm_id == a && l.task == Some(task)));
        match line.map(|l| (l, stage(&l.state))) {
            Some((_, Stage::Waiting | Stage::Unknown)) => c.in_progress += 1,
            Some((_, Stage::Running)) => {
                c.in_progress += 1;
                c.running = true;
            }
            Some((l, Stage::Completed)) => {
                c.failed.insert(task, (Some(l.slurm_id), "COMPLETED without writing its part".to_owned()));
            }
            Some((l, Stage::Failed | Stage::Cancelled)) => {
                c.failed.insert(task, (Some(l.slurm_id), format!("{} (reason {})", l.state, l.reason)));
            }
            None => {
                c.failed.insert(task, (None, "unknown to SLURM (lost in a controller crash?)".to_owned()));
            }
        }
    }
    c
}

impl Inner {
    /// The task plan of `job` when it must run as an array (the executor splits at all).
    pub(super) fn plan(&self, job: &Submission) -> Result<Option<TaskPlan>, SlurmError> {
        let Some(registry) = &self.params.split else { return Ok(None) };
        Ok(plan_job(&job.dir, registry, self.params.items_per_task, self.params.max_array_tasks)?)
    }

    /// Places a split job: follows the arrays recorded in `slurm.json` (a restart), else live
    /// tagged tasks whose `sbatch` answer was lost, else submits an array of the tasks without
    /// a part (the merge at once when none is missing). Returns the SLURM job to follow.
    pub(super) async fn place_tasks(&self, job: &Submission, plan: TaskPlan) -> Result<(u32, TaskWatch), SlurmError> {
        if let Some(record) = super::read_record(&job.dir).filter(|r| r.job_name == super::states::job_name(&job.job_id) && !r.arrays.is_empty())
            && let Some(tasks) = TaskWatch::from_record(&job.dir, &record).filter(|t| t.plan == plan)
        {
            return Ok((record.slurm_job_id, tasks));
        }
        let tagged = tagged_jobs(&self.params, &job.job_id).await?;
        let mut live: Vec<u32> =
            tagged.iter().filter(|l| l.task.is_some() && matches!(stage(&l.state), Stage::Waiting | Stage::Running)).map(|l| l.slurm_id).collect();
        live.sort_unstable();
        live.dedup();
        if let Some(&newest) = live.last() {
            tracing::info!(job = %job.job_id, arrays = ?live, "adopted SLURM arrays");
            self.record(&job.dir, &job.job_id, newest, &live)?;
            return Ok((newest, TaskWatch { plan, arrays: live, merging: false }));
        }
        let missing = missing_tasks(&job.dir, &plan);
        if missing.is_empty() {
            let id = self.sbatch(job, Run::Merge).await?;
            self.record(&job.dir, &job.job_id, id, &[])?;
            return Ok((id, TaskWatch { plan, arrays: Vec::new(), merging: true }));
        }
        let id = self.sbatch(job, Run::Tasks(&array_list(&missing))).await?;
        tracing::info!(job = %job.job_id, slurm_job = id, tasks = missing.len(), of = plan.tasks, "submitted to SLURM as an array");
        self.record(&job.dir, &job.job_id, id, &[id])?;
        Ok((id, TaskWatch { plan, arrays: vec![id], merging: false }))
    }

    async fn sbatch(&self, job: &Submission, what: Run<'_>) -> Result<u32, SlurmError> {
        let out = run("sbatch", sbatch_args_for(&self.params, job, what), self.params.command_timeout).await?;
        let text = out.trim();
        text.split(';').next().and_then(|s| s.parse().ok()).ok_or_else(|| SlurmError::BadJobId { output: text.to_owned() })
    }

    /// One polling round for a job in its task stage.
    pub(super) async fn settle_tasks(&self, uws_id: &str, watch: &Watch, tasks: &TaskWatch, lines: &[QueueLine]) {
        let c = census(uws_id, &watch.dir, tasks, lines);
        let newest = tasks.arrays.last().copied().unwrap_or_default();
        if watch.abort {
            if c.in_progress > 0 {
                for &a in &tasks.arrays {
                    self.cancel(a).await;
                }
            } else {
                self.finish(uws_id, newest, Outcome::Aborted { reason: None });
            }
            return;
        }
        if c.running {
            self.mark_started(uws_id, tasks.arrays[0]);
        }
        if c.in_progress > 0 {
            return;
        }
        // Reruns and the merge get the job's whole execution duration as their time limit.
        let sub = Submission { job_id: uws_id.to_owned(), dir: watch.dir.clone(), execution_duration_s: watch.duration_s };
        let result = if c.failed.is_empty() {
            self.start_merge(&sub, watch, tasks).await
        } else if tasks.arrays.len() <= self.params.task_retries as usize {
            self.rerun(&sub, watch, tasks, &c).await
        } else {
            let message = self.failure_message(tasks, &c).await;
            self.finish(uws_id, newest, Outcome::Failed { message, results: Vec::new() });
            return;
        };
        if let Err(e) = result {
            if e.is_outage() {
                return; // next round
            }
            self.finish(uws_id, newest, Outcome::Failed { message: format!("submitting to SLURM: {e}"), results: Vec::new() });
        }
    }

    async fn start_merge(&self, sub: &Submission, watch: &Watch, tasks: &TaskWatch) -> Result<(), SlurmError> {
        let id = self.sbatch(sub, Run::Merge).await?;
        tracing::info!(job = %sub.job_id, slurm_job = id, "all tasks done; merge submitted");
        self.record(&watch.dir, &sub.job_id, id, &tasks.arrays)?;
        self.follow(&sub.job_id, id, TaskWatch { merging: true, ..tasks.clone() });
        Ok(())
    }

    async fn rerun(&self, sub: &Submission, watch: &Watch, tasks: &TaskWatch, c: &Census) -> Result<(), SlurmError> {
        let failed: Vec<u32> = c.failed.keys().copied().collect();
        let id = self.sbatch(sub, Run::Tasks(&array_list(&failed))).await?;
        let mut arrays = tasks.arrays.clone();
        arrays.push(id);
        let retry = arrays.len() - 1;
        let what: Vec<String> = c.failed.iter().map(|(k, (_, why))| format!("task {k}: {why}")).collect();
        note(&watch.dir, &format!("stop: {}; resubmitted alone as SLURM array {id} (retry {retry} of {})", what.join("; "), self.params.task_retries));
        tracing::warn!(job = %sub.job_id, tasks = ?failed, slurm_job = id, retry, "failed array tasks resubmitted");
        self.record(&watch.dir, &sub.job_id, id, &arrays)?;
        self.follow(&sub.job_id, id, TaskWatch { arrays, ..tasks.clone() });
        Ok(())
    }

    /// The error summary of a job whose tasks failed for good, with their exit codes.
    async fn failure_message(&self, tasks: &TaskWatch, c: &Census) -> String {
        let mut codes: BTreeMap<(u32, u32), ExitCode> = BTreeMap::new();
        let arrays: Vec<u32> = c.failed.values().filter_map(|(a, _)| *a).collect();
        for a in arrays {
            if let Ok(out) = run("scontrol", ["show", "job", "-o", &a.to_string()], self.params.command_timeout).await {
                for line in out.lines() {
                    let task = scontrol_field(line, "ArrayTaskId").and_then(|t| t.parse().ok());
                    if let (Some(task), Some(code)) = (task, scontrol_field(line, "ExitCode").and_then(ExitCode::parse)) {
                        codes.insert((a, task), code);
                    }
                }
            }
        }
        let each: Vec<String> = c
            .failed
            .iter()
            .map(|(k, (a, why))| match a.and_then(|a| codes.get(&(a, *k))) {
                Some(code) => format!("task {k}: SLURM {why}, {code}"),
                None => format!("task {k}: {why}"),
            })
            .collect();
        format!(
            "{} of {} array tasks failed after {} submission(s) ({}); the parts of the other tasks are kept in parts/",
            c.failed.len(),
            tasks.plan.tasks,
            tasks.arrays.len(),
            each.join("; ")
        )
    }

    fn follow(&self, uws_id: &str, slurm_id: u32, tasks: TaskWatch) {
        if let Some(w) = self.jobs().get_mut(uws_id) {
            w.slurm_id = Some(slurm_id);
            w.tasks = Some(tasks);
        }
    }
}

/// Appends a line to the job's `worker.log` (the `/error` detail).
pub(super) fn note(dir: &Path, line: &str) {
    if let Ok(mut log) = std::fs::OpenOptions::new().create(true).append(true).open(JobDir::new(dir).log_path()) {
        let _ = writeln!(log, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_lists_compress_runs() {
        assert_eq!(array_list(&[0, 1, 2, 3]), "0-3");
        assert_eq!(array_list(&[3, 7, 8, 9, 12]), "3,7-9,12");
        assert_eq!(array_list(&[5]), "5");
    }

    #[test]
    fn census_sorts_tasks_by_part_and_newest_array() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("parts")).unwrap();
        std::fs::write(crate::exec::tasks::part_path(dir, 0), "done").unwrap();
        let tasks = TaskWatch { plan: TaskPlan { items: 40, tasks: 4 }, arrays: vec![10, 20], merging: false };
        let lines = crate::exec::slurm::states::parse_queue(
            "10_0|COMPLETED|None|stop-j|j\n10_1|FAILED|NonZeroExitCode|stop-j|j\n20_1|RUNNING|None|stop-j|j\n10_2|CANCELLED|None|stop-j|j\n10_3|RUNNING|None|other|j\n",
        )
        .unwrap();
        let c = census("j", dir, &tasks, &lines);
        assert!(c.running, "task 1 reruns in array 20");
        assert_eq!(c.in_progress, 1);
        assert_eq!(c.failed.keys().copied().collect::<Vec<_>>(), vec![2, 3]);
        assert!(c.failed[&3].1.contains("unknown"), "a line with another tag is not ours: {:?}", c.failed[&3]);
    }

    #[test]
    fn a_written_part_counts_as_running_though_no_task_was_seen_running() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("parts")).unwrap();
        let tasks = TaskWatch { plan: TaskPlan { items: 30, tasks: 3 }, arrays: vec![10], merging: false };
        let queue = "10_[1-2]|PENDING|Resources|stop-j|j\n";
        let lines = crate::exec::slurm::states::parse_queue(&format!("10_0|PENDING|Priority|stop-j|j\n{queue}")).unwrap();
        assert!(!census("j", dir, &tasks, &lines).running, "all pending, no part");
        // Task 0 ran and ended between two polls.
        std::fs::write(crate::exec::tasks::part_path(dir, 0), "done").unwrap();
        let lines = crate::exec::slurm::states::parse_queue(queue).unwrap();
        let c = census("j", dir, &tasks, &lines);
        assert!(c.running);
        assert_eq!(c.in_progress, 1, "the pending range");
    }
}
