//! `GET /` and `/web/...`: the browser client (issue 10), static files embedded in the binary
//! so a deployment needs nothing else and works offline. The client uses only the public API
//! (`/jobtypes` and the UWS job lists), so it drives any STOP deployment.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use stop_uws::store::layout::check_name;

use super::visible_job;
use crate::error::ApiError;
use crate::state::AppState;

/// `(path under /web/, media type, content)` of every asset.
const ASSETS: &[(&str, &str, &str)] = &[
    ("style.css", "text/css; charset=utf-8", include_str!("../../web/style.css")),
    ("js/app.js", "text/javascript; charset=utf-8", include_str!("../../web/js/app.js")),
    ("js/cube.js", "text/javascript; charset=utf-8", include_str!("../../web/js/cube.js")),
    ("js/dom.js", "text/javascript; charset=utf-8", include_str!("../../web/js/dom.js")),
    ("js/fits.js", "text/javascript; charset=utf-8", include_str!("../../web/js/fits.js")),
    ("js/form.js", "text/javascript; charset=utf-8", include_str!("../../web/js/form.js")),
    ("js/gridmap.js", "text/javascript; charset=utf-8", include_str!("../../web/js/gridmap.js")),
    ("js/lamda.js", "text/javascript; charset=utf-8", include_str!("../../web/js/lamda.js")),
    ("js/observed.js", "text/javascript; charset=utf-8", include_str!("../../web/js/observed.js")),
    ("js/plot.js", "text/javascript; charset=utf-8", include_str!("../../web/js/plot.js")),
    ("js/results.js", "text/javascript; charset=utf-8", include_str!("../../web/js/results.js")),
    ("js/samp.js", "text/javascript; charset=utf-8", include_str!("../../web/js/samp.js")),
    ("js/table.js", "text/javascript; charset=utf-8", include_str!("../../web/js/table.js")),
    ("js/uws.js", "text/javascript; charset=utf-8", include_str!("../../web/js/uws.js")),
    ("js/votable.js", "text/javascript; charset=utf-8", include_str!("../../web/js/votable.js")),
];

/// The page itself.
pub async fn index() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], include_str!("../../web/index.html")).into_response()
}

/// One asset, or 404; `votable/{type}/{id}/{result}` is a TSV result as VOTable (below).
pub async fn asset(State(state): State<AppState>, Path(path): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(rest) = path.strip_prefix("votable/") {
        return result_as_votable(&state, &headers, rest).await;
    }
    Ok(match ASSETS.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, body)) => ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "no-cache")], *body).into_response(),
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("no web asset `{path}`\n")).into_response(),
    })
}

/// `GET /web/votable/{type}/{id}/{result}`: a tab-separated result as a VOTable 1.4
/// (TABLEDATA; columns of numbers are `double`, others `char`), at a URL a SAMP receiver (TOPCAT, CASSIS, Aladin) can
/// load; same visibility rules as the result itself.
async fn result_as_votable(state: &AppState, headers: &HeaderMap, rest: &str) -> Result<Response, ApiError> {
    let mut parts = rest.splitn(3, '/');
    let (Some(job_type), Some(id), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ApiError::NotFound(format!("no web asset `votable/{rest}`")));
    };
    let caller = state.caller(headers)?;
    let record = visible_job(state, &caller, job_type, id)?;
    let result = record
        .job
        .results
        .iter()
        .find(|r| r.name == name && r.mime_type.contains("tab-separated"))
        .ok_or_else(|| ApiError::NotFound(format!("job `{id}` has no tab-separated result `{name}`")))?;
    let stored = check_name(&result.name).map_err(|e| ApiError::Internal(e.to_string()))?;
    let text = tokio::fs::read_to_string(state.store.job_dir(id).results().join(stored)).await?;
    let body = tsv_to_votable(&text, name.trim_end_matches(".tsv"));
    Ok(([(header::CONTENT_TYPE, "application/x-votable+xml")], body).into_response())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The first line names the columns; the others are rows.
fn tsv_to_votable(text: &str, name: &str) -> String {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let columns: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let rows: Vec<&str> = lines.collect();
    let numeric = |i: usize| !rows.is_empty() && rows.iter().all(|r| r.split('\t').nth(i).is_some_and(|v| v.trim().parse::<f64>().is_ok()));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n");
    let _ = writeln!(out, "  <RESOURCE type=\"results\">\n    <TABLE name=\"{}\">", xml_escape(name));
    for (i, c) in columns.iter().enumerate() {
        let datatype = if numeric(i) { "datatype=\"double\"" } else { "datatype=\"char\" arraysize=\"*\"" };
        let _ = writeln!(out, "      <FIELD name=\"{}\" {datatype}/>", xml_escape(c));
    }
    out.push_str("      <DATA>\n        <TABLEDATA>\n");
    for line in rows {
        out.push_str("          <TR>");
        for cell in line.split('\t') {
            let _ = write!(out, "<TD>{}</TD>", xml_escape(cell));
        }
        out.push_str("</TR>\n");
    }
    out.push_str("        </TABLEDATA>\n      </DATA>\n    </TABLE>\n  </RESOURCE>\n</VOTABLE>\n");
    out
}
