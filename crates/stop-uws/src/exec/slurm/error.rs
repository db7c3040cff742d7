//! Errors of the SLURM executor: each names the command or file involved.

use std::path::PathBuf;

use super::states::BadQueueLine;

/// Why talking to SLURM failed.
#[derive(Debug, thiserror::Error)]
pub enum SlurmError {
    /// A SLURM command is not installed on this host.
    #[error("`{program}` not found on PATH: the SLURM executor needs the SLURM client commands (Debian: slurm-client)")]
    Missing {
        /// The command.
        program: String,
    },
    /// A SLURM command could not be started.
    #[error("starting `{program}`: {source}")]
    Spawn {
        /// The command.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// A SLURM command did not finish in time (the controller is slow or unreachable).
    #[error("`{program}` gave no answer within {seconds} s")]
    TimedOut {
        /// The command.
        program: String,
        /// The timeout.
        seconds: u64,
    },
    /// A SLURM command exited with an error.
    #[error("`{program}` failed ({status}): {stderr}")]
    Failed {
        /// The command.
        program: String,
        /// Its exit status.
        status: String,
        /// What it printed on stderr (trimmed).
        stderr: String,
    },
    /// `scontrol ping` says the controller is down.
    #[error("the SLURM controller does not answer (`scontrol ping`: {detail})")]
    ControllerDown {
        /// What `scontrol ping` printed.
        detail: String,
    },
    /// `sbatch --parsable` printed something that is not a job id.
    #[error("sbatch printed `{output}` instead of a job id")]
    BadJobId {
        /// What it printed.
        output: String,
    },
    /// `squeue` printed a line of an unexpected shape.
    #[error(transparent)]
    BadLine(#[from] BadQueueLine),
    /// Planning a job's array tasks failed.
    #[error("planning array tasks: {0}")]
    Tasks(#[from] crate::exec::tasks::TaskError),
    /// The SLURM record in the job directory could not be written.
    #[error("writing `{path}`: {source}")]
    Record {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl SlurmError {
    /// Whether this means "the controller cannot be reached right now" (an outage to wait
    /// out), as opposed to a refusal or a local problem.
    #[must_use]
    pub fn is_outage(&self) -> bool {
        match self {
            Self::TimedOut { .. } | Self::ControllerDown { .. } => true,
            Self::Failed { stderr, .. } => {
                ["Unable to contact slurm controller", "Socket timed out", "Zero Bytes were transmitted", "Connection refused"]
                    .iter()
                    .any(|s| stderr.contains(s))
            }
            _ => false,
        }
    }

    /// Whether `squeue -j` refused the ids because none of them is known.
    #[must_use]
    pub fn is_unknown_job(&self) -> bool {
        matches!(self, Self::Failed { stderr, .. } if stderr.contains("Invalid job id"))
    }
}
