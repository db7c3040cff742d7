//! Owners: anonymous by default; with a users file, HTTP Basic authentication against argon2id
//! password hashes (PHC strings, as written by `stop serve --hash-password`).
//!
//! argon2id is the OWASP-recommended password hash; verifying costs tens of milliseconds on
//! purpose. So that an authenticated client is not slowed down on every request, a successful
//! `Authorization` header is remembered by its SHA-256 digest (never in clear) for the life of
//! the process; a wrong password is always verified in full and answered with 401.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::{HeaderMap, header};
use base64::Engine as _;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::error::ApiError;

/// Most remembered credentials before the cache is emptied.
const CACHE_LIMIT: usize = 4096;

/// One account of the users file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Login name = owner id of the user's jobs.
    pub name: String,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Sees and may act on every job.
    #[serde(default)]
    pub admin: bool,
    /// Own limit on active jobs.
    pub max_active_jobs: Option<usize>,
    /// Own limit on upload bytes per creation request.
    pub max_upload_bytes: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsersFile {
    #[serde(rename = "user")]
    users: Vec<User>,
}

/// Users-file problems (start-up errors).
#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    /// Unreadable file.
    #[error("reading users file `{path}`: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not valid TOML of the expected shape.
    #[error("users file `{path}`: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why.
        source: toml::de::Error,
    },
    /// A hash that is not an argon2 PHC string.
    #[error("users file: user `{user}` has an invalid password_hash (expected a PHC string like `$argon2id$v=19$...`)")]
    BadHash {
        /// The user.
        user: String,
    },
}

/// The accounts of a protected service.
#[derive(Debug)]
pub struct Users {
    by_name: HashMap<String, User>,
    verified: Mutex<HashMap<[u8; 32], String>>,
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Owner id; `None` for the anonymous owner of an unprotected service.
    pub name: Option<String>,
    /// Sees every job.
    pub admin: bool,
    /// Active-job limit.
    pub max_active_jobs: usize,
    /// Upload limit per request, bytes.
    pub max_upload_bytes: u64,
}

impl Caller {
    /// Whether this caller may see and act on a job owned by `owner`.
    #[must_use]
    pub fn may_access(&self, owner: Option<&str>) -> bool {
        self.admin || self.name.as_deref() == owner
    }

    /// The owner filter for job lists: `None` = all jobs.
    #[must_use]
    pub fn list_filter(&self) -> Option<Option<&str>> {
        if self.admin { None } else { Some(self.name.as_deref()) }
    }
}

/// Hashes `password` with argon2id and a random salt, as a PHC string for the users file.
///
/// # Errors
/// Only if the system random source fails.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    crate::ids::random_bytes(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

impl Users {
    /// Reads a users file:
    ///
    /// ```toml
    /// [[user]]
    /// name = "alice"
    /// password_hash = "$argon2id$v=19$m=19456,t=2,p=1$..."
    /// admin = false            # optional
    /// max_active_jobs = 20     # optional
    /// max_upload_bytes = 1e6   # optional (integer)
    /// ```
    ///
    /// # Errors
    /// [`UsersError`] for unreadable files, bad TOML or bad hashes.
    pub fn load(path: &Path) -> Result<Self, UsersError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| UsersError::Read { path: p.clone(), source })?;
        let file: UsersFile = toml::from_str(&text).map_err(|source| UsersError::Parse { path: p, source })?;
        Self::new(file.users)
    }

    /// Accounts from a list.
    ///
    /// # Errors
    /// [`UsersError::BadHash`].
    pub fn new(users: Vec<User>) -> Result<Self, UsersError> {
        for u in &users {
            if PasswordHash::new(&u.password_hash).is_err() {
                return Err(UsersError::BadHash { user: u.name.clone() });
            }
        }
        let by_name = users.into_iter().map(|u| (u.name.clone(), u)).collect();
        Ok(Self { by_name, verified: Mutex::new(HashMap::new()) })
    }

    /// The user behind an `Authorization: Basic` header.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`] when the header is missing, malformed or wrong.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<&User, ApiError> {
        let value = headers.get(header::AUTHORIZATION).ok_or(ApiError::Unauthorized)?.as_bytes();
        let digest: [u8; 32] = Sha256::digest(value).into();
        let cached = self.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&digest).cloned();
        if let Some(name) = cached {
            return self.by_name.get(&name).ok_or(ApiError::Unauthorized);
        }
        let text = std::str::from_utf8(value).map_err(|_| ApiError::Unauthorized)?;
        let (scheme, encoded) = text.split_once(' ').ok_or(ApiError::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(ApiError::Unauthorized);
        }
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| ApiError::Unauthorized)?;
        let decoded = String::from_utf8(decoded).map_err(|_| ApiError::Unauthorized)?;
        let (name, password) = decoded.split_once(':').ok_or(ApiError::Unauthorized)?;
        let user = self.by_name.get(name).ok_or(ApiError::Unauthorized)?;
        let hash = PasswordHash::new(&user.password_hash).map_err(|_| ApiError::Unauthorized)?;
        Argon2::default().verify_password(password.as_bytes(), &hash).map_err(|_| ApiError::Unauthorized)?;
        let mut cache = self.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(digest, user.name.clone());
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(user: &str, password: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let v = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        h.insert(header::AUTHORIZATION, format!("Basic {v}").parse().unwrap());
        h
    }

    #[test]
    fn right_password_passes_wrong_or_missing_is_unauthorized() {
        let hash = hash_password("s3cret").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        let users = Users::new(vec![User { name: "alice".into(), password_hash: hash, admin: false, max_active_jobs: None, max_upload_bytes: None }]).unwrap();
        assert_eq!(users.authenticate(&header("alice", "s3cret")).unwrap().name, "alice");
        assert_eq!(users.authenticate(&header("alice", "s3cret")).unwrap().name, "alice");
        assert!(matches!(users.authenticate(&header("alice", "nope")), Err(ApiError::Unauthorized)));
        assert!(matches!(users.authenticate(&header("bob", "s3cret")), Err(ApiError::Unauthorized)));
        assert!(matches!(users.authenticate(&HeaderMap::new()), Err(ApiError::Unauthorized)));
    }

    #[test]
    fn bad_hash_is_refused_at_load() {
        let err = Users::new(vec![User { name: "x".into(), password_hash: "plain".into(), admin: false, max_active_jobs: None, max_upload_bytes: None }]);
        assert!(matches!(err, Err(UsersError::BadHash { .. })));
    }
}
