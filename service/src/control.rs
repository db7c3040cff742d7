//! Job operations shared by the HTTP handlers, the supervisor and the destruction sweep: run,
//! abort, delete, and applying what an executor reports.

use stop_uws::exec::{ExecEvent, Outcome, Submission};
use stop_uws::protocol::{ErrorKind, ErrorSummary, Event, Instant, Phase};
use stop_uws::store::layout::write_replace;
use stop_uws::store::{JobRecord, StoreError};

use crate::error::ApiError;
use crate::state::AppState;

/// A job that died with its worker more often than this is set to ERROR, not re-queued.
const MAX_ATTEMPTS: u32 = 2;

fn submission(state: &AppState, record: &JobRecord) -> Submission {
    let remaining = match (record.job.execution_duration_s, record.job.start_time) {
        (0, _) => 0,
        (d, Some(start)) if record.job.phase == Phase::Executing => {
            let used_s = (Instant::now().millis() - start.millis()) / 1000;
            u64::try_from((i64::from(d) - used_s).max(1)).unwrap_or(1)
        }
        (d, _) => u64::try_from(d).unwrap_or(0),
    };
    Submission { job_id: record.job.id.clone(), dir: state.store.job_dir(&record.job.id).root().to_owned(), execution_duration_s: remaining }
}

/// `PHASE=RUN`: write `job.json`, PENDING → QUEUED, and hand the job to the executor.
///
/// # Errors
/// 403 when the phase does not allow RUN; 500 when `job.json` cannot be written.
pub fn run(state: &AppState, id: &str) -> Result<(), ApiError> {
    let current = state.store.get(id).ok_or_else(|| ApiError::NotFound(format!("no job `{id}`")))?;
    current.job.phase.apply(Event::Run)?;
    let dir = state.store.job_dir(id);
    dir.create()?;
    write_replace(&dir.spec_path(), state.store.spec_json(id)?.as_bytes())?;
    let record = state.store.update::<ApiError>(id, |r| {
        r.job.phase = r.job.phase.apply(Event::Run)?;
        Ok(())
    })?;
    state.executor.submit(submission(state, &record));
    Ok(())
}

/// `PHASE=ABORT`: an active job becomes ABORTED and its worker is killed.
///
/// # Errors
/// 403 when the job is already final.
pub fn abort(state: &AppState, id: &str) -> Result<(), ApiError> {
    state.store.update::<ApiError>(id, |r| {
        r.job.phase = r.job.phase.apply(Event::Abort)?;
        r.job.end_time = Some(Instant::now());
        Ok(())
    })?;
    state.executor.abort(id);
    Ok(())
}

/// DELETE: abort if running, then forget the job and delete its files.
///
/// # Errors
/// Store failures.
pub fn delete(state: &AppState, id: &str) -> Result<(), ApiError> {
    state.executor.abort(id);
    state.store.delete(id)?;
    Ok(())
}

/// Applies one executor event to the store.
pub fn apply_event(state: &AppState, event: ExecEvent) {
    let result = match event {
        ExecEvent::Started { job_id, pid } => state.store.update::<StoreError>(&job_id, |r| {
            if let Ok(next) = r.job.phase.apply(Event::Start) {
                r.job.phase = next;
                r.job.start_time = Some(Instant::now());
                r.worker_pid = Some(pid);
                r.attempts += 1;
            }
            Ok(())
        }),
        ExecEvent::Finished { job_id, outcome } => finish(state, &job_id, outcome),
    };
    match result {
        Ok(_) | Err(StoreError::NotFound(_)) => {}
        Err(e) => tracing::error!(error = %e, "recording a job event failed"),
    }
}

fn finish(state: &AppState, id: &str, outcome: Outcome) -> Result<JobRecord, StoreError> {
    let mut requeue = false;
    let record = state.store.update::<StoreError>(id, |r| {
        if !r.job.phase.is_active() {
            return Ok(()); // aborted or failed meanwhile: the first final phase stands
        }
        r.worker_pid = None;
        let now = Some(Instant::now());
        let fatal = |message: String| Some(ErrorSummary { kind: ErrorKind::Fatal, message, has_detail: true });
        match outcome {
            Outcome::Completed { results } => {
                r.job.phase = r.job.phase.apply(Event::Complete).unwrap_or(Phase::Error);
                if r.job.phase == Phase::Error {
                    r.job.error = fatal("worker finished a job that was not executing".into());
                }
                r.job.results = results;
            }
            Outcome::Failed { message, results } => {
                r.job.phase = Phase::Error;
                r.job.error = fatal(message);
                r.job.results = results;
            }
            Outcome::Aborted { reason } => {
                r.job.phase = Phase::Aborted;
                r.job.error = reason.map(|message| ErrorSummary { kind: ErrorKind::Transient, message, has_detail: false });
            }
            Outcome::Lost { message } => {
                if r.attempts < MAX_ATTEMPTS && r.job.phase == Phase::Executing {
                    r.job.phase = Phase::Queued;
                    requeue = true;
                    return Ok(());
                }
                r.job.phase = Phase::Error;
                r.job.error = fatal(format!("{message}; gave up after {} attempts", r.attempts));
            }
        }
        r.job.end_time = now;
        Ok(())
    })?;
    if requeue {
        tracing::warn!(job = id, "worker lost, job re-queued");
        state.executor.submit(submission(state, &record));
    }
    Ok(record)
}

/// After a restart: re-submit QUEUED jobs, re-attach to live workers, and settle EXECUTING
/// jobs whose worker ended (collect its status) or died (re-queue once, then ERROR).
pub fn recover(state: &AppState) {
    let active = state.store.select(|r| matches!(r.job.phase, Phase::Queued | Phase::Executing));
    for record in active {
        let sub = submission(state, &record);
        match (record.job.phase, record.worker_pid) {
            (Phase::Queued, _) => state.executor.submit(sub),
            (_, Some(pid)) if state.executor.may_be_running(&sub, pid) => {
                tracing::info!(job = %record.job.id, pid, "re-attached to running worker");
                state.executor.reattach(sub, pid);
            }
            _ => {
                let dir = state.store.job_dir(&record.job.id);
                let outcome = match dir.read_status() {
                    Ok(Some(_)) => stop_uws::exec::read_outcome(&dir, "ended while the server was down"),
                    _ => Outcome::Lost { message: "worker died while the server was down".into() },
                };
                tracing::info!(job = %record.job.id, ?outcome, "settled job of a previous run");
                apply_event(state, ExecEvent::Finished { job_id: record.job.id.clone(), outcome });
            }
        }
    }
}

/// Checkpoints the job database, and deletes every job whose destruction time has passed.
pub fn sweep(state: &AppState) {
    if let Err(e) = state.store.checkpoint() {
        tracing::warn!(error = %e, "WAL checkpoint failed");
    }
    let now = Instant::now();
    for record in state.store.select(|r| r.job.destruction.is_some_and(|d| d <= now)) {
        match delete(state, &record.job.id) {
            Ok(()) => tracing::info!(job = %record.job.id, "destroyed"),
            Err(e) => tracing::error!(job = %record.job.id, error = %e, "destruction failed"),
        }
    }
}
