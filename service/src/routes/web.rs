//! `GET /` and `/web/...`: the browser client (issue 10), static files embedded in the binary
//! so a deployment needs nothing else and works offline. The client uses only the public API
//! (`/jobtypes` and the UWS job lists), so it drives any STOP deployment.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `(path under /web/, media type, content)` of every asset.
const ASSETS: &[(&str, &str, &str)] = &[
    ("style.css", "text/css; charset=utf-8", include_str!("../../web/style.css")),
    ("js/app.js", "text/javascript; charset=utf-8", include_str!("../../web/js/app.js")),
    ("js/dom.js", "text/javascript; charset=utf-8", include_str!("../../web/js/dom.js")),
    ("js/form.js", "text/javascript; charset=utf-8", include_str!("../../web/js/form.js")),
    ("js/lamda.js", "text/javascript; charset=utf-8", include_str!("../../web/js/lamda.js")),
    ("js/plot.js", "text/javascript; charset=utf-8", include_str!("../../web/js/plot.js")),
    ("js/results.js", "text/javascript; charset=utf-8", include_str!("../../web/js/results.js")),
    ("js/table.js", "text/javascript; charset=utf-8", include_str!("../../web/js/table.js")),
    ("js/uws.js", "text/javascript; charset=utf-8", include_str!("../../web/js/uws.js")),
    ("js/votable.js", "text/javascript; charset=utf-8", include_str!("../../web/js/votable.js")),
];

/// The page itself.
pub async fn index() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], include_str!("../../web/index.html")).into_response()
}

/// One asset, or 404.
pub async fn asset(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, body)) => ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "no-cache")], *body).into_response(),
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("no web asset `{path}`\n")).into_response(),
    }
}
