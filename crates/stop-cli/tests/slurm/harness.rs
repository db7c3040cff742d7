//! Harness for the SLURM executor tests: a one-node SLURM brought up with `.ci/slurm-up.sh`
//! (skipped loudly when impossible, a failure when `CI=true`), the real `stop serve
//! --executor slurm` on 127.0.0.1:0, a tiny HTTP/1.1 client, and deadline-bounded polling.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Longest any single wait may take (SLURM starts at most one job per CPU per second here,
/// and the four tests share two CPUs).
pub const DEADLINE: Duration = Duration::from_secs(150);

/// Whether a local SLURM answers; brings it up once per test binary. Without root or the
/// SLURM packages this prints a loud skip notice and returns false, except under `CI=true`,
/// where it panics: CI runs as root and `.ci/setup` installs SLURM.
pub fn slurm_available() -> bool {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    match READY.get_or_init(bring_up) {
        Ok(()) => true,
        Err(why) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "SLURM executor tests cannot run in CI: {why}");
            eprintln!("\n!!!!!!!!!! SKIPPED: SLURM executor test: {why} !!!!!!!!!!\n");
            false
        }
    }
}

fn bring_up() -> Result<(), String> {
    let uid = Command::new("id").arg("-u").output().map_err(|e| format!("running `id -u`: {e}"))?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err("not root, so no local SLURM can be started (run .ci/setup and .ci/slurm-up.sh as root)".into());
    }
    for tool in ["sbatch", "slurmctld", "slurmd", "munged"] {
        let found = Command::new("sh").args(["-c", &format!("command -v {tool}")]).stdout(Stdio::null()).status().is_ok_and(|s| s.success());
        if !found {
            return Err(format!("`{tool}` is not installed (run .ci/setup as root)"));
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/slurm-up.sh");
    let out = Command::new("bash").arg(&script).output().map_err(|e| format!("running {}: {e}", script.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{} failed: {}", script.display(), String::from_utf8_lossy(&out.stderr)))
    }
}

/// A running `stop serve --executor slurm`.
pub struct Server {
    child: Child,
    pub addr: String,
    pub data_dir: PathBuf,
}

impl Server {
    /// Starts the server with the SLURM executor on `data_dir` and waits for its address.
    pub fn start(data_dir: &Path) -> Self {
        Self::start_with(data_dir, &["--executor", "slurm", "--slurm-poll-ms", "300", "--slurm-mem-mb", "256"])
    }

    /// Starts `stop serve --port 0 --data-dir DATA_DIR ARGS...` and waits for its address.
    pub fn start_with(data_dir: &Path, args: &[&str]) -> Self {
        let (child, addr) = crate::serve::spawn_serve(data_dir, args, Duration::from_secs(60));
        let addr = addr.unwrap_or_else(|line| {
            let log = std::fs::read_to_string(data_dir.join("serve.log")).unwrap_or_default();
            panic!("stop serve did not start (first line {line:?}); its log:\n{log}");
        });
        Self { child, addr, data_dir: data_dir.to_owned() }
    }

    /// GET; returns status and body.
    pub fn get(&self, url: &str) -> (u16, Vec<u8>) {
        request(&self.addr, "GET", url, "")
    }

    /// POST of a form; returns status and the `Location` header.
    pub fn post(&self, url: &str, form: &[(&str, &str)]) -> (u16, String) {
        let body = form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        let (status, head, _) = exchange(&self.addr, "POST", url, &body);
        let location = head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("location")).map(|(_, v)| v.trim().to_owned()));
        (status, location.unwrap_or_default())
    }

    /// Creates a `diagnostic` job with `form` and PHASE=RUN; returns its URL.
    pub fn run_diagnostic(&self, form: &[(&str, &str)]) -> String {
        self.run_job("diagnostic", form)
    }

    /// Creates a job of type `job_type` with `form` and PHASE=RUN; returns its URL.
    pub fn run_job(&self, job_type: &str, form: &[(&str, &str)]) -> String {
        let mut all = form.to_vec();
        all.push(("PHASE", "RUN"));
        let (status, location) = self.post(&format!("/uws/{job_type}"), &all);
        assert_eq!(status, 303, "job creation");
        location
    }

    /// The job document at `url`.
    pub fn job(&self, url: &str) -> String {
        let (status, body) = self.get(url);
        assert_eq!(status, 200, "GET {url}");
        String::from_utf8_lossy(&body).into_owned()
    }

    /// The job's phase.
    pub fn phase(&self, url: &str) -> String {
        element(&self.job(url), "uws:phase")
    }

    /// Waits (with WAIT) until the job is final; returns its document.
    pub fn wait_final(&self, url: &str) -> String {
        let start = Instant::now();
        loop {
            let doc = self.job(&format!("{url}?WAIT=5"));
            if matches!(element(&doc, "uws:phase").as_str(), "COMPLETED" | "ERROR" | "ABORTED") {
                return doc;
            }
            assert!(start.elapsed() < DEADLINE, "job {url} not final in time: {doc}");
        }
    }

    /// The directory of the job at `url`.
    pub fn job_dir(&self, url: &str) -> PathBuf {
        self.data_dir.join("jobs").join(url.rsplit('/').next().unwrap())
    }

    /// SIGKILL to the server (SLURM jobs are not its children and run on).
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

/// The SLURM id recorded for the job in `dir` (`slurm.json`), once there is one.
pub fn slurm_id(dir: &Path) -> u32 {
    eventually("the SLURM record", || {
        let text = std::fs::read_to_string(dir.join("slurm.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["slurm_job_id"].as_u64().and_then(|n| u32::try_from(n).ok())
    })
}

/// `squeue -h ARGS`, stdout.
pub fn squeue(args: &[&str]) -> String {
    let out = Command::new("squeue").arg("-h").args(args).output().expect("running squeue");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Polls `check` every 100 ms until it returns `Some`, within [`DEADLINE`].
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The text of the first `<tag>` element ("" if absent or nil).
pub fn element(doc: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let Some(start) = doc.find(&open) else { return String::new() };
    let after = &doc[start + open.len()..];
    let Some(gt) = after.find('>') else { return String::new() };
    if after[..gt].ends_with('/') {
        return String::new();
    }
    let close = format!("</{tag}>");
    after.find(&close).map_or_else(String::new, |end| after[gt + 1..end].to_owned())
}

/// Percent-encodes a form field (everything but unreserved characters).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn request(addr: &str, method: &str, url: &str, form: &str) -> (u16, Vec<u8>) {
    let (status, _, body) = exchange(addr, method, url, form);
    (status, body)
}

/// One request on a fresh connection; returns status, raw head and (de-chunked) body.
fn exchange(addr: &str, method: &str, url: &str, form: &str) -> (u16, String, Vec<u8>) {
    let path = url.strip_prefix(&format!("http://{addr}")).unwrap_or(url);
    let mut stream = TcpStream::connect(addr).expect("connecting to the server");
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("no status");
    let mut body = raw[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16).unwrap_or(0);
            if size == 0 || rest.len() < eol + 2 + size {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[(eol + 4 + size).min(rest.len())..];
        }
        body = out;
    }
    (status, head, body)
}
