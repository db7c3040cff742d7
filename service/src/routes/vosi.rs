//! VOSI `/availability` and `/capabilities` (IVOA VOSI 1.0).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use stop_uws::protocol::xml::escape;

use super::xml;
use crate::state::AppState;

/// `<avail:availability>`: available only if the store answers and the disk is writable.
pub async fn availability(State(state): State<AppState>) -> Response {
    let store = state.store.clone();
    let health = tokio::task::spawn_blocking(move || store.health()).await;
    let (available, note) = match health {
        Ok(Ok(())) => (true, "jobs are accepted and run".to_owned()),
        Ok(Err(e)) => (false, format!("job store unusable: {e}")),
        Err(e) => (false, format!("health check failed: {e}")),
    };
    xml(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<avail:availability xmlns:avail=\"http://www.ivoa.net/xml/VOSIAvailability/v1.0\">\n  <avail:available>{available}</avail:available>\n  <avail:upSince>{}</avail:upSince>\n  <avail:note>{}</avail:note>\n</avail:availability>\n",
        state.up_since,
        escape(&note)
    ))
}

/// `<vosi:capabilities>`: one UWS 1.1 capability per job list, plus the VOSI endpoints.
pub async fn capabilities(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = state.base_url(&headers);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vosi:capabilities xmlns:vosi=\"http://www.ivoa.net/xml/VOSICapabilities/v1.0\" xmlns:vr=\"http://www.ivoa.net/xml/VOResource/v1.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n",
    );
    let mut cap = |standard_id: &str, url: &str, description: &str| {
        out.push_str(&format!(
            "  <capability standardID=\"{}\">\n    <description>{}</description>\n    <interface xsi:type=\"vr:WebService\" role=\"std\">\n      <accessURL use=\"base\">{}</accessURL>\n    </interface>\n  </capability>\n",
            escape(standard_id),
            escape(description),
            escape(url)
        ));
    };
    for t in state.registry.iter() {
        let d = t.descriptor();
        cap("ivo://ivoa.net/std/UWS#rest-1.1", &format!("{base}/uws/{}", d.name), &d.title);
    }
    cap("ivo://ivoa.net/std/VOSI#availability", &format!("{base}/availability"), "service availability");
    cap("ivo://ivoa.net/std/VOSI#capabilities", &format!("{base}/capabilities"), "this document");
    out.push_str("</vosi:capabilities>\n");
    xml(out)
}
