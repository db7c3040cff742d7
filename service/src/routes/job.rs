//! `/uws/{type}/{id}`: GET the job document (with WAIT/PHASE blocking), DELETE, and POST
//! `ACTION=DELETE`.

use std::time::Duration;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse as _, Redirect, Response};
use stop_uws::protocol::{Phase, xml::job_document};

use super::{pick, visible_job, xml};
use crate::error::ApiError;
use crate::state::AppState;

/// GET the job; `WAIT=n` blocks up to n seconds (-1: the server maximum) while the job is
/// PENDING, QUEUED or EXECUTING (and in `PHASE`, if given) until its phase changes.
pub async fn get_job(
    State(state): State<AppState>,
    Path((job_type, id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    let mut record = visible_job(&state, &caller, &job_type, &id)?;
    if let Some(wait) = pick(&query, "WAIT") {
        let n: i64 = wait.trim().parse().map_err(|_| ApiError::BadRequest(format!("WAIT: `{wait}` is not an integer")))?;
        let expected = match pick(&query, "PHASE") {
            Some(p) => Some(p.parse::<Phase>().map_err(|e| ApiError::BadRequest(format!("PHASE: {e}")))?),
            None => None,
        };
        let max = state.config.max_wait_s;
        let seconds = if n < 0 { max } else { u64::try_from(n).unwrap_or(0).min(max) };
        let phase = record.job.phase;
        let blocking = matches!(phase, Phase::Pending | Phase::Queued | Phase::Executing) && expected.is_none_or(|p| p == phase);
        if blocking && seconds > 0 {
            if let Some(mut rx) = state.store.subscribe(&id) {
                // Compare with the phase we are about to wait on, so a change that happened
                // between reading the job and subscribing is not missed.
                if *rx.borrow_and_update() == phase {
                    let _ = tokio::time::timeout(Duration::from_secs(seconds), rx.changed()).await;
                }
            }
            record = visible_job(&state, &caller, &job_type, &id)?;
        }
    }
    Ok(xml(job_document(&record.job, &state.list_url(&headers, &job_type))))
}

/// DELETE the job: abort it if running, remove it and its files; 303 to the job list.
pub async fn delete_job(State(state): State<AppState>, Path((job_type, id)): Path<(String, String)>, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    visible_job(&state, &caller, &job_type, &id)?;
    crate::control::delete(&state, &id)?;
    Ok(Redirect::to(&state.list_url(&headers, &job_type)).into_response())
}

/// POST to the job: `ACTION=DELETE` deletes it. Parameters cannot be changed after creation.
pub async fn post_job(
    State(state): State<AppState>,
    Path((job_type, id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    visible_job(&state, &caller, &job_type, &id)?;
    match pick(&form, "ACTION") {
        Some(a) if a.trim().eq_ignore_ascii_case("DELETE") => {
            crate::control::delete(&state, &id)?;
            Ok(Redirect::to(&state.list_url(&headers, &job_type)).into_response())
        }
        Some(a) => Err(ApiError::BadRequest(format!("ACTION: `{a}` is not DELETE"))),
        None => Err(ApiError::Forbidden("job parameters are fixed at creation; create a new job instead".into())),
    }
}
