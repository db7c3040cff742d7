//! `POST /uws/{type}`: job creation from a form (urlencoded) or multipart with uploads.
//!
//! Control parameters (case-insensitive): `PHASE=RUN` starts the job at once, `RUNID`,
//! `EXECUTIONDURATION`, `DESTRUCTION`, and `UPLOAD=param,param:part` (DALI) naming the multipart
//! part that holds a file parameter; a file part named after a file parameter works too. All
//! other fields are job parameters, validated against the job type's description before
//! anything is created: a bad one is a 400 naming it, and no job exists afterwards.

use axum::extract::{FromRequest as _, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse as _, Redirect, Response};
use stop_uws::params::{ParamError, RawInput};
use stop_uws::protocol::{Instant, Job, Phase};
use stop_uws::store::layout::{JobDir, JobSpec};
use tokio::io::AsyncWriteExt as _;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Longest accepted RUNID, bytes.
const MAX_RUN_ID_LEN: usize = 256;

/// What the request carried.
#[derive(Default)]
struct Form {
    fields: Vec<(String, String)>,
    /// `(part name, temporary file)` of every file part.
    parts: Vec<(String, std::path::PathBuf)>,
}

fn bad(e: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!("malformed request body: {e}"))
}

async fn read_multipart(state: &AppState, request: Request, dir: &JobDir, limit: u64) -> Result<Form, ApiError> {
    let mut multipart = Multipart::from_request(request, state).await.map_err(|e| bad(e.body_text()))?;
    tokio::fs::create_dir_all(dir.uploads()).await?;
    let mut form = Form::default();
    let mut total: u64 = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            let tmp = dir.uploads().join(format!(".part-{}", form.parts.len()));
            let mut file = tokio::fs::File::create(&tmp).await?;
            form.parts.push((name, tmp));
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                total += chunk.len() as u64;
                if total > limit {
                    return Err(ApiError::TooLarge { limit });
                }
                file.write_all(&chunk).await?;
            }
            file.sync_all().await?;
        } else {
            let value = field.text().await.map_err(bad)?;
            total += value.len() as u64;
            if total > limit {
                return Err(ApiError::TooLarge { limit });
            }
            form.fields.push((name, value));
        }
    }
    Ok(form)
}

async fn read_form(request: Request, limit: u64) -> Result<Form, ApiError> {
    let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
    let body = axum::body::to_bytes(request.into_body(), limit_usize).await.map_err(|_| ApiError::TooLarge { limit })?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(bad)?;
    Ok(Form { fields, parts: Vec::new() })
}

/// Job settings taken from the control parameters.
struct Controls {
    run: bool,
    run_id: Option<String>,
    execution_duration_s: i32,
    destruction: Instant,
}

/// Parses an EXECUTIONDURATION value and clamps it to the server maximum (0 = "unlimited" is
/// granted as the maximum).
pub(crate) fn execution_duration(state: &AppState, text: &str) -> Result<i32, ApiError> {
    let n: i64 = text.trim().parse().map_err(|_| ApiError::BadRequest(format!("EXECUTIONDURATION: `{text}` is not an integer number of seconds")))?;
    if n < 0 {
        return Err(ApiError::BadRequest(format!("EXECUTIONDURATION: `{text}` is negative")));
    }
    let max = i64::from(state.config.max_execution_duration_s);
    Ok(i32::try_from(if n == 0 { max } else { n.min(max) }).unwrap_or(i32::MAX))
}

/// Parses a DESTRUCTION instant and clamps it to the longest lifetime from now.
pub(crate) fn destruction(state: &AppState, text: &str) -> Result<Instant, ApiError> {
    let t = Instant::parse(text).map_err(|e| ApiError::BadRequest(format!("DESTRUCTION: {e}")))?;
    Ok(t.min(Instant::now().plus_seconds(state.config.max_lifetime_s)))
}

fn split_controls(state: &AppState, form: &mut Form, query: &[(String, String)]) -> Result<(Controls, Vec<(String, String)>), ApiError> {
    let mut c = Controls {
        run: false,
        run_id: None,
        execution_duration_s: state.config.default_execution_duration_s,
        destruction: Instant::now().plus_seconds(state.config.default_lifetime_s),
    };
    let mut uploads = Vec::new();
    let mut rest = Vec::new();
    for (key, value) in query.iter().cloned().chain(form.fields.drain(..)) {
        match key.to_ascii_uppercase().as_str() {
            "PHASE" if value.trim().eq_ignore_ascii_case("RUN") => c.run = true,
            "PHASE" => return Err(ApiError::BadRequest(format!("PHASE: only RUN is allowed at creation, not `{value}`"))),
            "RUNID" if value.len() > MAX_RUN_ID_LEN => return Err(ApiError::BadRequest(format!("RUNID: longer than {MAX_RUN_ID_LEN} bytes"))),
            "RUNID" => c.run_id = Some(value),
            "EXECUTIONDURATION" => c.execution_duration_s = execution_duration(state, &value)?,
            "DESTRUCTION" => c.destruction = destruction(state, &value)?,
            "UPLOAD" => uploads.push(value),
            _ => rest.push((key, value)),
        }
    }
    form.fields = rest;
    Ok((c, uploads.into_iter().flat_map(|u| u.split(';').map(str::to_owned).collect::<Vec<_>>()).filter_map(|u| {
        u.split_once(',').map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
    }).collect()))
}

/// Moves each uploaded part to `uploads/{parameter}` and returns `(parameter, stored name)`.
async fn place_uploads(state: &AppState, job_type: &str, form: &mut Form, uploads: &[(String, String)], dir: &JobDir) -> Result<Vec<(String, String)>, ApiError> {
    if form.parts.is_empty() && uploads.is_empty() {
        return Ok(Vec::new());
    }
    let descriptor = state.registry.get(job_type).map(|t| t.descriptor().clone()).ok_or_else(|| ApiError::NotFound(format!("no job type `{job_type}`")))?;
    let mut files = Vec::new();
    for (param, reference) in uploads {
        let Some(part) = reference.strip_prefix("param:") else {
            return Err(ApiError::Param(ParamError::WrongForm { param: param.clone(), expected: format!("upload by URL (`{reference}`) is not supported; send the file as a multipart part") }));
        };
        if !form.parts.iter().any(|(n, _)| n == part) {
            return Err(ApiError::Param(ParamError::WrongForm { param: param.clone(), expected: format!("UPLOAD names part `{part}`, which is not in the request") }));
        }
        // Rename the part so that the direct match below finds it under the parameter's name.
        for (n, _) in &mut form.parts {
            if n == part {
                n.clone_from(param);
            }
        }
    }
    for (part, tmp) in &form.parts {
        let spec = descriptor.param(part).ok_or_else(|| ApiError::Param(ParamError::Unknown { param: part.clone() }))?;
        let stored = spec.name.clone();
        if files.iter().any(|(p, _): &(String, String)| *p == stored) {
            return Err(ApiError::Param(ParamError::Repeated { param: stored }));
        }
        tokio::fs::rename(tmp, dir.uploads().join(&stored)).await?;
        files.push((stored.clone(), stored));
    }
    Ok(files)
}

async fn build(state: &AppState, caller: &Caller, job_type: &str, id: &str, dir: &JobDir, query: &[(String, String)], request: Request) -> Result<bool, ApiError> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let mut form = if is_multipart { read_multipart(state, request, dir, caller.max_upload_bytes).await? } else { read_form(request, caller.max_upload_bytes).await? };
    let (controls, uploads) = split_controls(state, &mut form, query)?;
    let files = place_uploads(state, job_type, &mut form, &uploads, dir).await?;
    let job_kind = state.registry.get(job_type).ok_or_else(|| ApiError::NotFound(format!("no job type `{job_type}`")))?;
    let valid = job_kind.descriptor().validate(&RawInput { fields: form.fields, files })?;
    let spec = JobSpec { id: id.to_owned(), job_type: job_type.to_owned(), values: valid.values };
    let spec_json = serde_json::to_string_pretty(&spec).map_err(|e| ApiError::Internal(e.to_string()))?;
    let job = Job {
        id: id.to_owned(),
        job_type: job_type.to_owned(),
        run_id: controls.run_id,
        owner: caller.name.clone(),
        phase: Phase::Pending,
        quote: None,
        creation_time: Instant::now(),
        start_time: None,
        end_time: None,
        execution_duration_s: controls.execution_duration_s,
        destruction: Some(controls.destruction),
        parameters: valid.parameters,
        results: Vec::new(),
        error: None,
    };
    // The job type's own check (file contents), then the insert, in one blocking task.
    let (store, kind, uploads) = (state.store.clone(), job_kind.clone(), dir.uploads());
    tokio::task::spawn_blocking(move || -> Result<(), ApiError> {
        kind.check(&spec.values, &uploads)?;
        Ok(store.insert(job, &spec_json)?)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(controls.run)
}

/// Creates a job and answers 303 to it.
pub async fn create(
    State(state): State<AppState>,
    Path(job_type): Path<String>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
    request: Request,
) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    if state.registry.get(&job_type).is_none() {
        return Err(ApiError::NotFound(format!("no job type `{job_type}`")));
    }
    if state.store.active_count(caller.name.as_deref()) >= caller.max_active_jobs {
        return Err(ApiError::Forbidden(format!("limit of {} active jobs reached; delete or wait for some", caller.max_active_jobs)));
    }
    let id = crate::ids::new_job_id()?;
    // The directory is made by the first file written into it: uploads now, job.json at RUN.
    let dir = state.store.job_dir(&id);
    match build(&state, &caller, &job_type, &id, &dir, &query, request).await {
        Ok(run) => {
            if run {
                crate::control::run(&state, &id)?;
            }
            Ok(Redirect::to(&format!("{}/{id}", state.list_url(&headers, &job_type))).into_response())
        }
        Err(e) => {
            let _ = tokio::fs::remove_dir_all(dir.root()).await;
            Err(e)
        }
    }
}
