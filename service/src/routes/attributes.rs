//! The atomic job sub-resources: phase, executionduration, destruction (GET and POST), quote,
//! owner and error (GET). Values are `text/plain`; POSTs answer 303 to the job.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse as _, Redirect, Response};
use stop_uws::protocol::Phase;

use super::{pick, text, visible_job};
use crate::error::ApiError;
use crate::state::AppState;

type JobPath = Path<(String, String)>;

fn to_job(state: &AppState, headers: &HeaderMap, job_type: &str, id: &str) -> Response {
    Redirect::to(&format!("{}/{id}", state.list_url(headers, job_type))).into_response()
}

/// GET `/phase`.
pub async fn get_phase(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    Ok(text(visible_job(&state, &caller, &t, &id)?.job.phase.to_string()))
}

/// POST `PHASE=RUN` or `PHASE=ABORT`.
pub async fn post_phase(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap, Form(form): Form<Vec<(String, String)>>) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    visible_job(&state, &caller, &t, &id)?;
    let value = pick(&form, "PHASE").ok_or_else(|| ApiError::BadRequest("PHASE: missing (RUN or ABORT)".into()))?;
    match value.trim().to_ascii_uppercase().as_str() {
        "RUN" => crate::control::run(&state, &id)?,
        "ABORT" => crate::control::abort(&state, &id)?,
        _ => return Err(ApiError::BadRequest(format!("PHASE: `{value}` is not RUN or ABORT"))),
    }
    Ok(to_job(&state, &headers, &t, &id))
}

/// GET `/executionduration` (integer seconds).
pub async fn get_execution_duration(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    Ok(text(visible_job(&state, &caller, &t, &id)?.job.execution_duration_s.to_string()))
}

/// POST `EXECUTIONDURATION=n` while PENDING (clamped to the server maximum).
pub async fn post_execution_duration(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap, Form(form): Form<Vec<(String, String)>>) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    visible_job(&state, &caller, &t, &id)?;
    let value = pick(&form, "EXECUTIONDURATION").ok_or_else(|| ApiError::BadRequest("EXECUTIONDURATION: missing".into()))?;
    let seconds = super::create::execution_duration(&state, value)?;
    state.store.update::<ApiError>(&id, |r| {
        if r.job.phase != Phase::Pending {
            return Err(ApiError::Forbidden(format!("execution duration is fixed once the job left PENDING (now {})", r.job.phase)));
        }
        r.job.execution_duration_s = seconds;
        Ok(())
    })?;
    Ok(to_job(&state, &headers, &t, &id))
}

/// GET `/destruction` (ISO 8601, empty if none).
pub async fn get_destruction(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    Ok(text(visible_job(&state, &caller, &t, &id)?.job.destruction.map(|d| d.to_string()).unwrap_or_default()))
}

/// POST `DESTRUCTION=instant` (clamped to the longest lifetime).
pub async fn post_destruction(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap, Form(form): Form<Vec<(String, String)>>) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    visible_job(&state, &caller, &t, &id)?;
    let value = pick(&form, "DESTRUCTION").ok_or_else(|| ApiError::BadRequest("DESTRUCTION: missing".into()))?;
    let when = super::create::destruction(&state, value)?;
    state.store.update::<ApiError>(&id, |r| {
        r.job.destruction = Some(when);
        Ok(())
    })?;
    Ok(to_job(&state, &headers, &t, &id))
}

/// GET `/quote`: STOP makes no completion estimate, so it is empty (UWS: "don't know").
pub async fn get_quote(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    Ok(text(visible_job(&state, &caller, &t, &id)?.job.quote.map(|q| q.to_string()).unwrap_or_default()))
}

/// GET `/owner` (empty for anonymous jobs).
pub async fn get_owner(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    Ok(text(visible_job(&state, &caller, &t, &id)?.job.owner.unwrap_or_default()))
}

/// Most bytes of `worker.log` shown at `/error`.
const LOG_TAIL_BYTES: u64 = 64 << 10;

/// GET `/error`: the error message and the tail of the worker log (empty if no error).
pub async fn get_error(State(state): State<AppState>, Path((t, id)): JobPath, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    let record = visible_job(&state, &caller, &t, &id)?;
    let Some(error) = record.job.error else {
        return Ok(text(String::new()));
    };
    let mut body = format!("{}\n", error.message);
    if error.has_detail {
        let log = tokio::fs::read(state.store.job_dir(&id).log_path()).await.unwrap_or_default();
        let start = log.len().saturating_sub(usize::try_from(LOG_TAIL_BYTES).unwrap_or(usize::MAX));
        body.push_str("\n--- worker log (tail) ---\n");
        body.push_str(&String::from_utf8_lossy(&log[start..]));
    }
    Ok(text(body))
}
