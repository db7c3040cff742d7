//! A small blocking W3C WebDriver client for chromedriver on 127.0.0.1 (plain HTTP/1.1 over
//! std `TcpStream`, JSON with serde_json): only what the web-client tests need.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The Debian chromium and chromedriver, or a failure telling how to install them.
pub fn browser_binaries() -> (PathBuf, PathBuf) {
    let find = |names: &[&str]| names.iter().map(Path::new).find(|p| p.is_file()).map(Path::to_path_buf);
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]);
    let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => (c, d),
        _ => panic!("chromium and chromedriver are needed for the web client tests: run `.ci/setup` (as root it installs the Debian packages chromium and chromium-driver)"),
    }
}

/// One HTTP exchange; returns (status, body).
pub fn http(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(payload.as_bytes()).unwrap();
    // Read the head, then exactly Content-Length bytes (chromedriver may keep the connection
    // open), or to the end of the stream when there is no length.
    let mut raw = Vec::new();
    let mut buf = [0_u8; 16 << 10];
    let split = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "HTTP response without header end");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let length = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok()).flatten()
    });
    match length {
        Some(len) => {
            while body.len() < len {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "HTTP body cut short");
                body.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            stream.read_to_end(&mut body).unwrap();
        }
    }
    let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("HTTP status");
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

/// A chromedriver process with one headless Chromium session.
pub struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a `width`x`height` window.
    pub fn start(width: u32, height: u32) -> Self {
        let (chromium, driver_bin) = browser_binaries();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let addr = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen on {addr} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--hide-scrollbars", format!("--window-size={width},{height}")]
        }}}});
        let mut b = Self { driver, addr, session: String::new() };
        let v = b.call("POST", "/session", Some(&caps));
        b.session = v["sessionId"].as_str().expect("a session id").to_owned();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, bytes) = http(&self.addr, method, path, body);
        let v: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("chromedriver {path}: {e}"));
        assert!(status < 300, "chromedriver {method} {path} -> {status}: {v}");
        v["value"].clone()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(&json!({"url": url})));
    }

    /// Runs `script` (a function body; `arguments` available) and returns its value.
    pub fn js(&self, script: &str, args: &[Value]) -> Value {
        self.cmd("POST", "/execute/sync", Some(&json!({"script": script, "args": args})))
    }

    /// Runs asynchronous `script`; it calls `done(value)` (the last argument) when finished.
    pub fn js_async(&self, script: &str) -> Value {
        let body = format!("const done = arguments[arguments.length - 1]; {script}");
        self.cmd("POST", "/execute/async", Some(&json!({"script": body, "args": []})))
    }

    /// The first element matching `css`, waiting for it up to `timeout`.
    pub fn find(&self, css: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let (status, bytes) = http(&self.addr, "POST", &format!("/session/{}/element", self.session), Some(&json!({"using": "css selector", "value": css})));
            if status == 200 {
                let v: Value = serde_json::from_slice(&bytes).unwrap();
                return v["value"][ELEMENT_KEY].as_str().unwrap().to_owned();
            }
            assert!(Instant::now() < deadline, "no element `{css}` within {timeout:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn click(&self, element: &str) {
        self.cmd("POST", &format!("/element/{element}/click"), Some(&json!({})));
    }

    pub fn clear(&self, element: &str) {
        self.cmd("POST", &format!("/element/{element}/clear"), Some(&json!({})));
    }

    pub fn type_text(&self, element: &str, text: &str) {
        self.cmd("POST", &format!("/element/{element}/value"), Some(&json!({"text": text})));
    }

    /// Resizes the window.
    pub fn set_size(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(&json!({"width": width, "height": height})));
    }

    /// Waits until `script` returns something truthy (not null/false/""/0), and returns it.
    pub fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.js(script, &[]);
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}; page text: {}", self.js("return document.body.innerText", &[]));
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A PNG of the viewport, or of one element when `element` is given.
    pub fn screenshot(&self, element: Option<&str>, path: &Path) {
        use base64::Engine as _;
        let v = match element {
            Some(e) => self.cmd("GET", &format!("/element/{e}/screenshot"), None),
            None => self.cmd("GET", "/screenshot", None),
        };
        let png = base64::engine::general_purpose::STANDARD.decode(v.as_str().expect("base64 PNG")).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(&self.addr, "DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
