//! The job store: SQLite (WAL) for job metadata, one directory per job for files.
//!
//! The server process is the only writer. All jobs are also kept in memory, so reads (job
//! documents, job lists, WAIT) never touch the database; every change is committed to SQLite
//! first and only then made visible in memory, so what clients saw survives a `kill -9`.

mod batch;
pub mod layout;
mod schema;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::{Connection, OptionalExtension as _, params};
use tokio::sync::watch;

use crate::protocol::{ErrorKind, ErrorSummary, Instant, Job, JobRef, Parameter, Phase, ResultEntry};
use batch::{InsertQueue, Taken};
use layout::JobDir;

/// Store failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("job database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file or directory operation failed.
    #[error("job files at `{path}`: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// What.
        source: std::io::Error,
    },
    /// The group commit that carried this creation failed (see [`Store::insert`]).
    #[error("job database: {message}")]
    GroupCommit {
        /// SQLite's message.
        message: String,
    },
    /// No such job.
    #[error("no job `{0}`")]
    NotFound(String),
    /// A stored row that cannot be read back (hand-edited database).
    #[error("job `{id}`: stored column `{column}` holds `{value}`")]
    Corrupt {
        /// Job id.
        id: String,
        /// Column.
        column: &'static str,
        /// Value found.
        value: String,
    },
}

/// A job plus the bookkeeping only the server needs.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// The UWS job.
    pub job: Job,
    /// Process id of the worker running it (EXECUTING only).
    pub worker_pid: Option<u32>,
    /// How many times a worker was started for it.
    pub attempts: u32,
}

/// Job-list filters (UWS 1.1 §2.2.2.1), combined with AND.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    /// Union of phases; empty = every phase but ARCHIVED.
    pub phases: Vec<Phase>,
    /// Only jobs created strictly after this instant.
    pub after: Option<Instant>,
    /// Only the `n` most recent.
    pub last: Option<usize>,
}

struct Entry {
    record: JobRecord,
    phase_tx: watch::Sender<Phase>,
}

/// The store. Cheap to share behind an `Arc`.
pub struct Store {
    data_dir: PathBuf,
    version: AtomicU64,
    conn: Mutex<Connection>,
    jobs: RwLock<HashMap<String, Entry>>,
    /// Jobs in an active phase per owner, changed together with `jobs` (O(1) limit checks).
    active: Mutex<HashMap<Option<String>, usize>>,
    /// Creation time of the newest job, ms; written only with `conn` held.
    newest_ms: AtomicI64,
    /// Creations waiting for the connection (group commit).
    inserts: InsertQueue,
    /// A second connection for WAL checkpoints, so they never hold up `conn`.
    checkpointer: Mutex<Option<Connection>>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_owned(), source }
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`: `stop.sqlite` and `jobs/`.
    ///
    /// # Errors
    /// Unusable directory or database.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let jobs_dir = data_dir.join("jobs");
        fs::create_dir_all(&jobs_dir).map_err(io_err(&jobs_dir))?;
        let conn = Connection::open(data_dir.join("stop.sqlite"))?;
        schema::prepare(&conn)?;
        let records = load_all(&conn)?;
        let newest_ms = records.iter().map(|r| r.job.creation_time.millis()).max().unwrap_or(i64::MIN);
        let mut active: HashMap<Option<String>, usize> = HashMap::new();
        for r in records.iter().filter(|r| r.job.phase.is_active()) {
            *active.entry(r.job.owner.clone()).or_default() += 1;
        }
        let jobs = records
            .into_iter()
            .map(|r| (r.job.id.clone(), Entry { phase_tx: watch::Sender::new(r.job.phase), record: r }))
            .collect();
        Ok(Self {
            data_dir: data_dir.to_owned(),
            version: AtomicU64::new(0),
            conn: Mutex::new(conn),
            jobs: RwLock::new(jobs),
            active: Mutex::new(active),
            newest_ms: AtomicI64::new(newest_ms),
            inserts: InsertQueue::default(),
            checkpointer: Mutex::new(None),
        })
    }

    /// The directory of job `id`.
    #[must_use]
    pub fn job_dir(&self, id: &str) -> JobDir {
        JobDir::new(self.data_dir.join("jobs").join(id))
    }

    fn lock_conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back).
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Entry>> {
        self.jobs.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Entry>> {
        self.jobs.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks a change, after it is visible in memory: a reader that sees the new version reads
    /// the new content.
    fn bump(&self) {
        self.version.fetch_add(1, Ordering::Release);
    }

    /// A number that changes whenever any job changes (for caches of derived documents).
    #[must_use]
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Records a new job with the worker's input `spec_json` (the content of `job.json`, written
    /// into the job directory when the job is run; uploads must already be in place). Returns
    /// once the job is committed and visible; concurrent creations share one commit
    /// (`batch`). Creation times are made unique and increasing in commit order (1 ms apart at
    /// least), so "newest first", LAST and AFTER never depend on how ties would be broken.
    ///
    /// # Errors
    /// Database errors.
    pub fn insert(&self, job: Job, spec_json: &str) -> Result<(), StoreError> {
        let own = self.inserts.push(job, spec_json.to_owned());
        let mut conn = self.lock_conn();
        let batch = match self.inserts.take(own) {
            Taken::Done(result) => return result.map_err(|message| StoreError::GroupCommit { message }),
            Taken::Batch(batch) => batch,
        };
        let seqs: Vec<u64> = batch.iter().map(|p| p.seq).collect();
        let mut newest = self.newest_ms.load(Ordering::Relaxed);
        let records: Vec<(JobRecord, String)> = batch
            .into_iter()
            .map(|p| {
                let mut job = p.job;
                if job.creation_time.millis() <= newest {
                    job.creation_time = Instant(newest.saturating_add(1));
                }
                newest = job.creation_time.millis();
                (JobRecord { job, worker_pid: None, attempts: 0 }, p.spec_json)
            })
            .collect();
        if let Err(e) = insert_rows(&mut conn, &records) {
            self.inserts.finish(&seqs, own, Some(&e.to_string()));
            return Err(e.into());
        }
        self.newest_ms.store(newest, Ordering::Relaxed);
        {
            let mut jobs = self.write();
            let mut active = self.lock_active();
            for (record, _) in records {
                if record.job.phase.is_active() {
                    *active.entry(record.job.owner.clone()).or_default() += 1;
                }
                let phase_tx = watch::Sender::new(record.job.phase);
                jobs.insert(record.job.id.clone(), Entry { record, phase_tx });
            }
        }
        self.bump();
        self.inserts.finish(&seqs, own, None);
        Ok(())
    }

    fn lock_active(&self) -> std::sync::MutexGuard<'_, HashMap<Option<String>, usize>> {
        // Plain counters, changed only under the `jobs` write lock.
        self.active.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Moves the WAL's committed pages into the database file (`PASSIVE`: never waits for, nor
    /// holds up, the writer). The connection that commits does not checkpoint by itself
    /// (`wal_autocheckpoint = 0`), so that a request never pays for a checkpoint and its fsync:
    /// the server calls this periodically instead.
    ///
    /// # Errors
    /// Database errors.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let mut guard = self.checkpointer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let conn = match guard.take() {
            Some(conn) => conn,
            None => Connection::open(self.data_dir.join("stop.sqlite"))?,
        };
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        *guard = Some(conn);
        Ok(())
    }

    /// The worker input recorded at creation (see [`Store::insert`]).
    ///
    /// # Errors
    /// `NotFound` or database errors.
    pub fn spec_json(&self, id: &str) -> Result<String, StoreError> {
        self.lock_conn()
            .prepare_cached("SELECT spec_json FROM jobs WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten()
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))
    }

    /// A copy of job `id`.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<JobRecord> {
        self.read().get(id).map(|e| e.record.clone())
    }

    /// Applies `change` to job `id` and persists the result. `change` returns `Err` to leave the
    /// job untouched.
    ///
    /// # Errors
    /// `NotFound`, the error of `change`, or database errors.
    pub fn update<E: From<StoreError>>(
        &self,
        id: &str,
        change: impl FnOnce(&mut JobRecord) -> Result<(), E>,
    ) -> Result<JobRecord, E> {
        let mut conn = self.lock_conn();
        let mut record = self.get(id).ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        let before_results = record.job.results.clone();
        change(&mut record)?;
        let tx = conn.transaction().map_err(StoreError::from)?;
        update_row(&tx, &record).map_err(StoreError::from)?;
        if record.job.results != before_results {
            replace_results(&tx, id, &record.job.results).map_err(StoreError::from)?;
        }
        tx.commit().map_err(StoreError::from)?;
        drop(conn);
        let mut jobs = self.write();
        if let Some(entry) = jobs.get_mut(id) {
            let (was, is) = (entry.record.job.phase.is_active(), record.job.phase.is_active());
            if was != is {
                let mut active = self.lock_active();
                let count = active.entry(record.job.owner.clone()).or_default();
                *count = if is { *count + 1 } else { count.saturating_sub(1) };
            }
            entry.record = record.clone();
            entry.phase_tx.send_if_modified(|p| {
                let changed = *p != record.job.phase;
                *p = record.job.phase;
                changed
            });
        }
        drop(jobs);
        self.bump();
        Ok(record)
    }

    /// Forgets job `id` and deletes its directory.
    ///
    /// # Errors
    /// Database or file errors.
    pub fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.lock_conn().execute("DELETE FROM jobs WHERE id = ?1", [id])?;
        // Files first: once a client sees the job gone (404), its files are gone too.
        let dir = self.job_dir(id);
        let removed = match fs::remove_dir_all(dir.root()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Io { path: dir.root().to_owned(), source: e }),
            _ => Ok(()),
        };
        let mut jobs = self.write();
        if let Some(gone) = jobs.remove(id).filter(|e| e.record.job.phase.is_active())
            && let Some(count) = self.lock_active().get_mut(&gone.record.job.owner)
        {
            *count = count.saturating_sub(1);
        }
        drop(jobs);
        self.bump();
        removed
    }

    /// A receiver that sees every phase change of job `id` (for WAIT).
    #[must_use]
    pub fn subscribe(&self, id: &str) -> Option<watch::Receiver<Phase>> {
        self.read().get(id).map(|e| e.phase_tx.subscribe())
    }

    /// Job-list entries of `job_type` owned by `owner` (`None` = everyone's, `Some(None)` =
    /// the anonymous owner's), newest first.
    #[must_use]
    pub fn list(&self, job_type: &str, owner: Option<Option<&str>>, filter: &ListFilter) -> Vec<JobRef> {
        let jobs = self.read();
        let mut refs: Vec<JobRef> = jobs
            .values()
            .map(|e| &e.record.job)
            .filter(|j| j.job_type == job_type)
            .filter(|j| owner.is_none_or(|o| j.owner.as_deref() == o))
            .filter(|j| if filter.phases.is_empty() { j.phase != Phase::Archived } else { filter.phases.contains(&j.phase) })
            .filter(|j| filter.after.is_none_or(|a| j.creation_time > a))
            .map(Job::to_ref)
            .collect();
        drop(jobs);
        refs.sort_unstable_by(|a, b| b.creation_time.cmp(&a.creation_time).then_with(|| b.id.cmp(&a.id)));
        if let Some(n) = filter.last {
            refs.truncate(n);
        }
        refs
    }

    /// Every job record matching `pred` (recovery, sweeps, limits).
    #[must_use]
    pub fn select(&self, pred: impl Fn(&JobRecord) -> bool) -> Vec<JobRecord> {
        self.read().values().map(|e| &e.record).filter(|r| pred(r)).cloned().collect()
    }

    /// Number of jobs of `owner` (anonymous = `None`) in an active phase.
    #[must_use]
    pub fn active_count(&self, owner: Option<&str>) -> usize {
        self.lock_active().get(&owner.map(str::to_owned)).copied().unwrap_or(0)
    }

    /// Checks that the database answers and the job directory is writable.
    ///
    /// # Errors
    /// The first problem found.
    pub fn health(&self) -> Result<(), StoreError> {
        let _: Option<i64> = self.lock_conn().query_row("SELECT count(*) FROM jobs", [], |r| r.get(0)).optional()?;
        let probe = self.data_dir.join("jobs").join(".health-probe");
        fs::write(&probe, b"ok").map_err(io_err(&probe))?;
        fs::remove_file(&probe).map_err(io_err(&probe))
    }
}

/// Writes new jobs with their worker input and parameters in one transaction.
fn insert_rows(conn: &mut Connection, records: &[(JobRecord, String)]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for (record, spec_json) in records {
        insert_row(&tx, record)?;
        tx.prepare_cached("UPDATE jobs SET spec_json = ?2 WHERE id = ?1")?.execute(params![record.job.id, spec_json])?;
        let mut stmt = tx.prepare_cached("INSERT INTO parameters (job_id, pos, name, value, upload) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (pos, p) in record.job.parameters.iter().enumerate() {
            stmt.execute(params![record.job.id, i64::try_from(pos).unwrap_or(i64::MAX), p.name, p.value, p.upload])?;
        }
    }
    tx.commit()
}

fn insert_row(conn: &Connection, r: &JobRecord) -> rusqlite::Result<()> {
    let j = &r.job;
    conn.prepare_cached(
        "INSERT INTO jobs (id, job_type, run_id, owner, phase, quote_ms, creation_ms, start_ms, end_ms, execution_duration_s,
         destruction_ms, error_kind, error_message, error_has_detail, worker_pid, attempts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        j.id,
        j.job_type,
        j.run_id,
        j.owner,
        j.phase.as_str(),
        j.quote.map(Instant::millis),
        j.creation_time.millis(),
        j.start_time.map(Instant::millis),
        j.end_time.map(Instant::millis),
        j.execution_duration_s,
        j.destruction.map(Instant::millis),
        j.error.as_ref().map(|e| e.kind.as_str()),
        j.error.as_ref().map(|e| e.message.as_str()),
        j.error.as_ref().map(|e| e.has_detail),
        r.worker_pid,
        r.attempts,
    ])?;
    Ok(())
}

fn update_row(conn: &Connection, r: &JobRecord) -> rusqlite::Result<()> {
    let j = &r.job;
    conn.prepare_cached(
        "UPDATE jobs SET phase = ?2, quote_ms = ?3, start_ms = ?4, end_ms = ?5, execution_duration_s = ?6, destruction_ms = ?7,
         error_kind = ?8, error_message = ?9, error_has_detail = ?10, worker_pid = ?11, attempts = ?12 WHERE id = ?1",
    )?
    .execute(params![
        j.id,
        j.phase.as_str(),
        j.quote.map(Instant::millis),
        j.start_time.map(Instant::millis),
        j.end_time.map(Instant::millis),
        j.execution_duration_s,
        j.destruction.map(Instant::millis),
        j.error.as_ref().map(|e| e.kind.as_str()),
        j.error.as_ref().map(|e| e.message.as_str()),
        j.error.as_ref().map(|e| e.has_detail),
        r.worker_pid,
        r.attempts,
    ])?;
    Ok(())
}

fn replace_results(conn: &Connection, id: &str, results: &[ResultEntry]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM results WHERE job_id = ?1")?.execute([id])?;
    let mut stmt = conn.prepare_cached("INSERT INTO results (job_id, pos, name, size, mime_type) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (pos, r) in results.iter().enumerate() {
        stmt.execute(params![id, i64::try_from(pos).unwrap_or(i64::MAX), r.name, i64::try_from(r.size).unwrap_or(i64::MAX), r.mime_type])?;
    }
    Ok(())
}

type Row = (JobRecord, String, Option<String>, Option<String>, Option<bool>);

fn load_all(conn: &Connection) -> Result<Vec<JobRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, job_type, run_id, owner, phase, quote_ms, creation_ms, start_ms, end_ms, execution_duration_s,
         destruction_ms, error_kind, error_message, error_has_detail, worker_pid, attempts FROM jobs",
    )?;
    let rows: Vec<Row> = stmt
        .query_map([], |row| {
            let job = Job {
                id: row.get(0)?,
                job_type: row.get(1)?,
                run_id: row.get(2)?,
                owner: row.get(3)?,
                phase: Phase::Unknown,
                quote: row.get::<_, Option<i64>>(5)?.map(Instant),
                creation_time: Instant(row.get(6)?),
                start_time: row.get::<_, Option<i64>>(7)?.map(Instant),
                end_time: row.get::<_, Option<i64>>(8)?.map(Instant),
                execution_duration_s: row.get(9)?,
                destruction: row.get::<_, Option<i64>>(10)?.map(Instant),
                parameters: Vec::new(),
                results: Vec::new(),
                error: None,
            };
            let record = JobRecord { job, worker_pid: row.get(14)?, attempts: row.get(15)? };
            Ok((record, row.get(4)?, row.get(11)?, row.get(12)?, row.get(13)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut by_id: HashMap<String, JobRecord> = HashMap::with_capacity(rows.len());
    for (mut rec, phase, kind, msg, detail) in rows {
        rec.job.phase = phase.parse().map_err(|_| StoreError::Corrupt { id: rec.job.id.clone(), column: "phase", value: phase.clone() })?;
        if let Some(kind) = kind {
            let kind = match kind.as_str() {
                "transient" => ErrorKind::Transient,
                "fatal" => ErrorKind::Fatal,
                _ => return Err(StoreError::Corrupt { id: rec.job.id.clone(), column: "error_kind", value: kind }),
            };
            rec.job.error = Some(ErrorSummary { kind, message: msg.unwrap_or_default(), has_detail: detail.unwrap_or(false) });
        }
        by_id.insert(rec.job.id.clone(), rec);
    }
    let mut stmt = conn.prepare("SELECT job_id, name, value, upload FROM parameters ORDER BY job_id, pos")?;
    let params_rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, Parameter { name: r.get(1)?, value: r.get(2)?, upload: r.get(3)? })))?;
    for row in params_rows {
        let (id, p) = row?;
        if let Some(rec) = by_id.get_mut(&id) {
            rec.job.parameters.push(p);
        }
    }
    let mut stmt = conn.prepare("SELECT job_id, name, size, mime_type FROM results ORDER BY job_id, pos")?;
    let result_rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, ResultEntry { name: r.get(1)?, size: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0), mime_type: r.get(3)? })))?;
    for row in result_rows {
        let (id, r) = row?;
        if let Some(rec) = by_id.get_mut(&id) {
            rec.job.results.push(r);
        }
    }
    Ok(by_id.into_values().collect())
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

/// Shared handle to the store.
pub type SharedStore = Arc<Store>;

#[cfg(test)]
mod tests;
