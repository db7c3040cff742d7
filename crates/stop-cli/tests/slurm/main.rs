//! The SLURM executor end to end: the real `stop serve --executor slurm` on 127.0.0.1:0
//! against a real one-node SLURM (`.ci/slurm-up.sh`), driven through the UWS interface with
//! the `diagnostic` job type. Skipped loudly without root/SLURM; a failure under `CI=true`.
#![allow(clippy::unwrap_used, clippy::print_stderr, missing_docs)]

#[path = "../common/serve.rs"]
mod serve;
mod harness;

use std::time::Duration;

use harness::{Server, element, eventually, slurm_available, slurm_id, squeue};

#[test]
fn job_completes_with_results_through_slurm() {
    if !slurm_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path());
    let job = s.run_diagnostic(&[("duration_s", "1"), ("result_bytes", "1000")]);
    let doc = s.wait_final(&job);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    assert!(doc.contains("size=\"1000\""), "{doc}");
    let (status, body) = s.get(&format!("{job}/results/diagnostic.txt"));
    assert_eq!((status, body.len()), (200, 1000));
    // It really ran in SLURM, under its tag.
    let id = slurm_id(&s.job_dir(&job));
    let uws_id = job.rsplit('/').next().unwrap();
    let line = squeue(&["--states=all", "-j", &id.to_string(), "-o", "%T|%j|%k"]);
    assert_eq!(line.trim(), format!("COMPLETED|stop-{uws_id}|{uws_id}"));
}

#[test]
fn job_aborted_while_running_leaves_no_slurm_job() {
    if !slurm_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path());
    let job = s.run_diagnostic(&[("duration_s", "300")]);
    eventually("the job to execute", || (s.phase(&job) == "EXECUTING").then_some(()));
    let id = slurm_id(&s.job_dir(&job)).to_string();
    assert_eq!(squeue(&["-j", &id, "-o", "%T"]).trim(), "RUNNING");
    let (status, _) = s.post(&format!("{job}/phase"), &[("PHASE", "ABORT")]);
    assert_eq!(status, 303);
    let doc = s.wait_final(&job);
    assert_eq!(element(&doc, "uws:phase"), "ABORTED", "{doc}");
    eventually("SLURM to drop the job", || squeue(&["-j", &id, "-o", "%i"]).trim().is_empty().then_some(()));
    assert_eq!(squeue(&["--states=all", "-j", &id, "-o", "%T"]).trim(), "CANCELLED");
}

#[test]
fn failing_jobs_end_in_error_with_exit_code_or_solver_message() {
    if !slurm_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path());
    let crash = s.run_diagnostic(&[("outcome", "crash")]);
    let fail = s.run_diagnostic(&[("outcome", "fail")]);
    let doc = s.wait_final(&crash);
    assert_eq!(element(&doc, "uws:phase"), "ERROR", "{doc}");
    let message = element(&doc, "uws:message");
    // The worker aborts: SIGABRT, so SLURM reports FAILED with ExitCode 0:6.
    assert!(message.contains("FAILED") && message.contains("exit code 0:6"), "{message}");
    let doc = s.wait_final(&fail);
    assert_eq!(element(&doc, "uws:phase"), "ERROR", "{doc}");
    assert!(element(&doc, "uws:message").contains("diagnostic job failed on request"), "{doc}");
}

#[test]
fn restart_mid_run_loses_nothing_and_leaves_foreign_jobs_alone() {
    if !slurm_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut s = Server::start(dir.path());
    let ends_while_down = s.run_diagnostic(&[("duration_s", "2"), ("result_bytes", "300")]);
    let outlives_restart = s.run_diagnostic(&[("duration_s", "12"), ("result_bytes", "300")]);
    for job in [&ends_while_down, &outlives_restart] {
        eventually("both jobs executing", || (s.phase(job) == "EXECUTING").then_some(()));
    }
    let ids: Vec<u32> = [&ends_while_down, &outlives_restart].iter().map(|j| slurm_id(&s.job_dir(j))).collect();
    // A SLURM job the service never submitted.
    let foreign = std::process::Command::new("sbatch")
        .args(["--parsable", "--job-name=not-stop", "--time=2", "--mem=64M", "--output=/dev/null", "--wrap=sleep 60"])
        .output()
        .unwrap();
    let foreign = String::from_utf8_lossy(&foreign.stdout).trim().to_owned();
    assert!(foreign.parse::<u32>().is_ok(), "sbatch of the foreign job: {foreign:?}");

    s.kill9();
    std::thread::sleep(Duration::from_secs(4)); // the 2 s job ends while no server runs
    let s = Server::start(dir.path());
    for job in [&ends_while_down, &outlives_restart] {
        let doc = s.wait_final(job);
        assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{job}: {doc}");
        assert!(doc.contains("size=\"300\""), "{doc}");
        let (status, body) = s.get(&format!("{job}/results/diagnostic.txt"));
        assert_eq!((status, body.len()), (200, 300));
    }
    // Nothing was submitted twice: each job is still the SLURM job it was before the restart.
    for (job, id) in [&ends_while_down, &outlives_restart].iter().zip(&ids) {
        let uws_id = job.rsplit('/').next().unwrap();
        let runs = squeue(&["--states=all", &format!("--name=stop-{uws_id}"), "-o", "%i"]);
        assert_eq!(runs.trim(), id.to_string(), "SLURM jobs of {uws_id}");
    }
    let state = squeue(&["--states=all", "-j", &foreign, "-o", "%T"]);
    assert!(matches!(state.trim(), "PENDING" | "RUNNING"), "the foreign job was touched: {state}");
    let _ = std::process::Command::new("scancel").arg(&foreign).status();
}

/// A CO grid of 5 × 5 × 4 × 2 = 200 models.
const GRID_200: [(&str, &str); 7] = [
    ("molecule", "co"),
    ("tkin_k", "15,30,60,120,240"),
    ("densities_cm3.h2", "1e2,1e3,1e4,1e5,1e6"),
    ("column_cm2", "1e13,1e14,1e15,1e16"),
    ("fwhm_km_s", "1,4"),
    ("fmax_ghz", "600"),
    ("threads", "1"),
];

#[test]
fn a_20_task_grid_array_merges_into_the_local_executors_results() {
    if !slurm_available() {
        return;
    }
    let local_dir = tempfile::tempdir().unwrap();
    let local = Server::start_with(local_dir.path(), &[]);
    let local_job = local.run_job("grid", &GRID_200);
    let dir = tempfile::tempdir().unwrap();
    let args = ["--executor", "slurm", "--slurm-poll-ms", "300", "--slurm-mem-mb", "256", "--slurm-models-per-task", "10"];
    let s = Server::start_with(dir.path(), &args);
    let job = s.run_job("grid", &GRID_200);

    let doc = local.wait_final(&local_job);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "local: {doc}");
    let (status, expected) = local.get(&format!("{local_job}/results/grid.tsv"));
    assert_eq!(status, 200);
    let expected = String::from_utf8(expected).unwrap();
    let rows: Vec<&str> = expected.lines().filter(|l| !l.starts_with('#')).skip(1).collect();
    assert_eq!(rows.len(), 200, "one row per model");
    assert!(rows.iter().enumerate().all(|(i, r)| r.split('\t').next() == Some((i + 1).to_string().as_str())), "models 1..200 in order");

    let doc = s.wait_final(&job);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "SLURM: {doc}");
    let (status, merged) = s.get(&format!("{job}/results/grid.tsv"));
    assert_eq!(status, 200);
    assert!(merged == expected.as_bytes(), "the merged grid differs from the local run");
    // It ran as one array of 20 tasks and a merge job, all under the job's tag.
    let job_dir = s.job_dir(&job);
    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(job_dir.join("tasks.json")).unwrap()).unwrap();
    assert_eq!(plan, serde_json::json!({ "items": 200, "tasks": 20 }));
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(job_dir.join("slurm.json")).unwrap()).unwrap();
    let array = record["arrays"][0].as_u64().unwrap();
    assert_eq!(record["arrays"].as_array().unwrap().len(), 1, "no task was rerun: {record}");
    let uws_id = job.rsplit('/').next().unwrap();
    let runs = squeue(&["-r", "--states=all", &format!("--name=stop-{uws_id}"), "-o", "%i|%T"]);
    let mut runs: Vec<&str> = runs.lines().collect();
    runs.sort_unstable();
    let mut want: Vec<String> = (0..20).map(|k| format!("{array}_{k}|COMPLETED")).collect();
    want.push(format!("{}|COMPLETED", record["slurm_job_id"]));
    want.sort_unstable();
    assert_eq!(runs, want);
}

#[test]
fn a_grid_array_survives_a_server_restart_mid_run() {
    if !slurm_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let args = ["--executor", "slurm", "--slurm-poll-ms", "300", "--slurm-mem-mb", "256", "--slurm-models-per-task", "10"];
    let mut s = Server::start_with(dir.path(), &args);
    let job = s.run_job("grid", &GRID_200);
    eventually("the array to execute", || (s.phase(&job) == "EXECUTING").then_some(()));
    s.kill9();
    let s = Server::start_with(dir.path(), &args);
    let doc = s.wait_final(&job);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    let (status, merged) = s.get(&format!("{job}/results/grid.tsv"));
    assert_eq!(status, 200);
    let merged = String::from_utf8(merged).unwrap();
    let models: Vec<&str> = merged.lines().filter(|l| !l.starts_with('#')).skip(1).map(|l| l.split('\t').next().unwrap()).collect();
    let expected: Vec<String> = (1..=200).map(|m| m.to_string()).collect();
    assert_eq!(models, expected, "every model once, in order");
    // The restarted server followed the array it had submitted: one array, 20 tasks, one merge.
    let uws_id = job.rsplit('/').next().unwrap();
    let runs = squeue(&["-r", "--states=all", &format!("--name=stop-{uws_id}"), "-o", "%i"]);
    assert_eq!(runs.lines().count(), 21, "{runs}");
}

/// Runs `stop serve --executor slurm` with `env` and expects it to refuse to start; returns
/// what it printed on stderr.
fn refused_start(env: &[(&str, &std::ffi::OsStr)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stop"))
        .args(["serve", "--port", "0", "--executor", "slurm", "--data-dir"])
        .arg(dir.path())
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = eventually("stop serve to give up", || child.try_wait().unwrap());
    assert!(!status.success(), "stop serve started without a usable SLURM");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    stderr
}

#[test]
fn start_up_refuses_missing_slurm_commands() {
    let empty = tempfile::tempdir().unwrap();
    let stderr = refused_start(&[("PATH", empty.path().as_os_str())]);
    assert!(stderr.contains("`sbatch` not found"), "{stderr}");
}

#[test]
fn start_up_refuses_a_controller_that_does_not_answer() {
    if !slurm_available() {
        return;
    }
    // The real cluster's configuration, but the controller at a port nobody listens on.
    let conf = std::fs::read_to_string("/etc/slurm/slurm.conf").unwrap();
    let conf: String = conf.lines().map(|l| if l.starts_with("SlurmctldHost=") { format!("{l}\nSlurmctldPort=6999\n") } else { format!("{l}\n") }).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slurm.conf");
    std::fs::write(&path, conf).unwrap();
    let stderr = refused_start(&[("SLURM_CONF", path.as_os_str())]);
    assert!(stderr.contains("SLURM controller does not answer"), "{stderr}");
}
