//! The worker side: what `stop worker JOB_DIR` does. It reads `job.json`, runs the job type's
//! [`JobType::run`], publishes results atomically, and writes `status.json` last.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::params::{JobDescriptor, ParamError};
use crate::protocol::ResultEntry;
use crate::store::layout::{JobDir, JobSpec, WorkerStatus, check_name, write_atomic};

/// A kind of job: its parameter description (server side) and how to run it (worker side).
pub trait JobType: Send + Sync {
    /// The parameter description; its `name` is the job list's path segment.
    fn descriptor(&self) -> &JobDescriptor;
    /// Checks what the description cannot express (the content of uploaded files, say) when
    /// the job is created, so that bad input is refused with a 400 naming the parameter instead
    /// of failing later in the worker. `values` passed [`JobDescriptor::validate`]; `uploads`
    /// is the directory of the job's uploaded files. Runs on the server: keep it quick.
    ///
    /// # Errors
    /// A [`ParamError`] naming the offending parameter.
    fn check(&self, values: &Map<String, Value>, uploads: &Path) -> Result<(), ParamError> {
        let _ = (values, uploads);
        Ok(())
    }
    /// Runs the job inside the worker process, publishing results through `ctx`.
    ///
    /// # Errors
    /// A [`JobFailure`] whose message becomes the job's error summary.
    fn run(&self, ctx: &mut JobContext) -> Result<(), JobFailure>;

    /// For a job made of independent, ordered work items (the models of a grid): how many,
    /// so that an executor may run them as array tasks ([`super::tasks`]). `None`, the
    /// default, runs the job whole. Called by the server before submission: keep it cheap.
    fn work_items(&self, _ctx: &JobContext) -> Option<u64> {
        None
    }

    /// Runs work items `items` and writes their output to the file `part` (one array task).
    ///
    /// # Errors
    /// A [`JobFailure`]; the default refuses (the job type cannot be split).
    fn run_items(&self, _ctx: &JobContext, _items: Range<u64>, _part: &Path) -> Result<(), JobFailure> {
        Err(JobFailure::new("this job type cannot be split into tasks"))
    }

    /// Publishes the job's results from the parts of all its tasks, given in task order.
    ///
    /// # Errors
    /// A [`JobFailure`]; the default refuses (the job type cannot be split).
    fn merge_items(&self, _ctx: &mut JobContext, _parts: &[PathBuf]) -> Result<(), JobFailure> {
        Err(JobFailure::new("this job type cannot be split into tasks"))
    }
}

/// Why a job failed: one message for the error summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    /// The message.
    pub message: String,
}

impl JobFailure {
    /// A failure with this message.
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

impl fmt::Display for JobFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E: std::error::Error> From<E> for JobFailure {
    fn from(e: E) -> Self {
        Self { message: e.to_string() }
    }
}

/// The job types a server offers, by name.
#[derive(Clone, Default)]
pub struct Registry {
    types: BTreeMap<String, Arc<dyn JobType>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.types.keys()).finish()
    }
}

impl Registry {
    /// Adds a job type under its descriptor's name.
    #[must_use]
    pub fn with(mut self, job_type: impl JobType + 'static) -> Self {
        self.types.insert(job_type.descriptor().name.clone(), Arc::new(job_type));
        self
    }

    /// The job type called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Arc<dyn JobType>> {
        self.types.get(name)
    }

    /// All job types, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn JobType>> {
        self.types.values()
    }
}

/// What a running job sees: its parameters, its uploads, and a way to publish results.
#[derive(Debug)]
pub struct JobContext {
    dir: JobDir,
    spec: JobSpec,
    published: Vec<ResultEntry>,
}

impl JobContext {
    /// The context of the job in `dir` (for work done outside [`run_job_dir`]: planning and
    /// array tasks).
    ///
    /// # Errors
    /// [`WorkerError::Spec`] when `job.json` is missing or malformed.
    pub fn open(dir: &Path) -> Result<Self, WorkerError> {
        let dir = JobDir::new(dir);
        let spec = dir.read_spec().map_err(|source| WorkerError::Spec { path: dir.spec_path(), source })?;
        Ok(Self { dir, spec, published: Vec::new() })
    }

    /// The validated parameter values.
    #[must_use]
    pub fn values(&self) -> &Map<String, Value> {
        &self.spec.values
    }

    /// The job id.
    #[must_use]
    pub fn job_id(&self) -> &str {
        &self.spec.id
    }

    /// The job type's name.
    #[must_use]
    pub fn job_type_name(&self) -> &str {
        &self.spec.job_type
    }

    /// The directory of the job's uploaded files (each named by its parameter).
    #[must_use]
    pub fn upload_dir(&self) -> PathBuf {
        self.dir.uploads()
    }

    /// The path of the file uploaded for parameter `name`, if one was.
    #[must_use]
    pub fn upload(&self, name: &str) -> Option<PathBuf> {
        let stored = self.spec.values.get(name)?.as_str()?;
        check_name(stored).ok()?;
        let path = self.dir.uploads().join(stored);
        path.is_file().then_some(path)
    }

    /// Publishes a result atomically (a reader never sees a partial file).
    ///
    /// # Errors
    /// Unsafe name, duplicate name, or I/O failure.
    pub fn publish(&mut self, name: &str, mime_type: &str, bytes: &[u8]) -> Result<(), JobFailure> {
        check_name(name)?;
        if self.published.iter().any(|r| r.name == name) {
            return Err(JobFailure::new(format!("result `{name}` published twice")));
        }
        write_atomic(&self.dir.results().join(name), bytes)?;
        self.published.push(ResultEntry { name: name.to_owned(), size: bytes.len() as u64, mime_type: mime_type.to_owned() });
        Ok(())
    }
}

impl JobContext {
    /// Publishes the file at `src` (on the job directory's filesystem) as result `name` by
    /// renaming it: for results too big to hold in memory. Readers never see it partial.
    ///
    /// # Errors
    /// Unsafe name, duplicate name, or I/O failure.
    pub fn publish_renamed(&mut self, name: &str, mime_type: &str, src: &Path) -> Result<(), JobFailure> {
        check_name(name)?;
        if self.published.iter().any(|r| r.name == name) {
            return Err(JobFailure::new(format!("result `{name}` published twice")));
        }
        let size = std::fs::metadata(src)?.len();
        std::fs::File::open(src)?.sync_all()?;
        std::fs::rename(src, self.dir.results().join(name))?;
        self.published.push(ResultEntry { name: name.to_owned(), size, mime_type: mime_type.to_owned() });
        Ok(())
    }

    /// A scratch path in the job directory for a result being written (never listed).
    #[must_use]
    pub fn scratch_path(&self, name: &str) -> PathBuf {
        self.dir.results().join(format!(".partial-{name}"))
    }
}

/// Failures of the worker machinery itself (not of the job).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// `job.json` missing or malformed.
    #[error("reading `{path}`: {source}")]
    Spec {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `status.json` could not be written.
    #[error("writing `{path}`: {source}")]
    Status {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs the job in `dir` and writes its `status.json`; returns the status written.
///
/// A job that fails or panics still gets a status (`error`); only a status that cannot be
/// written is an `Err`, and the server then reports the job as failed from the exit code.
///
/// # Errors
/// [`WorkerError`] when `job.json` is unreadable or `status.json` cannot be written.
pub fn run_job_dir(dir: &Path, registry: &Registry) -> Result<WorkerStatus, WorkerError> {
    finish_job(dir, registry, |t, ctx| t.run(ctx))
}

/// Runs `body` for the job in `dir` with a clean `results/`, catching panics, and writes
/// `status.json` from what it returned and published (shared by whole runs and merges).
pub(crate) fn finish_job(
    dir: &Path,
    registry: &Registry,
    body: impl FnOnce(&dyn JobType, &mut JobContext) -> Result<(), JobFailure>,
) -> Result<WorkerStatus, WorkerError> {
    let dir = JobDir::new(dir);
    let spec = dir.read_spec().map_err(|source| WorkerError::Spec { path: dir.spec_path(), source })?;
    // A re-queued job starts clean: drop the previous attempt's status and results.
    let _ = std::fs::remove_file(dir.status_path());
    let _ = std::fs::remove_dir_all(dir.results());
    let _ = std::fs::create_dir_all(dir.results());
    let job_type = registry.get(&spec.job_type).cloned();
    let mut ctx = JobContext { dir: dir.clone(), spec, published: Vec::new() };
    let result = match job_type {
        None => Err(JobFailure::new(format!("unknown job type `{}`", ctx.spec.job_type))),
        Some(t) => catch_panic(|| body(t.as_ref(), &mut ctx)),
    };
    let status = match result {
        Ok(()) => WorkerStatus::Completed { results: ctx.published },
        Err(f) => WorkerStatus::Error { message: f.message, results: ctx.published },
    };
    let bytes = serde_json::to_vec_pretty(&status).map_err(|e| WorkerError::Status { path: dir.status_path(), source: e.into() })?;
    write_atomic(&dir.status_path(), &bytes).map_err(|source| WorkerError::Status { path: dir.status_path(), source })?;
    Ok(status)
}

/// Runs `f`, turning a panic into a [`JobFailure`] (a solver bug must still leave a status).
pub(crate) fn catch_panic(f: impl FnOnce() -> Result<(), JobFailure>) -> Result<(), JobFailure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(JobFailure::new(format!("solver panicked: {what}")))
    })
}
