//! Error policy of the service.
//!
//! - **Library layers** (`stop-uws`: store, params, protocol, exec) return their own
//!   `thiserror` enums. They never know about HTTP.
//! - **Request handling** converts every failure into one [`ApiError`], which chooses the HTTP
//!   status and is logged exactly once, here, when it becomes a response (5xx at `error`, 4xx at
//!   `debug`). Handlers return `Result<_, ApiError>` and use `?`; they never build error
//!   responses by hand.
//! - **Statuses** follow UWS 1.1 and the checklist: 400 for unparsable values and invalid job
//!   parameters (the message names the parameter, no job is created), 401 for missing or wrong
//!   credentials (with a Basic challenge), 403 for an action illegal in the current phase or a
//!   refused creation (limits), 404 for unknown job types, jobs, results and jobs of other
//!   owners (privacy: their existence is not revealed), 413 for oversize uploads, 500 only when
//!   the UWS machinery itself breaks (database, disk). Job failures are data (phase ERROR, 200).
//! - **Bodies** are `text/plain` messages; with `Accept: application/json` they are
//!   `{"error": message, "parameter": name?}` so the web client can show the message next to
//!   the form field.
//! - **Background tasks and start-up** (supervisor, sweeper, `serve`) use `anyhow` or log with
//!   `tracing`; a failing background step never stops the server.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use stop_uws::params::ParamError;
use stop_uws::protocol::IllegalTransition;
use stop_uws::store::StoreError;

/// Every error a request can end with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Unparsable or invalid request value (not a job parameter).
    #[error("{0}")]
    BadRequest(String),
    /// A job parameter failed validation.
    #[error("{0}")]
    Param(#[from] ParamError),
    /// No or wrong credentials.
    #[error("authentication required")]
    Unauthorized,
    /// Illegal in the current state, or refused by a limit.
    #[error("{0}")]
    Forbidden(String),
    /// Unknown job type, job, result, or a job of another owner.
    #[error("{0}")]
    NotFound(String),
    /// Upload larger than the caller's limit.
    #[error("upload larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit that applied.
        limit: u64,
    },
    /// The store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// Any other breakdown of the machinery (disk I/O).
    #[error("{0}")]
    Internal(String),
}

impl From<IllegalTransition> for ApiError {
    fn from(e: IllegalTransition) -> Self {
        Self::Forbidden(format!("not allowed in phase {}", e.from))
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        Self::Internal(format!("job files: {e}"))
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::Param(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

}

/// Middleware: error responses become `{"error": ..., "parameter": ...}` when the request's
/// `Accept` header asks for JSON.
pub async fn json_errors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let response = next.run(request).await;
    if wants_json && response.extensions().get::<ErrorMessage>().is_some() { json_body(response) } else { response }
}

fn json_body(response: Response) -> Response {
    let status = response.status();
    let message = response.extensions().get::<ErrorMessage>().cloned();
    let mut r = match message {
        Some(m) => (status, axum::Json(serde_json::json!({"error": m.message, "parameter": m.parameter}))).into_response(),
        None => return response,
    };
    if let Some(c) = response.headers().get(header::WWW_AUTHENTICATE) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, c.clone());
    }
    r
}

/// The message and parameter of an error response, kept for JSON rendering.
#[derive(Debug, Clone)]
struct ErrorMessage {
    message: String,
    parameter: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = self.to_string();
        if status.is_server_error() {
            tracing::error!(%status, %message, "request failed");
        } else {
            tracing::debug!(%status, %message, "request refused");
        }
        let parameter = match &self {
            Self::Param(p) => Some(p.param().to_owned()),
            _ => None,
        };
        let mut response = (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"stop\", charset=\"UTF-8\""));
        }
        response.extensions_mut().insert(ErrorMessage { message, parameter });
        response
    }
}
