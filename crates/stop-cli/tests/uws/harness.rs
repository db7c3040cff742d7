//! Test harness: the real `stop serve` on 127.0.0.1:0 in a temporary data directory, a small
//! blocking HTTP/1.1 client, XML schema validation with xmllint, and deadline-bounded polling.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How long any single wait in these tests may take before it is a failure.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// The shared schemas folder (`../shared/schemas` from the repository root).
pub fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas")
}

/// A running `stop serve`.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub data_dir: PathBuf,
}

impl Server {
    /// Starts `stop serve --port 0 --data-dir DIR ARGS...` and waits for its address.
    pub fn start(data_dir: &Path, args: &[&str]) -> Self {
        let (child, addr) = crate::serve::spawn_serve(data_dir, args, DEADLINE);
        let addr = addr.unwrap_or_else(|line| panic!("unexpected first line {line:?}"));
        Self { child, addr, data_dir: data_dir.to_owned() }
    }

    /// `http://127.0.0.1:port`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A request; `path` is relative to the server root or an absolute URL on it.
    pub fn req(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let path = path.strip_prefix(&self.base()).unwrap_or(path);
        request(&self.addr, method, path, headers, body)
    }

    pub fn get(&self, path: &str) -> Resp {
        self.req("GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(form).unwrap();
        self.req("POST", path, &[("Content-Type", "application/x-www-form-urlencoded")], body.as_bytes())
    }

    /// Creates a job and returns its absolute URL (asserting the 303 and its Location).
    pub fn create(&self, job_type: &str, form: &[(&str, &str)]) -> String {
        let r = self.post(&format!("/uws/{job_type}"), form);
        assert_eq!(r.status, 303, "{}", r.text());
        let location = r.header("location").unwrap().to_owned();
        assert!(location.starts_with(&format!("{}/uws/{job_type}/", self.base())), "{location}");
        location
    }

    /// Polls the job until its phase is final, with WAIT, within [`DEADLINE`].
    pub fn wait_final(&self, job_url: &str) -> String {
        let start = Instant::now();
        loop {
            let r = self.get(&format!("{job_url}?WAIT=5"));
            assert_eq!(r.status, 200, "{}", r.text());
            let doc = r.text();
            let phase = element(&doc, "uws:phase");
            if matches!(phase.as_str(), "COMPLETED" | "ERROR" | "ABORTED") {
                return doc;
            }
            assert!(start.elapsed() < DEADLINE, "job {job_url} still {phase}");
        }
    }

    /// Sends SIGKILL to the server process (its workers live in their own process groups).
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A response.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`).
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut stream = TcpStream::connect(addr).expect("connecting to the server");
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Resp {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 4 + size..];
        }
        body = out;
    }
    Resp { status, headers, body }
}

/// The text of the first `<tag>` element (or `xsi:nil` → empty).
pub fn element(doc: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let Some(start) = doc.find(&open) else { return String::new() };
    let after = &doc[start + open.len()..];
    let gt = after.find('>').unwrap();
    if after[..gt].ends_with('/') {
        return String::new();
    }
    let close = format!("</{tag}>");
    after[gt + 1..after.find(&close).unwrap()].to_owned()
}

/// Validates `xml` against `schema` (a file in `../shared/schemas`) with xmllint; fails the
/// test loudly if xmllint is missing.
pub fn validate(xml: &str, schema: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schemas().join(schema))
        .arg(&file)
        .output()
        .expect("xmllint is required (apt-get install libxml2-utils; .ci/setup installs it)");
    assert!(out.status.success(), "{schema} validation failed:\n{}\n{xml}", String::from_utf8_lossy(&out.stderr));
}

/// Validates a UWS document.
pub fn uws(xml: &str) {
    validate(xml, "UWS-1.1.xsd");
}

/// Multipart body with text fields and files `(field, filename, bytes)`.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "stopTestBoundary7d1e";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Polls `check` every 50 ms until it returns `Some`, within [`DEADLINE`].
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Pids of live (non-zombie) processes whose arguments include `job_dir`.
pub fn worker_pids(job_dir: &Path) -> Vec<u32> {
    let needle = job_dir.as_os_str().as_encoded_bytes().to_vec();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let zombie = stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            !zombie && cmd.split(|&b| b == 0).any(|a| a == needle.as_slice())
        })
        .collect()
}

/// The directory of the job at `job_url`.
pub fn job_dir(server: &Server, job_url: &str) -> PathBuf {
    server.data_dir.join("jobs").join(job_url.rsplit('/').next().unwrap())
}
