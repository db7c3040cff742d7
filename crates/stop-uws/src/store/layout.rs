//! The per-job directory and crash-safe file publication.
//!
//! ```text
//! {data_dir}/jobs/{id}/
//!     job.json       job type + validated parameter values (what the worker reads)
//!     uploads/       uploaded files, one per file parameter, named by the parameter
//!     results/       published results; `.partial-*` files are never listed
//!     worker.log     the worker's stdout and stderr
//!     status.json    the worker's final status, written last and atomically
//! ```

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::protocol::ResultEntry;

/// What the worker reads: the job type and its validated parameter values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    /// Job id.
    pub id: String,
    /// Job type name.
    pub job_type: String,
    /// Validated values by canonical parameter name.
    pub values: serde_json::Map<String, serde_json::Value>,
}

/// The worker's final word, `status.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum WorkerStatus {
    /// The job ran to the end; these results were published.
    Completed {
        /// Published results.
        results: Vec<ResultEntry>,
    },
    /// The job failed with this message; results published before the failure are listed.
    Error {
        /// Why.
        message: String,
        /// Results published before the failure.
        results: Vec<ResultEntry>,
    },
}

/// Paths inside one job's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobDir {
    root: PathBuf,
}

/// A file or result name that could escape its directory or is otherwise unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a safe file name (letters, digits, `._-+`, not starting with `.`, at most 128 bytes)")]
pub struct UnsafeName(pub String);

/// Checks that `name` is a plain file name that stays inside its directory.
///
/// # Errors
/// [`UnsafeName`] for separators, `..`, leading dots, control characters, empty or long names.
pub fn check_name(name: &str) -> Result<&str, UnsafeName> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'));
    if ok { Ok(name) } else { Err(UnsafeName(name.to_owned())) }
}

impl JobDir {
    /// The directory of a job rooted at `root`.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The job directory itself.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `job.json`.
    #[must_use]
    pub fn spec_path(&self) -> PathBuf {
        self.root.join("job.json")
    }

    /// `status.json`.
    #[must_use]
    pub fn status_path(&self) -> PathBuf {
        self.root.join("status.json")
    }

    /// `worker.log`.
    #[must_use]
    pub fn log_path(&self) -> PathBuf {
        self.root.join("worker.log")
    }

    /// `uploads/`.
    #[must_use]
    pub fn uploads(&self) -> PathBuf {
        self.root.join("uploads")
    }

    /// `results/`.
    #[must_use]
    pub fn results(&self) -> PathBuf {
        self.root.join("results")
    }

    /// Creates the job directory (`uploads/` and `results/` are made by whoever first writes
    /// into them).
    ///
    /// # Errors
    /// I/O errors.
    pub fn create(&self) -> io::Result<()> {
        fs::create_dir_all(&self.root)
    }

    /// Reads `job.json`.
    ///
    /// # Errors
    /// Missing or malformed file.
    pub fn read_spec(&self) -> io::Result<JobSpec> {
        let text = fs::read(self.spec_path())?;
        serde_json::from_slice(&text).map_err(io::Error::other)
    }

    /// Reads `status.json` if the worker wrote one.
    ///
    /// # Errors
    /// A present but unreadable or malformed file.
    pub fn read_status(&self) -> io::Result<Option<WorkerStatus>> {
        match fs::read(self.status_path()) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(io::Error::other),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The results of `status` whose files exist with exactly the recorded size: a result cut
    /// short is never listed.
    #[must_use]
    pub fn verified_results(&self, results: &[ResultEntry]) -> Vec<ResultEntry> {
        results
            .iter()
            .filter(|r| check_name(&r.name).is_ok())
            .filter(|r| fs::metadata(self.results().join(&r.name)).is_ok_and(|m| m.is_file() && m.len() == r.size))
            .cloned()
            .collect()
    }
}

/// Writes `bytes` to `path` so that readers see either nothing or the whole file, even after a
/// crash of the machine: write a temporary sibling, fsync it, rename it over `path`, fsync the
/// directory. Used for results and `status.json`.
///
/// # Errors
/// I/O errors; the temporary file is removed on failure.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_renamed(path, bytes, true)
}

/// Like [`write_atomic`] without the fsyncs: all-or-nothing for readers and across a killed
/// process, as durable as the SQLite commit (`synchronous=NORMAL`) that follows it. Used for
/// `job.json` at job creation.
///
/// # Errors
/// I/O errors; the temporary file is removed on failure.
pub fn write_replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_renamed(path, bytes, false)
}

fn write_renamed(path: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let dir = path.parent().ok_or_else(|| io::Error::other("path has no parent"))?;
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| io::Error::other("path has no file name"))?;
    let tmp = dir.join(format!(".partial-{name}"));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if sync {
            f.sync_all()?;
        }
        drop(f);
        fs::rename(&tmp, path)?;
        if sync { fs::File::open(dir)?.sync_all() } else { Ok(()) }
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_escape_are_refused() {
        for bad in ["", "..", "../x", "a/b", ".hidden", "a\\b", "x\0", "é"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name("lines.tsv").is_ok());
    }

    #[test]
    fn truncated_results_are_not_listed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = JobDir::new(tmp.path());
        fs::create_dir_all(dir.results()).unwrap();
        write_atomic(&dir.results().join("a.tsv"), b"12345").unwrap();
        fs::write(dir.results().join("b.tsv"), b"12").unwrap();
        let listed = dir.verified_results(&[
            ResultEntry { name: "a.tsv".into(), size: 5, mime_type: "text/plain".into() },
            ResultEntry { name: "b.tsv".into(), size: 5, mime_type: "text/plain".into() },
            ResultEntry { name: "../a.tsv".into(), size: 5, mime_type: "text/plain".into() },
        ]);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "a.tsv");
        assert!(!dir.results().join(".partial-a.tsv").exists());
    }
}
