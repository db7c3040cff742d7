//! `GET /jobtypes` and `/jobtypes/{type}`: the parameter descriptions, as JSON.

use axum::Json;
use axum::extract::{Path, State};
use stop_uws::params::JobDescriptor;

use crate::error::ApiError;
use crate::state::AppState;

/// Every job type's description.
pub async fn all(State(state): State<AppState>) -> Json<Vec<JobDescriptor>> {
    Json(state.registry.iter().map(|t| t.descriptor().clone()).collect())
}

/// One job type's description.
pub async fn one(State(state): State<AppState>, Path(job_type): Path<String>) -> Result<Json<JobDescriptor>, ApiError> {
    state
        .registry
        .get(&job_type)
        .map(|t| Json(t.descriptor().clone()))
        .ok_or_else(|| ApiError::NotFound(format!("no job type `{job_type}`")))
}
