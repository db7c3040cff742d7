//! In-process tests of every route: requests go straight to the router with tower's
//! `oneshot` (no socket), jobs are "run" by a recording executor and finished by feeding
//! executor events, and every UWS and VOSI document is validated against `../shared/schemas`
//! with xmllint. The socket-level tests (real server, real workers, clients) are in
//! `crates/stop-cli/tests/uws`.

mod control;
mod documents;
mod lists;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use stop_uws::exec::{ExecEvent, Executor, Outcome, Submission};
use stop_uws::protocol::{Instant, ResultEntry};
use stop_uws::store::Store;
use tower::ServiceExt as _;

use crate::config::ServiceConfig;
use crate::state::AppState;

/// The `Host` every request sends, so Locations are `http://{HOST}/uws/...`.
const HOST: &str = "127.0.0.1:9";

/// An executor that only records what it is asked to do.
#[derive(Default)]
struct Recorder {
    submitted: Mutex<Vec<Submission>>,
    aborted: Mutex<Vec<String>>,
}

impl Executor for Recorder {
    fn submit(&self, job: Submission) {
        self.submitted.lock().unwrap().push(job);
    }
    fn reattach(&self, job: Submission, _pid: u32) {
        self.submit(job);
    }
    fn may_be_running(&self, _job: &Submission, _pid: u32) -> bool {
        false
    }
    fn abort(&self, job_id: &str) -> bool {
        self.aborted.lock().unwrap().push(job_id.to_owned());
        true
    }
    fn capacity(&self) -> usize {
        1
    }
}

/// A service over a fresh store, with its executor.
struct TestApp {
    _dir: tempfile::TempDir,
    state: AppState,
    executor: Arc<Recorder>,
}

/// A response, body read.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// The text of the first `<tag>` element (empty for `xsi:nil`).
    fn element(&self, tag: &str) -> &str {
        let open = format!("<{tag}");
        let Some(start) = self.body.find(&open) else { return "" };
        let after = &self.body[start + open.len()..];
        let gt = after.find('>').unwrap();
        if after[..gt].ends_with('/') {
            return "";
        }
        &after[gt + 1..after.find(&format!("</{tag}>")).unwrap()]
    }
}

impl TestApp {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        let executor = Arc::new(Recorder::default());
        let mut config = ServiceConfig::new(dir.path().to_owned(), "/bin/false".into());
        config.max_execution_duration_s = 3600;
        let state = AppState {
            store,
            registry: crate::jobs::registry(),
            executor: executor.clone(),
            users: None,
            config: Arc::new(config),
            up_since: Instant::now(),
            list_cache: Arc::default(),
        };
        Self { _dir: dir, state, executor }
    }

    fn router(&self) -> Router {
        super::router(self.state.clone())
    }

    /// One request; `uri` may be absolute (`http://HOST/...`).
    async fn send(&self, method: &str, uri: &str, extra: &[(&str, &str)], body: &str) -> Reply {
        let path = uri.strip_prefix(&format!("http://{HOST}")).unwrap_or(uri);
        let mut request = Request::builder().method(method).uri(path).header(header::HOST, HOST);
        if method == "POST" {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (k, v) in extra {
            request = request.header(*k, *v);
        }
        let response = self.router().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        Reply { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, uri: &str) -> Reply {
        self.send("GET", uri, &[], "").await
    }

    async fn post(&self, uri: &str, form: &[(&str, &str)]) -> Reply {
        self.send("POST", uri, &[], &serde_urlencoded::to_string(form).unwrap()).await
    }

    /// Creates a job and returns its absolute URL, checking the 303.
    async fn create(&self, job_type: &str, form: &[(&str, &str)]) -> String {
        let r = self.post(&format!("/uws/{job_type}"), form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().starts_with(&format!("http://{HOST}/uws/{job_type}/")), "{}", r.location());
        r.location().to_owned()
    }

    /// Plays the executor: starts the job and finishes it with `outcome`.
    fn finish(&self, job_url: &str, outcome: Outcome) {
        let id = job_url.rsplit('/').next().unwrap().to_owned();
        crate::control::apply_event(&self.state, ExecEvent::Started { job_id: id.clone(), pid: 1 });
        crate::control::apply_event(&self.state, ExecEvent::Finished { job_id: id, outcome });
    }

    /// Writes result `name` into the job's directory as a worker would, and returns its entry.
    fn write_result(&self, job_url: &str, name: &str, mime_type: &str, bytes: &[u8]) -> ResultEntry {
        let dir = self.state.store.job_dir(job_url.rsplit('/').next().unwrap()).results();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
        ResultEntry { name: name.into(), size: bytes.len() as u64, mime_type: mime_type.into() }
    }
}

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/schemas")
}

/// Validates `xml` against `schema` in `../shared/schemas` with xmllint (required).
fn validate(xml: &str, schema: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schemas().join(schema))
        .arg(&file)
        .output()
        .expect("xmllint is required (apt-get install libxml2-utils; .ci/setup installs it)");
    assert!(out.status.success(), "{schema}: {}\n{xml}", String::from_utf8_lossy(&out.stderr));
}

fn uws(xml: &str) {
    validate(xml, "UWS-1.1.xsd");
}
