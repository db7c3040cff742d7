//! The job model: what a UWS job document says (UWS 1.1 §2.1), independent of storage.

use serde::{Deserialize, Serialize};

use super::{Instant, Phase};

/// One job, as stored and as serialised into `<uws:job>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job identifier (URL-safe, unguessable).
    pub id: String,
    /// The job type (= the job list it belongs to, `/uws/{job_type}`).
    pub job_type: String,
    /// The client's opaque label (`RUNID`), echoed verbatim.
    pub run_id: Option<String>,
    /// The authenticated creator; `None` for anonymous jobs.
    pub owner: Option<String>,
    /// The execution phase.
    pub phase: Phase,
    /// Predicted completion instant, if any.
    pub quote: Option<Instant>,
    /// When the job was created.
    pub creation_time: Instant,
    /// When a worker started it.
    pub start_time: Option<Instant>,
    /// When it reached a final phase.
    pub end_time: Option<Instant>,
    /// Wall-clock seconds it may run; 0 = unlimited.
    pub execution_duration_s: i32,
    /// When the job and its files are destroyed.
    pub destruction: Option<Instant>,
    /// The job's inputs as given.
    pub parameters: Vec<Parameter>,
    /// Published results.
    pub results: Vec<ResultEntry>,
    /// Why the job failed or was aborted by the server.
    pub error: Option<ErrorSummary>,
}

/// One input parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    /// Canonical name (the job type's spelling).
    pub name: String,
    /// The value as given; for an upload, the stored file name.
    pub value: String,
    /// An uploaded file, served at `/{jobs}/{id}/parameters/{name}` and listed by reference.
    pub upload: bool,
}

/// One published result file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultEntry {
    /// Result id = file name inside the job's results directory.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// MIME type.
    pub mime_type: String,
}

/// `transient` or `fatal` (UWS `ErrorType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Retrying may help.
    Transient,
    /// Retrying will not help.
    Fatal,
}

impl ErrorKind {
    /// The schema's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transient => "transient",
            Self::Fatal => "fatal",
        }
    }
}

/// The error summary of a failed (or server-aborted) job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSummary {
    /// Transient or fatal.
    pub kind: ErrorKind,
    /// One readable message.
    pub message: String,
    /// Whether `/error` serves more detail (the worker log).
    pub has_detail: bool,
}

/// The columns of a `<uws:jobref>`: what a job list shows of each job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRef {
    /// Job id.
    pub id: String,
    /// Phase.
    pub phase: Phase,
    /// Run id.
    pub run_id: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Creation time.
    pub creation_time: Instant,
}

impl Job {
    /// The job-list view of this job.
    #[must_use]
    pub fn to_ref(&self) -> JobRef {
        JobRef {
            id: self.id.clone(),
            phase: self.phase,
            run_id: self.run_id.clone(),
            owner: self.owner.clone(),
            creation_time: self.creation_time,
        }
    }
}
