//! Jobs split into array tasks: a job type with independent, ordered work items
//! ([`JobType::work_items`], the models of a grid) may run as `tasks` processes, task `k`
//! computing items `[k·items/tasks, (k+1)·items/tasks)` into `parts/task-<k>.part`
//! (`stop worker JOB_DIR --task K`), and one merge (`stop worker JOB_DIR --merge`) that
//! publishes the results from the parts in task order and writes `status.json`.
//!
//! ```text
//! {job dir}/tasks.json          the plan: {"items": N, "tasks": T}
//! {job dir}/parts/task-K.part   task K's output, renamed into place when complete
//! ```
//!
//! A part exists only when its task finished, so the tasks still to run after a failure, a
//! lost SLURM job or a restart are exactly those without a part ([`missing_tasks`]); rerunning
//! one never touches the others. The plan depends only on the item count and the settings, so
//! a job planned again keeps its parts.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::worker::{JobContext, JobFailure, JobType, Registry, WorkerError, catch_panic, finish_job};
use crate::store::layout::{WorkerStatus, write_atomic};

/// The plan file in the job directory.
pub const PLAN_FILE: &str = "tasks.json";
/// The directory of the parts in the job directory.
pub const PARTS_DIR: &str = "parts";

/// How a job's work items are divided among tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPlan {
    /// Work items of the whole job.
    pub items: u64,
    /// Number of tasks (≥ 2).
    pub tasks: u32,
}

impl TaskPlan {
    /// The plan for `items` work items, at most `items_per_task` each and at most `max_tasks`
    /// tasks (then more items per task); `None` when the job fits in one task.
    #[must_use]
    pub fn new(items: u64, items_per_task: u64, max_tasks: u32) -> Option<Self> {
        if items_per_task == 0 || items <= items_per_task || max_tasks < 2 {
            return None;
        }
        let tasks = items.div_ceil(items_per_task).min(u64::from(max_tasks));
        Some(Self { items, tasks: u32::try_from(tasks).ok()? })
    }

    /// The items of task `task` (balanced: sizes differ by at most one).
    #[must_use]
    pub fn range(&self, task: u32) -> std::ops::Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(self.items) / u128::from(self.tasks)) as u64;
        at(u64::from(task))..at(u64::from(task) + 1)
    }
}

/// Failures of planning or of one task.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// The worker machinery (unreadable `job.json`).
    #[error(transparent)]
    Worker(#[from] WorkerError),
    /// `tasks.json` missing or unreadable.
    #[error("no task plan in `{path}` (the job was not split into tasks)")]
    NoPlan {
        /// The plan file.
        path: PathBuf,
    },
    /// A task number outside the plan.
    #[error("task {task} does not exist: the job has {tasks} tasks (0..{tasks})")]
    NoSuchTask {
        /// The task asked for.
        task: u32,
        /// Tasks in the plan.
        tasks: u32,
    },
    /// The job type is not in this build.
    #[error("unknown job type `{0}`")]
    UnknownType(String),
    /// The job type failed on these items.
    #[error("task {task} (items {first}..{end}): {message}")]
    Failed {
        /// The task.
        task: u32,
        /// First item.
        first: u64,
        /// One past the last item.
        end: u64,
        /// The job type's message.
        message: String,
    },
    /// A file of the plan or a part could not be written.
    #[error("writing `{path}`: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Where task `task` of the job in `dir` leaves its output.
#[must_use]
pub fn part_path(dir: &Path, task: u32) -> PathBuf {
    dir.join(PARTS_DIR).join(format!("task-{task}.part"))
}

/// The plan of the job in `dir`, if it was split.
#[must_use]
pub fn read_plan(dir: &Path) -> Option<TaskPlan> {
    serde_json::from_slice(&std::fs::read(dir.join(PLAN_FILE)).ok()?).ok()
}

/// The tasks of `plan` whose part is not (yet) in `dir`, in order.
#[must_use]
pub fn missing_tasks(dir: &Path, plan: &TaskPlan) -> Vec<u32> {
    (0..plan.tasks).filter(|&k| !part_path(dir, k).is_file()).collect()
}

fn job_type(registry: &Registry, ctx: &JobContext) -> Result<std::sync::Arc<dyn JobType>, TaskError> {
    let name = ctx.job_type_name();
    registry.get(name).cloned().ok_or_else(|| TaskError::UnknownType(name.to_owned()))
}

/// Decides whether the job in `dir` runs as tasks and records the plan in `tasks.json`.
/// A plan equal to the one already recorded keeps the parts of finished tasks; a different
/// one (other settings) discards them. `Ok(None)`: run the job whole (its type cannot be
/// split, it is small, or its parameters are unusable, which the whole run then reports).
///
/// # Errors
/// Unreadable `job.json`, unwritable plan.
pub fn plan_job(dir: &Path, registry: &Registry, items_per_task: u64, max_tasks: u32) -> Result<Option<TaskPlan>, TaskError> {
    let ctx = JobContext::open(dir)?;
    let Ok(job_type) = job_type(registry, &ctx) else { return Ok(None) };
    let Some(plan) = job_type.work_items(&ctx).and_then(|n| TaskPlan::new(n, items_per_task, max_tasks)) else {
        return Ok(None);
    };
    if read_plan(dir) != Some(plan) {
        let parts = dir.join(PARTS_DIR);
        if parts.exists() {
            std::fs::remove_dir_all(&parts).map_err(|source| TaskError::Write { path: parts.clone(), source })?;
        }
        let path = dir.join(PLAN_FILE);
        let bytes = serde_json::to_vec(&plan).map_err(|e| TaskError::Write { path: path.clone(), source: e.into() })?;
        write_atomic(&path, &bytes).map_err(|source| TaskError::Write { path, source })?;
    }
    Ok(Some(plan))
}

/// `stop worker JOB_DIR --task K`: computes task `task` of the plan into its part (written
/// beside it, then renamed, so a part is always complete).
///
/// # Errors
/// No plan, a task outside it, the job type's failure, or an unwritable part.
pub fn run_task(dir: &Path, registry: &Registry, task: u32) -> Result<(), TaskError> {
    let plan = read_plan(dir).ok_or_else(|| TaskError::NoPlan { path: dir.join(PLAN_FILE) })?;
    if task >= plan.tasks {
        return Err(TaskError::NoSuchTask { task, tasks: plan.tasks });
    }
    let ctx = JobContext::open(dir)?;
    let job_type = job_type(registry, &ctx)?;
    let part = part_path(dir, task);
    let parts = dir.join(PARTS_DIR);
    std::fs::create_dir_all(&parts).map_err(|source| TaskError::Write { path: parts.clone(), source })?;
    let scratch = parts.join(format!(".partial-task-{task}"));
    let range = plan.range(task);
    catch_panic(|| job_type.run_items(&ctx, range.clone(), &scratch))
        .map_err(|f| TaskError::Failed { task, first: range.start, end: range.end, message: f.message })?;
    let io = |source| TaskError::Write { path: part.clone(), source };
    std::fs::File::open(&scratch).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&scratch, &part).map_err(io)?;
    Ok(())
}

/// `stop worker JOB_DIR --merge`: once every task has its part, lets the job type publish
/// the results from them and writes `status.json` (an `error` status names the missing tasks).
///
/// # Errors
/// Unreadable `job.json` or unwritable `status.json`.
pub fn merge_job(dir: &Path, registry: &Registry) -> Result<WorkerStatus, WorkerError> {
    finish_job(dir, registry, |job_type, ctx| {
        let plan = read_plan(dir).ok_or_else(|| JobFailure::new(format!("no task plan `{PLAN_FILE}` in the job directory")))?;
        let missing = missing_tasks(dir, &plan);
        if !missing.is_empty() {
            return Err(JobFailure::new(format!("cannot merge: tasks {missing:?} of {} have no output", plan.tasks)));
        }
        let parts: Vec<PathBuf> = (0..plan.tasks).map(|k| part_path(dir, k)).collect();
        job_type.merge_items(ctx, &parts)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_cover_every_item_once_in_order() {
        assert_eq!(TaskPlan::new(100, 100, 1000), None, "fits in one task");
        assert_eq!(TaskPlan::new(100, 0, 1000), None);
        let plan = TaskPlan::new(200, 10, 1000).unwrap();
        assert_eq!(plan.tasks, 20);
        assert_eq!(plan.range(0), 0..10);
        assert_eq!(plan.range(19), 190..200);
        let capped = TaskPlan::new(1_000_003, 10, 7).unwrap();
        assert_eq!(capped.tasks, 7);
        let mut next = 0;
        for k in 0..capped.tasks {
            let r = capped.range(k);
            assert_eq!(r.start, next, "task {k} starts where {} ended", k.saturating_sub(1));
            assert!((r.end - r.start).abs_diff(1_000_003 / 7) <= 1);
            next = r.end;
        }
        assert_eq!(next, 1_000_003);
    }
}
