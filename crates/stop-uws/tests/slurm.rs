//! `SlurmExecutor` against a real one-node SLURM (`.ci/slurm-up.sh`), with a shell script as
//! the worker: adoption of the recorded SLURM job after a restart (no second `sbatch`), a
//! recorded id reused by a foreign job (lost, and the foreign job left alone), and a
//! controller outage waited out. Skipped loudly without root/SLURM; a failure under `CI=true`.
#![allow(clippy::unwrap_used, clippy::print_stderr, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use stop_uws::exec::slurm::{SlurmRecord, read_record};
use stop_uws::exec::{ExecEvent, Executor, Outcome, SlurmExecutor, SlurmParams, Submission};
use tokio::sync::mpsc;

/// Longest wait for one executor event.
const DEADLINE: Duration = Duration::from_secs(120);

/// The outage test stops the controller: the tests of this file take turns.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn slurm_available() -> bool {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        let uid = Command::new("id").arg("-u").output().map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("not root, so no local SLURM can be started".into());
        }
        let out = Command::new("bash").arg(repo_root().join(".ci/slurm-up.sh")).output().map_err(|e| e.to_string())?;
        if out.status.success() { Ok(()) } else { Err(format!(".ci/slurm-up.sh failed: {}", String::from_utf8_lossy(&out.stderr))) }
    });
    match ready {
        Ok(()) => true,
        Err(why) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "SLURM executor tests cannot run in CI: {why}");
            eprintln!("\n!!!!!!!!!! SKIPPED: SLURM executor test: {why} (run .ci/setup as root) !!!!!!!!!!\n");
            false
        }
    }
}

/// A job directory whose worker (a shell script) sleeps `sleep_s`, then writes a completed
/// `status.json`.
fn job(root: &Path, id: &str, sleep_s: u32) -> Submission {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("job.json"), format!(r#"{{"id":"{id}","job_type":"test","values":{{}}}}"#)).unwrap();
    std::fs::write(dir.join("sleep"), sleep_s.to_string()).unwrap();
    Submission { job_id: id.to_owned(), dir, execution_duration_s: 300 }
}

fn params(root: &Path) -> SlurmParams {
    let script = root.join("worker.sh");
    std::fs::write(&script, "#!/bin/sh\nsleep \"$(cat \"$1/sleep\")\"\nprintf '{\"outcome\":\"completed\",\"results\":[]}' > \"$1/status.json\"\n").unwrap();
    let chmod = Command::new("chmod").arg("755").arg(&script).status().unwrap();
    assert!(chmod.success());
    let mut p = SlurmParams::new(script);
    p.args.clear();
    p.memory_mb = 64;
    p.poll_interval = Duration::from_millis(300);
    p.command_timeout = Duration::from_secs(5);
    p
}

async fn next(rx: &mut mpsc::UnboundedReceiver<ExecEvent>) -> ExecEvent {
    tokio::time::timeout(DEADLINE, rx.recv()).await.expect("no executor event in time").expect("executor gone")
}

/// A job id not used by earlier runs (the controller remembers ended jobs for an hour).
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}{}x{nanos}", std::process::id())
}

fn squeue(args: &[&str]) -> String {
    let out = Command::new("squeue").arg("-h").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_adopts_the_recorded_slurm_job_instead_of_submitting_again() {
    let _turn = SERIAL.lock().await;
    if !slurm_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let p = params(tmp.path());
    let id = unique("adopt");
    let sub = job(tmp.path(), &id, 4);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let first = SlurmExecutor::connect(p.clone(), tx).await.unwrap();
    first.submit(sub.clone());
    let ExecEvent::Started { pid, .. } = next(&mut rx).await else { panic!("expected Started") };
    assert_eq!(read_record(&sub.dir).map(|r| r.slurm_job_id), Some(pid));
    drop(first); // the "server" dies with the job still running in SLURM

    let (tx, mut rx) = mpsc::unbounded_channel();
    let second = SlurmExecutor::connect(p, tx).await.unwrap();
    second.submit(sub.clone());
    assert_eq!(next(&mut rx).await, ExecEvent::Started { job_id: id.clone(), pid });
    assert_eq!(next(&mut rx).await, ExecEvent::Finished { job_id: id.clone(), outcome: Outcome::Completed { results: vec![] } });
    assert_eq!(squeue(&["--states=all", &format!("--name=stop-{id}"), "-o", "%i"]), pid.to_string(), "submitted once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_id_now_used_by_a_foreign_job_is_lost_and_the_foreign_job_untouched() {
    let _turn = SERIAL.lock().await;
    if !slurm_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("sbatch")
        .args(["--parsable", "--job-name=foreign", "--time=2", "--mem=32M", "--output=/dev/null", "--wrap=sleep 60"])
        .output()
        .unwrap();
    let foreign: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("sbatch of the foreign job");
    // As after a controller crash: our record names an id SLURM gave to somebody else.
    let id = unique("reused");
    let sub = job(tmp.path(), &id, 0);
    let record = SlurmRecord { slurm_job_id: foreign, job_name: format!("stop-{id}"), arrays: Vec::new() };
    std::fs::write(sub.dir.join("slurm.json"), serde_json::to_vec(&record).unwrap()).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ex = SlurmExecutor::connect(params(tmp.path()), tx).await.unwrap();
    assert!(ex.may_be_running(&sub, foreign));
    assert!(!ex.may_be_running(&sub, foreign + 1000), "not the recorded id: not a SLURM job of ours");
    ex.reattach(sub, foreign);
    let ExecEvent::Finished { outcome: Outcome::Lost { message }, .. } = next(&mut rx).await else { panic!("expected Lost") };
    assert!(message.contains("`foreign`"), "{message}");
    let state = squeue(&["-j", &foreign.to_string(), "-o", "%T"]);
    assert!(matches!(state.as_str(), "PENDING" | "RUNNING"), "foreign job touched: {state}");
    let _ = Command::new("scancel").arg(foreign.to_string()).status();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_controller_outage_is_waited_out() {
    let _turn = SERIAL.lock().await;
    if !slurm_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let id = unique("outage");
    let sub = job(tmp.path(), &id, 6);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ex = SlurmExecutor::connect(params(tmp.path()), tx).await.unwrap();
    ex.submit(sub);
    assert!(matches!(next(&mut rx).await, ExecEvent::Started { .. }));
    let pid = std::fs::read_to_string("/run/slurmctld.pid").unwrap();
    let stopped = Command::new("kill").args(["-TERM", pid.trim()]).status().unwrap();
    assert!(stopped.success());
    // The job ends while nobody can ask the controller; nothing may be concluded meanwhile.
    let quiet = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await;
    assert!(quiet.is_err(), "an outage produced an event: {quiet:?}");
    let up = Command::new("bash").arg(repo_root().join(".ci/slurm-up.sh")).stdout(Stdio::null()).status().unwrap();
    assert!(up.success(), "restarting slurmctld");
    assert_eq!(next(&mut rx).await, ExecEvent::Finished { job_id: id, outcome: Outcome::Completed { results: vec![] } });
}
