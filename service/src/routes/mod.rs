//! The URL map. Handlers live one resource per file.
//!
//! | path | resource |
//! |---|---|
//! | `/`, `/web/...` | the browser client (static, embedded) |
//! | `/availability`, `/capabilities` | VOSI (also under each job list) |
//! | `/jobtypes`, `/jobtypes/{type}` | parameter descriptions (JSON) |
//! | `/uws/{type}` | job list: GET (PHASE, AFTER, LAST), POST creates |
//! | `/uws/{type}/{id}` | job: GET (WAIT, PHASE), DELETE, POST `ACTION=DELETE` |
//! | `/uws/{type}/{id}/{phase,executionduration,destruction}` | GET, POST |
//! | `/uws/{type}/{id}/{quote,owner,error}` | GET |
//! | `/uws/{type}/{id}/parameters[/{name}]`, `/results[/{name}]` | GET |

mod attributes;
mod create;
mod files;
mod job;
mod joblist;
mod jobtypes;
mod vosi;
mod web;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use stop_uws::store::JobRecord;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Bodies of non-creation requests (phase, destruction, ...) are a few bytes.
const SMALL_BODY_LIMIT: usize = 64 << 10;

/// The service's router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(web::index))
        .route("/web/{*path}", get(web::asset))
        .route("/availability", get(vosi::availability))
        .route("/capabilities", get(vosi::capabilities))
        .route("/jobtypes", get(jobtypes::all))
        .route("/jobtypes/{job_type}", get(jobtypes::one))
        .route("/uws/{job_type}", get(joblist::list).post(create::create).layer(DefaultBodyLimit::disable()))
        .route("/uws/{job_type}/availability", get(vosi::availability))
        .route("/uws/{job_type}/capabilities", get(vosi::capabilities))
        .route("/uws/{job_type}/{id}", get(job::get_job).post(job::post_job).delete(job::delete_job))
        .route("/uws/{job_type}/{id}/phase", get(attributes::get_phase).post(attributes::post_phase))
        .route(
            "/uws/{job_type}/{id}/executionduration",
            get(attributes::get_execution_duration).post(attributes::post_execution_duration),
        )
        .route("/uws/{job_type}/{id}/destruction", get(attributes::get_destruction).post(attributes::post_destruction))
        .route("/uws/{job_type}/{id}/quote", get(attributes::get_quote))
        .route("/uws/{job_type}/{id}/owner", get(attributes::get_owner))
        .route("/uws/{job_type}/{id}/error", get(attributes::get_error))
        .route("/uws/{job_type}/{id}/parameters", get(files::parameters))
        .route("/uws/{job_type}/{id}/parameters/{name}", get(files::parameter))
        .route("/uws/{job_type}/{id}/results", get(files::results))
        .route("/uws/{job_type}/{id}/results/{name}", get(files::result))
        .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT))
        .layer(axum::middleware::from_fn(crate::error::json_errors))
        .with_state(state)
}

/// The job `id` of list `job_type`, if the caller may see it (others' jobs are 404).
fn visible_job(state: &AppState, caller: &Caller, job_type: &str, id: &str) -> Result<JobRecord, ApiError> {
    state
        .store
        .get(id)
        .filter(|r| r.job.job_type == job_type && caller.may_access(r.job.owner.as_deref()))
        .ok_or_else(|| ApiError::NotFound(format!("no job `{id}` in `/uws/{job_type}`")))
}

/// An XML document response.
fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

/// A `text/plain` response.
fn text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// The value of the first `name` (case-insensitive) among form or query pairs.
fn pick<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests;
