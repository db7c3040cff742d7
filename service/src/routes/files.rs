//! `/parameters`, `/parameters/{name}`, `/results`, `/results/{name}`.

use axum::extract::{Path, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse as _, Response};
use stop_uws::protocol::xml::{parameters_document, results_document};
use stop_uws::store::layout::check_name;
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use super::{text, visible_job, xml};
use crate::error::ApiError;
use crate::state::AppState;

/// The `<uws:parameters>` document.
pub async fn parameters(State(state): State<AppState>, Path((t, id)): Path<(String, String)>, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    let record = visible_job(&state, &caller, &t, &id)?;
    Ok(xml(parameters_document(&record.job, &state.list_url(&headers, &t))))
}

/// One parameter: the uploaded file for file parameters, else the value as text.
pub async fn parameter(State(state): State<AppState>, Path((t, id, name)): Path<(String, String, String)>, request: Request) -> Result<Response, ApiError> {
    let caller = state.caller(request.headers())?;
    let record = visible_job(&state, &caller, &t, &id)?;
    let p = record
        .job
        .parameters
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(&name))
        .ok_or_else(|| ApiError::NotFound(format!("job `{id}` has no parameter `{name}`")))?;
    if !p.upload {
        return Ok(text(p.value.clone()));
    }
    let stored = check_name(&p.value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let path = state.store.job_dir(&id).uploads().join(stored);
    serve(path, "application/octet-stream", request).await
}

/// The `<uws:results>` document.
pub async fn results(State(state): State<AppState>, Path((t, id)): Path<(String, String)>, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    let record = visible_job(&state, &caller, &t, &id)?;
    Ok(xml(results_document(&record.job, &state.list_url(&headers, &t))))
}

/// One listed result file, with its MIME type.
pub async fn result(State(state): State<AppState>, Path((t, id, name)): Path<(String, String, String)>, request: Request) -> Result<Response, ApiError> {
    let caller = state.caller(request.headers())?;
    let record = visible_job(&state, &caller, &t, &id)?;
    let r = record
        .job
        .results
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| ApiError::NotFound(format!("job `{id}` has no result `{name}`")))?;
    let stored = check_name(&r.name).map_err(|e| ApiError::Internal(e.to_string()))?;
    let path = state.store.job_dir(&id).results().join(stored);
    serve(path, &r.mime_type.clone(), request).await
}

async fn serve(path: std::path::PathBuf, mime: &str, request: Request) -> Result<Response, ApiError> {
    if !path.is_file() {
        return Err(ApiError::NotFound("file is gone".into()));
    }
    let mime = mime.parse().map_err(|_| ApiError::Internal(format!("bad MIME type `{mime}`")))?;
    match ServeFile::new_with_mime(&path, &mime).oneshot(request).await {
        Ok(r) => Ok(r.into_response()),
        Err(never) => match never {},
    }
}
