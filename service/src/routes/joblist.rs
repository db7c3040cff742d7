//! `GET /uws/{type}`: the job list with the PHASE (repeatable, union), AFTER and LAST filters.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse as _, Response};
use stop_uws::protocol::{Instant, Phase, xml::job_list_document};
use stop_uws::store::ListFilter;

use super::xml;
use crate::error::ApiError;
use crate::state::AppState;

fn parse_filter(query: &[(String, String)]) -> Result<ListFilter, ApiError> {
    let mut filter = ListFilter::default();
    for (key, value) in query {
        match key.to_ascii_uppercase().as_str() {
            "PHASE" => filter.phases.push(value.parse::<Phase>().map_err(|e| ApiError::BadRequest(format!("PHASE: {e}")))?),
            "AFTER" => filter.after = Some(Instant::parse(value).map_err(|e| ApiError::BadRequest(format!("AFTER: {e}")))?),
            "LAST" => {
                let n: usize = value.trim().parse().map_err(|_| ApiError::BadRequest(format!("LAST: `{value}` is not a positive integer")))?;
                if n == 0 {
                    return Err(ApiError::BadRequest("LAST: must be greater than 0".into()));
                }
                filter.last = Some(n);
            }
            _ => {}
        }
    }
    Ok(filter)
}

/// The job list visible to the caller.
pub async fn list(
    State(state): State<AppState>,
    Path(job_type): Path<String>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let caller = state.caller(&headers)?;
    if state.registry.get(&job_type).is_none() {
        return Err(ApiError::NotFound(format!("no job type `{job_type}`")));
    }
    let filter = parse_filter(&query)?;
    let list_url = state.list_url(&headers, &job_type);
    let owner = caller.list_filter();
    if filter != ListFilter::default() {
        let refs = state.store.list(&job_type, owner, &filter);
        return Ok(xml(job_list_document(&refs, &list_url)));
    }
    // The unfiltered list is what clients poll: serve it from the cache while no job changed.
    let version = state.store.version();
    let key = format!("{job_type}\0{owner:?}\0{list_url}");
    let doc = state.list_cache.get_or_render(key, version, || job_list_document(&state.store.list(&job_type, owner, &filter), &list_url));
    Ok(([(axum::http::header::CONTENT_TYPE, "text/xml; charset=utf-8")], doc).into_response())
}
