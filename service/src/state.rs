//! Shared state of the running service.

use std::sync::Arc;

use axum::http::{HeaderMap, header};
use stop_uws::exec::Executor;
use stop_uws::exec::worker::Registry;
use stop_uws::protocol::Instant;
use stop_uws::store::Store;

use crate::auth::{Caller, Users};
use crate::config::ServiceConfig;
use crate::error::ApiError;

/// Everything handlers need; cloned per request (all fields are shared handles).
#[derive(Clone)]
pub struct AppState {
    /// The job store.
    pub store: Arc<Store>,
    /// The job types offered.
    pub registry: Registry,
    /// Runs the jobs.
    pub executor: Arc<dyn Executor>,
    /// Accounts, when the service is protected.
    pub users: Option<Arc<Users>>,
    /// Settings.
    pub config: Arc<ServiceConfig>,
    /// When the service started (VOSI `upSince`).
    pub up_since: Instant,
    /// Rendered unfiltered job lists, valid while the store version is unchanged.
    pub list_cache: Arc<ListCache>,
}

/// Most cached job-list documents (one per job type, owner and host name used).
const LIST_CACHE_ENTRIES: usize = 256;

/// Cache of rendered job-list documents keyed by (job type, owner filter, list URL).
#[derive(Debug, Default)]
pub struct ListCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (u64, axum::body::Bytes)>>,
}

impl ListCache {
    /// The document for `key` at store `version`, rendering it with `render` if needed.
    pub fn get_or_render(&self, key: String, version: u64, render: impl FnOnce() -> String) -> axum::body::Bytes {
        let lock = || self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((v, doc)) = lock().get(&key)
            && *v == version
        {
            return doc.clone();
        }
        let doc = axum::body::Bytes::from(render());
        let mut entries = lock();
        if entries.len() >= LIST_CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(key, (version, doc.clone()));
        doc
    }
}

impl AppState {
    /// Who is calling: the anonymous owner of an open service, or an authenticated user.
    ///
    /// # Errors
    /// 401 on a protected service without valid credentials.
    pub fn caller(&self, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let c = &self.config;
        match &self.users {
            None => {
                // An open service still refuses credentials it cannot check: no silent
                // anonymous job for a client that believes it is logged in.
                if headers.contains_key(header::AUTHORIZATION) {
                    return Err(ApiError::Unauthorized);
                }
                Ok(Caller { name: None, admin: false, max_active_jobs: c.max_active_jobs, max_upload_bytes: c.max_upload_bytes })
            }
            Some(users) => {
                let u = users.authenticate(headers)?;
                Ok(Caller {
                    name: Some(u.name.clone()),
                    admin: u.admin,
                    max_active_jobs: u.max_active_jobs.unwrap_or(c.max_active_jobs),
                    max_upload_bytes: u.max_upload_bytes.unwrap_or(c.max_upload_bytes),
                })
            }
        }
    }

    /// The absolute URL of the job list `job_type` as the client addressed it.
    #[must_use]
    pub fn list_url(&self, headers: &HeaderMap, job_type: &str) -> String {
        format!("{}/uws/{job_type}", self.base_url(headers))
    }

    /// `http://host:port` from the request's `Host` header.
    #[must_use]
    pub fn base_url(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
            .map_or_else(|| format!("{}:{}", self.config.bind, self.config.port), str::to_owned);
        format!("http://{host}")
    }
}
