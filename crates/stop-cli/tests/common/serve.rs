//! Starting the real `stop serve` on 127.0.0.1:0 for the integration tests (shared by the
//! `uws` and `slurm` test binaries through `#[path]`).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Starts `stop serve --port 0 --data-dir DATA_DIR ARGS...` with its log in
/// `DATA_DIR/serve.log`, and returns the child with the address it printed (`127.0.0.1:port`),
/// or the first line it printed (empty if none within `timeout`) when that is no address.
pub fn spawn_serve(data_dir: &Path, args: &[&str], timeout: Duration) -> (Child, Result<String, String>) {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(data_dir.join("serve.log")).expect("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_stop"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(data_dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("starting stop serve");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(timeout).unwrap_or_default();
    let addr = line.trim().rsplit("http://").next().unwrap_or_default().to_owned();
    let addr = if addr.starts_with("127.0.0.1:") { Ok(addr) } else { Err(line) };
    (child, addr)
}
