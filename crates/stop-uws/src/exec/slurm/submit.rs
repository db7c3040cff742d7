//! Placing a job in SLURM: adopt the SLURM job already carrying its tag (after a restart, or
//! after a submission whose answer was lost), otherwise `sbatch` a new one, and record the
//! SLURM id in the job directory (`slurm.json`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::command::{run, sh_quote};
use super::error::SlurmError;
use super::states::{QueueLine, SQUEUE_FORMAT, Stage, job_name, parse_queue, stage, time_limit_minutes};
use super::array::TaskWatch;
use super::{Inner, SlurmParams};
use crate::exec::Submission;
use crate::store::layout::{JobDir, write_atomic};

/// File in the job directory naming the SLURM job that runs it.
pub const RECORD_FILE: &str = "slurm.json";

/// `slurm.json`: which SLURM job runs this UWS job, and under which name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlurmRecord {
    /// SLURM job id.
    pub slurm_job_id: u32,
    /// SLURM job name (`stop-<uws id>`), checked when reconciling.
    pub job_name: String,
    /// For a job run as array tasks: its arrays, first submission then reruns of failed
    /// tasks (`slurm_job_id` is the newest, or the merge job when it is none of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrays: Vec<u32>,
}

/// The record of the job in `dir`, if one was written and is readable.
#[must_use]
pub fn read_record(dir: &Path) -> Option<SlurmRecord> {
    let bytes = std::fs::read(dir.join(RECORD_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn write_record(dir: &Path, record: &SlurmRecord) -> Result<(), SlurmError> {
    let path = dir.join(RECORD_FILE);
    let bytes = serde_json::to_vec(record).map_err(|e| SlurmError::Record { path: path.clone(), source: e.into() })?;
    write_atomic(&path, &bytes).map_err(|source| SlurmError::Record { path, source })
}

/// Threads the job asks for: its `threads` parameter, else 1.
fn cpus_per_task(dir: &Path) -> u64 {
    JobDir::new(dir)
        .read_spec()
        .ok()
        .and_then(|spec| spec.values.get("threads").and_then(serde_json::Value::as_u64))
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// What a SLURM job of a UWS job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run<'a> {
    /// The whole job: `stop worker DIR`.
    Whole,
    /// These array tasks (an `--array` list such as `0-19` or `3,7`): `stop worker DIR
    /// --task $SLURM_ARRAY_TASK_ID`.
    Tasks(&'a str),
    /// The merge of the tasks' parts: `stop worker DIR --merge`.
    Merge,
}

/// The `sbatch` arguments for running `job` whole.
#[must_use]
pub fn sbatch_args(params: &SlurmParams, job: &Submission) -> Vec<String> {
    sbatch_args_for(params, job, Run::Whole)
}

/// The `sbatch` arguments for `run` of `job`.
#[must_use]
pub fn sbatch_args_for(params: &SlurmParams, job: &Submission, run: Run<'_>) -> Vec<String> {
    let dir = job.dir.display().to_string();
    let output = if matches!(run, Run::Tasks(_)) { format!("--output={dir}/slurm-%A_%a.out") } else { format!("--output={dir}/slurm-%j.out") };
    let mut args = vec![
        "--parsable".to_owned(),
        "--no-requeue".to_owned(),
        format!("--job-name={}", job_name(&job.job_id)),
        format!("--comment={}", job.job_id),
        format!("--chdir={dir}"),
        output,
        format!("--cpus-per-task={}", cpus_per_task(&job.dir)),
        format!("--mem={}M", params.memory_mb.max(1)),
    ];
    if let Some(minutes) = time_limit_minutes(job.execution_duration_s) {
        args.push(format!("--time={minutes}"));
    }
    if let Some(p) = &params.partition {
        args.push(format!("--partition={p}"));
    }
    if let Some(a) = &params.account {
        args.push(format!("--account={a}"));
    }
    // The worker's own output goes where the local pool puts it (`worker.log`, the `/error`
    // detail); `exec` lets SLURM see the worker's exit status and signal unchanged.
    let mut wrap = format!("exec {}", sh_quote(&params.program.display().to_string()));
    for a in &params.args {
        wrap.push(' ');
        wrap.push_str(&sh_quote(&a.to_string_lossy()));
    }
    wrap.push(' ');
    wrap.push_str(&sh_quote(&dir));
    match run {
        Run::Whole => {}
        Run::Tasks(list) => {
            args.push(format!("--array={list}"));
            wrap.push_str(r#" --task "$SLURM_ARRAY_TASK_ID""#);
        }
        Run::Merge => wrap.push_str(" --merge"),
    }
    let log = JobDir::new(&job.dir).log_path();
    wrap.push_str(&format!(" >>{} 2>&1", sh_quote(&log.display().to_string())));
    args.push(format!("--wrap={wrap}"));
    args
}

/// The SLURM jobs tagged for UWS job `uws_id` that the controller remembers.
///
/// # Errors
/// `squeue` failures (an outage among them).
pub async fn tagged_jobs(params: &SlurmParams, uws_id: &str) -> Result<Vec<QueueLine>, SlurmError> {
    let name = format!("--name={}", job_name(uws_id));
    let out = run("squeue", ["-h", "--states=all", name.as_str(), "-o", SQUEUE_FORMAT], params.command_timeout).await?;
    Ok(parse_queue(&out)?.into_iter().filter(|l| l.is_tagged(uws_id)).collect())
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// SLURM runs it as this job (for a split job: its newest array, or its merge, and the
    /// tasks to follow).
    Slurm(u32, Option<TaskWatch>),
    /// Aborted before it reached SLURM.
    Aborted,
}

impl Inner {
    /// Adopts or submits `job`, waiting out controller outages (until aborted).
    ///
    /// # Errors
    /// A refusal by SLURM (bad partition, account, limits) or an unwritable record.
    pub(super) async fn place(&self, job: &Submission) -> Result<Placement, SlurmError> {
        let plan = self.plan(job)?;
        let mut warned = false;
        loop {
            if self.abort_requested(&job.job_id) {
                return Ok(Placement::Aborted);
            }
            let placed = match plan {
                Some(plan) => self.place_tasks(job, plan).await.map(|(id, tasks)| Placement::Slurm(id, Some(tasks))),
                None => self.adopt_or_submit(job).await.map(|id| Placement::Slurm(id, None)),
            };
            match placed {
                Ok(placement) => return Ok(placement),
                Err(e) if e.is_outage() => {
                    if !warned {
                        tracing::warn!(job = %job.job_id, error = %e, "SLURM controller unreachable; the job stays QUEUED until it answers");
                        warned = true;
                    }
                    tokio::time::sleep(self.params.poll_interval).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn adopt_or_submit(&self, job: &Submission) -> Result<u32, SlurmError> {
        let recorded = read_record(&job.dir).filter(|r| r.job_name == job_name(&job.job_id));
        let tagged = tagged_jobs(&self.params, &job.job_id).await?;
        // The recorded job (whatever its state: it may have ended while we were away), or a
        // live tagged job whose sbatch answer never reached us. Ended jobs of earlier attempts
        // are history, not candidates.
        let adopt = tagged
            .iter()
            .filter(|l| l.task.is_none())
            .find(|l| recorded.as_ref().is_some_and(|r| r.slurm_job_id == l.slurm_id))
            .or_else(|| tagged.iter().find(|l| l.task.is_none() && matches!(stage(&l.state), Stage::Waiting | Stage::Running)));
        if let Some(line) = adopt {
            tracing::info!(job = %job.job_id, slurm_job = line.slurm_id, state = %line.state, "adopted SLURM job");
            self.record(&job.dir, &job.job_id, line.slurm_id, &[])?;
            return Ok(line.slurm_id);
        }
        let out = run("sbatch", sbatch_args(&self.params, job), self.params.command_timeout).await?;
        // `--parsable` prints `id` or `id;cluster`.
        let text = out.trim();
        let id = text.split(';').next().and_then(|s| s.parse().ok()).ok_or_else(|| SlurmError::BadJobId { output: text.to_owned() })?;
        tracing::info!(job = %job.job_id, slurm_job = id, "submitted to SLURM");
        self.record(&job.dir, &job.job_id, id, &[])?;
        Ok(id)
    }

    /// Records in `slurm.json` which SLURM job follows `uws_id` (and its arrays, if split).
    pub(super) fn record(&self, dir: &Path, uws_id: &str, slurm_job_id: u32, arrays: &[u32]) -> Result<(), SlurmError> {
        let record = SlurmRecord { slurm_job_id, job_name: job_name(uws_id), arrays: arrays.to_vec() };
        if read_record(dir).as_ref() == Some(&record) {
            return Ok(());
        }
        write_record(dir, &record)
    }
}

/// Where SLURM writes a job's own messages (`--output`).
#[must_use]
pub fn slurm_output(dir: &Path, slurm_job_id: u32) -> PathBuf {
    dir.join(format!("slurm-{slurm_job_id}.out"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbatch_arguments_carry_tag_resources_and_limits() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = JobDir::new(tmp.path());
        dir.create().unwrap();
        std::fs::write(dir.spec_path(), r#"{"id":"ab12","job_type":"grid","values":{"threads":4}}"#).unwrap();
        let mut params = SlurmParams::new("/opt/stop bin/stop".into());
        params.partition = Some("long".into());
        params.memory_mb = 2048;
        let job = Submission { job_id: "ab12".into(), dir: tmp.path().to_owned(), execution_duration_s: 90 };
        let args = sbatch_args(&params, &job);
        for expected in ["--parsable", "--no-requeue", "--job-name=stop-ab12", "--comment=ab12", "--cpus-per-task=4", "--mem=2048M", "--time=2", "--partition=long"] {
            assert!(args.iter().any(|a| a == expected), "{expected} missing from {args:?}");
        }
        assert!(!args.iter().any(|a| a.starts_with("--account")));
        let wrap = args.last().unwrap();
        assert!(wrap.starts_with("--wrap=exec '/opt/stop bin/stop' 'worker' '"), "{wrap}");
        assert!(wrap.ends_with("/worker.log' 2>&1"), "{wrap}");
        let tasks = sbatch_args_for(&params, &job, Run::Tasks("0-19"));
        assert!(tasks.iter().any(|a| a == "--array=0-19"), "{tasks:?}");
        assert!(tasks.iter().any(|a| a.ends_with("/slurm-%A_%a.out")), "{tasks:?}");
        assert!(tasks.last().unwrap().contains(r#"' --task "$SLURM_ARRAY_TASK_ID" >>'"#), "{tasks:?}");
        let merge = sbatch_args_for(&params, &job, Run::Merge);
        assert!(merge.last().unwrap().contains("' --merge >>'") && !merge.iter().any(|a| a.starts_with("--array")), "{merge:?}");
    }

    #[test]
    fn records_round_trip_and_garbage_reads_as_none() {
        let tmp = tempfile::tempdir().unwrap();
        let record = SlurmRecord { slurm_job_id: 21, job_name: "stop-x".into(), arrays: vec![20, 21] };
        write_record(tmp.path(), &record).unwrap();
        assert_eq!(read_record(tmp.path()), Some(record));
        std::fs::write(tmp.path().join(RECORD_FILE), b"{not json").unwrap();
        assert_eq!(read_record(tmp.path()), None);
    }
}
