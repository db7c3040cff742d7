//! SLURM's words, parsed: job states (`squeue %T`), the lines of our `squeue` format, and
//! `ExitCode=status:signal` from `scontrol show job -o`. No I/O here.
//!
//! State → UWS mapping (`../shared/docs/slurm-local.md` §7): PENDING-like → QUEUED, RUNNING-like
//! → EXECUTING, COMPLETED → read `status.json`, FAILED/TIMEOUT/OUT_OF_MEMORY/NODE_FAIL/... →
//! ERROR, CANCELLED → ABORTED. COMPLETING is not final.

use std::fmt;

/// Where a SLURM job stands, as far as the executor cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for resources (or held, or being requeued): the UWS job stays QUEUED.
    Waiting,
    /// Running or finishing: the UWS job is EXECUTING.
    Running,
    /// Ended normally; the worker's `status.json` says how the job went.
    Completed,
    /// Ended badly (the state name says how): the UWS job is in ERROR.
    Failed,
    /// Cancelled (by us on ABORT, or by an operator): the UWS job is ABORTED.
    Cancelled,
    /// A state this executor does not know: keep the last phase and keep polling.
    Unknown,
}

/// The stage of a SLURM job state name (`%T` of `squeue`, `JobState` of `scontrol`).
#[must_use]
pub fn stage(state: &str) -> Stage {
    match state {
        "PENDING" | "REQUEUED" | "REQUEUE_HOLD" | "REQUEUE_FED" | "CONFIGURING" | "RESV_DEL_HOLD" | "SUSPENDED" | "STOPPED" => {
            Stage::Waiting
        }
        "RUNNING" | "COMPLETING" | "RESIZING" | "SIGNALING" | "STAGE_OUT" => Stage::Running,
        "COMPLETED" => Stage::Completed,
        "FAILED" | "TIMEOUT" | "OUT_OF_MEMORY" | "NODE_FAIL" | "BOOT_FAIL" | "DEADLINE" | "PREEMPTED" | "SPECIAL_EXIT" => {
            Stage::Failed
        }
        "CANCELLED" => Stage::Cancelled,
        _ => Stage::Unknown,
    }
}

/// The `squeue` output format the executor asks for: id, state, reason, name, comment.
pub const SQUEUE_FORMAT: &str = "%i|%T|%r|%j|%k";

/// One line of `squeue -h --states=all -o '%i|%T|%r|%j|%k'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLine {
    /// SLURM job id; for an array task, the array's id.
    pub slurm_id: u32,
    /// The array task number (`%i` of `7_3` is array 7, task 3); `None` for a plain job, or
    /// for pending tasks SLURM lists as one range (`7_[4-9]`, without `squeue -r`).
    pub task: Option<u32>,
    /// State name (`RUNNING`, `FAILED`, ...).
    pub state: String,
    /// Reason (`None`, `NonZeroExitCode`, `Resources`, ...).
    pub reason: String,
    /// Job name (`stop-<uws id>` for ours).
    pub name: String,
    /// Comment (the UWS id for ours).
    pub comment: String,
}

/// A line of `squeue` output that does not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected squeue line `{line}` (expected `id|state|reason|name|comment`)")]
pub struct BadQueueLine {
    /// The line.
    pub line: String,
}

impl QueueLine {
    /// Parses one line. Array tasks (`7_3`, `7_[4-9%2]`) and the comment's own `|` are
    /// handled: the comment is everything after the fourth `|`.
    ///
    /// # Errors
    /// [`BadQueueLine`] when a field is missing or the id is not a number.
    pub fn parse(line: &str) -> Result<Self, BadQueueLine> {
        let bad = || BadQueueLine { line: line.to_owned() };
        let mut fields = line.splitn(5, '|');
        let id = fields.next().ok_or_else(bad)?;
        let (slurm_id, task) = match id.trim().split_once('_') {
            None => (id.trim().parse().map_err(|_| bad())?, None),
            Some((array, task)) => {
                let array = array.parse().map_err(|_| bad())?;
                if task.starts_with('[') && task.ends_with(']') {
                    (array, None)
                } else {
                    (array, Some(task.parse().map_err(|_| bad())?))
                }
            }
        };
        let state = fields.next().ok_or_else(bad)?.trim().to_owned();
        let reason = fields.next().ok_or_else(bad)?.trim().to_owned();
        let name = fields.next().ok_or_else(bad)?.trim().to_owned();
        let comment = fields.next().ok_or_else(bad)?.trim().to_owned();
        Ok(Self { slurm_id, task, state, reason, name, comment })
    }

    /// Whether this SLURM job carries the tag of UWS job `uws_id` (name and comment). A job
    /// whose tag differs is somebody else's, even under a recorded id: ids are reused after a
    /// controller crash.
    #[must_use]
    pub fn is_tagged(&self, uws_id: &str) -> bool {
        self.name == job_name(uws_id) && self.comment == uws_id
    }
}

/// Parses all lines of `squeue` output, skipping blank ones.
///
/// # Errors
/// The first malformed line.
pub fn parse_queue(text: &str) -> Result<Vec<QueueLine>, BadQueueLine> {
    text.lines().filter(|l| !l.trim().is_empty()).map(QueueLine::parse).collect()
}

/// The SLURM job name of UWS job `uws_id`.
#[must_use]
pub fn job_name(uws_id: &str) -> String {
    format!("stop-{uws_id}")
}

/// `ExitCode=status:signal` of a finished job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCode {
    /// Exit status of the batch script (the worker).
    pub status: u32,
    /// Signal that ended it, 0 if none.
    pub signal: u32,
}

impl ExitCode {
    /// Parses `3:0`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (status, signal) = text.trim().split_once(':')?;
        Some(Self { status: status.parse().ok()?, signal: signal.parse().ok()? })
    }
}

impl fmt::Display for ExitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit code {}:{}", self.status, self.signal)?;
        if self.signal != 0 {
            write!(f, " (killed by signal {})", self.signal)?;
        }
        Ok(())
    }
}

/// The value of `key` in one `Key=Value Key=Value ...` line of `scontrol show job -o`.
#[must_use]
pub fn scontrol_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace().find_map(|kv| kv.strip_prefix(key).and_then(|rest| rest.strip_prefix('=')))
}

/// Rounds an execution duration up to SLURM's whole minutes (`--time`); 0 = no limit.
#[must_use]
pub fn time_limit_minutes(execution_duration_s: u64) -> Option<u64> {
    (execution_duration_s > 0).then(|| execution_duration_s.div_ceil(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_map_to_uws_stages() {
        assert_eq!(stage("PENDING"), Stage::Waiting);
        assert_eq!(stage("RUNNING"), Stage::Running);
        assert_eq!(stage("COMPLETING"), Stage::Running, "COMPLETING is not final");
        assert_eq!(stage("COMPLETED"), Stage::Completed);
        for failed in ["FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL"] {
            assert_eq!(stage(failed), Stage::Failed, "{failed}");
        }
        assert_eq!(stage("CANCELLED"), Stage::Cancelled);
        assert_eq!(stage("SOMETHING_NEW"), Stage::Unknown);
    }

    #[test]
    fn queue_lines_parse_and_check_the_tag() {
        let lines = parse_queue("17|FAILED|NonZeroExitCode|stop-ab12|ab12\n\n18|RUNNING|None|other|x|y\n").unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].slurm_id, 17);
        assert_eq!(lines[0].reason, "NonZeroExitCode");
        assert!(lines[0].is_tagged("ab12"));
        assert!(!lines[0].is_tagged("ab1"));
        assert_eq!(lines[1].comment, "x|y");
        assert!(!lines[1].is_tagged("x|y"), "same comment, wrong name: not ours");
    }

    #[test]
    fn malformed_queue_lines_are_errors_not_panics() {
        for bad in ["", "x|RUNNING|None|n|c", "12|RUNNING", "7_x|RUNNING|None|n|c", "_3|RUNNING|None|n|c"] {
            assert!(QueueLine::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn array_task_lines_name_array_and_task() {
        let lines = parse_queue("7_3|FAILED|NonZeroExitCode|stop-a|a\n7_[4-9%2]|PENDING|None|stop-a|a\n12|RUNNING|None|stop-b|b\n").unwrap();
        assert_eq!((lines[0].slurm_id, lines[0].task), (7, Some(3)));
        assert_eq!((lines[1].slurm_id, lines[1].task), (7, None), "pending range");
        assert_eq!((lines[2].slurm_id, lines[2].task), (12, None));
        assert!(lines[0].is_tagged("a"));
    }

    #[test]
    fn exit_codes_and_scontrol_fields() {
        let line = "JobId=17 JobName=stop-ab JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 Comment=ab";
        assert_eq!(scontrol_field(line, "ExitCode"), Some("3:0"));
        assert_eq!(scontrol_field(line, "JobState"), Some("FAILED"));
        assert_eq!(scontrol_field(line, "Exit"), None);
        let code = ExitCode::parse("3:0").unwrap();
        assert_eq!(code.to_string(), "exit code 3:0");
        assert_eq!(ExitCode::parse("0:6").unwrap().to_string(), "exit code 0:6 (killed by signal 6)");
        assert_eq!(ExitCode::parse("x"), None);
    }

    #[test]
    fn time_limits_round_up_to_minutes() {
        assert_eq!(time_limit_minutes(0), None);
        assert_eq!(time_limit_minutes(1), Some(1));
        assert_eq!(time_limit_minutes(60), Some(1));
        assert_eq!(time_limit_minutes(61), Some(2));
    }
}
