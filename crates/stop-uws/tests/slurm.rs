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
use stop_uws::exec::tasks::{TaskPlan, part_path, plan_job};
use stop_uws::exec::worker::{JobContext, JobFailure, JobType, Registry};
use stop_uws::exec::{ExecEvent, Executor, Outcome, SlurmExecutor, SlurmParams, Submission};
use stop_uws::params::JobDescriptor;
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

/// The test worker: `DIR` sleeps as `DIR/sleep` says and completes; `DIR --task K` records the
/// run in `DIR/runs`, fails with exit status 3 when `DIR/fail-K` says `once` (first run only)
/// or `always`, else writes its part; `DIR --merge` completes once every part is there.
const WORKER: &str = r#"#!/bin/sh
dir=$1
done_status() { printf '{"outcome":"completed","results":[]}' > "$dir/status.json"; }
case "$2" in
--task)
  echo "$3" >> "$dir/runs"
  if [ -f "$dir/fail-$3" ] && { [ "$(cat "$dir/fail-$3")" = always ] || [ ! -f "$dir/failed-$3" ]; }; then
    touch "$dir/failed-$3"; exit 3
  fi
  mkdir -p "$dir/parts" && echo "part $3" > "$dir/parts/.tmp-$3" && mv "$dir/parts/.tmp-$3" "$dir/parts/task-$3.part" ;;
--merge)
  n=$(ls "$dir/parts" | grep -c '^task-'); [ "$n" = "$(cat "$dir/tasks")" ] && done_status ;;
*)
  sleep "$(cat "$dir/sleep")"; done_status ;;
esac
"#;

fn params(root: &Path) -> SlurmParams {
    let script = root.join("worker.sh");
    std::fs::write(&script, WORKER).unwrap();
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

/// A job type of `items` independent work items (its value), for the array tests.
struct Counted(JobDescriptor);

impl JobType for Counted {
    fn descriptor(&self) -> &JobDescriptor {
        &self.0
    }
    fn run(&self, _ctx: &mut JobContext) -> Result<(), JobFailure> {
        Ok(())
    }
    fn work_items(&self, ctx: &JobContext) -> Option<u64> {
        ctx.values().get("items")?.as_u64()
    }
}

/// Executor settings that split `counted` jobs into tasks of 10 items, one retry.
fn split_params(root: &Path) -> SlurmParams {
    let mut p = params(root);
    let descriptor = JobDescriptor { name: "counted".into(), title: String::new(), description: String::new(), parameters: vec![], relations: vec![] };
    p.split = Some(Registry::default().with(Counted(descriptor)));
    p.items_per_task = 10;
    p.task_retries = 1;
    p
}

/// A `counted` job of `items` items; `fail` marks tasks to fail `once` or `always`.
fn counted_job(root: &Path, id: &str, items: u64, fail: &[(u32, &str)]) -> Submission {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("job.json"), format!(r#"{{"id":"{id}","job_type":"counted","values":{{"items":{items}}}}}"#)).unwrap();
    std::fs::write(dir.join("tasks"), items.div_ceil(10).to_string()).unwrap();
    for (task, how) in fail {
        std::fs::write(dir.join(format!("fail-{task}")), how).unwrap();
    }
    Submission { job_id: id.to_owned(), dir, execution_duration_s: 300 }
}

async fn finished(rx: &mut mpsc::UnboundedReceiver<ExecEvent>) -> Outcome {
    loop {
        if let ExecEvent::Finished { outcome, .. } = next(rx).await {
            return outcome;
        }
    }
}

/// How often each task ran, by task.
fn runs(dir: &Path) -> Vec<(u32, usize)> {
    let text = std::fs::read_to_string(dir.join("runs")).unwrap_or_default();
    let mut counts = std::collections::BTreeMap::new();
    for line in text.lines() {
        *counts.entry(line.trim().parse::<u32>().unwrap()).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_array_task_is_rerun_alone_then_the_parts_are_merged() {
    let _turn = SERIAL.lock().await;
    if !slurm_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let id = unique("rerun");
    let sub = counted_job(tmp.path(), &id, 40, &[(2, "once")]);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ex = SlurmExecutor::connect(split_params(tmp.path()), tx).await.unwrap();
    ex.submit(sub.clone());
    assert_eq!(finished(&mut rx).await, Outcome::Completed { results: vec![] });
    assert_eq!(runs(&sub.dir), vec![(0, 1), (1, 1), (2, 2), (3, 1)], "only task 2 ran twice");
    let record = read_record(&sub.dir).unwrap();
    assert_eq!(record.arrays.len(), 2, "first array and the rerun: {record:?}");
    let rerun = squeue(&["-r", "--states=all", "-j", &record.arrays[1].to_string(), "-o", "%i"]);
    assert_eq!(rerun, format!("{}_2", record.arrays[1]), "the rerun holds task 2 alone");
    let log = std::fs::read_to_string(sub.dir.join("worker.log")).unwrap();
    assert!(log.contains("task 2: FAILED (reason NonZeroExitCode); resubmitted alone"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_failing_for_good_ends_the_job_naming_it_with_its_exit_code() {
    let _turn = SERIAL.lock().await;
    if !slurm_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let id = unique("taskfail");
    let sub = counted_job(tmp.path(), &id, 35, &[(1, "always")]);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ex = SlurmExecutor::connect(split_params(tmp.path()), tx).await.unwrap();
    ex.submit(sub.clone());
    let Outcome::Failed { message, .. } = finished(&mut rx).await else { panic!("expected Failed") };
    assert!(message.starts_with("1 of 4 array tasks failed after 2 submission(s)"), "{message}");
    assert!(message.contains("task 1: SLURM FAILED (reason NonZeroExitCode), exit code 3:0"), "{message}");
    assert_eq!(runs(&sub.dir), vec![(0, 1), (1, 2), (2, 1), (3, 1)]);
    for k in [0, 2, 3] {
        assert!(part_path(&sub.dir, k).is_file(), "part {k} kept");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn array_tasks_slurm_forgot_are_submitted_again_and_finished_ones_kept() {
    let _turn = SERIAL.lock().await;
    if !slurm_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let id = unique("forgot");
    let sub = counted_job(tmp.path(), &id, 40, &[]);
    let p = split_params(tmp.path());
    let plan = plan_job(&sub.dir, p.split.as_ref().unwrap(), 10, 1000).unwrap();
    assert_eq!(plan, Some(TaskPlan { items: 40, tasks: 4 }));
    std::fs::create_dir_all(sub.dir.join("parts")).unwrap();
    for k in [0, 1] {
        std::fs::write(part_path(&sub.dir, k), "part").unwrap();
    }
    // As after a controller crash that lost the array: the record names an id SLURM never gave.
    let gone = 3_999_999;
    let record = SlurmRecord { slurm_job_id: gone, job_name: format!("stop-{id}"), arrays: vec![gone] };
    std::fs::write(sub.dir.join("slurm.json"), serde_json::to_vec(&record).unwrap()).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ex = SlurmExecutor::connect(p, tx).await.unwrap();
    assert!(ex.may_be_running(&sub, gone));
    ex.reattach(sub.clone(), gone);
    assert_eq!(finished(&mut rx).await, Outcome::Completed { results: vec![] });
    assert_eq!(runs(&sub.dir), vec![(2, 1), (3, 1)], "the finished tasks 0 and 1 did not run again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_job_lost_in_a_controller_crash_is_submitted_again() {
    let _turn = SERIAL.lock().await;
    if !slurm_available() {
        return;
    }
    let node = String::from_utf8(Command::new("hostname").arg("-s").output().unwrap().stdout).unwrap().trim().to_owned();
    let scontrol = |args: &[&str]| assert!(Command::new("scontrol").args(args).status().unwrap().success(), "scontrol {args:?}");
    let tmp = tempfile::tempdir().unwrap();
    let id = unique("crash");
    let sub = job(tmp.path(), &id, 1);
    // A drained node keeps the job pending, as a busy cluster would.
    scontrol(&["update", &format!("nodename={node}"), "state=drain", "reason=stop-test"]);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ex = SlurmExecutor::connect(params(tmp.path()), tx).await.unwrap();
    ex.submit(sub.clone());
    let deadline = std::time::Instant::now() + DEADLINE;
    let first = loop {
        if let Some(r) = read_record(&sub.dir) {
            break r.slurm_job_id;
        }
        assert!(std::time::Instant::now() < deadline, "no SLURM record");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // The controller dies and its saved state with it: the pending job is forgotten.
    let pid = std::fs::read_to_string("/run/slurmctld.pid").unwrap();
    assert!(Command::new("kill").args(["-KILL", pid.trim()]).status().unwrap().success());
    // SIGKILL is delivered asynchronously: slurm-up.sh must not find it still alive.
    let proc_dir = PathBuf::from(format!("/proc/{}", pid.trim()));
    let gone_by = std::time::Instant::now() + Duration::from_secs(20);
    while proc_dir.exists() && std::time::Instant::now() < gone_by {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = std::fs::remove_file("/run/slurmctld.pid");
    std::fs::remove_dir_all("/var/spool/slurmctld").unwrap();
    let up = Command::new("bash").arg(repo_root().join(".ci/slurm-up.sh")).stdout(Stdio::null()).status().unwrap();
    let resumed = Command::new("scontrol").args(["update", &format!("nodename={node}"), "state=resume"]).stderr(Stdio::null()).status();
    assert!(up.success(), "restarting slurmctld: {resumed:?}");
    assert_eq!(finished(&mut rx).await, Outcome::Completed { results: vec![] });
    let again = read_record(&sub.dir).unwrap();
    let runs = squeue(&["--states=all", &format!("--name=stop-{id}"), "-o", "%i|%T"]);
    assert_eq!(runs, format!("{}|COMPLETED", again.slurm_job_id), "submitted once more (first id {first})");
    let log = std::fs::read_to_string(sub.dir.join("worker.log")).unwrap();
    assert!(log.contains("SLURM no longer knows job") && log.contains("submitting the job again"), "{log}");
}
